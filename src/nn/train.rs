//! Training: backpropagation with accumulated gradients, mini-batch updates with leftover
//! carry-over, the optimisers, regularisation with the L1 dead-link rule, dropout, and loss and
//! accuracy over a set.
//!
//! In classic mode (SGD, square loss, no dropout, no reshuffle) every operation is the Playground's
//! `nn.ts` and `oneStep`, in the same order, so losses agree with it to rounding.

use rand::{Rng, RngExt};

use super::functions::{Activation, Loss, OptimizerKind, Regularization, class_index};
use super::kernel::{
    MAX_LANES, accumulate_gradients, across_neurons, backward_inputs, forward_layer, gather,
    lanes_for, lanes_to_rows, transpose, with_example, with_lanes,
};
use super::network::Network;

/// Hyperparameters of one epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainSettings {
    pub learning_rate: f64,
    pub regularization: Regularization,
    pub regularization_rate: f64,
    pub batch_size: usize,
    pub loss: Loss,
    pub optimizer: OptimizerKind,
    pub momentum: f64,
    /// Probability of dropping a hidden neuron during training (0 = off).
    pub dropout: f64,
}

impl Default for TrainSettings {
    fn default() -> Self {
        Self {
            learning_rate: 0.03,
            regularization: Regularization::None,
            regularization_rate: 0.0,
            batch_size: 10,
            loss: Loss::Square,
            optimizer: OptimizerKind::Sgd,
            momentum: 0.9,
            dropout: 0.0,
        }
    }
}

pub const ADAM_BETA1: f64 = 0.9;
pub const ADAM_BETA2: f64 = 0.999;
pub const ADAM_EPSILON: f64 = 1e-8;

/// Feature values of a set of examples, computed once: row `k` holds example `k`'s inputs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InputMatrix {
    pub width: usize,
    pub values: Vec<f64>,
    pub labels: Vec<f64>,
}

impl InputMatrix {
    pub fn new(
        network_features: &[crate::data::Feature],
        examples: &[crate::data::Example],
    ) -> Self {
        let width = network_features.len();
        let mut values = Vec::with_capacity(width * examples.len());
        for e in examples {
            values.extend(network_features.iter().map(|f| f.value(e.x1, e.x2)));
        }
        Self {
            width,
            values,
            labels: examples.iter().map(|e| e.label).collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    #[inline]
    pub fn row(&self, k: usize) -> &[f64] {
        &self.values[k * self.width..(k + 1) * self.width]
    }
}

/// Per-layer scratch buffers for the forward and backward pass of a group of `L` examples:
/// each holds the layer's values for every example of the group in the kernel's lanes layout
/// (`values[j * L + l]`, room for [`MAX_LANES`]).
#[derive(Debug, Clone, Default)]
struct LayerScratch {
    totals: Vec<f64>,
    outputs: Vec<f64>,
    output_ders: Vec<f64>,
    input_ders: Vec<f64>,
    /// Dropout scale per neuron and example (0 or 1/(1-p)); empty when dropout is off.
    mask: Vec<f64>,
    /// `input_ders` again, example after example (`der_rows[l * neurons + j]`), for the
    /// gradient sums.
    der_rows: Vec<f64>,
    /// The layer's weights, input-major (the kernel's order), while an epoch runs: the network
    /// gets them back at its end.
    weights: Vec<f64>,
    /// Dead links (L1), in the same order.
    dead: Vec<bool>,
}

/// Gradient sums since the last update, and the optimiser's state.
#[derive(Debug, Clone, Default)]
struct LayerGrads {
    weights: Vec<f64>,
    biases: Vec<f64>,
    velocity_w: Vec<f64>,
    velocity_b: Vec<f64>,
    second_w: Vec<f64>,
    second_b: Vec<f64>,
}

/// The state training keeps between examples and epochs for one network shape.
#[derive(Debug, Clone, Default)]
pub struct Trainer {
    scratch: Vec<LayerScratch>,
    /// The inputs of the current group of examples, in the lanes layout.
    inputs: Vec<f64>,
    grads: Vec<LayerGrads>,
    /// Examples accumulated since the last update (leftovers carry into the next epoch).
    accumulated: usize,
    /// Updates applied so far (Adam's bias correction).
    updates: u64,
    shape: Vec<usize>,
}

/// Loss and accuracy of a network on a set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SetMetrics {
    pub loss: f64,
    /// Fraction of correctly classified examples; `None` for regression.
    pub accuracy: Option<f64>,
}

impl Trainer {
    /// A trainer for `network`'s shape with empty accumulators.
    pub fn new(network: &Network) -> Self {
        let mut trainer = Self::default();
        trainer.fit(network);
        trainer
    }

