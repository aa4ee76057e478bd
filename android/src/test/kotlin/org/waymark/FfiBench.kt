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

    /** Median ns per call over [rounds] batches of [perRound] calls, after a warm-up. */
    private fun measure(perRound: Int, rounds: Int = 7, call: () -> Any?): Double {
        repeat(perRound) { sink = call() }
        val samples = (0 until rounds).map {
            val start = System.nanoTime()
            repeat(perRound) { sink = call() }
            (System.nanoTime() - start).toDouble() / perRound
        }
        return samples.sorted()[rounds / 2]
    }

    @Test
    fun ffiCallCost() {
        val created = newVault()
        val vault = created.vault
        val log = vault.incidentLog()
        val base = measure(1_000_000) { kotlinBaseline() }
        val version = measure(100_000) { waymarkVersion() }
        val isUnlocked = measure(100_000) { vault.isUnlocked() }
        val listOne = measure(2_000) { log.list(ListFilter(limit = 1u)) }
        var n = 0
        val record = measure(200, rounds = 5) {
            log.record(incident("bench incident ${n++} — zażółć 😀", Instant.parse("2026-05-30T18:30:00Z")))
        }
        println("FFI bench (Kotlin/JNA, median of batches):")
        println("  kotlin baseline call        %10.1f ns".format(base))
        println("  waymarkVersion() (string)   %10.1f ns  = %.0fx baseline".format(version, version / base))
        println("  vault.isUnlocked() (object) %10.1f ns  = %.0fx baseline".format(isUnlocked, isUnlocked / base))
        println("  log.list(limit 1)           %10.1f ns  = %.1fx isUnlocked".format(listOne, listOne / isUnlocked))
        println("  log.record(one incident)    %10.1f ns  = %.0fx isUnlocked".format(record, record / isUnlocked))
        vault.close()
    }

    companion object {
        const val VERSION_TEXT = "0.1.0"
    }
}
