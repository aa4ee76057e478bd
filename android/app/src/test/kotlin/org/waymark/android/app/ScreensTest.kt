package org.waymark.android.app

import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode
import java.time.Duration

/**
 * Every screen drawn to PNG at phone size (360 x 780 dp at xhdpi: 720 x 1560 px), in the light
 * and the dark theme, each one audited as it is drawn (Screens.audit: touch targets, text size,
 * nothing cut off or overlapping; colours are checked in DiscretionTest).
 */
abstract class ScreensTest {
    @Test
    fun drawEveryScreen() {
        val d = Driver().start()
        d.firstRun(shoot = true)
        Screens.shoot(d.activity, "10-home")
        d.tap("quick-followed")
        Screens.shoot(d.activity, "11-home-logged")
        d.tap("nav-help")
        Screens.shoot(d.activity, "12-help")
        d.tap("back")
        d.tap("lock-now")
        Screens.shoot(d.activity, "13-lock")
        d.pin("1234", submit = false)
        Screens.shoot(d.activity, "14-lock-typing")
        d.tap("pin-submit")
        repeat(5) { d.pin("111111") }
        Screens.shoot(d.activity, "15-lock-wait")
        d.wait(Duration.ofHours(2))
        d.tap("help")
        Screens.shoot(d.activity, "16-help-locked")
    }

    @Test
    fun drawTheWrongPinCard() {
        val d = Driver().start()
        d.firstRun()
        d.tap("lock-now")
        d.wait(Duration.ofMinutes(1))
        d.pin("111111")
        d.wait(Duration.ofMinutes(2))
        d.pin("222222")
        d.wait(Duration.ofMinutes(30))
        d.pin(PIN)
        // After the right PIN, home says who tried first: drawn above everything else.
        assertTrue("home, not ${d.screen()}", d.screen() is org.waymark.app.model.Screen.Home)
        val words = (d.screen() as org.waymark.app.model.Screen.Home).home.wrongPins!!.text
        assertEquals(words, d.text("wrong-pins-text"))
        assertTrue(words, words.contains("2 wrong PINs"))
        val scroll = d.view("scroll") as android.view.ViewGroup
        val top = (scroll.getChildAt(0) as android.view.ViewGroup)
        assertTrue("the card is the first thing on home", all(top).indexOf(d.view("wrong-pins")) < all(top).indexOf(d.view("quick-followed")))
        Screens.shoot(d.activity, "17-home-wrong-pins")
        d.tap("wrong-pins-seen")
        assertNull("gone once seen", d.find("wrong-pins"))
        // And it stays gone after the next right PIN, with no wrong one between.
        d.tap("lock-now")
        d.pin(PIN)
        assertNull(d.find("wrong-pins"))
    }

    @Test
    fun drawTheIncidentScreens() {
        val d = Driver().start()
        d.firstRun()
        d.tap("quick-followed")
        d.takePhoto()
        d.recordVideo()
        d.tap("quick-gifts_left")
        d.tap("nav-incidents")
        Screens.shoot(d.activity, "30-incidents")
        val id = (d.screen() as org.waymark.app.model.Screen.Incidents).incidents.rows.last().id
        d.tap("recent-$id")
        Screens.shoot(d.activity, "31-incident")
        (d.view("field-incident-description") as android.widget.EditText).setText("Grey car behind me from the station to the library")
        d.type("reason", "Added what happened")
        d.tap("incident-save")
        Screens.shoot(d.activity, "32-incident-edited")
    }

    @Test
    fun drawTheExportScreens() {
        val d = Driver().start()
        d.firstRun()
        d.tap("quick-followed")
        d.exportReport(shoot = true)
    }

    @Test
    fun drawTheRoutesInsightsAndRiskScreens() {
        val d = Driver().start()
        d.firstRun()
        d.tap("quick-followed")
        d.tap("nav-routes")
        Screens.shoot(d.activity, "60-routes")
        for ((name, at) in listOf("Home" to ("60.1690" to "24.9400"), "Work" to ("60.1760" to "24.9480"))) {
            d.type("place-name", name)
            d.type("place-lat", at.first)
            d.type("place-lon", at.second)
            d.tap("add-place")
        }
        d.type("route-from", "Home")
        d.type("route-to", "Work")
        d.tap("find-routes")
        assertNotNull("the routes drawn over the streets", d.find("route-map"))
        assertNotNull(d.find("route-0"))
        Screens.shoot(d.activity, "61-routes-found")
        d.type("arrive-by", "0900")
        d.tap("plan-trips")
        assertNotNull("a plan, not an error", (d.screen() as org.waymark.app.model.Screen.Routes).routes.plan)
        Screens.shoot(d.activity, "62-routes-plan")
        d.tap("back")
        d.tap("nav-insights")
        Screens.shoot(d.activity, "63-insights")
        d.tap("back")
        d.tap("nav-risk")
        Screens.shoot(d.activity, "64-risk")
    }

