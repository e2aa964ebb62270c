//! The catalogue of attacks on the merge gate: each test builds one attack a pull request can
//! make in a temporary repository and asserts that the gate holds (the exit code and the
//! reason). One file per front: what is read and from where (`loader`), the records a pull
//! request edits or deletes (`records`), the reviews and commits that approve it
//! (`approvals`), inputs that exhaust or outputs that inject (`outputs`), and the git hook
//! (`hook`). `docs/gate-trust.md` names every input and where each is read from.

mod approvals;
mod hook;
mod loader;
mod outputs;
mod records;
