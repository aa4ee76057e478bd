// Apple-only (BackgroundTasks). Compiled by Xcode, never on Linux.
import BackgroundTasks
import WaymarkKit

/// The check-in's deadlines while the app is not open: one BGAppRefreshTask request for the
/// earliest wake-up the app model asked for. The app model then ticks the armed check-in, which
/// needs no PIN. iOS runs refresh tasks when it chooses (at or after the time asked, sooner for
/// apps the person opens often), so a deadline can be late; the reminders and alerts it hands out
/// are delivered the moment it runs.
final class BackgroundRefresh: WakeScheduler {
    static func register(run: @escaping (_ done: @escaping () -> Void) -> Void) {
        _ = BGTaskScheduler.shared.register(forTaskWithIdentifier: AppBundle.checkInRefreshTask, using: nil) { task in
            // Completed exactly once, by whichever comes first (WaymarkKit.BackgroundCompletion).
            let completion = BackgroundCompletion { task.setTaskCompleted(success: $0) }
            task.expirationHandler = { completion.expired() }
            run { completion.done() }
        }
    }

    func requestWake(at: Date) {
        let request = BGAppRefreshTaskRequest(identifier: AppBundle.checkInRefreshTask)
        request.earliestBeginDate = at
        // Submitting again replaces the pending request with the same identifier.
        try? BGTaskScheduler.shared.submit(request)
    }

    func cancelAllWakes() {
        BGTaskScheduler.shared.cancel(taskRequestWithIdentifier: AppBundle.checkInRefreshTask)
    }
}
