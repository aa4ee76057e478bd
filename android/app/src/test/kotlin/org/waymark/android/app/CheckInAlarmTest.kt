package org.waymark.android.app

import android.app.AlarmManager
import android.app.Application
import android.content.pm.PackageManager
import android.os.Looper
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode
import org.robolectric.shadows.ShadowAlarmManager
import org.robolectric.shadows.ShadowSubscriptionManager
import org.waymark.app.model.Screen
import java.time.Duration
import java.util.concurrent.CountDownLatch

/** The phone as a check-in needs it: texts allowed, a default SIM, exact alarms allowed. */
fun Driver.phoneCanText(): Driver {
    val app = app
    shadowOf(app as Application).grantPermissions(android.Manifest.permission.SEND_SMS)
    shadowOf(app.packageManager).setSystemFeature(PackageManager.FEATURE_TELEPHONY, true)
    shadowOf(app.packageManager).setSystemFeature(PackageManager.FEATURE_TELEPHONY_MESSAGING, true)
    ShadowSubscriptionManager.setDefaultSmsSubscriptionId(1)
    ShadowAlarmManager.setCanScheduleExactAlarms(true)
    return this
}

/** The SIM's SmsManager as Robolectric records it: the last text sent, whole. */
fun Driver.lastText(): Pair<String, String>? {
    val sms = shadowOf(app.getSystemService(android.telephony.SmsManager::class.java).createForSubscriptionId(1))
    return sms.lastSentTextMessageParams?.let { it.destinationAddress to it.text }
        ?: sms.lastSentMultipartTextMessageParams?.let { it.destinationAddress to it.parts.joinToString("") }
}

fun Driver.forgetTexts() {
    val sms = shadowOf(app.getSystemService(android.telephony.SmsManager::class.java).createForSubscriptionId(1))
    sms.clearLastSentTextMessageParams()
    sms.clearLastSentMultipartTextMessageParams()
}

/** From home: the check-in screen, where (typed), 45 minutes, 15 of grace; returns the preview. */
fun Driver.fillCheckIn(where: String = "the gym", shoot: Boolean = false): String {
    tap("nav-check_in")
    if (shoot) Screens.shoot(activity, "20-checkin-form-empty")
    type("checkin-destination", where)
    settle()
    tap("minutes-45")
    tap("grace-15")
    if (shoot) Screens.shoot(activity, "21-checkin-form")
    return text("preview")
}

/**
 * A check-in started from the app's own check-in screen; its deadline alarm set; the vault
 * locked and the app gone; the alarm fires while the core is busy, and the buddy is texted
 * exactly once, from the armed check-in (no PIN).
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34], application = TestApp::class, qualifiers = "w360dp-h780dp-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class CheckInAlarmTest {
    @Test
    fun aCheckInFromTheAppTextsTheBuddyOnceWhenMissedWhileLocked() {
        val d = Driver().start().phoneCanText()
        val app = d.app
        d.firstRun() // Sam, 07700 900123, is the buddy
        val preview = d.fillCheckIn()
        d.forgetTexts()
        d.tap("checkin-start")
        // The plan goes to the buddy word for word as the form showed it.
        val plan = d.lastText()
        assertNotNull("the plan was texted", plan)
        assertEquals("447700900123", plan!!.first.filter { it.isDigit() })
        assertEquals(preview, plan.second)
        val screen = d.screen() as Screen.CheckIn
        assertNotNull("the running check-in shows", screen.checkin.running)
        assertNotNull(d.find("checkin-safe"))

        val alarms = shadowOf(app.getSystemService(AlarmManager::class.java))
        fun checkinAlarm() = alarms.scheduledAlarms.firstOrNull { shadowOf(it.operation).savedIntent.getStringExtra(WakeScheduler.EXTRA_ID) == "checkin" }
        val alarm = checkinAlarm()
        assertNotNull("a wake-up for the check-in: ${alarms.scheduledAlarms.size} alarms", alarm)
        assertTrue(alarm!!.isAllowWhileIdle)
        assertEquals(AlarmManager.RTC_WAKEUP, alarm.type)

        // Locked, and the app goes away.
        d.tap("back")
        d.tap("lock-now")
        assertTrue(d.screen() is Screen.Lock)
        d.controller.pause().stop().destroy()
        d.settle()
        d.forgetTexts()

        // Past the deadline and the grace: whatever alarm is set now fires (the reminder's,
        // then the deadline's), each delivered by the system while the core is busy (say, an
        // unlock stretching the PIN): the receiver returns at once; the text goes out when the
        // core is free, not on the main thread.
        app.clock.advance(Duration.ofMinutes(45 + 15 + 1))
        val busy = CountDownLatch(1)
        app.shell.worker.execute { busy.await() }
        checkinAlarm()!!.operation!!.send()
        shadowOf(Looper.getMainLooper()).idle()
        assertNull("nothing sent while the core is busy", d.lastText())
        busy.countDown()
        d.settle()
        val sent = d.lastText()
        assertNotNull("the buddy was texted", sent)
        assertEquals("447700900123", sent!!.first.filter { it.isDigit() })
        assertTrue("the alert names where: ${sent.second}", sent.second.contains("the gym"))
        println("alert text: ${sent.second}")

        // The same wake-up delivered again (the system may): nothing more is sent.
        d.forgetTexts()
        repeat(2) {
            (checkinAlarm() ?: alarm).operation!!.send()
            d.settle()
        }
        assertNull("texted once only", d.lastText())
    }
}
