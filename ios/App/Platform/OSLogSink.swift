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

    /// A problem the app met itself (the vault folder's protection). The system's error text may
    /// name a path, so it is kept private in the unified log.
    static func warn(_ problem: String) {
        Logger(subsystem: "org.waymark", category: "app").warning("\(problem, privacy: .private)")
    }
}
