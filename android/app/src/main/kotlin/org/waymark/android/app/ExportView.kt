package org.waymark.android.app

import android.view.View
import org.waymark.app.model.AppEvent
import org.waymark.app.model.ExportScreen

/**
 * Export: the report, the evidence bundle, the receipt; each made with its progress (drawn by
 * Chrome.work from the view model) and then handed to the share sheet. The warning says the
 * file leaves the vault unlocked.
 */
object ExportView {
    fun draw(ui: Ui, export: ExportScreen, send: (AppEvent) -> Unit): View {
        val col = ui.column(padding = 16, spacing = 8)
        col.addView(ui.text(export.intro), ui.spaced(0))
        col.addView(ui.text(export.warning, Ui.SMALL_SP, org.waymark.R.color.caution).apply { tag = "export-warning" }, ui.spaced(8))
        for (o in export.options) {
            val b = ui.button(o.label, Ui.Style.Secondary) { send(AppEvent.StartExport(o.what)) }.apply {
                tag = "export-${o.what.name.lowercase()}"
                isEnabled = export.optionsEnabled
                alpha = if (export.optionsEnabled) 1f else 0.5f
            }
            col.addView(b, ui.spaced(8))
            if (o.detail.isNotEmpty()) col.addView(ui.muted(o.detail), ui.spaced(2))
        }
        export.ready?.let {
            val card = ui.card(ui.text(it.text).apply { tag = "export-ready" })
            card.addView(ui.button(it.shareLabel, Ui.Style.Primary) { send(AppEvent.ShareExport) }.apply { tag = "export-share" }, ui.spaced(8))
            col.addView(card, ui.spaced(12))
        }
        return col
    }

}
