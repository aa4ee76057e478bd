import Foundation
import XCTest
import WaymarkKit

/// The app-model journeys driven from Swift: the real Rust app model (`openApp`) over a
/// temporary vault, the store and effect dispatcher the iOS app uses, and fake phone ports.
/// Events run inline, so each `send` has finished (effects included) when it returns.
final class JourneyTests: XCTestCase {
    let pinDigits = "246810"

    final class App {
        let dir: String
        let prf: InMemoryHmacPrf
        let clock: TestClock
        let phone = FakePhone()
        let store: AppStore
        /// Where recorded videos wait to be streamed in (each App its own).
        let captures = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-captures-\(UUID().uuidString)")

        init(dir: String = tempVaultDir(), prf: InMemoryHmacPrf = InMemoryHmacPrf(), clock: TestClock = TestClock(),
             longWork: Executor = InlineExecutor()) throws {
            self.dir = dir
            self.prf = prf
            self.clock = clock
            let core = try openApp(dir: dir, prf: prf, keyDerivation: .minimalForTestsOnly,
                                   config: AppConfig(language: "en-GB", region: "GB", sms: .composeOnly, utcOffsetMinutes: 0),
                                   clock: clock)
            store = AppStore(core: core, ports: phone.ports, work: InlineExecutor(), deliver: InlineExecutor(),
                             longWork: longWork, movies: MovieStreamer(folder: captures), streaming: InlineExecutor(),
                             now: { clock.value })
        }

        /// The app killed and launched again on the same phone (same folder, PRF key and clock).
        func relaunch() throws -> App {
            let app = try App(dir: dir, prf: prf, clock: clock)
            app.store.send(.started)
            return app
        }

        var view: ViewModel { store.view }

        func type(_ pin: String) {
            for c in pin { store.send(.pinDigit(digit: UInt8(String(c))!)) }
        }

        func enter(_ pin: String) {
            type(pin)
            store.send(.pinSubmit)
        }

        func advance(_ seconds: TimeInterval) {
            clock.advance(seconds)
            store.tick()
        }
    }

    func setup(_ s: ViewModel) throws -> FirstRunScreen {
        guard case let .firstRun(setup) = s.screen else { XCTFail("expected the first run, got \(s.screen)"); throw CancellationError() }
        return setup
    }

    func lock(_ s: ViewModel) throws -> LockScreen {
        guard case let .lock(lock) = s.screen else { XCTFail("expected the lock screen, got \(s.screen)"); throw CancellationError() }
        return lock
    }

    func home(_ s: ViewModel) throws -> HomeScreen {
        guard case let .home(home) = s.screen else { XCTFail("expected home, got \(s.screen)"); throw CancellationError() }
        return home
    }

    /// The whole first run, skipping the optional steps; returns the recovery code shown.
    @discardableResult
    func firstRun(_ app: App, buddy: (name: String, phone: String)? = nil) throws -> [String] {
        app.store.send(.started)
        app.store.send(.setupStart)
        app.enter(pinDigits)
        app.enter(pinDigits)
        let shown = try setup(app.view)
        XCTAssertEqual(shown.step, .showRecoveryCode)
        app.store.send(.recoveryCodeWritten)
        let ask = try setup(app.view)
        XCTAssertEqual(ask.step, .confirmRecoveryCode)
        XCTAssertTrue(ask.recoveryGroups.isEmpty, "the code is not on screen while it is checked")
        // Which group is asked for, from the app model's words ("Type group 3").
        let n = try XCTUnwrap(ask.body.first(where: \.isNumber).flatMap { Int(String($0)) })
        app.store.send(.recoveryCodeTyped(text: shown.recoveryGroups[n - 1]))
        if let buddy {
            app.store.send(.setupBuddy(name: buddy.name, phone: buddy.phone))
        } else {
            app.store.send(.setupSkip)  // buddy
        }
        app.store.send(.setupSkip)  // duress PIN
        app.store.send(.setupLocation(on: false))
        app.store.send(.setupSkip)  // the disguise: the app's own icon
        app.store.send(.open(to: .home))
        _ = try home(app.view)
        return shown.recoveryGroups
    }

    func testFirstRunCreatesTheVaultShowsTheCodeOnceAndEndsAtHome() throws {
        let app = try App()
        app.store.send(.started)
        XCTAssertEqual(try setup(app.view).step, .welcome)
        XCTAssertEqual(app.view.emergency.number, "999", "999 is there before anything else")
        XCTAssertTrue(app.view.emergency.hint.contains("55"))
        XCTAssertFalse(vaultExists(dir: app.dir))

        let code = try firstRun(app)
        XCTAssertEqual(code.count, 7)
        XCTAssertTrue(vaultExists(dir: app.dir))
        XCTAssertTrue(app.phone.permissions.asked.isEmpty, "location off: no permission asked")

        // The code opens the vault (it is the real one) and never shows again.
        let reopened = try Vault.open(dir: app.dir, prf: InMemoryHmacPrf(), clock: nil)
        try reopened.recover(recoveryCode: code.joined(separator: "-"), newSecret: "97531086")
        let again = try app.relaunch()
        XCTAssertNotNil(try lock(again.view))
        XCTAssertFalse(String(describing: again.view).contains(code[0] + code[1]))
    }

