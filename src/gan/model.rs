//! The GAN: two networks, their optimisers, the pools they train on, and the epoch loop.

use rand::Rng;
use serde::Serialize;

use super::metrics;
use super::sampling::{self, Feed};
use super::{GRID, GanLoss, GanSettings, MANIFOLD_CELLS, POOL_SIZE, SHOWN_REAL};
use crate::data::{CoreRng, Feature, seeded_rng};
use crate::experiment::ConfigErrors;
use crate::experiment::history::{AtEpoch, History};
use crate::nn::{
    Activation, GradientOf, Gradients, Layer, Network, Optimizer, backward_batch, backward_from,
    forward_batch,
};

/// Streams of the GAN's seed (see `data::seeded_rng`).
mod streams {
    pub const REAL: u64 = 101;
    pub const NOISE: u64 = 102;
    pub const GENERATOR: u64 = 103;
    pub const DISCRIMINATOR: u64 = 104;
    pub const PRECISE: u64 = 105;
    pub const FLOOR: u64 = 106;
}

/// Real points against fake points in the precise measure of divergence.
pub const PRECISE_REAL: usize = 4_500;
pub const PRECISE_FAKE: usize = 3_000;

/// The losses and divergences after an epoch (epoch 0: before any training).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EpochRecord {
    pub epoch: u64,
    /// The discriminator's loss of its last step, halved as GAN Lab shows it.
    pub d_loss: f64,
    /// The generator's loss of its last step.
    pub g_loss: f64,
    /// GAN Lab's measure: 450 real against the 150 fake points on screen.
    pub kl: f64,
    pub js: f64,
    /// 4,500 real against 3,000 fake points on the same grid.
    pub js_precise: f64,
}

impl AtEpoch for EpochRecord {
    fn epoch(&self) -> u64 {
        self.epoch
    }
}

/// Which network a manual step trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    Discriminator,
    Generator,
    /// A whole epoch: k_D discriminator steps, then k_G generator steps.
    Both,
}

/// A GAN run.
#[derive(Debug, Clone)]
pub struct Gan {
    settings: GanSettings,
    pub generator: Network,
    pub discriminator: Network,
    optimizer_g: Optimizer,
    optimizer_d: Optimizer,
    real: Feed,
    noise: Feed,
    /// The real points drawn on screen and counted by GAN Lab's measure.
    shown_real: Vec<f64>,
    /// The noise of the fake points drawn on screen (fixed, so they move smoothly).
    fixed_noise: Vec<f64>,
    precise_noise: Vec<f64>,
    shown_real_density: Vec<f64>,
    precise_real_density: Vec<f64>,
    epoch: u64,
    d_loss: f64,
    g_loss: f64,
    history: History<EpochRecord>,
    /// JS between two samples of the real distribution itself (GAN Lab's sizes, then precise).
    noise_floor: (f64, f64),
}

/// A dense ReLU stack with GAN Lab's initialisation: first layer N(0, 1/sqrt 2), later layers
/// N(0, 1/sqrt(n_in)), biases 0.
fn gan_network(
    inputs: usize,
    neurons: usize,
    relu_layers: usize,
    outputs: usize,
    output: Activation,
    rng: &mut CoreRng,
) -> Network {
    let features = [Feature::X1, Feature::X2][..inputs].to_vec();
    let mut layers = Vec::new();
    let mut fan_in = inputs;
    for k in 0..=relu_layers {
        let scale = if k == 0 {
            1.0 / 2f64.sqrt()
        } else {
            1.0 / (fan_in as f64).sqrt()
        };
        layers.push(normal_layer(fan_in, neurons, Activation::Relu, scale, rng));
        fan_in = neurons;
    }
    layers.push(normal_layer(
        fan_in,
        outputs,
        output,
        1.0 / (fan_in as f64).sqrt(),
        rng,
    ));
    Network { features, layers }
}

fn normal_layer<R: Rng + ?Sized>(
    inputs: usize,
    neurons: usize,
    activation: Activation,
    deviation: f64,
    rng: &mut R,
) -> Layer {
    // Drawn input by input, as TensorFlow fills a [in, out] matrix.
    let mut weights = ndarray::Array2::zeros((neurons, inputs));
    for i in 0..inputs {
        for j in 0..neurons {
            weights[[j, i]] = deviation * sampling::normal(rng);
        }
    }
    Layer::new(activation, weights, ndarray::Array1::zeros(neurons))
}

