package org.waymark

import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.waymark.ffi.ArmedCheckIn
import org.waymark.ffi.CheckInEventKind
import org.waymark.ffi.CheckInExpect
import org.waymark.ffi.CheckInPlan
import org.waymark.ffi.CheckInState
import org.waymark.ffi.EventRecipient
import org.waymark.ffi.Vault
import org.waymark.ffi.WaymarkException

/**
 * The check-in of a LOCKED vault, without the PIN: what the phone's wake-ups and the lock
 * screen's "I'm safe" use. Then, after unlocking, what it did is folded into the log.
 */
class ArmedCheckInTest {
    private val duressPin = "975310"

    private fun copyTree(from: Path, to: Path) {
        Files.walk(from).use { paths ->
            paths.forEach { p -> Files.copy(p, to.resolve(from.relativize(p).toString())) }
        }
    }

    @Test
    fun lockedTickWakeAndCheckInThenFoldedIntoTheLogOnUnlock() {
        val clock = TestClock()
        val prf = inMemoryPrf()
        val dir = tempVaultDir()
        val created = newVaultIn(dir, clock, prf)
        created.vault.setDuressSecret(PIN, duressPin)
        val safety = created.vault.safety()
        safety.addContact(buddy("Alex", "07700 900123"))
        safety.addContact(buddy("Sam", "07700 900456"))
        val plan = safety.startCheckin(CheckInPlan(destination = "the station", expect = CheckInExpect.WithinMinutes(30u)))
        val entriesBefore = created.vault.incidentLog().verify().entries
        created.vault.lock()
        assertThrows<WaymarkException.Locked> { safety.currentCheckin() }

        val armed = ArmedCheckIn.open(dir.toString(), prf, clock)
        val wake = checkNotNull(armed.nextWake()) { "a wake-up" }
        assertTrue(!wake.isAfter(plan.alertAt), "woken before the first buddy would be alerted")
        // The plan texts go out while the phone is locked, once.
        val sent = armed.tick()
        assertEquals(setOf("Alex", "Sam"), sent.filter { it.kind == CheckInEventKind.PLAN }.map { (it.to as EventRecipient.Buddy).name }.toSet())
        assertTrue(armed.tick().isEmpty(), "each event once")

        // Two identical phones: one checks in with the PIN, the other (coerced) with the duress PIN.
        clock.advance(Duration.ofMinutes(10))
        val coercedDir = Files.createTempDirectory("waymark-kt").resolve("coerced")
        copyTree(dir, coercedDir)
        assertThrows<WaymarkException.WrongSecret> { armed.checkIn("000000") }
        val honest = armed.checkIn(PIN)
        val coercedArmed = ArmedCheckIn.open(coercedDir.toString(), prf, clock)
        val coerced = coercedArmed.checkIn(duressPin)
        assertEquals(CheckInState.CHECKED_IN, honest)
        assertEquals(honest, coerced, "the screen cannot tell them apart")
        // The shell sends whatever the next tick gives, without knowing which PIN was typed:
        // the honest phone sends the all-clear, the coerced one the urgent alert and NO all-clear.
        val allClear = armed.tick()
        assertEquals(listOf(CheckInEventKind.ALL_CLEAR, CheckInEventKind.ALL_CLEAR), allClear.map { it.kind })
        assertEquals(setOf("Alex", "Sam"), allClear.map { (it.to as EventRecipient.Buddy).name }.toSet())
        assertTrue(armed.tick().isEmpty(), "each text once")
        val urgent = coercedArmed.tick()
        assertEquals(listOf(CheckInEventKind.ALERT, CheckInEventKind.ALERT), urgent.map { it.kind })
        assertEquals(setOf("Alex", "Sam"), urgent.map { (it.to as EventRecipient.Buddy).name }.toSet())
        assertTrue(urgent.all { it.text.startsWith("Waymark URGENT") }, "${urgent.map { it.text }}")
        assertTrue(coercedArmed.tick().isEmpty())

        // Unlocked again (another launch of the app): the locked check-in is folded into the log.
        safety.close()
        created.vault.close()
        val vault = Vault.open(dir.toString(), prf, clock)
        vault.unlock(PIN)
        val unlocked = vault.safety()
        unlocked.reconcileArmed()
        val history = unlocked.checkinHistory()
        assertEquals(listOf(CheckInState.CHECKED_IN), history.map { it.state })
        assertTrue(CheckInState.CHECKED_IN in history[0].history.map { it.state })
        val log = vault.incidentLog().verify()
        assertTrue(log.entries > entriesBefore, "the plan texts and the check-in are in the signed log")
        assertTrue(unlocked.tick(clock.now.plus(Duration.ofHours(2))).isEmpty(), "the all-clear texts are not sent a second time")
        assertEquals(null, unlocked.nextWake(), "nothing left to wake up for")
    }

    @Test
    fun withNoCheckInRunningThereIsNothingToDo() {
        val clock = TestClock()
        val prf = inMemoryPrf()
        val dir = tempVaultDir()
        newVaultIn(dir, clock, prf).vault.lock()
        val armed = ArmedCheckIn.open(dir.toString(), prf, clock)
        assertEquals(null, armed.nextWake())
        assertTrue(armed.tick().isEmpty())
        assertThrows<WaymarkException.NotFound> { armed.checkIn(PIN) }
        assertThrows<WaymarkException.NotFound> { ArmedCheckIn.open(tempVaultDir().toString(), prf, clock) }
    }
}
