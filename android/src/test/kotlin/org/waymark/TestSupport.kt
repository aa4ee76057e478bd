package org.waymark

import java.nio.file.Files
import java.nio.file.Path
import java.security.SecureRandom
import java.time.Duration
import java.time.Instant
import javax.crypto.spec.SecretKeySpec
import org.waymark.app.MacHardwarePrf
import org.waymark.ffi.CreatedVault
import org.waymark.ffi.IncidentKind
import org.waymark.ffi.KeyDerivation
import org.waymark.ffi.NewIncident
import org.waymark.ffi.WallClock
import org.waymark.ffi.createVault

const val PIN = "428613"

/** The app's PRF class with an in-memory key standing in for the Keystore one. */
fun inMemoryPrf(): MacHardwarePrf {
    val key = SecretKeySpec(ByteArray(32).also { SecureRandom().nextBytes(it) }, "HmacSHA256")
    return MacHardwarePrf({ key })
}

/** A clock the test moves by hand, implemented in Kotlin and called from Rust. */
class TestClock(@Volatile var now: Instant = Instant.parse("2026-06-01T09:00:00Z")) : WallClock {
    override fun now(): Instant = now
    fun advance(by: Duration) { now = now.plus(by) }
}

fun tempVaultDir(): Path = Files.createTempDirectory("waymark-kt").resolve("vault")

fun newVault(clock: TestClock = TestClock(), prf: MacHardwarePrf = inMemoryPrf()): CreatedVault =
    createVault(tempVaultDir().toString(), PIN, prf, KeyDerivation.MinimalForTestsOnly, clock)

fun incident(description: String, at: Instant = Instant.parse("2026-05-30T18:30:00Z")) =
    NewIncident(kind = IncidentKind.FOLLOWED, occurredAt = at, description = description)
