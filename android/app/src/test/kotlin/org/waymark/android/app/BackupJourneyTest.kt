package org.waymark.android.app

import android.app.Activity
import android.content.Intent
import android.net.Uri
import java.io.File
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode
import org.waymark.app.model.Screen
import org.waymark.app.model.SetupStep

/**
 * Backup and restore through the real Activity and the real core: settings makes the backup and
 * hands it to the share sheet; a new phone (another, empty vault folder) restores it at its
 * first run with the recovery code, a new PIN and the system picker, and finds the same
 * incidents. Drawn to PNG in the light theme (the dark one in [DarkBackupScreensTest]).
 */
abstract class BackupJourneys {
    @Test
    fun backUpThenRestoreOnANewPhoneFindsTheSameIncidents() {
        val d = Driver().start()
        val code = d.firstRun()
        d.tap("quick-followed")
        d.type("note", "Grey car from the station")
        d.tap("add-note")
        d.tap("quick-gifts_left")
        val before = (d.screen() as Screen.Home).home.recent.map { it.kindLabel to it.summary }.sortedBy { it.second }
        assertEquals(2, before.size)
        d.tap("nav-settings")
        d.tap("settings-backup")
        d.awaitWork { d.app.shell.core.view().work == null && d.app.shell.workInFlight.get() == 0 }
        d.settle()
        assertTrue(d.texts().joinToString(), d.texts().any { it.startsWith("Backup made (") })
        Screens.shoot(d.activity, "42-settings-backup-made")
        val chooser = generateSequence { shadowOf(d.activity).nextStartedActivity }.firstOrNull { it.action == Intent.ACTION_CHOOSER }
        assertNotNull("the share sheet opened", chooser)
        @Suppress("DEPRECATION")
        val send = chooser!!.getParcelableExtra<Intent>(Intent.EXTRA_INTENT)!!
        assertEquals("application/octet-stream", send.type)
        @Suppress("DEPRECATION")
        val uri = send.getParcelableExtra<Uri>(Intent.EXTRA_STREAM)!!
        // Kept off the phone (a drive): what the share target reads through the provider.
        val drive = File.createTempFile("kept", ".bin").apply { deleteOnExit() }
        d.activity.contentResolver.openInputStream(uri)!!.use { input -> drive.outputStream().use { input.copyTo(it) } }
        assertTrue("a whole backup: ${drive.length()} bytes", drive.length() > 1_000_000)

        // A new phone: another, empty vault folder; the welcome offers the restore.
        d.app.newPhone("vault-new-phone")
        val n = Driver().start()
        assertEquals(SetupStep.WELCOME, (n.screen() as Screen.FirstRun).setup.step)
        n.tap("setup-secondary")
        Screens.shoot(n.activity, "70-restore-code")
        n.type("restore-code", code)
        n.tap("setup-primary")
        n.pin("975310")
        n.pin("975310")
        val request = shadowOf(n.activity).nextStartedActivityForResult
        assertNotNull("the picker opened", request)
        assertEquals(Intent.ACTION_OPEN_DOCUMENT, request.intent.action)
        Screens.shoot(n.activity, "71-restore-pick")
        Robolectric.setupContentProvider(DocumentsProvider::class.java, DocumentsProvider.AUTHORITY)
        val picked = Uri.Builder().scheme("content").authority(DocumentsProvider.AUTHORITY).path(drive.path).build()
        shadowOf(n.activity).receiveResult(request.intent, Activity.RESULT_OK, Intent().setData(picked))
        n.settle()
        n.awaitWork { n.app.shell.core.view().work == null && n.app.shell.workInFlight.get() == 0 }
        n.settle()
        val home = (n.screen() as? Screen.Home)?.home
        assertNotNull("home after the restore, not ${n.screen()} (${n.texts()})", home)
        assertEquals(before, home!!.recent.map { it.kindLabel to it.summary }.sortedBy { it.second })
        assertEquals("Restored. 2 incidents are back.", n.text("banner"))
        Screens.shoot(n.activity, "72-restored-home")
        assertTrue("the restored vault is in the new folder", File(d.app.noBackupFilesDir, "vault-new-phone/vault.keys").exists())

        // The new PIN opens it again after locking.
        n.tap("lock-now")
        n.pin("975310")
        assertTrue(n.screen() is Screen.Home)
    }
}

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34], application = TestApp::class, qualifiers = "w360dp-h780dp-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class BackupJourneyTest : BackupJourneys()

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34], application = TestApp::class, qualifiers = "w360dp-h780dp-night-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class DarkBackupScreensTest : BackupJourneys()
