import Foundation
import XCTest
import WaymarkKit

final class WakeLedgerTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_780_300_000)

    func testEachIdFiresOnceEarliestFirstAndANewTimeReplacesTheOld() {
        let ledger = WakeLedger()
        ledger.schedule(id: "checkin", at: t0.addingTimeInterval(600))
        ledger.schedule(id: "auto-lock", at: t0.addingTimeInterval(60))
        ledger.schedule(id: "checkin", at: t0.addingTimeInterval(300))  // extended: replaces
        XCTAssertEqual(ledger.earliest, t0.addingTimeInterval(60))
        XCTAssertEqual(ledger.takeDue(now: t0.addingTimeInterval(59)), [])
        XCTAssertEqual(ledger.takeDue(now: t0.addingTimeInterval(1000)), ["auto-lock", "checkin"])
        XCTAssertEqual(ledger.takeDue(now: t0.addingTimeInterval(2000)), [], "each id fires once")
        XCTAssertTrue(ledger.isEmpty)
        XCTAssertNil(ledger.earliest)
    }

    func testACancelledWakeNeverFiresAndTiesAreOrderedById() {
        let ledger = WakeLedger()
        ledger.schedule(id: "b", at: t0)
        ledger.schedule(id: "a", at: t0)
        ledger.schedule(id: "c", at: t0)
        ledger.cancel(id: "c")
        XCTAssertEqual(ledger.takeDue(now: t0), ["a", "b"])
    }
}
