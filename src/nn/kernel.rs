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
        // Not cleared between loads: the padding only ever feeds sums that are thrown away.
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

/// A layer's weights laid out for the backward pass: output-major (`values[j * padded + i]` is
/// the weight from input `i` to neuron `j`), each neuron's row padded to whole blocks of inputs,
/// so that a block of inputs' error sums stays in registers while the neurons go by.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutputMajor {
    pub values: Vec<f64>,
    /// Inputs rounded up to whole blocks.
    pub padded: usize,
}

impl OutputMajor {
    /// Copies a layer's weights output-major with padded rows (reusing the buffer).
    pub fn load(&mut self, layer: &Layer) {
        let (n_out, n_in) = layer.weights.dim();
        self.padded = n_in.div_ceil(NEURON_BLOCK) * NEURON_BLOCK;
        // Not cleared between loads: the padding only ever feeds sums that are thrown away.
        self.values.resize(self.padded * n_out, 0.0);
        let weights = layer.weights.as_slice().expect("contiguous weights");
        for (j, row) in weights.chunks_exact(n_in.max(1)).enumerate().take(n_out) {
            self.values[j * self.padded..j * self.padded + n_in].copy_from_slice(row);
        }
    }
}

/// The error at a layer's inputs for a group of [`EXAMPLES`] examples:
/// `output_ders[l * n_in + i]` = the sum over the layer's neurons `j`, in order and starting from
/// 0, of `w[j][i] * input_ders[l * n_out + j]`, the order in which the Playground adds a node's
/// outgoing links. A block of inputs is summed in registers for the four examples at once.
#[inline(always)]
pub fn backward_inputs(weights: &OutputMajor, input_ders: &[f64], output_ders: &mut [f64]) {
    let n_in = output_ders.len() / EXAMPLES;
    let n_out = input_ders.len() / EXAMPLES;
    let mut i0 = 0;
    while i0 < n_in {
        let width = (n_in - i0).min(NEURON_BLOCK);
        let (values, padded) = (&weights.values, weights.padded);
        if width <= NEURON_BLOCK / 2 {
            let zero = [0.0; NEURON_BLOCK / 2];
            block(
                values,
                padded,
                i0,
                zero,
                input_ders,
                n_out,
                output_ders,
                n_in,
                width,
            );
        } else {
            let zero = [0.0; NEURON_BLOCK];
            block(
                values,
                padded,
                i0,
                zero,
                input_ders,
                n_out,
                output_ders,
                n_in,
                width,
            );
        }
        i0 += width;
    }
}

/// Adds the first `group` examples' contributions to the gradient sums of neuron `j`: its bias
/// and its row of weights (`input_ders` holds `n_out` values per example, `source` the layer's
/// inputs, `acc_row.len()` per example). Each sum gets the examples in order, as one example at
/// a time adds them; a block of a row's sums stays in registers for the whole group.
#[inline(always)]
pub fn accumulate_gradients(
    acc_b: &mut f64,
    acc_row: &mut [f64],
    input_ders: &[f64],
    source: &[f64],
    j: usize,
    group: usize,
) {
    match group {
        4 => accumulate_group::<4>(acc_b, acc_row, input_ders, source, j),
        3 => accumulate_group::<3>(acc_b, acc_row, input_ders, source, j),
        2 => accumulate_group::<2>(acc_b, acc_row, input_ders, source, j),
        1 => accumulate_group::<1>(acc_b, acc_row, input_ders, source, j),
        _ => {}
    }
}

/// [`accumulate_gradients`] for a group of `G` examples (a constant, so the examples' loop
/// unrolls and each block of sums is one register).
#[inline(always)]
fn accumulate_group<const G: usize>(
    acc_b: &mut f64,
    acc_row: &mut [f64],
    input_ders: &[f64],
    source: &[f64],
    j: usize,
) {
    const { assert!(G <= EXAMPLES) };
    let n_in = acc_row.len();
    let n_out = input_ders.len() / EXAMPLES;
    let d: [f64; G] = std::array::from_fn(|l| input_ders[l * n_out + j]);
    for &d in &d {
        *acc_b += d;
    }
    let rows: [&[f64]; G] = std::array::from_fn(|l| &source[l * n_in..(l + 1) * n_in]);
    let mut i0 = 0;
    while i0 + NEURON_BLOCK <= n_in {
        accumulate_block::<G, NEURON_BLOCK>(&mut acc_row[i0..i0 + NEURON_BLOCK], &d, &rows, i0);
        i0 += NEURON_BLOCK;
    }
    if i0 + NEURON_BLOCK / 2 <= n_in {
        accumulate_block::<G, { NEURON_BLOCK / 2 }>(
            &mut acc_row[i0..i0 + NEURON_BLOCK / 2],
            &d,
            &rows,
            i0,
        );
        i0 += NEURON_BLOCK / 2;
    }
    for (k, acc) in acc_row[i0..].iter_mut().enumerate() {
        for (&d, row) in d.iter().zip(&rows) {
            *acc += d * row[i0 + k];
        }
    }
}

