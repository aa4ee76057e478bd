package org.waymark.android.app

import android.app.AlarmManager
import android.app.PendingIntent
import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import android.net.Uri
import android.os.Build

/**
 * Carries out `ScheduleNotification`: an exact alarm (as for wake-ups, allowed in Doze) that
 * wakes [NoticeReceiver] at the time, which posts the app model's words through [Notifier].
 * One alarm per notice id: a newer time replaces it; `ClearNotification` cancels it and removes
 * the notice if it already shows.
 */
object NoticeScheduler {
    const val ACTION_NOTICE = "org.waymark.action.NOTICE"
    const val EXTRA_ID = "org.waymark.extra.NOTICE_ID"
    const val EXTRA_TITLE = "org.waymark.extra.NOTICE_TITLE"
    const val EXTRA_BODY = "org.waymark.extra.NOTICE_BODY"

    private fun intent(context: Context, id: String): Intent =
        Intent(ACTION_NOTICE)
            .setClassName(context.packageName, NoticeReceiver::class.java.name)
            .setData(Uri.fromParts("waymark-notice", id, null))
            .putExtra(EXTRA_ID, id)

    fun schedule(context: Context, id: String, atMillis: Long, title: String, body: String) {
        val alarms = context.getSystemService(AlarmManager::class.java) ?: return
        val operation = PendingIntent.getBroadcast(
            context, 0,
            intent(context, id).putExtra(EXTRA_TITLE, title).putExtra(EXTRA_BODY, body),
            PendingIntent.FLAG_IMMUTABLE or PendingIntent.FLAG_UPDATE_CURRENT,
        )
        if (Build.VERSION.SDK_INT < Build.VERSION_CODES.S || alarms.canScheduleExactAlarms()) {
            alarms.setExactAndAllowWhileIdle(AlarmManager.RTC_WAKEUP, atMillis, operation)
        } else {
            alarms.setAndAllowWhileIdle(AlarmManager.RTC_WAKEUP, atMillis, operation)
        }
    }

    fun clear(context: Context, id: String) {
        PendingIntent.getBroadcast(context, 0, intent(context, id), PendingIntent.FLAG_IMMUTABLE or PendingIntent.FLAG_NO_CREATE)?.let {
            context.getSystemService(AlarmManager::class.java)?.cancel(it)
            it.cancel()
        }
        Notifier.clear(context, id)
    }
}

/** Posts a notice scheduled with [NoticeScheduler] (the words came from the app model). */
class NoticeReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        if (intent.action != NoticeScheduler.ACTION_NOTICE) return
        val id = intent.getStringExtra(NoticeScheduler.EXTRA_ID) ?: return
        val title = intent.getStringExtra(NoticeScheduler.EXTRA_TITLE) ?: return
        val body = intent.getStringExtra(NoticeScheduler.EXTRA_BODY) ?: return
        Notifier.show(context, id, title, body)
    }
}
