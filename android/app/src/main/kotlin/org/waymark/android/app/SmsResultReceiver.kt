package org.waymark.android.app

import android.app.Activity
import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import org.waymark.app.model.AppEvent

/**
 * The radio's answer for each part of a text (SmsManager's "sent" PendingIntent, result code
 * RESULT_OK or an error). Once every part of a text went, or as soon as one failed, the app
 * model hears `SmsSent { id, ok }`, once; it keeps a failed text on screen until it is sent
 * again or by hand.
 */
class SmsResultReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        val event = outcome(intent, resultCode) ?: return
        val pending = goAsync()
        (context.applicationContext as WaymarkApplication).shell.handleInBackground(event) { pending.finish() }
    }

    companion object {
        const val ACTION_SENT = "org.waymark.action.SMS_SENT"
        const val EXTRA_ID = "org.waymark.extra.SMS_ID"
        const val EXTRA_PARTS = "org.waymark.extra.SMS_PARTS"

        /** By text id: parts still to come (removed once the text is decided). */
        private val waiting = HashMap<String, Int>()
        private val decided = HashSet<String>()

        /** The event one part's answer leads to, if the text is now decided. */
        fun outcome(intent: Intent, resultCode: Int): AppEvent? {
            if (intent.action != ACTION_SENT) return null
            val id = intent.getStringExtra(EXTRA_ID) ?: return null
            val parts = intent.getIntExtra(EXTRA_PARTS, 1).coerceAtLeast(1)
            val ok = resultCode == Activity.RESULT_OK
            synchronized(waiting) {
                if (id in decided) return null
                val left = (waiting[id] ?: parts) - 1
                if (ok && left > 0) {
                    waiting[id] = left
                    return null
                }
                waiting.remove(id)
                decided.add(id)
            }
            return AppEvent.SmsSent(id, ok)
        }
    }
}
