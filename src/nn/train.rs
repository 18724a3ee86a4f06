//! Training: backpropagation with accumulated gradients, mini-batch updates with leftover
//! carry-over, the optimisers, regularisation with the L1 dead-link rule, dropout, and loss and
//! accuracy over a set.
//!
//! In classic mode (SGD, square loss, no dropout, no reshuffle) every operation is the Playground's
//! `nn.ts` and `oneStep`, in the same order, so losses agree with it to rounding.

use rand::{Rng, RngExt};

use super::functions::{Activation, Loss, OptimizerKind, Regularization, class_index};
use super::kernel::{InputMajor, forward_layer};
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

/// Per-layer scratch buffers for one forward and backward pass.
#[derive(Debug, Clone, Default)]
struct LayerScratch {
    totals: Vec<f64>,
    outputs: Vec<f64>,
    output_ders: Vec<f64>,
    input_ders: Vec<f64>,
    /// Dropout scale per neuron (0 or 1/(1-p)); empty when dropout is off.
    mask: Vec<f64>,
    /// The layer's weights in the forward kernel's layout; rebuilt from the network whenever the
    /// weights change.
    weights: InputMajor,
}

impl LayerScratch {
    #[inline(always)]
    fn forward(&mut self, biases: &[f64], activation: Activation, input: &[f64]) {
        forward_layer(
            &self.weights,
            biases,
            activation,
            input,
            &mut self.totals,
            &mut self.outputs,
        );
    }
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
                totals: vec![0.0; l.neurons()],
                outputs: vec![0.0; l.neurons()],
                output_ders: vec![0.0; l.neurons()],
                input_ders: vec![0.0; l.neurons()],
                mask: Vec::new(),
                weights: InputMajor::default(),
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

    /// Copies the network's current weights into the forward-pass layout.
    fn load_weights(&mut self, network: &Network) {
        for (scratch, layer) in self.scratch.iter_mut().zip(&network.layers) {
            scratch.weights.load(layer);
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
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            return unsafe { self.train_epoch_avx2(network, set, order, settings, rng) };
        }
        self.train_epoch_portable(network, set, order, settings, rng)
    }

