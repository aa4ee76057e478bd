import XCTest
import WaymarkKit

final class FormatTests: XCTestCase {
    func testCountdownsReadLikeAClock() {
        XCTAssertEqual(Format.countdown(seconds: 0), "0:00")
        XCTAssertEqual(Format.countdown(seconds: 5), "0:05")
        XCTAssertEqual(Format.countdown(seconds: 30), "0:30")
        XCTAssertEqual(Format.countdown(seconds: 299), "4:59")
        XCTAssertEqual(Format.countdown(seconds: 3599), "59:59")
        XCTAssertEqual(Format.countdown(seconds: 3600), "1:00:00", "the longest back-off is an hour")
        XCTAssertEqual(Format.countdown(seconds: 7322), "2:02:02")
    }

    func testACheckInClockCountsDownThenUpWithAPlus() {
        XCTAssertEqual(Format.checkInClock(dueInSeconds: 1499, overdueSeconds: 0), "24:59")
        XCTAssertEqual(Format.checkInClock(dueInSeconds: 0, overdueSeconds: 0), "0:00")
        XCTAssertEqual(Format.checkInClock(dueInSeconds: 0, overdueSeconds: 180), "+3:00")
        XCTAssertEqual(Format.checkInClock(dueInSeconds: 0, overdueSeconds: 3661), "+1:01:01")
    }

    func testAProgressBarValueStaysWithinZeroAndOne() {
        XCTAssertEqual(WorkProgress.clamped(0.6), 0.6)
        XCTAssertEqual(WorkProgress.clamped(-0.1), 0)
        XCTAssertEqual(WorkProgress.clamped(1.5), 1)
        XCTAssertEqual(WorkProgress.clamped(.nan), 0)
        XCTAssertEqual(WorkProgress.clamped(.infinity), 0)
    }
}
