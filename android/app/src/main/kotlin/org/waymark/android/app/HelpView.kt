package org.waymark.android.app

import android.view.View
import org.waymark.app.model.AppEvent
import org.waymark.app.model.HelpScreen

/** Help numbers: usable without unlocking. Each "Call" goes to the phone's dialler. */
object HelpView {
    fun draw(ui: Ui, help: HelpScreen, send: (AppEvent) -> Unit): View {
        val col = ui.column(padding = 16, spacing = 12)
        for (n in help.numbers) {
            val card = ui.card(
                ui.text(n.name, Ui.SUBHEADING_SP, bold = true),
                ui.text(n.number, Ui.BODY_SP),
            )
            if (n.whatFor.isNotEmpty()) card.addView(ui.muted(n.whatFor), ui.spaced(2))
            if (n.hours.isNotEmpty()) card.addView(ui.muted(n.hours), ui.spaced(2))
            for (note in n.notes) card.addView(ui.muted(note), ui.spaced(2))
            card.addView(
                ui.button(n.callLabel, if (n.isEmergency) Ui.Style.Danger else Ui.Style.Primary) { send(AppEvent.CallHelp(n.id)) }
                    .apply { tag = "call-${n.id}" },
                ui.spaced(8),
            )
            col.addView(card, ui.spaced(0))
        }
        return col
    }
}
