//! Neural Sandbox's innermost loops for convolutional networks: convolution forward and
//! backward, max-pooling, dense layers, over images stored height x width x channels (channels
//! last, as TensorFlow.js). The models, training and files are in the main crate (`cnn`).
//!
//! A crate of their own so that a build can optimise them apart from everything else: the web
//! build optimises the game for size (`opt-level = "z"`, which neither unrolls nor vectorises
//! loops) and these loops for speed (`opt-level = 3`): 6x faster training in the browser for a
//! few kilobytes. Each public function is compiled twice on x86-64, plainly and with AVX2 (eight
//! f32 per register instead of four), and picks one at run time; neither fuses multiplies and
//! adds, and every sum keeps its order, so both give the same bits (tested), as does WebAssembly.

// The one unsafe call (the AVX2 copy of a loop, on a CPU checked to have AVX2) is allowed where it
// is made; nothing else here may be unsafe.
#![deny(unsafe_code)]

use serde::{Deserialize, Serialize};

/// A tensor's shape: height, width, channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Shape {
    pub height: usize,
    pub width: usize,
    pub channels: usize,
}

impl Shape {
    pub const fn new(height: usize, width: usize, channels: usize) -> Self {
        Self {
            height,
            width,
            channels,
        }
    }

    pub const fn len(&self) -> usize {
        self.height * self.width * self.channels
    }

    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Where pixel (row, col) of channel `channel` is.
    #[inline]
    pub const fn index(&self, row: usize, col: usize, channel: usize) -> usize {
        (row * self.width + col) * self.channels + channel
    }
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "({}, {}, {})", self.height, self.width, self.channels)
    }
}

/// How a convolution treats the border.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Padding {
    /// Only windows that fit: the output is smaller by kernel - 1.
    #[default]
    Valid,
    /// Zeros around the input so that the output has ceil(input / stride) pixels, TensorFlow's
    /// rule (any odd padding goes to the bottom and right).
    Same,
}

impl Padding {
    pub const fn name(self) -> &'static str {
        match self {
            Padding::Valid => "valid",
            Padding::Same => "same",
        }
    }

    /// Output length and the padding before the first pixel, or None when no window fits.
    pub fn output(self, input: usize, kernel: usize, stride: usize) -> Option<(usize, usize)> {
        if stride == 0 || kernel == 0 {
            return None;
        }
        match self {
            Padding::Valid => (input >= kernel).then(|| ((input - kernel) / stride + 1, 0)),
            Padding::Same => {
                let out = input.div_ceil(stride);
                let total = ((out - 1) * stride + kernel).saturating_sub(input);
                (out > 0).then_some((out, total / 2))
            }
        }
    }
}

/// The numbers a convolution needs about its input and output.
#[derive(Debug, Clone, Copy)]
pub struct ConvGeometry {
    pub input: Shape,
    pub output: Shape,
    pub kernel: usize,
    pub stride: usize,
    pub pad_top: usize,
    pub pad_left: usize,
}

impl ConvGeometry {
    pub fn new(
        input: Shape,
        output: Shape,
        kernel: usize,
        stride: usize,
        padding: Padding,
    ) -> Self {
        let pad_top = padding
            .output(input.height, kernel, stride)
            .map_or(0, |p| p.1);
        let pad_left = padding
            .output(input.width, kernel, stride)
            .map_or(0, |p| p.1);
        Self {
            input,
            output,
            kernel,
            stride,
            pad_top,
            pad_left,
        }
    }

    /// The input pixel under kernel tap (ky, kx) for output pixel (oy, ox), if it is inside.
    #[inline]
    pub fn source(&self, oy: usize, ox: usize, ky: usize, kx: usize) -> Option<(usize, usize)> {
        let y = (oy * self.stride + ky).checked_sub(self.pad_top)?;
        let x = (ox * self.stride + kx).checked_sub(self.pad_left)?;
        (y < self.input.height && x < self.input.width).then_some((y, x))
    }
}

