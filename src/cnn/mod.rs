//! Convolutional networks on images, CNN Explainer's kind: convolution, activation, max-pool,
//! flatten, dense and softmax in sequence, forward and backward, for one image at a time.
//!
//! Layout: every tensor is height x width x channels, channels last, as TensorFlow.js stores
//! images and kernels (a conv kernel is `[k, k, in, out]`, a dense kernel `[in, out]`). So a
//! model opened from a TensorFlow.js file is used without any transposing, and the innermost loop
//! of every layer runs over output channels, which are contiguous in both the weights and the
//! output: the compiler turns those loops into SIMD (8 filters are exactly one AVX register of
//! f32). We chose these direct loops over im2col + a matrix crate because the maps here are small
//! (at most 64x64 with 10 channels) and im2col would copy each input 9 times for a 3x3 kernel;
//! speed across a batch comes from running its images on every core (see [`train`]).
//!
//! All of a model's parameters live in one flat vector, so optimisers and the summing of
//! gradients over a batch work on plain slices. Numbers are f32, as in TensorFlow.js; the few
//! transcendental functions come from `libm` so the browser computes the same bits as natively.

pub mod images;
pub mod preprocess;
pub mod tfjs;
pub mod train;

#[cfg(test)]
mod tests;

use std::ops::Range;

use rand::{Rng, RngExt};
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

/// The element-wise functions a layer may apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum CnnActivation {
    #[default]
    Relu,
    Tanh,
    Sigmoid,
    Linear,
}

impl CnnActivation {
    pub const ALL: [CnnActivation; 4] = [Self::Relu, Self::Tanh, Self::Sigmoid, Self::Linear];

    pub const fn name(self) -> &'static str {
        match self {
            Self::Relu => "relu",
            Self::Tanh => "tanh",
            Self::Sigmoid => "sigmoid",
            Self::Linear => "linear",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    #[inline]
    pub fn apply(self, x: f32) -> f32 {
        match self {
            Self::Relu => x.max(0.0),
            Self::Tanh => libm::tanhf(x),
            Self::Sigmoid => 1.0 / (1.0 + libm::expf(-x)),
            Self::Linear => x,
        }
    }

    /// The derivative, from the input `x` and the output `y` (whichever is cheaper).
    #[inline]
    pub fn derivative(self, x: f32, y: f32) -> f32 {
        match self {
            Self::Relu => {
                if x > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Self::Tanh => 1.0 - y * y,
            Self::Sigmoid => y * (1.0 - y),
            Self::Linear => 1.0,
        }
    }
}

/// One layer, with where its parameters are in the model's flat vector.
#[derive(Debug, Clone, PartialEq)]
pub enum Layer {
    Conv {
        name: String,
        kernel: usize,
        stride: usize,
        padding: Padding,
        filters: usize,
        /// `[kernel, kernel, in, filters]`.
        weights: Range<usize>,
        bias: Range<usize>,
    },
    Activation {
        name: String,
        function: CnnActivation,
    },
    MaxPool {
        name: String,
        size: usize,
        stride: usize,
    },
    Flatten {
        name: String,
    },
    Dense {
        name: String,
        units: usize,
        /// `[in, units]`.
        weights: Range<usize>,
        bias: Range<usize>,
    },
}

impl Layer {
    pub fn name(&self) -> &str {
        match self {
            Layer::Conv { name, .. }
            | Layer::Activation { name, .. }
            | Layer::MaxPool { name, .. }
            | Layer::Flatten { name }
            | Layer::Dense { name, .. } => name,
        }
    }

    /// What kind of layer it is, in a word.
    pub fn kind(&self) -> &'static str {
        match self {
            Layer::Conv { .. } => "conv",
            Layer::Activation { function, .. } => function.name(),
            Layer::MaxPool { .. } => "max pool",
            Layer::Flatten { .. } => "flatten",
            Layer::Dense { .. } => "dense",
        }
    }

    pub fn parameters(&self) -> Option<(Range<usize>, Range<usize>)> {
        match self {
            Layer::Conv { weights, bias, .. } | Layer::Dense { weights, bias, .. } => {
                Some((weights.clone(), bias.clone()))
            }
            _ => None,
        }
    }
}

/// A layer as it is described before the parameters exist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LayerSpec {
    Conv {
        name: String,
        kernel: usize,
        stride: usize,
        padding: Padding,
        filters: usize,
    },
    Activation {
        name: String,
        function: CnnActivation,
    },
    MaxPool {
        name: String,
        size: usize,
        stride: usize,
    },
    Flatten {
        name: String,
    },
    Dense {
        name: String,
        units: usize,
    },
}

