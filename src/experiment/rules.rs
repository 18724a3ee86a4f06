//! The one owner of the rules: whether an edit of the network or a change of settings is
//! allowed (limits, a level's palette, locked settings), with the reason in words. The game's
//! drag preview, its action handler and the level validation all ask here.

use serde::{Deserialize, Serialize};

use super::config::{ExperimentConfig, LEARNING_RATES, Limits, REGULARIZATION_RATES};
use crate::data::Feature;
use crate::named_enum;
use crate::nn::{Activation, Network, NodeKey, Regularization};

named_enum! {
    /// A setting the player may change in a level (everything else is locked).
    pub enum Setting: "setting" {
        /// Drag features in and out (among the palette's features).
        Features => "features",
        /// Add and remove hidden layers and neurons (within the palette's limits).
        Architecture => "architecture",
        Activation => "activation",
        LearningRate => "learning_rate",
        Regularization => "regularization",
        RegularizationRate => "regularization_rate",
        BatchSize => "batch_size",
        Noise => "noise",
        TrainRatio => "train_ratio",
        /// Type weights and biases by hand.
        Weights => "weights",
        /// The options beyond the Playground (optimiser, loss, dropout...).
        Advanced => "advanced",
    }
}

/// What the player has to build with in a level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Palette {
    /// The features that may be dragged in.
    pub features: Vec<Feature>,
    pub max_hidden_layers: usize,
    pub max_neurons_per_layer: usize,
    /// A cap on hidden neurons over all layers.
    pub max_total_neurons: Option<usize>,
    /// The settings the player may change.
    pub settings: Vec<Setting>,
    /// The activations offered, when `activation` may change.
    pub activations: Vec<Activation>,
    /// The learning rates offered, when `learning_rate` may change.
    pub learning_rates: Vec<f64>,
    pub regularizations: Vec<Regularization>,
    pub regularization_rates: Vec<f64>,
}

impl Default for Palette {
    fn default() -> Self {
        Self {
            features: Feature::ALL.to_vec(),
            max_hidden_layers: 6,
            max_neurons_per_layer: 8,
            max_total_neurons: None,
            settings: Setting::ALL.to_vec(),
            activations: Activation::HIDDEN.to_vec(),
            learning_rates: LEARNING_RATES.to_vec(),
            regularizations: Regularization::ALL.to_vec(),
            regularization_rates: REGULARIZATION_RATES.to_vec(),
        }
    }
}

impl Palette {
    pub fn allows(&self, setting: Setting) -> bool {
        self.settings.contains(&setting)
    }

    pub fn limits(&self) -> Limits {
        Limits {
            max_hidden_layers: self.max_hidden_layers,
            max_neurons_per_layer: self.max_neurons_per_layer,
        }
    }
}

/// A change to the network the player can make by hand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Edit {
    /// A hidden layer (of 2 neurons, the Playground's) at position `at` (0 = after the inputs).
    InsertLayer {
        at: usize,
    },
    RemoveLayer {
        layer: usize,
    },
    /// A neuron at the end of hidden layer `layer`.
    AddNeuron {
        layer: usize,
    },
    RemoveNeuron {
        layer: usize,
        index: usize,
    },
    AddFeature(Feature),
    RemoveFeature(Feature),
    /// A weight typed by the player, on the link from `source` to `target`.
    SetWeight {
        source: NodeKey,
        target: NodeKey,
        value: f64,
    },
    SetBias {
        node: NodeKey,
        value: f64,
    },
}

impl Edit {
    fn is_weight_edit(&self) -> bool {
        matches!(self, Edit::SetWeight { .. } | Edit::SetBias { .. })
    }

    fn is_feature_edit(&self) -> bool {
        matches!(self, Edit::AddFeature(_) | Edit::RemoveFeature(_))
    }

    /// How node keys move when this edit is made (so that what is drawn follows its neuron).
    pub fn key_shift(&self) -> Option<KeyShift> {
        match *self {
            Edit::InsertLayer { at } => Some(KeyShift::LayerInserted(at)),
            Edit::RemoveLayer { layer } => Some(KeyShift::LayerRemoved(layer)),
            Edit::RemoveNeuron { layer, index } => Some(KeyShift::NeuronRemoved { layer, index }),
            _ => None,
        }
    }
}