/// out[oy, ox, f] = bias[f] + sum over (ky, kx, c) of in[y, x, c] * w[ky, kx, c, f].
///
/// The usual filter counts get a copy where the count is a constant, so each output pixel's
/// sums stay in registers across the whole window; every copy adds in the same order.
#[inline(always)]
fn conv_forward_impl(
    g: &ConvGeometry,
    input: &[f32],
    weights: &[f32],
    bias: &[f32],
    filters: usize,
    out: &mut [f32],
) {
    match filters {
        4 => conv_forward_fixed::<4>(g, input, weights, bias, out),
        8 => conv_forward_fixed::<8>(g, input, weights, bias, out),
        10 => conv_forward_fixed::<10>(g, input, weights, bias, out),
        16 => conv_forward_fixed::<16>(g, input, weights, bias, out),
        _ => conv_forward_any(g, input, weights, bias, filters, out),
    }
}

#[inline(always)]
fn conv_forward_fixed<const F: usize>(
    g: &ConvGeometry,
    input: &[f32],
    weights: &[f32],
    bias: &[f32],
    out: &mut [f32],
) {
    let channels = g.input.channels;
    for oy in 0..g.output.height {
        for ox in 0..g.output.width {
            let mut sums = [0.0f32; F];
            sums.copy_from_slice(&bias[..F]);
            for ky in 0..g.kernel {
                for kx in 0..g.kernel {
                    let Some((y, x)) = g.source(oy, ox, ky, kx) else {
                        continue;
                    };
                    let pixel = &input[g.input.index(y, x, 0)..][..channels];
                    let taps = &weights[(ky * g.kernel + kx) * channels * F..][..channels * F];
                    for (&v, w) in pixel.iter().zip(taps.chunks_exact(F)) {
                        for f in 0..F {
                            sums[f] += v * w[f];
                        }
                    }
                }
            }
            out[g.output.index(oy, ox, 0)..][..F].copy_from_slice(&sums);
        }
    }
}

#[inline(always)]
fn conv_forward_any(
    g: &ConvGeometry,
    input: &[f32],
    weights: &[f32],
    bias: &[f32],
    filters: usize,
    out: &mut [f32],
) {
    let channels = g.input.channels;
    for oy in 0..g.output.height {
        for ox in 0..g.output.width {
            let o = &mut out[g.output.index(oy, ox, 0)..][..filters];
            o.copy_from_slice(bias);
            for ky in 0..g.kernel {
                for kx in 0..g.kernel {
                    let Some((y, x)) = g.source(oy, ox, ky, kx) else {
                        continue;
                    };
                    let pixel = &input[g.input.index(y, x, 0)..][..channels];
                    let taps = &weights[(ky * g.kernel + kx) * channels * filters..];
                    for (c, &v) in pixel.iter().enumerate() {
                        let w = &taps[c * filters..][..filters];
                        for f in 0..filters {
                            o[f] += v * w[f];
                        }
                    }
                }
            }
        }
    }
}

/// Adds the convolution's weight and bias gradients for `upstream` (the output's gradient), and
/// writes the input's gradient when asked.
#[inline(always)]
fn conv_backward_impl(
    g: &ConvGeometry,
    input: &[f32],
    weights: &[f32],
    filters: usize,
    upstream: &[f32],
    grad_weights: &mut [f32],
    grad_bias: &mut [f32],
    grad_input: Option<&mut [f32]>,
) {
    // A literal filter count, once inlined, unrolls the loops over filters (as in the forward
    // pass); the order of every sum is unchanged.
    let (gw, gb) = (grad_weights, grad_bias);
    match filters {
        4 => conv_backward_body(g, input, weights, 4, upstream, gw, gb, grad_input),
        8 => conv_backward_body(g, input, weights, 8, upstream, gw, gb, grad_input),
        10 => conv_backward_body(g, input, weights, 10, upstream, gw, gb, grad_input),
        16 => conv_backward_body(g, input, weights, 16, upstream, gw, gb, grad_input),
        _ => conv_backward_body(g, input, weights, filters, upstream, gw, gb, grad_input),
    }
}

