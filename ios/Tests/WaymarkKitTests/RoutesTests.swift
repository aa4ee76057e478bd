import Foundation
import XCTest
import WaymarkKit

/// Records what a long call reports, from whatever thread Rust calls it on, and can cancel the
/// call once a fraction is reached (as a screen's Cancel button would).
final class ProgressRecorder: ProgressListener, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [(ProgressStage, Double)] = []
    let cancelAt: (fraction: Double, handle: CancelHandle)?
    /// A listener that throws must not break the work (the view went away, say).
    let failing: Bool

    init(cancelAt: (Double, CancelHandle)? = nil, failing: Bool = false) {
        self.cancelAt = cancelAt.map { (fraction: $0.0, handle: $0.1) }
        self.failing = failing
    }

    func onProgress(stage: ProgressStage, fraction: Double) throws {
        lock.lock()
        recorded.append((stage, fraction))
        lock.unlock()
        if let cancelAt, fraction >= cancelAt.fraction { cancelAt.handle.cancel() }
        if failing { throw WaymarkError.Platform(reason: "view gone") }
    }

    var seen: [(stage: ProgressStage, fraction: Double)] {
        lock.lock(); defer { lock.unlock() }
        return recorded.map { (stage: $0.0, fraction: $0.1) }
    }

    /// Fractions never go back, stay within 0...1, and end at 1.
    func assertRoseToOne(file: StaticString = #filePath, line: UInt = #line) {
        let fractions = seen.map(\.fraction)
        XCTAssertGreaterThan(fractions.count, 1, "more than one report", file: file, line: line)
        XCTAssertTrue(zip(fractions, fractions.dropFirst()).allSatisfy { $0 <= $1 }, "\(fractions)", file: file, line: line)
        XCTAssertTrue(fractions.allSatisfy { (0...1).contains($0) }, file: file, line: line)
        XCTAssertEqual(fractions.last, 1.0, file: file, line: line)
    }
}

/// Routes through the real library on the bundled map of central Helsinki: saved places, the
/// alternatives between two of them, a plan with its predictability, and importing a map.
final class RoutesTests: XCTestCase {
    let repo = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testRoutesBetweenTwoSavedPlacesAsLonLatWithStreetNames() throws {
        let routes = try newVault().vault.routes()
        let info = try routes.mapInfo()
        XCTAssertFalse(info.imported, "the bundled map until one is imported")
        XCTAssertEqual(info.attribution, mapAttribution())
        XCTAssertTrue(info.attribution.contains("OpenStreetMap"))

        _ = try routes.addPlace(name: "Home", lat: 60.1690, lon: 24.9400)
        _ = try routes.addPlace(name: "Work", lat: 60.1760, lon: 24.9480)
        XCTAssertEqual(try routes.places().map(\.name).sorted(), ["Home", "Work"])
        XCTAssertThrowsError(try routes.addPlace(name: "Nowhere", lat: 91, lon: 0))

        let found = try routes.routes(from: "home", to: "work", profile: .foot, alternatives: 3,
                                      avoid: AvoidOptions(incidents: true, radiusM: 100))
        XCTAssertFalse(found.isEmpty)
        XCTAssertLessThanOrEqual(found.count, 3)
        for r in found {
            XCTAssertEqual(r.profile, .foot)
            XCTAssertTrue(r.geometry.allSatisfy { $0.count == 2 })
            // [lon, lat]: longitude first, both in central Helsinki.
            let first = try XCTUnwrap(r.geometry.first)
            let last = try XCTUnwrap(r.geometry.last)
            XCTAssertTrue((24.9..<25.0).contains(first[0]) && (60.1..<60.2).contains(first[1]), "\(first)")
            XCTAssertEqual(first[0], 24.9400, accuracy: 0.004)
            XCTAssertEqual(last[1], 60.1760, accuracy: 0.004)
            XCTAssertGreaterThan(r.lengthM, 500)
            XCTAssertGreaterThan(r.durationS, 300)
            XCTAssertGreaterThanOrEqual(r.extraS, 0)
        }
        XCTAssertEqual(found[0].extraS, 0, "the first is the quickest")
        XCTAssertTrue(found.contains { !$0.streetNames.isEmpty })
        XCTAssertThrowsError(try routes.routes(from: "home", to: "the moon", profile: .foot, alternatives: 3, avoid: AvoidOptions()))

        try routes.removePlace(name: "home")
        XCTAssertEqual(try routes.places().map(\.name), ["Work"])
    }

    func testAPlanOverTheWeekWithItsPredictabilityIsKept() throws {
        let routes = try newVault().vault.routes()
        _ = try routes.addPlace(name: "Home", lat: 60.1690, lon: 24.9400)
        _ = try routes.addPlace(name: "Work", lat: 60.1760, lon: 24.9480)
        XCTAssertNil(try routes.latestPlan())
        let plan = try routes.plan(request: PlanRequest(
            from: "Home", to: "Work", profile: .foot, firstDay: Date(timeIntervalSince1970: 1_780_000_000),
            utcOffsetMinutes: 120, days: 5, arriveByMinute: 9 * 60, extraMinutes: 15, watcherWaitMinutes: 10,
            avoid: AvoidOptions()))
        XCTAssertEqual(plan.trips.count, 5)
        XCTAssertTrue(plan.trips.allSatisfy { $0.arrive <= "09:00" && $0.depart < $0.arrive }, "\(plan.trips)")
        XCTAssertTrue(plan.trips.allSatisfy { Int($0.route) < plan.routes.count })
        XCTAssertEqual(Set(plan.trips.map(\.date)).count, 5, "one trip a day")
        let p = plan.predictability
        XCTAssertGreaterThan(p.routeBestGuess, 0)
        XCTAssertLessThanOrEqual(p.routeBestGuess, 1)
        XCTAssertGreaterThanOrEqual(p.tripMinEntropyBits, 0)
        XCTAssertEqual(p.watcherWaitMinutes, 10)
        XCTAssertFalse(p.predictors.isEmpty)
        XCTAssertEqual(plan.attribution, mapAttribution())

        let kept = try XCTUnwrap(try routes.latestPlan())
        XCTAssertEqual(kept.trips, plan.trips)
        XCTAssertEqual(kept.routes.count, plan.routes.count)
    }

    func testImportingAMapReportsProgressAndACancelledImportKeepsTheOldMap() throws {
        let routes = try newVault().vault.routes()
        let pbf = repo.appendingPathComponent("core/data/helsinki-centre.osm.pbf").path
        XCTAssertTrue(FileManager.default.fileExists(atPath: pbf), pbf)

        let cancel = CancelHandle()
        let halfway = ProgressRecorder(cancelAt: (0.5, cancel))
        XCTAssertThrowsError(try routes.importMap(path: pbf, listener: halfway, cancel: cancel)) {
            XCTAssertEqual($0 as? WaymarkError, .Cancelled)
        }
        XCTAssertTrue(cancel.isCancelled())
        XCTAssertFalse(try routes.mapInfo().imported, "a cancelled import keeps the map there was")

        let progress = ProgressRecorder(failing: true)
        let report = try routes.importMap(path: pbf, listener: progress, cancel: nil)
        XCTAssertGreaterThan(report.footKm, 1)
        progress.assertRoseToOne()
        XCTAssertEqual(progress.seen.last?.stage, .savingMap)
        XCTAssertTrue(try routes.mapInfo().imported)
        try routes.forgetMap()
        XCTAssertFalse(try routes.mapInfo().imported)
        XCTAssertThrowsError(try routes.importMap(path: repo.appendingPathComponent("README.md").path, listener: nil, cancel: nil))
    }
}
