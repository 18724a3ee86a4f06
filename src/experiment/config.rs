//! The experiment's configuration: every Playground setting plus our options, with validation.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::data::{DatasetKind, Feature, MAX_CLASSES, Problem};
use crate::nn::{Activation, Loss, OptimizerKind, Regularization};

/// The Playground's learning rates, the values its dropdown offers.
pub const LEARNING_RATES: [f64; 11] = [
    0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0,
];
/// The Playground's regularisation rates.
pub const REGULARIZATION_RATES: [f64; 10] =
    [0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0];

pub const MAX_NOISE: u32 = 50;
/// The longest Playground seed accepted (the page writes five decimals, "0.12345").
pub const MAX_PLAYGROUND_SEED_CHARS: usize = 64;
pub const TRAIN_RATIO_RANGE: (u32, u32) = (10, 90);
pub const BATCH_SIZE_RANGE: (usize, usize) = (1, 30);
pub const LEARNING_RATE_RANGE: (f64, f64) = (0.00001, 10.0);
pub const REGULARIZATION_RATE_RANGE: (f64, f64) = (0.0, 10.0);
pub const MAX_DROPOUT: f64 = 0.9;
/// Hard ceilings for the configurable limits, to keep a frame's work bounded.
pub const LIMIT_CEILING_LAYERS: usize = 16;
pub const LIMIT_CEILING_NEURONS: usize = 32;

/// How big a network may be. The Playground's limits by default; levels and teachers may change them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    pub max_hidden_layers: usize,
    pub max_neurons_per_layer: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_hidden_layers: 6,
            max_neurons_per_layer: 8,
        }
    }
}

/// Everything that defines a run. Missing fields in a file take the Playground's defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExperimentConfig {
    /// Which generator makes the data (ignored when a data file is given).
    pub dataset: DatasetKind,
    /// Classification or regression; when absent, the dataset's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
    /// Number of classes of a classification: 2 (the Playground's +1 / -1), or 3 to 6 with the
    /// multi-class datasets (then one output neuron per class, with softmax).
    pub classes: usize,
    /// Noise, the slider value 0..=50 (percent).
    pub noise: u32,
    /// Percentage of points used for training, 10..=90.
    pub train_ratio: u32,
    /// Fixes the data and the initial weights.
    pub seed: u64,
    /// The seed string of a TensorFlow Playground link. When set, the data and the first initial
    /// weights come from the Playground's own random stream for that seed (see
    /// `data::seedrandom`), so the run is the one the Playground page makes; `seed` still drives
    /// everything the Playground does not have.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub playground_seed: Option<String>,
    /// Input features, in input order.
    pub features: Vec<Feature>,
    /// Neurons per hidden layer.
    pub hidden_layers: Vec<usize>,
    /// Activation of every hidden neuron.
    pub activation: Activation,
    /// One activation per hidden layer, overriding `activation` (beyond the Playground).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer_activations: Option<Vec<Activation>>,
    pub learning_rate: f64,
    pub regularization: Regularization,
    pub regularization_rate: f64,
    pub batch_size: usize,
    /// Start from all-zero weights and biases (the Playground's "init zero").
    pub init_zero: bool,
    /// Shuffle the training order every epoch (the Playground never does).
    pub reshuffle_each_epoch: bool,
    pub optimizer: OptimizerKind,
    /// Momentum coefficient for the `momentum` optimiser.
    pub momentum: f64,
    pub loss: Loss,
    /// Probability of dropping each hidden neuron during training; 0 is off.
    pub dropout: f64,
    /// Reset replays the same initial weights instead of drawing new ones.
    pub replay_initial_weights: bool,
    pub limits: Limits,
}

impl Default for ExperimentConfig {
    /// The Playground's defaults: the circle dataset, x1 and x2, hidden [4, 2], tanh, learning
    /// rate 0.03, no regularisation, batch 10, noise 0, 50 % training data.
    fn default() -> Self {
        Self {
            dataset: DatasetKind::Circle,
            problem: None,
            classes: 2,
            noise: 0,
            train_ratio: 50,
            seed: 1,
            playground_seed: None,
            features: vec![Feature::X1, Feature::X2],
            hidden_layers: vec![4, 2],
            activation: Activation::Tanh,
            layer_activations: None,
            learning_rate: 0.03,
            regularization: Regularization::None,
            regularization_rate: 0.0,
            batch_size: 10,
            init_zero: false,
            reshuffle_each_epoch: false,
            optimizer: OptimizerKind::Sgd,
            momentum: 0.9,
            loss: Loss::Square,
            dropout: 0.0,
            replay_initial_weights: false,
            limits: Limits::default(),
        }
    }
}

