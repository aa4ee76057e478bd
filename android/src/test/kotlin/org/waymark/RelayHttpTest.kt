package org.waymark

import com.sun.net.httpserver.HttpServer
import java.net.InetSocketAddress
import java.net.ServerSocket
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.waymark.app.RelayHttp
import org.waymark.app.model.AppConfig
import org.waymark.app.model.AppEvent
import org.waymark.app.model.Destination
import org.waymark.app.model.Effect
import org.waymark.app.model.HttpHeader
import org.waymark.app.model.Screen
import org.waymark.app.model.SmsAbility
import org.waymark.ffi.KeyDerivation
import org.waymark.ffi.openApp

/** The shell's part of the relay: `Effect.Http` carried to a loopback server, its answer back. */
class RelayHttpTest {
    private val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
    private val seen = mutableListOf<Triple<String, Map<String, String>, ByteArray>>()
    private val base get() = "http://127.0.0.1:${server.address.port}"

    init {
        server.createContext("/") { ex ->
            val headers = ex.requestHeaders.mapValues { it.value.joinToString(",") }.mapKeys { it.key.lowercase() }
            val body = ex.requestBody.readBytes()
            synchronized(seen) { seen.add(Triple("${ex.requestMethod} ${ex.requestURI.path}", headers, body)) }
            val (status, reply) = when (ex.requestURI.path) {
                "/moved" -> { ex.responseHeaders.add("Location", "$base/elsewhere"); 302 to ByteArray(0) }
                "/refuse" -> 403 to """{"error":"wrong_secret","reason":"no"}""".toByteArray()
                "/big" -> 200 to ByteArray(RelayHttp.MAX_REPLY_BYTES * 2) { 'x'.code.toByte() }
                else -> 201 to "echo:".toByteArray() + body
            }
            ex.sendResponseHeaders(status, if (reply.isEmpty()) -1 else reply.size.toLong())
            ex.responseBody.use { it.write(reply) }
        }
        server.start()
    }

    @AfterEach
    fun stop() = server.stop(0)

    private fun http(path: String, method: String = "POST", body: ByteArray = ByteArray(0)) =
        Effect.Http("relay-1", method, base + path, listOf(HttpHeader("waymark-signature", "c2ln"), HttpHeader("content-type", "application/json")), body)

    @Test
    fun sendsExactlyWhatTheAppModelBuiltAndReportsTheAnswer() {
        val done = RelayHttp.carry(http("/v1/checkins", body = "{\"a\":1}".toByteArray())) as AppEvent.HttpDone
        assertEquals("relay-1", done.id)
        assertEquals(201.toUShort(), done.status)
        assertArrayEquals("echo:{\"a\":1}".toByteArray(), done.body)
        val (what, headers, body) = seen.single()
        assertEquals("POST /v1/checkins", what)
        assertEquals("c2ln", headers["waymark-signature"])
        assertArrayEquals("{\"a\":1}".toByteArray(), body)
    }

    @Test
    fun refusalsAreAnswersRedirectsAreNotFollowedAndBigRepliesAreCut() {
        val refused = RelayHttp.carry(http("/refuse")) as AppEvent.HttpDone
        assertEquals(403.toUShort(), refused.status)
        assertTrue(String(refused.body).contains("wrong_secret"))
        val moved = RelayHttp.carry(http("/moved", method = "GET")) as AppEvent.HttpDone
        assertEquals(302.toUShort(), moved.status)
        assertTrue(seen.none { it.first.endsWith("/elsewhere") }, "the redirect was followed")
        val big = RelayHttp.carry(http("/big", method = "GET")) as AppEvent.HttpDone
        assertEquals(RelayHttp.MAX_REPLY_BYTES, big.body.size)
    }

    @Test
    fun noAnswerIsHttpFailed() {
        val port = ServerSocket(0).use { it.localPort }
        val failed = RelayHttp.carry(Effect.Http("relay-2", "GET", "http://127.0.0.1:$port/v1/key", emptyList(), ByteArray(0)))
        assertEquals(AppEvent.HttpFailed("relay-2"), failed)
    }

    /** The app model's own key request goes out, and a relay that answers 404 changes nothing. */
    @Test
    fun theAppModelsKeyRequestRoundTrips() {
        val clock = TestClock()
        val app = openApp(
            tempVaultDir().toString(), inMemoryPrf(), KeyDerivation.MinimalForTestsOnly,
            AppConfig(language = "en-GB", region = "GB", sms = SmsAbility.SEND_SILENTLY, utcOffsetMinutes = 0),
            clock,
        )
        // First run, skipping the optional steps (as AppModelTest does).
        fun pin(p: String) = p.forEach { app.dispatch(AppEvent.PinDigit(it.digitToInt().toUByte())) }.let { app.dispatch(AppEvent.PinSubmit) }
        app.dispatch(AppEvent.Started)
        app.dispatch(AppEvent.SetupStart)
        pin(PIN)
        val shown = (pin(PIN).view.screen as Screen.FirstRun).setup
        val ask = (app.dispatch(AppEvent.RecoveryCodeWritten).view.screen as Screen.FirstRun).setup
        val n = ask.body.first { it.isDigit() }.digitToInt()
        app.dispatch(AppEvent.RecoveryCodeTyped(shown.recoveryGroups[n - 1]))
        repeat(3) { app.dispatch(AppEvent.SetupSkip) }
        app.dispatch(AppEvent.Open(Destination.HOME))
        app.dispatch(AppEvent.Open(Destination.CHECK_IN))
        val effect = app.dispatch(AppEvent.RelaySetUp("$base/nothing-here")).effects.filterIsInstance<Effect.Http>().single()
        assertEquals("GET", effect.method)
        val answer = RelayHttp.carry(effect)
        assertEquals("GET /nothing-here/v1/key", seen.single().first)
        val u = app.dispatch(answer)
        assertTrue(u.view.banner!!.text.startsWith("Could not get the relay's key"), u.view.banner!!.text)
        val relay = (u.view.screen as Screen.CheckIn).checkin.relay
        assertEquals(null, relay.inUse)
    }
}
