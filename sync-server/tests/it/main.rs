//! The sync server on a real loopback port with real SQLite, driven by the
//! core's HTTP client.

mod flow;
mod support;
