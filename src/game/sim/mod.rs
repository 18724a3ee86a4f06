//! The experiment as a Bevy resource, the player's actions on it, and the training clock.
//!
//! The core [`Experiment`] is the one source of truth. UI and input only send [`SimAction`]
//! messages; [`apply_actions`] turns them into changes of the experiment; everything on screen
//! is derived from it afterwards.

pub mod training;
pub mod undo;

use bevy::prelude::*;

use crate::data::Feature;
use crate::experiment::{ChangeError, Experiment, ExperimentConfig};
use crate::game::network_view::NodeKey;
use crate::game::notices::Notices;
use crate::nn::EditError;

pub(super) fn plugin(app: &mut App) {
    app.add_message::<SimAction>()
        .add_message::<KeysShifted>()
        .init_resource::<Simulation>()
        .init_resource::<EditRules>()
        .init_resource::<undo::UndoHistory>()
        .add_systems(Update, apply_actions.in_set(SimSet::Apply));
    app.configure_sets(Update, (SimSet::Apply, SimSet::Mirror).chain());
    app.add_plugins(training::plugin);
}

/// Ordering of the simulation's systems within a frame.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum SimSet {
    /// Player actions change the experiment.
    Apply,
    /// Entities and textures follow the experiment.
    Mirror,
}

/// How fast training runs while playing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TrainingSpeed {
    /// A fixed number of epochs per second.
    PerSecond(u32),
    /// As many epochs as fit in the frame while keeping it smooth.
    Max,
}

impl TrainingSpeed {
    /// The choices offered, slowest first. 60 is the Playground's pace (one epoch a frame).
    pub const CHOICES: [TrainingSpeed; 10] = [
        TrainingSpeed::PerSecond(1),
        TrainingSpeed::PerSecond(2),
        TrainingSpeed::PerSecond(5),
        TrainingSpeed::PerSecond(10),
        TrainingSpeed::PerSecond(30),
        TrainingSpeed::PerSecond(60),
        TrainingSpeed::PerSecond(120),
        TrainingSpeed::PerSecond(300),
        TrainingSpeed::PerSecond(1000),
        TrainingSpeed::Max,
    ];

    pub fn label(self) -> String {
        match self {
            TrainingSpeed::PerSecond(1) => "1 epoch/s".into(),
            TrainingSpeed::PerSecond(n) => format!("{n} epochs/s"),
            TrainingSpeed::Max => "Max".into(),
        }
    }
}

/// The sandbox's experiment and how it is being played.
#[derive(Resource)]
pub struct Simulation {
    pub experiment: Experiment,
    pub playing: bool,
    pub speed: TrainingSpeed,
    /// Epochs per second actually achieved, measured over the last half second.
    pub measured_rate: f64,
    /// Fractional epochs owed by the clock at fixed speeds.
    pub(crate) epoch_credit: f64,
    /// Training stops at this epoch (a level's budget).
    pub epoch_limit: Option<u64>,
}

impl Default for Simulation {
    fn default() -> Self {
        Self::new(ExperimentConfig::default()).expect("the default configuration is valid")
    }
}

impl Simulation {
    /// How many more epochs may be trained (the level's budget), `u64::MAX` without a limit.
    pub fn epochs_left(&self) -> u64 {
        self.epoch_limit.map_or(u64::MAX, |limit| {
            limit.saturating_sub(self.experiment.epoch())
        })
    }

    pub fn new(config: ExperimentConfig) -> Result<Self, crate::experiment::ConfigErrors> {
        Ok(Self {
            experiment: Experiment::new(config)?,
            playing: false,
            // The Playground's pace (one epoch a frame); Max is one click away.
            speed: TrainingSpeed::PerSecond(60),
            measured_rate: 0.0,
            epoch_credit: 0.0,
            epoch_limit: None,
        })
    }
}

/// Everything the player can do to the experiment.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum SimAction {
    TogglePlay,
    Pause,
    /// Train exactly one epoch (pauses).
    Step,
    /// New initial weights (or the same again with replay on), epoch 0.
    Reset,
    /// New data from a new seed; the weights stay.
    Regenerate,
    /// Any change of settings; applied live where possible, otherwise the network is rebuilt.
    Configure(Box<ExperimentConfig>),
    SetSpeed(TrainingSpeed),
    // Architecture edits: undoable, and every weight that still has a place is kept.
    /// A hidden layer of 2 neurons (the Playground's) after the last one.
    AddLayer,
    /// A hidden layer of 2 neurons at position `at` (0 = right after the inputs).
    InsertLayer {
        at: usize,
    },
    /// Removes the last hidden layer.
    RemoveLayer,
    RemoveLayerAt {
        layer: usize,
    },
    AddNeuron {
        layer: usize,
    },
    /// Removes the last neuron of a layer.
    RemoveNeuron {
        layer: usize,
    },
    RemoveNeuronAt {
        layer: usize,
        index: usize,
    },
    ToggleFeature(Feature),
    AddFeature(Feature),
    RemoveFeature(Feature),
    /// A weight typed by the player, on the edge from `source` to `target`.
    SetWeight {
        source: NodeKey,
        target: NodeKey,
        value: f64,
    },
    SetBias {
        node: NodeKey,
        value: f64,
    },
    Undo,
    Redo,
}

