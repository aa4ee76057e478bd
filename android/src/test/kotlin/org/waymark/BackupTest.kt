package org.waymark

import java.nio.file.Files
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.waymark.ffi.CancelHandle
import org.waymark.ffi.KeyDerivation
import org.waymark.ffi.ListFilter
import org.waymark.ffi.Vault
import org.waymark.ffi.WaymarkException
import org.waymark.ffi.restoreVault

/** Backup and restore through the FFI from Kotlin: another phone (another PRF key) gets it all back. */
class BackupTest {
    private fun descriptions(v: Vault) = v.incidentLog().list(ListFilter()).map { it.details.description }.sorted()

    @Test
    fun aBackupRestoresOnAnotherPhoneWithTheRecoveryCodeOnly() {
        val created = newVault()
        val vault = created.vault
        for (d in listOf("Czekał pod pracą", "Gift on the doorstep", "مرحبا 🚗")) vault.incidentLog().record(incident(d))
        val out = Files.createTempDirectory("waymark-kt-backup").resolve("waymark.backup")
        val progress = ProgressRecorder()
        val summary = vault.backup(out.toString(), progress, null)
        assertEquals(Files.size(out).toULong(), summary.bytes)
        val f = progress.fractions()
        assertTrue(f.zipWithNext().all { (a, b) -> a <= b } && f.last() == 1.0, "progress: $f")
        assertThrows<WaymarkException.InvalidInput> { vault.backup(out.toString(), null, null) }

        // Another phone: another Keystore key, a new folder, a new PIN.
        val otherPhone = inMemoryPrf()
        val newDir = tempVaultDir()
        val wrong = newVault().recoveryCode
        assertThrows<WaymarkException.WrongSecret> {
            restoreVault(out.toString(), newDir.toString(), wrong, "97531086", otherPhone, KeyDerivation.MinimalForTestsOnly)
        }
        assertFalse(Files.exists(newDir), "nothing left after a wrong code")
        val cancel = CancelHandle()
        assertThrows<WaymarkException.Cancelled> {
            restoreVault(out.toString(), newDir.toString(), created.recoveryCode, "97531086", otherPhone,
                KeyDerivation.MinimalForTestsOnly, null, ProgressRecorder(cancelAt = 0.2, cancel = cancel), cancel)
        }
        assertFalse(Files.exists(newDir), "nothing left after Cancel")
        val damaged = out.resolveSibling("damaged.backup")
        val bytes = Files.readAllBytes(out)
        bytes[bytes.size / 2] = (bytes[bytes.size / 2].toInt() xor 1).toByte()
        Files.write(damaged, bytes)
        assertThrows<WaymarkException.Integrity> {
            restoreVault(damaged.toString(), newDir.toString(), created.recoveryCode, "97531086", otherPhone, KeyDerivation.MinimalForTestsOnly)
        }
        assertFalse(Files.exists(newDir), "nothing left from a damaged backup")

        val restored = restoreVault(out.toString(), newDir.toString(), created.recoveryCode, "97531086", otherPhone, KeyDerivation.MinimalForTestsOnly)
        assertEquals(descriptions(vault), descriptions(restored))
        restored.lock()
        Vault.open(newDir.toString(), otherPhone).use { again ->
            again.unlock("97531086")
            assertEquals(3uL, again.incidentLog().count())
        }
    }
}