#[inline(always)]
fn conv_backward_body(
    g: &ConvGeometry,
    input: &[f32],
    weights: &[f32],
    filters: usize,
    upstream: &[f32],
    grad_weights: &mut [f32],
    grad_bias: &mut [f32],
    mut grad_input: Option<&mut [f32]>,
) {
    let channels = g.input.channels;
    for oy in 0..g.output.height {
        for ox in 0..g.output.width {
            let up = &upstream[g.output.index(oy, ox, 0)..][..filters];
            for f in 0..filters {
                grad_bias[f] += up[f];
            }
            for ky in 0..g.kernel {
                for kx in 0..g.kernel {
                    let Some((y, x)) = g.source(oy, ox, ky, kx) else {
                        continue;
                    };
                    let at = g.input.index(y, x, 0);
                    let tap = (ky * g.kernel + kx) * channels * filters;
                    for c in 0..channels {
                        let v = input[at + c];
                        let gw = &mut grad_weights[tap + c * filters..][..filters];
                        for f in 0..filters {
                            gw[f] += v * up[f];
                        }
                        if let Some(gi) = grad_input.as_deref_mut() {
                            let w = &weights[tap + c * filters..][..filters];
                            let mut sum = 0.0;
                            for f in 0..filters {
                                sum += w[f] * up[f];
                            }
                            gi[at + c] += sum;
                        }
                    }
                }
            }
        }
    }
}

/// Max over each window, per channel; also where each maximum came from (the first on ties).
#[inline(always)]
fn max_pool_impl(
    input_shape: Shape,
    output_shape: Shape,
    size: usize,
    stride: usize,
    input: &[f32],
) -> (Vec<f32>, Vec<usize>) {
    let mut out = vec![0.0; output_shape.len()];
    let mut winners = vec![0usize; output_shape.len()];
    for oy in 0..output_shape.height {
        for ox in 0..output_shape.width {
            for c in 0..output_shape.channels {
                let mut best = f32::NEG_INFINITY;
                let mut at = input_shape.index(oy * stride, ox * stride, c);
                for dy in 0..size {
                    for dx in 0..size {
                        let i = input_shape.index(oy * stride + dy, ox * stride + dx, c);
                        // A NaN never wins, so a NaN map pools to -inf instead of hiding.
                        if input[i] > best {
                            best = input[i];
                            at = i;
                        }
                    }
                }
                let o = output_shape.index(oy, ox, c);
                out[o] = best;
                winners[o] = at;
            }
        }
    }
    (out, winners)
}

/// out[o] = bias[o] + sum over i of in[i] * w[i, o].
#[inline(always)]
fn dense_forward_impl(input: &[f32], weights: &[f32], bias: &[f32], units: usize) -> Vec<f32> {
    let mut out = bias.to_vec();
    for (i, &x) in input.iter().enumerate() {
        let row = &weights[i * units..][..units];
        for o in 0..units {
            out[o] += x * row[o];
        }
    }
    out
}

/// The dense layer's backward pass: adds x[i] * up[o] into the weight gradient and up into the
/// bias gradient; returns the input's gradient, sum over o of w[i, o] * up[o].
#[inline(always)]
fn dense_backward_impl(
    input: &[f32],
    weights: &[f32],
    units: usize,
    upstream: &[f32],
    grad_weights: &mut [f32],
    grad_bias: &mut [f32],
) -> Vec<f32> {
    let mut din = vec![0.0; input.len()];
    for (i, &x) in input.iter().enumerate() {
        let row = &weights[i * units..][..units];
        let grow = &mut grad_weights[i * units..][..units];
        let mut sum = 0.0;
        for o in 0..units {
            grow[o] += x * upstream[o];
            sum += row[o] * upstream[o];
        }
        din[i] = sum;
    }
    for (g, &u) in grad_bias.iter_mut().zip(upstream) {
        *g += u;
    }
    din
}

