package org.waymark.android.app

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import org.waymark.app.model.AppEvent

/**
 * A restart clears every alarm. `Started` makes the app model deliver whatever a running
 * check-in owes by now (from the armed check-in, no PIN) and schedule its next wake-up.
 */
class BootReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        if (intent.action != Intent.ACTION_BOOT_COMPLETED) return
        val pending = goAsync()
        (context.applicationContext as WaymarkApplication).shell.handleInBackground(AppEvent.Started) { pending.finish() }
    }
}
