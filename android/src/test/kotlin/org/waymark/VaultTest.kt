package org.waymark

import java.nio.file.Files
import java.time.Duration
import javax.crypto.spec.SecretKeySpec
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.waymark.app.MacHardwarePrf
import org.waymark.ffi.HardwarePrf
import org.waymark.ffi.KeyDerivation
import org.waymark.ffi.Vault
import org.waymark.ffi.WaymarkException
import org.waymark.ffi.createVault
import org.waymark.ffi.vaultExists

class VaultTest {
    @Test
    fun createLockUnlockWithAKotlinPrf() {
        val prf = inMemoryPrf()
        val created = newVault(prf = prf)
        val vault = created.vault
        assertTrue(vault.isUnlocked())
        assertTrue(created.recoveryCode.length >= 20, "a 128-bit recovery code")
        vault.lock()
        assertFalse(vault.isUnlocked())
        vault.unlock(PIN)
        assertTrue(vault.isUnlocked())
        assertEquals(0u, vault.status().failedAttempts)
    }

    @Test
    fun wrongPinIsATypedErrorThatSaysWhenToRetry() {
        val clock = TestClock()
        val vault = newVault(clock).vault
        vault.lock()
        val first = assertThrows<WaymarkException.WrongSecret> { vault.unlock("000000") }
        assertEquals(null, first.retryAfter, "the first wrong attempts are free")
        var retryAfter: java.time.Instant? = null
        repeat(8) {
            try {
                vault.unlock("000000")
            } catch (e: WaymarkException.WrongSecret) {
                retryAfter = e.retryAfter ?: retryAfter
            } catch (e: WaymarkException.LockedOut) {
                retryAfter = e.until
            }
        }
        assertNotNull(retryAfter, "after repeated failures the error says when to try again")
        assertTrue(retryAfter!!.isAfter(clock.now))
        assertTrue(vault.status().lockedUntil != null)
        // Even the right PIN waits for the back-off...
        assertThrows<WaymarkException> { vault.unlock(PIN) }
        // ...and works after it.
        clock.advance(Duration.ofHours(2))
        vault.unlock(PIN)
        assertTrue(vault.isUnlocked())
    }

    @Test
    fun reopenChangeSecretAndRecover() {
        val prf = inMemoryPrf()
        val dir = tempVaultDir().toString()
        val created = createVault(dir, PIN, prf, KeyDerivation.MinimalForTestsOnly)
        created.vault.close()
        assertTrue(vaultExists(dir))

        Vault.open(dir, prf).use { vault ->
            assertFalse(vault.isUnlocked())
            vault.changeSecret(PIN, "771205")
            vault.unlock("771205")
            vault.lock()
            assertThrows<WaymarkException.WrongSecret> { vault.unlock(PIN) }
            vault.recover(created.recoveryCode, "Correct horse 🐎")
            assertTrue(vault.isUnlocked())
            vault.lock()
            vault.unlock("Correct horse 🐎")
        }
    }

    @Test
    fun theVaultIsBoundToThePhonesPrf() {
        val dir = tempVaultDir().toString()
        createVault(dir, PIN, inMemoryPrf(), KeyDerivation.MinimalForTestsOnly).vault.close()
        // Same PIN, files copied to another "phone" (another Keystore key): does not open.
        Vault.open(dir, inMemoryPrf()).use { copy ->
            assertThrows<WaymarkException.WrongSecret> { copy.unlock(PIN) }
        }
    }

    @Test
    fun aBrokenPrfIsAnErrorNotACrash() {
        val throwing = object : HardwarePrf {
            override fun evaluate(input: ByteArray): ByteArray = throw IllegalStateException("keystore gone")
        }
        val short = MacHardwarePrf({ SecretKeySpec(ByteArray(32), "HmacSHA256") }, "HmacSHA1") // 20 bytes
        for (prf in listOf(throwing, short)) {
            val e = assertThrows<WaymarkException> {
                createVault(tempVaultDir().toString(), PIN, prf, KeyDerivation.MinimalForTestsOnly)
            }
            assertTrue(e is WaymarkException.Storage || e is WaymarkException.InvalidInput, "got $e")
        }
    }

    @Test
    fun badInputSaysWhichField() {
        val e = assertThrows<WaymarkException.InvalidInput> {
            createVault(tempVaultDir().toString(), "", inMemoryPrf(), KeyDerivation.MinimalForTestsOnly)
        }
        assertTrue(e.field.isNotEmpty() && e.reason.isNotEmpty())
        assertThrows<WaymarkException.NotFound> { Vault.open(tempVaultDir().toString(), inMemoryPrf()) }
    }

    @Test
    fun aDuressPinOpensTheDecoyUntilItIsRemoved() {
        val dir = tempVaultDir()
        val created = newVaultIn(dir)
        val vault = created.vault
        vault.incidentLog().record(incident("Czekał pod pracą"))
        val keyFile = dir.resolve("vault.keys")
        val sizeWithout = Files.size(keyFile)
        vault.setDuressSecret(PIN, "975310")
        vault.lock()
        vault.unlock("975310")
        assertTrue(vault.isUnlocked())
        assertEquals(0uL, vault.incidentLog().count(), "the duress PIN opens an empty decoy")
        vault.lock()

        vault.unlock(PIN)
        // The duress PIN acts as the decoy's own PIN: "remove duress PIN" with it removes the
        // decoy's own duress PIN (none here), as in a real vault, and leaves the real one alone.
        vault.removeDuressSecret("975310")
        val withDuress = Files.readAllBytes(keyFile)
        vault.removeDuressSecret(PIN)
        assertEquals(sizeWithout, Files.size(keyFile), "the key file looks like one that never had a duress PIN")
        assertFalse(withDuress.contentEquals(Files.readAllBytes(keyFile)), "the duress slot was resealed")
        vault.lock()
        assertThrows<WaymarkException.WrongSecret> { vault.unlock("975310") }
        vault.unlock(PIN)
        assertEquals(1uL, vault.incidentLog().count())
    }

    /** Issue 15 through the FFI: "erase after N wrong PINs" and the alert on a duress unlock. */
    @Test
    fun theNthWrongPinErasesAndADuressUnlockAlertsTheBuddyOnce() {
        val dir = tempVaultDir()
        val clock = TestClock()
        val vault = newVaultIn(dir, clock).vault
        assertEquals(null, vault.eraseAfter(), "off by default")
        val safety = vault.safety()
        safety.addContact(buddy("Alex", "07700 900123"))
        vault.setDuressSecret(PIN, "975310")
        assertFalse(safety.duressUnlockAlert(), "off by default")
        safety.setDuressUnlockAlert(true)
        vault.lock()
        vault.unlock("975310")
        val alerts = safety.takeUnlockAlert()
        assertEquals(1, alerts.size)
        assertTrue(alerts[0].text.contains("I had to unlock my phone under pressure"), alerts[0].text)
        assertTrue(safety.takeUnlockAlert().isEmpty(), "once per unlock")
        vault.lock()
        vault.unlock(PIN)
        assertTrue(safety.takeUnlockAlert().isEmpty(), "never for the real PIN")

        assertThrows<WaymarkException.InvalidInput> { vault.setEraseAfter(4u) }
        vault.setEraseAfter(5u)
        assertEquals(5u, vault.eraseAfter())
        vault.lock()
        repeat(5) {
            clock.advance(Duration.ofHours(2))
            assertTrue(vaultExists(dir.toString()))
            assertThrows<WaymarkException.WrongSecret> { vault.unlock("111111") }
        }
        assertFalse(vaultExists(dir.toString()), "the fifth wrong PIN erased it")
    }
}
