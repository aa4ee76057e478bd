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
        Tone.DANGER -> R.color.danger
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
        bar.addView(call, ui.spaced(0))
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
