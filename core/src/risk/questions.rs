//! The stalking risk screening questions: the one place that holds them, where they come from,
//! and how old that is. Everything else (the CLI, the app, the PDF report) reads them from here.
//!
//! Source. The S-DASH (2009) "Risk Identification Checklist for use in Stalking and Harassment
//! cases": eleven questions from the research of Dr Lorraine Sheridan and Dr Karl Roberts, put
//! into police practice by Laura Richards for ACPO (now the NPCC) in 2009. Police forces in
//! England and Wales use it as their stalking screening tool; the victim's version (VS-DASH 2009)
//! is the one Protection Against Stalking and the National Stalking Helpline (run by the Suzy
//! Lamplugh Trust) suggest people fill in and take to the police, and Paladin's "six golden
//! rules" ask victims to complete "the S-DASH 11 screening questions".
//!
//! The checklist's own text says "please do not change this checklist". We keep its numbering,
//! its order and what each item asks; the words are put to the person ("Are you...", "Has the
//! person...") the way the VS-DASH puts them, and each question also carries a plain summary of
//! the published item so an officer can match it to the form. The published copies consulted
//! (December 2026) are listed in [`SOURCE`].

use serde::Serialize;

/// What each question is about. The kebab-case name is the question's id in the CLI and JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Topic {
    Frightened,
    PreviousHarassment,
    PropertyDamage,
    VisitsHomeOrWork,
    Loitering,
    ThreatsOfViolence,
    ThirdParties,
    ViolentNow,
    OthersDrawnIn,
    DrugsOrAlcohol,
    ViolentBefore,
}

impl Topic {
    pub fn id(self) -> &'static str {
        match self {
            Topic::Frightened => "frightened",
            Topic::PreviousHarassment => "previous-harassment",
            Topic::PropertyDamage => "property-damage",
            Topic::VisitsHomeOrWork => "visits-home-or-work",
            Topic::Loitering => "loitering",
            Topic::ThreatsOfViolence => "threats-of-violence",
            Topic::ThirdParties => "third-parties",
            Topic::ViolentNow => "violent-now",
            Topic::OthersDrawnIn => "others-drawn-in",
            Topic::DrugsOrAlcohol => "drugs-or-alcohol",
            Topic::ViolentBefore => "violent-before",
        }
    }
}

/// Where an answer can come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// The log holds incidents that bear on it; they are shown, and the person still answers.
    Log,
    /// Only the person can know: Waymark asks and never guesses (the stalker's history, or
    /// something the log has no kind of incident for).
    AskedOnly,
}

#[derive(Debug, Clone, Serialize)]
pub struct Question {
    pub topic: Topic,
    /// The item's number on the published checklist (1 to 11).
    pub number: u8,
    /// The question, put to the person.
    pub text: &'static str,
    /// What the published item asks, in brief, so it can be matched to the police form.
    pub checklist_item: &'static str,
    pub basis: Basis,
    /// Why it is asked, or (for asked-only questions) why the log cannot answer it.
    pub why: &'static str,
}

/// Printed wherever the questions are: on the screen, in the CLI and on the report page.
pub const NOT_AN_ASSESSMENT: &str = "These are the questions the police and stalking advocates \
ask to screen for risk (the S-DASH checklist). Your answers and the incidents beside them are \
not a risk assessment: only the police or a specialist advocate can make one, with you. \
If you are in danger now, call 999 (if you cannot speak, stay on the line and press 55 when asked). \
For advice, call the National Stalking Helpline on 0808 802 0300.";

/// Where the questions come from, shown with them.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub title: &'static str,
    pub published: &'static str,
    pub authors: &'static str,
    pub used_by: &'static str,
    /// Public copies of the checklist and of the guidance that were read for this wording.
    pub consulted: &'static [&'static str],
    pub consulted_on: &'static str,
}

pub const SOURCE: Source = Source {
    title: "S-DASH (2009) Risk Identification Checklist for use in Stalking and Harassment cases",
    published: "2009",
    authors: "Dr Lorraine Sheridan and Dr Karl Roberts (research questions); \
              Laura Richards for ACPO (police practice and training)",
    used_by: "police forces in England and Wales; Paladin National Stalking Advocacy Service \
              (\"complete the S-DASH 11 screening questions\"); the National Stalking Helpline \
              (Suzy Lamplugh Trust) and Protection Against Stalking (VS-DASH 2009, the victim's version)",
    consulted: &[
        "https://docest.com/doc/637366/need-to-insert-a-logo-s1 (Stalking Screening Tool, S-DASH items 1-11)",
        "https://view.genial.ly/65d897e938d4ed00143480d3/presentation-dash-q8 (S-DASH questions with guidance)",
        "https://www.protectionagainststalking.org/are-you-at-risk/ (VS-DASH 2009, risk factor definitions)",
        "https://www.suzylamplugh.org/FAQs/stalking-risk (Suzy Lamplugh Trust: take the checklist to the police)",
        "https://www.devon.gov.uk/dsva/stalking/ (Paladin's six golden rules)",
    ],
    consulted_on: "2026-12-01",
};

