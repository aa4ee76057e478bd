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

#if canImport(os)
import os

/// Sends the core's log events to the unified log (Console.app), marked public because the
/// core guarantees they carry no personal data.
public final class OSLogSink: LogSink, @unchecked Sendable {
    private let logger: Logger

    public init(subsystem: String = "org.waymark", category: String = "core") {
        logger = Logger(subsystem: subsystem, category: category)
    }

    public func log(event: LogEvent) throws {
        let text = "\(event.target): \(event.message)"
        switch event.level {
        case .error: logger.error("\(text, privacy: .public)")
        case .warn: logger.warning("\(text, privacy: .public)")
        case .info: logger.info("\(text, privacy: .public)")
        case .debug, .trace: logger.debug("\(text, privacy: .public)")
        }
    }
}
#endif
