//! `waymark risk`: the police's stalking risk questions (S-DASH), what the log already says
//! about each, and the person's own answers. Not a risk assessment: the police or an advocate
//! make that with the person.

use crate::app::{App, CliResult};
use crate::when;
use chrono::Local;
use clap::{ArgGroup, Args, Subcommand};
use waymark_core::risk::{Answer, AnswerRecord, RiskChecklist, RiskView};

#[derive(Args)]
pub struct RiskArgs {
    #[command(subcommand)]
    pub command: Option<RiskCommand>,
}

#[derive(Subcommand)]
pub enum RiskCommand {
    /// Answer a question (by its number, 1 to 11): yes, no or not sure, with a note if you like.
    /// Changing an answer keeps the earlier one in the history.
    Answer(AnswerArgs),
    /// Every answer you have given, oldest first.
    History,
}

#[derive(Args)]
#[command(group(ArgGroup::new("choice").required(true).args(["yes", "no", "unsure"])))]
pub struct AnswerArgs {
    /// The question's number (1 to 11) or its name, e.g. "frightened".
    pub question: String,
    #[arg(long)]
    pub yes: bool,
    #[arg(long)]
    pub no: bool,
    /// Not sure.
    #[arg(long, alias = "not-sure")]
    pub unsure: bool,
    /// Anything you want the police or an advocate to know about this answer.
    #[arg(long)]
    pub note: Option<String>,
}

pub fn risk(args: RiskArgs, app: &mut App) -> CliResult {
    let json = app.json;
    let risk = RiskChecklist::new(app.vault()?);
    match args.command {
        None => {
            let view = risk.view(&Local)?;
            if json {
                return app.print_json(&view);
            }
            print_view(&view);
        }
        Some(RiskCommand::Answer(a)) => {
            let answer = if a.yes {
                Answer::Yes
            } else if a.no {
                Answer::No
            } else {
                Answer::Unsure
            };
            let record = risk.answer(&a.question, answer, a.note.as_deref())?;
            if json {
                return app.print_json(&record);
            }
            println!(
                "Saved: question {} answered \"{}\". Earlier answers stay in the history.",
                record.number,
                record.answer.label()
            );
        }
        Some(RiskCommand::History) => {
            let history = risk.history()?;
            if json {
                return app.print_json(&history);
            }
            if history.is_empty() {
                println!("No answers yet. See the questions with: waymark risk");
            }
            for a in &history {
                println!("Question {}: {}", a.number, answer_line(a));
            }
        }
    }
    Ok(())
}

fn answer_line(a: &AnswerRecord) -> String {
    let mut s = format!("{} ({})", a.answer.label(), when::show(a.answered_at));
    if let Some(n) = &a.note {
        s.push_str(&format!(" - note: {n}"));
    }
    s
}

fn print_view(v: &RiskView) {
    println!("{}\n", v.not_an_assessment);
    for q in &v.questions {
        println!("{}. {}", q.question.number, q.question.text);
        match &q.answer {
            Some(a) => println!("   Your answer: {}", answer_line(a)),
            None => println!("   Not answered yet."),
        }
        for e in &q.earlier {
            println!("   Earlier: {}", answer_line(e));
        }
        match &q.evidence {
            Some(e) => println!("   What your log shows: {}", e.summary),
            None => println!("   Only you can answer: {}", q.question.why),
        }
        println!();
    }
    println!(
        "{} of {} answered. Answer with: waymark risk answer NUMBER --yes|--no|--unsure [--note \"...\"]",
        v.answered,
        v.questions.len()
    );
    println!(
        "Questions from the {} ({}); {}.",
        v.source.title, v.source.published, v.source.authors
    );
}
