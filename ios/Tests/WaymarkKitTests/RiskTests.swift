import Foundation
import XCTest
import WaymarkKit

/// The S-DASH risk questions through the real library: evidence from the log, answers, history.
final class RiskTests: XCTestCase {
    func testQuestionsCarryTheLogsEvidenceAndAnswersKeepTheirHistory() throws {
        let clock = TestClock()
        let created = try newVault(clock: clock)
        let log = created.vault.incidentLog()
        let start = try clock.now()
        var visits: [String] = []
        for d in 1...4 {
            visits.append(try log.record(incident: NewIncident(
                kind: .turnedUpHome,
                occurredAt: start.addingTimeInterval(-Double(d) * 86_400),
                description: "at the door",
                feeling: 5
            )).id)
        }
        let risk = created.vault.riskChecklist()
        let view = try risk.view(utcOffsetMinutes: 60)
        XCTAssertEqual(view.questions.count, 11)
        XCTAssertTrue(view.notAnAssessment.contains("999"))
        XCTAssertEqual(view.sourcePublished, "2009")
        let q4 = view.questions[3]
        XCTAssertEqual(q4.id, "visits-home-or-work")
        XCTAssertEqual(q4.evidence?.pointsToYes, true)
        XCTAssertEqual(q4.evidence?.incidentIds, Array(visits.reversed()))
        XCTAssertTrue(q4.evidence?.summary.contains("4 times in the last 7 days") ?? false)
        // The other person's history is asked, never guessed.
        XCTAssertTrue(view.questions[1].askedOnly)
        XCTAssertNil(view.questions[1].evidence)

        _ = try risk.answer(question: "4", answer: .no, note: nil)
        clock.advance(300)
        let changed = try risk.answer(question: "visits-home-or-work", answer: .yes, note: "Codziennie wieczorem — every evening 😨")
        XCTAssertEqual(changed.answer, .yes)
        XCTAssertEqual(changed.note, "Codziennie wieczorem — every evening 😨")
        XCTAssertEqual(changed.evidenceIncidentIds, Array(visits.reversed()))
        XCTAssertEqual(changed.answeredAt, try clock.now())

        let after = try risk.view(utcOffsetMinutes: 0).questions[3]
        XCTAssertEqual(after.answer?.answer, .yes)
        XCTAssertEqual(after.earlier.map(\.answer), [.no])
        XCTAssertEqual(try risk.history().count, 2)
        XCTAssertEqual(try risk.verify(), 2)
        XCTAssertGreaterThanOrEqual(try log.verify().entries, 6, "the answers are in the signed log")

        XCTAssertThrowsError(try risk.answer(question: "12", answer: .yes, note: nil)) {
            guard case .InvalidInput(let field, _)? = $0 as? WaymarkError else { return XCTFail("\($0)") }
            XCTAssertEqual(field, "question")
        }
        XCTAssertThrowsError(try risk.view(utcOffsetMinutes: 1440))

        created.vault.lock()
        XCTAssertThrowsError(try risk.history()) { XCTAssertEqual($0 as? WaymarkError, .Locked) }
        try created.vault.unlock(secret: pin)
        XCTAssertFalse(try risk.history().isEmpty, "answers survive locking")
    }
}