    /// Makes the buffers fit the network (after an architecture change), clearing all state.
    pub fn fit(&mut self, network: &Network) {
        let shape: Vec<usize> = network.shape();
        if shape == self.shape {
            return;
        }
        self.shape = shape;
        self.scratch = network
            .layers
            .iter()
            .map(|l| LayerScratch {
                totals: vec![0.0; MAX_LANES * l.neurons()],
                outputs: vec![0.0; MAX_LANES * l.neurons()],
                output_ders: vec![0.0; MAX_LANES * l.neurons()],
                input_ders: vec![0.0; MAX_LANES * l.neurons()],
                mask: Vec::new(),
                der_rows: vec![0.0; MAX_LANES * l.neurons()],
                weights: vec![0.0; l.weights.len()],
                dead: vec![false; l.weights.len()],
            })
            .collect();
        self.grads = network
            .layers
            .iter()
            .map(|l| LayerGrads {
                weights: vec![0.0; l.weights.len()],
                biases: vec![0.0; l.neurons()],
                ..Default::default()
            })
            .collect();
        self.accumulated = 0;
        self.updates = 0;
    }

    /// Copies the network's weights and dead links into the kernel's order.
    fn load_weights(&mut self, network: &Network) {
        for (scratch, layer) in self.scratch.iter_mut().zip(&network.layers) {
            let (n_out, n_in) = layer.weights.dim();
            let weights = layer.weights.as_slice().expect("contiguous weights");
            transpose(weights, n_out, n_in, &mut scratch.weights);
            let dead = layer.dead.as_slice().expect("contiguous dead marks");
            transpose(dead, n_out, n_in, &mut scratch.dead);
        }
    }

    /// Gives the network back its trained weights and dead links.
    fn store_weights(&self, network: &mut Network) {
        for (scratch, layer) in self.scratch.iter().zip(&mut network.layers) {
            let (n_out, n_in) = layer.weights.dim();
            let weights = layer.weights.as_slice_mut().expect("contiguous weights");
            transpose(&scratch.weights, n_in, n_out, weights);
            let dead = layer.dead.as_slice_mut().expect("contiguous dead marks");
            transpose(&scratch.dead, n_in, n_out, dead);
        }
    }

    /// Forgets accumulated gradients and optimiser state (on reset).
    pub fn clear(&mut self) {
        for g in &mut self.grads {
            g.weights.fill(0.0);
            g.biases.fill(0.0);
            g.velocity_w.clear();
            g.velocity_b.clear();
            g.second_w.clear();
            g.second_b.clear();
        }
        self.accumulated = 0;
        self.updates = 0;
    }

    /// Examples accumulated and not yet applied.
    pub fn pending_examples(&self) -> usize {
        self.accumulated
    }

    /// Runs one epoch over `order` (indices into `set`), updating after every `batch_size`
    /// examples of the epoch, leftovers carrying over to the next epoch, as the Playground does.
    pub fn train_epoch<R: Rng + ?Sized>(
        &mut self,
        network: &mut Network,
        set: &InputMatrix,
        order: Option<&[usize]>,
        settings: &TrainSettings,
        rng: &mut R,
    ) {
        #[cfg(target_arch = "x86_64")]
        #[allow(unsafe_code)]
        {
            match simd() {
                // SAFETY: `simd` only answers what the CPU has.
                Simd::Avx512 => {
                    return unsafe { self.train_epoch_avx512(network, set, order, settings, rng) };
                }
                // SAFETY: as above.
                Simd::Avx2 => {
                    return unsafe { self.train_epoch_avx2(network, set, order, settings, rng) };
                }
                Simd::Portable => {}
            }
        }
        self.train_epoch_portable(network, set, order, settings, rng)
    }

