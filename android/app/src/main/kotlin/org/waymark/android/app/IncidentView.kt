package org.waymark.android.app

import android.view.View
import android.widget.GridLayout
import android.widget.LinearLayout
import org.waymark.R
import org.waymark.app.model.AppEvent
import org.waymark.app.model.EvidenceButton
import org.waymark.app.model.IncidentDetailScreen
import org.waymark.app.model.QuickKind

/**
 * One incident: what it says now, its photos, videos and files, its history from the log; add a
 * photo, a video, a picture or a file, a witness or a feeling; edit (only what changed is recorded, with a reason) or remove
 * (a redaction the log keeps). Every word comes from the view model.
 */
object IncidentView {
    fun draw(ui: Ui, fields: Fields, inc: IncidentDetailScreen, send: (AppEvent) -> Unit): View {
        val col = ui.column(padding = 16, spacing = 6)
        val facts = ui.card(
            ui.text(inc.kindLabel, Ui.SUBHEADING_SP, bold = true).apply { tag = "incident-kind" },
            ui.muted(inc.`when`),
        )
        if (inc.description.isNotEmpty()) facts.addView(ui.text(inc.description).apply { tag = "incident-description" }, ui.spaced(6))
        inc.place?.let { facts.addView(ui.text(it, Ui.SMALL_SP), ui.spaced(4)) }
        for (w in inc.witnesses) facts.addView(ui.text(w, Ui.SMALL_SP), ui.spaced(2))
        inc.feeling?.let { facts.addView(ui.text(it, Ui.SMALL_SP), ui.spaced(2)) }
        col.addView(facts, ui.spaced(0))

        col.addView(ui.subheading(inc.evidenceHeading), ui.spaced(8))
        if (inc.evidence.isEmpty()) col.addView(ui.muted(inc.noEvidenceText), ui.spaced(0))
        for (e in inc.evidence) {
            val row = ui.row(ui.text(e.label, Ui.BODY_SP, bold = true), ui.muted(e.sizeText), ui.muted(e.`when`))
            row.tag = "evidence-${e.id}"
            col.addView(row, ui.spaced(4))
        }
        for ((i, b) in inc.addEvidence.withIndex()) {
            col.addView(evidenceButton(ui, b, send), ui.spaced(if (i == 0) 6 else 4))
        }

        col.addView(fields.get("witness", inc.addWitnessLabel), ui.spaced(8))
        col.addView(ui.button(inc.addWitnessLabel, Ui.Style.Secondary) {
            send(AppEvent.AddWitness(fields.text("witness")))
            fields.wipe("witness")
        }.apply { tag = "add-witness" }, ui.spaced(4))
        col.addView(ui.muted(inc.addFeelingLabel), ui.spaced(8))
        for ((i, f) in inc.feelings.withIndex()) {
            col.addView(ui.button(f, Ui.Style.Secondary) { send(AppEvent.AddFeeling((i + 1).toUByte())) }.apply { tag = "feeling-${i + 1}" }, ui.spaced(4))
        }

        col.addView(ui.subheading(inc.historyHeading), ui.spaced(8))
        for ((i, h) in inc.history.withIndex()) {
            val step = ui.column(0, 2, ui.text(h.text, Ui.BODY_SP), ui.muted(h.`when`))
            h.reason?.let { step.addView(ui.text(it, Ui.SMALL_SP), ui.spaced(2)) }
            step.tag = "history-$i"
            col.addView(step, ui.spaced(6))
        }

        col.addView(ui.subheading(inc.editLabel), ui.spaced(8))
        col.addView(kinds(ui, inc), ui.spaced(0))
        val description = fields.get("incident-description", inc.editLabel, Fields.Kind.Note)
        if (description.text.isEmpty() && inc.description.isNotEmpty()) description.setText(inc.description)
        col.addView(description, ui.spaced(6))
        col.addView(fields.get("reason", inc.reasonLabel), ui.spaced(6))
        col.addView(ui.button(inc.saveLabel, Ui.Style.Primary) {
            send(AppEvent.EditIncident(chosenKind ?: inc.kind, fields.text("incident-description"), fields.text("reason")))
            fields.wipe("reason")
        }.apply { tag = "incident-save" }, ui.spaced(6))

        col.addView(ui.text(inc.removeWarning, Ui.SMALL_SP, R.color.muted).apply { tag = "remove-warning" }, ui.spaced(16))
        col.addView(ui.button(inc.removeLabel, Ui.Style.Quiet) {
            send(AppEvent.RemoveIncident(fields.text("reason")))
        }.apply { tag = "incident-remove" }, ui.spaced(4))
        return col
    }

    /** One of the app model's "add evidence" buttons (photo, video, from Photos, a file). */
    fun evidenceButton(ui: Ui, b: EvidenceButton, send: (AppEvent) -> Unit): View =
        ui.button(b.label, Ui.Style.Secondary) { send(AppEvent.AddEvidence(b.source)) }.apply {
            tag = "add-" + b.source.name.lowercase().replace('_', '-')
        }

    /** The kind chosen in the edit form, kept across the once-a-second redraws until saved. */
    private var chosenKind: QuickKind? = null
    private var chosenFor: String? = null

    private fun kinds(ui: Ui, inc: IncidentDetailScreen): View {
        if (chosenFor != inc.id) {
            chosenFor = inc.id
            chosenKind = null
        }
        val grid = GridLayout(ui.context).apply { columnCount = 2; tag = "edit-kinds" }
        val current = chosenKind ?: inc.kind
        for (k in inc.kinds) {
            val b = ui.button(k.label, if (k.kind == current) Ui.Style.Primary else Ui.Style.Secondary) {
                // A choice in a form not yet saved, like a field's text: nothing is recorded
                // until Save; only the buttons' colours change.
                chosenKind = k.kind
                for (i in 0 until grid.childCount) {
                    val other = grid.getChildAt(i) as android.widget.Button
                    val on = other.tag == "kind-${k.kind.name.lowercase()}"
                    other.isSelected = on
                    ui.restyle(other, if (on) Ui.Style.Primary else Ui.Style.Secondary)
                }
            }.apply {
                tag = "kind-${k.kind.name.lowercase()}"
                isSelected = k.kind == current
            }
            grid.addView(b, GridLayout.LayoutParams(GridLayout.spec(GridLayout.UNDEFINED, GridLayout.FILL), GridLayout.spec(GridLayout.UNDEFINED, 1f)).apply {
                width = 0
                setMargins(ui.dp(4), ui.dp(4), ui.dp(4), ui.dp(4))
            })
        }
        return grid
    }
}
