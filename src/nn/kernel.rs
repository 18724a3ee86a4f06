//! Dense layers in double precision for a group of examples side by side: the one implementation
//! that the exact training path, evaluation and the general batch API all use (the heatmaps have
//! their own in single precision, `grid.rs`).
//!
//! A group's examples are the SIMD lanes. Values are kept "lanes inner": `values[j * L + l]` is
//! neuron `j` of example `l`, so a neuron's values for the whole group are one vector, and every
//! multiply and add below works on all examples at once while each lane performs exactly the
//! operations, in exactly the order, of one example alone: a neuron's sum starts from its bias
//! and adds its inputs one by one, as the Playground's `updateOutput` does. The results are
//! therefore bit-identical to one example at a time; the CPU just has a whole group's worth of
//! independent work in every instruction instead of waiting on one chain of additions.
//!
//! Weights are read in input-major order (`weights[i * n_out + j]` is the weight from input `i`
//! to neuron `j`, see [`transpose`]), so that a block of neurons' weights from one input, and a
//! block of their gradient sums, are contiguous.
//!
//! Gradient sums are the exception to the lanes: a weight's sum must take the examples one after
//! the other (example order), so the gradient step reads each example's errors as a row
//! (`rows[l * n_out + j]`, [`lanes_to_rows`]) and runs its vectors over a block of neurons.
//!
//! The lane count `L` is a compile-time constant, so a neuron's values for the group sit in
//! registers; groups of other sizes are split into the sizes compiled here ([`lanes_for`]).

use super::functions::{Activation, softmax_in_place};

/// The largest group of examples computed side by side.
pub const MAX_LANES: usize = 10;

/// The number of lanes used for the next `remaining` examples: the largest compiled size that
/// fits. Ten is the Playground's default batch; more lanes defeat LLVM's vectoriser.
#[inline]
pub fn lanes_for(remaining: usize) -> usize {
    match remaining {
        10.. => 10,
        8 | 9 => 8,
        4..=7 => 4,
        2 | 3 => 2,
        _ => 1,
    }
}

/// Calls `$body` with `$lanes` as a constant `L` (one of [`lanes_for`]'s sizes).
macro_rules! with_lanes {
    ($lanes:expr, $L:ident => $body:expr) => {
        match $lanes {
            10 => {
                const $L: usize = 10;
                $body
            }
            8 => {
                const $L: usize = 8;
                $body
            }
            4 => {
                const $L: usize = 4;
                $body
            }
            2 => {
                const $L: usize = 2;
                $body
            }
            _ => {
                const $L: usize = 1;
                $body
            }
        }
    };
}
pub(crate) use with_lanes;

/// Accumulator values kept in registers at once: neurons are taken in blocks of up to this many
/// values (5 AVX-512 registers, 10 AVX2 ones), leaving room for the inputs. Measured best
/// with ten lanes: four neurons at a time.
#[cfg(not(target_arch = "wasm32"))]
const REGISTER_VALUES: usize = 40;
/// WebAssembly's 128-bit vectors hold two values, and engines have 16 registers on x86-64.
#[cfg(target_arch = "wasm32")]
const REGISTER_VALUES: usize = 20;

/// The widest block of `remaining` neurons (8, 4, 2 or 1 of them) whose sums for `L` lanes fit
/// the registers.
#[inline(always)]
const fn block_width<const L: usize>(remaining: usize) -> usize {
    if remaining >= 8 && 8 * L <= REGISTER_VALUES {
        8
    } else if remaining >= 4 && 4 * L <= REGISTER_VALUES {
        4
    } else if remaining >= 2 && 2 * L <= REGISTER_VALUES {
        2
    } else {
        1
    }
}

/// Runs `$block::<L, W>($args)` for a block of `W` neurons starting at `$start` and returns `W`.
macro_rules! in_blocks {
    ($count:expr, $L:ident, |$start:ident, $W:ident| $body:expr) => {{
        let count = $count;
        let mut $start = 0;
        while $start < count {
            $start += match block_width::<$L>(count - $start) {
                8 => {
                    const $W: usize = 8;
                    $body;
                    $W
                }
                4 => {
                    const $W: usize = 4;
                    $body;
                    $W
                }
                2 => {
                    const $W: usize = 2;
                    $body;
                    $W
                }
                _ => {
                    const $W: usize = 1;
                    $body;
                    $W
                }
            };
        }
    }};
}

/// Lane `l`'s vector of value `k` in the lanes layout.
#[inline(always)]
fn lanes<const L: usize>(values: &[f64], k: usize) -> &[f64; L] {
    values[k * L..(k + 1) * L]
        .try_into()
        .expect("whole groups of lanes")
}