    /// The same epoch compiled with AVX2: four lanes to a register instead of two. No FMA, so
    /// every multiply and add rounds exactly as in the portable build and the results are
    /// identical.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    pub(crate) fn train_epoch_avx2<R: Rng + ?Sized>(
        &mut self,
        network: &mut Network,
        set: &InputMatrix,
        order: Option<&[usize]>,
        settings: &TrainSettings,
        rng: &mut R,
    ) {
        self.train_epoch_portable(network, set, order, settings, rng)
    }

    /// The same epoch with AVX-512: eight lanes to a register. No FMA either (Rust never fuses a
    /// multiply and an add by itself), so the bits stay the same.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    fn train_epoch_avx512<R: Rng + ?Sized>(
        &mut self,
        network: &mut Network,
        set: &InputMatrix,
        order: Option<&[usize]>,
        settings: &TrainSettings,
        rng: &mut R,
    ) {
        self.train_epoch_portable(network, set, order, settings, rng)
    }

    /// The epoch: examples go through in groups of up to [`MAX_LANES`], one per SIMD lane; a
    /// group never spans an update (all its examples see the same weights, as they would one by
    /// one), and their gradients are added in example order. So every number is what the
    /// one-by-one Playground order gives, bit for bit.
    #[inline(always)]
    pub(crate) fn train_epoch_portable<R: Rng + ?Sized>(
        &mut self,
        network: &mut Network,
        set: &InputMatrix,
        order: Option<&[usize]>,
        settings: &TrainSettings,
        rng: &mut R,
    ) {
        self.fit(network);
        self.load_weights(network);
        let batch = settings.batch_size.max(1);
        let count = order.map_or(set.len(), |o| o.len());
        let mut position = 0;
        while position < count {
            let to_update = batch - position % batch;
            let group = lanes_for(MAX_LANES.min(to_update).min(count - position));
            let rows = position..position + group;
            with_lanes!(group, L => self.train_group::<L, R>(network, set, order, rows, settings, rng));
            position += group;
            if position % batch == 0 {
                self.apply_update(network, settings);
            }
        }
        self.store_weights(network);
    }

    /// Forward and backward passes of the `L` examples at `positions` of the epoch's order.
    #[inline(always)]
    fn train_group<const L: usize, R: Rng + ?Sized>(
        &mut self,
        network: &Network,
        set: &InputMatrix,
        order: Option<&[usize]>,
        positions: std::ops::Range<usize>,
        settings: &TrainSettings,
        rng: &mut R,
    ) {
        let examples = positions.map(|p| order.map_or(p, |o| o[p]));
        gather::<L>(
            examples.clone().map(|k| set.row(k)),
            set.width,
            &mut self.inputs,
        );
        self.draw_dropout::<L, R>(network, settings.dropout, rng);
        self.forward::<L>(network);
        let mut labels = [0.0; L];
        for (label, k) in labels.iter_mut().zip(examples) {
            *label = set.labels[k];
        }
        self.backward::<L>(network, &labels, settings.loss);
    }

    /// Draws the dropout masks of a group of `L` examples, example after example and layer after
    /// layer: the order in which examples one at a time would draw them.
    fn draw_dropout<const L: usize, R: Rng + ?Sized>(
        &mut self,
        network: &Network,
        dropout: f64,
        rng: &mut R,
    ) {
        let hidden = network.layers.len() - 1;
        if dropout <= 0.0 {
            for scratch in &mut self.scratch {
                scratch.mask.clear();
            }
            return;
        }
        let keep = 1.0 - dropout;
        for (scratch, layer) in self.scratch[..hidden].iter_mut().zip(&network.layers) {
            scratch.mask.clear();
            scratch.mask.resize(layer.neurons() * L, 0.0);
        }
        for example in 0..L {
            for scratch in &mut self.scratch[..hidden] {
                for m in scratch.mask.iter_mut().skip(example).step_by(L) {
                    *m = if rng.random::<f64>() < keep {
                        1.0 / keep
                    } else {
                        0.0
                    };
                }
            }
        }
    }

    /// The forward pass of the group of `L` examples in `self.inputs`, keeping what backprop
    /// needs.
    #[inline(always)]
    fn forward<const L: usize>(&mut self, network: &Network) {
        for (l, layer) in network.layers.iter().enumerate() {
            let (before, rest) = self.scratch.split_at_mut(l);
            let LayerScratch {
                totals,
                outputs,
                mask,
                weights,
                ..
            } = &mut rest[0];
            let source: &[f64] = if l == 0 {
                &self.inputs
            } else {
                &before[l - 1].outputs[..layer.inputs() * L]
            };
            forward_layer::<L>(
                weights,
                layer.biases.as_slice().expect("contiguous biases"),
                layer.activation,
                source,
                totals,
                outputs,
            );
            for (o, m) in outputs.iter_mut().zip(mask.iter()) {
                *o *= m;
            }
        }
    }

    /// Backpropagation of the group after [`Self::forward`]: accumulates dE/db and dE/dw,
    /// example after example.
    #[inline(always)]
    fn backward<const L: usize>(&mut self, network: &Network, labels: &[f64; L], loss: Loss) {
        let last = network.layers.len() - 1;
        {
            let out = &mut self.scratch[last];
            let activation = network.layers[last].activation;
            let n = network.layers[last].neurons();
            if n == 1 {
                for (l, &label) in labels.iter().enumerate() {
                    out.input_ders[l] = loss.output_input_derivative(
                        activation,
                        out.outputs[l],
                        out.totals[l],
                        label,
                    );
                }
            } else {
                let (outputs, totals) = (&out.outputs[..n * L], &out.totals[..n * L]);
                for (l, &label) in labels.iter().enumerate() {
                    with_example(outputs, l, L, |outputs| {
                        with_example(totals, l, L, |totals| {
                            across_neurons(&mut out.input_ders[..n * L], l, L, |ders| {
                                loss.output_gradient(activation, outputs, totals, label, ders);
                            })
                        })
                    });
                }
            }
        }
        for l in (0..=last).rev() {
            let layer = &network.layers[l];
            let (n, n_in) = (layer.neurons(), layer.inputs());
            let (before, rest) = self.scratch.split_at_mut(l);
            let scratch = &mut rest[0];
            if l < last {
                // dE/d(total input) = dE/d(output) * activation'(total) (times the dropout mask).
                derive_inputs(layer.activation, scratch, n * L);
            }
            let source: &[f64] = if l == 0 {
                &self.inputs
            } else {
                &before[l - 1].outputs[..n_in * L]
            };
            lanes_to_rows::<L>(&scratch.input_ders[..n * L], &mut scratch.der_rows);
            let grads = &mut self.grads[l];
            accumulate_gradients::<L>(
                &mut grads.biases,
                &mut grads.weights,
                &scratch.der_rows[..n * L],
                source,
            );
            if l > 0 {
                // dE/d(output) of the previous layer: sum over this layer's neurons, in order.
                backward_inputs::<L>(
                    &scratch.weights,
                    &scratch.input_ders[..n * L],
                    &mut before[l - 1].output_ders,
                    n_in,
                );
            }
        }
        self.accumulated += L;
    }
    /// Applies the mean accumulated gradient, then regularisation, then clears the sums.
    #[inline(always)]
    fn apply_update(&mut self, network: &mut Network, settings: &TrainSettings) {
        if self.accumulated == 0 {
            return;
        }
        let n = self.accumulated as f64;
        let lr = settings.learning_rate;
        self.updates += 1;
        let reg = settings.regularization;
        let reg_step = lr * settings.regularization_rate;
        let layers = network.layers.iter_mut().zip(&mut self.scratch);
        for ((layer, scratch), grads) in layers.zip(&mut self.grads) {
            // The weights, their sums and the optimiser's state all in the kernel's order.
            let biases = layer.biases.as_slice_mut().expect("contiguous biases");
            let (weights, dead) = (&mut scratch.weights, &mut scratch.dead);
            match settings.optimizer {
                OptimizerKind::Sgd if reg == Regularization::None => {
                    // No penalty: the same step for every live weight, without branches, so the
                    // compiler vectorises it (a dead weight keeps its value). The sums are
                    // cleared on the way, the hot path's one pass over them.
                    for (b, acc) in biases.iter_mut().zip(&mut grads.biases) {
                        *b -= lr * *acc / n;
                        *acc = 0.0;
                    }
                    let step = lr / n;
                    for ((w, acc), is_dead) in weights.iter_mut().zip(&mut grads.weights).zip(dead)
                    {
                        let moved = *w - step * *acc;
                        *w = if *is_dead { *w } else { moved };
                        *acc = 0.0;
                    }
                    continue;
                }
                OptimizerKind::Sgd => {
                    for (b, acc) in biases.iter_mut().zip(&grads.biases) {
                        *b -= lr * acc / n;
                    }
                    let step = lr / n;
                    for ((w, acc), is_dead) in weights.iter_mut().zip(&grads.weights).zip(dead) {
                        if *is_dead {
                            continue;
                        }
                        let reg_der = reg.derivative(*w);
                        *w -= step * acc;
                        regularize(w, is_dead, reg, reg_step, reg_der);
                    }
                }
                OptimizerKind::Momentum => {
                    let mu = settings.momentum;
                    ensure_len(&mut grads.velocity_b, biases.len());
                    ensure_len(&mut grads.velocity_w, weights.len());
                    for ((b, acc), v) in biases
                        .iter_mut()
                        .zip(&grads.biases)
                        .zip(&mut grads.velocity_b)
                    {
                        *v = mu * *v + acc / n;
                        *b -= lr * *v;
                    }
                    for (((w, acc), v), is_dead) in weights
                        .iter_mut()
                        .zip(&grads.weights)
                        .zip(&mut grads.velocity_w)
                        .zip(dead)
                    {
                        if *is_dead {
                            continue;
                        }
                        let reg_der = reg.derivative(*w);
                        *v = mu * *v + acc / n;
                        *w -= lr * *v;
                        regularize(w, is_dead, reg, reg_step, reg_der);
                    }
                }
                OptimizerKind::Adam => {
                    let t = self.updates as i32;
                    let c1 = 1.0 - crate::math::powi(ADAM_BETA1, t);
                    let c2 = 1.0 - crate::math::powi(ADAM_BETA2, t);
                    ensure_len(&mut grads.velocity_b, biases.len());
                    ensure_len(&mut grads.second_b, biases.len());
                    ensure_len(&mut grads.velocity_w, weights.len());
                    ensure_len(&mut grads.second_w, weights.len());
                    for (((b, acc), m), v) in biases
                        .iter_mut()
                        .zip(&grads.biases)
                        .zip(&mut grads.velocity_b)
                        .zip(&mut grads.second_b)
                    {
                        *b -= adam_step(acc / n, m, v, lr, c1, c2);
                    }
                    for ((((w, acc), m), v), is_dead) in weights
                        .iter_mut()
                        .zip(&grads.weights)
                        .zip(&mut grads.velocity_w)
                        .zip(&mut grads.second_w)
                        .zip(dead)
                    {
                        if *is_dead {
                            continue;
                        }
                        let reg_der = reg.derivative(*w);
                        *w -= adam_step(acc / n, m, v, lr, c1, c2);
                        regularize(w, is_dead, reg, reg_step, reg_der);
                    }
                }
            }
            grads.biases.fill(0.0);
            grads.weights.fill(0.0);
        }
        self.accumulated = 0;
    }

    /// Loss (mean over the set, regularisation excluded) and accuracy.
    pub fn evaluate(&mut self, network: &Network, set: &InputMatrix, loss: Loss) -> SetMetrics {
        #[cfg(target_arch = "x86_64")]
        #[allow(unsafe_code)]
        {
            match simd() {
                // SAFETY: `simd` only answers what the CPU has.
                Simd::Avx512 => return unsafe { self.evaluate_avx512(network, set, loss) },
                // SAFETY: as above.
                Simd::Avx2 => return unsafe { self.evaluate_avx2(network, set, loss) },
                Simd::Portable => {}
            }
        }
        self.evaluate_portable(network, set, loss)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    fn evaluate_avx512(&mut self, network: &Network, set: &InputMatrix, loss: Loss) -> SetMetrics {
        self.evaluate_portable(network, set, loss)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn evaluate_avx2(&mut self, network: &Network, set: &InputMatrix, loss: Loss) -> SetMetrics {
        self.evaluate_portable(network, set, loss)
    }

    #[inline(always)]
    pub(crate) fn evaluate_portable(
        &mut self,
        network: &Network,
        set: &InputMatrix,
        loss: Loss,
    ) -> SetMetrics {
        self.fit(network);
        self.load_weights(network);
        for scratch in &mut self.scratch {
            scratch.mask.clear();
        }
        let last = network.layers.len() - 1;
        let mut total_loss = 0.0;
        let mut correct = 0usize;
        let mut start = 0;
        while start < set.len() {
            let group = lanes_for(set.len() - start);
            with_lanes!(group, L => self.evaluate_group::<L>(network, set, start, loss, &mut total_loss, &mut correct));
            start += group;
        }
        let n = set.len().max(1) as f64;
        let is_classification = network.layers[last].activation != Activation::Linear;
        SetMetrics {
            loss: total_loss / n,
            accuracy: is_classification.then_some(correct as f64 / n),
        }
    }

    /// Adds the loss of examples `start..start + L` to `total_loss` (in order) and counts the
    /// correctly classified ones.
    #[inline(always)]
    fn evaluate_group<const L: usize>(
        &mut self,
        network: &Network,
        set: &InputMatrix,
        start: usize,
        loss: Loss,
        total_loss: &mut f64,
        correct: &mut usize,
    ) {
        gather::<L>(
            (start..start + L).map(|k| set.row(k)),
            set.width,
            &mut self.inputs,
        );
        self.forward::<L>(network);
        let last = network.layers.len() - 1;
        let threshold = decision_threshold(network.layers[last].activation);
        let out = &self.scratch[last];
        let n = network.layers[last].neurons();
        for l in 0..L {
            let label = set.labels[start + l];
            if n == 1 {
                let (output, total) = (out.outputs[l], out.totals[l]);
                *total_loss += loss.value(output, total, label);
                let predicted = if output > threshold { 1.0 } else { -1.0 };
                if predicted == label {
                    *correct += 1;
                }
            } else {
                let (outputs, totals) = (&out.outputs[..n * L], &out.totals[..n * L]);
                let (example_loss, class) = with_example(outputs, l, L, |outputs| {
                    with_example(totals, l, L, |totals| {
                        (
                            loss.value_of(outputs, totals, label),
                            predicted_class(outputs),
                        )
                    })
                });
                *total_loss += example_loss;
                if class == class_index(label, n) {
                    *correct += 1;
                }
            }
        }
    }
}

/// The vector instructions training uses.
#[cfg(target_arch = "x86_64")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Simd {
    Portable,
    Avx2,
    Avx512,
}

