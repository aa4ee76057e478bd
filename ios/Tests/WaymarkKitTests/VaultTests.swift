import Foundation
import XCTest
import WaymarkKit

final class VaultTests: XCTestCase {
    func testCreateLockUnlockWithASwiftPrf() throws {
        let created = try newVault()
        let vault = created.vault
        XCTAssertTrue(vault.isUnlocked())
        XCTAssertGreaterThanOrEqual(created.recoveryCode.count, 20)
        vault.lock()
        XCTAssertFalse(vault.isUnlocked())
        try vault.unlock(secret: pin)
        XCTAssertTrue(vault.isUnlocked())
        XCTAssertEqual(try vault.status().failedAttempts, 0)
    }

    func testWrongPinIsATypedErrorThatSaysWhenToRetry() throws {
        let clock = TestClock()
        let vault = try newVault(clock: clock).vault
        vault.lock()
        XCTAssertThrowsError(try vault.unlock(secret: "000000")) { error in
            XCTAssertEqual(error as? WaymarkError, .WrongSecret(retryAfter: nil))
        }
        var retryAfter: Date?
        for _ in 0..<8 {
            do {
                try vault.unlock(secret: "000000")
                XCTFail("a wrong PIN opened the vault")
            } catch WaymarkError.WrongSecret(let after) {
                retryAfter = after ?? retryAfter
            } catch WaymarkError.LockedOut(let until) {
                retryAfter = until
            }
        }
        let after = try XCTUnwrap(retryAfter, "after repeated failures the error says when to retry")
        XCTAssertGreaterThan(after, clock.value)
        XCTAssertNotNil(try vault.status().lockedUntil)
        XCTAssertThrowsError(try vault.unlock(secret: pin), "even the right PIN waits for the back-off")
        clock.advance(2 * 3600)
        try vault.unlock(secret: pin)
        XCTAssertTrue(vault.isUnlocked())
    }

    func testReopenChangeSecretAndRecover() throws {
        let prf = InMemoryHmacPrf()
        let dir = tempVaultDir()
        let created = try createVault(dir: dir, secret: pin, prf: prf, keyDerivation: .minimalForTestsOnly)
        XCTAssertTrue(vaultExists(dir: dir))
        let vault = try Vault.open(dir: dir, prf: prf)
        XCTAssertFalse(vault.isUnlocked())
        try vault.changeSecret(oldSecret: pin, newSecret: "771205")
        try vault.unlock(secret: "771205")
        vault.lock()
        XCTAssertThrowsError(try vault.unlock(secret: pin))
        try vault.recover(recoveryCode: created.recoveryCode, newSecret: "Żółw 🐢 biegnie")
        XCTAssertTrue(vault.isUnlocked())
        vault.lock()
        try vault.unlock(secret: "Żółw 🐢 biegnie")
    }

    func testTheVaultIsBoundToThePhonesPrf() throws {
        let dir = tempVaultDir()
        _ = try createVault(dir: dir, secret: pin, prf: InMemoryHmacPrf(), keyDerivation: .minimalForTestsOnly)
        let copy = try Vault.open(dir: dir, prf: InMemoryHmacPrf())
        XCTAssertThrowsError(try copy.unlock(secret: pin)) { error in
            guard case WaymarkError.WrongSecret = error else { return XCTFail("got \(error)") }
        }
    }

    final class BrokenPrf: HardwarePrf, @unchecked Sendable {
        struct Gone: Error {}
        let short: Bool
        init(short: Bool) { self.short = short }
        func evaluate(input: Data) throws -> Data {
            if short { return Data(repeating: 1, count: 20) }
            throw Gone()
        }
    }

    func testABrokenPrfIsAnErrorNotACrash() {
        for prf in [BrokenPrf(short: true), BrokenPrf(short: false)] {
            XCTAssertThrowsError(try createVault(dir: tempVaultDir(), secret: pin, prf: prf, keyDerivation: .minimalForTestsOnly)) { error in
                switch error as? WaymarkError {
                case .Storage?, .InvalidInput?: break
                default: XCTFail("got \(error)")
                }
            }
        }
    }

    func testBadInputSaysWhichField() {
        XCTAssertThrowsError(try createVault(dir: tempVaultDir(), secret: "", prf: InMemoryHmacPrf(), keyDerivation: .minimalForTestsOnly)) { error in
            guard case WaymarkError.InvalidInput(let field, let reason) = error else { return XCTFail("got \(error)") }
            XCTAssertFalse(field.isEmpty)
            XCTAssertFalse(reason.isEmpty)
        }
        XCTAssertThrowsError(try Vault.open(dir: tempVaultDir(), prf: InMemoryHmacPrf())) { error in
            guard case WaymarkError.NotFound = error else { return XCTFail("got \(error)") }
        }
    }
}
