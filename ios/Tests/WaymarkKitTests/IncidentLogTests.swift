import Foundation
import XCTest
import WaymarkKit

final class IncidentLogTests: XCTestCase {
    let polish = "Zażółć gęślą jaźń — stał pod klatką o 22:00"
    let urdu = "وہ میرے گھر کے باہر کھڑا تھا"
    let emoji = "He left flowers 💐 again 😨 at the door 🚪"

    func testLogAndListNonAsciiTextExactly() throws {
        let log = try newVault().vault.incidentLog()
        var recorded: [Incident] = []
        for (i, text) in [polish, urdu, emoji].enumerated() {
            recorded.append(try log.record(incident: NewIncident(
                kind: .turnedUpHome,
                occurredAt: Date(timeIntervalSince1970: 1_779_000_000 + Double(i) * 86_400),
                description: text,
                place: Place(label: "Łódź, ulica Piotrkowska", lat: 51.7592, lon: 19.4560),
                witnesses: ["Ewa Wróblewska", "عائشہ"],
                feeling: 4,
                tags: ["🚪", "dom"]
            )))
        }
        let listed = try log.list(filter: ListFilter())
        XCTAssertEqual(listed.map(\.details.description), [emoji, urdu, polish], "newest first, exactly as entered")
        XCTAssertEqual(listed, recorded.reversed())
        XCTAssertEqual(listed[0].details.place?.label, "Łódź, ulica Piotrkowska")
        XCTAssertEqual(listed[0].details.witnesses, ["Ewa Wróblewska", "عائشہ"])
        XCTAssertEqual(try log.search(text: "GESLA").map(\.details.description), [polish])
        XCTAssertEqual(try log.search(text: "گھر").map(\.details.description), [urdu])
        XCTAssertEqual(try log.list(filter: ListFilter(limit: 1)).count, 1)
        XCTAssertEqual(try log.list(filter: ListFilter(kinds: [.threats])).count, 0)
        XCTAssertTrue(try feelingLabel(feeling: 5).contains("fear"))
    }

    func testAmendKeepsHistoryRedactRemovesContentAndTheLogVerifies() throws {
        let log = try newVault().vault.incidentLog()
        let first = try log.record(incident: incident("Car parked opposite the school"))
        let amended = try log.amend(id: first.id, changes: IncidentChanges(description: "Blue car parked opposite the school", feeling: 3), reason: "remembered the colour")
        XCTAssertEqual(amended.details.description, "Blue car parked opposite the school")
        let shown = try log.get(id: first.id)
        XCTAssertEqual(shown.history.map(\.entryType), ["incident.create", "incident.amend"])
        XCTAssertTrue(shown.history[0].detailsJson.contains("Car parked opposite the school"))

        let other = try log.record(incident: incident("Messages from a new number"))
        try log.redact(id: other.id, reason: "entered by mistake")
        XCTAssertThrowsError(try log.get(id: other.id)) { error in
            guard case WaymarkError.NotFound = error else { return XCTFail("got \(error)") }
        }
        XCTAssertEqual(try log.count(), 1)
        let report = try log.verify()
        XCTAssertEqual(report.entries, 4)
        XCTAssertEqual(report.treeHead.size, report.entries)
        XCTAssertEqual(report.treeHead.root.count, 32)
        XCTAssertEqual(report.treeHead.signature.count, 64)
    }

    func testLockedLogSaysLockedAndBadInputSaysWhy() throws {
        let created = try newVault()
        let log = created.vault.incidentLog()
        XCTAssertThrowsError(try log.record(incident: incident("   "))) { error in
            XCTAssertEqual(error as? WaymarkError, .InvalidInput(field: "description", reason: "is empty: say in a few words what happened"))
        }
        var nowhere = incident("nowhere")
        nowhere.place = Place(lat: .nan, lon: 0)
        XCTAssertThrowsError(try log.record(incident: nowhere))
        created.vault.lock()
        XCTAssertThrowsError(try log.list(filter: ListFilter())) { XCTAssertEqual($0 as? WaymarkError, .Locked) }
        XCTAssertThrowsError(try log.record(incident: incident("while locked"))) { XCTAssertEqual($0 as? WaymarkError, .Locked) }
    }

    func testCallsFromManyThreadsAtOnce() throws {
        let created = try newVault()
        let log = created.vault.incidentLog()
        let failures = NSLock()
        var errors: [Error] = []
        DispatchQueue.concurrentPerform(iterations: 8) { t in
            for n in 0..<10 {
                do {
                    _ = try log.record(incident: incident("wątek\(t) wiadomość \(n) 📵"))
                    _ = try log.list(filter: ListFilter(limit: 3))
                    _ = try created.vault.status()
                } catch {
                    failures.lock(); errors.append(error); failures.unlock()
                }
            }
        }
        XCTAssertTrue(errors.isEmpty, "\(errors)")
        XCTAssertEqual(try log.count(), 80)
        XCTAssertEqual(try log.verify().entries, 80)
        XCTAssertEqual(try log.search(text: "watek3").count, 10)
    }
}