impl SimAction {
    /// Whether the action changes the architecture or a weight (and so can be undone).
    pub fn is_edit(&self) -> bool {
        matches!(
            self,
            SimAction::AddLayer
                | SimAction::InsertLayer { .. }
                | SimAction::RemoveLayer
                | SimAction::RemoveLayerAt { .. }
                | SimAction::AddNeuron { .. }
                | SimAction::RemoveNeuron { .. }
                | SimAction::RemoveNeuronAt { .. }
                | SimAction::ToggleFeature(_)
                | SimAction::AddFeature(_)
                | SimAction::RemoveFeature(_)
                | SimAction::SetWeight { .. }
                | SimAction::SetBias { .. }
        )
    }
}

/// Why an edit would be refused, in words for the player; `None` if it is allowed. The drag and
/// drop preview asks this before the drop, so the reason shows while dragging.
pub fn refusal(experiment: &Experiment, action: &SimAction, rules: &EditRules) -> Option<String> {
    let config = experiment.config();
    let hidden = &config.hidden_layers;
    let max_layers = config.limits.max_hidden_layers;
    let max_neurons = config.limits.max_neurons_per_layer;
    let layer_exists = |layer: usize| layer < hidden.len();
    let weight_edit = matches!(
        action,
        SimAction::SetWeight { .. } | SimAction::SetBias { .. }
    );
    let feature_edit = matches!(
        action,
        SimAction::ToggleFeature(_) | SimAction::AddFeature(_) | SimAction::RemoveFeature(_)
    );
    if feature_edit && !rules.features_editable {
        return Some("The inputs are fixed in this level.".into());
    }
    if action.is_edit() && !weight_edit && !feature_edit && !rules.architecture_editable {
        return Some("The layers are fixed in this level.".into());
    }
    if weight_edit && !rules.weights_editable {
        return Some("Weights are learned, not typed, in this level.".into());
    }
    let total: usize = hidden.iter().sum();
    let adds = match action {
        SimAction::AddLayer | SimAction::InsertLayer { .. } => 2,
        SimAction::AddNeuron { .. } => 1,
        _ => 0,
    };
    if adds > 0
        && let Some(max_total) = rules.max_total_neurons
        && total + adds > max_total
    {
        return Some(format!("At most {max_total} hidden neurons in all."));
    }
    match action {
        SimAction::AddLayer | SimAction::InsertLayer { .. } if hidden.len() >= max_layers => {
            Some(format!("At most {max_layers} hidden layers."))
        }
        SimAction::InsertLayer { at } if *at > hidden.len() => Some("There is no such place.".into()),
        SimAction::RemoveLayer if hidden.is_empty() => {
            Some("There is no hidden layer to remove.".into())
        }
        SimAction::RemoveLayerAt { layer } if !layer_exists(*layer) => {
            Some("There is no such layer.".into())
        }
        SimAction::AddNeuron { layer } => match hidden.get(*layer) {
            None => Some("There is no such layer.".into()),
            Some(&n) if n >= max_neurons => Some(format!(
                "Hidden layer {} already has {max_neurons} neurons, the most allowed.",
                layer + 1
            )),
            Some(_) => None,
        },
        SimAction::RemoveNeuron { layer } | SimAction::RemoveNeuronAt { layer, .. } => {
            match hidden.get(*layer) {
                None => Some("There is no such layer.".into()),
                Some(1) => Some(
                    "A layer needs at least one neuron: drag the layer's handle out to remove the whole layer."
                        .into(),
                ),
                Some(_) => None,
            }
        }
        SimAction::AddFeature(f) if config.features.contains(f) => {
            Some(format!("{} is already an input.", f.label()))
        }
        SimAction::AddFeature(f) | SimAction::ToggleFeature(f)
            if !config.features.contains(f) && !rules.feature_allowed(*f) =>
        {
            Some(format!("{} is not available in this level.", f.label()))
        }
        SimAction::RemoveFeature(f) | SimAction::ToggleFeature(f)
            if config.features.contains(f) && config.features.len() == 1 =>
        {
            Some("The network needs at least one input feature.".into())
        }
        SimAction::RemoveFeature(f) if !config.features.contains(f) => {
            Some(format!("{} is not an input.", f.label()))
        }
        SimAction::SetWeight { value, .. } | SimAction::SetBias { value, .. }
            if !value.is_finite() =>
        {
            Some("Type a number, like 0.5 or -1.2.".into())
        }
        _ => None,
    }
}