    func testAQuickLogFromHomeIsOneTapAndLandsInTheVault() throws {
        let app = try App()
        try firstRun(app)
        app.store.send(.quickLog(kind: .followed))
        let h = try home(app.view)
        let card = try XCTUnwrap(h.logged)
        XCTAssertNotNil(card.undoLabel)
        XCTAssertEqual(h.recent.map(\.kind), [.followed])
        XCTAssertEqual(app.phone.haptics.played.last, .confirm)

        let vault = try Vault.open(dir: app.dir, prf: app.prf, clock: nil)
        try vault.unlock(secret: pinDigits)
        let logged = try vault.incidentLog().list(filter: ListFilter())
        XCTAssertEqual(logged.map(\.details.kind), [.followed])
    }

    func testWrongPinsBackOffWithACountdownAndTheRightPinStillOpens() throws {
        let first = try App()
        try firstRun(first)
        let app = try first.relaunch()
        _ = try lock(app.view)
        for attempt in 1...5 {
            app.enter("000000")
            let l = try lock(app.view)
            XCTAssertNotNil(l.message, "attempt \(attempt)")
            XCTAssertEqual(l.pad.dots, 0)
        }
        XCTAssertEqual(app.phone.haptics.played.filter { $0 == .warning }.count, 5)
        app.advance(3600)
        app.enter("000000")
        var l = try lock(app.view)
        let wait = try XCTUnwrap(l.retryInSeconds, "the sixth wrong PIN sets a wait")
        XCTAssertGreaterThanOrEqual(wait, 30)
        XCTAssertFalse(l.pad.enabled)
        XCTAssertEqual(Format.countdown(seconds: wait).filter { $0 == ":" }.count, 1)

        // While waiting the right PIN is not even tried.
        app.enter(pinDigits)
        l = try lock(app.view)
        XCTAssertEqual(l.pad.dots, 0)

        // The store's tick moves the countdown with the clock.
        app.advance(10)
        XCTAssertEqual(try lock(app.view).retryInSeconds, wait - 10)
        app.advance(TimeInterval(wait - 10))
        l = try lock(app.view)
        XCTAssertTrue(l.pad.enabled)
        XCTAssertNil(l.retryInSeconds)
        app.enter(pinDigits)
        _ = try home(app.view)
    }

    func testEmergencyDialsFromTheLockScreenWithoutThePin() throws {
        let first = try App()
        try firstRun(first)
        let app = try first.relaunch()
        app.store.send(.callEmergency)
        XCTAssertEqual(app.phone.dialer.opened.map(\.absoluteString), ["tel:999"])
        _ = try lock(app.view)
    }

    func testLeavingTheForegroundCoversAtOnceAndTheAppModelUncoversOnReturn() throws {
        let app = try App()
        try firstRun(app)
        app.store.leavingForeground()
        XCTAssertTrue(app.phone.cover.covered, "covered before the app model was even asked")
        app.store.backgrounded()
        XCTAssertTrue(app.view.hideContent)
        app.store.foregrounded()
        XCTAssertFalse(app.phone.cover.covered)
        XCTAssertFalse(app.view.hideContent)
    }

    func testAutoLockRunsFromABackgroundRefreshAfterTheDelay() throws {
        let app = try App()
        try firstRun(app)
        let t0 = app.clock.value
        // Back within the delay: still open.
        app.store.backgrounded()
        app.advance(20)
        app.store.foregrounded()
        _ = try home(app.view)

        app.store.backgrounded()
        let asked = try XCTUnwrap(app.phone.wakes.requested.last, "iOS is asked to wake the app")
        XCTAssertGreaterThan(asked, t0.addingTimeInterval(20))
        app.clock.advance(asked.timeIntervalSince(app.clock.value) + 1)
        var done = 0
        app.store.backgroundRefresh { done += 1 }
        XCTAssertEqual(done, 1, "the background task is told it finished")
        _ = try lock(app.view)  // locked by the refresh, before the person comes back
        app.store.foregrounded()
        _ = try lock(app.view)
    }

    func checkin(_ s: ViewModel) throws -> CheckInScreen {
        guard case let .checkIn(checkin) = s.screen else { XCTFail("expected the check-in, got \(s.screen)"); throw CancellationError() }
        return checkin
    }