/// log(1 + e^x), never overflowing.
fn softplus(x: f64) -> f64 {
    x.max(0.0) + crate::math::ln_1p(crate::math::exp(-x.abs()))
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + crate::math::exp(-x))
}

/// Where a GAN's samples come from: its own pools, or given rows (an exact replay).
pub struct Sources {
    /// Real points (x, y), handed out in order, wrapping.
    pub real: Option<Vec<f64>>,
    /// Noise vectors, handed out in order, wrapping.
    pub noise: Option<Vec<f64>>,
}

impl Gan {
    /// A new run: fresh pools and weights from the settings' seed.
    pub fn new(settings: GanSettings) -> Result<Self, ConfigErrors> {
        Self::with_sources(
            settings,
            Sources {
                real: None,
                noise: None,
            },
        )
    }

    /// A new run whose training samples come from `sources` where given (in file order,
    /// wrapping): no other randomness touches training.
    pub fn with_sources(settings: GanSettings, sources: Sources) -> Result<Self, ConfigErrors> {
        settings.validate()?;
        let s = &settings;
        let dims = s.noise_dims;
        let mut real_rng = seeded_rng(s.seed, streams::REAL);
        let pool = sampling::real_points(s.distribution, &s.drawing, POOL_SIZE, &mut real_rng);
        let shown_real = pool[..SHOWN_REAL * 2].to_vec();
        let real = Feed::new(sources.real.unwrap_or(pool), 2);
        let mut noise_rng = seeded_rng(s.seed, streams::NOISE);
        let noise_pool = sampling::noise(s.noise, dims, POOL_SIZE, &mut noise_rng);
        let noise = Feed::new(sources.noise.unwrap_or(noise_pool.clone()), dims);
        let fixed_noise = noise_pool[..s.batch_size * dims].to_vec();
        let mut precise_rng = seeded_rng(s.seed, streams::PRECISE);
        let precise_real =
            sampling::real_points(s.distribution, &s.drawing, PRECISE_REAL, &mut precise_rng);
        let precise_noise = sampling::noise(s.noise, dims, PRECISE_FAKE, &mut precise_rng);
        let mut floor_rng = seeded_rng(s.seed, streams::FLOOR);
        let noise_floor = (
            metrics::noise_floor(
                s.distribution,
                &s.drawing,
                SHOWN_REAL,
                s.batch_size,
                20,
                &mut floor_rng,
            ),
            metrics::noise_floor(
                s.distribution,
                &s.drawing,
                PRECISE_REAL,
                PRECISE_FAKE,
                3,
                &mut floor_rng,
            ),
        );
        let generator = gan_network(
            dims,
            s.g_neurons,
            s.g_layers,
            2,
            Activation::Tanh,
            &mut seeded_rng(s.seed, streams::GENERATOR),
        );
        let discriminator = gan_network(
            2,
            s.d_neurons,
            s.d_layers,
            1,
            Activation::Sigmoid,
            &mut seeded_rng(s.seed, streams::DISCRIMINATOR),
        );
        let mut gan = Self {
            optimizer_g: Optimizer::new(s.optimizer_g),
            optimizer_d: Optimizer::new(s.optimizer_d),
            shown_real_density: metrics::densities(&shown_real),
            precise_real_density: metrics::densities(&precise_real),
            shown_real,
            fixed_noise,
            precise_noise,
            real,
            noise,
            generator,
            discriminator,
            epoch: 0,
            d_loss: f64::NAN,
            g_loss: f64::NAN,
            history: History::default(),
            noise_floor,
            settings,
        };
        gan.d_loss = gan.evaluate_d_loss();
        gan.g_loss = gan.evaluate_g_loss();
        gan.record();
        Ok(gan)
    }

