//! The experiment as a Bevy resource, the player's actions on it, and the rules of the mode.
//!
//! The core [`Experiment`] is the one source of truth, and the core decides whether an edit is
//! allowed. UI, keys and the network view only send [`SimAction`]s (or [`ViewEdit`]s);
//! [`apply_actions`] turns them into changes of the experiment; everything on screen is derived
//! from it afterwards.

use std::sync::atomic::{AtomicU64, Ordering};

use bevy::prelude::*;

use super::Workbench;
use super::view::PlaygroundView;
use crate::data::Feature;
use crate::experiment::{Edit, EditRules, Experiment, ExperimentConfig, UndoHistory};
use crate::game::network_view::{NodeKey, ViewEdit, ViewKeysShifted, ViewPulse, ViewSet};
use crate::game::notices::Notices;

pub(super) fn plugin(app: &mut App) {
    app.add_message::<SimAction>()
        .init_resource::<Simulation>()
        .init_resource::<Rules>()
        .init_resource::<Undo>()
        .configure_sets(
            Update,
            (SimSet::Apply, SimSet::Mirror)
                .chain()
                .before(ViewSet::Sync),
        )
        .add_systems(
            Update,
            apply_actions
                .in_set(SimSet::Apply)
                .run_if(in_state(Workbench)),
        );
}

/// Ordering of the mode's systems within a frame, before the view's.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum SimSet {
    /// Player actions change the experiment.
    Apply,
    /// The view is told what the experiment now is.
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

/// Numbers every experiment put on the workbench, so that the view knows a new one from an
/// edited one even when their versions are equal.
static GENERATIONS: AtomicU64 = AtomicU64::new(1);

/// The workbench's experiment and how it is being played.
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
    /// Which experiment this is (see [`GENERATIONS`]).
    pub generation: u64,
}

impl Default for Simulation {
    fn default() -> Self {
        Self::new(ExperimentConfig::default()).expect("the default configuration is valid")
    }
}

