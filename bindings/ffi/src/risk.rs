//! The police's stalking risk questions (S-DASH 2009) as the shells see them: each question with
//! what the log already says, and the person's answers. A thin mirror of `waymark_core::risk`.

use std::sync::Arc;
use std::time::SystemTime;

use chrono::FixedOffset;
use waymark_core::risk as core_risk;

use crate::error::{Result, WaymarkError};
use crate::time::to_system_time;
use crate::vault::Vault;

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RiskAnswer {
    Yes,
    No,
    /// "Not sure".
    Unsure,
}

impl From<RiskAnswer> for core_risk::Answer {
    fn from(a: RiskAnswer) -> Self {
        match a {
            RiskAnswer::Yes => core_risk::Answer::Yes,
            RiskAnswer::No => core_risk::Answer::No,
            RiskAnswer::Unsure => core_risk::Answer::Unsure,
        }
    }
}

impl From<core_risk::Answer> for RiskAnswer {
    fn from(a: core_risk::Answer) -> Self {
        match a {
            core_risk::Answer::Yes => RiskAnswer::Yes,
            core_risk::Answer::No => RiskAnswer::No,
            core_risk::Answer::Unsure => RiskAnswer::Unsure,
        }
    }
}

/// What the log already says about a question, and the incidents behind it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RiskEvidence {
    pub summary: String,
    pub incident_ids: Vec<String>,
    /// The log holds what the question asks about (the person still answers).
    pub points_to_yes: bool,
}

impl From<core_risk::LogEvidence> for RiskEvidence {
    fn from(e: core_risk::LogEvidence) -> Self {
        RiskEvidence {
            summary: e.summary,
            incident_ids: e.incident_ids,
            points_to_yes: e.points_to_yes,
        }
    }
}

/// One answer as given (from its log entry).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RiskAnswerRecord {
    /// The question's id, e.g. "visits-home-or-work".
    pub question_id: String,
    /// Its number on the checklist, 1 to 11.
    pub number: u8,
    pub answer: RiskAnswer,
    pub note: Option<String>,
    pub answered_at: SystemTime,
    /// The log entry that holds it.
    pub logged_as: u64,
    /// The incidents the log showed for the question when it was answered.
    pub evidence_incident_ids: Vec<String>,
}

impl From<core_risk::AnswerRecord> for RiskAnswerRecord {
    fn from(a: core_risk::AnswerRecord) -> Self {
        RiskAnswerRecord {
            question_id: a.topic.id().to_string(),
            number: a.number,
            answer: a.answer.into(),
            note: a.note,
            answered_at: to_system_time(a.answered_at),
            logged_as: a.logged_as,
            evidence_incident_ids: a.evidence_incident_ids,
        }
    }
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct RiskQuestion {
    pub id: String,
    pub number: u8,
    /// The question, put to the person.
    pub text: String,
    /// What the published checklist item asks, to match it to the police form.
    pub checklist_item: String,
    /// Only the person can answer (the stalker's history): there is never any evidence.
    pub asked_only: bool,
    pub why: String,
    pub evidence: Option<RiskEvidence>,
    pub answer: Option<RiskAnswerRecord>,
    /// Earlier answers, newest first.
    pub earlier: Vec<RiskAnswerRecord>,
}

/// The whole checklist, with where it comes from and the note that it is not a risk assessment.
#[derive(Debug, Clone, uniffi::Record)]
pub struct RiskQuestions {
    pub not_an_assessment: String,
    pub source_title: String,
    pub source_published: String,
    pub source_authors: String,
    pub source_used_by: String,
    pub source_consulted: Vec<String>,
    pub answered: u32,
    pub questions: Vec<RiskQuestion>,
}

impl From<core_risk::RiskView> for RiskQuestions {
    fn from(v: core_risk::RiskView) -> Self {
        RiskQuestions {
            not_an_assessment: v.not_an_assessment.to_string(),
            source_title: v.source.title.to_string(),
            source_published: v.source.published.to_string(),
            source_authors: v.source.authors.to_string(),
            source_used_by: v.source.used_by.to_string(),
            source_consulted: v.source.consulted.iter().map(|s| s.to_string()).collect(),
            answered: v.answered as u32,
            questions: v
                .questions
                .into_iter()
                .map(|q| RiskQuestion {
                    id: q.id.to_string(),
                    number: q.question.number,
                    text: q.question.text.to_string(),
                    checklist_item: q.question.checklist_item.to_string(),
                    asked_only: q.question.basis == core_risk::Basis::AskedOnly,
                    why: q.question.why.to_string(),
                    evidence: q.evidence.map(Into::into),
                    answer: q.answer.map(Into::into),
                    earlier: q.earlier.into_iter().map(Into::into).collect(),
                })
                .collect(),
        }
    }
}

/// The risk questions of a vault. Every call needs the vault unlocked (`Locked` otherwise).
#[derive(uniffi::Object)]
pub struct RiskChecklist {
    pub(crate) vault: Arc<Vault>,
}

impl RiskChecklist {
    fn core(&self) -> core_risk::RiskChecklist<'_> {
        core_risk::RiskChecklist::new(&self.vault.inner)
    }
}

#[uniffi::export]
impl RiskChecklist {
    /// Every question with what the log says and the current answers. Dates in the evidence
    /// are written in the phone's time zone, given as its offset from UTC in minutes.
    pub fn view(&self, utc_offset_minutes: i32) -> Result<RiskQuestions> {
        let tz = utc_offset_minutes
            .checked_mul(60)
            .and_then(FixedOffset::east_opt)
            .ok_or_else(|| {
                WaymarkError::invalid("utc_offset_minutes", "must be within a day of UTC")
            })?;
        Ok(self.core().view(&tz)?.into())
    }

    /// Answers a question (its number "4" or id "visits-home-or-work"). Changing an answer keeps
    /// the earlier one; giving the same answer and note again changes nothing.
    #[uniffi::method(default(note = None))]
    pub fn answer(
        &self,
        question: String,
        answer: RiskAnswer,
        note: Option<String>,
    ) -> Result<RiskAnswerRecord> {
        Ok(self
            .core()
            .answer(&question, answer.into(), note.as_deref())?
            .into())
    }

    /// Every answer ever given, oldest first.
    pub fn history(&self) -> Result<Vec<RiskAnswerRecord>> {
        Ok(self.core().history()?.into_iter().map(Into::into).collect())
    }

    /// Checks that the answers' index agrees with the log; returns how many answers there are.
    pub fn verify(&self) -> Result<u64> {
        Ok(self.core().verify()? as u64)
    }
}
