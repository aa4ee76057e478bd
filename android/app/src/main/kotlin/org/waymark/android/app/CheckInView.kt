package org.waymark.android.app

import android.view.Gravity
import android.view.View
import android.widget.GridLayout
import android.widget.LinearLayout
import org.waymark.R
import org.waymark.app.model.AppEvent
import org.waymark.app.model.CheckInCard
import org.waymark.app.model.CheckInForm
import org.waymark.app.model.CheckInScreen
import org.waymark.app.model.RelayCard
import org.waymark.app.model.RunningCheckIn

/**
 * The check-in: the form (buddy, where, how long, grace, the plan text exactly as the buddy will
 * read it, and how many texts it takes), or the running check-in (its card and the alert
 * ladder), then the relay card (which relay holds the plans, its key to compare, whether it holds
 * this plan). Every word and every choice offered comes from the view model.
 */
object CheckInView {
    fun draw(ui: Ui, chrome: Chrome, fields: Fields, checkin: CheckInScreen, send: (AppEvent) -> Unit): View {
        val col = ui.column(padding = 16, spacing = 8)
        checkin.running?.let { running(ui, chrome, col, it, send) }
            ?: checkin.form?.let { form(ui, fields, col, it, send) }
        col.addView(relay(ui, chrome, fields, checkin.relay, send), ui.spaced(16))
        return col
    }

    private fun form(ui: Ui, fields: Fields, col: LinearLayout, form: CheckInForm, send: (AppEvent) -> Unit) {
        col.addView(ui.subheading(form.buddyHeading), ui.spaced(0))
        for (b in form.buddies) {
            // A choice, not an action: the chosen one is the primary colour and says it is selected.
            val button = ui.button("${b.name}\n${b.phone}", if (b.selected) Ui.Style.Primary else Ui.Style.Secondary) {
                send(AppEvent.CheckInToggleBuddy(b.contactId))
            }.apply {
                tag = "buddy-${b.contactId}"
                isSelected = b.selected
                gravity = Gravity.START or Gravity.CENTER_VERTICAL
            }
            col.addView(button, ui.spaced(6))
        }
        col.addView(fields.get("checkin-name", form.nameLabel), ui.spaced(8))
        col.addView(fields.get("checkin-phone", form.phoneLabel, Fields.Kind.Phone), ui.spaced(4))
        col.addView(ui.button(form.addBuddyLabel, Ui.Style.Secondary) {
            send(AppEvent.CheckInAddBuddy(fields.text("checkin-name"), fields.text("checkin-phone")))
            fields.wipe("checkin-name")
            fields.wipe("checkin-phone")
        }.apply { tag = "add-buddy" }, ui.spaced(4))

        col.addView(ui.subheading(form.destinationLabel), ui.spaced(8))
        val where = fields.get("checkin-destination", form.destinationLabel, onChange = { send(AppEvent.CheckInDestination(it)) })
        if (where.text.isEmpty() && form.destination.isNotEmpty()) where.setText(form.destination)
        col.addView(where, ui.spaced(0))

        col.addView(ui.subheading(form.minutesLabel), ui.spaced(8))
        col.addView(choices(ui, "minutes", form.minuteChoices, form.minutes) { send(AppEvent.CheckInMinutes(it)) }, ui.spaced(0))
        col.addView(ui.muted(form.dueText).apply { tag = "due" }, ui.spaced(4))

        col.addView(ui.subheading(form.graceLabel), ui.spaced(8))
        col.addView(choices(ui, "grace", form.graceChoices, form.graceMinutes) { send(AppEvent.CheckInGrace(it)) }, ui.spaced(0))

        // Whether alerts carry the last known place: a switch the person sets, the model keeps.
        val share = android.widget.Switch(ui.context).apply {
            text = form.shareLocationLabel
            isChecked = form.shareLocation
            setTextSize(android.util.TypedValue.COMPLEX_UNIT_SP, Ui.BODY_SP)
            setTextColor(ui.color(R.color.on_background))
            minHeight = ui.dp(Ui.MIN_TOUCH_DP)
            minimumHeight = ui.dp(Ui.MIN_TOUCH_DP)
            tag = "share-location"
            setOnCheckedChangeListener { _, on -> send(AppEvent.CheckInShareLocation(on)) }
        }
        col.addView(share, ui.spaced(12))

        col.addView(ui.subheading(form.previewHeading), ui.spaced(8))
        form.preview?.let {
            col.addView(ui.card(ui.text(it).apply { tag = "preview" }, ui.muted(form.smsCountLabel).apply { tag = "sms-count" }), ui.spaced(0))
        }
        form.composeNote?.let { col.addView(ui.muted(it), ui.spaced(4)) }
        form.problem?.let { col.addView(ui.text(it, colour = R.color.caution).apply { tag = "problem" }, ui.spaced(4)) }
        col.addView(ui.button(form.startLabel, Ui.Style.Primary) { send(AppEvent.CheckInStart) }.apply {
            tag = "checkin-start"
            isEnabled = form.canStart
            alpha = if (form.canStart) 1f else 0.5f
        }, ui.spaced(12))
    }

