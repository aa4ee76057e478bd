package org.waymark.android.app

import android.view.Gravity
import android.view.View
import android.widget.GridLayout
import android.widget.LinearLayout
import org.waymark.app.model.AppEvent
import org.waymark.app.model.LockScreen
import org.waymark.app.model.PinPad

/** The PIN pad (lock screen, first run): dots, never digits; no keyboard, so nothing to learn. */
class PinPadView(private val ui: Ui, private val send: (AppEvent) -> Unit) {
    fun draw(pad: PinPad, extra: View? = null): View {
        val col = ui.column(spacing = 8)
        col.addView(ui.text(pad.prompt, Ui.SUBHEADING_SP).apply { gravity = Gravity.CENTER; tag = "prompt" })
        val dots = ui.text(if (pad.dots == 0u) " " else "●".repeat(pad.dots.toInt().coerceAtMost(12)).chunked(1).joinToString(" "), 28f).apply {
            gravity = Gravity.CENTER
            contentDescription = pad.dotsLabel
            tag = "dots"
        }
        col.addView(dots, ui.spaced(4))
        val grid = GridLayout(ui.context).apply {
            columnCount = 3
            useDefaultMargins = false
        }
        fun cell(v: View) {
            val lp = GridLayout.LayoutParams(GridLayout.spec(GridLayout.UNDEFINED, 1f), GridLayout.spec(GridLayout.UNDEFINED, 1f)).apply {
                width = 0
                height = ui.dp(64)
                setMargins(ui.dp(4), ui.dp(4), ui.dp(4), ui.dp(4))
            }
            grid.addView(v, lp)
        }
        for (d in listOf(1, 2, 3, 4, 5, 6, 7, 8, 9)) cell(digit(d, pad.enabled))
        cell(ui.button(pad.deleteLabel, Ui.Style.Quiet) { send(AppEvent.PinDelete) }.apply {
            tag = "pin-delete"
            isEnabled = pad.enabled
        })
        cell(digit(0, pad.enabled))
        cell(ui.button(pad.submitLabel, Ui.Style.Primary) { send(AppEvent.PinSubmit) }.apply {
            tag = "pin-submit"
            isEnabled = pad.enabled
            alpha = if (pad.enabled) 1f else 0.5f
        })
        col.addView(grid, ui.spaced(8))
        if (extra != null) col.addView(extra, ui.spaced(8))
        return col
    }

    private fun digit(d: Int, enabled: Boolean) =
        ui.button(d.toString(), Ui.Style.Secondary) { send(AppEvent.PinDigit(d.toUByte())) }.apply {
            tag = "pin-$d"
            setTextSize(android.util.TypedValue.COMPLEX_UNIT_SP, 24f)
            isEnabled = enabled
            alpha = if (enabled) 1f else 0.5f
        }
}

object LockView {
    fun draw(ui: Ui, chrome: Chrome, lock: LockScreen, send: (AppEvent) -> Unit): View {
        val col = ui.column(padding = 16, spacing = 8)
        lock.message?.let { col.addView(chrome.banner(it).apply { tag = "lock-message" }, ui.spaced(0)) }
        val checkIn = ui.button(lock.checkInLabel, Ui.Style.Quiet) { send(AppEvent.PinCheckIn) }.apply {
            tag = "pin-check-in"
            isEnabled = lock.pad.enabled
        }
        col.addView(PinPadView(ui, send).draw(lock.pad, checkIn), ui.spaced(8))
        col.gravity = Gravity.CENTER_HORIZONTAL
        return col.apply { layoutParams = LinearLayout.LayoutParams(LinearLayout.LayoutParams.MATCH_PARENT, LinearLayout.LayoutParams.WRAP_CONTENT) }
    }
}
