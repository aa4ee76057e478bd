import Foundation
import XCTest
import WaymarkKit

/// Safety through the real library from Swift: contacts, a check-in from plan to all-clear, a
/// missed one, the duress check-in, the armed check-in on a locked vault, help numbers, the
/// checklist and removing the duress PIN.
final class SafetyTests: XCTestCase {
    func buddy(_ name: String, _ phone: String, roles: [ContactRole] = [.buddy]) -> NewContact {
        NewContact(name: name, phone: phone, relationship: "sister", roles: roles, region: "GB")
    }

    func plan(_ minutes: UInt32, share: Bool = true) -> CheckInPlan {
        CheckInPlan(destination: "Dworzec — the station 🚉", expect: .withinMinutes(minutes: minutes),
                    graceMinutes: 15, shareLocation: share)
    }

    func invalidField(_ error: Error) -> String? {
        guard case .InvalidInput(let field, _)? = error as? WaymarkError else { return nil }
        return field
    }

    func testContactsAreCheckedNormalisedEditedAndRemoved() throws {
        let safety = try newVault().vault.safety()
        let alex = try safety.addContact(contact: buddy("Alex", "07700 900123"))
        XCTAssertEqual(alex.phone, "+447700900123", "numbers are stored in international form")
        XCTAssertEqual(alex.roles, [.buddy])
        XCTAssertThrowsError(try safety.addContact(contact: buddy("Nobody", "call me maybe"))) {
            XCTAssertEqual(self.invalidField($0), "phone")
        }
        _ = try safety.addContact(contact: buddy("Sam", "07700 900456"))
        let edited = try safety.editContact(nameOrId: "sam", contact: buddy("Sam K", "07700 900789", roles: [.emergency]))
        XCTAssertEqual(edited.name, "Sam K")
        XCTAssertEqual(edited.roles, [.emergency])
        XCTAssertEqual(try safety.contacts().map(\.name).sorted(), ["Alex", "Sam K"])
        try safety.removeContact(nameOrId: alex.id)
        XCTAssertEqual(try safety.contacts().map(\.name), ["Sam K"])
        XCTAssertThrowsError(try safety.removeContact(nameOrId: "Alex")) {
            guard case .NotFound? = $0 as? WaymarkError else { return XCTFail("\($0)") }
        }
    }

    func testACheckInFromPlanToAllClear() throws {
        let clock = TestClock()
        let safety = try newVault(clock: clock).vault.safety()
        _ = try safety.addContact(contact: buddy("Alex", "07700 900123"))

        // The text the buddy will read, with its SMS count, before anything starts.
        let preview = try safety.previewCheckin(plan: plan(30))
        let planText = try XCTUnwrap(preview.first { $0.kind == .plan })
        guard case .buddy(_, let name, let phone) = planText.to else { return XCTFail("\(planText.to)") }
        XCTAssertEqual(name, "Alex")
        XCTAssertEqual(phone, "+447700900123")
        XCTAssertTrue(planText.text.contains("Dworzec"), planText.text)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(planText.sms).segments, 1)
        XCTAssertNil(try safety.currentCheckin(), "a preview starts nothing")

        let started = try safety.startCheckin(plan: plan(30))
        XCTAssertEqual(started.state, .active)
        XCTAssertEqual(started.buddies, ["Alex"])
        let deadline = try XCTUnwrap(started.deadline)
        XCTAssertEqual(deadline.timeIntervalSince(clock.value), 30 * 60, accuracy: 60)
        XCTAssertThrowsError(try safety.startCheckin(plan: plan(10)), "one check-in at a time")

        let sent = try safety.tick(now: nil)
        XCTAssertEqual(sent.filter { $0.kind == .plan }.count, 1)
        XCTAssertTrue(try safety.tick(now: nil).isEmpty, "each event is handed out once")
        let wake = try XCTUnwrap(try safety.nextWake())
        XCTAssertGreaterThan(wake, clock.value)
        XCTAssertLessThanOrEqual(wake, deadline)

