package org.waymark.android

import android.app.Activity
import android.view.WindowManager

/** Keeps Waymark's screens out of screenshots, screen recording and the recent-apps preview. */
object SecureWindow {
    fun apply(activity: Activity) {
        activity.window.setFlags(WindowManager.LayoutParams.FLAG_SECURE, WindowManager.LayoutParams.FLAG_SECURE)
    }
}
