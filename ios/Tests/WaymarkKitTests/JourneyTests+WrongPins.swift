import Foundation
import XCTest
import WaymarkKit

/// Who tried the PIN, through the store as the iOS app runs it: after the right PIN, home
/// carries the card HomeView draws first, until the person taps its OK (`wrongPinsSeen`).
extension JourneyTests {
    func testHomeShowsTheWrongPinsUntilThePersonHasSeenThem() throws {
        let first = try App()
        try firstRun(first)
        XCTAssertNil(try home(first.view).wrongPins, "nothing to tell after set-up")
        let app = try first.relaunch()
        app.clock.advance(60)
        app.enter("000000")
        app.clock.advance(120)
        app.enter("000001")
        app.clock.advance(1800)
        app.enter(pinDigits)
        // The clock started at 07:46:40 UTC on Mon 1 Jun; the phone is on UTC.
        let card = try XCTUnwrap(try home(app.view).wrongPins, "the card after the right PIN")
        XCTAssertEqual(card.text, "Since you last opened the app: 2 wrong PINs, the last on Mon 1 Jun at 07:49.")
        XCTAssertEqual(card.seenLabel, "OK")
        // Still there while unseen (a redraw, another event), gone once seen.
        app.store.send(.tick)
        XCTAssertNotNil(try home(app.view).wrongPins)
        app.store.send(.wrongPinsSeen)
        XCTAssertNil(try home(app.view).wrongPins)
        // And not back after the next right PIN with no wrong one between.
        app.store.send(.panic)
        app.enter(pinDigits)
        XCTAssertNil(try home(app.view).wrongPins)
    }
}
