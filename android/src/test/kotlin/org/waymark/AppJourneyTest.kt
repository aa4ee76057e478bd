package org.waymark

import java.nio.file.Path
import java.time.Duration
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.waymark.app.MacHardwarePrf
import org.waymark.app.model.AppConfig
import org.waymark.app.model.AppCore
import org.waymark.app.model.AppEvent
import org.waymark.app.model.AppUpdate
import org.waymark.app.model.Destination
import org.waymark.app.model.Effect
import org.waymark.app.model.FirstRunScreen
import org.waymark.app.model.QuickKind
import org.waymark.app.model.Screen
import org.waymark.app.model.Disguise
import org.waymark.app.model.Permission
import org.waymark.app.model.SetupStep
import org.waymark.app.model.SmsAbility
import org.waymark.ffi.IncidentKind
import org.waymark.ffi.KeyDerivation
import org.waymark.ffi.ListFilter
import org.waymark.ffi.Vault
import org.waymark.ffi.openApp
import org.waymark.ffi.vaultExists

/**
 * Whole journeys through the app model over the FFI, as the Android shell drives it: events in,
 * view models and effects out. What the app did is then checked in the vault itself.
 */
class AppJourneyTest {
    private val buddyNumber = "+447700900123"

    /** A phone: the app model over a vault folder, with the shell's PRF and a clock the test moves. */
    private class Phone(val dir: Path = tempVaultDir(), val prf: MacHardwarePrf = inMemoryPrf(), val clock: TestClock = TestClock()) {
        val app: AppCore = openApp(
            dir.toString(), prf, KeyDerivation.MinimalForTestsOnly,
            AppConfig(language = "en-GB", region = "GB", sms = SmsAbility.SEND_SILENTLY, utcOffsetMinutes = 0),
            clock,
        )

        /** Every effect asked for, in order, as the shell would carry them out. */
        val effects = mutableListOf<Effect>()

        fun send(e: AppEvent): AppUpdate = app.dispatch(e).also { effects += it.effects }

        fun pin(pin: String): AppUpdate {
            pin.forEach { send(AppEvent.PinDigit(it.digitToInt().toUByte())) }
            return send(AppEvent.PinSubmit)
        }

        /** The same vault, opened by someone else (a second handle, as the check-in screen will be). */
        fun openVault(): Vault = Vault.open(dir.toString(), prf, clock).also { it.unlock(PIN) }
    }

    private fun AppUpdate.setup(): FirstRunScreen = (view.screen as Screen.FirstRun).setup

    /** First run with a buddy, no duress PIN, location off; returns the recovery code shown. */
    private fun Phone.firstRun(): String {
        val started = send(AppEvent.Started)
        assertEquals(SetupStep.WELCOME, started.setup().step)
        assertTrue(started.effects.contains(Effect.SecureScreen(true)), "screenshots blocked from the start")
        assertEquals("999", started.view.emergency.number, "the emergency number before anything else")
        assertFalse(vaultExists(dir.toString()))

        send(AppEvent.SetupStart)
        assertEquals(SetupStep.CONFIRM_PIN, pin(PIN).setup().step)
        val shown = pin(PIN).setup()
        assertEquals(SetupStep.SHOW_RECOVERY_CODE, shown.step)
        assertEquals(7, shown.recoveryGroups.size)
        assertTrue(vaultExists(dir.toString()), "the vault exists once the PIN is confirmed")

        val ask = send(AppEvent.RecoveryCodeWritten).setup()
        assertEquals(SetupStep.CONFIRM_RECOVERY_CODE, ask.step)
        assertTrue(ask.recoveryGroups.isEmpty(), "the code is not on screen while it is checked")
        val wrong = send(AppEvent.RecoveryCodeTyped("ZZZZ"))
        assertEquals(SetupStep.CONFIRM_RECOVERY_CODE, wrong.setup().step)
        assertTrue(wrong.view.banner != null)
        val n = ask.body.first { it.isDigit() }.digitToInt()
        assertEquals(SetupStep.BUDDY, send(AppEvent.RecoveryCodeTyped(shown.recoveryGroups[n - 1])).setup().step)

        assertEquals(SetupStep.DURESS_PIN, send(AppEvent.SetupBuddy("Alex", "07700 900123")).setup().step)
        assertEquals(SetupStep.LOCATION, send(AppEvent.SetupSkip).setup().step)
        val disguise = send(AppEvent.SetupLocation(false))
        assertEquals(SetupStep.DISGUISE, disguise.setup().step)
        assertTrue(disguise.effects.none { it is Effect.RequestPermission }, "location off: nothing asked")
        // The name and icon on the home screen: the app model asks the phone to wear "Notes".
        val done = send(AppEvent.ChooseDisguise(Disguise.NOTES))
        assertEquals(listOf<Effect>(Effect.SetDisguise(Disguise.NOTES)), done.effects)
        assertEquals(SetupStep.DONE, done.setup().step)
        val home = send(AppEvent.Open(Destination.HOME))
        assertTrue(home.view.screen is Screen.Home, "${home.view.screen}")
        return shown.recoveryGroups.joinToString("-")
    }

