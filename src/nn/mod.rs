//! The network engine: a small, readable port of the Playground's `nn.ts`, as plain data.

pub mod functions;
pub mod grid;
pub mod network;
pub mod train;
pub mod weights_file;

pub use functions::{Activation, Loss, OptimizerKind, Regularization};
pub use grid::{GridEvaluator, NeuronGrids};
pub use network::{EditError, Layer, Network};
pub use train::{InputMatrix, SetMetrics, TrainSettings, Trainer};

#[cfg(test)]
mod tests;
