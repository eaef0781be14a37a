//! The sync server on a real loopback port with real SQLite, driven by the
//! core's HTTP client.

mod blobs;
mod calendars;
mod faults;
mod flow;
mod probes;
mod signing;
mod support;
mod team;
