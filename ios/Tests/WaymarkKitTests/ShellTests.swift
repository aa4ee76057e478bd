import Foundation
import XCTest
import WaymarkKit

final class ShellTests: XCTestCase {
    func testTheTestHmacMatchesStandardVectors() {
        let hex = { (b: [UInt8]) in b.map { String(format: "%02x", $0) }.joined() }
        XCTAssertEqual(hex(SHA256.hash(Array("abc".utf8))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // RFC 4231 test case 2.
        XCTAssertEqual(hex(SHA256.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    func testEmergencyDialUrlGoesToThePhoneApp() throws {
        XCTAssertEqual(try EmergencyCall.dialURL().absoluteString, "tel:999")
        XCTAssertEqual(try EmergencyCall.dialURL("0808 802 0300").absoluteString, "tel:08088020300")
        for bad in ["", "999;evil", "999?x=1", "tel:999", String(repeating: "9", count: 21), "٩٩٩"] {
            XCTAssertThrowsError(try EmergencyCall.dialURL(bad), bad)
        }
        XCTAssertTrue(EmergencyCall.silentSolutionHint.contains("55"))
    }

    func testCoreLogEventsReachASwiftSinkWithoutPersonalData() throws {
        let sink = BufferedLogSink()
        XCTAssertTrue(setLogSink(sink: sink, maxLevel: .debug))
        defer { clearLogSink() }
        let created = try newVault()
        let log = created.vault.incidentLog()
        let recorded = try log.record(incident: incident("Krzysztof stood by the gate at Nowy Świat 12"))
        _ = try log.amend(id: recorded.id, changes: IncidentChanges(attributedTo: "Krzysztof"), reason: nil)
        created.vault.lock()
        _ = try? created.vault.unlock(secret: "111111")
        let events = sink.snapshot()
        XCTAssertGreaterThanOrEqual(events.count, 3, "\(events)")
        for event in events {
            XCTAssertTrue(event.target.hasPrefix("waymark"))
            for word in ["Krzysztof", "Nowy", "Świat", pin, "111111", created.recoveryCode] {
                XCTAssertFalse(event.message.contains(word), "leaks \(word): \(event)")
            }
        }
    }

    func testVersionComesFromRust() {
        XCTAssertEqual(WaymarkKit.coreVersion, "0.1.0")
    }
}
