import Foundation
import XCTest
import WaymarkKit

/// Reports through the real library from Swift: the PDF with progress and a cancel half-way,
/// bundles (folder and ZIP) checked with verifyBundle, the receipt and verify-since, insights,
/// and the leftovers sweep.
final class ReportsTests: XCTestCase {
    func outDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func vaultWithThreeIncidents() throws -> Vault {
        let vault = try newVault().vault
        let log = vault.incidentLog()
        for day in 0..<3 {
            _ = try log.record(incident: NewIncident(
                kind: .followed, occurredAt: Date(timeIntervalSince1970: 1_779_000_000 + Double(day) * 86_400),
                description: "Szedł za mną od przystanku — day \(day)", feeling: 3, attributedTo: "Z"))
        }
        return vault
    }

    func testTheReportWithRisingProgressAndACancelHalfWayLeavesNothing() throws {
        let reports = try vaultWithThreeIncidents().reports()
        let dir = try outDir()
        let out = dir.appendingPathComponent("report.pdf")
        let options = ReportOptions(utcOffsetMinutes: 60)

        let cancel = CancelHandle()
        let halfway = ProgressRecorder(cancelAt: (0.5, cancel))
        XCTAssertThrowsError(try reports.exportReport(outPath: out.path, options: options, listener: halfway, cancel: cancel)) {
            XCTAssertEqual($0 as? WaymarkError, .Cancelled)
        }
        XCTAssertGreaterThanOrEqual(halfway.seen.last?.fraction ?? 0, 0.5, "it got half-way")
        XCTAssertLessThan(halfway.seen.last?.fraction ?? 1, 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "nothing left behind")

        let progress = ProgressRecorder(failing: true)
        XCTAssertEqual(try reports.exportReport(outPath: out.path, options: options, listener: progress, cancel: nil), 3)
        XCTAssertEqual(try Data(contentsOf: out).prefix(4), Data("%PDF".utf8))
        progress.assertRoseToOne()
        XCTAssertTrue(progress.seen.contains { $0.stage == .renderingReport })
        XCTAssertThrowsError(try reports.exportReport(outPath: out.path, options: options, listener: nil, cancel: nil),
                             "a report never replaces a file")
        XCTAssertThrowsError(try reports.exportReport(outPath: dir.appendingPathComponent("r2.pdf").path,
                                                      options: ReportOptions(utcOffsetMinutes: 100_000), listener: nil, cancel: nil))
    }

    func testBundlesVerifyAndATamperedOneDoesNot() throws {
        let reports = try vaultWithThreeIncidents().reports()
        let dir = try outDir()
        var fingerprints: Set<String> = []
        for name in ["bundle", "bundle.zip"] {
            let path = dir.appendingPathComponent(name).path
            let summary = try reports.exportBundle(outPath: path, incidentIds: [], recipient: "Advocate", listener: nil, cancel: nil)
            XCTAssertEqual(summary.zip, name.hasSuffix(".zip"))
            XCTAssertEqual(summary.incidents.count, 3)
            let progress = ProgressRecorder()
            let check = try verifyBundle(path: path, listener: progress, cancel: nil)
            XCTAssertTrue(check.ok, check.firstFailure ?? "")
            XCTAssertEqual(check.incidents, 3)
            XCTAssertEqual(check.keyFingerprint, summary.keyFingerprint)
            XCTAssertEqual(check.recipient, "Advocate")
            XCTAssertFalse(check.checks.isEmpty)
            progress.assertRoseToOne()
            fingerprints.insert(summary.keyFingerprint)
        }
        XCTAssertEqual(fingerprints.count, 1, "one vault, one signing key")

        // A file the signed manifest does not name makes the folder fail.
        try Data("added later".utf8).write(to: dir.appendingPathComponent("bundle/extra.txt"))
        let tampered = try verifyBundle(path: dir.appendingPathComponent("bundle").path, listener: nil, cancel: nil)
        XCTAssertFalse(tampered.ok)
        XCTAssertNotNil(tampered.firstFailure)
        XCTAssertThrowsError(try verifyBundle(path: dir.appendingPathComponent("missing").path, listener: nil, cancel: nil))
    }

