import Foundation
import XCTest
import WaymarkKit

/// The app model driven from Swift through the FFI, as the iOS shell drives it.
final class AppModelTests: XCTestCase {
    func app(_ clock: TestClock) throws -> AppCore {
        try openApp(
            dir: tempVaultDir(), prf: InMemoryHmacPrf(), keyDerivation: .minimalForTestsOnly,
            config: AppConfig(language: "en-GB", region: "GB", sms: .composeOnly, utcOffsetMinutes: 0),
            clock: clock)
    }

    @discardableResult
    func enter(_ app: AppCore, _ pin: String) -> AppUpdate {
        for c in pin { _ = app.dispatch(event: .pinDigit(digit: UInt8(String(c))!)) }
        return app.dispatch(event: .pinSubmit)
    }

    func setUp(_ app: AppCore) throws {
        _ = app.dispatch(event: .started)
        _ = app.dispatch(event: .setupStart)
        enter(app, pin)
        guard case .firstRun(let shown) = enter(app, pin).view.screen else { return XCTFail("first run") }
        XCTAssertEqual(shown.step, .showRecoveryCode)
        XCTAssertEqual(shown.recoveryGroups.count, 7)
        guard case .firstRun(let ask) = app.dispatch(event: .recoveryCodeWritten).view.screen else {
            return XCTFail("confirm step")
        }
        let n = Int(String(ask.body.first { $0.isNumber }!))!
        _ = app.dispatch(event: .recoveryCodeTyped(text: shown.recoveryGroups[n - 1]))
        _ = app.dispatch(event: .setupSkip)  // buddy
        _ = app.dispatch(event: .setupSkip)  // duress PIN
        _ = app.dispatch(event: .setupSkip)  // location
        _ = app.dispatch(event: .setupSkip)  // disguise
        guard case .home = app.dispatch(event: .open(to: .home)).view.screen else { return XCTFail("home") }
    }

    func testQuickLogFromHomeInOneEventWithUndo() throws {
        let clock = TestClock()
        let app = try app(clock)
        try setUp(app)
        let u = app.dispatch(event: .quickLog(kind: .followed))
        guard case .home(let home) = u.view.screen else { return XCTFail("home") }
        XCTAssertEqual(home.logged?.text, "Logged: Followed")
        XCTAssertEqual(home.recent.count, 1)
        XCTAssertEqual(home.recent.first?.kind, .followed)
        XCTAssertEqual(u.view.emergency.label, "Emergency: 999")
        clock.advance(3)
        guard case .home(let ticked) = app.dispatch(event: .tick).view.screen else { return XCTFail("home") }
        XCTAssertEqual(ticked.logged?.undoLabel, "Undo (7)")
        guard case .home(let undone) = app.dispatch(event: .undo).view.screen else { return XCTFail("home") }
        XCTAssertTrue(undone.recent.isEmpty)
    }

    func testLockedAppDialsTheEmergencyNumber() throws {
        let app = try app(TestClock())
        try setUp(app)
        guard case .lock = app.dispatch(event: .panic).view.screen else { return XCTFail("lock") }
        XCTAssertEqual(app.dispatch(event: .callEmergency).effects, [.dial(number: "999")])
    }
}