    /// Replaces both networks (a saved model); their shapes must be the settings'. The epoch
    /// continues from `epoch`.
    pub fn set_networks(
        &mut self,
        generator: Network,
        discriminator: Network,
        epoch: u64,
    ) -> Result<(), String> {
        if epoch > crate::limits::MAX_EPOCH {
            return Err(format!(
                "epoch {epoch} is more than {}, the most a model may have trained",
                crate::limits::MAX_EPOCH
            ));
        }
        let expected_g = self.generator.shape();
        let expected_d = self.discriminator.shape();
        if generator.shape() != expected_g || discriminator.shape() != expected_d {
            return Err(format!(
                "the model's networks ({:?} and {:?}) do not fit its settings ({:?} and {:?})",
                generator.shape(),
                discriminator.shape(),
                expected_g,
                expected_d
            ));
        }
        generator.check_layout()?;
        discriminator.check_layout()?;
        self.generator = generator;
        self.discriminator = discriminator;
        self.optimizer_g.reset();
        self.optimizer_d.reset();
        self.epoch = epoch;
        self.history.clear();
        self.d_loss = self.evaluate_d_loss();
        self.g_loss = self.evaluate_g_loss();
        self.record();
        Ok(())
    }

    /// Applies the settings that change live (learning rates, optimisers, loss, k); settings
    /// that need a new run are refused (start one with [`Gan::new`]).
    pub fn apply_live(&mut self, new: GanSettings) -> Result<(), String> {
        new.validate().map_err(|e| e.to_string())?;
        if self.settings.needs_new_run(&new) {
            return Err("that change needs a new run".into());
        }
        self.optimizer_g.set_kind(new.optimizer_g);
        self.optimizer_d.set_kind(new.optimizer_d);
        self.settings = new;
        Ok(())
    }

    pub fn settings(&self) -> &GanSettings {
        &self.settings
    }

    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    pub fn history(&self) -> &[EpochRecord] {
        self.history.entries()
    }

    pub fn latest(&self) -> EpochRecord {
        *self.history.latest().expect("a history starts at epoch 0")
    }

    /// The measure's value for two samples of the real data (GAN Lab's sizes, then the precise
    /// sizes): a generator cannot be told apart from the data below it.
    pub fn noise_floor(&self) -> (f64, f64) {
        self.noise_floor
    }

    /// Whether the weights are still numbers.
    pub fn is_finite(&self) -> bool {
        self.generator.is_finite() && self.discriminator.is_finite()
    }

    /// One epoch (k_D discriminator steps, then k_G generator steps) and its record. With
    /// `measure` off, the divergences of the record are those of the last measured epoch (for
    /// speed, when nobody looks at every epoch).
    pub fn train_epoch(&mut self, measure: bool) {
        self.train_discriminator_half();
        self.finish_epoch_with_generator(measure);
    }

    /// The discriminator's half of an epoch: its k_D steps (slow motion shows the two halves
    /// apart). The epoch is complete after [`Gan::finish_epoch_with_generator`].
    pub fn train_discriminator_half(&mut self) {
        for _ in 0..self.settings.k_d {
            self.d_step();
        }
    }

    /// The generator's half of an epoch (k_G steps), which completes the epoch and records it.
    pub fn finish_epoch_with_generator(&mut self, measure: bool) {
        for _ in 0..self.settings.k_g {
            self.g_step();
        }
        self.epoch += 1;
        if measure {
            self.record();
        } else if let Some(last) = self.history.latest().copied() {
            self.history.push(EpochRecord {
                epoch: self.epoch,
                d_loss: self.d_loss / 2.0,
                g_loss: self.g_loss,
                ..last
            });
        }
    }

    /// A manual step (GAN Lab's "step" buttons): one discriminator step, one generator step, or
    /// a whole epoch; each counts as an epoch.
    pub fn manual_step(&mut self, kind: StepKind) {
        match kind {
            StepKind::Discriminator => self.d_step(),
            StepKind::Generator => self.g_step(),
            StepKind::Both => {
                self.train_epoch(true);
                return;
            }
        }
        self.epoch += 1;
        self.record();
    }

    /// Measures the current state and appends it to the history.
    fn record(&mut self) {
        let fake = self.fake_points();
        let fake_density = metrics::densities(&fake);
        let precise = self.generate(&self.precise_noise.clone());
        let precise_density = metrics::densities(&precise);
        self.history.push(EpochRecord {
            epoch: self.epoch,
            d_loss: self.d_loss / 2.0,
            g_loss: self.g_loss,
            kl: metrics::kl(&self.shown_real_density, &fake_density),
            js: metrics::js(&self.shown_real_density, &fake_density),
            js_precise: metrics::js(&self.precise_real_density, &precise_density),
        });
    }