/// The widest vector instructions of this CPU that training uses. `NEURAL_SANDBOX_SIMD=avx2`
/// (or `portable`) caps it, to measure what computers without AVX-512 get; the results are the
/// same bits either way.
#[cfg(target_arch = "x86_64")]
pub fn simd() -> Simd {
    static SIMD: std::sync::OnceLock<Simd> = std::sync::OnceLock::new();
    *SIMD.get_or_init(|| {
        let cap = match std::env::var("NEURAL_SANDBOX_SIMD").as_deref() {
            Ok("portable") => Simd::Portable,
            Ok("avx2") => Simd::Avx2,
            _ => Simd::Avx512,
        };
        let available = if std::arch::is_x86_feature_detected!("avx512f") {
            Simd::Avx512
        } else if std::arch::is_x86_feature_detected!("avx2") {
            Simd::Avx2
        } else {
            Simd::Portable
        };
        available.min(cap)
    })
}

/// The class with the highest output (the first of equals; NaN never wins).
#[inline]
pub fn predicted_class(outputs: &[f64]) -> usize {
    let mut best = 0;
    for (k, &v) in outputs.iter().enumerate() {
        if v > outputs[best] || outputs[best].is_nan() {
            best = k;
        }
    }
    best
}

/// The output above which a point is classed +1: 0 for tanh outputs, 0.5 for sigmoid.
pub fn decision_threshold(output_activation: Activation) -> f64 {
    if output_activation == Activation::Sigmoid {
        0.5
    } else {
        0.0
    }
}

