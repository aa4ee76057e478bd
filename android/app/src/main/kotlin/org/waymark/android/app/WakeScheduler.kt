package org.waymark.android.app

import android.app.AlarmManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.net.Uri
import android.os.Build

/**
 * Carries out the app model's `ScheduleWake` / `CancelWake`: an exact alarm that wakes
 * [WakeReceiver] even in Doze and when the app is not running. One alarm per wake id; a new
 * wake with the same id replaces the old one (same PendingIntent identity: the id is its data).
 */
object WakeScheduler {
    const val ACTION_WAKE = "org.waymark.action.WAKE"
    const val EXTRA_ID = "org.waymark.extra.WAKE_ID"
    const val RECEIVER = "org.waymark.android.app.WakeReceiver"

    private fun intent(context: Context, id: String): Intent =
        Intent(ACTION_WAKE)
            .setClassName(context.packageName, RECEIVER)
            .setAction(ACTION_WAKE)
            .setData(Uri.fromParts("waymark-wake", id, null))
            .putExtra(EXTRA_ID, id)

    private fun pending(context: Context, id: String, create: Boolean): PendingIntent? {
        val flags = PendingIntent.FLAG_IMMUTABLE or
            if (create) PendingIntent.FLAG_UPDATE_CURRENT else PendingIntent.FLAG_NO_CREATE
        return PendingIntent.getBroadcast(context, 0, intent(context, id), flags)
    }

    /**
     * Returns false when only an inexact alarm could be set (Android 12+ lets the person refuse
     * exact alarms; the wake still comes, within minutes).
     */
    fun schedule(context: Context, id: String, atMillis: Long): Boolean {
        val alarms = context.getSystemService(AlarmManager::class.java) ?: return false
        val operation = pending(context, id, create = true) ?: return false
        val exact = Build.VERSION.SDK_INT < Build.VERSION_CODES.S || alarms.canScheduleExactAlarms()
        if (exact) {
            alarms.setExactAndAllowWhileIdle(AlarmManager.RTC_WAKEUP, atMillis, operation)
        } else {
            alarms.setAndAllowWhileIdle(AlarmManager.RTC_WAKEUP, atMillis, operation)
        }
        return exact
    }

    fun cancel(context: Context, id: String) {
        val operation = pending(context, id, create = false) ?: return
        context.getSystemService(AlarmManager::class.java)?.cancel(operation)
        operation.cancel()
    }
}
