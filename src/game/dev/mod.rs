//! Tools for scripts, tests and performance work, kept apart from the game itself: scripted
//! runs (`--screenshot`, `--dump-state`, `--quit-after-frames`) and frame-time diagnostics
//! (`--diagnostics`).

pub mod automation;
pub mod diagnostics;