/// dE/d(total input) = dE/d(output) * activation'(total), for every neuron and example; with
/// dropout, times the mask (the activation's value recovered as output / mask, as one example
/// at a time computes it).
#[inline(always)]
fn derive_inputs(activation: Activation, scratch: &mut LayerScratch, count: usize) {
    let LayerScratch {
        totals,
        outputs,
        output_ders,
        input_ders,
        mask,
        ..
    } = scratch;
    let (totals, outputs) = (&totals[..count], &outputs[..count]);
    let (output_ders, input_ders) = (&output_ders[..count], &mut input_ders[..count]);
    if !mask.is_empty() {
        for k in 0..count {
            let m = mask[k];
            let activated = if m > 0.0 { outputs[k] / m } else { 0.0 };
            input_ders[k] = output_ders[k] * m * activation.derivative(totals[k], activated);
        }
        return;
    }
    match activation {
        Activation::Tanh => {
            for ((d, &od), &o) in input_ders
                .iter_mut()
                .zip(output_ders.iter())
                .zip(outputs.iter())
            {
                *d = od * (1.0 - o * o);
            }
        }
        _ => {
            for (((d, &od), &o), &t) in input_ders
                .iter_mut()
                .zip(output_ders.iter())
                .zip(outputs.iter())
                .zip(totals.iter())
            {
                *d = od * activation.derivative(t, o);
            }
        }
    }
}

