//! Lianjian's enforcement documents (执法文书): the forms used on site,
//! laid out offline by an embedded Typst from versioned templates and
//! written as PDF, on the device and on the server alike. The core knows
//! nothing of it; this crate reads the core's records.
//!
//! - [`templates`]: template sets as data, the version in force by date;
//! - [`trial`]: a template set laid out with demo data before import;
//! - [`fonts`]: the faces documents are set in, checked on import;
//! - [`world`]: our Typst `World` (no disk paths, no network);
//! - [`engine`]: layout, PDF and page previews;
//! - [`forms`]: one module per form, filled from an inspection;
//! - [`signatures`]: signature and refusal blocks from the frozen records;
//! - [`render`]: from a stored inspection to a document;
//! - [`ledger`]: the office's 隐患台账 as xlsx;
//! - [`device`]: printing on the device (numbers from its blocks, PDF and
//!   preview files) and checking a printed copy.

pub mod demo;
pub mod device;
pub mod engine;
pub mod error;
pub mod fonts;
pub mod forms;
#[cfg(feature = "ledger")]
pub mod ledger;
pub mod qr;
pub mod render;
pub mod signatures;
pub mod templates;
pub mod trial;
mod world;

pub use engine::{Engine, FormData, Rendered};
pub use error::{Error, Result};
pub use forms::FormKind;
pub use render::{render_inspection, Request};
