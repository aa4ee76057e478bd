package org.waymark.android.app

import android.view.View
import android.widget.GridLayout
import org.waymark.R
import org.waymark.app.model.AppEvent
import org.waymark.app.model.HomeScreen
import org.waymark.app.model.LoggedCard
import org.waymark.app.model.WrongPinsCard

/** Home: one tap logs an incident now; then the card to add details, Undo, recent incidents. */
object HomeView {
    fun draw(ui: Ui, chrome: Chrome, fields: Fields, home: HomeScreen, send: (AppEvent) -> Unit): View {
        val col = ui.column(padding = 16, spacing = 8)
        // Who tried the PIN comes first: the person should see it before anything else.
        home.wrongPins?.let { col.addView(wrongPins(ui, it, send), ui.spaced(0)) }
        home.checkin?.let { col.addView(CheckInView.card(ui, chrome, it, send), ui.spaced(0)) }
        home.logged?.let { col.addView(logged(ui, fields, it, send), ui.spaced(0)) }

        col.addView(ui.subheading(home.quickLogHeading), ui.spaced(4))
        val grid = GridLayout(ui.context).apply { columnCount = 2 }
        for (k in home.kinds) {
            val b = ui.button(k.label, Ui.Style.Secondary) { send(AppEvent.QuickLog(k.kind)) }.apply {
                tag = "quick-${k.kind.name.lowercase()}"
                minHeight = ui.dp(56)
                minimumHeight = ui.dp(56)
            }
            // FILL: a one-line label's button as tall as its two-line neighbour, tops aligned.
            grid.addView(b, GridLayout.LayoutParams(GridLayout.spec(GridLayout.UNDEFINED, GridLayout.FILL), GridLayout.spec(GridLayout.UNDEFINED, 1f)).apply {
                width = 0
                setMargins(ui.dp(4), ui.dp(4), ui.dp(4), ui.dp(4))
            })
        }
        col.addView(grid, ui.spaced(0))

        col.addView(ui.subheading(home.recentHeading), ui.spaced(8))
        if (home.recent.isEmpty()) {
            col.addView(ui.muted(home.emptyText).apply { tag = "recent-empty" }, ui.spaced(0))
        }
        for (r in home.recent) col.addView(IncidentsView.row(ui, r, send), ui.spaced(6))

        val nav = ui.column(spacing = 6)
        for (n in home.nav) {
            nav.addView(ui.button(n.label, Ui.Style.Quiet) { send(AppEvent.Open(n.to)) }.apply { tag = "nav-${n.to.name.lowercase()}" }, ui.spaced(6))
        }
        nav.addView(ui.button(home.lockLabel, Ui.Style.Quiet) { send(AppEvent.Panic) }.apply { tag = "lock-now" }, ui.spaced(6))
        col.addView(nav, ui.spaced(12))
        return col
    }

    /** "3 wrong PINs, the last on Tue 1 Dec at 02:14", until the person taps OK. */
    private fun wrongPins(ui: Ui, card: WrongPinsCard, send: (AppEvent) -> Unit): View {
        val c = ui.card(ui.text(card.text, Ui.BODY_SP, R.color.caution, bold = true).apply {
            tag = "wrong-pins-text"
            accessibilityLiveRegion = View.ACCESSIBILITY_LIVE_REGION_POLITE
        })
        c.tag = "wrong-pins"
        c.background = ui.rounded(ui.color(R.color.banner_caution))
        c.addView(ui.button(card.seenLabel, Ui.Style.Secondary) { send(AppEvent.WrongPinsSeen) }.apply { tag = "wrong-pins-seen" }, ui.spaced(8))
        return c
    }

    private fun logged(ui: Ui, fields: Fields, card: LoggedCard, send: (AppEvent) -> Unit): View {
        val c = ui.card(ui.text(card.text, Ui.BODY_SP, R.color.good, bold = true).apply { tag = "logged-text" })
        c.tag = "logged"
        card.undoLabel?.let {
            c.addView(ui.button(it, Ui.Style.Quiet) { send(AppEvent.Undo) }.apply { tag = "undo" }, ui.spaced(6))
        }
        val note = fields.get("note", card.addNoteLabel, Fields.Kind.Note)
        c.addView(note, ui.spaced(8))
        c.addView(ui.button(card.addNoteLabel, Ui.Style.Primary) {
            send(AppEvent.AddNote(fields.text("note")))
        }.apply { tag = "add-note" }, ui.spaced(4))
        val witness = fields.get("witness", card.addWitnessLabel)
        c.addView(witness, ui.spaced(8))
        c.addView(ui.button(card.addWitnessLabel, Ui.Style.Secondary) {
            send(AppEvent.AddWitness(fields.text("witness")))
        }.apply { tag = "add-witness" }, ui.spaced(4))
        // Photo, video, a picture or a file: the app model's buttons, before the feelings.
        for ((i, b) in card.addEvidence.withIndex()) {
            c.addView(IncidentView.evidenceButton(ui, b, send), ui.spaced(if (i == 0) 8 else 4))
        }
        c.addView(ui.muted(card.addFeelingLabel), ui.spaced(12))
        val feelings = ui.column(spacing = 4)
        for ((i, f) in card.feelings.withIndex()) {
            feelings.addView(ui.button(f, Ui.Style.Secondary) { send(AppEvent.AddFeeling((i + 1).toUByte())) }.apply { tag = "feeling-${i + 1}" }, ui.spaced(4))
        }
        c.addView(feelings, ui.spaced(2))
        return c
    }
}
