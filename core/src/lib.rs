//! Lianjian core: the offline-first heart of the joint work-safety inspection
//! app. Domain model, legal rules, inspection documents (automerge) and the
//! SQLite store they live in. No UI, no network framework: the apps reach it
//! through `lianjian-ffi`, the sync server links it directly.

pub mod clock;
pub mod doc;
pub mod error;
pub mod evidence;
pub mod import;
pub mod model;
pub mod numbering;
pub mod office;
pub mod rules;
pub mod signing;
pub mod store;
pub mod sync;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{Error, Result};
