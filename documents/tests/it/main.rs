//! The document engine's integration tests: real records from a real store,
//! real PDFs checked with Poppler (installed by scripts/setup; a missing
//! tool fails the test, it never skips).

mod pdf;
mod support;
mod templates;