impl Simulation {
    pub fn new(config: ExperimentConfig) -> Result<Self, crate::experiment::ConfigErrors> {
        Ok(Self {
            experiment: Experiment::new(config)?,
            playing: false,
            // The Playground's pace (one epoch a frame); Max is one click away.
            speed: TrainingSpeed::PerSecond(60),
            measured_rate: 0.0,
            epoch_credit: 0.0,
            epoch_limit: None,
            generation: GENERATIONS.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// Puts another experiment on the workbench (a Compare variant, weights and history), paused:
    /// only through [`SimAction::Adopt`], which also decides what becomes of the undo steps.
    fn adopt(&mut self, experiment: Experiment) {
        self.experiment = experiment;
        self.playing = false;
        self.epoch_credit = 0.0;
        self.generation = GENERATIONS.fetch_add(1, Ordering::Relaxed);
    }

    /// How many more epochs may be trained (the level's budget), `u64::MAX` without a limit.
    pub fn epochs_left(&self) -> u64 {
        self.epoch_limit.map_or(u64::MAX, |limit| {
            limit.saturating_sub(self.experiment.epoch())
        })
    }
}

/// What edits and settings the current screen allows (a level's palette; everything in the
/// sandbox). The rules themselves are the core's.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct Rules(pub EditRules);

/// The undo and redo stacks of the workbench.
#[derive(Resource, Debug, Default)]
pub struct Undo(pub UndoHistory);

/// Everything the player can do to the experiment.
#[derive(Message, Debug, Clone)]
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
    /// An edit of the network by hand (undoable; every weight that still has a place is kept).
    Edit(Edit),
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
    /// Adds the feature if it is not an input, removes it if it is.
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
    /// Train on the player's own points (drawn or opened), keeping the weights.
    UseData {
        data: Box<crate::data::Data>,
        name: String,
    },
    /// Back to the configuration's generated dataset.
    GeneratedData,
    /// A whole experiment in place of this one, paused. `Replaced` (an opened file, a link, a
    /// Compare run) forgets the steps to undo, which were about the network just replaced;
    /// `Stepped` (backprop step by step moving the same network) keeps them. `said` become
    /// notices once it is in.
    Adopt {
        experiment: Box<Experiment>,
        why: AdoptWhy,
        said: Vec<String>,
    },
}

/// Why a whole experiment is adopted (see [`SimAction::Adopt`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdoptWhy {
    Replaced,
    Stepped,
}

impl SimAction {
    /// A new experiment in place of this one (an opened file, a link, a Compare run).
    pub fn replace_with(experiment: Experiment, said: Vec<String>) -> Self {
        Self::Adopt {
            experiment: Box::new(experiment),
            why: AdoptWhy::Replaced,
            said,
        }
    }
}

impl SimAction {
    /// The core edit this action asks for, given the current network ("the last layer",
    /// "toggle" are resolved here), or `None` for actions that are not edits. An action about a
    /// layer that does not exist becomes an edit the core refuses, with its reason.
    pub fn edit(&self, network: &crate::nn::Network) -> Option<Edit> {
        let hidden = network.hidden_sizes();
        let last_layer = hidden.len().checked_sub(1);
        Some(match *self {
            SimAction::Edit(edit) => edit,
            SimAction::AddLayer => Edit::InsertLayer { at: hidden.len() },
            SimAction::InsertLayer { at } => Edit::InsertLayer { at },
            SimAction::RemoveLayer => Edit::RemoveLayer {
                layer: last_layer.unwrap_or(usize::MAX),
            },
            SimAction::RemoveLayerAt { layer } => Edit::RemoveLayer { layer },
            SimAction::AddNeuron { layer } => Edit::AddNeuron { layer },
            SimAction::RemoveNeuron { layer } => Edit::RemoveNeuron {
                layer,
                index: hidden.get(layer).map_or(0, |n| n.saturating_sub(1)),
            },
            SimAction::RemoveNeuronAt { layer, index } => Edit::RemoveNeuron { layer, index },
            SimAction::ToggleFeature(f) if network.features.contains(&f) => Edit::RemoveFeature(f),
            SimAction::ToggleFeature(f) | SimAction::AddFeature(f) => Edit::AddFeature(f),
            SimAction::RemoveFeature(f) => Edit::RemoveFeature(f),
            SimAction::SetWeight {
                source,
                target,
                value,
            } => Edit::SetWeight {
                source,
                target,
                value,
            },
            SimAction::SetBias { node, value } => Edit::SetBias { node, value },
            _ => return None,
        })
    }
}

/// Applies the frame's actions to the experiment. A refused change keeps everything as it was and
/// says why.
pub fn apply_actions(
    mut actions: MessageReader<SimAction>,
    mut view_edits: MessageReader<ViewEdit>,
    mut sim: ResMut<Simulation>,
    mut notices: ResMut<Notices>,
    mut undo: ResMut<Undo>,
    mut shifts: MessageWriter<ViewKeysShifted>,
    mut pulses: MessageWriter<ViewPulse>,
    rules: Res<Rules>,
    view: Option<Res<PlaygroundView>>,
) {
    let view = view.map(|v| v.0);
    let from_view = view_edits
        .read()
        .filter(|e| Some(e.view) == view)
        .map(|e| SimAction::Edit(e.edit));
    let all: Vec<SimAction> = actions.read().cloned().chain(from_view).collect();
    for action in all {
        let config = sim.experiment.config().clone();
        if let Some(edit) = action.edit(sim.experiment.network()) {
            let before = sim.experiment.snapshot();
            match sim.experiment.apply_edit(&edit, &rules.0) {
                Ok(shift) => {
                    undo.0.push(before);
                    if let Some(view) = view {
                        if let Some(shift) = shift {
                            shifts.write(ViewKeysShifted { view, shift });
                        }
                        pulses.write(ViewPulse { view });
                    }
                }
                Err(why) => notices.refused(why),
            }
            continue;
        }
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
                if let Some(view) = view {
                    pulses.write(ViewPulse { view });
                }
            }
            SimAction::Regenerate => {
                if sim.experiment.data_from_file().is_some() {
                    notices.info("This data comes from a file; there is nothing to regenerate.");
                } else {
                    sim.experiment.regenerate_data(next_seed(config.seed));
                    notices.info("New data from a new seed; the weights are unchanged.");
                }
            }
            SimAction::UseData { data, name } => {
                if let Err(errors) = sim.experiment.use_own_data(*data, &name) {
                    notices.refused(format!("These points cannot be trained on: {errors}"));
                }
            }
            SimAction::GeneratedData if sim.experiment.data_from_file().is_some() => {
                sim.experiment.use_generated_data();
                notices.info("Back to the generated data; the weights are unchanged.");
            }
            SimAction::SetSpeed(speed) => {
                sim.speed = speed;
                sim.epoch_credit = 0.0;
            }
            SimAction::Configure(new) => {
                configure(&mut sim, &config, *new, &rules.0, &mut undo, &mut notices)
            }
            SimAction::Adopt {
                experiment,
                why,
                said,
            } => {
                sim.adopt(*experiment);
                if why == AdoptWhy::Replaced {
                    undo.0.clear();
                }
                for line in said {
                    notices.info(line);
                }
            }
            SimAction::Undo | SimAction::Redo => {
                undo_or_redo(
                    &mut sim,
                    &mut undo,
                    matches!(action, SimAction::Redo),
                    &mut notices,
                );
                if let Some(view) = view {
                    pulses.write(ViewPulse { view });
                }
            }
            _ => {}
        }
    }
}

