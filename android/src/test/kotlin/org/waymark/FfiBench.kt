package org.waymark

import java.time.Instant
import org.junit.jupiter.api.Tag
import org.junit.jupiter.api.Test
import org.waymark.ffi.ListFilter
import org.waymark.ffi.waymarkVersion

/**
 * What one call into Rust costs from Kotlin (JNA), against a plain Kotlin call measured in the
 * same run. Not a pass/fail test: run it with scripts/bench-ffi.sh (release build of the library).
 */
@Tag("bench")
class FfiBench {
    @Volatile private var sink: Any? = null

    private fun kotlinBaseline(): String = VERSION_TEXT

    /**
     * ns per call over [rounds] batches of [perRound] calls, after a warm-up: the fastest batch
     * (least disturbed by other processes on a shared machine) and the median.
     */
    private fun measure(perRound: Int, rounds: Int = 7, call: () -> Any?): Pair<Double, Double> {
        repeat(perRound) { sink = call() }
        val samples = (0 until rounds).map {
            val start = System.nanoTime()
            repeat(perRound) { sink = call() }
            (System.nanoTime() - start).toDouble() / perRound
        }.sorted()
        return samples[0] to samples[rounds / 2]
    }

    private fun line(name: String, m: Pair<Double, Double>, vs: Pair<Double, Double>?, vsName: String) {
        val ratio = vs?.let { "  = %.1fx %s".format(m.first / it.first, vsName) } ?: ""
        println("  %-28s %12.1f ns (median %.1f)%s".format(name, m.first, m.second, ratio))
    }

    @Test
    fun ffiCallCost() {
        // The same disk for all three benchmarks (scripts/bench-ffi.sh sets it): a record's cost
        // is mostly its durable commit, which a tmpfs would hide.
        val benchBase = System.getenv("WAYMARK_BENCH_DIR")?.let { java.nio.file.Path.of(it) }
            ?: java.nio.file.Files.createTempDirectory("waymark-bench")
        java.nio.file.Files.createDirectories(benchBase)
        val dir = java.nio.file.Files.createTempDirectory(benchBase, "kt").resolve("vault").toString()
        val created = org.waymark.ffi.createVault(dir, PIN, inMemoryPrf(), org.waymark.ffi.KeyDerivation.MinimalForTestsOnly)
        val vault = created.vault
        val log = vault.incidentLog()
        val base = measure(1_000_000) { kotlinBaseline() }
        val version = measure(20_000) { waymarkVersion() }
        val isUnlocked = measure(20_000) { vault.isUnlocked() }
        val listOne = measure(500) { log.list(ListFilter(limit = 1u)) }
        // Part of every generated call: JNA allocates and marshals one status Structure per call.
        val statusAlloc = measure(20_000) { org.waymark.ffi.UniffiRustCallStatus() }
        var n = 0
        val record = measure(200, rounds = 5) {
            log.record(incident("bench incident ${n++} — zażółć 😀", Instant.parse("2026-05-30T18:30:00Z")))
        }
        println("FFI bench (Kotlin/JNA; fastest batch, median in brackets):")
        line("kotlin baseline call", base, null, "")
        line("waymarkVersion() (string)", version, base, "baseline")
        line("vault.isUnlocked() (object)", isUnlocked, base, "baseline")
        line("  of which: status struct alloc", statusAlloc, base, "baseline")
        line("log.list(limit 1)", listOne, isUnlocked, "isUnlocked")
        line("log.record(one incident)", record, isUnlocked, "isUnlocked")
        vault.close()
    }

    companion object {
        const val VERSION_TEXT = "0.1.0"
    }
}