/// What edits the current mode allows (a level may lock features or the architecture).
#[derive(Debug, Clone, PartialEq)]
pub struct EditRules {
    /// Features that may be added (all in the sandbox).
    pub allowed_features: Vec<Feature>,
    pub features_editable: bool,
    pub architecture_editable: bool,
    pub weights_editable: bool,
    /// A cap on hidden neurons over all layers.
    pub max_total_neurons: Option<usize>,
    /// In a level, its palette: settings outside it are locked.
    pub palette: Option<Palette>,
}

impl Default for EditRules {
    /// The sandbox: everything may change.
    fn default() -> Self {
        Self {
            allowed_features: Feature::ALL.to_vec(),
            features_editable: true,
            architecture_editable: true,
            weights_editable: true,
            max_total_neurons: None,
            palette: None,
        }
    }
}

/// Size of a hidden layer added by hand (the Playground's).
pub const NEW_LAYER_NEURONS: usize = 2;

impl EditRules {
    /// The rules of a level's palette.
    pub fn for_palette(palette: &Palette) -> Self {
        Self {
            allowed_features: palette.features.clone(),
            features_editable: palette.allows(Setting::Features),
            architecture_editable: palette.allows(Setting::Architecture),
            weights_editable: palette.allows(Setting::Weights),
            max_total_neurons: palette.max_total_neurons,
            palette: Some(palette.clone()),
        }
    }

    pub fn feature_allowed(&self, feature: Feature) -> bool {
        self.allowed_features.contains(&feature)
    }

    /// Whether a setting may change (everything, outside a level).
    pub fn allows(&self, setting: Setting) -> bool {
        self.palette.as_ref().is_none_or(|p| p.allows(setting))
    }

    /// Why an edit of `network` would be refused, in words for the player; `None` if it is
    /// allowed.
    pub fn refusal(&self, network: &Network, limits: Limits, edit: &Edit) -> Option<String> {
        let hidden = network.hidden_sizes();
        let features = &network.features;
        let max_layers = limits.max_hidden_layers;
        let max_neurons = limits.max_neurons_per_layer;
        if edit.is_feature_edit() && !self.features_editable {
            return Some("The inputs are fixed in this level.".into());
        }
        if !edit.is_weight_edit() && !edit.is_feature_edit() && !self.architecture_editable {
            return Some("The layers are fixed in this level.".into());
        }
        if edit.is_weight_edit() && !self.weights_editable {
            return Some("Weights are learned, not typed, in this level.".into());
        }
        let adds = match edit {
            Edit::InsertLayer { .. } => NEW_LAYER_NEURONS.min(max_neurons),
            Edit::AddNeuron { .. } => 1,
            _ => 0,
        };
        let total: usize = hidden.iter().sum();
        if adds > 0
            && let Some(max_total) = self.max_total_neurons
            && total + adds > max_total
        {
            return Some(format!("At most {max_total} hidden neurons in all."));
        }
        let no_layer = || Some("There is no such layer.".to_string());
        match *edit {
            Edit::InsertLayer { .. } if hidden.len() >= max_layers => {
                Some(format!("At most {max_layers} hidden layers."))
            }
            Edit::InsertLayer { at } if at > hidden.len() => Some("There is no such place.".into()),
            Edit::RemoveLayer { layer } if layer >= hidden.len() => {
                if hidden.is_empty() {
                    Some("There is no hidden layer to remove.".into())
                } else {
                    no_layer()
                }
            }
            Edit::AddNeuron { layer } => match hidden.get(layer) {
                None => no_layer(),
                Some(&n) if n >= max_neurons => Some(format!(
                    "Hidden layer {} already has {max_neurons} neurons, the most allowed.",
                    layer + 1
                )),
                Some(_) => None,
            },
            Edit::RemoveNeuron { layer, index } => match hidden.get(layer) {
                None => no_layer(),
                Some(1) => Some(
                    "A layer needs at least one neuron: drag the layer's handle out to remove the whole layer."
                        .into(),
                ),
                Some(&n) if index >= n => Some("There is no such neuron.".into()),
                Some(_) => None,
            },
            Edit::AddFeature(f) if features.contains(&f) => {
                Some(format!("{} is already an input.", f.label()))
            }
            Edit::AddFeature(f) if !self.feature_allowed(f) => {
                Some(format!("{} is not available in this level.", f.label()))
            }
            Edit::RemoveFeature(f) if !features.contains(&f) => {
                Some(format!("{} is not an input.", f.label()))
            }
            Edit::RemoveFeature(_) if features.len() == 1 => {
                Some("The network needs at least one input feature.".into())
            }
            Edit::SetWeight { value, .. } | Edit::SetBias { value, .. } if !value.is_finite() => {
                Some("Type a number, like 0.5 or -1.2.".into())
            }
            Edit::SetWeight { source, target, .. } if network.weight(source, target).is_none() => {
                Some("There is no such link.".into())
            }
            Edit::SetBias { node, .. } if network.bias(node).is_none() => {
                Some("Inputs have no bias; neurons do.".into())
            }
            _ => None,
        }
    }

