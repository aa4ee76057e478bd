package org.waymark.android.app

import android.view.View
import android.widget.GridLayout
import org.waymark.app.model.AppEvent
import org.waymark.app.model.SettingsScreen
import org.waymark.app.model.SettingsStep

/**
 * Settings: on the menu, the PIN actions (change the PIN, set or remove the duress PIN), the
 * auto-lock delay, the help region, the name and icon on the home screen, what the recovery
 * code is for; in a PIN flow, the PIN pad.
 */
object SettingsView {
    fun draw(ui: Ui, settings: SettingsScreen, send: (AppEvent) -> Unit): View {
        val col = ui.column(padding = 16, spacing = 8)
        col.addView(ui.heading(settings.heading).apply { tag = "settings-heading" }, ui.spaced(0))
        if (settings.step != SettingsStep.MENU) {
            settings.pad?.let { col.addView(PinPadView(ui, send).draw(it), ui.spaced(8)) }
            return col
        }
        col.addView(ui.button(settings.changePinLabel, Ui.Style.Secondary) { send(AppEvent.SettingsChangePin) }.apply { tag = "settings-change-pin" }, ui.spaced(8))
        col.addView(ui.text(settings.duressBody, Ui.SMALL_SP), ui.spaced(12))
        col.addView(ui.button(settings.setDuressLabel, Ui.Style.Secondary) { send(AppEvent.SettingsSetDuress) }.apply { tag = "settings-set-duress" }, ui.spaced(6))
        col.addView(ui.button(settings.removeDuressLabel, Ui.Style.Quiet) { send(AppEvent.SettingsRemoveDuress) }.apply { tag = "settings-remove-duress" }, ui.spaced(4))

        col.addView(ui.subheading(settings.autoLockLabel), ui.spaced(8))
        val delays = GridLayout(ui.context).apply { columnCount = 2; tag = "auto-lock" }
        for (c in settings.autoLock) {
            val b = ui.button(c.label, if (c.selected) Ui.Style.Primary else Ui.Style.Secondary) { send(AppEvent.SettingsAutoLock(c.seconds)) }.apply {
                tag = "auto-lock-${c.seconds}"
                isSelected = c.selected
            }
            delays.addView(b, cell(ui))
        }
        col.addView(delays, ui.spaced(0))

        col.addView(ui.subheading(settings.regionLabel), ui.spaced(8))
        for (r in settings.regions) {
            col.addView(ui.button(r.name, if (r.selected) Ui.Style.Primary else Ui.Style.Secondary) { send(AppEvent.SettingsRegion(r.code)) }.apply {
                tag = "region-${r.code}"
                isSelected = r.selected
            }, ui.spaced(4))
        }

        col.addView(ui.subheading(settings.disguiseLabel), ui.spaced(8))
        DisguiseChoices.add(ui, col, settings.disguises, settings.disguiseNote, send)

        col.addView(ui.subheading(settings.recoveryHeading), ui.spaced(8))
        col.addView(ui.text(settings.recoveryBody), ui.spaced(0))
        return col
    }

    private fun cell(ui: Ui) = GridLayout.LayoutParams(GridLayout.spec(GridLayout.UNDEFINED, GridLayout.FILL), GridLayout.spec(GridLayout.UNDEFINED, 1f)).apply {
        width = 0
        setMargins(ui.dp(4), ui.dp(4), ui.dp(4), ui.dp(4))
    }
}
