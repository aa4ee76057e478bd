import Foundation
import XCTest
import WaymarkKit

/// The store's one race: a progress redraw (`refreshWhileWorking`, on the event queue) reading
/// `AppCore.view()` while the long work ends on its own queue. A stand-in app model makes the
/// work end exactly inside that `view()` call, with view models taken from the real app model.
final class StoreRaceTests: XCTestCase {
    final class RacingCore: AppCoreProtocol, @unchecked Sendable {
        let working: ViewModel
        let done: ViewModel
        let workId: String
        var duringView: () -> Void = {}
        init(working: ViewModel, done: ViewModel, workId: String) {
            self.working = working
            self.done = done
            self.workId = workId
        }
        func dispatch(event: AppEvent) -> AppUpdate { AppUpdate(view: working, effects: [.runWork(id: workId)]) }
        func runWork(id: String) -> AppUpdate { AppUpdate(view: done, effects: []) }
        func view() -> ViewModel {
            duringView()
            return working
        }
    }

    func testARedrawThatRacedWithTheEndOfTheWorkNeverBringsBackTheProgressCard() throws {
        // Real view models: one while an export waits to run, one after it ended.
        let journey = JourneyTests(name: "testAReportIsMadeOffTheEventQueueAndHandedToTheShareSheet") { _ in }
        let app = try journey.appWithIncidents(1, longWork: JourneyTests.HeldExecutor())
        app.store.send(.startExport(what: .report))
        let during = app.store.view
        let id = try XCTUnwrap(during.work?.id)
        app.store.send(.cancelWork(id: id))
        let after = app.store.view
        XCTAssertNil(after.work)

        let longWork = JourneyTests.HeldExecutor()
        let core = RacingCore(working: during, done: after, workId: id)
        let store = AppStore(core: core, ports: FakePhone().ports, work: InlineExecutor(), deliver: InlineExecutor(),
                             longWork: longWork)
        var drawn: [Bool] = []
        store.onView = { drawn.append($0.work != nil) }
        store.send(.startExport(what: .report))
        XCTAssertTrue(store.isWorking)
        XCTAssertEqual(longWork.waiting, 1)
        // The work ends while the redraw is inside view().
        core.duringView = { longWork.release() }
        store.refreshWhileWorking()
        XCTAssertFalse(store.isWorking, "the finished work's view stays")
        XCTAssertNil(store.view.work)
        XCTAssertEqual(drawn.last, false, "the last thing drawn is the finished view")
    }
}