    @Test
    fun firstRunKeepsTheBuddyAndTheRecoveryCodeWorks() {
        val phone = Phone()
        val code = phone.firstRun()
        assertFalse(phone.app.view().toString().contains(code.substring(0, 4) + "-"), "the code is never shown again")

        phone.openVault().use { vault ->
            val contacts = vault.safety().contacts()
            assertEquals(listOf("Alex"), contacts.map { it.name })
            assertEquals(buddyNumber, contacts[0].phone)
            vault.lock()
            vault.recover(code, "802413")
            assertTrue(vault.isUnlocked(), "the code shown once opens the vault")
        }
    }

    @Test
    fun quickLogFromHomeIsOneEventAndIsInTheVault() {
        val phone = Phone()
        phone.firstRun()
        val before = phone.clock.now
        // One tap.
        val logged = phone.send(AppEvent.QuickLog(QuickKind.TURNED_UP_HOME))
        val home = (logged.view.screen as Screen.Home).home
        val card = home.logged!!
        assertEquals(listOf(card.incidentId), home.recent.map { it.id })
        assertEquals(QuickKind.TURNED_UP_HOME, home.recent[0].kind)

        phone.openVault().use { vault ->
            val found = vault.incidentLog().list(ListFilter())
            assertEquals(1, found.size)
            assertEquals(card.incidentId, found[0].id)
            assertEquals(IncidentKind.TURNED_UP_HOME, found[0].details.kind)
            assertEquals(before, found[0].details.occurredAt, "logged at the moment of the tap")
            assertEquals(null, found[0].details.place, "location is off: no place")
            assertTrue(vault.incidentLog().verify().incidents == 1uL)
        }
        // The second event adds a feeling; still the same incident.
        phone.send(AppEvent.AddFeeling(4u))
        phone.openVault().use { vault ->
            val found = vault.incidentLog().list(ListFilter())
            assertEquals(1, found.size)
            assertEquals(4.toUByte(), found[0].details.feeling)
        }
    }

