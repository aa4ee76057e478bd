package org.waymark

import java.nio.file.Files
import java.nio.file.Path
import java.security.SecureRandom
import java.time.Duration
import java.time.Instant
import java.util.Collections
import javax.crypto.spec.SecretKeySpec
import org.waymark.app.MacHardwarePrf
import org.waymark.ffi.CancelHandle
import org.waymark.ffi.ContactRole
import org.waymark.ffi.CreatedVault
import org.waymark.ffi.IncidentKind
import org.waymark.ffi.KeyDerivation
import org.waymark.ffi.NewContact
import org.waymark.ffi.NewIncident
import org.waymark.ffi.ProgressListener
import org.waymark.ffi.ProgressStage
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

/** A new vault in a folder the test knows (the armed check-in and the app model open it by path). */
fun newVaultIn(dir: Path, clock: TestClock = TestClock(), prf: MacHardwarePrf = inMemoryPrf()): CreatedVault =
    createVault(dir.toString(), PIN, prf, KeyDerivation.MinimalForTestsOnly, clock)

/** A buddy as the person would type them: a national UK number, read in "GB". */
fun buddy(name: String, phone: String, vararg roles: ContactRole = arrayOf(ContactRole.BUDDY)) =
    NewContact(name = name, phone = phone, relationship = "sister", roles = roles.toList(), region = "GB")

/**
 * The sample map the core bundles (central Helsinki), as a file a person would import. The tests
 * run in android/, so it is found by walking up to the repository.
 */
fun bundledMap(): Path {
    var dir: Path? = Path.of("").toAbsolutePath()
    while (dir != null) {
        val candidate = dir.resolve("core/data/helsinki-centre.osm.pbf")
        if (Files.isRegularFile(candidate)) return candidate
        dir = dir.parent
    }
    error("core/data/helsinki-centre.osm.pbf not found above ${Path.of("").toAbsolutePath()}")
}

/**
 * A progress bar written in Kotlin: records every (stage, fraction) the core reports, from
 * whichever thread it reports on, and presses `cancel` once the fraction reaches `cancelAt`.
 */
class ProgressRecorder(
    private val cancelAt: Double? = null,
    val cancel: CancelHandle? = null,
    private val throwEachTime: Boolean = false,
) : ProgressListener {
    private val seen = Collections.synchronizedList(mutableListOf<Pair<ProgressStage, Double>>())

    override fun onProgress(stage: ProgressStage, fraction: Double) {
        seen.add(stage to fraction)
        if (cancelAt != null && fraction >= cancelAt) cancel?.cancel()
        // A progress view that is gone must not break the work it shows.
        if (throwEachTime) throw IllegalStateException("the view was closed")
    }

    fun seen(): List<Pair<ProgressStage, Double>> = synchronized(seen) { seen.toList() }

    fun fractions(): List<Double> = seen().map { it.second }
}

/** Every file under `dir`, as paths relative to it (to show that nothing was left behind). */
fun filesUnder(dir: Path): Set<String> =
    if (!Files.exists(dir)) emptySet()
    else Files.walk(dir).use { s -> s.filter { Files.isRegularFile(it) }.map { dir.relativize(it).toString() }.toList().toSet() }
