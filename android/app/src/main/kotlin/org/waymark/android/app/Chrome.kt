package org.waymark.android.app

import android.view.Gravity
import android.view.View
import android.widget.LinearLayout
import android.widget.TextView
import org.waymark.R
import org.waymark.app.model.AppEvent
import org.waymark.app.model.Banner
import org.waymark.app.model.Destination
import org.waymark.app.model.EmergencyBar
import org.waymark.app.model.SmsFailure
import org.waymark.app.model.WorkCard
import org.waymark.app.model.Tone

/** What every screen has: the title bar (with Back when allowed), banners, and the 999 bar. */
class Chrome(private val ui: Ui, private val send: (AppEvent) -> Unit) {
    fun titleBar(title: String, backLabel: String?): View {
        val heading = ui.text(title, Ui.SUBHEADING_SP, bold = true).apply {
            isAccessibilityHeading = true
            gravity = Gravity.CENTER_VERTICAL
        }
        val row = LinearLayout(ui.context).apply {
            orientation = LinearLayout.HORIZONTAL
            gravity = Gravity.CENTER_VERTICAL
            setPadding(ui.dp(8), ui.dp(4), ui.dp(16), ui.dp(4))
            minimumHeight = ui.dp(56)
        }
        if (backLabel != null) {
            row.addView(ui.button(backLabel, Ui.Style.Quiet) { send(AppEvent.Back) }.apply { tag = "back" })
            row.addView(heading, LinearLayout.LayoutParams(0, LinearLayout.LayoutParams.WRAP_CONTENT, 1f).apply { marginStart = ui.dp(12) })
        } else {
            row.addView(heading, LinearLayout.LayoutParams(0, LinearLayout.LayoutParams.WRAP_CONTENT, 1f).apply { marginStart = ui.dp(8) })
        }
        return row
    }

    fun banner(b: Banner): TextView = ui.text(b.text, Ui.BODY_SP).apply {
        tag = "banner"
        setPadding(ui.dp(16), ui.dp(12), ui.dp(16), ui.dp(12))
        background = ui.rounded(ui.color(toneBackground(b.tone)))
        accessibilityLiveRegion = View.ACCESSIBILITY_LIVE_REGION_POLITE
    }

    /** A text to a buddy the phone could not send: said plainly, with "try again" and "send it yourself". */
    fun smsFailure(f: SmsFailure): View {
        val card = ui.card(ui.text(f.text, Ui.BODY_SP, R.color.danger_text, bold = true).apply {
            tag = "sms-failed-text"
            accessibilityLiveRegion = View.ACCESSIBILITY_LIVE_REGION_ASSERTIVE
        })
        card.tag = "sms-failed"
        card.background = ui.rounded(ui.color(R.color.banner_danger))
        card.addView(ui.button(f.retryLabel, Ui.Style.Primary) { send(AppEvent.SmsRetry(f.id)) }.apply { tag = "sms-retry" }, ui.spaced(8))
        card.addView(ui.button(f.composeLabel, Ui.Style.Secondary) { send(AppEvent.SmsCompose(f.id)) }.apply { tag = "sms-compose" }, ui.spaced(4))
        return card
    }

    /** Long work under way: what it is, the stage, a progress bar, Cancel. */
    fun work(w: WorkCard): View {
        val card = ui.card(
            ui.text(w.title, Ui.BODY_SP, bold = true),
            ui.muted(w.stage).apply { tag = "work-stage" },
        )
        card.tag = "work"
        val bar = android.widget.ProgressBar(ui.context, null, android.R.attr.progressBarStyleHorizontal).apply {
            max = 1000
            progress = (w.fraction.coerceIn(0.0, 1.0) * 1000).toInt()
            contentDescription = w.percentLabel
            tag = "work-progress"
        }
        card.addView(bar, ui.spaced(6))
        card.addView(ui.muted(w.percentLabel), ui.spaced(2))
        card.addView(ui.button(w.cancelLabel, Ui.Style.Quiet) { send(AppEvent.CancelWork(w.id)) }.apply {
            tag = "work-cancel"
            isEnabled = !w.cancelling
        }, ui.spaced(6))
        return card
    }

    fun toneBackground(t: Tone) = when (t) {
        Tone.NEUTRAL -> R.color.banner_neutral
        Tone.GOOD -> R.color.banner_good
        Tone.CAUTION -> R.color.banner_caution
        Tone.DANGER -> R.color.banner_danger
    }

    fun toneText(t: Tone) = when (t) {
        Tone.NEUTRAL -> R.color.on_background
        Tone.GOOD -> R.color.good
        Tone.CAUTION -> R.color.caution
        Tone.DANGER -> R.color.danger_text
    }

    /** Always at the bottom, locked or not: the 999 button, the press-55 line, help numbers. */
    fun emergencyBar(e: EmergencyBar, showHelp: Boolean): View {
        val call = ui.button(e.label, Ui.Style.Danger) { send(AppEvent.CallEmergency) }.apply {
            tag = "call-999"
            minHeight = ui.dp(56)
            minimumHeight = ui.dp(56)
            setTextSize(android.util.TypedValue.COMPLEX_UNIT_SP, 18f)
        }
        val bar = ui.column(padding = 12, spacing = 6)
        bar.setBackgroundColor(ui.color(R.color.surface))
        // A missed check-in, the 999 prompt or a text that did not go: the call comes first, large.
        if (e.prominent) {
            e.urgentText?.let { bar.addView(ui.text(it, Ui.SUBHEADING_SP, R.color.danger_text, bold = true).apply { tag = "urgent" }, ui.spaced(0)) }
            call.minHeight = ui.dp(72)
            call.minimumHeight = ui.dp(72)
            call.setTextSize(android.util.TypedValue.COMPLEX_UNIT_SP, 22f)
        }
        bar.addView(call, ui.spaced(if (e.prominent) 6 else 0))
        if (e.hint.isNotEmpty()) bar.addView(ui.muted(e.hint).apply { tag = "silent-hint" }, ui.spaced(4))
        if (showHelp) {
            bar.addView(
                ui.button(e.helpLabel, Ui.Style.Quiet) { send(AppEvent.Open(Destination.HELP)) }.apply { tag = "help" },
                ui.spaced(6),
            )
        }
        return bar
    }
}
