//! Neural Sandbox: TensorFlow Playground as a game.
//!
//! The core (`data`, `nn`, `experiment`, `level`) is pure Rust with no Bevy in it; the `game`
//! module (feature `game`) mirrors an [`experiment::Experiment`] into Bevy entities.

pub mod names;

pub mod bench;
pub mod cli;
pub mod data;
pub mod experiment;
pub mod level;
pub mod nn;
pub mod presets;
pub mod progress;
pub mod share;

#[cfg(feature = "game")]
pub mod game;
