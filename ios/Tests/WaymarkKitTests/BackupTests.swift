import Foundation
import XCTest
import WaymarkKit

/// Backup and restore through the FFI from Swift: another phone (another PRF key) gets it all
/// back with the recovery code; failures are typed and leave nothing.
final class BackupTests: XCTestCase {
    func descriptions(_ v: Vault) throws -> [String] {
        try v.incidentLog().list(filter: ListFilter()).map(\.details.description).sorted()
    }

    func testABackupRestoresOnAnotherPhoneWithTheRecoveryCodeOnly() throws {
        let created = try newVault()
        let vault = created.vault
        for d in ["Czekał pod pracą", "Gift on the doorstep", "مرحبا 🚗"] {
            _ = try vault.incidentLog().record(incident: NewIncident(kind: .followed, occurredAt: Date(timeIntervalSince1970: 1_780_000_000),
                                                                     description: d))
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-swift-backup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let out = folder.appendingPathComponent("waymark.backup")
        let progress = ProgressRecorder()
        let summary = try vault.backup(outPath: out.path, listener: progress, cancel: nil)
        let size = try FileManager.default.attributesOfItem(atPath: out.path)[.size] as? NSNumber
        XCTAssertEqual(summary.bytes, size?.uint64Value)
        let fractions = progress.seen.map(\.fraction)
        XCTAssertEqual(fractions, fractions.sorted(), "progress never goes back")
        XCTAssertEqual(fractions.last, 1)

        let otherPhone = InMemoryHmacPrf()
        let newDir = tempVaultDir()
        let wrong = try newVault().recoveryCode
        XCTAssertThrowsError(try restoreVault(backupPath: out.path, dir: newDir, recoveryCode: wrong, newSecret: "97531086",
                                              prf: otherPhone, keyDerivation: .minimalForTestsOnly)) {
            XCTAssertEqual($0 as? WaymarkError, .WrongSecret(retryAfter: nil))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: newDir), "nothing left after a wrong code")
        var bytes = try Data(contentsOf: out)
        bytes[bytes.count / 2] ^= 1
        let damaged = folder.appendingPathComponent("damaged.backup")
        try bytes.write(to: damaged)
        XCTAssertThrowsError(try restoreVault(backupPath: damaged.path, dir: newDir, recoveryCode: created.recoveryCode,
                                              newSecret: "97531086", prf: otherPhone, keyDerivation: .minimalForTestsOnly)) {
            guard case .Integrity = $0 as? WaymarkError else { return XCTFail("expected Integrity, got \($0)") }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: newDir), "nothing left from a damaged backup")

        let restored = try restoreVault(backupPath: out.path, dir: newDir, recoveryCode: created.recoveryCode,
                                        newSecret: "97531086", prf: otherPhone, keyDerivation: .minimalForTestsOnly)
        XCTAssertEqual(try descriptions(restored), try descriptions(vault))
        restored.lock()
        let again = try Vault.open(dir: newDir, prf: otherPhone)
        try again.unlock(secret: "97531086")
        XCTAssertEqual(try again.incidentLog().count(), 3)
    }
}