/// Computes every neuron's total input and output for a group of `L` examples.
/// `weights` is the layer's matrix input-major, `input` holds `n_in` vectors, `totals` and
/// `outputs` `n_out` vectors (lanes layout).
#[inline(always)]
pub fn forward_layer<const L: usize>(
    weights: &[f64],
    biases: &[f64],
    activation: Activation,
    input: &[f64],
    totals: &mut [f64],
    outputs: &mut [f64],
) {
    let n_out = biases.len();
    let n_in = input.len() / L;
    let totals = &mut totals[..n_out * L];
    let outputs = &mut outputs[..n_out * L];
    in_blocks!(n_out, L, |j0, W| forward_block::<L, W>(
        weights, biases, n_in, j0, input, totals
    ));
    activation.apply_slice_elementwise(totals, outputs);
    if activation.is_layer_wide() {
        for l in 0..L {
            across_neurons(outputs, l, L, softmax_in_place);
        }
    }
}

/// Applies `f` to example `l`'s values of every neuron (lanes layout with `lanes` lanes) as one
/// contiguous slice: softmax and the multi-output losses work across a layer.
pub fn across_neurons(values: &mut [f64], l: usize, lanes: usize, f: impl FnOnce(&mut [f64])) {
    let (mut stack, mut heap) = ([0.0; ROW], Vec::new());
    let row = example_row(values, l, lanes, &mut stack, &mut heap);
    f(row);
    for (v, r) in values.iter_mut().skip(l).step_by(lanes).zip(row.iter()) {
        *v = *r;
    }
}

/// Calls `f` with example `l`'s values of every neuron as one contiguous slice.
pub fn with_example<R>(values: &[f64], l: usize, lanes: usize, f: impl FnOnce(&[f64]) -> R) -> R {
    let (mut stack, mut heap) = ([0.0; ROW], Vec::new());
    f(example_row(values, l, lanes, &mut stack, &mut heap))
}

/// Example `l`'s values copied into `stack` (layers of up to [`ROW`] neurons) or `heap`: no
/// allocation per example on the multi-class training path.
fn example_row<'a>(
    values: &[f64],
    l: usize,
    lanes: usize,
    stack: &'a mut [f64; ROW],
    heap: &'a mut Vec<f64>,
) -> &'a mut [f64] {
    let n = values.len() / lanes;
    let row: &mut [f64] = if n <= ROW {
        &mut stack[..n]
    } else {
        heap.resize(n, 0.0);
        heap
    };
    for (r, v) in row.iter_mut().zip(values.iter().skip(l).step_by(lanes)) {
        *r = *v;
    }
    row
}

/// The widest layer whose example rows stay on the stack.
const ROW: usize = 16;

/// The sums of neurons `j0..j0 + W` for the `L` examples: each starts at the bias and adds
/// `w[j][i] * input[i]` for `i` in order.
#[inline(always)]
fn forward_block<const L: usize, const W: usize>(
    weights: &[f64],
    biases: &[f64],
    n_in: usize,
    j0: usize,
    input: &[f64],
    totals: &mut [f64],
) {
    let n_out = biases.len();
    let mut sums: [[f64; L]; W] = std::array::from_fn(|b| [biases[j0 + b]; L]);
    for i in 0..n_in {
        let x = lanes::<L>(input, i);
        let column: &[f64; W] = weights[i * n_out + j0..i * n_out + j0 + W]
            .try_into()
            .expect("a whole block");
        for b in 0..W {
            for l in 0..L {
                sums[b][l] += column[b] * x[l];
            }
        }
    }
    for (b, sum) in sums.iter().enumerate() {
        let out: &mut [f64; L] = (&mut totals[(j0 + b) * L..(j0 + b + 1) * L])
            .try_into()
            .expect("whole groups of lanes");
        *out = *sum;
    }
}

/// The error at a layer's inputs for a group of `L` examples: `output_ders[i]` = the sum over
/// the layer's neurons `j`, in order and starting from 0, of `w[j][i] * input_ders[j]`, the order
/// in which the Playground adds a node's outgoing links (lanes layout).
#[inline(always)]
pub fn backward_inputs<const L: usize>(
    weights: &[f64],
    input_ders: &[f64],
    output_ders: &mut [f64],
    n_in: usize,
) {
    let n_out = input_ders.len() / L;
    in_blocks!(n_in, L, |i0, W| backward_block::<L, W>(
        weights,
        i0,
        input_ders,
        n_out,
        output_ders
    ));
}