    @Test
    fun aMissedCheckInTextsTheBuddyOnceAndOffers999EvenWhileLocked() {
        val phone = Phone()
        phone.firstRun()
        fun AppUpdate.checkin() = (view.screen as Screen.CheckIn).checkin

        // The form: the buddy from the first run is chosen; the plan text as the buddy reads it.
        val opened = phone.send(AppEvent.Open(Destination.CHECK_IN)).checkin()
        assertEquals(listOf("Alex"), opened.form!!.buddies.filter { it.selected }.map { it.name })
        assertFalse(opened.form!!.canStart, "no destination yet")
        phone.send(AppEvent.CheckInDestination("the station"))
        phone.send(AppEvent.CheckInMinutes(15u))
        val form = phone.send(AppEvent.CheckInGrace(5u)).checkin().form!!
        assertTrue(form.canStart)
        val preview = form.preview!!
        // 09:00 + 15 min, alert 5 min later (the phone is at UTC here).
        assertTrue(preview.contains("the station") && preview.contains("09:15") && preview.contains("09:20"), preview)
        // Plain GSM-7 text: one message up to 160 characters, then 153 a message.
        val messages = if (preview.length <= 160) 1 else (preview.length + 152) / 153
        assertEquals(messages.toUInt(), form.smsCount, "${preview.length} characters")
        assertTrue(form.smsCountLabel.contains("$messages"), form.smsCountLabel)

        // The phone is asked for leave to send texts, with the reason; granted, the plan goes.
        val asked = phone.send(AppEvent.CheckInStart).effects.filterIsInstance<Effect.RequestPermission>().single()
        assertEquals(Permission.SMS, asked.what)
        assertTrue(asked.reason.isNotEmpty())
        val started = phone.send(AppEvent.PermissionResult(Permission.SMS, true))
        val planTexts = started.effects.filterIsInstance<Effect.SendSms>()
        assertEquals(listOf(buddyNumber), planTexts.map { it.to }, "the plan goes to the buddy")
        assertEquals(preview, planTexts[0].body, "word for word what the form showed")
        val wake = started.effects.filterIsInstance<Effect.ScheduleWake>().single { it.id == "checkin" }
        assertTrue(wake.at.isAfter(phone.clock.now) && !wake.at.isAfter(phone.clock.now.plus(Duration.ofMinutes(15))))
        val running = started.checkin().running!!
        assertEquals(900u, running.card.dueInSeconds)

        // The phone is locked and in a pocket; the deadline and the grace pass.
        phone.send(AppEvent.Panic)
        phone.clock.advance(Duration.ofMinutes(40))
        phone.effects.clear()
        val missed = phone.send(AppEvent.WakeFired("checkin"))
        assertTrue(missed.view.screen is Screen.Lock)
        val alerts = missed.effects.filterIsInstance<Effect.SendSms>()
        // The alert, then (every buddy having been alerted) the ask to call 999: each once.
        assertEquals(1, alerts.count { it.body.startsWith("Waymark ALERT") }, "$alerts")
        assertEquals(1, alerts.count { it.body.startsWith("Waymark: I still haven't checked in") && it.body.contains("call 999") }, "$alerts")
        assertEquals(2, alerts.size, "$alerts")
        assertEquals(listOf(buddyNumber), alerts.map { it.to }.distinct())
        // The person's notices were handed to the phone when the check-in started, for their
        // moments; they are not shown a second time now.
        val notes = started.effects.filterIsInstance<Effect.ScheduleNotification>()
        assertEquals(setOf("checkin.soon", "checkin.due", "checkin.missed", "checkin.call-999"), notes.map { it.id }.toSet())
        assertTrue(notes.any { it.id == "checkin.call-999" && it.body == "Open the app now." }, "999 is offered: $notes")
        assertTrue(notes.none { it.body.contains("station") || it.body.contains("Alex") || it.title.contains("station") }, "the lock screen shows nothing personal")
        assertTrue(missed.effects.none { it is Effect.ShowNotification }, "${missed.effects}")
        assertEquals("999", missed.view.emergency.number)
        assertTrue(missed.view.emergency.prominent, "999 drawn large on the lock screen")
        assertEquals("If you are in danger, call 999 now.", missed.view.emergency.urgentText)
        assertEquals(listOf<Effect>(Effect.Dial("999")), phone.send(AppEvent.CallEmergency).effects)

        // Each text exactly once: more wake-ups, ticks, and unlocking send nothing again.
        repeat(2) { phone.send(AppEvent.WakeFired("checkin")); phone.send(AppEvent.Tick) }
        phone.clock.advance(Duration.ofMinutes(5))
        phone.send(AppEvent.Foregrounded)
        assertTrue(phone.pin(PIN).view.screen is Screen.Home)
        repeat(2) { phone.send(AppEvent.WakeFired("checkin")); phone.send(AppEvent.Tick) }
        val sms = phone.effects.filterIsInstance<Effect.SendSms>()
        assertEquals(alerts.map { it.id }, sms.map { it.id }, "nothing more after the alert round: $sms")

        // Buddies are being alerted: only "I'm safe" tells them; it does, once.
        val alerting = phone.send(AppEvent.Open(Destination.CHECK_IN)).checkin().running!!
        assertEquals(null, alerting.card.stopLabel, "cannot be quietly called off now")
        val safe = phone.send(AppEvent.CheckInSafe)
        assertEquals(null, safe.checkin().running)
        assertFalse(safe.view.emergency.prominent)
        phone.send(AppEvent.Tick)
        val allClear = phone.effects.filterIsInstance<Effect.SendSms>().drop(alerts.size)
        assertEquals(1, allClear.size, "$allClear")
        assertEquals(buddyNumber, allClear[0].to)
        assertTrue(allClear[0].body.contains("OK") || allClear[0].body.contains("safe"), allClear[0].body)
    }
}
