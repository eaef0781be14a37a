//! Integration tests of lianjian-core: one binary, one module per concern.

mod authorize;
mod bad_input;
mod canonical;
mod closed_loop;
mod conflicts;
mod durability;
mod evidence;
mod flow;
mod merge_props;
mod numbering;
mod rules;
mod signing;
mod support;
mod sync;