/// What is wrong with a model's description.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    #[error("layer {layer} ({name}): {why}")]
    Layer {
        layer: usize,
        name: String,
        why: String,
    },
    #[error("{0}")]
    Other(String),
}

/// A sequential convolutional network ending in a softmax over its classes.
#[derive(Debug, Clone, PartialEq)]
pub struct CnnModel {
    pub input: Shape,
    pub layers: Vec<Layer>,
    /// The shape after each layer.
    pub shapes: Vec<Shape>,
    pub params: Vec<f32>,
    pub class_names: Vec<String>,
}

/// Every layer's output for one image, and the input.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Activations {
    pub input: Vec<f32>,
    /// After each layer; the last is the logits.
    pub outputs: Vec<Vec<f32>>,
    /// The softmax of the logits.
    pub probabilities: Vec<f32>,
}

impl CnnModel {
    /// Lays out the parameters (all zero) for `specs` on `input`, checking every shape.
    pub fn from_specs(
        input: Shape,
        specs: &[LayerSpec],
        class_names: Vec<String>,
    ) -> Result<Self, ModelError> {
        if input.is_empty() {
            return Err(ModelError::Other(format!("the input {input} is empty")));
        }
        let mut layers = Vec::with_capacity(specs.len());
        let mut shapes = Vec::with_capacity(specs.len());
        let mut shape = input;
        let mut next = 0usize;
        let mut take = |count: usize| {
            let range = next..next + count;
            next += count;
            range
        };
        for (index, spec) in specs.iter().enumerate() {
            let fail = |why: String| ModelError::Layer {
                layer: index + 1,
                name: spec_name(spec).to_string(),
                why,
            };
            let (layer, out) = match spec {
                LayerSpec::Conv {
                    name,
                    kernel,
                    stride,
                    padding,
                    filters,
                } => {
                    if !(1..=16).contains(kernel) || *stride == 0 || *filters == 0 {
                        return Err(fail(format!(
                            "kernel {kernel}, stride {stride} and {filters} filters: the kernel must be 1 to 16, the stride and filters at least 1"
                        )));
                    }
                    let rows = padding.output(shape.height, *kernel, *stride);
                    let cols = padding.output(shape.width, *kernel, *stride);
                    let (Some((rows, _)), Some((cols, _))) = (rows, cols) else {
                        return Err(fail(format!(
                            "a {kernel}x{kernel} kernel does not fit in {shape} with {} padding",
                            padding.name()
                        )));
                    };
                    let weights = take(kernel * kernel * shape.channels * filters);
                    let bias = take(*filters);
                    (
                        Layer::Conv {
                            name: name.clone(),
                            kernel: *kernel,
                            stride: *stride,
                            padding: *padding,
                            filters: *filters,
                            weights,
                            bias,
                        },
                        Shape::new(rows, cols, *filters),
                    )
                }
                LayerSpec::Activation { name, function } => (
                    Layer::Activation {
                        name: name.clone(),
                        function: *function,
                    },
                    shape,
                ),
                LayerSpec::MaxPool { name, size, stride } => {
                    let rows = Padding::Valid.output(shape.height, *size, *stride);
                    let cols = Padding::Valid.output(shape.width, *size, *stride);
                    let (Some((rows, _)), Some((cols, _))) = (rows, cols) else {
                        return Err(fail(format!(
                            "a {size}x{size} pool with stride {stride} does not fit in {shape}"
                        )));
                    };
                    (
                        Layer::MaxPool {
                            name: name.clone(),
                            size: *size,
                            stride: *stride,
                        },
                        Shape::new(rows, cols, shape.channels),
                    )
                }
                LayerSpec::Flatten { name } => (
                    Layer::Flatten { name: name.clone() },
                    Shape::new(1, 1, shape.len()),
                ),
                LayerSpec::Dense { name, units } => {
                    if *units == 0 {
                        return Err(fail("a dense layer needs at least one unit".into()));
                    }
                    if shape.height != 1 || shape.width != 1 {
                        return Err(fail(format!(
                            "a dense layer needs a flat input, not {shape}: flatten first"
                        )));
                    }
                    let weights = take(shape.channels * units);
                    let bias = take(*units);
                    (
                        Layer::Dense {
                            name: name.clone(),
                            units: *units,
                            weights,
                            bias,
                        },
                        Shape::new(1, 1, *units),
                    )
                }
            };
            layers.push(layer);
            shapes.push(out);
            shape = out;
        }
        if shape.height != 1 || shape.width != 1 || shape.channels < 2 {
            return Err(ModelError::Other(format!(
                "the last layer must be dense with at least two classes, not {shape}"
            )));
        }
        let classes = shape.channels;
        let class_names = if class_names.len() == classes {
            class_names
        } else {
            (0..classes).map(|c| format!("class {c}")).collect()
        };
        Ok(Self {
            input,
            layers,
            shapes,
            params: vec![0.0; next],
            class_names,
        })
    }