    /// The same epoch compiled with AVX2: four lanes instead of two. No FMA, so every
    /// multiply and add rounds exactly as in the portable build and the results are identical.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn train_epoch_avx2<R: Rng + ?Sized>(
        &mut self,
        network: &mut Network,
        set: &InputMatrix,
        order: Option<&[usize]>,
        settings: &TrainSettings,
        rng: &mut R,
    ) {
        self.train_epoch_portable(network, set, order, settings, rng)
    }

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
        for position in 0..count {
            let k = order.map_or(position, |o| o[position]);
            self.forward(network, set.row(k), settings.dropout, rng);
            self.backward(network, set.row(k), set.labels[k], settings.loss);
            if (position + 1) % batch == 0 {
                self.apply_update(network, settings);
                self.load_weights(network);
            }
        }
    }

    /// The forward pass of one example, keeping what backprop needs.
    #[inline(always)]
    fn forward<R: Rng + ?Sized>(
        &mut self,
        network: &Network,
        input: &[f64],
        dropout: f64,
        rng: &mut R,
    ) {
        let hidden = network.layers.len() - 1;
        for (l, layer) in network.layers.iter().enumerate() {
            let (before, rest) = self.scratch.split_at_mut(l);
            let scratch = &mut rest[0];
            let source = if l == 0 {
                input
            } else {
                &before[l - 1].outputs
            };
            let biases = layer.biases.as_slice().expect("contiguous biases");
            scratch.forward(biases, layer.activation, source);
            if dropout > 0.0 && l < hidden {
                let keep = 1.0 - dropout;
                scratch.mask.clear();
                scratch.mask.extend((0..layer.neurons()).map(|_| {
                    if rng.random::<f64>() < keep {
                        1.0 / keep
                    } else {
                        0.0
                    }
                }));
                for (o, m) in scratch.outputs.iter_mut().zip(&scratch.mask) {
                    *o *= m;
                }
            } else {
                scratch.mask.clear();
            }
        }
    }

    /// Backpropagation of one example after [`Self::forward`]: accumulates dE/db and dE/dw.
    #[inline(always)]
    fn backward(&mut self, network: &Network, input: &[f64], label: f64, loss: Loss) {
        let last = network.layers.len() - 1;
        {
            let out = &mut self.scratch[last];
            let activation = network.layers[last].activation;
            if out.input_ders.len() == 1 {
                out.input_ders[0] =
                    loss.output_input_derivative(activation, out.outputs[0], out.totals[0], label);
            } else {
                loss.output_gradient(
                    activation,
                    &out.outputs,
                    &out.totals,
                    label,
                    &mut out.input_ders,
                );
            }
        }
        for l in (0..=last).rev() {
            let layer = &network.layers[l];
            let (before, rest) = self.scratch.split_at_mut(l);
            let scratch = &mut rest[0];
            if l < last {
                // dE/d(total input) = dE/d(output) * activation'(total) (times the dropout mask).
                let activation = layer.activation;
                if scratch.mask.is_empty() {
                    derive_inputs(activation, scratch);
                } else {
                    for j in 0..scratch.totals.len() {
                        let m = scratch.mask[j];
                        let activated = if m > 0.0 { scratch.outputs[j] / m } else { 0.0 };
                        scratch.input_ders[j] = scratch.output_ders[j]
                            * m
                            * activation.derivative(scratch.totals[j], activated);
                    }
                }
            }
            let source: &[f64] = if l == 0 {
                input
            } else {
                &before[l - 1].outputs
            };
            let grads = &mut self.grads[l];
            for (acc, &d) in grads.biases.iter_mut().zip(&scratch.input_ders) {
                *acc += d;
            }
            let n_in = source.len();
            for (row, &d) in grads
                .weights
                .chunks_exact_mut(n_in)
                .zip(&scratch.input_ders)
            {
                for (acc, &a) in row.iter_mut().zip(source) {
                    *acc += d * a;
                }
            }
            if l > 0 {
                // dE/d(output) of the previous layer: sum over this layer's neurons, in order.
                let prev = &mut before[l - 1];
                prev.output_ders.fill(0.0);
                let weights = layer.weights.as_slice().expect("contiguous weights");
                for (row, &d) in weights.chunks_exact(n_in).zip(&scratch.input_ders) {
                    for (od, &w) in prev.output_ders.iter_mut().zip(row) {
                        *od += w * d;
                    }
                }
            }
        }
        self.accumulated += 1;
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
                    let c1 = 1.0 - ADAM_BETA1.powi(t);
                    let c2 = 1.0 - ADAM_BETA2.powi(t);
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
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            return unsafe { self.evaluate_avx2(network, set, loss) };
        }
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
        let last = network.layers.len() - 1;
        let threshold = decision_threshold(network.layers[last].activation);
        let mut total_loss = 0.0;
        let mut correct = 0usize;
        for k in 0..set.len() {
            let input = set.row(k);
            for (l, layer) in network.layers.iter().enumerate() {
                let (before, rest) = self.scratch.split_at_mut(l);
                let scratch = &mut rest[0];
                let source = if l == 0 {
                    input
                } else {
                    &before[l - 1].outputs
                };
                let biases = layer.biases.as_slice().expect("contiguous biases");
                scratch.forward(biases, layer.activation, source);
            }
            let out = &self.scratch[last];
            let label = set.labels[k];
            if out.outputs.len() == 1 {
                let (output, total) = (out.outputs[0], out.totals[0]);
                total_loss += loss.value(output, total, label);
                let predicted = if output > threshold { 1.0 } else { -1.0 };
                if predicted == label {
                    correct += 1;
                }
            } else {
                total_loss += loss.value_of(&out.outputs, &out.totals, label);
                if predicted_class(&out.outputs) == class_index(label, out.outputs.len()) {
                    correct += 1;
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

#[inline(always)]
fn derive_inputs(activation: Activation, scratch: &mut LayerScratch) {
    let LayerScratch {
        totals,
        outputs,
        output_ders,
        input_ders,
        ..
    } = scratch;
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
    // Dropout is off here, so the generator is never drawn from.
    let mut no_rng = crate::data::seeded_rng(0, 0);
    for k in 0..set.len() {
        trainer.forward(network, set.row(k), 0.0, &mut no_rng);
        trainer.backward(network, set.row(k), set.labels[k], loss);
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
