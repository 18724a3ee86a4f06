//! The network as plain functions over plain data, the way the Playground's `nn.ts` exposes it:
//! a forward pass over a batch, a backward pass from any gradient of the outputs that also
//! returns the gradient with respect to the inputs, and an optimiser step with its own state.
//!
//! The exact Playground training path (`train.rs`) fuses these steps for speed; this API is for
//! models that compose networks, such as the GAN (the generator learns through the
//! discriminator's input gradient). Both use the same forward kernel.

use super::functions::{Activation, OptimizerKind, softmax_backward};
use super::kernel::{
    MAX_LANES, forward_layer, gather, lanes_for, lanes_to_rows, transpose, with_lanes,
};
use super::network::Network;
use super::train::{ADAM_BETA1, ADAM_BETA2, adam_step};

/// Everything a forward pass over a batch keeps for the backward pass.
#[derive(Debug, Clone, Default)]
pub struct BatchPass {
    /// Examples in the batch.
    pub batch: usize,
    /// Per layer: total inputs, `batch` rows of the layer's width.
    pub totals: Vec<Vec<f64>>,
    /// Per layer: outputs, `batch` rows of the layer's width.
    pub outputs: Vec<Vec<f64>>,
}

impl BatchPass {
    /// The network's outputs: `batch` rows of one value per output neuron.
    pub fn outputs(&self) -> &[f64] {
        self.outputs.last().map_or(&[], |o| o.as_slice())
    }
}

/// Runs `batch` examples (`inputs`: `batch` rows of one value per feature) through the network,
/// a group at a time side by side (the same kernel and order as training).
pub fn forward_batch(network: &Network, inputs: &[f64], batch: usize) -> BatchPass {
    let mut pass = BatchPass {
        batch,
        totals: network
            .layers
            .iter()
            .map(|l| vec![0.0; batch * l.neurons()])
            .collect(),
        outputs: network
            .layers
            .iter()
            .map(|l| vec![0.0; batch * l.neurons()])
            .collect(),
    };
    let width = inputs.len() / batch.max(1);
    let widest = network
        .layers
        .iter()
        .map(|l| l.neurons())
        .max()
        .unwrap_or(0);
    // The kernel reads weights input-major.
    let weights: Vec<Vec<f64>> = network
        .layers
        .iter()
        .map(|layer| {
            let (n_out, n_in) = layer.weights.dim();
            let mut t = vec![0.0; layer.weights.len()];
            transpose(
                layer.weights.as_slice().expect("weights are contiguous"),
                n_out,
                n_in,
                &mut t,
            );
            t
        })
        .collect();
    let mut layer_in: Vec<f64> = Vec::new();
    let mut totals = vec![0.0; widest * MAX_LANES];
    let mut outputs = vec![0.0; widest * MAX_LANES];
    let mut start = 0;
    while start < batch {
        let group = lanes_for(batch - start);
        with_lanes!(group, L => {
            gather::<L>(
                (start..start + L).map(|k| &inputs[k * width..(k + 1) * width]),
                width,
                &mut layer_in,
            );
            for (l, layer) in network.layers.iter().enumerate() {
                let n = layer.neurons();
                forward_layer::<L>(
                    &weights[l],
                    layer.biases.as_slice().expect("biases are contiguous"),
                    layer.activation,
                    &layer_in,
                    &mut totals,
                    &mut outputs,
                );
                let span = start * n..(start + L) * n;
                lanes_to_rows::<L>(&totals[..n * L], &mut pass.totals[l][span.clone()]);
                lanes_to_rows::<L>(&outputs[..n * L], &mut pass.outputs[l][span]);
                layer_in.clear();
                layer_in.extend_from_slice(&outputs[..n * L]);
            }
        });
        start += group;
    }
    pass
}

/// The gradient of a loss with respect to every parameter, summed over the batch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Gradients {
    /// Per layer: dL/dW flattened like the layer's weights (`[j][i]`), and dL/db.
    pub layers: Vec<(Vec<f64>, Vec<f64>)>,
}

impl Gradients {
    /// Zero gradients shaped like `network`.
    pub fn zeros(network: &Network) -> Self {
        Self {
            layers: network
                .layers
                .iter()
                .map(|l| (vec![0.0; l.weights.len()], vec![0.0; l.neurons()]))
                .collect(),
        }
    }

    /// Multiplies every gradient by `factor` (e.g. 1 / batch for a mean).
    pub fn scale(&mut self, factor: f64) {
        for (w, b) in &mut self.layers {
            w.iter_mut().for_each(|x| *x *= factor);
            b.iter_mut().for_each(|x| *x *= factor);
        }
    }
}

/// What a gradient given to [`backward_from`] is taken with respect to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GradientOf {
    /// The network's outputs (after the output activation).
    Outputs,
    /// The output layer's total inputs (before the activation): losses written on logits stay
    /// finite where a sigmoid saturates.
    Totals,
}

/// Backpropagates `output_grad` (dL/d(output), `batch` rows of one value per output neuron)
/// through the pass. Returns the parameter gradients (summed over the batch) and dL/d(input)
/// (`batch` rows of one value per input). Dead links (L1) carry no gradient.
pub fn backward_batch(
    network: &Network,
    inputs: &[f64],
    pass: &BatchPass,
    output_grad: &[f64],
) -> (Gradients, Vec<f64>) {
    backward_from(network, inputs, pass, output_grad, GradientOf::Outputs)
}