    /// Glorot-uniform weights and zero biases, as Keras and TensorFlow.js start, from a seed.
    pub fn initialize<R: Rng + ?Sized>(&mut self, rng: &mut R) {
        for index in 0..self.layers.len() {
            let input = self.layer_input(index);
            let (fan_in, fan_out, weights, bias) = match &self.layers[index] {
                Layer::Conv {
                    kernel,
                    filters,
                    weights,
                    bias,
                    ..
                } => (
                    kernel * kernel * input.channels,
                    kernel * kernel * filters,
                    weights.clone(),
                    bias.clone(),
                ),
                Layer::Dense {
                    units,
                    weights,
                    bias,
                    ..
                } => (input.channels, *units, weights.clone(), bias.clone()),
                _ => continue,
            };
            let limit = (6.0 / (fan_in + fan_out) as f64).sqrt();
            for w in &mut self.params[weights] {
                *w = rng.random_range(-limit..limit) as f32;
            }
            self.params[bias].fill(0.0);
        }
    }

    pub fn classes(&self) -> usize {
        self.shapes.last().map_or(0, |s| s.channels)
    }

    pub fn parameter_count(&self) -> usize {
        self.params.len()
    }

    /// The shape that layer `index` reads.
    pub fn layer_input(&self, index: usize) -> Shape {
        if index == 0 {
            self.input
        } else {
            self.shapes[index - 1]
        }
    }

    /// Multiply-adds of one image through layer `index`.
    pub fn multiply_adds(&self, index: usize) -> usize {
        let input = self.layer_input(index);
        let out = self.shapes[index];
        match &self.layers[index] {
            Layer::Conv { kernel, .. } => out.len() * kernel * kernel * input.channels,
            Layer::Dense { units, .. } => input.channels * units,
            _ => 0,
        }
    }

    /// The parameters of layer `index`: (weights, bias) slices, if it has any.
    pub fn layer_parameters(&self, index: usize) -> Option<(&[f32], &[f32])> {
        let (w, b) = self.layers.get(index)?.parameters()?;
        Some((&self.params[w], &self.params[b]))
    }

