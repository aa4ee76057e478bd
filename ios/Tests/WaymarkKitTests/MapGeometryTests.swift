import Foundation
import XCTest
import WaymarkKit

final class MapGeometryTests: XCTestCase {
    func testLonLatPairsBecomeLatitudeFirstAndBadPairsAreLeftOut() {
        let points = MapGeometry.points(lonLat: [[24.94, 60.169], [24.95], [.nan, 60], [200, 60], [24.948, 60.176]])
        XCTAssertEqual(points, [MapPoint(lat: 60.169, lon: 24.94), MapPoint(lat: 60.176, lon: 24.948)])
    }

    func testTheRegionShowsEveryLineWithAMargin() throws {
        let a = [MapPoint(lat: 60.169, lon: 24.940), MapPoint(lat: 60.176, lon: 24.948)]
        let b = [MapPoint(lat: 60.170, lon: 24.930), MapPoint(lat: 60.175, lon: 24.949)]
        let r = try XCTUnwrap(MapGeometry.region(showing: [a, b], margin: 0.1))
        XCTAssertEqual(r.center.lat, 60.1725, accuracy: 1e-9)
        XCTAssertEqual(r.center.lon, 24.9395, accuracy: 1e-9)
        XCTAssertEqual(r.latSpan, 0.007 * 1.2, accuracy: 1e-9)
        XCTAssertEqual(r.lonSpan, 0.019 * 1.2, accuracy: 1e-9)
        for p in a + b {
            XCTAssertLessThanOrEqual(abs(p.lat - r.center.lat), r.latSpan / 2)
            XCTAssertLessThanOrEqual(abs(p.lon - r.center.lon), r.lonSpan / 2)
        }
    }

    func testOnePointIsNotTheDeepestZoomAndNothingIsNoRegion() throws {
        let r = try XCTUnwrap(MapGeometry.region(showing: [[MapPoint(lat: 51.5, lon: -0.12)]]))
        XCTAssertEqual(r.latSpan, 0.002)
        XCTAssertEqual(r.lonSpan, 0.002)
        XCTAssertNil(MapGeometry.region(showing: []))
        XCTAssertNil(MapGeometry.region(showing: [[], []]))
    }

    /// A real route from the bundled map, as the FFI hands it over.
    func testARouteFromTheCoreFitsItsRegion() throws {
        let routes = try newVault().vault.routes()
        _ = try routes.addPlace(name: "Home", lat: 60.1690, lon: 24.9400)
        _ = try routes.addPlace(name: "Work", lat: 60.1760, lon: 24.9480)
        let found = try routes.routes(from: "Home", to: "Work", profile: .foot, alternatives: 2, avoid: AvoidOptions())
        let lines = found.map { MapGeometry.points(lonLat: $0.geometry) }
        XCTAssertEqual(lines.map(\.count), found.map(\.geometry.count), "every point of the core's route is drawable")
        let r = try XCTUnwrap(MapGeometry.region(showing: lines))
        XCTAssertEqual(r.center.lat, 60.1725, accuracy: 0.01)
        XCTAssertEqual(r.center.lon, 24.944, accuracy: 0.01)
    }
}
