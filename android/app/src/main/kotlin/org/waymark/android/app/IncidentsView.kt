package org.waymark.android.app

import android.view.View
import org.waymark.app.model.AppEvent
import org.waymark.app.model.IncidentListScreen
import org.waymark.app.model.IncidentRow

/** Everything logged, newest first; a row opens the incident. */
object IncidentsView {
    fun draw(ui: Ui, list: IncidentListScreen, send: (AppEvent) -> Unit): View {
        val col = ui.column(padding = 16, spacing = 6)
        if (list.rows.isEmpty()) col.addView(ui.muted(list.emptyText).apply { tag = "incidents-empty" }, ui.spaced(0))
        for (r in list.rows) col.addView(row(ui, r, send), ui.spaced(6))
        return col
    }

    /** One incident as a tappable card (here and in home's recent list). */
    fun row(ui: Ui, r: IncidentRow, send: (AppEvent) -> Unit): View {
        val card = ui.card(ui.text(r.kindLabel, Ui.BODY_SP, bold = true), ui.muted(r.`when`))
        if (r.summary.isNotEmpty()) card.addView(ui.text(r.summary, Ui.SMALL_SP), ui.spaced(2))
        card.tag = "recent-${r.id}"
        card.isClickable = true
        card.isFocusable = true
        card.minimumHeight = ui.dp(Ui.MIN_TOUCH_DP)
        card.setOnClickListener { send(AppEvent.OpenIncident(r.id)) }
        return card
    }
}