    /// Runs one image (`input.len()` values, height x width x channels) through every layer.
    pub fn forward(&self, image: &[f32]) -> Activations {
        #[cfg(target_arch = "x86_64")]
        #[allow(unsafe_code)]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            return unsafe { self.forward_avx2(image) };
        }
        self.forward_portable(image)
    }

    /// The same forward pass compiled with AVX2: eight filters per register instead of four.
    /// No FMA (Rust never fuses a multiply and an add by itself), so the bits are the same.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn forward_avx2(&self, image: &[f32]) -> Activations {
        self.forward_portable(image)
    }

    #[inline(always)]
    fn forward_portable(&self, image: &[f32]) -> Activations {
        assert_eq!(image.len(), self.input.len(), "image size");
        let mut outputs: Vec<Vec<f32>> = Vec::with_capacity(self.layers.len());
        for (index, layer) in self.layers.iter().enumerate() {
            let input = match index {
                0 => image,
                _ => &outputs[index - 1],
            };
            let in_shape = self.layer_input(index);
            let out_shape = self.shapes[index];
            let out = match layer {
                Layer::Conv {
                    kernel,
                    stride,
                    padding,
                    filters,
                    weights,
                    bias,
                    ..
                } => {
                    let geometry =
                        ConvGeometry::new(in_shape, out_shape, *kernel, *stride, *padding);
                    let mut out = vec![0.0; out_shape.len()];
                    conv_forward(
                        &geometry,
                        input,
                        &self.params[weights.clone()],
                        &self.params[bias.clone()],
                        *filters,
                        &mut out,
                    );
                    out
                }
                Layer::Activation { function, .. } => {
                    input.iter().map(|&x| function.apply(x)).collect()
                }
                Layer::MaxPool { size, stride, .. } => {
                    max_pool(in_shape, out_shape, *size, *stride, input).0
                }
                Layer::Flatten { .. } => input.to_vec(),
                Layer::Dense {
                    units,
                    weights,
                    bias,
                    ..
                } => dense_forward(
                    input,
                    &self.params[weights.clone()],
                    &self.params[bias.clone()],
                    *units,
                ),
            };
            outputs.push(out);
        }
        let probabilities = softmax(outputs.last().map_or(&[][..], |v| v));
        Activations {
            input: image.to_vec(),
            outputs,
            probabilities,
        }
    }

    /// The class probabilities for one image.
    pub fn predict(&self, image: &[f32]) -> Vec<f32> {
        self.forward(image).probabilities
    }

    /// Cross-entropy of one image's forward pass against its label; the gradient of it with
    /// respect to every parameter is added into `gradient` (the model's parameter layout).
    pub fn backward(&self, acts: &Activations, label: usize, gradient: &mut [f32]) -> f32 {
        debug_assert_eq!(gradient.len(), self.params.len());
        let loss = cross_entropy(&acts.probabilities, label);
        self.backward_with(
            acts,
            logits_gradient(&acts.probabilities, label),
            gradient,
            false,
        );
        loss
    }

    /// The gradient of the loss for `label` with respect to the input image (saliency).
    pub fn input_gradient(&self, image: &[f32], label: usize) -> Vec<f32> {
        let acts = self.forward(image);
        let mut scratch = vec![0.0; self.params.len()];
        self.backward_with(
            &acts,
            logits_gradient(&acts.probabilities, label),
            &mut scratch,
            true,
        )
    }

    /// Backpropagates `upstream` (the logits' gradient) through every layer, adding the
    /// parameter gradients into `gradient`; returns the input image's gradient when asked.
    pub fn backward_with(
        &self,
        acts: &Activations,
        upstream: Vec<f32>,
        gradient: &mut [f32],
        want_input: bool,
    ) -> Vec<f32> {
        #[cfg(target_arch = "x86_64")]
        #[allow(unsafe_code)]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            return unsafe { self.backward_avx2(acts, upstream, gradient, want_input) };
        }
        self.backward_portable(acts, upstream, gradient, want_input)
    }

    /// [`backward_with`](Self::backward_with) compiled with AVX2 (no FMA: the same bits).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn backward_avx2(
        &self,
        acts: &Activations,
        upstream: Vec<f32>,
        gradient: &mut [f32],
        want_input: bool,
    ) -> Vec<f32> {
        self.backward_portable(acts, upstream, gradient, want_input)
    }

    #[inline(always)]
    fn backward_portable(
        &self,
        acts: &Activations,
        mut upstream: Vec<f32>,
        gradient: &mut [f32],
        want_input: bool,
    ) -> Vec<f32> {
        for index in (0..self.layers.len()).rev() {
            let input = match index {
                0 => &acts.input[..],
                _ => &acts.outputs[index - 1][..],
            };
            let output = &acts.outputs[index];
            let in_shape = self.layer_input(index);
            let out_shape = self.shapes[index];
            let need = index > 0 || want_input;
            upstream = match &self.layers[index] {
                Layer::Conv {
                    kernel,
                    stride,
                    padding,
                    filters,
                    weights,
                    bias,
                    ..
                } => {
                    let geometry =
                        ConvGeometry::new(in_shape, out_shape, *kernel, *stride, *padding);
                    let (gw, rest) = gradient.split_at_mut(bias.start);
                    let mut din = vec![0.0; if need { in_shape.len() } else { 0 }];
                    conv_backward(
                        &geometry,
                        input,
                        &self.params[weights.clone()],
                        *filters,
                        &upstream,
                        &mut gw[weights.clone()],
                        &mut rest[..bias.len()],
                        need.then_some(&mut din[..]),
                    );
                    din
                }
                Layer::Activation { function, .. } => input
                    .iter()
                    .zip(output)
                    .zip(&upstream)
                    .map(|((&x, &y), &g)| g * function.derivative(x, y))
                    .collect(),
                Layer::MaxPool { size, stride, .. } => {
                    let (_, winners) = max_pool(in_shape, out_shape, *size, *stride, input);
                    let mut din = vec![0.0; in_shape.len()];
                    for (&winner, &g) in winners.iter().zip(&upstream) {
                        din[winner] += g;
                    }
                    din
                }
                Layer::Flatten { .. } => upstream,
                Layer::Dense {
                    units,
                    weights,
                    bias,
                    ..
                } => {
                    let w = &self.params[weights.clone()];
                    let mut din = vec![0.0; input.len()];
                    for (i, &x) in input.iter().enumerate() {
                        let row = &w[i * units..(i + 1) * units];
                        let grow = &mut gradient[weights.start + i * units..][..*units];
                        let mut sum = 0.0;
                        for o in 0..*units {
                            grow[o] += x * upstream[o];
                            sum += row[o] * upstream[o];
                        }
                        din[i] = sum;
                    }
                    for (g, &u) in gradient[bias.clone()].iter_mut().zip(&upstream) {
                        *g += u;
                    }
                    din
                }
            };
        }
        upstream
    }
}

