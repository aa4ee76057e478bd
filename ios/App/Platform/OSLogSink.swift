// Apple-only (os). Compiled by Xcode, never on Linux.
import os
import WaymarkKit

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
