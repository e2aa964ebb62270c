//! Attacks: hook (see mod.rs).
