package org.waymark.android.app

import android.content.Intent
import java.io.File
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode
import org.waymark.app.model.Screen
import org.waymark.app.model.SetupStep
import org.waymark.ffi.ListFilter
import org.waymark.ffi.IncidentKind
import org.waymark.ffi.Vault
import java.time.Duration

const val PIN = "428613"

/** First run up to home, through the real screens. Returns the recovery code that was shown. */
fun Driver.firstRun(shoot: Boolean = false): String {
    fun snap(name: String) { if (shoot) Screens.shoot(activity, name) }
    snap("01-welcome")
    tap("setup-primary")
    snap("02-choose-pin")
    pin(PIN)
    snap("03-confirm-pin")
    pin(PIN)
    val code = text("recovery-code")
    snap("04-recovery-code")
    tap("setup-primary")
    snap("05-confirm-recovery-code")
    // The screen asks for one group of the code (its body says which): the person types it.
    val groups = code.trim().split(Regex("\\s+"))
    for (g in groups) {
        type("recovery", g)
        tap("setup-primary")
        if (((screen() as Screen.FirstRun).setup.step) != SetupStep.CONFIRM_RECOVERY_CODE) break
    }
    assertEquals(SetupStep.BUDDY, (screen() as Screen.FirstRun).setup.step)
    snap("06-buddy")
    type("buddy-name", "Sam")
    type("buddy-phone", "07700 900123")
    tap("setup-primary")
    snap("07-duress")
    tap("setup-secondary")
    snap("08-location")
    tap("setup-secondary")
    // The name and icon on the home screen: the person picks "Notes".
    assertEquals(SetupStep.DISGUISE, (screen() as Screen.FirstRun).setup.step)
    snap("08b-disguise")
    tap("disguise-notes")
    snap("09-done")
    tap("setup-primary")
    return code
}

