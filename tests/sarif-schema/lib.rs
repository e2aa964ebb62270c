//! Empty: this package exists only to download its dependency (see Cargo.toml).
