package org.waymark.android.app

import android.graphics.Typeface
import android.view.Gravity
import android.view.View
import org.waymark.app.model.AppEvent
import org.waymark.app.model.Destination
import org.waymark.app.model.FirstRunScreen
import org.waymark.app.model.SetupStep

/** First run: each step's words and buttons come from the view model; this wires them up. */
object FirstRunView {
    fun draw(ui: Ui, fields: Fields, setup: FirstRunScreen, send: (AppEvent) -> Unit): View {
        val col = ui.column(padding = 16, spacing = 12)
        col.addView(ui.heading(setup.heading).apply { tag = "setup-heading" }, ui.spaced(0))
        if (setup.body.isNotEmpty()) col.addView(ui.text(setup.body), ui.spaced(8))
        if (setup.recoveryGroups.isNotEmpty()) {
            val code = ui.text(setup.recoveryGroups.joinToString("  "), 22f, bold = true).apply {
                tag = "recovery-code"
                typeface = Typeface.MONOSPACE
                gravity = Gravity.CENTER
                setTextIsSelectable(false)
                setPadding(ui.dp(12), ui.dp(16), ui.dp(12), ui.dp(16))
                background = ui.rounded(ui.color(org.waymark.R.color.surface_variant))
            }
            col.addView(code, ui.spaced(8))
        }
        setup.pad?.let { col.addView(PinPadView(ui, send).draw(it), ui.spaced(8)) }

        var primary: (() -> Unit)? = null
        var secondary: (() -> Unit)? = { send(AppEvent.SetupSkip) }
        when (setup.step) {
            SetupStep.WELCOME -> primary = { send(AppEvent.SetupStart) }
            SetupStep.CHOOSE_PIN, SetupStep.CONFIRM_PIN, SetupStep.DURESS_PIN -> primary = null
            SetupStep.SHOW_RECOVERY_CODE -> primary = { send(AppEvent.RecoveryCodeWritten) }
            SetupStep.CONFIRM_RECOVERY_CODE -> {
                col.addView(fields.get("recovery", setup.body), ui.spaced(8))
                primary = { send(AppEvent.RecoveryCodeTyped(fields.text("recovery"))) }
            }
            SetupStep.BUDDY -> {
                col.addView(fields.get("buddy-name", setup.nameLabel), ui.spaced(8))
                col.addView(fields.get("buddy-phone", setup.phoneLabel, Fields.Kind.Phone), ui.spaced(8))
                primary = { send(AppEvent.SetupBuddy(fields.text("buddy-name"), fields.text("buddy-phone"))) }
            }
            SetupStep.LOCATION -> {
                primary = { send(AppEvent.SetupLocation(true)) }
                secondary = { send(AppEvent.SetupLocation(false)) }
            }
            SetupStep.DISGUISE -> {
                primary = null
                DisguiseChoices.add(ui, col, setup.disguises, setup.disguiseNote, send)
            }
            SetupStep.DONE -> primary = { send(AppEvent.Open(Destination.HOME)) }
        }
        if (primary != null && setup.primaryLabel.isNotEmpty()) {
            col.addView(ui.button(setup.primaryLabel, Ui.Style.Primary) { primary() }.apply {
                tag = "setup-primary"
                isEnabled = !setup.busy
            }, ui.spaced(12))
        }
        if (secondary != null && setup.secondaryLabel.isNotEmpty()) {
            col.addView(ui.button(setup.secondaryLabel, Ui.Style.Quiet) { secondary() }.apply {
                tag = "setup-secondary"
                isEnabled = !setup.busy
            }, ui.spaced(4))
        }
        return col
    }
}
