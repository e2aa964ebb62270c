//! Attacks: records (see mod.rs).