fun Driver.screen(): Screen = app.shell.core.view().screen

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34], application = TestApp::class, qualifiers = "w360dp-h780dp-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class JourneysTest {
    @Test
    fun firstRunShowsTheRecoveryCodeOnceThenHome() {
        val d = Driver().start()
        assertTrue(d.screen() is Screen.FirstRun)
        val code = d.firstRun()
        assertEquals(7, code.trim().split(Regex("\\s+")).size)
        assertTrue("home after set-up", d.screen() is Screen.Home)
        assertFalse("the code is not shown again", d.texts().any { it.contains(code) })
        // The disguise chosen at set-up is the one launcher entry now.
        assertEquals(org.waymark.app.model.Disguise.NOTES, DisguiseSwitcher.current(d.app))
        // The vault exists in no-backup storage and opens with the PIN.
        val vault = Vault.open(d.app.vaultDir().path, d.app.prf(), d.app.clock)
        vault.unlock(PIN)
        assertTrue(vault.isUnlocked())
    }

    @Test
    fun aQuickLogFromHomeTakesOneTapAndIsInTheVault() {
        val d = Driver().start()
        d.firstRun()
        d.taps = 0
        d.tap("quick-followed")
        assertTrue("at most 2 taps", d.taps <= 2)
        assertNotNull(d.find("logged"))
        val vault = Vault.open(d.app.vaultDir().path, d.app.prf(), d.app.clock)
        vault.unlock(PIN)
        val logged = vault.incidentLog().list(ListFilter())
        assertEquals(listOf(IncidentKind.FOLLOWED), logged.map { it.details.kind })
        // And it is in the recent list on home.
        assertNotNull(d.find("recent-${logged.single().id}"))
    }

    @Test
    fun wrongPinSixTimesCountsDownAndNeverUnlocks() {
        val d = Driver().start()
        d.firstRun()
        d.tap("lock-now")
        assertTrue(d.screen() is Screen.Lock)
        repeat(5) { d.pin("111111") }
        val lock = (d.screen() as Screen.Lock).lock
        val wait = lock.retryInSeconds
        assertNotNull("a wait after five wrong PINs", wait)
        assertFalse("the pad is off while waiting", d.view("pin-1").isEnabled)
        val before = d.text("lock-message")
        d.wait(Duration.ofSeconds(10))
        val after = (d.screen() as Screen.Lock).lock.retryInSeconds!!
        assertTrue("counts down: $wait then $after", after < wait!!)
        assertFalse("the message shows the new time", before == d.text("lock-message"))
        d.wait(Duration.ofSeconds(after.toLong()))
        assertTrue(d.view("pin-1").isEnabled)
        d.pin("222222")
        assertTrue("still locked after six wrong PINs", d.screen() is Screen.Lock)
        assertNotNull((d.screen() as Screen.Lock).lock.retryInSeconds)
    }

    @Test
    fun the999ButtonOnTheLockScreenOpensTheDiallerWithoutUnlocking() {
        val d = Driver().start()
        d.firstRun()
        d.tap("lock-now")
        d.tap("call-999")
        val dial = shadowOf(d.activity).nextStartedActivity
        assertEquals(Intent.ACTION_DIAL, dial.action)
        assertEquals("tel:999", dial.data.toString())
        assertTrue("still locked", d.screen() is Screen.Lock)
        // Help numbers too, without unlocking.
        d.tap("help")
        assertTrue(d.screen() is Screen.Help)
    }

    @Test
    fun autoLockAfterTheBackground() {
        val d = Driver().start()
        d.firstRun()
        assertTrue(d.screen() is Screen.Home)
        d.controller.pause().stop()
        d.settle()
        assertEquals("covered in the background", android.view.View.VISIBLE, d.view("cover").visibility)
        d.app.clock.advance(Duration.ofMinutes(10))
        d.controller.start().resume()
        d.settle()
        assertTrue("locked after the delay", d.screen() is Screen.Lock)
        assertNotNull(d.find("pin-1"))
    }

    @Test
    fun aPhotoFromTheCameraIsStoredEncryptedAndItsFileIsGone() {
        val d = Driver().start()
        d.firstRun()
        d.tap("quick-followed")
        val photo = d.takePhoto()
        assertEquals("the camera's file is gone", 0, VaultFileProvider.captureDir(d.activity).listFiles()?.size ?: 0)
        val vault = Vault.open(d.app.vaultDir().path, d.app.prf(), d.app.clock)
        vault.unlock(PIN)
        val items = vault.evidenceStore().list()
        assertEquals(1, items.size)
        assertEquals(photo.size.toULong(), items.single().size)
        for (f in d.app.vaultDir().walkTopDown().filter { it.isFile }) {
            assertFalse("plain photo bytes in ${f.name}", String(f.readBytes(), Charsets.ISO_8859_1).contains(PHOTO_MARKER))
        }
        // Nothing of the photo anywhere else in the app's files either.
        for (f in d.activity.filesDir.parentFile!!.walkTopDown().filter { it.isFile }) {
            assertFalse("plain photo bytes in ${f.path}", String(f.readBytes(), Charsets.ISO_8859_1).contains(PHOTO_MARKER))
        }
    }

    /**
     * "Record a video": the system camera (ACTION_VIDEO_CAPTURE) records into the app's own
     * provider file; it is streamed into the vault in pieces, listed as a video, and the plain
     * file is gone.
     */
    @Test
    fun aVideoFromTheCameraIsStoredEncryptedListedAsAVideoAndItsFileIsGone() {
        val d = Driver().start()
        d.firstRun()
        d.tap("quick-turned_up_home")
        val video = d.recordVideo()
        assertEquals("the camera's file is gone", 0, VaultFileProvider.captureDir(d.activity).listFiles()?.size ?: 0)
        assertEquals("Video added.", d.app.shell.core.view().banner?.text)
        val id = (d.screen() as Screen.Home).home.recent.single().id
        d.tap("recent-$id")
        val row = (d.screen() as Screen.Incident).incident.evidence.single()
        assertEquals("Video", row.label)
        assertEquals("video/mp4", row.mediaType)
        assertEquals(video.size.toULong(), row.size)
        for (f in d.activity.filesDir.parentFile!!.walkTopDown().filter { it.isFile }) {
            assertFalse("plain video bytes in ${f.path}", String(f.readBytes(), Charsets.ISO_8859_1).contains(VIDEO_MARKER))
        }
        val vault = Vault.open(d.app.vaultDir().path, d.app.prf(), d.app.clock)
        vault.unlock(PIN)
        val out = File(d.app.filesDir, "check.mp4")
        vault.evidenceStore().extractToPath(row.id, out.path, null, null)
        assertTrue("read back byte for byte", out.readBytes().contentEquals(video))
        out.delete()
    }

    @Test
    fun anIncidentOpensFromHomeAndAnEditKeepsItsHistory() {
        val d = Driver().start()
        d.firstRun()
        d.tap("quick-followed")
        val id = (d.screen() as Screen.Home).home.recent.single().id
        d.tap("recent-$id")
        val before = (d.screen() as Screen.Incident).incident
        assertEquals(id, before.id)
        assertEquals(1, before.history.size)
        (d.view("field-incident-description") as android.widget.EditText).setText("Grey car from the station")
        d.type("reason", "Added what happened")
        d.tap("kind-watching")
        d.tap("incident-save")
        val after = (d.screen() as Screen.Incident).incident
        assertEquals(IncidentKind.WATCHING.name, after.kind.name)
        assertEquals("Grey car from the station", after.description)
        assertEquals("the edit is a new step; the original stays", 2, after.history.size)
        assertNotNull(d.find("history-1"))
        // In the vault: the incident now says it, and its history keeps the first version.
        val vault = Vault.open(d.app.vaultDir().path, d.app.prf(), d.app.clock)
        vault.unlock(PIN)
        val rec = vault.incidentLog().list(ListFilter()).single()
        assertEquals("Grey car from the station", rec.details.description)
        vault.lock()
        // Removed: a redaction, gone from home.
        d.type("reason", "Logged by mistake")
        d.tap("incident-remove")
        d.tap("back")
        assertTrue(d.screen() is Screen.Home)
        assertTrue((d.screen() as Screen.Home).home.recent.isEmpty())
    }

    @Test
    fun aReportIsExportedAndSharedThroughTheAppsOwnProvider() {
        val d = Driver().start()
        d.firstRun()
        d.tap("quick-followed")
        val send = d.exportReport()
        assertEquals(Intent.ACTION_SEND, send.action)
        assertEquals("application/pdf", send.type)
        @Suppress("DEPRECATION")
        val uri = send.getParcelableExtra<android.net.Uri>(Intent.EXTRA_STREAM)!!
        assertEquals(VaultFileProvider.AUTHORITY, uri.authority)
        assertTrue("read permission handed over", send.flags and Intent.FLAG_GRANT_READ_URI_PERMISSION != 0)
        val pdf = d.activity.contentResolver.openInputStream(uri)!!.use { it.readBytes() }
        assertEquals("%PDF", String(pdf, 0, 4, Charsets.US_ASCII))
        // The file sits in the export folder beside the vault, not in shared storage.
        val exports = VaultFileProvider.shareDir(d.activity)
        assertEquals(d.app.vaultDir().parentFile, exports.parentFile)
        assertEquals(1, exports.listFiles()!!.size)
    }
}
