import Foundation
import XCTest
import WaymarkKit

final class MapGeometryTests: XCTestCase {
    func testLonLatPairsBecomeLatitudeFirstAndBadPairsAreLeftOut() {
        let points = MapGeometry.points(lonLat: [[24.94, 60.169], [24.95], [.nan, 60], [200, 60], [24.948, 60.176]])
        XCTAssertEqual(points, [MapPoint(lat: 60.169, lon: 24.94), MapPoint(lat: 60.176, lon: 24.948)])
    }

    func testTheBoxFillsTheViewNorthUpWithTrueShape() throws {
        // At 60° north a degree of longitude is half a degree of latitude: this box is square
        // on the ground, so it fills a square view exactly.
        let p = try XCTUnwrap(MapProjection(bbox: [24.0, 59.5, 26.0, 60.5], width: 300, height: 300))
        func at(_ lon: Double, _ lat: Double) -> (Double, Double) { let q = p.place(MapPoint(lat: lat, lon: lon)); return (q.x, q.y) }
        let nw = at(24.0, 60.5), se = at(26.0, 59.5), centre = at(25.0, 60.0)
        XCTAssertEqual(nw.0, 0, accuracy: 1e-9); XCTAssertEqual(nw.1, 0, accuracy: 1e-9)
        XCTAssertEqual(se.0, 300, accuracy: 0.5); XCTAssertEqual(se.1, 300, accuracy: 1e-9)
        XCTAssertEqual(centre.0, 150, accuracy: 0.5); XCTAssertEqual(centre.1, 150, accuracy: 1e-9)
        XCTAssertLessThan(at(25, 60.4).1, at(25, 59.6).1, "north is up")

        // In a wide view the same box is centred, not stretched.
        let wide = try XCTUnwrap(MapProjection(bbox: [24.0, 59.5, 26.0, 60.5], width: 600, height: 300))
        let w = wide.place(MapPoint(lat: 60.5, lon: 24.0))
        XCTAssertEqual(w.x, 150, accuracy: 0.5)
        XCTAssertEqual(w.y, 0, accuracy: 1e-9)
    }

    func testBoxesThatCannotBeDrawnAreRefused() {
        XCTAssertNil(MapProjection(bbox: [24, 60, 25], width: 100, height: 100))
        XCTAssertNil(MapProjection(bbox: [25, 60, 24, 61], width: 100, height: 100))
        XCTAssertNil(MapProjection(bbox: [24, 60, 24, 60], width: 100, height: 100))
        XCTAssertNil(MapProjection(bbox: [24, 60, 25, .nan], width: 100, height: 100))
        XCTAssertNil(MapProjection(bbox: [24, 60, 25, 61], width: 0, height: 100))
        XCTAssertNotNil(MapProjection(bbox: [24, 60, 24, 61], width: 100, height: 100), "a north-south line")
    }
}