    /// Why a change of settings is refused in this mode (a level locks what its palette does not
    /// offer), or `None`.
    pub fn settings_refusal(
        &self,
        old: &ExperimentConfig,
        new: &ExperimentConfig,
    ) -> Option<String> {
        let palette = self.palette.as_ref()?;
        let locked = |what: &str| Some(format!("{what} is locked in this level."));
        if old.dataset != new.dataset
            || old.problem() != new.problem()
            || old.seed != new.seed
            || old.classes != new.classes
        {
            return locked("The data");
        }
        let checks: [(bool, Setting, &str); 8] = [
            (old.noise != new.noise, Setting::Noise, "Noise"),
            (
                old.train_ratio != new.train_ratio,
                Setting::TrainRatio,
                "The training share",
            ),
            (
                old.batch_size != new.batch_size,
                Setting::BatchSize,
                "Batch size",
            ),
            (
                old.learning_rate != new.learning_rate,
                Setting::LearningRate,
                "The learning rate",
            ),
            (
                old.activation != new.activation || old.layer_activations != new.layer_activations,
                Setting::Activation,
                "The activation",
            ),
            (
                old.regularization != new.regularization,
                Setting::Regularization,
                "Regularization",
            ),
            (
                old.regularization_rate != new.regularization_rate,
                Setting::RegularizationRate,
                "The regularization rate",
            ),
            (
                old.optimizer != new.optimizer
                    || old.loss != new.loss
                    || old.dropout != new.dropout
                    || old.momentum != new.momentum
                    || old.reshuffle_each_epoch != new.reshuffle_each_epoch
                    || old.init_zero != new.init_zero,
                Setting::Advanced,
                "This option",
            ),
        ];
        for (changed, setting, what) in checks {
            if changed && !palette.allows(setting) {
                return locked(what);
            }
        }
        if old.features != new.features && !palette.allows(Setting::Features) {
            return locked("The inputs");
        }
        if old.hidden_layers != new.hidden_layers && !palette.allows(Setting::Architecture) {
            return locked("The layers");
        }
        if old.learning_rate != new.learning_rate
            && !palette.learning_rates.contains(&new.learning_rate)
        {
            return Some(format!(
                "A learning rate of {} is not offered in this level.",
                new.learning_rate
            ));
        }
        if old.activation != new.activation && !palette.activations.contains(&new.activation) {
            return Some(format!("{} is not offered in this level.", new.activation));
        }
        if new
            .features
            .iter()
            .any(|f| !old.features.contains(f) && !palette.features.contains(f))
        {
            return Some("That feature is not available in this level.".into());
        }
        None
    }
}

/// How node keys moved in an edit, so that drawn entities follow their neurons instead of being
/// reused for others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyShift {
    LayerInserted(usize),
    LayerRemoved(usize),
    NeuronRemoved { layer: usize, index: usize },
}

impl KeyShift {
    /// Where a key of the old network is in the new one (`None`: it is gone).
    pub fn map(self, key: NodeKey) -> Option<NodeKey> {
        match (self, key) {
            (KeyShift::LayerInserted(at), NodeKey::Hidden { layer, index }) if layer >= at => {
                Some(NodeKey::Hidden {
                    layer: layer + 1,
                    index,
                })
            }
            (KeyShift::LayerRemoved(gone), NodeKey::Hidden { layer, .. }) if layer == gone => None,
            (KeyShift::LayerRemoved(gone), NodeKey::Hidden { layer, index }) if layer > gone => {
                Some(NodeKey::Hidden {
                    layer: layer - 1,
                    index,
                })
            }
            (KeyShift::NeuronRemoved { layer, index }, NodeKey::Hidden { layer: l, index: i })
                if l == layer =>
            {
                match i.cmp(&index) {
                    std::cmp::Ordering::Less => Some(key),
                    std::cmp::Ordering::Equal => None,
                    std::cmp::Ordering::Greater => Some(NodeKey::Hidden {
                        layer: l,
                        index: i - 1,
                    }),
                }
            }
            _ => Some(key),
        }
    }
}
