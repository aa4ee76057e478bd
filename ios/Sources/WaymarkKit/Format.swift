import Foundation

/// How the views show the structured values the app model gives beside its words (seconds left,
/// sizes). Only shapes of numbers live here, never a sentence: every word comes from the app
/// model's string table.
public enum Format {
    /// A countdown as the clock shows it: "0:05", "4:59", "1:00:00".
    public static func countdown(seconds: UInt32) -> String {
        let h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60
        let mmss = String(format: "%02d:%02d", m, s)
        if h > 0 { return "\(h):\(mmss)" }
        return "\(m):" + String(format: "%02d", s)
    }
}
