package org.waymark.android.app

import com.sun.net.httpserver.HttpServer
import java.net.InetSocketAddress
import java.security.MessageDigest
import java.util.Base64

/**
 * A check-in relay on loopback for the screens: it hands out a key document the core accepts (a
 * valid X25519 public key, its fingerprint computed as the relay protocol does) and answers the
 * signed calls with the states a relay would. It checks no signature: the core's and the relay's
 * own tests do that; this one is for what the screen shows.
 */
class FakeRelay : AutoCloseable {
    /** The basepoint (u = 9): a valid X25519 public key whose alerts nobody here can open. */
    val key = ByteArray(32).also { it[0] = 9 }
    val fingerprint: String = MessageDigest.getInstance("SHA-256").run {
        update("waymark-relay key v1\u0000".toByteArray())
        update(key)
        digest().take(16).joinToString("") { "%02x".format(it) }.chunked(4).joinToString(" ")
    }

    /** Answer the next arms with 503 (the relay is down for a moment). */
    @Volatile var refuseArms = false
    val calls: MutableList<String> = java.util.Collections.synchronizedList(mutableListOf())

    private val deadlines = java.util.concurrent.ConcurrentHashMap<String, Pair<Long, Long>>()
    private val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
    val address get() = "http://127.0.0.1:${server.address.port}"

    init {
        server.createContext("/") { ex ->
            val path = ex.requestURI.path
            val body = String(ex.requestBody.readBytes())
            calls.add("${ex.requestMethod} $path")
            val (status, reply) = answer(ex.requestMethod, path, body)
            val bytes = reply.toByteArray()
            ex.responseHeaders.add("content-type", "application/json")
            ex.sendResponseHeaders(status, bytes.size.toLong())
            ex.responseBody.use { it.write(bytes) }
        }
        server.start()
    }

    private fun answer(method: String, path: String, body: String): Pair<Int, String> {
        fun field(name: String) = Regex("\"$name\":\"?([^\",}]+)").find(body)?.groupValues?.get(1)
        fun status(id: String, state: String): String {
            val (deadline, grace) = deadlines[id] ?: (0L to 0L)
            return """{"checkin_id":"$id","state":"$state","deadline":$deadline,"grace_seconds":$grace}"""
        }
        if (method == "GET" && path == "/v1/key") {
            val b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(key)
            return 200 to """{"protocol":"waymark-relay/1","suite":"DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305","public_key":"$b64","fingerprint":"$fingerprint"}"""
        }
        if (method == "POST" && path == "/v1/checkins") {
            if (refuseArms) return 503 to """{"error":"unavailable","reason":"the relay is busy"}"""
            val id = field("checkin_id") ?: return 400 to """{"error":"invalid","reason":"no id"}"""
            deadlines[id] = (field("deadline")?.toLong() ?: 0L) to (field("grace_seconds")?.toLong() ?: 0L)
            return 201 to status(id, "armed")
        }
        val call = Regex("^/v1/checkins/([^/]+)/(status|extend|checkin|cancel)$").find(path)
            ?: return 404 to """{"error":"not_found","reason":"no such call"}"""
        val (id, op) = call.destructured
        if (!deadlines.containsKey(id)) return 404 to """{"error":"unknown_checkin","reason":"no such check-in"}"""
        return 200 to when (op) {
            "checkin" -> status(id, "checked_in")
            "cancel" -> status(id, "cancelled")
            "extend" -> {
                deadlines[id] = (field("deadline")?.toLong() ?: 0L) to deadlines.getValue(id).second
                status(id, "armed")
            }
            else -> status(id, "armed")
        }
    }

    override fun close() = server.stop(0)
}