// `j` walks the errors and every row of weights in step: the loop shape the vectoriser keeps.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn backward_block<const L: usize, const W: usize>(
    weights: &[f64],
    i0: usize,
    input_ders: &[f64],
    n_out: usize,
    output_ders: &mut [f64],
) {
    let rows: [&[f64]; W] = std::array::from_fn(|b| &weights[(i0 + b) * n_out..][..n_out]);
    let mut sums = [[0.0; L]; W];
    for j in 0..n_out {
        let d = lanes::<L>(input_ders, j);
        for b in 0..W {
            let w = rows[b][j];
            for l in 0..L {
                sums[b][l] += w * d[l];
            }
        }
    }
    for (b, sum) in sums.iter().enumerate() {
        let out: &mut [f64; L] = (&mut output_ders[(i0 + b) * L..(i0 + b + 1) * L])
            .try_into()
            .expect("whole groups of lanes");
        *out = *sum;
    }
}

/// Adds the group's contributions to a layer's gradient sums: for every neuron `j`, its bias
/// gets `d[j]` and its weight from input `i` gets `d[j] * input[i]`, example after example in
/// order, as one example at a time adds them. `der_rows` holds each example's `d` as a row,
/// `input` the layer's inputs in the lanes layout, `acc_w` the sums input-major.
#[inline(always)]
pub fn accumulate_gradients<const L: usize>(
    acc_b: &mut [f64],
    acc_w: &mut [f64],
    der_rows: &[f64],
    input: &[f64],
) {
    let n_out = acc_b.len();
    let n_in = input.len() / L;
    // The biases are weights from an input that is always 1 (`d * 1.0` is exactly `d`).
    let ones = [1.0; L];
    for i in 0..=n_in {
        let (x, acc) = if i < n_in {
            (lanes::<L>(input, i), &mut acc_w[i * n_out..(i + 1) * n_out])
        } else {
            (&ones, &mut *acc_b)
        };
        let mut j0 = 0;
        while j0 < n_out {
            j0 += match n_out - j0 {
                8.. => accumulate_block::<L, 8>(acc, der_rows, x, n_out, j0),
                4..=7 => accumulate_block::<L, 4>(acc, der_rows, x, n_out, j0),
                2 | 3 => accumulate_block::<L, 2>(acc, der_rows, x, n_out, j0),
                _ => accumulate_block::<L, 1>(acc, der_rows, x, n_out, j0),
            };
        }
    }
}

/// The sums of the weights from one input to neurons `j0..j0 + W` get the `L` examples in
/// order; returns `W`.
#[inline(always)]
fn accumulate_block<const L: usize, const W: usize>(
    acc: &mut [f64],
    der_rows: &[f64],
    x: &[f64; L],
    n_out: usize,
    j0: usize,
) -> usize {
    let acc: &mut [f64; W] = (&mut acc[j0..j0 + W]).try_into().expect("a whole block");
    let mut sums = *acc;
    for (l, &x) in x.iter().enumerate() {
        let d: &[f64; W] = der_rows[l * n_out + j0..l * n_out + j0 + W]
            .try_into()
            .expect("a whole block");
        for b in 0..W {
            sums[b] += d[b] * x;
        }
    }
    *acc = sums;
    W
}

/// Copies a layer's values from the lanes layout to rows (`rows[l * n + j] = values[j * L + l]`).
#[inline(always)]
pub fn lanes_to_rows<const L: usize>(values: &[f64], rows: &mut [f64]) {
    let n = values.len() / L;
    let rows = &mut rows[..n * L];
    for j in 0..n {
        let v = lanes::<L>(values, j);
        for l in 0..L {
            rows[l * n + j] = v[l];
        }
    }
}

/// Copies `L` examples' input rows of `width` values into the lanes layout.
#[inline]
pub fn gather<'a, const L: usize>(
    examples: impl Iterator<Item = &'a [f64]>,
    width: usize,
    lanes: &mut Vec<f64>,
) {
    lanes.clear();
    lanes.resize(width * L, 0.0);
    for (l, row) in examples.take(L).enumerate() {
        for (i, &x) in row[..width].iter().enumerate() {
            lanes[i * L + l] = x;
        }
    }
}

/// Writes the `rows x columns` matrix `values` (row after row) column after column into `out`
/// (as long): a layer's weights (`[j][i]`) become input-major (`[i][j]`) and back.
pub fn transpose<T: Copy>(values: &[T], rows: usize, columns: usize, out: &mut [T]) {
    for (r, row) in values.chunks_exact(columns.max(1)).enumerate().take(rows) {
        for (c, &v) in row.iter().enumerate() {
            out[c * rows + r] = v;
        }
    }
}
