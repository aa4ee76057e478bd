//! The risk questions (issue 17): the police's stalking screening questions (S-DASH 2009), each
//! with what the log already says and the incidents behind it, answered yes / no / not sure with
//! a note. Answers are stored by the core as Merkle-logged entries; changing one keeps the
//! earlier answer in the history shown under the question.
//!
//! The questions' own wording, why each is asked and the log's summary come from the core's one
//! file of questions (`waymark_core::risk::questions`: English, with its source); everything
//! around them comes from the table.

use chrono::{FixedOffset, Offset, Utc};
use waymark_core::risk::{Answer, AnswerRecord, RiskChecklist, RiskView, SOURCE};

use crate::model::{Model, Route};
use crate::screens::insights::short_ids;
use crate::strings::fill;
use crate::view::Tone;

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RiskChoice {
    Yes,
    No,
    NotSure,
}

impl From<RiskChoice> for Answer {
    fn from(c: RiskChoice) -> Self {
        match c {
            RiskChoice::Yes => Answer::Yes,
            RiskChoice::No => Answer::No,
            RiskChoice::NotSure => Answer::Unsure,
        }
    }
}

impl From<Answer> for RiskChoice {
    fn from(a: Answer) -> Self {
        match a {
            Answer::Yes => RiskChoice::Yes,
            Answer::No => RiskChoice::No,
            Answer::Unsure => RiskChoice::NotSure,
        }
    }
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RiskChoiceOption {
    pub choice: RiskChoice,
    pub label: String,
}

/// One answer as given.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RiskAnswerRow {
    pub choice: RiskChoice,
    /// "Yes, on 20 Nov 2026 17:00"
    pub text: String,
    pub note: Option<String>,
    /// The log entry that holds it.
    pub logged_as: u64,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RiskQuestionCard {
    /// For `AnswerRisk { question_id }`.
    pub id: String,
    /// Its number on the checklist, 1 to 11.
    pub number: u32,
    /// "Question 4 of 11"
    pub number_label: String,
    pub text: String,
    pub why: String,
    /// Only the person can answer it (the stalker's history): the log is never used.
    pub asked_only: bool,
    /// "What your log shows: …" (none for asked-only questions).
    pub log_says: Option<String>,
    /// The log holds what the question asks about (the person still answers).
    pub points_to_yes: bool,
    pub incident_ids: Vec<String>,
    /// "Incidents 3f2a…, 9d88…"; empty when there are none.
    pub incidents_label: String,
    /// The current answer.
    pub answer: Option<RiskAnswerRow>,
    /// Earlier answers, newest first.
    pub history: Vec<RiskAnswerRow>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RiskScreen {
    /// Not a risk assessment; 999 if in danger now. Always shown, first.
    pub intro: String,
    /// Where the questions come from.
    pub source: String,
    /// "3 of 11 answered"
    pub progress_label: String,
    pub answered: u32,
    pub questions: Vec<RiskQuestionCard>,
    /// Yes / No / Not sure, for `AnswerRisk { choice }`.
    pub choices: Vec<RiskChoiceOption>,
    pub note_label: String,
    pub history_label: String,
    pub asked_only_text: String,
}

fn local(minutes: i32) -> FixedOffset {
    FixedOffset::east_opt(minutes.saturating_mul(60)).unwrap_or_else(|| Utc.fix())
}

impl Model {
    pub(crate) fn open_risk(&mut self) {
        if self.read_risk() {
            self.go(Route::Risk);
        }
    }

    fn read_risk(&mut self) -> bool {
        let Some(v) = self.unlocked_vault() else {
            return false;
        };
        match RiskChecklist::new(v).view(&local(self.config.utc_offset_minutes)) {
            Ok(view) => {
                self.risk = Some(view);
                true
            }
            Err(e) => {
                self.fail(&e);
                false
            }
        }
    }

    pub(crate) fn answer_risk(
        &mut self,
        question_id: &str,
        choice: RiskChoice,
        note: Option<&str>,
    ) {
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        match RiskChecklist::new(v).answer(question_id, choice.into(), note) {
            Ok(_) => {
                let text = self.s.risk.saved.to_string();
                self.say(text, Tone::Good);
                self.read_risk();
            }
            Err(e) => self.fail(&e),
        }
    }

    fn answer_row(&self, a: &AnswerRecord) -> RiskAnswerRow {
        let w = &self.s.risk;
        let choice = RiskChoice::from(a.answer);
        let label = match choice {
            RiskChoice::Yes => w.yes,
            RiskChoice::No => w.no,
            RiskChoice::NotSure => w.not_sure,
        };
        let when = a
            .answered_at
            .with_timezone(&local(self.config.utc_offset_minutes))
            .format("%-d %b %Y %H:%M")
            .to_string();
        RiskAnswerRow {
            choice,
            text: fill(w.answer_given, &[("answer", label), ("when", &when)]),
            note: a.note.clone(),
            logged_as: a.logged_as,
        }
    }

    pub(crate) fn risk_view(&self) -> RiskScreen {
        let w = &self.s.risk;
        let total = self.risk.as_ref().map_or(0, |r| r.questions.len());
        let answered = self.risk.as_ref().map_or(0, |r: &RiskView| r.answered);
        let questions = self
            .risk
            .as_ref()
            .map(|r| {
                r.questions
                    .iter()
                    .map(|q| {
                        let asked_only = q.question.basis == waymark_core::risk::Basis::AskedOnly;
                        let ids = q
                            .evidence
                            .as_ref()
                            .map(|e| e.incident_ids.clone())
                            .unwrap_or_default();
                        RiskQuestionCard {
                            id: q.id.to_string(),
                            number: u32::from(q.question.number),
                            number_label: fill(
                                w.number,
                                &[
                                    ("n", &q.question.number.to_string()),
                                    ("total", &total.to_string()),
                                ],
                            ),
                            text: q.question.text.to_string(),
                            why: q.question.why.to_string(),
                            asked_only,
                            log_says: q
                                .evidence
                                .as_ref()
                                .map(|e| fill(w.log_says, &[("summary", &e.summary)])),
                            points_to_yes: q.evidence.as_ref().is_some_and(|e| e.points_to_yes),
                            incidents_label: if ids.is_empty() {
                                String::new()
                            } else {
                                fill(w.incidents, &[("ids", &short_ids(&ids))])
                            },
                            incident_ids: ids,
                            answer: q.answer.as_ref().map(|a| self.answer_row(a)),
                            history: q.earlier.iter().map(|a| self.answer_row(a)).collect(),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        RiskScreen {
            intro: fill(w.intro, &[("number", self.region.emergency_number)]),
            source: fill(
                w.source,
                &[
                    ("title", SOURCE.title),
                    ("published", SOURCE.published),
                    ("authors", SOURCE.authors),
                ],
            ),
            progress_label: fill(
                w.progress,
                &[
                    ("answered", &answered.to_string()),
                    ("total", &total.to_string()),
                ],
            ),
            answered: u32::try_from(answered).unwrap_or(u32::MAX),
            questions,
            choices: vec![
                RiskChoiceOption {
                    choice: RiskChoice::Yes,
                    label: w.yes.to_string(),
                },
                RiskChoiceOption {
                    choice: RiskChoice::No,
                    label: w.no.to_string(),
                },
                RiskChoiceOption {
                    choice: RiskChoice::NotSure,
                    label: w.not_sure.to_string(),
                },
            ],
            note_label: w.note.to_string(),
            history_label: w.history.to_string(),
            asked_only_text: w.asked_only.to_string(),
        }
    }
}