/// A block of `W` gradient sums of a row, starting at input `i0`, gets the `G` examples in order.
#[inline(always)]
fn accumulate_block<const G: usize, const W: usize>(
    acc: &mut [f64],
    d: &[f64; G],
    rows: &[&[f64]; G],
    i0: usize,
) {
    let acc: &mut [f64; W] = acc.try_into().expect("a whole block");
    let mut sums = *acc;
    for (&d, row) in d.iter().zip(rows) {
        let x: &[f64; W] = row[i0..i0 + W].try_into().expect("a whole block");
        for b in 0..W {
            sums[b] += d * x[b];
        }
    }
    *acc = sums;
}

/// The biases of neurons `j0..j0 + width` as a block of `B` (zeros past them).
#[inline(always)]
fn bias_block<const B: usize>(biases: &[f64], j0: usize, width: usize) -> [f64; B] {
    let mut bias = [0.0; B];
    bias[..width].copy_from_slice(&biases[j0..j0 + width]);
    bias
}

/// Writes a block of `B` sums (the first `width` of them) to `out`: a whole block as one store.
#[inline(always)]
fn store_block<const B: usize>(out: &mut [f64], sums: &[f64; B], width: usize) {
    if width == B {
        let out: &mut [f64; B] = out.try_into().expect("a whole block");
        *out = *sums;
    } else {
        out.copy_from_slice(&sums[..width]);
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
        let (values, padded) = (&weights.values, weights.padded);
        if width <= NEURON_BLOCK / 2 {
            let bias = bias_block::<{ NEURON_BLOCK / 2 }>(biases, j0, width);
            block(values, padded, j0, bias, input, n_in, totals, n_out, width);
        } else {
            let bias = bias_block::<NEURON_BLOCK>(biases, j0, width);
            block(values, padded, j0, bias, input, n_in, totals, n_out, width);
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

/// One block of `B` sums for each of the group's four examples, the forward pass's and the
/// backward pass's alike: example `l`'s sum `b` starts at `start[b]` and adds, for `k` in order,
/// `matrix[k * padded + offset + b] * vectors[l * count + k]` (a column of weights times an input,
/// or a row of weights times an error). The first `width` sums of example `l` go to
/// `out[l * stride + offset..]`. The four examples' sums are four separate arrays updated in one
/// loop, the shape the compiler turns into whole-register vector operations.
#[inline(always)]
fn block<const B: usize>(
    matrix: &[f64],
    padded: usize,
    offset: usize,
    start: [f64; B],
    vectors: &[f64],
    count: usize,
    out: &mut [f64],
    stride: usize,
    width: usize,
) {
    const { assert!(EXAMPLES == 4) };
    let (mut s0, mut s1, mut s2, mut s3) = (start, start, start, start);
    let (x0, rest) = vectors.split_at(count);
    let (x1, rest) = rest.split_at(count);
    let (x2, x3) = rest.split_at(count);
    for k in 0..count {
        let at = k * padded + offset;
        let weights: &[f64; B] = matrix[at..at + B]
            .try_into()
            .expect("padded to whole blocks");
        let (a0, a1, a2, a3) = (x0[k], x1[k], x2[k], x3[k]);
        for b in 0..B {
            s0[b] += weights[b] * a0;
            s1[b] += weights[b] * a1;
            s2[b] += weights[b] * a2;
            s3[b] += weights[b] * a3;
        }
    }
    for (l, sum) in [s0, s1, s2, s3].iter().enumerate() {
        store_block(
            &mut out[l * stride + offset..l * stride + offset + width],
            sum,
            width,
        );
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
