import Foundation
import XCTest
import WaymarkKit

/// Backup and restore through the store as the iOS app runs them: settings' backup goes to the
/// share sheet (`Sharer`: "Save to Files" is there); a new phone's first run restores it with the
/// recovery code, a new PIN and the Files picker (`FilePicker`), whose file stays readable until
/// the restore (long work) has ended.
extension JourneyTests {
    func testABackupSharedFromSettingsRestoresOnANewPhone() throws {
        let old = try App()
        let groups = try firstRun(old)
        old.store.send(.quickLog(kind: .followed))
        old.store.send(.addNote(text: "Grey car from the station"))
        old.store.send(.quickLog(kind: .giftsLeft))
        old.store.send(.open(to: .settings))
        guard case let .settings(settings) = old.view.screen else { return XCTFail("settings: \(old.view.screen)") }
        XCTAssertTrue(settings.backupEnabled)
        old.store.send(.settingsBackup)
        let shared = try XCTUnwrap(old.phone.sharer.shared.first, "the share sheet got the backup")
        XCTAssertEqual(shared.mime, "application/octet-stream")
        XCTAssertTrue(old.view.banner?.text.hasPrefix("Backup made") ?? false, "\(String(describing: old.view.banner))")
        // Kept elsewhere (as "Save to Files" would).
        let drive = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-drive-\(UUID().uuidString).bin")
        try FileManager.default.copyItem(atPath: shared.path, toPath: drive.path)

        // The new phone; the restore's work waits on its queue so the picked file's life shows.
        let longWork = HeldExecutor()
        let new = try App(longWork: longWork)
        new.store.send(.started)
        XCTAssertEqual(try setup(new.view).secondaryLabel, "Restore from a backup")
        new.store.send(.restoreStart)
        XCTAssertEqual(try setup(new.view).step, .restoreCode)
        new.store.send(.restoreCodeTyped(text: groups.joined(separator: " ")))
        XCTAssertEqual(try setup(new.view).step, .restorePin)
        new.phone.files.answer = drive
        new.enter("112233")
        new.enter("112233")
        XCTAssertEqual(longWork.waiting, 1, "the restore waits for the long-work queue")
        XCTAssertEqual(new.phone.files.released, 0, "the file stays readable until the restore has run")
        XCTAssertEqual(new.view.work?.title, "Restoring your backup")
        longWork.release()
        XCTAssertEqual(new.phone.files.released, 1, "let go once the restore ended")
        let h = try home(new.view)
        XCTAssertEqual(h.recent.count, 2)
        XCTAssertEqual(new.view.banner?.text, "Restored. 2 incidents are back.")
        XCTAssertTrue(h.recent.contains { $0.summary == "Grey car from the station" })
    }

    func testARestoreWithAnotherVaultsCodeLeavesNothingAndAsksForTheCodeAgain() throws {
        let old = try App()
        try firstRun(old)
        old.store.send(.quickLog(kind: .followed))
        old.store.send(.open(to: .settings))
        old.store.send(.settingsBackup)
        let path = try XCTUnwrap(old.phone.sharer.shared.first?.path)
        let other = try App()
        let wrong = try firstRun(other)

        let new = try App()
        new.store.send(.started)
        new.store.send(.restoreStart)
        new.store.send(.restoreCodeTyped(text: wrong.joined(separator: "-")))
        new.phone.files.answer = URL(fileURLWithPath: path)
        new.enter("112233")
        new.enter("112233")
        XCTAssertEqual(try setup(new.view).step, .restoreCode)
        XCTAssertEqual(new.view.banner?.text.hasPrefix("That recovery code does not open this backup"), true)
        XCTAssertFalse(vaultExists(dir: new.dir))
        XCTAssertEqual(new.phone.files.released, 1)
    }
}
