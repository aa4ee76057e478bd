package org.waymark.android.app

import android.view.View
import org.waymark.R
import org.waymark.app.model.AppEvent
import org.waymark.app.model.CountBar
import org.waymark.app.model.InsightsScreen

/** What the log shows over time: the safety note first, then trend, when, where, signals. */
object InsightsView {
    fun draw(ui: Ui, ins: InsightsScreen, send: (AppEvent) -> Unit): View {
        val col = ui.column(padding = 16, spacing = 8)
        col.addView(ui.text(ins.safetyNote, Ui.BODY_SP, R.color.caution).apply { tag = "safety-note" }, ui.spaced(0))
        col.addView(ui.text(ins.summary, bold = true), ui.spaced(8))
        col.addView(ui.subheading(ins.trendHeading), ui.spaced(8))
        col.addView(ui.text(ins.trend), ui.spaced(0))
        bars(ui, col, ins.weekly)
        col.addView(ui.subheading(ins.whenHeading), ui.spaced(8))
        if (ins.busiestHour.isNotEmpty()) col.addView(ui.text(ins.busiestHour), ui.spaced(0))
        if (ins.busiestDay.isNotEmpty()) col.addView(ui.text(ins.busiestDay), ui.spaced(2))
        bars(ui, col, ins.byDay)
        col.addView(ui.subheading(ins.placesHeading), ui.spaced(8))
        for (p in ins.places) col.addView(ui.text(p), ui.spaced(2))
        col.addView(ui.subheading(ins.signalsHeading), ui.spaced(8))
        if (ins.signals.isEmpty()) col.addView(ui.muted(ins.noSignalsText), ui.spaced(0))
        for ((i, s) in ins.signals.withIndex()) {
            val card = ui.card(ui.text(s.headline, bold = true), ui.muted(s.incidentsLabel))
            card.tag = "signal-$i"
            s.incidentIds.firstOrNull()?.let { id ->
                card.isClickable = true
                card.setOnClickListener { send(AppEvent.OpenIncident(id)) }
            }
            col.addView(card, ui.spaced(6))
        }
        col.addView(ui.subheading(ins.conductHeading), ui.spaced(8))
        for (c in ins.conduct) col.addView(ui.text(c), ui.spaced(2))
        return col
    }

    /** Counts as bars: the label, a bar as long as its share of the largest, the count. */
    private fun bars(ui: Ui, col: android.widget.LinearLayout, rows: List<CountBar>) {
        val most = rows.maxOfOrNull { it.count }?.coerceAtLeast(1u) ?: return
        for (b in rows) {
            val bar = View(ui.context).apply { background = ui.rounded(ui.color(R.color.primary), radiusDp = 4) }
            val track = android.widget.LinearLayout(ui.context).apply {
                addView(bar, android.widget.LinearLayout.LayoutParams(0, ui.dp(12), b.count.toFloat() / most.toFloat()))
                addView(View(ui.context), android.widget.LinearLayout.LayoutParams(0, ui.dp(12), 1f - b.count.toFloat() / most.toFloat()))
                gravity = android.view.Gravity.CENTER_VERTICAL
            }
            col.addView(ui.row(ui.text(b.label, Ui.SMALL_SP), track, ui.text(b.count.toString(), Ui.SMALL_SP)), ui.spaced(2))
        }
    }
}
