package org.waymark.android.app

import android.view.View
import org.waymark.app.model.AppEvent
import org.waymark.app.model.RiskScreen

/**
 * The risk questions (S-DASH): each with why it is asked, what the log already says, the
 * answer and its history; answering records it in the log (with an optional note).
 */
object RiskView {
    fun draw(ui: Ui, fields: Fields, risk: RiskScreen, send: (AppEvent) -> Unit): View {
        val col = ui.column(padding = 16, spacing = 8)
        col.addView(ui.text(risk.intro), ui.spaced(0))
        col.addView(ui.muted(risk.source), ui.spaced(4))
        col.addView(ui.text(risk.progressLabel, bold = true).apply { tag = "risk-progress" }, ui.spaced(8))
        for (q in risk.questions) {
            val card = ui.card(ui.muted(q.numberLabel), ui.text(q.text, Ui.BODY_SP, bold = true), ui.text(q.why, Ui.SMALL_SP))
            card.tag = "question-${q.id}"
            if (q.askedOnly) card.addView(ui.muted(risk.askedOnlyText), ui.spaced(4))
            q.logSays?.let { card.addView(ui.text(it, Ui.SMALL_SP), ui.spaced(4)) }
            if (q.incidentIds.isNotEmpty()) {
                card.addView(ui.button(q.incidentsLabel, Ui.Style.Quiet) { send(AppEvent.OpenIncident(q.incidentIds.first())) }.apply { tag = "question-${q.id}-incidents" }, ui.spaced(4))
            }
            q.answer?.let { a ->
                card.addView(ui.text(a.text, Ui.BODY_SP, bold = true).apply { tag = "question-${q.id}-answer" }, ui.spaced(6))
                a.note?.let { card.addView(ui.muted(it), ui.spaced(2)) }
            }
            val note = fields.get("note-${q.id}", risk.noteLabel)
            card.addView(note, ui.spaced(6))
            for (c in risk.choices) {
                val on = q.answer?.choice == c.choice
                card.addView(ui.button(c.label, if (on) Ui.Style.Primary else Ui.Style.Secondary) {
                    val text = fields.text("note-${q.id}").trim()
                    send(AppEvent.AnswerRisk(q.id, c.choice, text.ifEmpty { null }))
                    fields.wipe("note-${q.id}")
                }.apply {
                    tag = "question-${q.id}-${c.choice.name.lowercase()}"
                    isSelected = on
                }, ui.spaced(4))
            }
            if (q.history.size > 1) {
                card.addView(ui.muted(risk.historyLabel), ui.spaced(6))
                for (h in q.history) card.addView(ui.text(h.text, Ui.SMALL_SP), ui.spaced(2))
            }
            col.addView(card, ui.spaced(8))
        }
        return col
    }
}
