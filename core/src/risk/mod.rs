//! risk: the stalking risk screening questions the police and advocates ask (S-DASH 2009),
//! what the person's log already says about each, and the person's own answers (issue 17).
//!
//! - `questions`: the questions, their source and date; the only place they are written.
//! - `evidence`: what the log shows for each question (pure functions over incidents).
//! - here: the answers. Each answer is a `risk.answer` entry in the Merkle log (so it is signed,
//!   tamper-evident and ordered like everything else) and a row in `risk_answers` that indexes
//!   it by question. Changing an answer appends a new entry: earlier answers stay in the history.
//!
//! This is not a risk assessment and never scores anything: it prepares the person for the one
//! the police or an advocate make with them.

pub mod evidence;
pub mod questions;

#[cfg(test)]
mod tests;

pub use evidence::{evidence_for, LogEvidence};
pub use questions::{find, Basis, Question, Source, Topic, NOT_AN_ASSESSMENT, QUESTIONS, SOURCE};

use crate::error::{Error, Result};
use crate::log::{EntryBody, Incident, IncidentLog, ListFilter};
use crate::vault::Vault;
use chrono::{DateTime, TimeZone, Utc};
use rusqlite::params;
use serde::{Deserialize, Serialize};

/// Append-only: never edit a batch once released.
pub(crate) const MIGRATIONS: &[&str] = &[
    "CREATE TABLE risk_answers (seq INTEGER PRIMARY KEY, question TEXT NOT NULL);
     CREATE INDEX risk_answers_by_question ON risk_answers (question, seq);",
];

pub const ENTRY_ANSWER: &str = "risk.answer";
pub const MAX_NOTE_CHARS: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Answer {
    Yes,
    No,
    /// "Not sure" is an answer too: the police form has room for it in the notes.
    Unsure,
}

impl Answer {
    pub fn label(self) -> &'static str {
        match self {
            Answer::Yes => "Yes",
            Answer::No => "No",
            Answer::Unsure => "Not sure",
        }
    }
}

/// What goes into the log entry. `evidence` is the incidents shown beside the question when the
/// person answered, so the record says what they were looking at.
#[derive(Serialize, Deserialize)]
struct AnswerPayload {
    question: String,
    item: u8,
    answer: Answer,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(default)]
    evidence: Vec<String>,
}

/// One answer as given, from its log entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerRecord {
    pub topic: Topic,
    pub number: u8,
    pub answer: Answer,
    pub note: Option<String>,
    pub answered_at: DateTime<Utc>,
    /// The log entry that holds it.
    pub logged_as: u64,
    /// The incidents the log showed for this question when it was answered.
    pub evidence_incident_ids: Vec<String>,
}

/// One question with what the log says and the person's answer.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionView {
    pub id: &'static str,
    #[serde(flatten)]
    pub question: Question,
    /// None for the questions Waymark only asks (the stalker's history).
    pub evidence: Option<LogEvidence>,
    /// The latest answer, if any.
    pub answer: Option<AnswerRecord>,
    /// Earlier answers to this question, newest first.
    pub earlier: Vec<AnswerRecord>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RiskView {
    pub not_an_assessment: &'static str,
    pub source: Source,
    pub answered: usize,
    pub questions: Vec<QuestionView>,
}

/// The questions with evidence from `incidents` and the answers in `history` (oldest first).
pub fn view<Tz: TimeZone>(
    incidents: &[Incident],
    history: &[AnswerRecord],
    now: DateTime<Utc>,
    tz: &Tz,
) -> RiskView {
    let questions: Vec<QuestionView> = QUESTIONS
        .iter()
        .map(|q| {
            let mut mine: Vec<AnswerRecord> = history
                .iter()
                .filter(|a| a.topic == q.topic)
                .cloned()
                .collect();
            mine.reverse();
            let answer = (!mine.is_empty()).then(|| mine.remove(0));
            QuestionView {
                id: q.topic.id(),
                question: q.clone(),
                evidence: evidence_for(q, incidents, now, tz),
                answer,
                earlier: mine,
            }
        })
        .collect();
    RiskView {
        not_an_assessment: NOT_AN_ASSESSMENT,
        source: SOURCE,
        answered: questions.iter().filter(|q| q.answer.is_some()).count(),
        questions,
    }
}

/// The questions and answers of an unlocked vault. Cheap: borrows the vault.
pub struct RiskChecklist<'v> {
    vault: &'v Vault,
}

impl<'v> RiskChecklist<'v> {
    pub fn new(vault: &'v Vault) -> Self {
        RiskChecklist { vault }
    }

    /// Every question with what the whole log says and the current answers.
    pub fn view<Tz: TimeZone>(&self, tz: &Tz) -> Result<RiskView> {
        let incidents = IncidentLog::new(self.vault).list(&ListFilter::default())?;
        Ok(view(&incidents, &self.history()?, self.vault.now(), tz))
    }

