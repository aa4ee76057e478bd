import Foundation
import XCTest
import WaymarkKit

/// Export through the store as the app runs it: the app model prepares the work (`RunWork`), the
/// store runs `AppCore.runWork` on its long-work executor, and the share sheet gets the file.
extension JourneyTests {
    /// Holds work until the test lets it run (the app would run it on a background queue).
    final class HeldExecutor: Executor, @unchecked Sendable {
        private let lock = NSLock()
        private var held: [() -> Void] = []
        func run(_ work: @escaping () -> Void) { lock.lock(); held.append(work); lock.unlock() }
        var waiting: Int { lock.lock(); defer { lock.unlock() }; return held.count }
        func release() {
            lock.lock(); let all = held; held = []; lock.unlock()
            all.forEach { $0() }
        }
    }

    func exportScreen(_ s: ViewModel) throws -> ExportScreen {
        guard case let .export(export) = s.screen else { XCTFail("expected export, got \(s.screen)"); throw CancellationError() }
        return export
    }

    func appWithIncidents(_ n: Int, longWork: Executor) throws -> App {
        let app = try App(longWork: longWork)
        try firstRun(app)
        let kinds: [QuickKind] = [.followed, .watching, .threats]
        for i in 0..<n {
            app.store.send(.quickLog(kind: kinds[i % kinds.count]))
            app.clock.advance(3600)
        }
        app.store.send(.open(to: .export))
        return app
    }

    func exportsFolder(_ app: App) -> URL {
        URL(fileURLWithPath: app.dir).deletingLastPathComponent().appendingPathComponent("exports")
    }

    func filesIn(_ dir: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
    }

    func testAReportIsMadeOffTheEventQueueAndHandedToTheShareSheet() throws {
        let longWork = HeldExecutor()
        let app = try appWithIncidents(3, longWork: longWork)
        let export = try exportScreen(app.view)
        XCTAssertTrue(export.optionsEnabled)
        XCTAssertFalse(export.warning.isEmpty, "the file is not locked: said before anything is made")
        let report = try XCTUnwrap(export.options.first { $0.what == .report })

        app.store.send(.startExport(what: report.what))
        XCTAssertEqual(longWork.waiting, 1, "the work waits for the long-work queue, not the event queue")
        let card = try XCTUnwrap(app.view.work)
        XCTAssertEqual(card.fraction, 0)
        XCTAssertFalse(try exportScreen(app.view).optionsEnabled)
        XCTAssertTrue(app.store.isWorking)
        // Events still go through while it waits (the 999 bar, a redraw).
        app.store.send(.tick)
        app.store.refreshWhileWorking()
        XCTAssertNotNil(app.view.work)

        longWork.release()
        XCTAssertNil(app.view.work)
        XCTAssertFalse(app.store.isWorking)
        let shared = try XCTUnwrap(app.phone.sharer.shared.last)
        XCTAssertEqual(app.phone.sharer.shared.count, 1)
        XCTAssertEqual(shared.mime, "application/pdf")
        XCTAssertEqual(URL(fileURLWithPath: shared.path).deletingLastPathComponent().standardizedFileURL.path,
                       exportsFolder(app).standardizedFileURL.path)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: shared.path)).prefix(4), Data("%PDF".utf8))
        let ready = try XCTUnwrap(try exportScreen(app.view).ready)
        app.store.send(.shareExport)
        XCTAssertEqual(app.phone.sharer.shared.map(\.path), [shared.path, shared.path], "shared again, the same file")
        XCTAssertFalse(ready.shareLabel.isEmpty)
    }

    func testAnExportCancelledBeforeItRanLeavesNothingAndSharesNothing() throws {
        let longWork = HeldExecutor()
        let app = try appWithIncidents(2, longWork: longWork)
        app.store.send(.startExport(what: .bundleZip))
        let card = try XCTUnwrap(app.view.work)
        app.store.send(.cancelWork(id: card.id))
        XCTAssertNil(app.view.work)
        longWork.release()
        XCTAssertTrue(app.phone.sharer.shared.isEmpty)
        XCTAssertEqual(filesIn(exportsFolder(app)), [])
        XCTAssertTrue(try exportScreen(app.view).optionsEnabled)
    }

    /// The work runs on a real background queue; the test redraws as the app's timer does and
    /// presses Cancel as soon as the progress moved. Nothing is shared and nothing is left.
    func testAReportCancelledHalfWayLeavesNothing() throws {
        let queue = DispatchQueue(label: "long-work")
        let app = try appWithIncidents(40, longWork: QueueExecutor(queue))
        app.store.send(.startExport(what: .report))
        let id = try XCTUnwrap(app.view.work?.id)
        var fractions: [Double] = []
        let deadline = Date().addingTimeInterval(120)
        while app.store.isWorking, Date() < deadline {
            app.store.refreshWhileWorking()
            if let f = app.view.work?.fraction { fractions.append(f) }
            if (fractions.last ?? 0) > 0 { break }
            Thread.sleep(forTimeInterval: 0.002)
        }
        guard app.store.isWorking else {
            throw XCTSkip("the report finished before the first progress redraw; nothing to cancel half-way")
        }
        app.store.send(.cancelWork(id: id))
        XCTAssertEqual(app.view.work?.cancelling, true, "the card says it is stopping")
        queue.sync {}  // the work has returned
        XCTAssertFalse(app.store.isWorking)
        XCTAssertNil(app.view.work)
        XCTAssertTrue(zip(fractions, fractions.dropFirst()).allSatisfy { $0 <= $1 }, "\(fractions)")
        XCTAssertTrue(app.phone.sharer.shared.isEmpty)
        XCTAssertEqual(filesIn(exportsFolder(app)), [], "nothing half-written left")
        XCTAssertNil(try exportScreen(app.view).ready)
    }
}
