package org.waymark.android

import android.app.Activity
import android.content.Intent
import android.net.Uri
import org.waymark.app.EmergencyCall

/** Hands the emergency number to the phone's own dialler (ACTION_DIAL; the person presses call). */
object EmergencyDialer {
    fun intent(number: String = EmergencyCall.UK_EMERGENCY): Intent =
        Intent(Intent.ACTION_DIAL, Uri.parse(EmergencyCall.dialRequest(number).uri))

    fun open(activity: Activity, number: String = EmergencyCall.UK_EMERGENCY) {
        activity.startActivity(intent(number))
    }
}
