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

// The loops themselves, optimised apart (see the crate): re-exported so the rest of the game
// reads them as this module's.
pub use neural_sandbox_kernels::{
    ConvGeometry, Padding, Shape, conv_backward, conv_forward, dense_backward, dense_forward,
    max_pool, portable,
};

use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

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
        use crate::limits::{
            MAX_CNN_ACTIVATIONS, MAX_CNN_CHANNELS, MAX_CNN_LAYERS, MAX_CNN_PARAMETERS,
            MAX_CNN_SIDE, MAX_CNN_UNITS,
        };
        // Every size is checked before anything is laid out: a file may declare anything.
        if input.height > MAX_CNN_SIDE
            || input.width > MAX_CNN_SIDE
            || input.channels > MAX_CNN_CHANNELS
        {
            return Err(ModelError::Other(format!(
                "the input {input} is too big (at most {MAX_CNN_SIDE}x{MAX_CNN_SIDE} with {MAX_CNN_CHANNELS} channels)"
            )));
        }
        if input.is_empty() {
            return Err(ModelError::Other(format!("the input {input} is empty")));
        }
        if specs.len() > MAX_CNN_LAYERS {
            return Err(ModelError::Other(format!(
                "{} layers: at most {MAX_CNN_LAYERS}",
                specs.len()
            )));
        }
        let mut activations = input.len();
        let mut layers = Vec::with_capacity(specs.len());
        let mut shapes = Vec::with_capacity(specs.len());
        let mut shape = input;
        let mut next = 0usize;
        // The parameters' ranges, laid out one after another; None once they pass the limit.
        let mut take = |count: Option<usize>| {
            let end = count
                .and_then(|c| next.checked_add(c))
                .filter(|&end| end <= MAX_CNN_PARAMETERS)?;
            let range = next..end;
            next = end;
            Some(range)
        };
        let too_many_parameters =
            || format!("more than {MAX_CNN_PARAMETERS} parameters, the most a model may have");
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
                    if !(1..=16).contains(kernel)
                        || *stride == 0
                        || *filters == 0
                        || *filters > MAX_CNN_CHANNELS
                    {
                        return Err(fail(format!(
                            "kernel {kernel}, stride {stride} and {filters} filters: the kernel must be 1 to 16, the stride at least 1, the filters 1 to {MAX_CNN_CHANNELS}"
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
                    let count = (kernel * kernel)
                        .checked_mul(shape.channels)
                        .and_then(|n| n.checked_mul(*filters));
                    let weights = take(count).ok_or_else(|| fail(too_many_parameters()))?;
                    let bias = take(Some(*filters)).ok_or_else(|| fail(too_many_parameters()))?;
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
                    if *units == 0 || *units > MAX_CNN_UNITS {
                        return Err(fail(format!(
                            "{units} units: a dense layer has 1 to {MAX_CNN_UNITS}"
                        )));
                    }
                    if shape.height != 1 || shape.width != 1 {
                        return Err(fail(format!(
                            "a dense layer needs a flat input, not {shape}: flatten first"
                        )));
                    }
                    let weights = take(shape.channels.checked_mul(*units))
                        .ok_or_else(|| fail(too_many_parameters()))?;
                    let bias = take(Some(*units)).ok_or_else(|| fail(too_many_parameters()))?;
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
            // What one image leaves behind in the layers (kept for the views and training).
            activations = out
                .height
                .checked_mul(out.width)
                .and_then(|n| n.checked_mul(out.channels))
                .and_then(|n| activations.checked_add(n))
                .filter(|&n| n <= MAX_CNN_ACTIVATIONS)
                .ok_or_else(|| {
                    fail(format!(
                        "its output {out} takes the model past {MAX_CNN_ACTIVATIONS} numbers per image, the most it may have"
                    ))
                })?;
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

    /// Runs one image (`input.len()` values, height x width x channels) through every layer.
    pub fn forward(&self, image: &[f32]) -> Activations {
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
        let mut upstream = upstream;
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
                    let (gw, rest) = gradient.split_at_mut(bias.start);
                    dense_backward(
                        input,
                        &self.params[weights.clone()],
                        *units,
                        &upstream,
                        &mut gw[weights.clone()],
                        &mut rest[..bias.len()],
                    )
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