    /// Records an answer (`question` is its number, "q4" or its id). Giving the same answer
    /// and note again changes nothing and returns the answer already recorded.
    pub fn answer(
        &self,
        question: &str,
        answer: Answer,
        note: Option<&str>,
    ) -> Result<AnswerRecord> {
        let q = find(question)?;
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
            return Err(Error::invalid(
                "note",
                format!("is too long (at most {MAX_NOTE_CHARS} characters)"),
            ));
        }
        if let Some(current) = self.history()?.into_iter().rfind(|a| a.topic == q.topic) {
            if current.answer == answer && current.note.as_deref() == note {
                return Ok(current);
            }
        }
        let incidents = IncidentLog::new(self.vault).list(&ListFilter::default())?;
        let shown = evidence_for(q, &incidents, self.vault.now(), &Utc)
            .map(|e| e.incident_ids)
            .unwrap_or_default();
        let payload = AnswerPayload {
            question: q.topic.id().to_string(),
            item: q.number,
            answer,
            note: note.map(str::to_string),
            evidence: shown,
        };
        let seq = self.vault.write(|tx| {
            let seq = tx.append_entry(ENTRY_ANSWER, None, &payload)?;
            tx.conn().execute(
                "INSERT INTO risk_answers (seq, question) VALUES (?1, ?2)",
                params![seq as i64, payload.question],
            )?;
            tracing::info!(seq, "risk question answered");
            Ok(seq)
        })?;
        self.history()?
            .into_iter()
            .find(|a| a.logged_as == seq)
            .ok_or_else(|| Error::storage("the answer was not saved"))
    }

    /// Every answer ever given, oldest first, read from the log entries.
    pub fn history(&self) -> Result<Vec<AnswerRecord>> {
        self.vault.read(|c| {
            let mut stmt = c.prepare(
                "SELECT r.seq, l.entry_type, l.body FROM risk_answers r
                 LEFT JOIN log_entries l ON l.seq = r.seq ORDER BY r.seq",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<Vec<u8>>>(2)?,
                ))
            })?;
            let mut out = vec![];
            for row in rows {
                let (seq, entry_type, body) = row?;
                let bad = || Error::integrity(format!("log entry #{seq} (a risk answer)"));
                if entry_type.as_deref() != Some(ENTRY_ANSWER) {
                    return Err(bad());
                }
                let Some(body) = body else { continue }; // redacted: nothing left to show
                let entry: EntryBody = serde_json::from_slice(&body).map_err(|_| bad())?;
                let p: AnswerPayload = serde_json::from_value(entry.payload).map_err(|_| bad())?;
                // A question a newer Waymark added is kept in the log but not shown here.
                let Ok(q) = find(&p.question) else { continue };
                out.push(AnswerRecord {
                    topic: q.topic,
                    number: q.number,
                    answer: p.answer,
                    note: p.note,
                    answered_at: DateTime::parse_from_rfc3339(&entry.recorded_at)
                        .map_err(|_| bad())?
                        .with_timezone(&Utc),
                    logged_as: seq as u64,
                    evidence_incident_ids: p.evidence,
                });
            }
            Ok(out)
        })
    }

    /// Checks that the index and the log agree: every `risk.answer` entry is indexed under its
    /// question, and nothing else is. The entries themselves are checked by the log's verify.
    pub fn verify(&self) -> Result<usize> {
        self.vault.read(|c| {
            let mut stmt = c.prepare(
                "SELECT l.seq, l.body, r.question FROM log_entries l
                 LEFT JOIN risk_answers r ON r.seq = l.seq WHERE l.entry_type = ?1 ORDER BY l.seq",
            )?;
            let rows = stmt.query_map([ENTRY_ANSWER], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<Vec<u8>>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })?;
            let mut n = 0usize;
            for row in rows {
                let (seq, body, indexed) = row?;
                let bad =
                    || Error::integrity(format!("risk answer #{seq} does not match its log entry"));
                if let Some(body) = body {
                    let entry: EntryBody = serde_json::from_slice(&body).map_err(|_| bad())?;
                    let question = entry.payload.get("question").and_then(|q| q.as_str());
                    if question != indexed.as_deref() {
                        return Err(bad());
                    }
                } else if indexed.is_none() {
                    return Err(bad());
                }
                n += 1;
            }
            let indexed: i64 =
                c.query_row("SELECT count(*) FROM risk_answers", [], |r| r.get(0))?;
            if indexed as usize != n {
                return Err(Error::integrity(
                    "a risk answer is indexed without its log entry",
                ));
            }
            Ok(n)
        })
    }
}