/// One field outside its allowed values.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub value: String,
    pub allowed: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} = {} is not allowed: {}",
            self.field, self.value, self.allowed
        )
    }
}

/// Every problem found in a configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigErrors(pub Vec<FieldError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, e) in self.0.iter().enumerate() {
            if k > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

impl ConfigErrors {
    pub fn single(field: &str, value: impl fmt::Display, allowed: impl Into<String>) -> Self {
        Self(vec![FieldError {
            field: field.into(),
            value: value.to_string(),
            allowed: allowed.into(),
        }])
    }

    /// Whether `field` is among the errors.
    pub fn mentions(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }
}

impl ExperimentConfig {
    /// The problem type: the one given, else the dataset's.
    pub fn problem(&self) -> Problem {
        self.problem.unwrap_or(self.dataset.problem())
    }

    /// The activation of each hidden layer.
    pub fn hidden_activations(&self) -> Vec<Activation> {
        match &self.layer_activations {
            Some(list) if list.len() == self.hidden_layers.len() => list.clone(),
            _ => vec![self.activation; self.hidden_layers.len()],
        }
    }

    /// Whether there are more than two classes (one output per class, softmax).
    pub fn is_multi_class(&self) -> bool {
        self.problem() == Problem::Classification && self.classes > 2
    }

    /// Output neurons: one per class with several classes, else one.
    pub fn output_count(&self) -> usize {
        if self.is_multi_class() {
            self.classes
        } else {
            1
        }
    }

    /// The loss training minimises: the chosen one, or softmax with cross-entropy for several
    /// classes.
    pub fn effective_loss(&self) -> Loss {
        if self.is_multi_class() {
            Loss::SoftmaxCrossEntropy
        } else {
            self.loss
        }
    }

    /// The output neurons' activation: tanh (classification), linear (regression), sigmoid
    /// (cross-entropy), softmax (several classes).
    pub fn output_activation(&self) -> Activation {
        self.effective_loss()
            .output_activation(self.problem() == Problem::Regression)
    }

