package org.waymark.android.app

import android.app.AlarmManager
import android.app.Application
import android.app.Notification
import android.app.NotificationManager
import android.content.Context
import android.os.ParcelFileDescriptor
import android.provider.OpenableColumns
import org.robolectric.RuntimeEnvironment
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import java.io.File
import java.io.FileNotFoundException

/** The phone-side effects, each against Robolectric's framework: alarms, texts, notifications, files. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34])
class EffectsTest {
    private val context: Context = RuntimeEnvironment.getApplication()

    @Test
    fun aWakeIsAnExactAlarmThatWorksInDozeAndIsReplacedByItsId() {
        // Android 14 asks the person to allow exact alarms; here they did.
        org.robolectric.shadows.ShadowAlarmManager.setCanScheduleExactAlarms(true)
        val alarms = context.getSystemService(AlarmManager::class.java)
        val shadow = shadowOf(alarms)
        val at = System.currentTimeMillis() + 45 * 60_000L
        assertTrue(WakeScheduler.schedule(context, "checkin-1:due", at))
        val alarm = shadow.scheduledAlarms.single()
        assertEquals(AlarmManager.RTC_WAKEUP, alarm.type)
        assertEquals(at, alarm.triggerAtMs)
        assertTrue("allowed while idle", alarm.isAllowWhileIdle)
        assertNull("exact, no window", alarm.windowLengthMs.takeIf { it > 0 })

        // Same id: replaced, not doubled. Another id: a second alarm.
        WakeScheduler.schedule(context, "checkin-1:due", at + 60_000)
        assertEquals(1, shadow.scheduledAlarms.size)
        assertEquals(at + 60_000, shadow.scheduledAlarms.single().triggerAtMs)
        WakeScheduler.schedule(context, "checkin-1:remind", at - 600_000)
        assertEquals(2, shadow.scheduledAlarms.size)

        // The alarm wakes the receiver with the id.
        val fired = shadowOf(alarm.operation).savedIntent
        assertEquals(WakeScheduler.ACTION_WAKE, fired.action)
        assertEquals("org.waymark.android.app.WakeReceiver", fired.component?.className)

        WakeScheduler.cancel(context, "checkin-1:due")
        assertEquals(listOf(at - 600_000), shadow.scheduledAlarms.map { it.triggerAtMs })
        WakeScheduler.cancel(context, "never-scheduled")
        assertEquals(1, shadow.scheduledAlarms.size)
    }

    @Test
    fun whenExactAlarmsAreRefusedTheWakeStillComesInexactly() {
        val alarms = context.getSystemService(AlarmManager::class.java)
        org.robolectric.shadows.ShadowAlarmManager.setCanScheduleExactAlarms(false)
        try {
            assertFalse(WakeScheduler.schedule(context, "w", System.currentTimeMillis() + 60_000))
            val alarm = shadowOf(alarms).scheduledAlarms.single()
            assertTrue(alarm.isAllowWhileIdle)
        } finally {
            org.robolectric.shadows.ShadowAlarmManager.setCanScheduleExactAlarms(true)
        }
    }

    @Test
    fun aTextToABuddyGoesOutExactlyOncePerEffectId() {
        shadowOf(context as Application).grantPermissions(android.Manifest.permission.SEND_SMS)
        // A phone (Robolectric's default device has no telephony).
        shadowOf(context.packageManager).setSystemFeature(android.content.pm.PackageManager.FEATURE_TELEPHONY, true)
        shadowOf(context.packageManager).setSystemFeature(android.content.pm.PackageManager.FEATURE_TELEPHONY_MESSAGING, true)
        org.robolectric.shadows.ShadowSubscriptionManager.setDefaultSmsSubscriptionId(1)
        val sms = context.getSystemService(android.telephony.SmsManager::class.java).createForSubscriptionId(1)
        val sender = SmsSender(context)
        assertEquals(SmsSender.Outcome.Handed, sender.send("alert-1", "07700900123", "Sam: I have not checked in."))
        val sent = shadowOf(sms).lastSentTextMessageParams
        assertEquals("07700900123", sent.destinationAddress)
        assertEquals("Sam: I have not checked in.", sent.text)

        shadowOf(sms).clearLastSentTextMessageParams()
        // Asked again for the same id (a wake-up delivered twice, another process): nothing sent.
        assertEquals(SmsSender.Outcome.AlreadySent, SmsSender(context).send("alert-1", "07700900123", "Sam: I have not checked in."))
        assertNull(shadowOf(sms).lastSentTextMessageParams)

        // A long text goes as several parts.
        val long = "x".repeat(400)
        assertEquals(SmsSender.Outcome.Handed, sender.send("plan-2", "07700900123", long))
        val parts = shadowOf(sms).lastSentMultipartTextMessageParams
        assertTrue(parts.parts.size >= 3)
        assertEquals(long, parts.parts.joinToString(""))
    }

    /**
     * `SmsSent { ok }` is the radio's answer, not "handed over": each part of a text carries a
     * "sent" PendingIntent to SmsResultReceiver, and the text is reported once, when every part
     * went or as soon as one failed.
     */
    @Test
    fun aTextIsReportedOnceWithTheRadiosAnswerForEveryPart() {
        shadowOf(context as Application).grantPermissions(android.Manifest.permission.SEND_SMS)
        shadowOf(context.packageManager).setSystemFeature(android.content.pm.PackageManager.FEATURE_TELEPHONY, true)
        shadowOf(context.packageManager).setSystemFeature(android.content.pm.PackageManager.FEATURE_TELEPHONY_MESSAGING, true)
        org.robolectric.shadows.ShadowSubscriptionManager.setDefaultSmsSubscriptionId(1)
        val sms = shadowOf(context.getSystemService(android.telephony.SmsManager::class.java).createForSubscriptionId(1))
        val sender = SmsSender(context)
        val ok = android.app.Activity.RESULT_OK
        val failed = android.telephony.SmsManager.RESULT_ERROR_GENERIC_FAILURE

        assertEquals(SmsSender.Outcome.Handed, sender.send("one", "07700900123", "short"))
        val one = shadowOf(sms.lastSentTextMessageParams.sentIntent).savedIntent
        assertEquals("org.waymark.android.app.SmsResultReceiver", one.component?.className)
        assertEquals(org.waymark.app.model.AppEvent.SmsSent("one", true), SmsResultReceiver.outcome(one, ok))
        assertNull("reported once", SmsResultReceiver.outcome(one, ok))

        // Three parts: reported when the last one went.
        assertEquals(SmsSender.Outcome.Handed, sender.send("three", "07700900123", "y".repeat(400)))
        val parts = sms.lastSentMultipartTextMessageParams.sentIntents.map { shadowOf(it).savedIntent }
        assertEquals(sms.lastSentMultipartTextMessageParams.parts.size, parts.size)
        assertEquals("one PendingIntent per part", parts.size, parts.map { it.data }.toSet().size)
        for (p in parts.dropLast(1)) assertNull(SmsResultReceiver.outcome(p, ok))
        assertEquals(org.waymark.app.model.AppEvent.SmsSent("three", true), SmsResultReceiver.outcome(parts.last(), ok))

        // One part refused by the radio: reported failed at once, later parts change nothing.
        sender.send("bad", "07700900123", "z".repeat(400))
        val bad = sms.lastSentMultipartTextMessageParams.sentIntents.map { shadowOf(it).savedIntent }
        assertEquals(org.waymark.app.model.AppEvent.SmsSent("bad", false), SmsResultReceiver.outcome(bad[0], failed))
        for (p in bad.drop(1)) assertNull(SmsResultReceiver.outcome(p, ok))
    }

    /**
     * `ScheduleNotification`: an exact alarm that posts the app model's words at the time,
     * replaced by its id; `ClearNotification` cancels it and removes a shown one.
     */
    @Test
    fun aScheduledNoticeIsPostedByItsAlarmAndClearedByItsId() {
        org.robolectric.shadows.ShadowAlarmManager.setCanScheduleExactAlarms(true)
        shadowOf(context as Application).grantPermissions(android.Manifest.permission.POST_NOTIFICATIONS)
        val alarms = shadowOf(context.getSystemService(AlarmManager::class.java))
        val manager = shadowOf(context.getSystemService(NotificationManager::class.java))
        val at = System.currentTimeMillis() + 20 * 60_000L
        NoticeScheduler.schedule(context, "checkin.due", at, "Reminder", "Time to check in.")
        NoticeScheduler.schedule(context, "checkin.due", at + 15 * 60_000L, "Reminder", "Time to check in.")
        NoticeScheduler.schedule(context, "checkin.soon", at - 10 * 60_000L, "Reminder", "Time to check in soon.")
        assertEquals(listOf(at - 600_000L, at + 900_000L), alarms.scheduledAlarms.map { it.triggerAtMs }.sorted())
        assertTrue(alarms.scheduledAlarms.all { it.isAllowWhileIdle && it.type == AlarmManager.RTC_WAKEUP })
        assertTrue("nothing shows before its time", manager.allNotifications.isEmpty())

        // The alarm goes off: the receiver posts exactly the words it was given.
        val due = alarms.scheduledAlarms.first { it.triggerAtMs == at + 900_000L }
        NoticeReceiver().onReceive(context, shadowOf(due.operation).savedIntent)
        val shown = manager.allNotifications.single()
        assertEquals("Reminder", shown.extras.getCharSequence(Notification.EXTRA_TITLE))
        assertEquals("Time to check in.", shown.extras.getCharSequence(Notification.EXTRA_TEXT))
        assertEquals(Notification.VISIBILITY_PRIVATE, shown.visibility)

        // Checked in: both go, the shown one and the one still to come.
        NoticeScheduler.clear(context, "checkin.due")
        NoticeScheduler.clear(context, "checkin.soon")
        assertTrue(manager.allNotifications.isEmpty())
        assertTrue(alarms.scheduledAlarms.isEmpty())
    }

    /** `SetDisguise`: exactly one launcher entry is enabled, the chosen one. */
    @Test
    fun theDisguiseLeavesExactlyOneLauncherEntry() {
        val pm = context.packageManager
        fun state(kind: org.waymark.app.model.Disguise) =
            pm.getComponentEnabledSetting(android.content.ComponentName(context.packageName, DisguiseSwitcher.ALIASES.getValue(kind)))
        assertEquals("every disguise has its alias", org.waymark.app.model.Disguise.entries.toSet(), DisguiseSwitcher.ALIASES.keys)
        assertEquals(org.waymark.app.model.Disguise.PLAIN, DisguiseSwitcher.current(context))
        for (kind in listOf(org.waymark.app.model.Disguise.WEATHER, org.waymark.app.model.Disguise.CALCULATOR, org.waymark.app.model.Disguise.PLAIN)) {
            PhoneEffects(context).carryOut(listOf(org.waymark.app.model.Effect.SetDisguise(kind)))
            assertEquals(kind, DisguiseSwitcher.current(context))
            for (other in DisguiseSwitcher.ALIASES.keys) {
                val want = if (other == kind) android.content.pm.PackageManager.COMPONENT_ENABLED_STATE_ENABLED
                else android.content.pm.PackageManager.COMPONENT_ENABLED_STATE_DISABLED
                assertEquals("$other after $kind", want, state(other))
            }
        }
    }

    @Test
    fun notificationsHideTheirTextOnTheLockScreen() {
        shadowOf(context as Application).grantPermissions(android.Manifest.permission.POST_NOTIFICATIONS)
        Notifier.show(context, "checkin", "Check in soon", "Your check-in is due in 10 minutes.")
        val manager = context.getSystemService(NotificationManager::class.java)
        val shown = shadowOf(manager).allNotifications.single()
        assertEquals(Notification.VISIBILITY_PRIVATE, shown.visibility)
        val public = shown.publicVersion
        assertNotNull(public)
        assertNull(public!!.extras.getCharSequence(Notification.EXTRA_TEXT))
        assertEquals(Notification.VISIBILITY_PRIVATE, manager.getNotificationChannel(Notifier.CHANNEL).lockscreenVisibility)
        Notifier.clear(context, "checkin")
        assertTrue(shadowOf(manager).allNotifications.isEmpty())
    }

    @Test
    fun theFileProviderHandsOutOnlyItsOwnTwoFolders() {
        val resolver = context.contentResolver
        val provider = org.robolectric.Robolectric.setupContentProvider(VaultFileProvider::class.java, VaultFileProvider.AUTHORITY)
        assertNotNull(provider)

        // The camera writes into a file the app made for it.
        val (file, uri) = VaultFileProvider.newCapture(context)
        resolver.openOutputStream(uri)!!.use { it.write(byteArrayOf(1, 2, 3)) }
        assertEquals(3L, file.length())
        assertEquals("image/jpeg", resolver.getType(uri))
        val (video, videoUri) = VaultFileProvider.newCapture(context, "mp4")
        assertEquals("video/mp4", resolver.getType(videoUri))
        video.delete()

        // Shares are read-only, and only for files directly in share/.
        val share = File(VaultFileProvider.shareDir(context).apply { mkdirs() }, "report.pdf").apply { writeText("%PDF") }
        val shareUri = VaultFileProvider.shareUri(context, share)!!
        assertEquals("application/pdf", resolver.getType(shareUri))
        resolver.query(shareUri, null, null, null, null)!!.use {
            assertTrue(it.moveToFirst())
            assertEquals("report.pdf", it.getString(it.getColumnIndexOrThrow(OpenableColumns.DISPLAY_NAME)))
            assertEquals(4L, it.getLong(it.getColumnIndexOrThrow(OpenableColumns.SIZE)))
        }
        assertNull(VaultFileProvider.shareUri(context, File(context.filesDir, "vault/vault.keys")))
        try {
            provider.openFile(shareUri, "w")
            throw AssertionError("a share was writable")
        } catch (expected: SecurityException) {
        }

        // Nothing outside the two folders, however the URI is spelt.
        for (bad in listOf("share/..%2Fvault.keys", "capture/.hidden", "other/x", "share", "share/a/b")) {
            val u = android.net.Uri.parse("content://${VaultFileProvider.AUTHORITY}/$bad")
            try {
                provider.openFile(u, "r")?.close()
                throw AssertionError("opened $bad")
            } catch (expected: FileNotFoundException) {
            }
        }

        // A capture left by a killed process is swept at the next start.
        assertEquals(1, VaultFileProvider.sweepCaptures(context))
        assertFalse(file.exists())
    }
}
