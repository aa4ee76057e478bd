package org.waymark

import java.nio.file.Files
import java.security.MessageDigest
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.waymark.ffi.CaptureMethod
import org.waymark.ffi.NewEvidence
import org.waymark.ffi.WaymarkException

class EvidenceTest {
    private fun bytes(n: Int) = ByteArray(n) { (it * 31 % 251).toByte() }
    private fun sha256Hex(b: ByteArray) = MessageDigest.getInstance("SHA-256").digest(b).joinToString("") { "%02x".format(it) }

    @Test
    fun streamACaptureInChunksAttachVerifyAndExtract() {
        val created = newVault()
        val store = created.vault.evidenceStore()
        val incident = created.vault.incidentLog().record(incident("Zostawił list w skrzynce ✉️"))
        val data = bytes(300_000)

        val writer = store.begin(NewEvidence(how = CaptureMethod.CAMERA))
        // As a camera would: uneven chunks.
        var offset = 0
        for (size in generateSequence(1) { it * 7 + 13 }.takeWhile { offset < data.size }) {
            val end = minOf(offset + size, data.size)
            writer.writeChunk(data.copyOfRange(offset, end))
            offset = end
        }
        assertEquals(data.size.toULong(), writer.size())
        val item = writer.finish()
        assertEquals(sha256Hex(data), item.sha256, "the hash computed while streaming is the original's")
        assertThrows<WaymarkException.InvalidInput> { writer.writeChunk(byteArrayOf(1)) }

        assertEquals(listOf(incident.id), store.attach(item.id, incident.id).incidents)
        assertEquals(item.sha256, store.verify(item.id).sha256)
        assertEquals(0, store.verifyAll().problems.size)
        val out = Files.createTempDirectory("waymark-out").resolve("photo.bin")
        store.extractToPath(item.id, out.toString())
        assertArrayEquals(data, Files.readAllBytes(out))
        assertThrows<WaymarkException> { store.extractToPath(item.id, out.toString()) }
    }

    @Test
    fun ingestFromAPathAndCaptureFromSeveralThreads() {
        val created = newVault()
        val store = created.vault.evidenceStore()
        val file = Files.createTempDirectory("waymark-in").resolve("notatka-żółw.txt")
        Files.write(file, "a note left on the car".toByteArray())
        val item = store.addFile(file.toString(), NewEvidence(how = CaptureMethod.DOCUMENT))
        assertEquals("notatka-żółw.txt", item.originalName)

        val pool = Executors.newFixedThreadPool(4)
        val jobs = (0 until 4).map { t ->
            pool.submit<String> {
                val w = store.begin(NewEvidence(how = CaptureMethod.AUDIO))
                repeat(20) { w.writeChunk(bytes(4096 + t)) }
                w.finish().id
            }
        }
        val ids = jobs.map { it.get(60, TimeUnit.SECONDS) }
        pool.shutdown()
        assertEquals(4, ids.toSet().size)
        assertEquals(5, store.list().size)
        assertEquals(5uL, store.verifyAll().checked)
        assertTrue(store.verifyAll().problems.isEmpty())
    }

    @Test
    fun sweepLeftoversRemovesWhatACrashLeftAndKeepsACaptureInProgress() {
        val dir = tempVaultDir()
        val created = newVaultIn(dir)
        val store = created.vault.evidenceStore()
        val kept = store.begin(NewEvidence(how = CaptureMethod.CAMERA)).also { it.writeChunk(bytes(1000)) }.finish()
        assertEquals(0uL, store.sweepLeftovers(), "nothing to sweep in a tidy vault")

        // Where the encrypted files live: the folder holding the finished item's file.
        val blobs = Files.walk(dir).use { s -> s.filter { it.fileName.toString() == kept.id }.findFirst().get().parent }
        // A capture still streaming in (begin() sweeps too, so it starts first)...
        val inProgress = store.begin(NewEvidence(how = CaptureMethod.AUDIO))
        inProgress.writeChunk(bytes(5000))
        // ...and what two crashes left: after the rename but before the commit, and mid-stream.
        Files.write(blobs.resolve("0123456789abcdef0123456789abcdef"), bytes(64))
        Files.write(blobs.resolve(".incoming-crashed"), bytes(64))

        // Only the dead capture goes: a finished file's name carries a tag under its store's key,
        // and one without this store's tag may be the other store's (both share one folder).
        assertEquals(1uL, store.sweepLeftovers())
        assertTrue(Files.exists(blobs.resolve("0123456789abcdef0123456789abcdef")))
        assertFalse(Files.exists(blobs.resolve(".incoming-crashed")))
        assertEquals(kept.sha256, store.verify(kept.id).sha256, "kept items are untouched")
        inProgress.writeChunk(bytes(5000))
        assertEquals(10_000uL, inProgress.finish().size, "the capture in progress was not swept away")
        assertEquals(0uL, store.sweepLeftovers())
        assertEquals(2, store.list().size)
    }
}
