//! The office's web pages: sign-in, sessions and their attacks over HTTP,
//! the ledger against what the documents hold, and a clerk's work in a real
//! browser (Debian's Chromium through ChromeDriver).

mod browser;
mod data;
mod dossier;
mod draws;
mod ledger;
mod plans;
mod security;
mod stats;
mod support;

/// Percent-encodes a query value (Chinese township names).
pub fn support_encode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}
