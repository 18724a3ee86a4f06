//! The forward pass of one dense layer in double precision: the one implementation that the
//! exact training path, evaluation and the general batch API all use (the heatmaps have their own
//! in single precision, `grid.rs`).
//!
//! A group of examples goes through together ([`EXAMPLES`] of them, all seeing the same weights).
//! Each example's values are contiguous (`values[l * n + j]` is neuron `j` of example `l`), and
//! every loop runs over the examples side by side: for each input, one column of weights is
//! loaded and used by all of them. Each neuron's sum still starts from its bias and adds the
//! inputs one by one, as the Playground's `updateOutput` does, so the results are bit-identical
//! to one example at a time; the CPU just has several independent chains of additions to work on
//! instead of waiting on one.

use super::functions::{Activation, softmax_in_place};
use super::network::Layer;

/// Examples computed side by side.
pub const EXAMPLES: usize = 4;

/// Neurons whose sums are kept in registers together (a column of weights is loaded as a block).
const NEURON_BLOCK: usize = 8;

/// A layer's weights laid out for [`forward_layer`]: input-major, each input's column padded
/// to whole blocks of neurons.
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
        self.padded = n_out.div_ceil(NEURON_BLOCK) * NEURON_BLOCK;
        self.values.clear();
        self.values.resize(self.padded * n_in, 0.0);
        let weights = layer.weights.as_slice().expect("contiguous weights");
        for (j, row) in weights.chunks_exact(n_in.max(1)).enumerate().take(n_out) {
            for (i, &w) in row.iter().enumerate() {
                self.values[i * self.padded + j] = w;
            }
        }
    }

    pub fn of(layer: &Layer) -> Self {
        let mut weights = Self::default();
        weights.load(layer);
        weights
    }
}

/// Computes every neuron's total input and output for a group of [`EXAMPLES`] examples.
/// `input` holds `n_in` values per example, `totals` and `outputs` `n_out` per example.
#[inline(always)]
pub fn forward_layer(
    weights: &InputMajor,
    biases: &[f64],
    activation: Activation,
    input: &[f64],
    totals: &mut [f64],
    outputs: &mut [f64],
) {
    let n_in = input.len() / EXAMPLES;
    let n_out = totals.len() / EXAMPLES;
    let mut j0 = 0;
    while j0 < n_out {
        let width = (n_out - j0).min(NEURON_BLOCK);
        // Narrow layers (the output, small hidden layers) use half a block.
        if width <= NEURON_BLOCK / 2 {
            block::<{ NEURON_BLOCK / 2 }>(weights, biases, input, n_in, totals, n_out, j0, width);
        } else {
            block::<NEURON_BLOCK>(weights, biases, input, n_in, totals, n_out, j0, width);
        }
        j0 += width;
    }
    activation.apply_slice_elementwise(totals, outputs);
    if activation.is_layer_wide() {
        for example in outputs.chunks_exact_mut(n_out) {
            softmax_in_place(example);
        }
    }
}

/// The sums of neurons `j0..j0 + width` (at most `B`) for every example of the group. The four
/// examples' sums are four separate arrays updated in one loop, the shape the compiler turns into
/// whole-register vector operations (one register per half block and example).
#[inline(always)]
fn block<const B: usize>(
    weights: &InputMajor,
    biases: &[f64],
    input: &[f64],
    n_in: usize,
    totals: &mut [f64],
    n_out: usize,
    j0: usize,
    width: usize,
) {
    const { assert!(EXAMPLES == 4) };
    let padded = weights.padded;
    let mut bias = [0.0; B];
    bias[..width].copy_from_slice(&biases[j0..j0 + width]);
    let (mut s0, mut s1, mut s2, mut s3) = (bias, bias, bias, bias);
    let (x0, rest) = input.split_at(n_in);
    let (x1, rest) = rest.split_at(n_in);
    let (x2, x3) = rest.split_at(n_in);
    for i in 0..n_in {
        let start = i * padded + j0;
        let column: &[f64; B] = weights.values[start..start + B]
            .try_into()
            .expect("padded to whole blocks");
        let (a0, a1, a2, a3) = (x0[i], x1[i], x2[i], x3[i]);
        for b in 0..B {
            s0[b] += column[b] * a0;
            s1[b] += column[b] * a1;
            s2[b] += column[b] * a2;
            s3[b] += column[b] * a3;
        }
    }
    for (l, sum) in [s0, s1, s2, s3].iter().enumerate() {
        totals[l * n_out + j0..l * n_out + j0 + width].copy_from_slice(&sum[..width]);
    }
}

/// Copies up to [`EXAMPLES`] rows of `width` values one after the other into `group`; the
/// places of missing rows are zero.
#[inline]
pub fn gather<'a>(rows: impl Iterator<Item = &'a [f64]>, width: usize, group: &mut Vec<f64>) {
    group.clear();
    group.resize(width * EXAMPLES, 0.0);
    for (l, row) in rows.take(EXAMPLES).enumerate() {
        group[l * width..(l + 1) * width].copy_from_slice(&row[..width]);
    }
}
