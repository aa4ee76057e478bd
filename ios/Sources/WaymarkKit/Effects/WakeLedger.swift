import Foundation

/// The wake-ups the app model asked for, by id. iOS gives an app one background refresh request
/// at a time and runs it when it chooses, so the shell keeps the ids here, asks iOS for the
/// earliest, and when the app runs (a background refresh, back in front, the foreground tick)
/// reports every id whose time has come, each once.
///
/// Kept in memory only: written to disk, the times would show that a check-in is running. After
/// the app was killed the ledger is empty, and `Started` makes the app model tick the check-in
/// and ask for its wake-up again.
public final class WakeLedger {
    private var pending: [String: Date] = [:]

    public init() {}

    /// A new time for an id replaces the old one.
    public func schedule(id: String, at: Date) { pending[id] = at }

    public func cancel(id: String) { pending[id] = nil }

    public var earliest: Date? { pending.values.min() }

    public var isEmpty: Bool { pending.isEmpty }

    /// The ids due at `now`, earliest first (ties by id, so the order never depends on a hash),
    /// removed from the ledger.
    public func takeDue(now: Date) -> [String] {
        let due = pending.filter { $0.value <= now }.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
        for (id, _) in due { pending[id] = nil }
        return due.map(\.key)
    }
}
