//! Attacks: loader (see mod.rs).
