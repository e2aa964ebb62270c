//! Attacks: outputs (see mod.rs).
