package org.waymark.android.app

import android.widget.LinearLayout
import org.waymark.app.model.AppEvent
import org.waymark.app.model.DisguiseChoice

/** The names and icons the app can wear (set-up and settings): one button each, the chosen one filled. */
object DisguiseChoices {
    fun add(ui: Ui, col: LinearLayout, choices: List<DisguiseChoice>, note: String, send: (AppEvent) -> Unit) {
        for (c in choices) {
            col.addView(ui.button(c.label, if (c.selected) Ui.Style.Primary else Ui.Style.Secondary) { send(AppEvent.ChooseDisguise(c.kind)) }.apply {
                tag = "disguise-${c.kind.name.lowercase()}"
                isSelected = c.selected
            }, ui.spaced(4))
        }
        if (note.isNotEmpty()) col.addView(ui.text(note, Ui.SMALL_SP), ui.spaced(8))
    }
}
