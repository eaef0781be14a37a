//! The sync server on a real loopback port with real SQLite, driven by the
//! core's HTTP client.

mod faults;
mod flow;
mod probes;
mod support;
mod team;