    /// One discriminator step on the next real batch and the next noise batch.
    fn d_step(&mut self) {
        let b = self.settings.batch_size;
        let real = self.real.next_batch(b);
        let noise = self.noise.next_batch(b);
        let fake = forward_batch(&self.generator, &noise, b).outputs().to_vec();
        let (loss, grads) = self.discriminator_gradients(&real, &fake);
        self.d_loss = loss;
        self.optimizer_d.step(
            &mut self.discriminator,
            &grads,
            self.settings.learning_rate_d,
        );
    }

    /// The discriminator's loss on a real and a fake batch, and its gradient.
    pub fn discriminator_gradients(&self, real: &[f64], fake: &[f64]) -> (f64, Gradients) {
        let b = real.len() / 2;
        let n = b as f64;
        let d = &self.discriminator;
        let real_pass = forward_batch(d, real, b);
        let fake_pass = forward_batch(d, fake, fake.len() / 2);
        let z_real = real_pass.totals.last().expect("an output layer");
        let z_fake = fake_pass.totals.last().expect("an output layer");
        let m = z_fake.len() as f64;
        let (mut loss, mut g_real, mut g_fake) = (0.0, vec![0.0; b], vec![0.0; z_fake.len()]);
        match self.settings.loss {
            GanLoss::Log | GanLoss::SaturatingLog => {
                // -(0.95 log D(real) + log(1 - D(fake))) on logits: log D = -softplus(-z),
                // log(1 - D) = -softplus(z).
                for (g, &z) in g_real.iter_mut().zip(z_real) {
                    loss += 0.95 * softplus(-z) / n;
                    *g = -0.95 * (1.0 - sigmoid(z)) / n;
                }
                for (g, &z) in g_fake.iter_mut().zip(z_fake) {
                    loss += softplus(z) / m;
                    *g = sigmoid(z) / m;
                }
            }
            GanLoss::LeastSquares => {
                for (g, &z) in g_real.iter_mut().zip(z_real) {
                    let p = sigmoid(z);
                    loss += (p - 1.0) * (p - 1.0) / n;
                    *g = 2.0 * (p - 1.0) * p * (1.0 - p) / n;
                }
                for (g, &z) in g_fake.iter_mut().zip(z_fake) {
                    let p = sigmoid(z);
                    loss += p * p / m;
                    *g = 2.0 * p * p * (1.0 - p) / m;
                }
            }
            GanLoss::Hinge => {
                for (g, &z) in g_real.iter_mut().zip(z_real) {
                    loss += (1.0 - z).max(0.0) / n;
                    *g = if z < 1.0 { -1.0 / n } else { 0.0 };
                }
                for (g, &z) in g_fake.iter_mut().zip(z_fake) {
                    loss += (1.0 + z).max(0.0) / m;
                    *g = if z > -1.0 { 1.0 / m } else { 0.0 };
                }
            }
        }
        let (mut grads, _) = backward_from(d, real, &real_pass, &g_real, GradientOf::Totals);
        let (fake_grads, _) = backward_from(d, fake, &fake_pass, &g_fake, GradientOf::Totals);
        for ((gw, gb), (fw, fb)) in grads.layers.iter_mut().zip(fake_grads.layers) {
            gw.iter_mut().zip(fw).for_each(|(a, b)| *a += b);
            gb.iter_mut().zip(fb).for_each(|(a, b)| *a += b);
        }
        (loss, grads)
    }

    /// One generator step on the next noise batch, through the discriminator.
    fn g_step(&mut self) {
        let b = self.settings.batch_size;
        let noise = self.noise.next_batch(b);
        let (loss, grads) = self.generator_gradients(&noise);
        self.g_loss = loss;
        self.optimizer_g
            .step(&mut self.generator, &grads, self.settings.learning_rate_g);
    }

