package org.waymark

import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.time.Instant
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.waymark.ffi.BundleVerifyReport
import org.waymark.ffi.CancelHandle
import org.waymark.ffi.CaptureMethod
import org.waymark.ffi.CreatedVault
import org.waymark.ffi.IncidentKind
import org.waymark.ffi.NewEvidence
import org.waymark.ffi.NewIncident
import org.waymark.ffi.ProgressStage
import org.waymark.ffi.ReportOptions
import org.waymark.ffi.TrendDirection
import org.waymark.ffi.WaymarkException
import org.waymark.ffi.verifyBundle

/** The PDF report, bundles, receipts and insights, with progress and cancel from Kotlin. */
class ReportsTest {
    private val days = (0L until 3L).map { Instant.parse("2026-05-20T18:30:00Z").plus(Duration.ofDays(it)) }

    /** Three incidents by the same person, one with a photo. */
    private fun vaultWithALog(dir: Path = tempVaultDir()): Pair<CreatedVault, List<String>> {
        val created = newVaultIn(dir)
        val log = created.vault.incidentLog()
        val ids = days.mapIndexed { i, at ->
            log.record(
                NewIncident(
                    kind = IncidentKind.FOLLOWED, occurredAt = at,
                    description = "Szedł za mną od przystanku (day $i)", feeling = 3u, attributedTo = "Z.",
                ),
            ).id
        }
        val photo = Files.createTempDirectory("waymark-in").resolve("car.jpg")
        Files.write(photo, ByteArray(2048) { (it % 7).toByte() })
        val store = created.vault.evidenceStore()
        store.attach(store.addFile(photo.toString(), NewEvidence(how = CaptureMethod.IMPORT)).id, ids[0])
        return created to ids
    }

    private fun options() = ReportOptions(utcOffsetMinutes = 60)

    @Test
    fun aReportWithProgressAndOneCancelledHalfWayThatLeavesNothing() {
        val dir = tempVaultDir()
        val (created, _) = vaultWithALog(dir)
        val reports = created.vault.reports()
        val out = Files.createTempDirectory("waymark-out")
        val pdf = out.resolve("report.pdf")
        val vaultFiles = filesUnder(dir)
        val logSize = created.vault.incidentLog().count()

        val cancel = CancelHandle()
        val half = ProgressRecorder(cancelAt = 0.5, cancel = cancel)
        assertThrows<WaymarkException.Cancelled> { reports.exportReport(pdf.toString(), options(), half, cancel) }
        assertTrue(half.fractions().any { it >= 0.5 } && half.fractions().all { it < 1.0 }, "stopped half-way: ${half.fractions()}")
        assertEquals(emptySet<String>(), filesUnder(out), "no file, not even a temporary one")
        assertEquals(vaultFiles, filesUnder(dir), "nothing new in the vault folder")
        assertEquals(logSize, created.vault.incidentLog().count())

        val progress = ProgressRecorder()
        assertEquals(3uL, reports.exportReport(pdf.toString(), options(), progress, null))
        val bytes = Files.readAllBytes(pdf)
        assertArrayEquals("%PDF".toByteArray(), bytes.copyOfRange(0, 4))
        val fractions = progress.fractions()
        assertTrue(fractions.size >= 3, "$fractions")
        assertTrue(fractions.zipWithNext().all { (a, b) -> b >= a }, "rising, never back: $fractions")
        assertTrue(fractions.first() < 0.5)
        assertEquals(1.0, fractions.last())
        val stages = progress.seen().map { it.first }.toSet()
        assertTrue(ProgressStage.RENDERING_REPORT in stages && ProgressStage.WRITING_FILE in stages, "$stages")

        // A report never replaces a file.
        val again = assertThrows<WaymarkException.InvalidInput> { reports.exportReport(pdf.toString(), options(), null, null) }
        assertTrue(again.reason.contains("already exists"), again.reason)
        assertArrayEquals(bytes, Files.readAllBytes(pdf))
    }