    /// Checks every field against its bounds. `generated_data` says whether the data comes from
    /// the dataset generator (then the dataset must fit the problem type).
    pub fn validate(&self, generated_data: bool) -> Result<(), ConfigErrors> {
        let mut errors = Vec::new();
        let mut check = |ok: bool, field: &str, value: String, allowed: String| {
            if !ok {
                errors.push(FieldError {
                    field: field.into(),
                    value,
                    allowed,
                });
            }
        };
        check(
            self.noise <= MAX_NOISE,
            "noise",
            self.noise.to_string(),
            format!("0 to {MAX_NOISE} (percent)"),
        );
        let (lo, hi) = TRAIN_RATIO_RANGE;
        check(
            (lo..=hi).contains(&self.train_ratio),
            "train_ratio",
            self.train_ratio.to_string(),
            format!("{lo} to {hi} (percent of points used for training)"),
        );
        if let Some(seed) = &self.playground_seed {
            check(
                self.dataset.is_playground() && self.classes == 2,
                "playground_seed",
                format!(
                    "{seed:?} with {} and {} classes",
                    self.dataset, self.classes
                ),
                "only with the Playground's own datasets and two classes".into(),
            );
            check(
                seed.chars().count() <= MAX_PLAYGROUND_SEED_CHARS,
                "playground_seed",
                format!("{} characters", seed.chars().count()),
                format!("at most {MAX_PLAYGROUND_SEED_CHARS}"),
            );
        }
        check(
            !self.features.is_empty(),
            "features",
            "[] (none)".into(),
            "at least one of x1, x2, x1_sq, x2_sq, x1_x2, sin_x1, sin_x2".into(),
        );
        for (k, f) in self.features.iter().enumerate() {
            check(
                !self.features[..k].contains(f),
                "features",
                format!("{f} (listed twice)"),
                "each feature at most once".into(),
            );
        }
        let limits = self.limits;
        check(
            limits.max_hidden_layers <= LIMIT_CEILING_LAYERS,
            "limits.max_hidden_layers",
            limits.max_hidden_layers.to_string(),
            format!("0 to {LIMIT_CEILING_LAYERS}"),
        );
        check(
            (1..=LIMIT_CEILING_NEURONS).contains(&limits.max_neurons_per_layer),
            "limits.max_neurons_per_layer",
            limits.max_neurons_per_layer.to_string(),
            format!("1 to {LIMIT_CEILING_NEURONS}"),
        );
        check(
            self.hidden_layers.len() <= limits.max_hidden_layers,
            "hidden_layers",
            format!(
                "{:?} ({} layers)",
                self.hidden_layers,
                self.hidden_layers.len()
            ),
            format!("at most {} hidden layers", limits.max_hidden_layers),
        );
        for (k, &n) in self.hidden_layers.iter().enumerate() {
            check(
                (1..=limits.max_neurons_per_layer).contains(&n),
                &format!("hidden_layers[{k}]"),
                n.to_string(),
                format!("1 to {} neurons", limits.max_neurons_per_layer),
            );
        }
        if let Some(list) = &self.layer_activations {
            check(
                list.len() == self.hidden_layers.len(),
                "layer_activations",
                format!("{} entries", list.len()),
                format!(
                    "one per hidden layer ({} entries)",
                    self.hidden_layers.len()
                ),
            );
        }
        let hidden_names = || {
            Activation::HIDDEN
                .iter()
                .map(|a| a.name())
                .collect::<Vec<_>>()
                .join(", ")
        };
        check(
            !self.activation.is_layer_wide(),
            "activation",
            self.activation.to_string(),
            format!(
                "a hidden activation: {} (softmax is for the output of several classes)",
                hidden_names()
            ),
        );
        if let Some(list) = &self.layer_activations {
            for (k, a) in list.iter().enumerate() {
                check(
                    !a.is_layer_wide(),
                    &format!("layer_activations[{k}]"),
                    a.to_string(),
                    format!("a hidden activation: {}", hidden_names()),
                );
            }
        }
        check(
            (2..=MAX_CLASSES).contains(&self.classes),
            "classes",
            self.classes.to_string(),
            format!("2 to {MAX_CLASSES}"),
        );
        check(
            !(self.classes > 2 && self.problem() == Problem::Regression),
            "classes",
            self.classes.to_string(),
            "2 for regression (classes only count in a classification)".into(),
        );
        check(
            self.loss != Loss::SoftmaxCrossEntropy || self.is_multi_class(),
            "loss",
            self.loss.to_string(),
            "square or cross-entropy (softmax-cross-entropy is used by itself with 3 or more classes)"
                .into(),
        );
        let (lo, hi) = LEARNING_RATE_RANGE;
        check(
            self.learning_rate.is_finite() && (lo..=hi).contains(&self.learning_rate),
            "learning_rate",
            self.learning_rate.to_string(),
            format!("{lo} to {hi}"),
        );
        let (lo, hi) = REGULARIZATION_RATE_RANGE;
        check(
            self.regularization_rate.is_finite() && (lo..=hi).contains(&self.regularization_rate),
            "regularization_rate",
            self.regularization_rate.to_string(),
            format!("{lo} to {hi}"),
        );
        let (lo, hi) = BATCH_SIZE_RANGE;
        check(
            (lo..=hi).contains(&self.batch_size),
            "batch_size",
            self.batch_size.to_string(),
            format!("{lo} to {hi}"),
        );
        check(
            self.momentum.is_finite() && (0.0..1.0).contains(&self.momentum),
            "momentum",
            self.momentum.to_string(),
            "0 or more and below 1".into(),
        );
        check(
            self.dropout.is_finite() && (0.0..=MAX_DROPOUT).contains(&self.dropout),
            "dropout",
            self.dropout.to_string(),
            format!("0 to {MAX_DROPOUT}"),
        );
        check(
            !(self.loss == Loss::CrossEntropy && self.problem() == Problem::Regression),
            "loss",
            self.loss.to_string(),
            "square for regression (cross-entropy needs +1/-1 labels)".into(),
        );
        if generated_data {
            check(
                self.classes == 2 || self.dataset.is_multi_class(),
                "classes",
                self.classes.to_string(),
                format!(
                    "2 for the {} dataset (blobs, spiral-arms and pie have 2 to {MAX_CLASSES} classes)",
                    self.dataset
                ),
            );
            check(
                self.dataset.problem() == self.problem(),
                "dataset",
                self.dataset.to_string(),
                format!(
                    "a {} dataset: {}",
                    self.problem(),
                    DatasetKind::for_problem(self.problem())
                        .iter()
                        .map(|d| d.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors(errors))
        }
    }

    /// Parses a RON configuration; `file` names it in messages (line and column included).
    pub fn from_ron(text: &str, file: &str) -> Result<Self, String> {
        crate::names::ron_options()
            .from_str(crate::limits::without_bom(text))
            .map_err(|e| format!("{file}: {e}"))
    }

    /// The configuration as RON, readable by [`Self::from_ron`].
    pub fn to_ron(&self) -> String {
        ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
            .expect("a configuration always serialises")
    }
}
