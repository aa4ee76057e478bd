package org.waymark

import java.time.Instant
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.waymark.ffi.IncidentChanges
import org.waymark.ffi.IncidentKind
import org.waymark.ffi.ListFilter
import org.waymark.ffi.NewIncident
import org.waymark.ffi.Place
import org.waymark.ffi.WaymarkException
import org.waymark.ffi.feelingLabel
import org.waymark.ffi.incidentKindLabel

class IncidentLogTest {
    private val polish = "Zażółć gęślą jaźń — stał pod klatką o 22:00"
    private val urdu = "وہ میرے گھر کے باہر کھڑا تھا"
    private val emoji = "He left flowers 💐 again 😨 at the door 🚪"

    @Test
    fun logAndListNonAsciiTextExactly() {
        val log = newVault().vault.incidentLog()
        val recorded = listOf(polish, urdu, emoji).mapIndexed { i, text ->
            log.record(
                NewIncident(
                    kind = IncidentKind.TURNED_UP_HOME,
                    occurredAt = Instant.parse("2026-05-2${i}T21:00:00Z"),
                    description = text,
                    place = Place(label = "Łódź, ulica Piotrkowska", lat = 51.7592, lon = 19.4560),
                    witnesses = listOf("Ewa Wróblewska", "عائشہ"),
                    feeling = 4u,
                    tags = listOf("🚪", "dom"),
                ),
            )
        }
        val listed = log.list(ListFilter())
        assertEquals(3, listed.size)
        // Newest first, byte-for-byte what went in.
        assertEquals(listOf(emoji, urdu, polish), listed.map { it.details.description })
        assertEquals(recorded.reversed(), listed)
        assertEquals("Łódź, ulica Piotrkowska", listed[0].details.place?.label)
        assertEquals(listOf("Ewa Wróblewska", "عائشہ"), listed[0].details.witnesses)

        // Search ignores case and accents (ł is a letter of its own, not an accented l), and
        // works in Urdu script.
        assertEquals(listOf(polish), log.search("GESLA").map { it.details.description })
        assertEquals(listOf(polish), log.search("zazołc").map { it.details.description })
        assertEquals(listOf(urdu), log.search("گھر").map { it.details.description })
        assertEquals(1, log.list(ListFilter(limit = 1u)).size)
        assertEquals(0, log.list(ListFilter(kinds = listOf(IncidentKind.THREATS))).size)
        assertTrue(incidentKindLabel(IncidentKind.TURNED_UP_HOME).isNotBlank())
        assertTrue(feelingLabel(5u).contains("fear"))
    }

    @Test
    fun amendKeepsHistoryRedactRemovesContentAndTheLogVerifies() {
        val log = newVault().vault.incidentLog()
        val first = log.record(incident("Car parked opposite the school"))
        val amended = log.amend(first.id, IncidentChanges(description = "Blue car parked opposite the school", feeling = 3u), "remembered the colour")
        assertEquals("Blue car parked opposite the school", amended.details.description)
        val shown = log.get(first.id)
        assertEquals(listOf("incident.create", "incident.amend"), shown.history.map { it.entryType })
        assertTrue(shown.history[0].detailsJson.contains("Car parked opposite the school"), "the original stays readable")

        val other = log.record(incident("Messages from a new number"))
        log.redact(other.id, "entered by mistake")
        assertThrows<WaymarkException.NotFound> { log.get(other.id) }
        assertEquals(1uL, log.count())

        val report = log.verify()
        assertEquals(4uL, report.entries)
        assertEquals(report.entries, report.treeHead.size)
        assertEquals(32, report.treeHead.root.size)
        assertEquals(32, report.treeHead.publicKey.size)
        assertEquals(64, report.treeHead.signature.size)
    }

    @Test
    fun lockedLogSaysLockedAndBadInputSaysWhy() {
        val created = newVault()
        val log = created.vault.incidentLog()
        val e = assertThrows<WaymarkException.InvalidInput> { log.record(incident("   ")) }
        assertEquals("description", e.field)
        val far = assertThrows<WaymarkException.InvalidInput> { log.record(incident("later", Instant.parse("2099-01-01T00:00:00Z"))) }
        assertEquals("time", far.field)
        assertThrows<WaymarkException.InvalidInput> {
            log.record(incident("nowhere").copy(place = Place(lat = Double.NaN, lon = 0.0)))
        }
        created.vault.lock()
        assertThrows<WaymarkException.Locked> { log.list(ListFilter()) }
        assertThrows<WaymarkException.Locked> { log.record(incident("while locked")) }
    }

    @Test
    fun callsFromManyThreadsAtOnce() {
        val created = newVault()
        val log = created.vault.incidentLog()
        val pool = Executors.newFixedThreadPool(8)
        val futures = (0 until 8).map { t ->
            pool.submit<Unit> {
                repeat(10) { n ->
                    log.record(incident("wątek$t wiadomość $n 📵"))
                    log.list(ListFilter(limit = 3u))
                    created.vault.status()
                }
            }
        }
        futures.forEach { it.get(60, TimeUnit.SECONDS) }
        pool.shutdown()
        assertEquals(80uL, log.count())
        assertEquals(80uL, log.verify().entries)
        assertEquals(10, log.search("watek3").size)
        assertNull(created.vault.status().lockedUntil)
    }
}