    func testAReceiptProvesLaterThatNothingItCoveredChanged() throws {
        let empty = try newVault().vault.reports()
        XCTAssertThrowsError(try empty.receipt(), "nothing to vouch for yet")

        let vault = try vaultWithThreeIncidents()
        let reports = vault.reports()
        let receipt = try reports.receipt()
        XCTAssertFalse(receipt.contains("przystanku"), "a receipt carries no content")
        let before = try reports.verifySince(receipt: receipt)
        XCTAssertEqual(before.addedSince, 0)
        XCTAssertEqual(before.currentEntries, before.receiptEntries)

        _ = try vault.incidentLog().record(incident: incident("one more"))
        _ = try vault.incidentLog().record(incident: incident("and another"))
        let after = try reports.verifySince(receipt: receipt)
        XCTAssertEqual(after.addedSince, 2)
        XCTAssertEqual(after.receiptEntries, before.receiptEntries)
        // One changed digit of the root breaks the signature.
        let forged = receipt.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix("root: ") else { return String(line) }
            let digit = line[line.index(line.startIndex, offsetBy: 6)]
            return "root: " + (digit == "0" ? "1" : "0") + line.dropFirst(7)
        }.joined(separator: "\n")
        XCTAssertNotEqual(forged, receipt)
        XCTAssertThrowsError(try reports.verifySince(receipt: forged))
        // A receipt from another vault proves nothing about this one.
        let other = try vaultWithThreeIncidents().reports().receipt()
        XCTAssertThrowsError(try reports.verifySince(receipt: other))
    }

    func testInsightsCountThePatternAndTheCourseOfConduct() throws {
        let reports = try vaultWithThreeIncidents().reports()
        let insights = try reports.insights(utcOffsetMinutes: 60)
        XCTAssertEqual(insights.incidentCount, 3)
        XCTAssertEqual(insights.byHour.count, 24)
        XCTAssertEqual(insights.byDayOfWeek.count, 7)
        XCTAssertEqual(insights.byHour.reduce(0, +), 3)
        XCTAssertEqual(insights.byDayOfWeek.filter { $0 > 0 }.count, 3, "three days in a row")
        XCTAssertFalse(insights.safetyNote.isEmpty)
        XCTAssertEqual(insights.courseOfConduct.map(\.person), ["Z"])
        XCTAssertEqual(insights.courseOfConduct.first?.incidentIds.count, 3)
        XCTAssertEqual(insights.first, Date(timeIntervalSince1970: 1_779_000_000))
        // The hours move with the offset.
        let utc = try reports.insights(utcOffsetMinutes: 0)
        XCTAssertNotEqual(utc.byHour, insights.byHour)
        XCTAssertEqual(utc.byHour[6], 3, "06:40 UTC")
        XCTAssertEqual(insights.byHour[7], 3, "07:40 an hour east")
    }

    func testTheLeftoversSweepRemovesDeadCapturesAndKeepsOneInProgress() throws {
        let dir = tempVaultDir()
        let vault = try createVault(dir: dir, secret: pin, prf: InMemoryHmacPrf(), keyDerivation: .minimalForTestsOnly).vault
        let store = vault.evidenceStore()
        XCTAssertEqual(try store.sweepLeftovers(), 0)
        let kept = try store.begin(new: NewEvidence(how: .camera))
        try kept.writeChunk(bytes: Data(repeating: 7, count: 1000))

        // Find the evidence folder from the capture in progress, then plant what a crash leaves.
        let root = URL(fileURLWithPath: dir)
        let incoming = try XCTUnwrap(FileManager.default.enumerator(atPath: root.path)?
            .compactMap { $0 as? String }.first { ($0 as NSString).lastPathComponent.hasPrefix(".incoming-") })
        let evidenceDir = root.appendingPathComponent(incoming).deletingLastPathComponent()
        try Data("dead capture".utf8).write(to: evidenceDir.appendingPathComponent(".incoming-deadbeef"))
        try Data("orphan".utf8).write(to: evidenceDir.appendingPathComponent(String(repeating: "ab", count: 16)))

        // Only the dead capture goes: a finished file's name carries a tag under its store's key,
        // and one without this store's tag may be the other store's (both share one folder).
        XCTAssertEqual(try store.sweepLeftovers(), 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: evidenceDir.appendingPathComponent(String(repeating: "ab", count: 16)).path))
        XCTAssertEqual(try store.sweepLeftovers(), 0)
        try kept.writeChunk(bytes: Data(repeating: 8, count: 10))
        XCTAssertEqual(try kept.finish().size, 1010, "the capture in progress survived the sweep")
        vault.lock()
        XCTAssertThrowsError(try store.sweepLeftovers()) { XCTAssertEqual($0 as? WaymarkError, .Locked) }
    }
}