impl CnnModel {
    /// The input pixels that output pixel (row, col) of layer `layer` depends on: rows
    /// `top..=bottom` and columns `left..=right` of the image, clipped to it (padding reaches
    /// past the border). Each convolution and pool widens the window by its kernel and
    /// multiplies it by its stride, walking back to the input.
    pub fn receptive_field(
        &self,
        layer: usize,
        row: usize,
        col: usize,
    ) -> (usize, usize, usize, usize) {
        let (mut top, mut bottom) = (row as isize, row as isize);
        let (mut left, mut right) = (col as isize, col as isize);
        for index in (0..=layer.min(self.layers.len().saturating_sub(1))).rev() {
            let input = self.layer_input(index);
            let (kernel, stride, pad_top, pad_left) = match &self.layers[index] {
                Layer::Conv {
                    kernel,
                    stride,
                    padding,
                    ..
                } => {
                    let g =
                        ConvGeometry::new(input, self.shapes[index], *kernel, *stride, *padding);
                    (*kernel, *stride, g.pad_top, g.pad_left)
                }
                Layer::MaxPool { size, stride, .. } => (*size, *stride, 0, 0),
                Layer::Flatten { .. } | Layer::Dense { .. } => {
                    // Every unit of a dense layer sees the whole image.
                    return (0, 0, self.input.height - 1, self.input.width - 1);
                }
                Layer::Activation { .. } => continue,
            };
            let (k, s) = (kernel as isize, stride as isize);
            top = top * s - pad_top as isize;
            bottom = bottom * s - pad_top as isize + k - 1;
            left = left * s - pad_left as isize;
            right = right * s - pad_left as isize + k - 1;
        }
        let clip = |v: isize, size: usize| v.clamp(0, size as isize - 1) as usize;
        (
            clip(top, self.input.height),
            clip(left, self.input.width),
            clip(bottom, self.input.height),
            clip(right, self.input.width),
        )
    }
}