    @Test
    fun drawTheSettingsScreens() {
        val d = Driver().start()
        d.firstRun()
        d.tap("nav-settings")
        Screens.shoot(d.activity, "40-settings")
        d.tap("disguise-weather")
        assertEquals(org.waymark.app.model.Disguise.WEATHER, DisguiseSwitcher.current(d.app))
        Screens.shoot(d.activity, "40b-settings-disguise-changed")
        d.tap("settings-change-pin")
        Screens.shoot(d.activity, "41-settings-current-pin")
    }

    @Test
    fun drawTheCheckInScreens() {
        val d = Driver().start()
        d.firstRun()
        d.fillCheckIn(shoot = true)
        d.phoneCanText()
        d.tap("checkin-start")
        // The radio could not send the plan: every screen says so.
        d.radioAnswers(ok = false)
        assertNotNull(d.find("sms-failed"))
        Screens.shoot(d.activity, "22-checkin-text-failed")
        d.tap("sms-retry")
        d.radioAnswers(ok = true)
        assertNull("sent on the second try", d.find("sms-failed"))
        Screens.shoot(d.activity, "23-checkin-running")
        d.tap("back")
        Screens.shoot(d.activity, "24-home-checkin")
        d.wait(Duration.ofMinutes(36))
        Screens.shoot(d.activity, "25-home-checkin-last-minutes")
        d.wait(Duration.ofMinutes(10))
        assertNotNull("999 drawn large once overdue", d.find("urgent"))
        Screens.shoot(d.activity, "26-home-checkin-overdue")
        d.wait(Duration.ofMinutes(16))
        d.tap("nav-check_in")
        Screens.shoot(d.activity, "27-checkin-alerting")
    }

    /**
     * The relay card: the key's fingerprint to compare before trusting it, a relay that is down
     * when the plan starts (NOT holding, try again), then holding. Each answer comes back on the
     * shell's own thread; the test waits for what the screen shows, not for a time.
     */
    @Test
    fun drawTheRelayCard() {
        FakeRelay().use { relay ->
            val d = Driver().start()
            d.firstRun()
            d.phoneCanText()
            d.fillCheckIn()
            d.type("relay-address", relay.address)
            d.tap("relay-set")
            d.awaitWork { d.find("relay-key-prompt") != null }
            assertEquals(relay.fingerprint, d.text("relay-offered-fingerprint"))
            assertNull("nothing trusted yet", d.find("relay-in-use"))
            Screens.shoot(d.activity, "28b-checkin-relay-key")
            d.tap("relay-accept")
            assertTrue(d.text("relay-in-use").contains(relay.address))
            assertTrue(d.text("relay-fingerprint").contains(relay.fingerprint))
            Screens.shoot(d.activity, "28c-checkin-relay-chosen")

            relay.refuseArms = true
            d.tap("checkin-start")
            d.radioAnswers(ok = true)
            d.awaitWork { d.find("relay-retry") != null }
            assertTrue(d.text("relay-status"), d.text("relay-status").startsWith("The relay is NOT holding your plan"))
            Screens.shoot(d.activity, "29-checkin-relay-not-holding")

            relay.refuseArms = false
            d.tap("relay-retry")
            d.awaitWork { d.find("relay-retry") == null && d.find("relay-status") != null && d.text("relay-status").startsWith("The relay holds your plan") }
            assertEquals(2, relay.calls.count { it == "POST /v1/checkins" })
            Screens.shoot(d.activity, "29b-checkin-relay-holding")
        }
    }
}

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34], application = TestApp::class, qualifiers = "w360dp-h780dp-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class LightScreensTest : ScreensTest()

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34], application = TestApp::class, qualifiers = "w360dp-h780dp-night-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class DarkScreensTest : ScreensTest()
