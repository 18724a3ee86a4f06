//! Neural Sandbox: TensorFlow Playground as a game.
//!
//! The core (`data`, `nn`, `experiment`, `level`) is pure Rust with no Bevy in it; the `game`
//! module (feature `game`) mirrors an [`experiment::Experiment`] into Bevy entities.

// Unsafe code is refused everywhere but in the few SIMD dispatch points that call functions
// compiled for a CPU feature after checking the CPU has it; each is allowed where it stands.
#![deny(unsafe_code)]

pub mod names;

pub mod bench;
pub mod class;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
// The layers index several slices with one counter in their inner loops, which vectorises.
#[allow(clippy::needless_range_loop)]
pub mod cnn;
pub mod data;
pub mod experiment;
pub mod gan;
pub mod level;
pub mod limits;
pub mod math;
pub mod nn;
pub mod presets;
pub mod progress;
pub mod share;

#[cfg(feature = "game")]
pub mod game;
// The class server (`serve`), natively only: it needs sockets and a database.
#[cfg(all(feature = "server", not(target_arch = "wasm32")))]
pub mod server;
