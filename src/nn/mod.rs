//! The network engine: a small, readable port of the Playground's `nn.ts`, as plain data.

pub mod batch;
pub mod code;
pub mod functions;
pub mod grid;
pub mod kernel;
pub mod network;
pub mod node;
pub mod train;
pub mod weights_file;

pub use batch::{
    BatchPass, GradientOf, Gradients, Optimizer, backward_batch, backward_from, forward_batch,
};
pub use functions::{Activation, Loss, OptimizerKind, Regularization};
pub use grid::{GridEvaluator, NeuronGrids};
pub use network::{EditError, Layer, Network};
pub use node::NodeKey;
pub use train::{InputMatrix, SetMetrics, TrainSettings, Trainer};

#[cfg(test)]
mod tests;
