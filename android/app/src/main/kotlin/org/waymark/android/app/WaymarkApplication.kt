package org.waymark.android.app

import android.app.Application

/** Process-wide set-up: the notification channel, and no camera file left from a killed process. */
open class WaymarkApplication : Application() {
    override fun onCreate() {
        super.onCreate()
        Notifier.ensureChannel(this)
        VaultFileProvider.sweepCaptures(this)
    }
}
