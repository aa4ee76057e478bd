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
import org.robolectric.shadows.ShadowAlarmManager
import org.robolectric.shadows.ShadowSubscriptionManager
import org.waymark.app.model.Screen
import java.io.File
import java.time.Duration
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit

/**
 * A check-in running while the vault is locked and the app is asleep: the alarm the app set
 * wakes WakeReceiver, which reads the armed check-in without the PIN and texts the buddy, once.
 * The check-in is started with the `waymark` command on the same vault (the app model has no
 * check-in screen yet); everything after that is the app's.
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34], application = TestApp::class)
class CheckInAlarmTest {
    private fun cli(vault: File, vararg args: String) {
        val exe = System.getProperty("waymark.cli") ?: error("waymark.cli not set")
        val p = ProcessBuilder(listOf(exe, "--vault", vault.path, "--pin-stdin") + args).redirectErrorStream(true).start()
        p.outputStream.use { it.write("$PIN\n".toByteArray()) }
        val out = p.inputStream.bufferedReader().readText()
        assertTrue("waymark timed out", p.waitFor(60, TimeUnit.SECONDS))
        assertEquals("waymark ${args.joinToString(" ")}: $out", 0, p.exitValue())
    }

    @Test
    fun aMissedCheckInTextsTheBuddyOnceFromALockedPhone() {
        val d = Driver().start()
        val app = d.app
        shadowOf(app as Application).grantPermissions(android.Manifest.permission.SEND_SMS)
        shadowOf(app.packageManager).setSystemFeature(PackageManager.FEATURE_TELEPHONY, true)
        shadowOf(app.packageManager).setSystemFeature(PackageManager.FEATURE_TELEPHONY_MESSAGING, true)
        ShadowSubscriptionManager.setDefaultSmsSubscriptionId(1)
        ShadowAlarmManager.setCanScheduleExactAlarms(true)

        d.firstRun() // Sam, 07700 900123, is the buddy
        d.tap("lock-now")
        assertTrue(d.screen() is Screen.Lock)
        cli(app.vaultDir(), "checkin", "start", "--to", "the gym", "--expect", "45m", "--grace", "15", "--buddy", "Sam")

        // The app comes back to the front, still locked: the armed check-in sets the wake-up.
        d.controller.pause().stop()
        d.controller.start().resume()
        d.settle()
        assertTrue("still locked", d.screen() is Screen.Lock)
        val alarms = shadowOf(app.getSystemService(AlarmManager::class.java))
        val alarm = alarms.scheduledAlarms.firstOrNull { shadowOf(it.operation).savedIntent.getStringExtra(WakeScheduler.EXTRA_ID) == "checkin" }
        assertNotNull("a wake-up for the check-in: ${alarms.scheduledAlarms.size} alarms", alarm)
        assertTrue(alarm!!.isAllowWhileIdle)
        assertEquals(AlarmManager.RTC_WAKEUP, alarm.type)

        // The app goes away; an hour and a bit later the alarm fires.
        d.controller.pause().stop().destroy()
        val sms = app.getSystemService(android.telephony.SmsManager::class.java).createForSubscriptionId(1)
        shadowOf(sms).clearLastSentTextMessageParams()
        shadowOf(sms).clearLastSentMultipartTextMessageParams()
        app.clock.advance(Duration.ofMinutes(45 + 15 + 1))
        // The system delivers the alarm's broadcast while the app model's worker is busy (say,
        // an unlock stretching the PIN): the receiver returns at once and the text goes out
        // when the worker is free, not on the main thread.
        val busy = CountDownLatch(1)
        app.shell.worker.execute { busy.await() }
        alarm.operation!!.send()
        shadowOf(Looper.getMainLooper()).idle()
        assertNull("nothing sent while the core is busy", shadowOf(sms).lastSentTextMessageParams)
        assertNull(shadowOf(sms).lastSentMultipartTextMessageParams)
        busy.countDown()
        d.settle()
        val sent = shadowOf(sms).lastSentTextMessageParams?.let { it.destinationAddress to it.text }
            ?: shadowOf(sms).lastSentMultipartTextMessageParams?.let { it.destinationAddress to it.parts.joinToString("") }
        assertNotNull("the buddy was texted", sent)
        // The core hands over the buddy's number in international form (+44 7700 900123).
        assertEquals("447700900123", sent!!.first.filter { it.isDigit() })
        println("alert text: ${sent.second}")

        // The same wake-up delivered again (the system may): nothing more is sent.
        shadowOf(sms).clearLastSentTextMessageParams()
        shadowOf(sms).clearLastSentMultipartTextMessageParams()
        alarm.operation!!.send()
        d.settle()
        assertNull(shadowOf(sms).lastSentTextMessageParams)
        assertNull(shadowOf(sms).lastSentMultipartTextMessageParams)
    }
}
