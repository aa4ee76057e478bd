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

/**
 * The radio's answer to the last text handed to SmsManager: each part's "sent" PendingIntent
 * (as SmsResultReceiver gets it) with RESULT_OK or a failure; the outcome goes to the app model.
 */
fun Driver.radioAnswers(ok: Boolean) {
    val sms = shadowOf(app.getSystemService(android.telephony.SmsManager::class.java).createForSubscriptionId(1))
    val intents = sms.lastSentTextMessageParams?.sentIntent?.let { listOf(it) }
        ?: sms.lastSentMultipartTextMessageParams!!.sentIntents
    val code = if (ok) android.app.Activity.RESULT_OK else android.telephony.SmsManager.RESULT_ERROR_GENERIC_FAILURE
    for (pi in intents) SmsResultReceiver.outcome(shadowOf(pi).savedIntent, code)?.let { app.shell.send(it) }
    settle()
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

    /**
     * The person refuses to let the app send texts when the check-in starts (the phone asks
     * then, with the app model's reason beside it): the plan opens in the messages app instead,
     * the screen says texts will not go by themselves, and a missed check-in's alert, due while
     * the app is in the background, waits for the app to come to the front (Android lets no
     * app in the background open another) and then opens in the messages app.
     */
    @Test
    fun refusedTextingOpensTheMessagesAppAndAMissedAlertWaitsForTheScreen() {
        val d = Driver().start()
        val app = d.app
        shadowOf(app.packageManager).setSystemFeature(PackageManager.FEATURE_TELEPHONY, true)
        shadowOf(app.packageManager).setSystemFeature(PackageManager.FEATURE_TELEPHONY_MESSAGING, true)
        ShadowAlarmManager.setCanScheduleExactAlarms(true)
        d.firstRun()
        val preview = d.fillCheckIn()
        d.forgetTexts()
        d.tap("checkin-start")
        val asked = shadowOf(d.activity).lastRequestedPermission
        assertNotNull("the phone asks", asked)
        assertEquals(listOf(android.Manifest.permission.SEND_SMS), asked.requestedPermissions.toList())
        // The reason, in the app model's words (app/src/strings/en.rs checkin_sms_reason).
        assertEquals(
            "To text your buddy your plan now, and to alert them by itself if you do not check in in time.",
            org.robolectric.shadows.ShadowToast.getTextOfLatestToast(),
        )
        assertNull("not started before the answer", (d.screen() as Screen.CheckIn).checkin.running)

        d.activity.onRequestPermissionsResult(asked.requestCode, asked.requestedPermissions, intArrayOf(PackageManager.PERMISSION_DENIED))
        d.settle()
        val opened = generateSequence { shadowOf(d.activity).nextStartedActivity }.toList()
        val plan = opened.single { it.action == android.content.Intent.ACTION_SENDTO }
        assertEquals("+447700900123", plan.data!!.schemeSpecificPart)
        assertEquals(preview, plan.getStringExtra("sms_body"))
        assertNull("nothing went through SmsManager", d.lastText())
        assertNotNull("started all the same", (d.screen() as Screen.CheckIn).checkin.running)
        // Said on the running check-in (app/src/strings/en.rs checkin_sms_refused).
        assertTrue(d.text("sms-note").startsWith("Texts cannot be sent for you"))
        Screens.shoot(d.activity, "28-checkin-texts-refused")

        // Missed while the app is in the background and locked.
        d.tap("back")
        d.tap("lock-now")
        d.controller.pause().stop()
        d.settle()
        val alarms = shadowOf(app.getSystemService(AlarmManager::class.java))
        val alarm = alarms.scheduledAlarms.first { shadowOf(it.operation).savedIntent.getStringExtra(WakeScheduler.EXTRA_ID) == "checkin" }
        app.clock.advance(Duration.ofMinutes(45 + 15 + 1))
        alarm.operation!!.send()
        d.settle()
        assertTrue(
            "no app is opened from the background",
            generateSequence { shadowOf(d.activity).nextStartedActivity }.none { it.action == android.content.Intent.ACTION_SENDTO },
        )
        // Back in front: the alert opens in the messages app, once.
        d.controller.start().resume()
        d.settle()
        val alerts = generateSequence { shadowOf(d.activity).nextStartedActivity }.filter { it.action == android.content.Intent.ACTION_SENDTO }.toList()
        assertEquals(1, alerts.size)
        assertTrue(alerts[0].getStringExtra("sms_body")!!.contains("the gym"))
        assertNull(d.lastText())
    }
}