/// [`backward_batch`] from a gradient of the outputs or of the output layer's totals.
pub fn backward_from(
    network: &Network,
    inputs: &[f64],
    pass: &BatchPass,
    output_grad: &[f64],
    of: GradientOf,
) -> (Gradients, Vec<f64>) {
    let batch = pass.batch;
    let mut grads = Gradients::zeros(network);
    let n_in0 = network.features.len().max(inputs.len() / batch.max(1));
    let mut input_grad = vec![0.0; batch * n_in0];
    // dL/d(output) of the current layer, `batch` rows.
    let mut upstream = output_grad.to_vec();
    for l in (0..network.layers.len()).rev() {
        let layer = &network.layers[l];
        let n = layer.neurons();
        let n_in = layer.inputs();
        let weights = layer.weights.as_slice().expect("weights are contiguous");
        let dead = layer.dead.as_slice().expect("dead marks are contiguous");
        let source: &[f64] = if l == 0 { inputs } else { &pass.outputs[l - 1] };
        let mut downstream = vec![0.0; batch * n_in];
        let mut ders = vec![0.0; n];
        let (grad_w, grad_b) = &mut grads.layers[l];
        for k in 0..batch {
            let totals = &pass.totals[l][k * n..(k + 1) * n];
            let outputs = &pass.outputs[l][k * n..(k + 1) * n];
            let g = &upstream[k * n..(k + 1) * n];
            let last = l + 1 == network.layers.len();
            if last && of == GradientOf::Totals {
                ders.copy_from_slice(g);
            } else if layer.activation == Activation::Softmax {
                softmax_backward(outputs, g, &mut ders);
            } else {
                for j in 0..n {
                    ders[j] = g[j] * layer.activation.derivative(totals[j], outputs[j]);
                }
            }
            let a = &source[k * n_in..(k + 1) * n_in];
            let down = &mut downstream[k * n_in..(k + 1) * n_in];
            for j in 0..n {
                let d = ders[j];
                grad_b[j] += d;
                let row = j * n_in;
                for i in 0..n_in {
                    if dead[row + i] {
                        continue;
                    }
                    grad_w[row + i] += d * a[i];
                    down[i] += weights[row + i] * d;
                }
            }
        }
        if l == 0 {
            input_grad = downstream;
        } else {
            upstream = downstream;
        }
    }
    (grads, input_grad)
}

/// An optimiser with its per-network state (velocities, Adam's moments and step count).
#[derive(Debug, Clone, PartialEq)]
pub struct Optimizer {
    pub kind: OptimizerKind,
    /// Momentum coefficient (the `momentum` kind).
    pub momentum: f64,
    steps: u64,
    first: Vec<(Vec<f64>, Vec<f64>)>,
    second: Vec<(Vec<f64>, Vec<f64>)>,
}

impl Optimizer {
    pub fn new(kind: OptimizerKind) -> Self {
        Self {
            kind,
            momentum: 0.9,
            steps: 0,
            first: Vec::new(),
            second: Vec::new(),
        }
    }

    /// Changes the kind live; the state starts over if it changed.
    pub fn set_kind(&mut self, kind: OptimizerKind) {
        if kind != self.kind {
            *self = Self {
                momentum: self.momentum,
                ..Self::new(kind)
            };
        }
    }

    /// Forgets the state (a new run).
    pub fn reset(&mut self) {
        *self = Self {
            momentum: self.momentum,
            ..Self::new(self.kind)
        };
    }

    /// Steps taken since the last reset.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Moves every parameter against its gradient (`grads`: the gradient to descend, e.g. a
    /// mean over a batch). Dead links stay where they are.
    pub fn step(&mut self, network: &mut Network, grads: &Gradients, learning_rate: f64) {
        self.steps += 1;
        let shaped = |v: &Vec<(Vec<f64>, Vec<f64>)>| {
            v.len() == grads.layers.len()
                && v.iter()
                    .zip(&grads.layers)
                    .all(|(a, b)| a.0.len() == b.0.len() && a.1.len() == b.1.len())
        };
        if !shaped(&self.first) {
            self.first = grads
                .layers
                .iter()
                .map(|(w, b)| (vec![0.0; w.len()], vec![0.0; b.len()]))
                .collect();
            self.second = self.first.clone();
        }
        let t = self.steps.min(i32::MAX as u64) as i32;
        let (c1, c2) = (
            1.0 - crate::math::powi(ADAM_BETA1, t),
            1.0 - crate::math::powi(ADAM_BETA2, t),
        );
        for (l, layer) in network.layers.iter_mut().enumerate() {
            let (gw, gb) = &grads.layers[l];
            let weights = layer
                .weights
                .as_slice_mut()
                .expect("weights are contiguous");
            let dead = layer.dead.as_slice().expect("dead marks are contiguous");
            let biases = layer.biases.as_slice_mut().expect("biases are contiguous");
            let (mw, mb) = &mut self.first[l];
            let (vw, vb) = &mut self.second[l];
            let update = |p: &mut f64, g: f64, m: &mut f64, v: &mut f64| match self.kind {
                OptimizerKind::Sgd => *p -= learning_rate * g,
                OptimizerKind::Momentum => {
                    *m = self.momentum * *m + g;
                    *p -= learning_rate * *m;
                }
                OptimizerKind::Adam => *p -= adam_step(g, m, v, learning_rate, c1, c2),
            };
            for k in 0..weights.len() {
                if !dead[k] {
                    update(&mut weights[k], gw[k], &mut mw[k], &mut vw[k]);
                }
            }
            for k in 0..biases.len() {
                update(&mut biases[k], gb[k], &mut mb[k], &mut vb[k]);
            }
        }
    }
}