    /// Opens the check-in form, fills it in as a person would (the buddy from the first run is
    /// chosen) and starts it; returns the plan text the form showed.
    func startCheckIn(_ app: App, to destination: String, minutes: UInt32 = 20, grace: UInt32 = 10) throws -> String {
        app.store.send(.open(to: .checkIn))
        var form = try XCTUnwrap(try checkin(app.view).form, "nothing runs yet: the form")
        XCTAssertFalse(form.canStart, "no destination yet")
        XCTAssertEqual(form.buddies.filter(\.selected).map(\.name), ["Alex"])
        XCTAssertNotNil(form.composeNote, "iOS: the form says Messages opens and the person presses Send")
        app.store.send(.checkInDestination(text: destination))
        app.store.send(.checkInMinutes(minutes: minutes))
        app.store.send(.checkInGrace(minutes: grace))
        form = try XCTUnwrap(try checkin(app.view).form)
        XCTAssertTrue(form.canStart)
        XCTAssertGreaterThanOrEqual(form.smsCount, 1)
        let preview = try XCTUnwrap(form.preview)
        XCTAssertTrue(preview.contains(destination))
        app.store.send(.checkInStart)
        return preview
    }

    /// Started from the check-in screen, missed while the app is locked in the background: the
    /// alert and the "call 999" text wait for the app to come to the front and reach the composer
    /// exactly once each, however many wake-ups and ticks follow; the notifications on the lock
    /// screen name nothing; the home card counts down, then 999 is drawn large.
    func testAMissedCheckInHandsTheAlertToTheComposerExactlyOnce() throws {
        let app = try App()
        try firstRun(app, buddy: ("Alex", "07700 900123"))
        let destination = "Dworzec Centralny"
        let preview = try startCheckIn(app, to: destination)

        // The plan text, word for word as the form showed it, in the composer once.
        XCTAssertEqual(app.phone.composer.shown.count, 1)
        XCTAssertEqual(app.phone.composer.shown.first?.to, "+447700900123")
        XCTAssertEqual(app.phone.composer.shown.first?.body, preview)
        app.phone.composer.close(.sent)
        let running = try XCTUnwrap(try checkin(app.view).running)
        // The core rounds the deadline up to a whole minute.
        XCTAssertTrue((20 * 60..<21 * 60).contains(running.card.dueInSeconds), "\(running.card.dueInSeconds)")
        let deadlineWake = try XCTUnwrap(app.phone.wakes.requested.last, "iOS is asked to wake the app for the deadline")
        XCTAssertLessThanOrEqual(deadlineWake, app.clock.value.addingTimeInterval(31 * 60))

        // Home shows the running check-in; the store's tick moves its clock.
        app.store.send(.back)
        app.advance(60)
        let card = try XCTUnwrap(try home(app.view).checkin)
        XCTAssertEqual(card.dueInSeconds, running.card.dueInSeconds - 60)
        XCTAssertEqual(card.overdueSeconds, 0)
        XCTAssertEqual(Format.checkInClock(dueInSeconds: card.dueInSeconds, overdueSeconds: card.overdueSeconds),
                       Format.countdown(seconds: card.dueInSeconds))
        XCTAssertFalse(app.view.emergency.prominent)

        // Away from the phone: backgrounded, locked by the auto-lock, the deadline passes.
        app.phone.composer.canPresent = false
        app.store.backgrounded()
        app.clock.advance(45 * 60)
        for _ in 0..<3 {
            var done = false
            app.store.backgroundRefresh { done = true }
            XCTAssertTrue(done)
            app.clock.advance(60)
        }
        _ = try lock(app.view)
        XCTAssertEqual(app.phone.composer.shown.count, 1, "no composer while the app is in the background")
        // The alert, then (every buddy alerted) the "please call 999" text: each waits, once.
        XCTAssertEqual(app.store.waitingMessages, 2)
        // Missed, then call 999: handed to the phone ahead, when the check-in started (iOS
        // shows them at their time whether or not the app runs), and not shown a second time.
        let ahead = app.phone.notifications.pending
        XCTAssertEqual(Set(ahead.keys), ["checkin.soon", "checkin.due", "checkin.missed", "checkin.call-999"])
        XCTAssertEqual(ahead["checkin.due"], app.clock.value.addingTimeInterval(-49 * 60 + Double(running.card.dueInSeconds)),
                       "the deadline")
        XCTAssertTrue(app.phone.notifications.shown.isEmpty, "\(app.phone.notifications.shown)")
        let notes = app.phone.notifications.scheduled.map { (id: $0.id, title: $0.title, body: $0.body) }
        for n in notes {
            for secret in [destination, "Alex", "7700", "Dworzec"] {
                XCTAssertFalse(n.title.contains(secret) || n.body.contains(secret), "\(n)")
            }
        }

        // Back in front: the waiting texts show one composer at a time, the alert once.
        app.phone.composer.canPresent = true
        app.store.foregrounded()
        XCTAssertTrue(app.view.emergency.prominent, "999 drawn large, on the lock screen too")
        XCTAssertNotNil(app.view.emergency.urgentText)
        while app.phone.composer.isShowing { app.phone.composer.close(.sent) }
        let toBuddy = app.phone.composer.shown.dropFirst()
        XCTAssertEqual(toBuddy.count, 2)
        let alerts = toBuddy.filter { $0.body.contains("ALERT") }
        XCTAssertEqual(alerts.count, 1)
        XCTAssertTrue(toBuddy.last?.body.contains("call 999") ?? false, "999 is offered: \(toBuddy.map(\.body))")
        XCTAssertTrue(toBuddy.allSatisfy { $0.to == "+447700900123" })
        XCTAssertTrue(alerts.first?.body.contains(destination) ?? false)
        let composed = app.phone.composer.shown.count
        for _ in 0..<3 {
            app.advance(60)
            app.store.foregrounded()
            app.store.backgroundRefresh {}
        }
        XCTAssertEqual(app.phone.composer.shown.count, composed, "no text is ever composed twice")
        XCTAssertEqual(app.store.waitingMessages, 0)
        XCTAssertNil(app.view.smsFailed)

        // "I'm safe" from the lock screen tells the buddy, once.
        app.type(pinDigits)
        app.store.send(.pinCheckIn)
        while app.phone.composer.isShowing { app.phone.composer.close(.sent) }
        XCTAssertEqual(app.phone.composer.shown.count, composed + 1)
        XCTAssertEqual(app.phone.composer.shown.last?.to, "+447700900123")
        XCTAssertTrue(app.phone.notifications.pending.isEmpty, "checked in: no reminder left to show")
    }

