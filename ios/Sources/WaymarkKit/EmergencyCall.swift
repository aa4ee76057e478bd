import Foundation

/// What the app hands to the phone's own dialler in an emergency. An app cannot place a 999
/// call itself; opening a `tel:` URL shows the number in the Phone app, which also sends the
/// caller's location to the emergency service (Advanced Mobile Location).
public enum EmergencyCall {
    /// UK default; 112 also works. Configurable per region.
    public static let ukEmergency = "999"
    public static let ukPoliceNonEmergency = "101"
    public static let nationalStalkingHelpline = "08088020300"

    /// Shown next to the button: what to do if speaking is not safe.
    public static let silentSolutionHint =
        "If you cannot speak, stay on the line and press 55 when asked. The operator will know you need help."

    public enum NumberError: Error, Equatable {
        case invalid(String)
    }

    /// The `tel:` URL for `number`. Only digits, `+`, `*` and `#` are accepted (spaces and
    /// dashes are dropped), so nothing else can be smuggled into the URL.
    public static func dialURL(_ number: String = ukEmergency) throws -> URL {
        let cleaned = number.filter { $0 != " " && $0 != "-" }
        guard !cleaned.isEmpty, cleaned.count <= 20 else {
            throw NumberError.invalid("a phone number has 1 to 20 digits")
        }
        guard cleaned.allSatisfy({ $0.isASCII && ($0.isNumber || "+*#".contains($0)) }) else {
            throw NumberError.invalid("a phone number may contain only digits, +, * and #")
        }
        let encoded = cleaned.replacingOccurrences(of: "#", with: "%23")
        guard let url = URL(string: "tel:\(encoded)") else {
            throw NumberError.invalid("not a dialable number")
        }
        return url
    }
}
