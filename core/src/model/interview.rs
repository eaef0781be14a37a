//! Interview records (询问笔录): who was asked, by whom, and the questions
//! and answers in order. The interviewee signs the record once, on the
//! device (a printed record would repeat that signature on each page; the
//! documents are later work), or refuses, and the refusal with its reason
//! is signed by the interviewers.

use autosurgeon::{Hydrate, Reconcile};

use super::ids::{InterviewId, PersonId};
use super::time::Timestamp;

/// The person interviewed.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Interviewee {
    /// Name.
    pub name: String,
    /// Identity document number (身份证号).
    pub id_number: String,
    /// Position at the enterprise.
    pub position: String,
    /// Phone.
    pub phone: String,
}

/// One question and its answer.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct QuestionAnswer {
    /// 问.
    pub question: String,
    /// 答.
    pub answer: String,
}

/// An interview record.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate)]
pub struct InterviewRecord {
    /// Id.
    pub id: InterviewId,
    /// Interviewee identity.
    pub interviewee: Interviewee,
    /// Interviewing inspectors.
    pub interviewers: Vec<PersonId>,
    /// Place of the interview.
    pub place: String,
    /// Start time.
    pub started_at: Timestamp,
    /// Ordered questions and answers.
    pub qa: Vec<QuestionAnswer>,
}
