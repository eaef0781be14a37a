//! `lianjian-ffi`: the one native library the Android and iOS apps load,
//! generated with uniffi (proc-macros) over `lianjian-core`.
//!
//! Each module delegates to the core in a line or two: the apps stay thin,
//! and the Rust API is what Kotlin, Swift and Python see. The store's calls
//! are synchronous (the apps call them from background threads); only the
//! network (enrollment, sync) is async, on tokio. Errors cross the boundary
//! as one [`ApiError`], converted in one place (`error.rs`).

uniffi::setup_scaffolding!();

mod catalog;
mod closed_loop;
mod conflicts;
// The document engine (Typst) is most of the library's size; the feature
// exists so that its addition can be measured (scripts/library-size).
#[cfg(feature = "documents")]
mod documents;
mod error;
mod evidence;
mod inspection;
mod major_hazard;
mod numbers;
mod office;
mod refusals;
mod signing;
mod store;
mod sync;
mod tasks;

pub use catalog::*;
pub use closed_loop::*;
pub use conflicts::*;
pub use error::ApiError;
pub use evidence::*;
pub use inspection::*;
pub use major_hazard::*;
pub use office::*;
pub use signing::*;
pub use store::*;
pub use sync::*;
pub use tasks::*;
