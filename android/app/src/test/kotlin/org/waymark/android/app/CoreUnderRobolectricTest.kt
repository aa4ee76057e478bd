package org.waymark.android.app

import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import org.waymark.app.MacHardwarePrf
import org.waymark.ffi.IncidentKind
import org.waymark.ffi.KeyDerivation
import org.waymark.ffi.NewIncident
import org.waymark.ffi.Vault
import org.waymark.ffi.createVault
import java.io.File
import java.time.Instant
import javax.crypto.spec.SecretKeySpec

/** The real Rust library, loaded through JNA inside Robolectric's Android, from an Activity. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34])
class CoreUnderRobolectricTest {
    @Test
    fun anActivityKeepsAnEncryptedLogInItsOwnFiles() {
        oneSandbox()
        val activity = Robolectric.buildActivity(MainActivity::class.java).setup().get()
        val key = SecretKeySpec(ByteArray(32) { (it * 7).toByte() }, "HmacSHA256")
        val dir = File(activity.noBackupFilesDir, "vault")
        val created = createVault(dir.path, "314159", MacHardwarePrf({ key }), KeyDerivation.MinimalForTestsOnly, null)
        created.vault.incidentLog().record(
            NewIncident(kind = IncidentKind.FOLLOWED, occurredAt = Instant.now().minusSeconds(60), description = "Grey van on Elm Road"),
        )
        created.vault.lock()

        val reopened = Vault.open(dir.path, MacHardwarePrf({ key }), null)
        reopened.unlock("314159")
        assertEquals(1UL, reopened.incidentLog().count())
        // Nothing readable in the app's files.
        for (f in dir.walkTopDown().filter { it.isFile }) {
            assertFalse(f.name, String(f.readBytes(), Charsets.ISO_8859_1).contains("Elm Road"))
        }
    }
}
