import XCTest
@testable import WaymarkKit

final class SmokeTests: XCTestCase {
    func testCoreVersionComesFromRust() {
        XCTAssertEqual(WaymarkKit.coreVersion, "0.1.0")
    }
}
