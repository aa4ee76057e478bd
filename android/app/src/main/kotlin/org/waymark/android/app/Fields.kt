package org.waymark.android.app

import android.util.TypedValue
import android.widget.EditText
import org.waymark.R

/**
 * Text fields survive re-drawing (the screen is redrawn from every view model, once a second
 * while a countdown shows): one EditText per key, kept while its screen shows. All are private
 * fields: no suggestions, no keyboard learning, no autofill.
 */
class Fields(private val ui: Ui) {
    private val fields = HashMap<String, EditText>()

    fun get(key: String, hint: String, kind: Kind = Kind.Text): EditText {
        val field = fields.getOrPut(key) {
            EditText(ui.context).apply {
                tag = "field-$key"
                setTextSize(TypedValue.COMPLEX_UNIT_SP, Ui.BODY_SP)
                setTextColor(ui.color(R.color.on_background))
                setHintTextColor(ui.color(R.color.muted))
                when (kind) {
                    Kind.Text -> Discretion.privateField(this)
                    Kind.Note -> Discretion.privateField(this, multiLine = true)
                    Kind.Phone -> Discretion.privatePhoneField(this)
                }
                // After the input type: a single-line type resets the minimum to one line.
                minHeight = ui.dp(Ui.MIN_TOUCH_DP)
                minimumHeight = ui.dp(Ui.MIN_TOUCH_DP)
            }
        }
        field.hint = hint
        (field.parent as? android.view.ViewGroup)?.removeView(field)
        return field
    }

    fun text(key: String): String = fields[key]?.text?.toString() ?: ""

    /** Forget (and wipe) every field: the screen changed. */
    fun clear() {
        for (f in fields.values) f.text.clear()
        fields.clear()
    }

    enum class Kind { Text, Note, Phone }
}