        XCTAssertTrue(try safety.recordLocation(location: CheckInLocation(lat: 51.5, lon: -0.12, accuracyM: 20, at: clock.value)))
        let later = try safety.extendCheckin(minutes: 15)
        XCTAssertEqual(later.timeIntervalSince(deadline), 15 * 60, accuracy: 1)
        XCTAssertEqual(try safety.currentCheckin()?.state, .extended)

        XCTAssertEqual(try safety.checkIn(), .checkedIn)
        XCTAssertEqual(try safety.currentCheckin()?.state, .checkedIn)
        let history = try safety.checkinHistory()
        XCTAssertEqual(history.count, 1)
        XCTAssertTrue(history[0].history.map(\.state).contains(.active))
        XCTAssertEqual(history[0].history.map(\.state).last, .checkedIn)

        // A plan that does not share location keeps none.
        _ = try safety.startCheckin(plan: plan(30, share: false))
        XCTAssertFalse(try safety.recordLocation(location: CheckInLocation(lat: 51.5, lon: -0.12, at: clock.value)))
        try safety.cancelCheckin()
        XCTAssertNotEqual(try safety.currentCheckin()?.state, .active)
        XCTAssertEqual(try safety.checkinHistory().map(\.state).filter { $0 == .cancelled }.count, 1)
    }

    func testAMissedCheckInAlertsTheBuddyOnceWithTheLastPlaceAndOffers999() throws {
        let clock = TestClock()
        let safety = try newVault(clock: clock).vault.safety()
        _ = try safety.addContact(contact: buddy("Alex", "07700 900123"))
        _ = try safety.startCheckin(plan: plan(10))
        _ = try safety.tick(now: nil)
        _ = try safety.recordLocation(location: CheckInLocation(lat: 51.5, lon: -0.12, accuracyM: 20, at: clock.value))

        let late = clock.value.addingTimeInterval(3600)
        let due = try safety.tick(now: late)
        let alerts = due.filter { $0.kind == .alert }
        XCTAssertEqual(alerts.count, 1)
        guard case .buddy(_, _, let phone) = alerts[0].to else { return XCTFail("\(alerts[0].to)") }
        XCTAssertEqual(phone, "+447700900123")
        XCTAssertTrue(alerts[0].text.contains("mlat=51.50000"), alerts[0].text)
        XCTAssertTrue(due.contains { $0.kind == .call999Prompt && $0.to == .user })
        XCTAssertTrue(try safety.tick(now: late).isEmpty, "the alert is never handed out twice")

        // Once buddies are alerted the check-in can only be answered, not called off.
        XCTAssertThrowsError(try safety.cancelCheckin()) { XCTAssertNotNil(self.invalidField($0)) }
        XCTAssertEqual(try safety.checkIn(), .resolved)
    }

    func testTheDuressCheckInLooksLikeAnyOtherButAlertsTheBuddy() throws {
        let clock = TestClock()
        let safety = try newVault(clock: clock).vault.safety()
        _ = try safety.addContact(contact: buddy("Alex", "07700 900123"))
        _ = try safety.startCheckin(plan: plan(30))
        _ = try safety.tick(now: nil)
        XCTAssertEqual(try safety.checkInDuress(), .checkedIn, "the screen says the same as for the real PIN")
        let next = try safety.tick(now: nil)
        XCTAssertTrue(next.contains { $0.kind == .alert }, "\(next.map(\.kind))")
        XCTAssertFalse(next.contains { $0.kind == .allClear })
    }

    func testTheArmedCheckInAnswersOnALockedVaultAndFoldsIntoTheLog() throws {
        let clock = TestClock()
        let dir = tempVaultDir()
        let prf = InMemoryHmacPrf()
        let vault = try createVault(dir: dir, secret: pin, prf: prf, keyDerivation: .minimalForTestsOnly, clock: clock).vault
        let safety = vault.safety()
        _ = try safety.addContact(contact: buddy("Alex", "07700 900123"))
        _ = try safety.startCheckin(plan: plan(30))
        let entriesBefore = try vault.incidentLog().verify(listener: nil, cancel: nil).entries
        vault.lock()
        XCTAssertThrowsError(try safety.currentCheckin()) { XCTAssertEqual($0 as? WaymarkError, .Locked) }

        let armed = try ArmedCheckIn.open(dir: dir, prf: prf, clock: clock)
        let wake = try XCTUnwrap(try armed.nextWake())
        XCTAssertLessThanOrEqual(wake, clock.value.addingTimeInterval(31 * 60))
        XCTAssertEqual(try armed.tick(now: nil).filter { $0.kind == .plan }.count, 1)
        XCTAssertThrowsError(try armed.checkIn(secret: "000000")) {
            guard case .WrongSecret? = $0 as? WaymarkError else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(try armed.checkIn(secret: pin), .checkedIn)
        // The all-clear comes from the next tick, like every other text (after the duress PIN
        // that tick would give the urgent alert instead, so the shell never has to know).
        let allClear = try armed.tick(now: nil)
        XCTAssertFalse(allClear.isEmpty)
        XCTAssertTrue(allClear.allSatisfy { $0.kind == .allClear })
        XCTAssertTrue(try armed.tick(now: nil).isEmpty)
        XCTAssertFalse(vault.isUnlocked(), "answering never unlocks the vault")

        // An armed check-in needs the phone's own key.
        XCTAssertThrowsError(try ArmedCheckIn.open(dir: dir, prf: InMemoryHmacPrf(), clock: clock).tick(now: nil))

        try vault.unlock(secret: pin)
        try safety.reconcileArmed()
        XCTAssertEqual(try safety.currentCheckin()?.state ?? .checkedIn, .checkedIn)
        XCTAssertGreaterThan(try vault.incidentLog().verify(listener: nil, cancel: nil).entries, entriesBefore)
    }

    func testHelpNumbersWithoutAVaultAndTheVaultsOwn() throws {
        let gb = try helpDirectory(region: "uk")
        XCTAssertEqual(gb.code, "GB")
        XCTAssertEqual(gb.emergencyNumber, "999")
        XCTAssertFalse(gb.entries.isEmpty)
        XCTAssertTrue(gb.entries.allSatisfy { !$0.dial.isEmpty && $0.dial.allSatisfy(\.isNumber) }, "dialable as digits")
        let regions = helpRegions()
        XCTAssertTrue(regions.contains("GB") && regions.contains("IE"), "\(regions)")
        XCTAssertNoThrow(try regions.forEach { _ = try helpDirectory(region: $0) }, "every listed region has a directory")
        XCTAssertThrowsError(try helpDirectory(region: "Atlantis"))

        let safety = try newVault().vault.safety()
        XCTAssertEqual(try safety.helpRegion().code, "GB")
        XCTAssertEqual(try safety.setHelpRegion(code: "IE").code, "IE")
        XCTAssertEqual(try safety.helpRegion().code, "IE", "the choice is kept")
        let mine = try safety.addHelpNumber(name: "Local service", number: "0800 123 456", whatFor: nil)
        XCTAssertEqual(mine.dial, "0800123456")
        XCTAssertEqual(try safety.customHelpNumbers().map(\.id), [mine.id])
        try safety.removeHelpNumber(nameOrId: mine.id)
        XCTAssertTrue(try safety.customHelpNumbers().isEmpty)
    }

    func testTheChecklistRemembersWhatWasDone() throws {
        let clock = TestClock()
        let safety = try newVault(clock: clock).vault.safety()
        let list = try safety.checklist()
        XCTAssertFalse(list.isEmpty)
        XCTAssertTrue(list.allSatisfy { $0.status == .notDone })
        let first = list[0]
        let done = try safety.checklistDone(item: String(first.number))
        guard case .done(let at, let again) = done.status else { return XCTFail("\(done.status)") }
        XCTAssertEqual(at, clock.value)
        XCTAssertEqual(again != nil, first.repeatDays != nil, "a repeating item says when it is due again")
        XCTAssertEqual(try safety.checklist().first { $0.id == first.id }?.status, done.status)
        try safety.checklistUndo(item: first.id)
        XCTAssertEqual(try safety.checklist().first { $0.id == first.id }?.status, .notDone)
        XCTAssertThrowsError(try safety.checklistDone(item: "999"))
    }

    func testRemovingTheDuressPinNeedsTheRealPinAndThenItOpensNothing() throws {
        let created = try newVault()
        let vault = created.vault
        try vault.setDuressSecret(secret: pin, duressSecret: "975310")
        vault.lock()
        try vault.unlock(secret: "975310")
        XCTAssertTrue(vault.isUnlocked(), "the duress PIN opens the decoy")
        vault.lock()
        try vault.unlock(secret: pin)

        // The duress PIN acts as the decoy's own PIN: "remove duress PIN" with it removes the
        // decoy's own duress PIN (none here), as in a real vault, and leaves the real one alone.
        try vault.removeDuressSecret(secret: "975310")
        vault.lock()
        try vault.unlock(secret: "975310")
        XCTAssertTrue(vault.isUnlocked(), "the duress PIN still opens the decoy")
        vault.lock()
        try vault.unlock(secret: pin)
        try vault.removeDuressSecret(secret: pin)
        vault.lock()
        XCTAssertThrowsError(try vault.unlock(secret: "975310")) {
            guard case .WrongSecret? = $0 as? WaymarkError else { return XCTFail("\($0)") }
        }
        try vault.unlock(secret: pin)
    }

    /// Issue 15 through the FFI: "erase after N wrong PINs" (off by default; the Nth wrong PIN
    /// leaves no vault) and the silent alert on a duress unlock (once, never for the real PIN).
    func testEraseAfterWrongPinsAndTheAlertOnADuressUnlock() throws {
        let dir = tempVaultDir()
        let clock = TestClock()
        let vault = try createVault(dir: dir, secret: pin, prf: InMemoryHmacPrf(),
                                    keyDerivation: .minimalForTestsOnly, clock: clock).vault
        XCTAssertNil(try vault.eraseAfter(), "off by default")
        let safety = vault.safety()
        _ = try safety.addContact(contact: buddy("Alex", "07700 900123"))
        try vault.setDuressSecret(secret: pin, duressSecret: "975310")
        XCTAssertFalse(try safety.duressUnlockAlert(), "off by default")
        try safety.setDuressUnlockAlert(on: true)
        XCTAssertTrue(try safety.duressUnlockAlert())
        vault.lock()
        try vault.unlock(secret: "975310")
        let alerts = try safety.takeUnlockAlert()
        XCTAssertEqual(alerts.count, 1)
        XCTAssertTrue(alerts[0].text.contains("I had to unlock my phone under pressure"), alerts[0].text)
        guard case .buddy(_, _, let phone) = alerts[0].to else { return XCTFail("\(alerts[0].to)") }
        XCTAssertEqual(phone, "+447700900123")
        XCTAssertTrue(try safety.takeUnlockAlert().isEmpty, "once per unlock")
        vault.lock()
        try vault.unlock(secret: pin)
        XCTAssertTrue(try safety.takeUnlockAlert().isEmpty, "never for the real PIN")

        XCTAssertThrowsError(try vault.setEraseAfter(after: 4))
        try vault.setEraseAfter(after: 5)
        XCTAssertEqual(try vault.eraseAfter(), 5)
        vault.lock()
        for _ in 0..<5 {
            clock.advance(7200)
            XCTAssertTrue(vaultExists(dir: dir))
            XCTAssertThrowsError(try vault.unlock(secret: "111111")) {
                guard case .WrongSecret? = $0 as? WaymarkError else { return XCTFail("\($0)") }
            }
        }
        XCTAssertFalse(vaultExists(dir: dir), "the fifth wrong PIN erased it")
    }
}
