package org.waymark

import java.time.Duration
import java.time.Instant
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.waymark.ffi.IncidentKind
import org.waymark.ffi.NewIncident
import org.waymark.ffi.RiskAnswer
import org.waymark.ffi.WaymarkException

/** The S-DASH risk questions through the real library: evidence from the log, answers, history. */
class RiskTest {
    @Test
    fun questionsCarryTheLogsEvidenceAndAnswersKeepTheirHistory() {
        val clock = TestClock()
        val created = newVault(clock)
        val log = created.vault.incidentLog()
        val visits = (1..4).map { d ->
            log.record(
                NewIncident(
                    kind = IncidentKind.TURNED_UP_HOME,
                    occurredAt = clock.now.minus(Duration.ofDays(d.toLong())),
                    description = "at the door",
                    feeling = 5u,
                ),
            ).id
        }
        val risk = created.vault.riskChecklist()
        val view = risk.view(60)
        assertEquals(11, view.questions.size)
        assertTrue(view.notAnAssessment.contains("999"))
        assertEquals("2009", view.sourcePublished)
        val q4 = view.questions[3]
        assertEquals("visits-home-or-work", q4.id)
        assertTrue(q4.evidence!!.pointsToYes)
        assertEquals(visits.reversed(), q4.evidence!!.incidentIds)
        assertTrue(q4.evidence!!.summary.contains("4 times in the last 7 days"), q4.evidence!!.summary)
        // The other person's history is asked, never guessed.
        assertTrue(view.questions[1].askedOnly)
        assertNull(view.questions[1].evidence)

        risk.answer("4", RiskAnswer.NO, null)
        clock.advance(Duration.ofMinutes(5))
        val changed = risk.answer("visits-home-or-work", RiskAnswer.YES, "Codziennie wieczorem — every evening 😨")
        assertEquals(RiskAnswer.YES, changed.answer)
        assertEquals("Codziennie wieczorem — every evening 😨", changed.note)
        assertEquals(visits.reversed(), changed.evidenceIncidentIds)
        assertEquals(clock.now, changed.answeredAt)

        val after = risk.view(0).questions[3]
        assertEquals(RiskAnswer.YES, after.answer!!.answer)
        assertEquals(listOf(RiskAnswer.NO), after.earlier.map { it.answer })
        assertEquals(2, risk.history().size)
        assertEquals(2uL, risk.verify())
        assertTrue(log.verify().entries >= 6uL, "the answers are in the signed log")

        val bad = assertThrows<WaymarkException.InvalidInput> { risk.answer("12", RiskAnswer.YES, null) }
        assertEquals("question", bad.field)
        assertThrows<WaymarkException.InvalidInput> { risk.view(1440) }

        created.vault.lock()
        assertThrows<WaymarkException.Locked> { risk.history() }
        created.vault.unlock(PIN)
        assertFalse(risk.history().isEmpty(), "answers survive locking")
    }
}
