package org.waymark

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.waymark.app.BufferedLogSink
import org.waymark.app.EmergencyCall
import org.waymark.ffi.IncidentChanges
import org.waymark.ffi.LogLevel
import org.waymark.ffi.clearLogSink
import org.waymark.ffi.setLogSink
import org.waymark.ffi.waymarkVersion

class ShellTest {
    @Test
    fun emergencyDialRequestGoesToTheDiallerAsATelUri() {
        assertEquals("tel:999", EmergencyCall.dialRequest().uri)
        assertEquals("tel:08088020300", EmergencyCall.dialRequest("0808 802 0300").uri)
        for (bad in listOf("", "999;evil", "999?x=1", "tel:999", "9".repeat(21))) {
            assertThrows<IllegalArgumentException> { EmergencyCall.dialRequest(bad) }
        }
        assertTrue(EmergencyCall.SILENT_SOLUTION_HINT.contains("55"))
    }

    @Test
    fun coreLogEventsReachAKotlinSinkWithoutPersonalData() {
        val sink = BufferedLogSink()
        assertTrue(setLogSink(sink, LogLevel.DEBUG))
        try {
            val created = newVault()
            val log = created.vault.incidentLog()
            val i = log.record(incident("Krzysztof stood by the gate at Nowy Świat 12"))
            log.amend(i.id, IncidentChanges(attributedTo = "Krzysztof"))
            created.vault.lock()
            runCatching { created.vault.unlock("111111") }
            val events = sink.snapshot()
            assertTrue(events.size >= 3, "events: $events")
            assertTrue(events.all { it.target.startsWith("waymark") })
            for (e in events) {
                for (word in listOf("Krzysztof", "Nowy", "Świat", PIN, "111111", created.recoveryCode)) {
                    assertFalse(e.message.contains(word), "leaks '$word': $e")
                }
            }
        } finally {
            clearLogSink()
        }
    }

    @Test
    fun versionComesFromRust() {
        assertEquals("0.1.0", waymarkVersion())
    }
}
