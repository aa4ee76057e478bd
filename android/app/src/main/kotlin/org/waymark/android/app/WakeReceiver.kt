package org.waymark.android.app

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import org.waymark.app.model.AppEvent

/**
 * Woken by AlarmManager for a check-in deadline or the auto-lock, whether or not the app is
 * running and whether or not the vault is unlocked: the app model reads the armed check-in
 * (no PIN), and what is due goes out now (a text to the buddy, a notification) before the next
 * wake-up is set. The work runs on the app model's worker thread (goAsync keeps the process
 * awake until it is done): if the person is unlocking at that moment, the core is busy for
 * about half a second, and the main thread must not wait for it.
 */
class WakeReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        if (intent.action != WakeScheduler.ACTION_WAKE) return
        val id = intent.getStringExtra(WakeScheduler.EXTRA_ID) ?: return
        val pending = goAsync()
        (context.applicationContext as WaymarkApplication).shell.handleInBackground(AppEvent.WakeFired(id)) { pending.finish() }
    }
}