    /// The generator's loss on a noise batch, and its gradient: the loss's gradient at D's logits,
    /// back through D to the fake points (D's input gradient), then back through G.
    pub fn generator_gradients(&self, noise: &[f64]) -> (f64, Gradients) {
        let b = noise.len() / self.settings.noise_dims;
        let n = b as f64;
        let g_pass = forward_batch(&self.generator, noise, b);
        let fake = g_pass.outputs().to_vec();
        let d_pass = forward_batch(&self.discriminator, &fake, b);
        let z_fake = d_pass.totals.last().expect("an output layer");
        let mut loss = 0.0;
        let mut grad = vec![0.0; b];
        for (g, &z) in grad.iter_mut().zip(z_fake) {
            let p = sigmoid(z);
            match self.settings.loss {
                GanLoss::Log => {
                    loss += softplus(-z) / n;
                    *g = -(1.0 - p) / n;
                }
                GanLoss::LeastSquares => {
                    loss += (p - 1.0) * (p - 1.0) / n;
                    *g = 2.0 * (p - 1.0) * p * (1.0 - p) / n;
                }
                GanLoss::Hinge => {
                    loss += -z / n;
                    *g = -1.0 / n;
                }
                GanLoss::SaturatingLog => {
                    // log(1 - D(fake)) = -softplus(z).
                    loss += -softplus(z) / n;
                    *g = -p / n;
                }
            }
        }
        let (_, d_input) = backward_from(
            &self.discriminator,
            &fake,
            &d_pass,
            &grad,
            GradientOf::Totals,
        );
        let (grads, _) = backward_batch(&self.generator, noise, &g_pass, &d_input);
        (loss, grads)
    }

    /// The discriminator's loss on the fixed batches (for epoch 0 and loaded models).
    fn evaluate_d_loss(&self) -> f64 {
        let b = self.settings.batch_size;
        let real = self.real.first(b);
        let fake = self.fake_points();
        self.discriminator_gradients(&real, &fake).0
    }

    fn evaluate_g_loss(&self) -> f64 {
        self.generator_gradients(&self.fixed_noise).0
    }

    /// G applied to noise vectors (rows of `noise_dims`): points (x, y).
    pub fn generate(&self, noise: &[f64]) -> Vec<f64> {
        let b = noise.len() / self.settings.noise_dims;
        forward_batch(&self.generator, noise, b).outputs().to_vec()
    }

    /// D's probability that each point (x, y) is real.
    pub fn discriminate(&self, points: &[f64]) -> Vec<f64> {
        forward_batch(&self.discriminator, points, points.len() / 2)
            .outputs()
            .to_vec()
    }

    /// The fake points on screen: G applied to the fixed noise batch.
    pub fn fake_points(&self) -> Vec<f64> {
        self.generate(&self.fixed_noise)
    }

    /// The fixed noise batch behind the fake points on screen.
    pub fn fixed_noise(&self) -> &[f64] {
        &self.fixed_noise
    }

    /// The real points on screen (450).
    pub fn shown_real(&self) -> &[f64] {
        &self.shown_real
    }

    /// The gradient of D's output with respect to each point (x, y): where D would have a fake
    /// point move to look more real (GAN Lab's arrows).
    pub fn discriminator_gradient_at(&self, points: &[f64]) -> Vec<f64> {
        let b = points.len() / 2;
        let pass = forward_batch(&self.discriminator, points, b);
        let ones = vec![1.0; b];
        backward_batch(&self.discriminator, points, &pass, &ones).1
    }

    /// D over the 30 x 30 grid's cell centres, row 0 at the bottom (y = 0).
    pub fn discriminator_grid(&self) -> Vec<f64> {
        let points: Vec<f64> = (0..GRID * GRID)
            .flat_map(|cell| {
                let (row, column) = (cell / GRID, cell % GRID);
                [
                    (column as f64 + 0.5) / GRID as f64,
                    (row as f64 + 0.5) / GRID as f64,
                ]
            })
            .collect();
        self.discriminate(&points)
    }

    /// The optimal discriminator p_real / (p_real + p_fake) on the grid, estimated from the
    /// precise samples (`None` where neither has points).
    pub fn optimal_discriminator(&self) -> Vec<Option<f64>> {
        let fake = self.generate(&self.precise_noise);
        metrics::optimal_discriminator(&self.precise_real_density, &metrics::densities(&fake))
    }

    /// The generator's manifold: the regular noise grid (21 x 21 in 2-D, 21 points in 1-D) mapped
    /// through G, row after row.
    pub fn manifold(&self) -> Vec<f64> {
        let side = MANIFOLD_CELLS + 1;
        let noise: Vec<f64> = if self.settings.noise_dims == 1 {
            (0..side)
                .map(|i| i as f64 / MANIFOLD_CELLS as f64)
                .collect()
        } else {
            (0..side * side)
                .flat_map(|k| {
                    [
                        (k / side) as f64 / MANIFOLD_CELLS as f64,
                        (k % side) as f64 / MANIFOLD_CELLS as f64,
                    ]
                })
                .collect()
        };
        self.generate(&noise)
    }
}