/// The eleven questions, in the checklist's order.
pub const QUESTIONS: [Question; 11] = [
    Question {
        topic: Topic::Frightened,
        number: 1,
        text: "Are you very frightened?",
        checklist_item: "Is the victim very frightened?",
        basis: Basis::Log,
        why: "The person being stalked is often the best judge of the danger they are in.",
    },
    Question {
        topic: Topic::PreviousHarassment,
        number: 2,
        text: "Has this person harassed or stalked you, or anyone else, before this began?",
        checklist_item: "Has the suspect engaged in harassment on previous occasions (this victim and/or other victims)?",
        basis: Basis::AskedOnly,
        why: "This is about the person's history before this began. Waymark does not guess it: only you, or the police, can know.",
    },
    Question {
        topic: Topic::PropertyDamage,
        number: 3,
        text: "Has this person ever destroyed or damaged your property?",
        checklist_item: "Has the suspect ever destroyed or vandalised the victim's property?",
        basis: Basis::Log,
        why: "Damaging property is a warning sign of violence to come.",
    },
    Question {
        topic: Topic::VisitsHomeOrWork,
        number: 4,
        text: "Does this person turn up at your home, work or other places more than three times a week?",
        checklist_item: "Does the suspect visit the victim at work, home, etc. more than three times per week?",
        basis: Basis::Log,
        why: "Frequent visits show how fixated the person is and how often you are within reach.",
    },
    Question {
        topic: Topic::Loitering,
        number: 5,
        text: "Has this person loitered around your home, workplace or places you go?",
        checklist_item: "Has the suspect loitered around the victim's home, workplace etc.?",
        basis: Basis::Log,
        why: "Watching and waiting near where you live or work is a sign of surveillance.",
    },
    Question {
        topic: Topic::ThreatsOfViolence,
        number: 6,
        text: "Has this person made any threats of physical or sexual violence while this has been going on?",
        checklist_item: "Has the suspect made any threats of physical or sexual violence in the current harassment?",
        basis: Basis::Log,
        why: "People stalked by someone who has threatened them are at higher risk of being attacked.",
    },
    Question {
        topic: Topic::ThirdParties,
        number: 7,
        text: "Has this person harassed anyone else since this began: family, friends, children, colleagues, a partner or neighbours?",
        checklist_item: "Has the suspect harassed any third party since the harassment began (friends, family, children, colleagues, partners or neighbours)?",
        basis: Basis::Log,
        why: "Stalkers often target the people around you too.",
    },
    Question {
        topic: Topic::ViolentNow,
        number: 8,
        text: "Has this person been violent towards anyone while this has been going on?",
        checklist_item: "Has the suspect acted out violently towards people within the current stalking?",
        basis: Basis::AskedOnly,
        why: "The log has no kind of incident for violence, so Waymark cannot tell from it. If it has happened, answer yes and say what in the note.",
    },
    Question {
        topic: Topic::OthersDrawnIn,
        number: 9,
        text: "Has this person got other people to help them, knowingly or not?",
        checklist_item: "Has the suspect persuaded other people to help him/her (wittingly or unwittingly)?",
        basis: Basis::Log,
        why: "Others may be passing on information or contacting you for them, sometimes without knowing.",
    },
    Question {
        topic: Topic::DrugsOrAlcohol,
        number: 10,
        text: "As far as you know, does this person misuse drugs or alcohol?",
        checklist_item: "Is the suspect known to be abusing drugs and/or alcohol?",
        basis: Basis::AskedOnly,
        why: "This is about the person, not about what you have logged. Waymark does not guess it.",
    },
    Question {
        topic: Topic::ViolentBefore,
        number: 11,
        text: "As far as you know, has this person been violent in the past (physically or psychologically), to you or anyone else?",
        checklist_item: "Is the suspect known to have been violent in the past (physical or psychological; intelligence or reported)?",
        basis: Basis::AskedOnly,
        why: "This is about the person's history. Waymark does not guess it: only you, or the police, can know.",
    },
];

/// A question by its number ("4"), its id ("visits-home-or-work") or "q4".
pub fn find(key: &str) -> crate::Result<&'static Question> {
    let k = key.trim().to_lowercase();
    let number = k.strip_prefix('q').unwrap_or(&k).parse::<u8>().ok();
    QUESTIONS
        .iter()
        .find(|q| Some(q.number) == number || q.topic.id() == k)
        .ok_or_else(|| {
            crate::Error::invalid(
                "question",
                "is not one of the checklist's questions (use its number, 1 to 11)",
            )
        })
}

pub fn question(topic: Topic) -> &'static Question {
    // QUESTIONS holds every topic exactly once (a test checks), so the fallback is never used.
    QUESTIONS
        .iter()
        .find(|q| q.topic == topic)
        .unwrap_or(&QUESTIONS[0])
}
