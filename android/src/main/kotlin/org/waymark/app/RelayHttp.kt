package org.waymark.app

import java.io.InputStream
import java.net.HttpURLConnection
import java.net.URL
import org.waymark.app.model.AppEvent
import org.waymark.app.model.Effect

/**
 * Carries `Effect.Http`: one request to the check-in relay the person chose, sent exactly as the
 * app model built and signed it (method, URL, headers, body), following no redirect (that would
 * send it somewhere the person did not choose). Any answer, 4xx and 5xx included, becomes
 * `HttpDone` with at most [MAX_REPLY_BYTES] of its body; no answer becomes `HttpFailed`. It reads
 * nothing and decides nothing. Blocking: call it off the main thread.
 */
object RelayHttp {
    const val TIMEOUT_MS = 15_000
    const val MAX_REPLY_BYTES = 64 * 1024

    fun carry(effect: Effect.Http): AppEvent = try {
        val conn = URL(effect.url).openConnection() as HttpURLConnection
        try {
            conn.instanceFollowRedirects = false
            conn.useCaches = false
            conn.connectTimeout = TIMEOUT_MS
            conn.readTimeout = TIMEOUT_MS
            conn.requestMethod = effect.method
            effect.headers.forEach { conn.setRequestProperty(it.name, it.value) }
            if (effect.method == "POST") {
                conn.doOutput = true
                conn.setFixedLengthStreamingMode(effect.body.size)
                conn.outputStream.use { it.write(effect.body) }
            }
            val status = conn.responseCode
            val stream = if (status >= 400) conn.errorStream else conn.inputStream
            val body = stream?.use(::readCapped) ?: ByteArray(0)
            if (status in 0..65535) AppEvent.HttpDone(effect.id, status.toUShort(), body) else AppEvent.HttpFailed(effect.id)
        } finally {
            conn.disconnect()
        }
    } catch (e: Exception) {
        // No connection, a timeout, a certificate refused, a malformed address: no answer.
        AppEvent.HttpFailed(effect.id)
    }

    private fun readCapped(input: InputStream): ByteArray {
        val out = java.io.ByteArrayOutputStream()
        val buf = ByteArray(8192)
        while (out.size() < MAX_REPLY_BYTES) {
            val n = input.read(buf, 0, minOf(buf.size, MAX_REPLY_BYTES - out.size()))
            if (n < 0) break
            out.write(buf, 0, n)
        }
        return out.toByteArray()
    }
}
