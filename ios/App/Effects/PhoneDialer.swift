// Apple-only (UIKit). Compiled by Xcode, never on Linux.
import UIKit
import WaymarkKit

/// Hands the number to the Phone app (`tel:`), which asks the person to confirm and, for 999,
/// sends the caller's location to the emergency service (Advanced Mobile Location).
final class PhoneDialer: Dialer {
    func open(_ url: URL) -> Bool {
        UIApplication.shared.open(url, options: [:], completionHandler: nil)
        return true
    }
}
