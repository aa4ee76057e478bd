package org.waymark

import java.time.Duration
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.waymark.ffi.CheckInEvent
import org.waymark.ffi.CheckInEventKind
import org.waymark.ffi.CheckInExpect
import org.waymark.ffi.CheckInLocation
import org.waymark.ffi.CheckInPlan
import org.waymark.ffi.CheckInState
import org.waymark.ffi.ChecklistStatus
import org.waymark.ffi.ContactRole
import org.waymark.ffi.EventRecipient
import org.waymark.ffi.SmsEncoding
import org.waymark.ffi.WaymarkException

/** Contacts and the check-in, through the real library, as the check-in screen uses them. */
class SafetyTest {
    private fun plan(minutes: UInt, destination: String = "the station") = CheckInPlan(
        destination = destination,
        expect = CheckInExpect.WithinMinutes(minutes),
        graceMinutes = 15u,
        shareLocation = true,
        utcOffsetMinutes = 60,
    )

    private fun List<CheckInEvent>.ofKind(kind: CheckInEventKind) = filter { it.kind == kind }
    private fun CheckInEvent.buddyName() = (to as? EventRecipient.Buddy)?.name

    @Test
    fun contactsAddListEditRemove() {
        val safety = newVault().vault.safety()
        val alex = safety.addContact(buddy("Alex", "07700 900123"))
        assertEquals("+447700900123", alex.phone, "stored in international form")
        assertEquals(listOf(ContactRole.BUDDY), alex.roles)
        safety.addContact(buddy("Zoë Ł.", "07700 900456"))

        val edited = safety.editContact("zoë ł.", buddy("Zoë Łukasiewicz", "+44 7700 900789", ContactRole.EMERGENCY))
        assertEquals("Zoë Łukasiewicz", edited.name)
        assertEquals("+447700900789", edited.phone)
        assertEquals(listOf(ContactRole.EMERGENCY), edited.roles)
        assertEquals(listOf("Alex", "Zoë Łukasiewicz"), safety.contacts().map { it.name }, "in the order added")

        val bad = assertThrows<WaymarkException.InvalidInput> { safety.addContact(buddy("Sam", "12")) }
        assertTrue(bad.field.contains("phone"), bad.field)
        assertEquals(2, safety.contacts().size, "a refused contact changes nothing")

        safety.removeContact(alex.id)
        assertEquals(listOf(edited.id), safety.contacts().map { it.id })
        assertThrows<WaymarkException.NotFound> { safety.removeContact(alex.id) }
    }

    @Test
    fun checkInFromThePlanTextToAllClear() {
        val clock = TestClock()
        val created = newVault(clock)
        val safety = created.vault.safety()
        safety.addContact(buddy("Alex", "07700 900123"))

        // The plan screen: the buddy's text and what it costs, before anything starts.
        val preview = safety.previewCheckin(plan(30u))
        val text = preview.ofKind(CheckInEventKind.PLAN).single()
        assertEquals("Alex", text.buddyName())
        assertEquals("+447700900123", (text.to as EventRecipient.Buddy).phone)
        assertTrue(text.text.contains("the station"), text.text)
        // 09:00 UTC + 30 min, shown at UTC+1; the alert 15 minutes' grace later.
        assertTrue(text.text.contains("10:30") && text.text.contains("10:45"), text.text)
        val sms = checkNotNull(text.sms) { "an SMS length" }
        assertEquals(SmsEncoding.GSM7, sms.encoding)
        assertEquals(text.text.length.toUInt(), sms.units, "plain ASCII costs one septet a character")
        assertEquals(if (sms.units <= 160u) 1u else (sms.units + 152u) / 153u, sms.segments)
        // A character GSM-7 cannot carry makes the whole text UCS-2.
        val emoji = safety.previewCheckin(plan(30u, "Dworzec 🚉")).ofKind(CheckInEventKind.PLAN).single()
        assertEquals(SmsEncoding.UCS2, emoji.sms!!.encoding)
        assertNull(safety.currentCheckin(), "a preview starts nothing")

        val started = safety.startCheckin(plan(30u))
        assertEquals(CheckInState.ACTIVE, started.state)
        assertEquals(listOf("Alex"), started.buddies)
        assertEquals(clock.now.plus(Duration.ofMinutes(30)), started.deadline)
        assertEquals(clock.now.plus(Duration.ofMinutes(45)), started.alertAt)
        assertThrows<WaymarkException.InvalidInput> { safety.startCheckin(plan(30u)) }

        // Tick hands the plan text out once.
        val first = safety.tick()
        assertEquals(text.text, first.ofKind(CheckInEventKind.PLAN).single().text)
        assertTrue(safety.tick().isEmpty(), "each event is handed out once")
        val wake = checkNotNull(safety.nextWake()) { "a wake-up" }
        assertTrue(!wake.isAfter(started.alertAt), "woken by the alert time at the latest")

        assertTrue(safety.recordLocation(CheckInLocation(lat = 51.5033, lon = -0.1196, accuracyM = 15.0, at = clock.now)))
        val newDeadline = safety.extendCheckin(20u)
        assertEquals(started.deadline!!.plus(Duration.ofMinutes(20)), newDeadline)
        val update = safety.tick().ofKind(CheckInEventKind.UPDATE)
        assertEquals(listOf("Alex"), update.map { it.buddyName() }, "the buddy hears of the new time")
        assertEquals(CheckInState.EXTENDED, safety.currentCheckin()!!.state)

        assertEquals(CheckInState.CHECKED_IN, safety.checkIn())
        val status = safety.currentCheckin()
        assertEquals(CheckInState.CHECKED_IN, status?.state)
        assertEquals(
            listOf(CheckInState.PLANNED, CheckInState.ACTIVE, CheckInState.EXTENDED, CheckInState.CHECKED_IN),
            status!!.history.map { it.state },
        )
        // Long after the deadline: nothing goes out for a check-in that is closed.
        assertTrue(safety.tick(clock.now.plus(Duration.ofHours(3))).none { it.kind == CheckInEventKind.ALERT })

        safety.startCheckin(plan(60u, "the gym"))
        safety.cancelCheckin()
        assertEquals(listOf(CheckInState.CHECKED_IN, CheckInState.CANCELLED), safety.checkinHistory().map { it.state }.sorted())
        assertThrows<WaymarkException> { safety.checkIn() }
    }

