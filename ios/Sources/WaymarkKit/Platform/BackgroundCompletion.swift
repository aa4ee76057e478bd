import Foundation

/// A background task (BGAppRefreshTask) must be marked complete exactly once: when its work is
/// done, or when iOS says its time is up, whichever comes first. Completing twice, or never,
/// makes iOS run the app's refreshes less often, and the check-in deadlines depend on them.
/// Safe to call from any thread.
public final class BackgroundCompletion: @unchecked Sendable {
    private let lock = NSLock()
    private var complete: ((Bool) -> Void)?

    public init(_ complete: @escaping (_ success: Bool) -> Void) {
        self.complete = complete
    }

    /// The work finished.
    public func done() { finish(success: true) }

    /// iOS's expiration handler: the task is out of time.
    public func expired() { finish(success: false) }

    public var isFinished: Bool {
        lock.lock(); defer { lock.unlock() }
        return complete == nil
    }

    private func finish(success: Bool) {
        lock.lock()
        let complete = self.complete
        self.complete = nil
        lock.unlock()
        complete?(success)
    }
}
