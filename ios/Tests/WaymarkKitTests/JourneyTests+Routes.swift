import Foundation
import XCTest
import WaymarkKit

/// Routes, the plan, insights and the risk questions through the app model from Swift, and the
/// route drawing placed in a view as the routes screen draws it.
extension JourneyTests {
    func routesScreen(_ s: ViewModel) throws -> RoutesScreen {
        guard case let .routes(routes) = s.screen else { XCTFail("expected routes, got \(s.screen)"); throw CancellationError() }
        return routes
    }

    func testRoutesBetweenTwoSavedPlacesAreDrawnInsideTheView() throws {
        let app = try App()
        try firstRun(app)
        app.store.send(.open(to: .routes))
        app.store.send(.addPlace(name: "Home", lat: 60.1690, lon: 24.9400))
        app.store.send(.addPlace(name: "Work", lat: 60.1760, lon: 24.9480))
        XCTAssertEqual(try routesScreen(app.view).places.map(\.name).sorted(), ["Home", "Work"])

        app.store.send(.findRoutes(from: "Home", to: "Work", mode: .walk))
        let screen = try routesScreen(app.view)
        XCTAssertFalse(screen.alternatives.isEmpty)
        XCTAssertTrue(screen.alternatives.contains { !$0.streets.isEmpty }, "street names")
        let drawing = try XCTUnwrap(screen.drawing)
        XCTAssertEqual(drawing.routes.count, screen.alternatives.count)
        XCTAssertFalse(drawing.streets.isEmpty, "the streets around are drawn without map tiles")
        XCTAssertEqual(drawing.routes.filter(\.selected).map(\.index), [0], "the quickest is chosen first")

        // Everything the screen draws falls inside a phone-sized view.
        let view = try XCTUnwrap(MapProjection(bbox: drawing.bbox, width: 390, height: 300))
        for line in drawing.routes.map(\.points) + drawing.streets.prefix(50).map(\.points) {
            let placed = view.line(line)
            XCTAssertEqual(placed.count, line.count, "every point is drawable")
        }
        for route in drawing.routes {
            for p in view.line(route.points) {
                XCTAssertTrue((-0.5...390.5).contains(p.x) && (-0.5...300.5).contains(p.y), "\(p)")
            }
        }
        // Home is south-west of Work: lower and to the left on screen.
        let home = view.place(MapPoint(lat: 60.1690, lon: 24.9400)), work = view.place(MapPoint(lat: 60.1760, lon: 24.9480))
        XCTAssertLessThan(home.x, work.x)
        XCTAssertGreaterThan(home.y, work.y)

        if screen.alternatives.count > 1 {
            app.store.send(.selectRoute(index: 1))
            XCTAssertEqual(try routesScreen(app.view).drawing?.routes.filter(\.selected).map(\.index), [1])
        }

        app.store.send(.planTrips(from: "Home", to: "Work", mode: .walk, arriveByMinute: 9 * 60))
        let plan = try XCTUnwrap(try routesScreen(app.view).plan)
        XCTAssertFalse(plan.trips.isEmpty)
        XCTAssertTrue(plan.trips.allSatisfy { $0.arrive <= "09:00" }, "\(plan.trips.map(\.arrive))")
        XCTAssertFalse(plan.predictability.isEmpty)
    }

    func testInsightsAndTheRiskQuestionsFromTheLog() throws {
        let app = try App()
        try firstRun(app)
        for _ in 0..<3 {
            app.store.send(.quickLog(kind: .turnedUpHome))
            app.clock.advance(86_400)
        }
        app.store.send(.open(to: .insights))
        guard case let .insights(insights) = app.view.screen else { return XCTFail("\(app.view.screen)") }
        XCTAssertEqual(insights.incidentCount, 3)
        XCTAssertEqual(insights.byHour.count, 24)
        XCTAssertEqual(insights.byHour.reduce(0, +), 3)
        XCTAssertFalse(insights.safetyNote.isEmpty)

        app.store.send(.open(to: .risk))
        guard case let .risk(risk) = app.view.screen else { return XCTFail("\(app.view.screen)") }
        XCTAssertEqual(risk.questions.count, 11)
        XCTAssertEqual(risk.answered, 0)
        let q = try XCTUnwrap(risk.questions.first { !$0.askedOnly })
        app.store.send(.answerRisk(questionId: q.id, choice: .yes, note: "każdego wieczoru"))
        guard case let .risk(after) = app.view.screen else { return XCTFail("\(app.view.screen)") }
        XCTAssertEqual(after.answered, 1)
        let answered = try XCTUnwrap(after.questions.first { $0.id == q.id }?.answer)
        XCTAssertEqual(answered.choice, .yes)
        XCTAssertEqual(answered.note, "każdego wieczoru")
    }

    /// A map picked in Files is read by long work after the pick was handled: the picked file
    /// must stay readable (on iOS, the security-scoped access open) until that work ended.
    func testAPickedMapStaysReadableUntilItsImportEnded() throws {
        let longWork = HeldExecutor()
        let app = try App(longWork: longWork)
        try firstRun(app)
        app.store.send(.open(to: .routes))
        XCTAssertFalse(try routesScreen(app.view).map.imported)
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let pbf = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-map-\(UUID().uuidString).osm.pbf")
        try FileManager.default.copyItem(at: repo.appendingPathComponent("core/data/helsinki-centre.osm.pbf"), to: pbf)
        app.phone.files.answer = pbf

        app.store.send(.importMap)
        XCTAssertEqual(longWork.waiting, 1, "the import waits for the long-work queue")
        XCTAssertNotNil(app.view.work)
        XCTAssertEqual(app.phone.files.released, 0, "still readable: the import has not read it yet")
        longWork.release()
        XCTAssertEqual(app.phone.files.released, 1, "let go once the import ended")
        XCTAssertNil(app.view.work)
        XCTAssertTrue(try routesScreen(app.view).map.imported)
    }
}
