import Foundation

/// Runs the app: sends events to the app model (`AppCore.dispatch`), keeps the latest view model
/// for the views to draw, and hands the effects to the dispatcher, whose outcomes come back here
/// as events. Every event goes through one serial queue, in the order sent, so the app model
/// sees them one at a time and a slow one (unlocking stretches the PIN for about half a second)
/// never runs on the main thread; views are told on `deliver` (the main queue in the app).
public final class AppStore: @unchecked Sendable {
    private let core: AppCoreProtocol
    private let dispatcher: EffectDispatcher
    private let work: Executor
    private let longWork: Executor
    private let deliver: Executor
    private let now: () -> Date
    private let lock = NSLock()
    private var latest: ViewModel
    /// Counts the views that came from the app model's answers (events, finished work), so a
    /// progress redraw that raced with one of them is dropped.
    private var generation = 0

    /// Called on `deliver` with each new view model.
    public var onView: ((ViewModel) -> Void)?

    /// - `work`: where the app model runs (a serial background queue in the app; inline in tests).
    /// - `deliver`: where views and ports are called (the main queue in the app; inline in tests).
    /// - `longWork`: where `AppCore.runWork` runs (exports, map import: seconds to minutes); never
    ///   the `work` queue, which must stay free for `CancelWork` and every other event.
    /// - `movies`, `streaming`: where recorded videos wait, and where they are streamed in
    ///   (see `EffectDispatcher.init`).
    public init(core: AppCoreProtocol, ports: EffectPorts, work: Executor, deliver: Executor,
                longWork: Executor = QueueExecutor(DispatchQueue.global(qos: .userInitiated)),
                movies: MovieStreamer = MovieStreamer(),
                streaming: Executor = QueueExecutor(DispatchQueue.global(qos: .userInitiated)),
                now: @escaping () -> Date = Date.init) {
        self.core = core
        self.dispatcher = EffectDispatcher(ports: ports, movies: movies, streaming: streaming)
        self.work = work
        self.longWork = longWork
        self.deliver = deliver
        self.now = now
        self.latest = core.view()
        dispatcher.report = { [weak self] event, handled in self?.send(event, then: handled) }
        dispatcher.runWork = { [weak self] id in self?.runWork(id) }
    }

    /// Long work: blocks `longWork` until it ends, then draws the result and carries out its
    /// effects (a share sheet). Progress is redrawn by `refreshWhileWorking` meanwhile.
    private func runWork(_ id: String) {
        longWork.run { [self] in
            let update = core.runWork(id: id)
            lock.lock(); latest = update.view; generation += 1; lock.unlock()
            deliver.run { [self] in
                onView?(update.view)
                dispatcher.perform(update.effects)
                dispatcher.workEnded()
            }
        }
    }

    /// While `view.work` shows (an export's progress bar), call this a few times a second: it
    /// redraws from `AppCore.view()` without sending an event.
    public func refreshWhileWorking() {
        work.run { [self] in
            lock.lock(); let working = latest.work != nil; let seen = generation; lock.unlock()
            guard working else { return }
            let view = core.view()
            // The work may have ended while view() ran (it runs on another queue): its final
            // view must not be replaced by this older one.
            lock.lock()
            let current = generation == seen
            if current { latest = view }
            lock.unlock()
            guard current else { return }
            deliver.run { [self] in onView?(view) }
        }
    }

    /// Whether long work is under way: the app redraws with `refreshWhileWorking` a few times a
    /// second while it is.
    public var isWorking: Bool {
        lock.lock(); defer { lock.unlock() }
        return latest.work != nil
    }

    /// The view model to draw now.
    public var view: ViewModel {
        lock.lock(); defer { lock.unlock() }
        return latest
    }

    /// Sends one event; `then` runs on `deliver` after the app model handled it and its effects
    /// were carried out.
    public func send(_ event: AppEvent, then: (() -> Void)? = nil) {
        work.run { [self] in
            let update = core.dispatch(event: event)
            lock.lock(); latest = update.view; generation += 1; lock.unlock()
            deliver.run { [self] in
                onView?(update.view)
                dispatcher.perform(update.effects)
                then?()
            }
        }
    }

    /// About once a second while the app is in front: the countdowns, and any wake-up whose time
    /// came while the app was open.
    public func tick() {
        deliver.run { [self] in
            for event in dispatcher.dueWakes(now: now()) { send(event) }
            send(.tick)
        }
    }

    /// The app came to the front.
    public func foregrounded() {
        send(.foregrounded) { [self] in
            dispatcher.appIsActive()
            for event in dispatcher.dueWakes(now: now()) { send(event) }
        }
    }

    /// The app is about to leave the front (the app switcher opens, a call comes in): cover the
    /// content at once, on the caller's (main) thread, because iOS takes the app switcher's
    /// snapshot before the app model could answer. The app model uncovers it on `foregrounded`.
    public func leavingForeground() {
        dispatcher.cover()
    }

    /// The app went to the background: the app model covers the content and starts the
    /// auto-lock delay.
    public func backgrounded() {
        dispatcher.cover()
        send(.backgrounded)
    }

    /// A background refresh is running (BGAppRefreshTask): report the wake-ups that are due;
    /// `done` runs when they were handled (the task can then be marked complete).
    public func backgroundRefresh(done: @escaping () -> Void) {
        deliver.run { [self] in
            let due = dispatcher.dueWakes(now: now())
            // After the app was killed the ledger is empty; `started` makes the app model tick
            // the check-in from its armed file.
            let events: [AppEvent] = due.isEmpty ? [.started] : due
            for (i, event) in events.enumerated() {
                send(event, then: i == events.count - 1 ? done : nil)
            }
        }
    }

    /// Texts waiting for the app to be in front (for tests and diagnostics).
    public var waitingMessages: Int { dispatcher.waitingMessages }
}

/// Where a piece of work runs.
public protocol Executor: Sendable {
    func run(_ work: @escaping () -> Void)
}

/// Runs work at once on the caller's thread (tests, and code already on the right queue).
public struct InlineExecutor: Executor {
    public init() {}
    public func run(_ work: @escaping () -> Void) { work() }
}

/// Runs work asynchronously on a dispatch queue, in order if the queue is serial.
public struct QueueExecutor: Executor, @unchecked Sendable {
    let queue: DispatchQueue
    public init(_ queue: DispatchQueue) { self.queue = queue }
    public func run(_ work: @escaping () -> Void) { queue.async(execute: work) }
}