    /** Minutes offered as buttons in a grid; the chosen one in the primary colour. */
    private fun choices(ui: Ui, key: String, offered: List<UInt>, chosen: UInt, pick: (UInt) -> Unit): View {
        val grid = GridLayout(ui.context).apply {
            columnCount = 3
            tag = "choices-$key"
        }
        for (m in offered) {
            val b = ui.button(m.toString(), if (m == chosen) Ui.Style.Primary else Ui.Style.Secondary) { pick(m) }.apply {
                tag = "$key-$m"
                isSelected = m == chosen
            }
            grid.addView(b, GridLayout.LayoutParams(GridLayout.spec(GridLayout.UNDEFINED, GridLayout.FILL), GridLayout.spec(GridLayout.UNDEFINED, 1f)).apply {
                width = 0
                setMargins(ui.dp(4), ui.dp(4), ui.dp(4), ui.dp(4))
            })
        }
        return grid
    }

    private fun running(ui: Ui, chrome: Chrome, col: LinearLayout, running: RunningCheckIn, send: (AppEvent) -> Unit) {
        col.addView(card(ui, chrome, running.card, send), ui.spaced(0))
        running.smsNote?.let { col.addView(ui.text(it, Ui.BODY_SP, R.color.caution).apply { tag = "sms-note" }, ui.spaced(8)) }
        col.addView(ui.subheading(running.ladderStatus).apply { tag = "ladder-status" }, ui.spaced(8))
        for ((i, row) in running.ladder.withIndex()) {
            val colour = when {
                row.failed -> R.color.danger_text
                row.done -> R.color.good
                else -> R.color.on_background
            }
            val line = ui.row(
                ui.text(row.`when`, Ui.SMALL_SP, R.color.muted),
                ui.text(row.text, Ui.BODY_SP, colour, bold = row.failed),
                weights = false,
            ).apply { tag = "ladder-$i" }
            // The words take the rest of the row and wrap.
            (line.getChildAt(1).layoutParams as LinearLayout.LayoutParams).apply { width = 0; weight = 1f }
            col.addView(line, ui.spaced(6))
        }
    }