    /// The disguise chosen at set-up reaches the phone as its alternate icon, once; settings
    /// switches it back to the app's own.
    func testTheDisguiseChosenAtSetUpBecomesTheHomeScreenIcon() throws {
        let app = try App()
        app.store.send(.started)
        app.store.send(.setupStart)
        app.enter(pinDigits)
        app.enter(pinDigits)
        let shown = try setup(app.view)
        app.store.send(.recoveryCodeWritten)
        let ask = try setup(app.view)
        let n = try XCTUnwrap(ask.body.first(where: \.isNumber).flatMap { Int(String($0)) })
        app.store.send(.recoveryCodeTyped(text: shown.recoveryGroups[n - 1]))
        app.store.send(.setupSkip)
        app.store.send(.setupSkip)
        app.store.send(.setupLocation(on: false))
        let step = try setup(app.view)
        XCTAssertEqual(step.step, .disguise)
        XCTAssertEqual(step.disguises.map(\.kind), [.notes, .tasks, .weather, .calculator, .plain])
        XCTAssertFalse(step.disguiseNote.isEmpty, "the note that iOS keeps the name")
        app.store.send(.chooseDisguise(kind: .weather))
        XCTAssertEqual(app.phone.icon.set, ["AppIcon-Weather"])
        XCTAssertEqual(try setup(app.view).step, .done)
        app.store.send(.open(to: .home))
        app.store.send(.open(to: .settings))
        guard case let .settings(settings) = app.view.screen else { return XCTFail("\(app.view.screen)") }
        XCTAssertEqual(settings.disguises.filter(\.selected).map(\.kind), [.weather])
        app.store.send(.chooseDisguise(kind: .plain))
        XCTAssertEqual(app.phone.icon.set, ["AppIcon-Weather", nil])
    }

    /// A text the person did not send (the composer was cancelled) is said plainly on every
    /// screen; "Send it yourself" opens the composer again with the same words, and once sent the
    /// warning goes.
    func testAnUnsentTextIsSaidOnEveryScreenUntilThePersonSendsIt() throws {
        let app = try App()
        try firstRun(app, buddy: ("Alex", "07700 900123"))
        let preview = try startCheckIn(app, to: "the gym")
        app.phone.composer.close(.cancelled)
        let failure = try XCTUnwrap(app.view.smsFailed, "the buddy was not texted: said")
        XCTAssertTrue(app.view.emergency.prominent)
        app.store.send(.back)
        XCTAssertEqual(app.view.smsFailed?.id, failure.id, "on home too")
        app.store.send(.panic)
        _ = try lock(app.view)
        XCTAssertEqual(app.view.smsFailed?.id, failure.id, "and on the lock screen")

        app.store.send(.smsCompose(id: failure.id))
        XCTAssertEqual(app.phone.composer.shown.count, 2, "the composer opens again for the same text")
        XCTAssertEqual(app.phone.composer.shown.last?.body, preview)
        app.phone.composer.close(.sent)
        XCTAssertNil(app.view.smsFailed)
    }
}
