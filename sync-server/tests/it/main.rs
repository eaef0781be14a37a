//! The sync server on a real loopback port with real SQLite, driven by the
//! core's HTTP client.

mod attacks;
mod audit;
mod blobs;
mod faults;
mod flow;
mod jurisdiction;
mod numbers;
mod office;
mod office_data;
mod probes;
mod signing;
mod startup;
mod support;
mod team;
mod validation;