    /**
     * The check-in relay: whether it holds the running plan (said first, in its tone), a key to
     * compare before trusting it, the relay in use and its fingerprint, and the address field.
     */
    private fun relay(ui: Ui, chrome: Chrome, fields: Fields, r: RelayCard, send: (AppEvent) -> Unit): View {
        val c = ui.card(ui.text(r.heading, Ui.SUBHEADING_SP, bold = true).apply { isAccessibilityHeading = true })
        c.tag = "relay-card"
        r.status?.let { c.addView(chrome.banner(it).apply { tag = "relay-status" }, ui.spaced(4)) }
        r.retryLabel?.let {
            c.addView(ui.button(it, Ui.Style.Primary) { send(AppEvent.RelayRetry) }.apply { tag = "relay-retry" }, ui.spaced(4))
        }
        val prompt = r.keyPrompt
        if (prompt != null) {
            val p = ui.card(
                ui.text(prompt.text, Ui.BODY_SP, if (prompt.changed) R.color.danger_text else R.color.on_background, bold = prompt.changed),
                ui.text(prompt.address, Ui.SMALL_SP, R.color.muted).apply { tag = "relay-offered-address" },
                ui.text(prompt.fingerprint, Ui.SUBHEADING_SP, bold = true).apply {
                    tag = "relay-offered-fingerprint"
                    typeface = android.graphics.Typeface.create(android.graphics.Typeface.MONOSPACE, android.graphics.Typeface.BOLD)
                },
            )
            p.tag = "relay-key-prompt"
            p.background = ui.rounded(ui.color(if (prompt.changed) R.color.banner_danger else R.color.banner_caution))
            prompt.previous?.let { p.addView(ui.text(it, Ui.SMALL_SP).apply { tag = "relay-previous-key" }, ui.spaced(4)) }
            p.addView(ui.button(prompt.acceptLabel, if (prompt.changed) Ui.Style.Secondary else Ui.Style.Primary) {
                send(AppEvent.RelayAcceptKey)
            }.apply { tag = "relay-accept" }, ui.spaced(8))
            p.addView(ui.button(prompt.rejectLabel, if (prompt.changed) Ui.Style.Primary else Ui.Style.Quiet) {
                send(AppEvent.RelayRejectKey)
            }.apply { tag = "relay-reject" }, ui.spaced(4))
            c.addView(p, ui.spaced(8))
            return c
        }
        r.inUse?.let { c.addView(ui.text(it, Ui.BODY_SP, bold = true).apply { tag = "relay-in-use" }, ui.spaced(4)) }
        r.fingerprint?.let { c.addView(ui.muted(it).apply { tag = "relay-fingerprint" }, ui.spaced(2)) }
        c.addView(ui.muted(r.about).apply { tag = "relay-about" }, ui.spaced(4))
        c.addView(fields.get("relay-address", r.addressLabel, Fields.Kind.Url), ui.spaced(4))
        c.addView(ui.button(r.setLabel, Ui.Style.Secondary) {
            send(AppEvent.RelaySetUp(fields.text("relay-address")))
        }.apply { tag = "relay-set" }, ui.spaced(4))
        r.forgetLabel?.let {
            c.addView(ui.button(it, Ui.Style.Quiet) { send(AppEvent.RelayForget) }.apply { tag = "relay-forget" }, ui.spaced(4))
        }
        return c
    }

    /** The running check-in, here and on home: where, how it stands, I'm safe, more time, stop. */
    fun card(ui: Ui, chrome: Chrome, card: CheckInCard, send: (AppEvent) -> Unit): View {
        val c = ui.card(
            ui.text(card.title, Ui.BODY_SP, bold = true),
            ui.text(card.destination).apply { tag = "checkin-destination" },
            ui.text(card.status, Ui.SUBHEADING_SP, chrome.toneText(card.tone), bold = true).apply {
                tag = "checkin-status"
                accessibilityLiveRegion = View.ACCESSIBILITY_LIVE_REGION_POLITE
            },
            ui.muted(card.deadlineText),
        )
        c.tag = "checkin-card"
        c.background = ui.rounded(ui.color(chrome.toneBackground(card.tone)))
        c.addView(ui.button(card.safeLabel, Ui.Style.Primary) { send(AppEvent.CheckInSafe) }.apply { tag = "checkin-safe" }, ui.spaced(8))
        card.extendLabel?.let {
            c.addView(ui.button(it, Ui.Style.Secondary) { send(AppEvent.CheckInExtend(card.extendMinutes)) }.apply { tag = "checkin-extend" }, ui.spaced(4))
        }
        card.stopLabel?.let {
            c.addView(ui.button(it, Ui.Style.Quiet) { send(AppEvent.CheckInStop) }.apply { tag = "checkin-stop" }, ui.spaced(4))
        }
        return c
    }
}
