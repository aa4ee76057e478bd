import Foundation
import XCTest
import WaymarkKit

/// A file system that records what it was asked, and can refuse a step.
final class FakeFolders: FolderProtector {
    var existing: Set<String> = []
    var calls: [String] = []
    var refuse: Set<String> = []
    struct Refused: Error {}

    func exists(_ url: URL) -> Bool { existing.contains(url.path) }
    func createFolder(_ url: URL) throws {
        calls.append("create \(url.path)")
        if refuse.contains("create") { throw Refused() }
        existing.insert(url.path)
    }
    func setProtection(_ url: URL, _ level: FileProtectionLevel) throws {
        calls.append("protect \(url.path) \(level)")
        if refuse.contains("protect") { throw Refused() }
    }
    func excludeFromBackup(_ url: URL) throws {
        calls.append("exclude \(url.path)")
        if refuse.contains("exclude") { throw Refused() }
    }
}

final class VaultFolderTests: XCTestCase {
    let support = URL(fileURLWithPath: "/var/mobile/Containers/Data/Application/X/Library/Application Support")
    var app: String { support.appendingPathComponent("Waymark").path }
    var vault: String { support.appendingPathComponent("Waymark/vault").path }
    var exports: String { support.appendingPathComponent("Waymark/exports").path }
    var captures: String { support.appendingPathComponent("Waymark/captures").path }

    func testAFreshInstallGetsAnExcludedProtectedAppFolderAndLeavesTheVaultToTheCore() {
        let fs = FakeFolders()
        let (dir, problems) = VaultFolder.prepare(applicationSupport: support, using: fs)
        XCTAssertEqual(dir.path, vault)
        XCTAssertEqual(problems, [])
        XCTAssertEqual(fs.calls, ["create \(app)", "exclude \(app)", "protect \(app) untilFirstUnlock",
                                  "create \(exports)", "protect \(exports) complete",
                                  "create \(captures)", "protect \(captures) completeUnlessOpen"])
        XCTAssertFalse(fs.existing.contains(vault), "the core creates the vault folder itself, empty and owner-only")
    }

    func testAnExistingVaultIsExcludedAndProtectedToo() {
        let fs = FakeFolders()
        fs.existing = [app, vault, exports, captures]
        _ = VaultFolder.prepare(applicationSupport: support, using: fs)
        XCTAssertEqual(fs.calls, ["exclude \(app)", "protect \(app) untilFirstUnlock",
                                  "exclude \(vault)", "protect \(vault) untilFirstUnlock",
                                  "protect \(exports) complete", "protect \(captures) completeUnlessOpen"])
    }

    func testTheProtectionLetsTheLockedPhoneRunACheckIn() {
        // The armed check-in file is rewritten from a background refresh while the phone is
        // locked: "complete" protection would make every locked deadline fail.
        XCTAssertEqual(VaultFolder.protection, .untilFirstUnlock)
        // Exports are plaintext (a report, a bundle) made and shared while the app is in front.
        XCTAssertEqual(VaultFolder.exportProtection, .complete)
        XCTAssertEqual(AppBundle.exportsDirectory(applicationSupport: support).path, exports)
        // A video in the clear while it is recorded: unreadable once the phone locks, except a
        // recording still under way.
        XCTAssertEqual(VaultFolder.captureProtection, .completeUnlessOpen)
        XCTAssertEqual(AppBundle.capturesDirectory(applicationSupport: support).path, captures)
    }

    func testAFailureIsReportedAndNeverStopsTheAppOrTheOtherSteps() {
        let fs = FakeFolders()
        fs.existing = [app]
        fs.refuse = ["protect"]
        let (dir, problems) = VaultFolder.prepare(applicationSupport: support, using: fs)
        XCTAssertEqual(dir.path, vault, "the app still opens the vault's path (999 and help need no vault)")
        XCTAssertEqual(problems.count, 3, "the app folder, the export folder and the capture folder")
        XCTAssertTrue(fs.calls.contains("exclude \(app)"), "still kept out of backups")

        let full = FakeFolders()
        full.refuse = ["create"]
        let (_, fullProblems) = VaultFolder.prepare(applicationSupport: support, using: full)
        XCTAssertEqual(fullProblems.count, 1)
        XCTAssertEqual(full.calls, ["create \(app)"], "nothing to protect when the folder could not be made")
    }
}

final class BackgroundCompletionTests: XCTestCase {
    func testCompletesOnceWhicheverComesFirst() {
        var results: [Bool] = []
        let done = BackgroundCompletion { results.append($0) }
        XCTAssertFalse(done.isFinished)
        done.done()
        done.expired()
        done.done()
        XCTAssertEqual(results, [true])
        XCTAssertTrue(done.isFinished)

        var late: [Bool] = []
        let expired = BackgroundCompletion { late.append($0) }
        expired.expired()
        expired.done()
        XCTAssertEqual(late, [false], "out of time: the work that ends later does not complete it again")
    }

    func testCompletesOnceFromManyThreads() {
        let lock = NSLock()
        var count = 0
        let once = BackgroundCompletion { _ in lock.lock(); count += 1; lock.unlock() }
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            if i % 2 == 0 { once.done() } else { once.expired() }
        }
        XCTAssertEqual(count, 1)
    }

    /// The store's background refresh completes the task through it exactly once.
    func testTheStoresBackgroundRefreshCompletesTheTaskOnce() throws {
        let core = try openApp(dir: tempVaultDir(), prf: InMemoryHmacPrf(), keyDerivation: .minimalForTestsOnly,
                               config: AppConfig(language: "en-GB", region: "GB", sms: .composeOnly, utcOffsetMinutes: 0),
                               clock: TestClock())
        let store = AppStore(core: core, ports: FakePhone().ports, work: InlineExecutor(), deliver: InlineExecutor())
        var results: [Bool] = []
        let completion = BackgroundCompletion { results.append($0) }
        store.backgroundRefresh { completion.done() }
        completion.expired()
        XCTAssertEqual(results, [true])
    }
}
