//! Training: backpropagation with accumulated gradients, mini-batch updates with leftover
//! carry-over, the optimisers, regularisation with the L1 dead-link rule, dropout, and loss and
//! accuracy over a set.
//!
//! In classic mode (SGD, square loss, no dropout, no reshuffle) every operation is the Playground's
//! `nn.ts` and `oneStep`, in the same order, so losses agree with it to rounding.

use rand::{Rng, RngExt};

use super::functions::{Activation, Loss, OptimizerKind, Regularization, class_index};
use super::kernel::{
    EXAMPLES, InputMajor, OutputMajor, accumulate_gradients, backward_inputs, forward_layer, gather,
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

/// Per-layer scratch buffers for the forward and backward pass of a group of examples: each
/// holds the layer's values for every example of the group, example after example
/// (`values[l * neurons + j]`).
#[derive(Debug, Clone, Default)]
struct LayerScratch {
    totals: Vec<f64>,
    outputs: Vec<f64>,
    output_ders: Vec<f64>,
    input_ders: Vec<f64>,
    /// Dropout scale per neuron and example (0 or 1/(1-p)); empty when dropout is off.
    mask: Vec<f64>,
    /// The layer's weights in the forward kernel's layout; rebuilt whenever they change.
    weights: InputMajor,
    /// The same weights in the backward kernel's layout.
    backward_weights: OutputMajor,
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
    /// The inputs of the current group of examples, example after example.
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
                totals: vec![0.0; EXAMPLES * l.neurons()],
                outputs: vec![0.0; EXAMPLES * l.neurons()],
                output_ders: vec![0.0; EXAMPLES * l.neurons()],
                input_ders: vec![0.0; EXAMPLES * l.neurons()],
                mask: Vec::new(),
                weights: InputMajor::default(),
                backward_weights: OutputMajor::default(),
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

    /// Copies the network's current weights into the forward kernel's layout.
    fn load_weights(&mut self, network: &Network) {
        for (scratch, layer) in self.scratch.iter_mut().zip(&network.layers) {
            scratch.weights.load(layer);
        }
        // The first layer's errors are never passed further back.
        for (scratch, layer) in self.scratch.iter_mut().zip(&network.layers).skip(1) {
            scratch.backward_weights.load(layer);
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
            if wide_enough_for_avx512(network) && std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU has AVX-512F, checked just above.
                return unsafe { self.train_epoch_avx512(network, set, order, settings, rng) };
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2, checked just above.
                return unsafe { self.train_epoch_avx2(network, set, order, settings, rng) };
            }
        }
        self.train_epoch_portable(network, set, order, settings, rng)
    }

    /// The same epoch compiled with AVX2: four lanes instead of two. No FMA, so every
    /// multiply and add rounds exactly as in the portable build and the results are identical.
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

    /// The same epoch with AVX-512: a block of eight neurons' sums in one register. No FMA
    /// either (Rust never fuses a multiply and an add by itself), so the bits stay the same.
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

    /// The epoch: examples go through in groups of up to [`EXAMPLES`], one per lane; a group
    /// never spans an update (all its examples see the same weights, as they would one by one),
    /// and their gradients are added in example order. So every number is what the one-by-one
    /// Playground order gives, bit for bit.
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
            let group = EXAMPLES.min(to_update).min(count - position);
            let rows = (position..position + group).map(|p| order.map_or(p, |o| o[p]));
            gather(
                rows.clone().map(|k| set.row(k)),
                set.width,
                &mut self.inputs,
            );
            self.draw_dropout(network, settings.dropout, group, rng);
            self.forward(network);
            let mut labels = [0.0; EXAMPLES];
            for (label, k) in labels.iter_mut().zip(rows) {
                *label = set.labels[k];
            }
            self.backward(network, &labels[..group], settings.loss);
            position += group;
            if position % batch == 0 {
                self.apply_update(network, settings);
                self.load_weights(network);
            }
        }
    }

    /// Draws the dropout masks of a group of examples, example after example and layer after
    /// layer: the order in which examples one at a time would draw them.
    fn draw_dropout<R: Rng + ?Sized>(
        &mut self,
        network: &Network,
        dropout: f64,
        group: usize,
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
        for scratch in &mut self.scratch[..hidden] {
            scratch.mask.clear();
            scratch.mask.resize(scratch.totals.len(), 0.0);
        }
        for example in 0..group {
            for scratch in &mut self.scratch[..hidden] {
                let n = scratch.totals.len() / EXAMPLES;
                for m in &mut scratch.mask[example * n..(example + 1) * n] {
                    *m = if rng.random::<f64>() < keep {
                        1.0 / keep
                    } else {
                        0.0
                    };
                }
            }
        }
    }

    /// The forward pass of the group in `self.inputs`, keeping what backprop needs.
    #[inline(always)]
    fn forward(&mut self, network: &Network) {
        for (l, layer) in network.layers.iter().enumerate() {
            let (before, rest) = self.scratch.split_at_mut(l);
            let scratch = &mut rest[0];
            let source: &[f64] = if l == 0 {
                &self.inputs
            } else {
                &before[l - 1].outputs
            };
            let biases = layer.biases.as_slice().expect("contiguous biases");
            forward_layer(
                &scratch.weights,
                biases,
                layer.activation,
                source,
                &mut scratch.totals,
                &mut scratch.outputs,
            );
            for (o, m) in scratch.outputs.iter_mut().zip(&scratch.mask) {
                *o *= m;
            }
        }
    }

    /// Backpropagation of the first `labels.len()` examples of the group after
    /// [`Self::forward`]: accumulates dE/db and dE/dw, example after example.
    #[inline(always)]
    fn backward(&mut self, network: &Network, labels: &[f64], loss: Loss) {
        let last = network.layers.len() - 1;
        let group = labels.len();
        {
            let out = &mut self.scratch[last];
            let activation = network.layers[last].activation;
            let n = out.outputs.len() / EXAMPLES;
            for (example, &label) in labels.iter().enumerate() {
                let row = example * n..(example + 1) * n;
                if n == 1 {
                    let k = example;
                    out.input_ders[k] = loss.output_input_derivative(
                        activation,
                        out.outputs[k],
                        out.totals[k],
                        label,
                    );
                } else {
                    loss.output_gradient(
                        activation,
                        &out.outputs[row.clone()],
                        &out.totals[row.clone()],
                        label,
                        &mut out.input_ders[row],
                    );
                }
            }
        }
        for l in (0..=last).rev() {
            let layer = &network.layers[l];
            let (before, rest) = self.scratch.split_at_mut(l);
            let scratch = &mut rest[0];
            if l < last {
                // dE/d(total input) = dE/d(output) * activation'(total) (times the dropout mask).
                derive_inputs(layer.activation, scratch);
            }
            let source: &[f64] = if l == 0 {
                &self.inputs
            } else {
                &before[l - 1].outputs
            };
            let grads = &mut self.grads[l];
            let n_in = source.len() / EXAMPLES;
            for (j, (acc_b, acc_row)) in grads
                .biases
                .iter_mut()
                .zip(grads.weights.chunks_exact_mut(n_in))
                .enumerate()
            {
                accumulate_gradients(acc_b, acc_row, &scratch.input_ders, source, j, group);
            }
            if l > 0 {
                // dE/d(output) of the previous layer: sum over this layer's neurons, in order.
                backward_inputs(
                    &scratch.backward_weights,
                    &scratch.input_ders,
                    &mut before[l - 1].output_ders,
                );
            }
        }
        self.accumulated += group;
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
        for (layer, grads) in network.layers.iter_mut().zip(&mut self.grads) {
            let biases = layer.biases.as_slice_mut().expect("contiguous biases");
            let weights = layer.weights.as_slice_mut().expect("contiguous weights");
            let dead = layer.dead.as_slice_mut().expect("contiguous dead marks");
            match settings.optimizer {
                OptimizerKind::Sgd if reg == Regularization::None => {
                    // No penalty: the same step for every live weight, without branches, so the
                    // compiler vectorises it (a dead weight keeps its value).
                    for (b, acc) in biases.iter_mut().zip(&grads.biases) {
                        *b -= lr * acc / n;
                    }
                    let step = lr / n;
                    for ((w, acc), is_dead) in weights.iter_mut().zip(&grads.weights).zip(dead) {
                        let moved = *w - step * acc;
                        *w = if *is_dead { *w } else { moved };
                    }
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
            if wide_enough_for_avx512(network) && std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU has AVX-512F, checked just above.
                return unsafe { self.evaluate_avx512(network, set, loss) };
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2, checked just above.
                return unsafe { self.evaluate_avx2(network, set, loss) };
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
        let threshold = decision_threshold(network.layers[last].activation);
        let mut total_loss = 0.0;
        let mut correct = 0usize;
        for start in (0..set.len()).step_by(EXAMPLES) {
            let group = EXAMPLES.min(set.len() - start);
            gather(
                (start..start + group).map(|k| set.row(k)),
                set.width,
                &mut self.inputs,
            );
            self.forward(network);
            let out = &self.scratch[last];
            let n = out.outputs.len() / EXAMPLES;
            for example in 0..group {
                let label = set.labels[start + example];
                if n == 1 {
                    let (output, total) = (out.outputs[example], out.totals[example]);
                    total_loss += loss.value(output, total, label);
                    let predicted = if output > threshold { 1.0 } else { -1.0 };
                    if predicted == label {
                        correct += 1;
                    }
                } else {
                    let row = example * n..(example + 1) * n;
                    let outputs = &out.outputs[row.clone()];
                    total_loss += loss.value_of(outputs, &out.totals[row], label);
                    if predicted_class(outputs) == class_index(label, n) {
                        correct += 1;
                    }
                }
            }
        }
        let n = set.len().max(1) as f64;
        let is_classification = network.layers[last].activation != Activation::Linear;
        SetMetrics {
            loss: total_loss / n,
            accuracy: is_classification.then_some(correct as f64 / n),
        }
    }
}

/// The class with the highest output (the first of equals; NaN never wins).
#[inline]
/// AVX-512 pays on networks with a layer of eight neurons or more (a whole block of sums in
/// one register): measured 14% faster on the 6x8 spiral, but 16% slower than AVX2 on the
/// Playground's small 4-2 default, whose half blocks it handles worse.
#[cfg(target_arch = "x86_64")]
fn wide_enough_for_avx512(network: &Network) -> bool {
    network.layers.iter().any(|layer| layer.biases.len() >= 8)
}

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
fn derive_inputs(activation: Activation, scratch: &mut LayerScratch) {
    let LayerScratch {
        totals,
        outputs,
        output_ders,
        input_ders,
        mask,
        ..
    } = scratch;
    if !mask.is_empty() {
        for k in 0..totals.len() {
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
    for start in (0..set.len()).step_by(EXAMPLES) {
        let group = EXAMPLES.min(set.len() - start);
        gather(
            (start..start + group).map(|k| set.row(k)),
            set.width,
            &mut trainer.inputs,
        );
        trainer.forward(network);
        trainer.backward(network, &set.labels[start..start + group], loss);
    }
    let n = set.len().max(1) as f64;
    trainer
        .grads
        .iter()
        .map(|g| {
            (
                g.weights.iter().map(|x| x / n).collect(),
                g.biases.iter().map(|x| x / n).collect(),
            )
        })
        .collect()
}