    @Test
    fun bundlesAsAFolderAndAZipVerifyAndATamperedOneIsRefused() {
        val (created, ids) = vaultWithALog()
        val reports = created.vault.reports()
        val out = Files.createTempDirectory("waymark-out")
        val checks = mutableListOf<BundleVerifyReport>()
        for (name in listOf("bundle", "bundle.zip")) {
            val path = out.resolve(name).toString()
            val summary = reports.exportBundle(path, listOf(), "Advocate", null, null)
            assertEquals(name.endsWith(".zip"), summary.zip)
            assertEquals(ids.toSet(), summary.incidents.toSet())
            assertEquals(1uL, summary.evidenceFiles)
            val progress = ProgressRecorder()
            val check = verifyBundle(path, progress, null)
            assertTrue(check.ok, "${check.firstFailure}")
            assertEquals(summary.keyFingerprint, check.keyFingerprint)
            assertEquals(3uL, check.incidents)
            assertEquals(1uL, check.evidenceFiles)
            assertEquals("Advocate", check.recipient)
            assertTrue(progress.fractions().zipWithNext().all { (a, b) -> b >= a })
            assertEquals(ProgressStage.CHECKING_BUNDLE to 1.0, progress.seen().last())
            checks += check
        }
        assertTrue(Files.isRegularFile(out.resolve("bundle/manifest.json")))
        assertThrows<WaymarkException> { reports.exportBundle(out.resolve("bundle").toString(), listOf(), null, null, null) }

        // One changed character in the incidents, in the folder: refused, and it says why.
        val incidents = out.resolve("bundle/incidents.json")
        val text = Files.readString(incidents)
        assertTrue(text.contains("day 1"))
        Files.writeString(incidents, text.replace("day 1", "day 7"))
        val tampered = verifyBundle(out.resolve("bundle").toString(), null, null)
        assertFalse(tampered.ok)
        assertNotNull(tampered.firstFailure)
        assertTrue(tampered.checks.any { !it.ok })

        // One flipped byte in the middle of the ZIP: refused too (as a failed check or an error).
        val zip = out.resolve("bundle.zip")
        val zipBytes = Files.readAllBytes(zip)
        zipBytes[zipBytes.size / 2] = (zipBytes[zipBytes.size / 2].toInt() xor 0x5a).toByte()
        Files.write(zip, zipBytes)
        val refused = try {
            !verifyBundle(zip.toString(), null, null).ok
        } catch (e: WaymarkException.Integrity) {
            true
        }
        assertTrue(refused, "a changed ZIP must not pass")

        assertThrows<WaymarkException.NotFound> { verifyBundle(out.resolve("no such bundle").toString(), null, null) }
    }

    @Test
    fun aReceiptThenVerifySinceAndInsights() {
        val (created, _) = vaultWithALog()
        val reports = created.vault.reports()
        val receipt = reports.receipt()
        val before = reports.verifySince(receipt)
        assertEquals(0uL, before.addedSince)
        assertEquals(before.receiptEntries, before.currentEntries)

        val log = created.vault.incidentLog()
        log.record(incident("Stał pod oknem", at = Instant.parse("2026-05-31T21:00:00Z")))
        reports.exportReport(Files.createTempDirectory("waymark-out").resolve("r.pdf").toString(), options(), null, null)
        val since = reports.verifySince(receipt)
        assertEquals(2uL, since.addedSince, "one incident and the note of the export")
        assertEquals(since.receiptEntries + 2uL, since.currentEntries)

        // A receipt that was changed is refused, as is one from another vault.
        val altered = receipt.replace(Regex("entries: (\\d+)")) { "entries: ${it.groupValues[1].toLong() - 1}" }
        assertTrue(altered != receipt)
        assertThrows<WaymarkException.Integrity> { reports.verifySince(altered) }
        val other = vaultWithALog().first.vault.reports()
        assertThrows<WaymarkException.Integrity> { other.verifySince(receipt) }

        val insights = reports.insights(60)
        assertEquals(4uL, insights.incidentCount)
        assertEquals(24, insights.byHour.size)
        assertEquals(7, insights.byDayOfWeek.size)
        assertEquals(4u, insights.byHour.sum())
        // 18:30 UTC at UTC+1 is 19:30, three times; 21:00 UTC is 22:00.
        assertEquals(3u, insights.byHour[19])
        assertEquals(1u, insights.byHour[22])
        assertTrue(insights.safetyNote.isNotBlank())
        assertEquals(listOf("Z."), insights.courseOfConduct.map { it.person })
        assertTrue(insights.courseOfConduct[0].meetsCount, "three incidents by one person are a course of conduct")
        assertTrue(insights.rateTrend.direction in TrendDirection.values().toSet())
        assertThrows<WaymarkException.InvalidInput> { reports.insights(100_000) }

        created.vault.lock()
        assertThrows<WaymarkException.Locked> { reports.receipt() }
    }
}
