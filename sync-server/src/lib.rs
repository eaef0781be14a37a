//! The Lianjian sync server: devices enroll with a one-time code, then sync
//! their documents; the server decides who may read and write what (an
//! access table it alone holds) and validates every change before accepting
//! it. Records live in embedded SQLite in a data folder, or in PostgreSQL
//! for scale-out; blobs live in the data folder.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod blobs;
pub mod caps;
pub mod db;
pub mod demo_year;
pub mod docs;
pub mod draws;
pub mod error;
pub mod export;
pub mod font_import;
pub mod incidents;
pub mod ledger;
pub mod limits;
pub mod metrics;
pub mod migrations;
pub mod numbers;
pub mod office;
pub mod pages;
pub mod plans;
pub mod publications;
pub mod routes;
pub mod rule_data;
pub mod seed;
pub mod sql;
pub mod state;
pub mod stats;
pub mod template_import;
pub mod web;

pub use routes::app;
pub use state::{AppState, Config};
