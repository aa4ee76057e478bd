package org.waymark

import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.waymark.app.model.AppConfig
import org.waymark.app.model.AppCore
import org.waymark.app.model.AppEvent
import org.waymark.app.model.AppUpdate
import org.waymark.app.model.Destination
import org.waymark.app.model.Effect
import org.waymark.app.model.ExportKind
import org.waymark.app.model.QuickKind
import org.waymark.app.model.Screen
import org.waymark.app.model.SmsAbility
import org.waymark.ffi.KeyDerivation
import org.waymark.ffi.Vault
import org.waymark.ffi.openApp

/**
 * The report export through the app model, as the Android shell runs it: StartExport asks for
 * RunWork, the shell calls the blocking runWork on a worker thread and redraws the progress
 * card from view() meanwhile, then shares the file. (Cancelling half-way with nothing left is
 * tested deterministically with a ProgressListener in ReportsTest.)
 */
class ExportJourneyTest {
    private fun AppCore.pin(pin: String): AppUpdate {
        pin.forEach { dispatch(AppEvent.PinDigit(it.digitToInt().toUByte())) }
        return dispatch(AppEvent.PinSubmit)
    }

    @Test
    fun aReportExportedWithProgressThenShared() {
        val clock = TestClock()
        val prf = inMemoryPrf()
        val dir = tempVaultDir()
        val app = openApp(
            dir.toString(), prf, KeyDerivation.MinimalForTestsOnly,
            AppConfig(language = "en-GB", region = "GB", sms = SmsAbility.SEND_SILENTLY, utcOffsetMinutes = 0),
            clock,
        )
        app.dispatch(AppEvent.Started)
        app.dispatch(AppEvent.SetupStart)
        app.pin(PIN)
        val shown = (app.pin(PIN).view.screen as Screen.FirstRun).setup
        val ask = (app.dispatch(AppEvent.RecoveryCodeWritten).view.screen as Screen.FirstRun).setup
        app.dispatch(AppEvent.RecoveryCodeTyped(shown.recoveryGroups[ask.body.first { it.isDigit() }.digitToInt() - 1]))
        repeat(4) { app.dispatch(AppEvent.SetupSkip) }  // buddy, duress PIN, location, disguise
        app.dispatch(AppEvent.Open(Destination.HOME))
        val kinds = listOf(QuickKind.FOLLOWED, QuickKind.WATCHING, QuickKind.THREATS)
        repeat(6) {
            app.dispatch(AppEvent.QuickLog(kinds[it % 3]))
            clock.advance(Duration.ofHours(1))
            app.dispatch(AppEvent.Tick)
        }
        val logBefore = Vault.open(dir.toString(), prf, clock).use { it.unlock(PIN); it.incidentLog().count() }
        assertEquals(6uL, logBefore)

        val screen = app.dispatch(AppEvent.Open(Destination.EXPORT)).view.screen as Screen.Export
        assertTrue(screen.export.optionsEnabled)
        assertTrue(screen.export.warning.isNotBlank(), "the file is not locked: said before sending")
        assertEquals(listOf(ExportKind.REPORT, ExportKind.BUNDLE_ZIP, ExportKind.RECEIPT), screen.export.options.map { it.what })

        val started = app.dispatch(AppEvent.StartExport(ExportKind.REPORT))
        val id = started.effects.filterIsInstance<Effect.RunWork>().single().id
        assertEquals(id, started.view.work!!.id)
        assertEquals(0.0, started.view.work!!.fraction)

        // The shell: runWork on a worker thread, the progress card redrawn from view() meanwhile.
        val worker = Executors.newSingleThreadExecutor()
        val done = worker.submit<AppUpdate> { app.runWork(id) }
        val seen = mutableListOf<Double>()
        while (!done.isDone) {
            app.view().work?.let { seen += it.fraction }
            Thread.sleep(2)
        }
        val finished = done.get(120, TimeUnit.SECONDS)
        worker.shutdown()
        assertTrue(seen.zipWithNext().all { (a, b) -> b >= a }, "the bar never goes back: $seen")
        assertTrue(seen.all { it in 0.0..1.0 })
        assertEquals(null, finished.view.work, "the card goes when the work is done")

        val share = finished.effects.filterIsInstance<Effect.ShareFile>().single()
        assertEquals("application/pdf", share.mime)
        val pdf = Path.of(share.path)
        assertArrayEquals("%PDF".toByteArray(), Files.readAllBytes(pdf).copyOfRange(0, 4))
        val ready = (finished.view.screen as Screen.Export).export.ready
        assertTrue(ready != null && ready.shareLabel.isNotBlank())
        // The export is noted in the signed log.
        Vault.open(dir.toString(), prf, clock).use { vault ->
            vault.unlock(PIN)
            assertTrue(vault.incidentLog().verify().entries > 6uL)
        }
        // Sharing again offers the same file.
        assertEquals(listOf(share), app.dispatch(AppEvent.ShareExport).effects.filterIsInstance<Effect.ShareFile>())
        // Locking sweeps the plaintext export away.
        app.dispatch(AppEvent.Panic)
        assertTrue(!Files.exists(pdf), "a report is not left readable after the app locks")
    }
}