/// New settings: refused where the rules lock them; a rebuilt network starts paused with no
/// steps to undo, and own points that no longer fit give way to the generated data.
fn configure(
    sim: &mut Simulation,
    config: &ExperimentConfig,
    new: ExperimentConfig,
    rules: &EditRules,
    undo: &mut Undo,
    notices: &mut Notices,
) {
    if new == *config {
        return;
    }
    if let Some(reason) = rules.settings_refusal(config, &new) {
        notices.refused(reason);
        return;
    }
    // Own points keep their labels: a dataset chosen, or another problem or class
    // count (the labels would no longer fit), brings back the generated data.
    let leaves_own_data = sim.experiment.data_from_file().is_some()
        && (new.dataset != config.dataset
            || new.problem() != config.problem()
            || new.classes != config.classes);
    match sim.experiment.apply_config(new) {
        Ok(change) if change.network_rebuilt || leaves_own_data => {
            if leaves_own_data {
                sim.experiment.use_generated_data();
                sim.experiment.reset();
                notices.info("Back to the generated data (your points are kept in the drawing).");
            }
            sim.playing = false;
            sim.epoch_credit = 0.0;
            // The steps to undo were about the network just replaced.
            undo.0.clear();
        }
        Ok(_) => {}
        Err(errors) => notices.refused(errors.to_string()),
    }
}

/// Ctrl+Z and Ctrl+Shift+Z, said in a notice.
fn undo_or_redo(sim: &mut Simulation, undo: &mut Undo, redo: bool, notices: &mut Notices) {
    let done = if redo {
        undo.0.redo(&mut sim.experiment)
    } else {
        undo.0.undo(&mut sim.experiment)
    };
    match (done, redo) {
        (Ok(true), false) => notices.info("Undone."),
        (Ok(true), true) => notices.info("Redone."),
        (Ok(false), false) => notices.info("Nothing to undo."),
        (Ok(false), true) => notices.info("Nothing to redo."),
        (Err(e), _) => notices.refused(e),
    }
}

/// A new data seed, derived from the old so that runs stay reproducible.
fn next_seed(seed: u64) -> u64 {
    seed.wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407)
        >> 16
}