/// Makes `$name` public: the AVX2 copy where the CPU has it, else the plain one; and the plain
/// one alone as `portable::$name` (for tests that compare the two).
macro_rules! dispatched {
    ($(#[$doc:meta])* $name:ident, $avx2:ident, $body:ident, ($($arg:ident: $ty:ty),*) $(-> $ret:ty)?) => {
        $(#[$doc])*
        pub fn $name($($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            #[allow(unsafe_code)]
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2, checked just above.
                return unsafe { $avx2($($arg),*) };
            }
            $body($($arg),*)
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2")]
        fn $avx2($($arg: $ty),*) $(-> $ret)? {
            $body($($arg),*)
        }
    };
}

dispatched!(
    /// out[oy, ox, f] = bias[f] + sum over (ky, kx, c) of in[y, x, c] * w[ky, kx, c, f].
    conv_forward, conv_forward_avx2, conv_forward_impl,
    (g: &ConvGeometry, input: &[f32], weights: &[f32], bias: &[f32], filters: usize, out: &mut [f32])
);
dispatched!(
    /// Adds the convolution's weight and bias gradients for `upstream` (the output's gradient),
    /// and writes the input's gradient when asked.
    conv_backward, conv_backward_avx2, conv_backward_impl,
    (g: &ConvGeometry, input: &[f32], weights: &[f32], filters: usize, upstream: &[f32],
     grad_weights: &mut [f32], grad_bias: &mut [f32], grad_input: Option<&mut [f32]>)
);
dispatched!(
    /// Max over each window, per channel; also where each maximum came from (the first on ties).
    max_pool, max_pool_avx2, max_pool_impl,
    (input_shape: Shape, output_shape: Shape, size: usize, stride: usize, input: &[f32]) -> (Vec<f32>, Vec<usize>)
);
dispatched!(
    /// out[o] = bias[o] + sum over i of in[i] * w[i, o].
    dense_forward, dense_forward_avx2, dense_forward_impl,
    (input: &[f32], weights: &[f32], bias: &[f32], units: usize) -> Vec<f32>
);
dispatched!(
    /// The dense layer's backward pass (see the loop's comment).
    dense_backward, dense_backward_avx2, dense_backward_impl,
    (input: &[f32], weights: &[f32], units: usize, upstream: &[f32], grad_weights: &mut [f32], grad_bias: &mut [f32]) -> Vec<f32>
);

/// The plain loops on their own, whatever the CPU: to check that the AVX2 copies and the
/// fixed-filter-count copies give the same bits.
pub mod portable {
    use super::*;

    pub fn conv_forward(
        g: &ConvGeometry,
        input: &[f32],
        weights: &[f32],
        bias: &[f32],
        filters: usize,
        out: &mut [f32],
    ) {
        conv_forward_impl(g, input, weights, bias, filters, out)
    }

    /// The general loop, for any filter count (no copy with a constant count).
    pub fn conv_forward_any(
        g: &ConvGeometry,
        input: &[f32],
        weights: &[f32],
        bias: &[f32],
        filters: usize,
        out: &mut [f32],
    ) {
        super::conv_forward_any(g, input, weights, bias, filters, out)
    }

    pub fn conv_backward(
        g: &ConvGeometry,
        input: &[f32],
        weights: &[f32],
        filters: usize,
        upstream: &[f32],
        grad_weights: &mut [f32],
        grad_bias: &mut [f32],
        grad_input: Option<&mut [f32]>,
    ) {
        conv_backward_impl(
            g,
            input,
            weights,
            filters,
            upstream,
            grad_weights,
            grad_bias,
            grad_input,
        )
    }

    pub fn dense_backward(
        input: &[f32],
        weights: &[f32],
        units: usize,
        upstream: &[f32],
        grad_weights: &mut [f32],
        grad_bias: &mut [f32],
    ) -> Vec<f32> {
        dense_backward_impl(input, weights, units, upstream, grad_weights, grad_bias)
    }
}
