package org.waymark.android.app

import android.app.Activity
import android.os.Bundle
import android.widget.FrameLayout

/** The one Activity: the screens are drawn here from the app model's view model (coming). */
class MainActivity : Activity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        Discretion.secureWindow(this)
        super.onCreate(savedInstanceState)
        setContentView(FrameLayout(this))
    }
}
