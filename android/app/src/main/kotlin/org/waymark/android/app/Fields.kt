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
    private val watchers = HashMap<String, android.text.TextWatcher>()

    /** [onChange] (set when the field is made) reports each edit, for views that update as typed. */
    fun get(key: String, hint: String, kind: Kind = Kind.Text, onChange: ((String) -> Unit)? = null): EditText {
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
                    Kind.Url -> {
                        Discretion.privateField(this)
                        inputType = android.text.InputType.TYPE_CLASS_TEXT or android.text.InputType.TYPE_TEXT_VARIATION_URI or
                            android.text.InputType.TYPE_TEXT_FLAG_NO_SUGGESTIONS
                    }
                    Kind.Number -> {
                        Discretion.privatePhoneField(this)
                        inputType = android.text.InputType.TYPE_CLASS_NUMBER or android.text.InputType.TYPE_NUMBER_FLAG_DECIMAL or
                            android.text.InputType.TYPE_NUMBER_FLAG_SIGNED
                    }
                }
                // After the input type: a single-line type resets the minimum to one line.
                minHeight = ui.dp(Ui.MIN_TOUCH_DP)
                minimumHeight = ui.dp(Ui.MIN_TOUCH_DP)
                if (onChange != null) {
                    val watcher = object : android.text.TextWatcher {
                        override fun beforeTextChanged(s: CharSequence?, start: Int, count: Int, after: Int) {}
                        override fun onTextChanged(s: CharSequence?, start: Int, before: Int, count: Int) {}
                        override fun afterTextChanged(s: android.text.Editable?) = onChange(s?.toString() ?: "")
                    }
                    addTextChangedListener(watcher)
                    watchers[key] = watcher
                }
            }
        }
        field.hint = hint
        (field.parent as? android.view.ViewGroup)?.removeView(field)
        return field
    }

    fun text(key: String): String = fields[key]?.text?.toString() ?: ""

    /** Empties one field (its text was handed to the app model). */
    fun wipe(key: String) {
        fields[key]?.text?.clear()
    }

    /** Forget (and wipe) every field: the screen changed. */
    fun clear() {
        // Wiping is not editing: the app model is not told.
        for ((key, w) in watchers) fields[key]?.removeTextChangedListener(w)
        watchers.clear()
        for (f in fields.values) f.text.clear()
        fields.clear()
    }

    enum class Kind { Text, Note, Phone, Number, Url }
}
