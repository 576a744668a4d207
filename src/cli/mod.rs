//! Subcommands (the lead's file; this branch only wires `train`).
pub mod train;
