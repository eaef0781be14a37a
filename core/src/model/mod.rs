//! The typed domain: enterprises, checklists, inspections, findings and
//! interview records. Plain data with validation at construction; the rules
//! that move it (deadlines, transitions, permissions) live in `rules`.

mod codes;
pub(crate) use codes::code_enum;
pub mod checklist;
pub mod credit_code;
pub mod deadline;
pub mod department;
pub mod enterprise;
pub mod evidence;
pub mod finding;
pub mod governance;
pub mod ids;
pub mod inspection;
pub mod interview;
pub mod rectification;
pub mod signature;
pub mod time;

pub use checklist::{ChecklistItem, ChecklistSection, ChecklistTemplate, ItemKind, LegalBasis, Threshold};
pub use deadline::{Deadline, DeadlineBasis, ImmediateMeasure};
pub use enterprise::{Contact, Coordinates, Enterprise, RiskColour};
pub use finding::{Finding, FindingStatus};
pub use governance::{GovernancePlan, Listing, ListingLevel};
pub use ids::*;
pub use inspection::{
    response_key, ChecklistRef, Department, Inspection, InspectionOutcome, InspectionStatus, OutcomeChoice, Response,
    SubGroup, SubGroupKind, TeamMember, TeamRole, Verdict,
};
pub use interview::{InterviewRecord, Interviewee, QuestionAnswer};
pub use rectification::{PhotoPair, RectificationReport};
pub use time::{Day, Timestamp};
