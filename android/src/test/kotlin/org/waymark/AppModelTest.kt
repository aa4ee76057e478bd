package org.waymark

import java.time.Duration
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.waymark.app.model.AppConfig
import org.waymark.app.model.AppCore
import org.waymark.app.model.AppEvent
import org.waymark.app.model.AppUpdate
import org.waymark.app.model.Destination
import org.waymark.app.model.Effect
import org.waymark.app.model.QuickKind
import org.waymark.app.model.Screen
import org.waymark.app.model.SetupStep
import org.waymark.app.model.SmsAbility
import org.waymark.ffi.KeyDerivation
import org.waymark.ffi.openApp

/** The app model driven from Kotlin through the FFI, as the Android shell drives it. */
class AppModelTest {
    private fun app(clock: TestClock, dir: String = tempVaultDir().toString()): AppCore =
        openApp(
            dir, inMemoryPrf(), KeyDerivation.MinimalForTestsOnly,
            AppConfig(language = "en-GB", region = "GB", sms = SmsAbility.SEND_SILENTLY, utcOffsetMinutes = 0),
            clock,
        )

    private fun AppCore.pin(pin: String): AppUpdate {
        pin.forEach { dispatch(AppEvent.PinDigit(it.digitToInt().toUByte())) }
        return dispatch(AppEvent.PinSubmit)
    }

    /** First run to the home screen, skipping the optional steps. */
    private fun AppCore.setUp() {
        dispatch(AppEvent.Started)
        dispatch(AppEvent.SetupStart)
        pin(PIN)
        val shown = (pin(PIN).view.screen as Screen.FirstRun).setup
        assertEquals(SetupStep.SHOW_RECOVERY_CODE, shown.step)
        assertEquals(7, shown.recoveryGroups.size)
        val ask = (dispatch(AppEvent.RecoveryCodeWritten).view.screen as Screen.FirstRun).setup
        val n = ask.body.first { it.isDigit() }.digitToInt()
        dispatch(AppEvent.RecoveryCodeTyped(shown.recoveryGroups[n - 1]))
        dispatch(AppEvent.SetupSkip)  // buddy
        dispatch(AppEvent.SetupSkip)  // duress PIN
        dispatch(AppEvent.SetupSkip)  // location
        dispatch(AppEvent.SetupSkip)  // disguise
        val home = dispatch(AppEvent.Open(Destination.HOME))
        assertTrue(home.view.screen is Screen.Home)
    }

    @Test
    fun quickLogFromHomeInOneEventWithUndo() {
        val clock = TestClock()
        val app = app(clock)
        app.setUp()
        val u = app.dispatch(AppEvent.QuickLog(QuickKind.FOLLOWED))
        val home = (u.view.screen as Screen.Home).home
        assertEquals("Logged: Followed", home.logged?.text)
        assertEquals(1, home.recent.size)
        assertEquals(QuickKind.FOLLOWED, home.recent[0].kind)
        assertTrue(u.effects.any { it is Effect.Haptic })
        assertEquals("Emergency: 999", u.view.emergency.label)

        clock.advance(Duration.ofSeconds(3))
        val ticked = (app.dispatch(AppEvent.Tick).view.screen as Screen.Home).home
        assertEquals("Undo (7)", ticked.logged?.undoLabel)
        val undone = (app.dispatch(AppEvent.Undo).view.screen as Screen.Home).home
        assertTrue(undone.recent.isEmpty())
    }

    @Test
    fun lockedAppDialsTheEmergencyNumberAndHidesInTheBackground() {
        val clock = TestClock()
        val app = app(clock)
        app.setUp()
        val bg = app.dispatch(AppEvent.Backgrounded)
        assertTrue(bg.view.hideContent)
        assertTrue(bg.effects.contains(Effect.HideContent(true)))
        val locked = app.dispatch(AppEvent.Panic)
        assertTrue(locked.view.screen is Screen.Lock)
        assertEquals(listOf<Effect>(Effect.Dial("999")), app.dispatch(AppEvent.CallEmergency).effects)
    }
}
