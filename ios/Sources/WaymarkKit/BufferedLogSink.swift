import Foundation

/// Keeps the last `capacity` log events from the core in memory (for a "send diagnostics"
/// screen, or tests). Events are already free of personal data. Thread-safe: the core logs
/// from whichever thread made the call.
public final class BufferedLogSink: LogSink, @unchecked Sendable {
    private let lock = NSLock()
    private var events: [LogEvent] = []
    private let capacity: Int

    public init(capacity: Int = 500) {
        self.capacity = capacity
    }

    public func log(event: LogEvent) throws {
        lock.lock()
        defer { lock.unlock() }
        if events.count == capacity { events.removeFirst() }
        events.append(event)
    }

    public func snapshot() -> [LogEvent] {
        lock.lock()
        defer { lock.unlock() }
        return events
    }
}