/// What edits the current mode allows (a level may lock features or the architecture).
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct EditRules {
    /// Features that may be added (all in the sandbox).
    pub allowed_features: Vec<Feature>,
    pub features_editable: bool,
    pub architecture_editable: bool,
    pub weights_editable: bool,
    /// A cap on hidden neurons over all layers.
    pub max_total_neurons: Option<usize>,
    /// In a level, its palette: settings outside it are locked.
    pub palette: Option<crate::level::Palette>,
}

impl Default for EditRules {
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

impl EditRules {
    pub fn feature_allowed(&self, feature: Feature) -> bool {
        self.allowed_features.contains(&feature)
    }

    /// Why a change of settings is refused in this mode (a level locks what its palette does not
    /// offer), or `None`.
    pub fn settings_refusal(
        &self,
        old: &ExperimentConfig,
        new: &ExperimentConfig,
    ) -> Option<String> {
        use crate::level::Setting;
        let palette = self.palette.as_ref()?;
        let locked = |what: &str| Some(format!("{what} is locked in this level."));
        if old.dataset != new.dataset || old.problem() != new.problem() || old.seed != new.seed {
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

/// Applies the frame's actions to the experiment. A refused change keeps everything as it was and
/// says why.
pub fn apply_actions(
    mut actions: MessageReader<SimAction>,
    mut sim: ResMut<Simulation>,
    mut notices: ResMut<Notices>,
    mut history: ResMut<undo::UndoHistory>,
    mut shifts: MessageWriter<KeysShifted>,
    mut pulses: MessageWriter<crate::game::network_view::motion::PulseAll>,
    rules: Res<EditRules>,
) {
    for action in actions.read() {
        let config = sim.experiment.config().clone();
        match action {
            SimAction::TogglePlay => {
                sim.playing =
                    !sim.playing && sim.experiment.divergence().is_none() && sim.epochs_left() > 0;
            }
            SimAction::Pause => sim.playing = false,
            SimAction::Step => {
                sim.playing = false;
                if sim.epochs_left() > 0 {
                    sim.experiment.step(1);
                }
            }
            SimAction::Reset => {
                sim.experiment.reset();
                sim.epoch_credit = 0.0;
                // Every neuron just got new weights: they all say so.
                pulses.write(crate::game::network_view::motion::PulseAll);
            }
            SimAction::Regenerate => {
                if sim.experiment.data_from_file().is_some() {
                    notices.info("This data comes from a file; there is nothing to regenerate.");
                } else {
                    sim.experiment.regenerate_data(next_seed(config.seed));
                    notices.info("New data from a new seed; the weights are unchanged.");
                }
            }
            SimAction::SetSpeed(speed) => {
                sim.speed = *speed;
                sim.epoch_credit = 0.0;
            }
            SimAction::Configure(new) => {
                if **new == config {
                    continue;
                }
                if let Some(reason) = rules.settings_refusal(&config, new) {
                    notices.refused(reason);
                    continue;
                }
                match sim.experiment.apply_config((**new).clone()) {
                    Ok(change) if change.network_rebuilt => {
                        sim.playing = false;
                        sim.epoch_credit = 0.0;
                    }
                    Ok(_) => {}
                    Err(errors) => notices.refused(errors.to_string()),
                }
            }
            SimAction::Undo => match history.undo(&mut sim.experiment) {
                Ok(true) => notices.info("Undone."),
                Ok(false) => notices.info("Nothing to undo."),
                Err(e) => notices.refused(e),
            },
            SimAction::Redo => match history.redo(&mut sim.experiment) {
                Ok(true) => notices.info("Redone."),
                Ok(false) => notices.info("Nothing to redo."),
                Err(e) => notices.refused(e),
            },
            edit => {
                if let Some(reason) = refusal(&sim.experiment, edit, &rules) {
                    notices.refused(reason);
                    continue;
                }
                let before = undo::Snapshot::of(&sim.experiment);
                match apply_edit(&mut sim.experiment, edit) {
                    Ok(shift) => {
                        history.push(before);
                        if let Some(shift) = shift {
                            shifts.write(shift);
                        }
                        pulses.write(crate::game::network_view::motion::PulseAll);
                    }
                    Err(e) => notices.refused(e.to_string()),
                }
            }
        }
    }
}

/// Carries out one architecture or weight edit. Returns how node keys moved, if they did.
fn apply_edit(
    experiment: &mut Experiment,
    edit: &SimAction,
) -> Result<Option<KeysShifted>, ChangeError> {
    let activation = experiment.config().activation;
    let new_layer_size = 2.min(experiment.config().limits.max_neurons_per_layer);
    let hidden = experiment.config().hidden_layers.len();
    let shift = match edit {
        SimAction::AddLayer => {
            experiment
                .edit_network(|n, rng| n.insert_layer(hidden, new_layer_size, activation, rng))?;
            None
        }
        SimAction::InsertLayer { at } => {
            experiment
                .edit_network(|n, rng| n.insert_layer(*at, new_layer_size, activation, rng))?;
            Some(KeysShifted::LayerInserted(*at))
        }
        SimAction::RemoveLayer => {
            experiment.edit_network(|n, rng| n.remove_layer(hidden - 1, rng))?;
            Some(KeysShifted::LayerRemoved(hidden - 1))
        }
        SimAction::RemoveLayerAt { layer } => {
            experiment.edit_network(|n, rng| n.remove_layer(*layer, rng))?;
            Some(KeysShifted::LayerRemoved(*layer))
        }
        SimAction::AddNeuron { layer } => {
            experiment.edit_network(|n, rng| n.add_neuron(*layer, rng))?;
            None
        }
        SimAction::RemoveNeuron { layer } => {
            let index = experiment.config().hidden_layers[*layer] - 1;
            experiment.edit_network(|n, _| n.remove_neuron(*layer, index))?;
            Some(KeysShifted::NeuronRemoved {
                layer: *layer,
                index,
            })
        }
        SimAction::RemoveNeuronAt { layer, index } => {
            experiment.edit_network(|n, _| n.remove_neuron(*layer, *index))?;
            Some(KeysShifted::NeuronRemoved {
                layer: *layer,
                index: *index,
            })
        }
        SimAction::ToggleFeature(f) if experiment.config().features.contains(f) => {
            experiment.edit_network(|n, _| n.remove_feature(*f))?;
            None
        }
        SimAction::ToggleFeature(f) | SimAction::AddFeature(f) => {
            experiment.edit_network(|n, rng| n.add_feature(*f, rng))?;
            None
        }
        SimAction::RemoveFeature(f) => {
            experiment.edit_network(|n, _| n.remove_feature(*f))?;
            None
        }
        SimAction::SetWeight {
            source,
            target,
            value,
        } => {
            let network = experiment.network();
            let (Some((column, from)), Some((_, to))) =
                (source.locate(network), target.locate(network))
            else {
                return Err(ChangeError::Edit(EditError::NoSuchLayer(0)));
            };
            experiment.set_weight(column, to, from, *value)?;
            None
        }
        SimAction::SetBias { node, value } => {
            let Some((column, index)) = node.locate(experiment.network()).filter(|(c, _)| *c > 0)
            else {
                return Err(ChangeError::Edit(EditError::NoSuchLayer(0)));
            };
            experiment.set_bias(column - 1, index, *value)?;
            None
        }
        _ => None,
    };
    Ok(shift)
}

/// How node keys moved in an edit, so that entities follow their neurons instead of being
/// reused for others.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeysShifted {
    LayerInserted(usize),
    LayerRemoved(usize),
    NeuronRemoved { layer: usize, index: usize },
}

impl KeysShifted {
    /// Where a key of the old network is in the new one (`None`: it is gone).
    pub fn map(self, key: NodeKey) -> Option<NodeKey> {
        match (self, key) {
            (KeysShifted::LayerInserted(at), NodeKey::Hidden { layer, index }) if layer >= at => {
                Some(NodeKey::Hidden {
                    layer: layer + 1,
                    index,
                })
            }
            (KeysShifted::LayerRemoved(gone), NodeKey::Hidden { layer, .. }) if layer == gone => {
                None
            }
            (KeysShifted::LayerRemoved(gone), NodeKey::Hidden { layer, index }) if layer > gone => {
                Some(NodeKey::Hidden {
                    layer: layer - 1,
                    index,
                })
            }
            (
                KeysShifted::NeuronRemoved { layer, index },
                NodeKey::Hidden { layer: l, index: i },
            ) if l == layer => match i.cmp(&index) {
                std::cmp::Ordering::Less => Some(key),
                std::cmp::Ordering::Equal => None,
                std::cmp::Ordering::Greater => Some(NodeKey::Hidden {
                    layer: l,
                    index: i - 1,
                }),
            },
            _ => Some(key),
        }
    }
}

/// A new data seed, derived from the old so that runs stay reproducible.
fn next_seed(seed: u64) -> u64 {
    seed.wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407)
        >> 16
}