    @Test
    fun aMissedCheckInAlertsTheBuddyOnceAndOffers999() {
        val clock = TestClock()
        val safety = newVault(clock).vault.safety()
        safety.addContact(buddy("Alex", "07700 900123"))
        safety.startCheckin(plan(10u))
        safety.tick()

        val late = clock.now.plus(Duration.ofHours(1))
        val due = safety.tick(late)
        assertEquals(listOf("Alex"), due.ofKind(CheckInEventKind.ALERT).map { it.buddyName() })
        // 999 is offered to the person on this phone (and suggested to the buddy).
        assertEquals(1, due.ofKind(CheckInEventKind.CALL999_PROMPT).count { it.to == EventRecipient.User })
        assertTrue(due.ofKind(CheckInEventKind.CALL999_PROMPT).filter { it.to != EventRecipient.User }.all { it.buddyName() == "Alex" })
        assertEquals(1, due.ofKind(CheckInEventKind.MISSED).size)
        assertTrue(safety.tick(late).isEmpty(), "no second alert for the same miss")
        assertEquals(CheckInState.ESCALATED, safety.currentCheckin()!!.state)
        // Once a buddy has been alerted the plan cannot be quietly called off, only checked in.
        assertThrows<WaymarkException.InvalidInput> { safety.cancelCheckin() }
        assertEquals(CheckInState.RESOLVED, safety.checkIn())
        assertTrue(safety.tick(late).ofKind(CheckInEventKind.ALL_CLEAR).any { it.buddyName() == "Alex" })
    }

    @Test
    fun theDuressCheckInLooksLikeAnOrdinaryOneButAlertsEveryBuddy() {
        val clock = TestClock()
        val safety = newVault(clock).vault.safety()
        safety.addContact(buddy("Alex", "07700 900123"))
        safety.addContact(buddy("Sam", "07700 900456"))
        safety.startCheckin(plan(30u))
        safety.tick()

        assertEquals(CheckInState.CHECKED_IN, safety.checkInDuress(), "what the screen shows is the same")
        val sent = safety.tick()
        assertEquals(setOf("Alex", "Sam"), sent.ofKind(CheckInEventKind.ALERT).mapNotNull { it.buddyName() }.toSet())
        assertTrue(safety.tick().isEmpty())
    }

    @Test
    fun helpNumbersAndTheChecklistKeptInTheVault() {
        val created = newVault()
        val safety = created.vault.safety()
        assertEquals("GB", safety.helpRegion().code)
        assertEquals("112", safety.setHelpRegion("IE").emergencyNumber)
        assertEquals("IE", safety.helpRegion().code, "the choice is kept")
        val mine = safety.addHelpNumber("Local refuge", "0800 123 456", "nights")
        assertEquals("0800123456", mine.dial, "digits only for the dialler")
        assertEquals(listOf(mine), safety.customHelpNumbers())
        safety.removeHelpNumber("Local refuge")
        assertTrue(safety.customHelpNumbers().isEmpty())
        assertThrows<WaymarkException.InvalidInput> { safety.setHelpRegion("Atlantis") }

        val list = safety.checklist()
        assertTrue(list.isNotEmpty() && list.all { it.status == ChecklistStatus.NotDone })
        val done = safety.checklistDone(list[0].id)
        assertTrue(done.status is ChecklistStatus.Done)
        if (list[0].repeatDays != null) assertNotNull(safety.checklistNextReminder())
        safety.checklistUndo("1")
        assertEquals(ChecklistStatus.NotDone, safety.checklist()[0].status)

        created.vault.lock()
        assertThrows<WaymarkException.Locked> { safety.contacts() }
        assertFalse(created.vault.isUnlocked())
    }
}
