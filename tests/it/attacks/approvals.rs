//! Attacks: approvals (see mod.rs).