fn spec_name(spec: &LayerSpec) -> &str {
    match spec {
        LayerSpec::Conv { name, .. }
        | LayerSpec::Activation { name, .. }
        | LayerSpec::MaxPool { name, .. }
        | LayerSpec::Flatten { name }
        | LayerSpec::Dense { name, .. } => name,
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
pub fn conv_forward(
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
pub fn max_pool(
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
pub fn dense_forward(input: &[f32], weights: &[f32], bias: &[f32], units: usize) -> Vec<f32> {
    let mut out = bias.to_vec();
    for (i, &x) in input.iter().enumerate() {
        let row = &weights[i * units..][..units];
        for o in 0..units {
            out[o] += x * row[o];
        }
    }
    out
}

/// -ln p[label], with p floored so that a confident mistake costs a large finite loss.
pub fn cross_entropy(probabilities: &[f32], label: usize) -> f32 {
    -libm::logf(probabilities[label].max(1e-12))
}

/// Softmax followed by cross-entropy: the logits' gradient is p - onehot(label).
pub fn logits_gradient(probabilities: &[f32], label: usize) -> Vec<f32> {
    let mut g = probabilities.to_vec();
    g[label] -= 1.0;
    g
}

/// exp(l_i - max) / sum_j exp(l_j - max).
pub fn softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = logits.iter().map(|&l| libm::expf(l - max)).collect();
    let sum: f32 = exps.iter().sum();
    exps.iter().map(|e| e / sum).collect()
}

/// The mini Tiny VGG the game trains, and the shapes a student may give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MiniSpec {
    /// Blocks of two convolutions and a 2x2 max-pool, 1 to 3.
    pub blocks: usize,
    /// Filters in every convolution, 1 to 16.
    pub filters: usize,
    /// 3 or 5.
    pub kernel: usize,
    pub padding: Padding,
    pub activation: CnnActivation,
}

impl Default for MiniSpec {
    fn default() -> Self {
        Self {
            blocks: 2,
            filters: 8,
            kernel: 3,
            padding: Padding::Valid,
            activation: CnnActivation::Relu,
        }
    }
}

impl MiniSpec {
    /// CNN Explainer's Tiny VGG names: conv_1_1, relu_1_1, conv_1_2, relu_1_2, max_pool_1, ...
    pub fn layers(&self, classes: usize) -> Vec<LayerSpec> {
        let mut specs = Vec::new();
        for block in 1..=self.blocks {
            for conv in 1..=2 {
                specs.push(LayerSpec::Conv {
                    name: format!("conv_{block}_{conv}"),
                    kernel: self.kernel,
                    stride: 1,
                    padding: self.padding,
                    filters: self.filters,
                });
                specs.push(LayerSpec::Activation {
                    name: format!("{}_{block}_{conv}", self.activation.name()),
                    function: self.activation,
                });
            }
            specs.push(LayerSpec::MaxPool {
                name: format!("max_pool_{block}"),
                size: 2,
                stride: 2,
            });
        }
        specs.push(LayerSpec::Flatten {
            name: "flatten".into(),
        });
        specs.push(LayerSpec::Dense {
            name: "output".into(),
            units: classes,
        });
        specs
    }

    /// The model with Glorot-uniform weights from `seed`.
    pub fn build(
        &self,
        input: Shape,
        class_names: Vec<String>,
        seed: u64,
    ) -> Result<CnnModel, ModelError> {
        if !(1..=3).contains(&self.blocks) {
            return Err(ModelError::Other(format!(
                "{} blocks: choose 1 to 3",
                self.blocks
            )));
        }
        if !(1..=16).contains(&self.filters) {
            return Err(ModelError::Other(format!(
                "{} filters: choose 1 to 16",
                self.filters
            )));
        }
        let mut model = CnnModel::from_specs(input, &self.layers(class_names.len()), class_names)?;
        let mut rng = crate::data::seeded_rng(seed, crate::data::streams::CNN_WEIGHTS);
        model.initialize(&mut rng);
        Ok(model)
    }
}
