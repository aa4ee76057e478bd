package org.waymark

import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.waymark.app.model.AppConfig
import org.waymark.app.model.AppCore
import org.waymark.app.model.AppEvent
import org.waymark.app.model.AppUpdate
import org.waymark.app.model.Destination
import org.waymark.app.model.QuickKind
import org.waymark.app.model.RiskChoice
import org.waymark.app.model.RiskScreen
import org.waymark.app.model.Screen
import org.waymark.app.model.SmsAbility
import org.waymark.app.model.Tone
import org.waymark.ffi.KeyDerivation
import org.waymark.ffi.RiskAnswer
import org.waymark.ffi.Vault
import org.waymark.ffi.openApp

/**
 * The risk questions screen (issue 17) through the app model over the FFI: what the log says for
 * a question, answered and changed on screen, and the answers then read back from the vault's
 * Merkle log through the FFI's RiskChecklist.
 */
class RiskScreenTest {
    private val note = "Codziennie pod drzwiami — every evening 😨 marker-7f3c"

    private fun AppUpdate.risk(): RiskScreen = (view.screen as Screen.Risk).risk

    private fun AppCore.pin(pin: String): AppUpdate {
        pin.forEach { dispatch(AppEvent.PinDigit(it.digitToInt().toUByte())) }
        return dispatch(AppEvent.PinSubmit)
    }

    private fun AppCore.setUp() {
        dispatch(AppEvent.Started)
        dispatch(AppEvent.SetupStart)
        pin(PIN)
        val shown = (pin(PIN).view.screen as Screen.FirstRun).setup
        val ask = (dispatch(AppEvent.RecoveryCodeWritten).view.screen as Screen.FirstRun).setup
        dispatch(AppEvent.RecoveryCodeTyped(shown.recoveryGroups[ask.body.first { it.isDigit() }.digitToInt() - 1]))
        repeat(4) { dispatch(AppEvent.SetupSkip) }  // buddy, duress PIN, location, disguise
        assertTrue(dispatch(AppEvent.Open(Destination.HOME)).view.screen is Screen.Home)
    }

    private fun bytesContain(file: Path, needle: ByteArray): Boolean {
        val hay = Files.readAllBytes(file)
        return (0..hay.size - needle.size).any { i -> needle.indices.all { hay[i + it] == needle[it] } }
    }

    @Test
    fun answerAQuestionOnScreenChangeItAndFindBothInTheVault() {
        val clock = TestClock()
        val prf = inMemoryPrf()
        val dir = tempVaultDir()
        val app = openApp(
            dir.toString(), prf, KeyDerivation.MinimalForTestsOnly,
            AppConfig(language = "en-GB", region = "GB", sms = SmsAbility.SEND_SILENTLY, utcOffsetMinutes = 60),
            clock,
        )
        app.setUp()
        // Turned up at home four times in four days.
        val logged = (1..4).map {
            val id = (app.dispatch(AppEvent.QuickLog(QuickKind.TURNED_UP_HOME)).view.screen as Screen.Home).home.logged!!.incidentId
            clock.advance(Duration.ofHours(26))
            app.dispatch(AppEvent.Tick)
            id
        }

        val opened = app.dispatch(AppEvent.Open(Destination.RISK)).risk()
        assertTrue(opened.intro.contains("999"), "not a risk assessment; 999 if in danger: ${opened.intro}")
        assertTrue(opened.source.contains("2009"), opened.source)
        assertEquals(11, opened.questions.size)
        assertEquals((1u..11u).toList(), opened.questions.map { it.number })
        assertEquals(listOf(RiskChoice.YES, RiskChoice.NO, RiskChoice.NOT_SURE), opened.choices.map { it.choice })
        assertEquals(0u, opened.answered)
        val visits = opened.questions.single { it.id == "visits-home-or-work" }
        assertTrue(visits.pointsToYes)
        assertEquals(logged.toSet(), visits.incidentIds.toSet(), "the log's own incidents, and only those")
        assertTrue(visits.logSays!!.contains("4 times"), visits.logSays)
        assertTrue(visits.incidentsLabel.isNotEmpty())
        assertEquals(null, visits.answer)
        // The other person's history is asked, never guessed from the log.
        val askedOnly = opened.questions.filter { it.askedOnly }
        assertTrue(askedOnly.isNotEmpty() && askedOnly.all { it.logSays == null && it.incidentIds.isEmpty() })

        // Answered "no", then changed to "yes" with a note: the earlier answer stays in the history.
        app.dispatch(AppEvent.AnswerRisk(visits.id, RiskChoice.NO, null))
        clock.advance(Duration.ofMinutes(5))
        val changed = app.dispatch(AppEvent.AnswerRisk(visits.id, RiskChoice.YES, note))
        assertEquals(Tone.GOOD, changed.view.banner?.tone)
        val card = changed.risk().questions.single { it.id == visits.id }
        assertEquals(RiskChoice.YES, card.answer!!.choice)
        assertEquals(note, card.answer!!.note)
        assertEquals(listOf(RiskChoice.NO), card.history.map { it.choice })
        assertEquals(1u, changed.risk().answered)
        assertTrue(changed.risk().progressLabel.startsWith("1 of 11"), changed.risk().progressLabel)

        // A question that does not exist: said on screen, nothing stored.
        val bad = app.dispatch(AppEvent.AnswerRisk("no-such-question", RiskChoice.YES, null))
        assertTrue(bad.view.banner != null && bad.view.banner!!.tone != Tone.GOOD, "${bad.view.banner}")

        // Locked (panic): an answer sent now changes nothing.
        app.dispatch(AppEvent.Panic)
        app.dispatch(AppEvent.AnswerRisk(visits.id, RiskChoice.NO, null))

        // The same answers through the FFI, from the signed log. Every object holding the vault
        // is closed, so the vault is locked (its database closed) before the files are read
        // below, not whenever the garbage collector gets to them (which removed a -shm file
        // while it was being read).
        Vault.open(dir.toString(), prf, clock).use { vault ->
            vault.unlock(PIN)
            vault.riskChecklist().use { checklist ->
                val history = checklist.history()
                assertEquals(listOf(RiskAnswer.NO, RiskAnswer.YES), history.map { it.answer })
                assertEquals(listOf(visits.id, visits.id), history.map { it.questionId })
                assertEquals(note, history[1].note)
                assertEquals(card.answer!!.loggedAs, history[1].loggedAs)
                assertEquals(logged.toSet(), history[1].evidenceIncidentIds.toSet())
                assertEquals(2uL, checklist.verify())
            }
            vault.incidentLog().use { log -> assertTrue(log.verify().entries >= 6uL) }
        }
        // The note is nowhere on disk in the clear.
        val marker = "marker-7f3c".toByteArray()
        val files = Files.walk(dir).use { s -> s.filter { Files.isRegularFile(it) }.toList() }
        assertTrue(files.isNotEmpty())
        for (f in files) assertFalse(bytesContain(f, marker), "the note is readable in $f")
    }
}
