//! The forward pass of one dense layer in double precision: the one implementation that the
//! exact training path, evaluation and the general batch API all use (the heatmaps have their own
//! in single precision, `grid.rs`).
//!
//! Weights are read input-major (`[i][j]`, each input's column padded to whole blocks of
//! [`LANES`]) so that a block of eight neurons is summed side by side in registers, while each
//! neuron's sum still runs bias first, then the inputs in order: the Playground's order, so
//! results are bit-identical to it.

use super::functions::{Activation, LANES, softmax_in_place};
use super::network::Layer;

/// A layer's weights laid out for [`forward_layer`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InputMajor {
    /// `values[i * padded + j]` is the weight from input `i` to neuron `j`.
    pub values: Vec<f64>,
    /// Neurons rounded up to whole blocks.
    pub padded: usize,
}

impl InputMajor {
    /// Copies a layer's weights input-major (reusing the buffer).
    pub fn load(&mut self, layer: &Layer) {
        let (n_out, n_in) = layer.weights.dim();
        self.padded = n_out.div_ceil(LANES) * LANES;
        self.values.clear();
        self.values.resize(self.padded * n_in, 0.0);
        for ((j, i), &w) in layer.weights.indexed_iter() {
            self.values[i * self.padded + j] = w;
        }
    }

    pub fn of(layer: &Layer) -> Self {
        let mut weights = Self::default();
        weights.load(layer);
        weights
    }
}

/// Computes every neuron's total input (bias first, then the inputs in order) and output for one
/// input vector. `totals` and `outputs` hold one value per neuron.
#[inline(always)]
pub fn forward_layer(
    weights: &InputMajor,
    biases: &[f64],
    activation: Activation,
    input: &[f64],
    totals: &mut [f64],
    outputs: &mut [f64],
) {
    let n_out = totals.len();
    let padded = weights.padded;
    for j0 in (0..n_out).step_by(LANES) {
        let width = (n_out - j0).min(LANES);
        let mut sums = [0.0; LANES];
        sums[..width].copy_from_slice(&biases[j0..j0 + width]);
        for (i, &a) in input.iter().enumerate() {
            let start = i * padded + j0;
            let column: &[f64; LANES] = weights.values[start..start + LANES]
                .try_into()
                .expect("padded to whole blocks");
            for l in 0..LANES {
                sums[l] += column[l] * a;
            }
        }
        let mut outs = [0.0; LANES];
        activation.apply_lanes(&sums, &mut outs);
        totals[j0..j0 + width].copy_from_slice(&sums[..width]);
        outputs[j0..j0 + width].copy_from_slice(&outs[..width]);
    }
    if activation.is_layer_wide() {
        softmax_in_place(outputs);
    }
}