/// The Playground's second step: `w -= lr * rate * R'(w_old)`; with L1, a weight that would cross
/// zero becomes 0 and its link dead.
#[inline]
fn regularize(w: &mut f64, dead: &mut bool, reg: Regularization, reg_step: f64, reg_der: f64) {
    if reg == Regularization::None {
        return;
    }
    let new_w = *w - reg_step * reg_der;
    if reg == Regularization::L1 && *w * new_w < 0.0 {
        *w = 0.0;
        *dead = true;
    } else {
        *w = new_w;
    }
}

/// One Adam step of a parameter with gradient `g` (`c1`, `c2`: the bias corrections of this step).
#[inline]
pub(crate) fn adam_step(g: f64, m: &mut f64, v: &mut f64, lr: f64, c1: f64, c2: f64) -> f64 {
    *m = ADAM_BETA1 * *m + (1.0 - ADAM_BETA1) * g;
    *v = ADAM_BETA2 * *v + (1.0 - ADAM_BETA2) * g * g;
    lr * (*m / c1) / ((*v / c2).sqrt() + ADAM_EPSILON)
}

fn ensure_len(v: &mut Vec<f64>, len: usize) {
    if v.len() != len {
        v.clear();
        v.resize(len, 0.0);
    }
}

/// The analytic gradient of the mean loss over `examples` (no regularisation), for gradient
/// checks and tools: per layer, (dE/dW flattened like `weights`, dE/db).
pub fn mean_gradient(
    network: &Network,
    set: &InputMatrix,
    loss: Loss,
) -> Vec<(Vec<f64>, Vec<f64>)> {
    let mut trainer = Trainer::new(network);
    trainer.load_weights(network);
    let mut start = 0;
    while start < set.len() {
        let group = lanes_for(set.len() - start);
        with_lanes!(group, L => {
            let labels: &[f64; L] = set.labels[start..start + L].try_into().expect("L labels");
            gather::<L>(
                (start..start + L).map(|k| set.row(k)),
                set.width,
                &mut trainer.inputs,
            );
            trainer.forward::<L>(network);
            trainer.backward::<L>(network, labels, loss);
        });
        start += group;
    }
    let n = set.len().max(1) as f64;
    trainer
        .grads
        .iter()
        .zip(&network.layers)
        .map(|(g, layer)| {
            // The sums are input-major; the caller gets them in the weights' order.
            let (n_out, n_in) = layer.weights.dim();
            let mut weights = vec![0.0; g.weights.len()];
            transpose(&g.weights, n_in, n_out, &mut weights);
            (
                weights.iter().map(|x| x / n).collect(),
                g.biases.iter().map(|x| x / n).collect(),
            )
        })
        .collect()
}
