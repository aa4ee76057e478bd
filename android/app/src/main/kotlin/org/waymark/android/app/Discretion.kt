package org.waymark.android.app

import android.app.Activity
import android.os.Build
import android.text.InputType
import android.view.WindowManager
import android.view.inputmethod.EditorInfo
import android.widget.EditText

/** What keeps Waymark's content off screenshots, the app switcher and the keyboard's memory. */
object Discretion {
    /** FLAG_SECURE (no screenshots, no screen recording, blank in recents) and no recents thumbnail. */
    fun secureWindow(activity: Activity) {
        activity.window.setFlags(WindowManager.LayoutParams.FLAG_SECURE, WindowManager.LayoutParams.FLAG_SECURE)
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU) activity.setRecentsScreenshotEnabled(false)
    }

    /**
     * A text field whose content the keyboard must not learn from or suggest: no personalised
     * learning (Gboard and others honour it), no suggestions, no autofill.
     */
    fun privateField(field: EditText, multiLine: Boolean = false) {
        field.inputType = InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_FLAG_NO_SUGGESTIONS or
            InputType.TYPE_TEXT_FLAG_CAP_SENTENCES or
            (if (multiLine) InputType.TYPE_TEXT_FLAG_MULTI_LINE else 0)
        field.imeOptions = field.imeOptions or EditorInfo.IME_FLAG_NO_PERSONALIZED_LEARNING
        field.importantForAutofill = android.view.View.IMPORTANT_FOR_AUTOFILL_NO_EXCLUDE_DESCENDANTS
    }

    /** A phone-number field: digits, no learning. */
    fun privatePhoneField(field: EditText) {
        field.inputType = InputType.TYPE_CLASS_PHONE
        field.imeOptions = field.imeOptions or EditorInfo.IME_FLAG_NO_PERSONALIZED_LEARNING
        field.importantForAutofill = android.view.View.IMPORTANT_FOR_AUTOFILL_NO_EXCLUDE_DESCENDANTS
    }
}
