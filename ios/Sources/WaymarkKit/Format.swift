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

    /// A running check-in's clock: the time left ("24:59"), or once the deadline passed, how long
    /// overdue with a plus sign ("+3:00"), so the two never look alike.
    public static func checkInClock(dueInSeconds: UInt32, overdueSeconds: UInt32) -> String {
        overdueSeconds > 0 ? "+" + countdown(seconds: overdueSeconds) : countdown(seconds: dueInSeconds)
    }
}

/// The progress bar's value: the app model's fraction, kept within 0...1 (a bar given NaN or
/// more than 1 draws nothing useful).
public enum WorkProgress {
    public static func clamped(_ fraction: Double) -> Double {
        guard fraction.isFinite else { return 0 }
        return min(max(fraction, 0), 1)
    }
}
