//! The experiment as a Bevy resource, the player's actions on it, and the training clock.
//!
//! The core [`Experiment`] is the one source of truth. UI and input only send [`SimAction`]
//! messages; [`apply_actions`] turns them into changes of the experiment; everything on screen
//! is derived from it afterwards.

pub mod training;

use bevy::prelude::*;

use crate::data::Feature;
use crate::experiment::{Experiment, ExperimentConfig};
use crate::game::notices::Notices;

pub(super) fn plugin(app: &mut App) {
    app.add_message::<SimAction>()
        .init_resource::<Simulation>()
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
    AddLayer,
    RemoveLayer,
    AddNeuron {
        layer: usize,
    },
    RemoveNeuron {
        layer: usize,
    },
    ToggleFeature(Feature),
    SetSpeed(TrainingSpeed),
}

/// Applies the frame's actions to the experiment. A refused change keeps everything as it was and
/// says why.
pub fn apply_actions(
    mut actions: MessageReader<SimAction>,
    mut sim: ResMut<Simulation>,
    mut notices: ResMut<Notices>,
) {
    for action in actions.read() {
        let config = sim.experiment.config().clone();
        let limits = config.limits;
        let mut changed = config.clone();
        match action {
            SimAction::TogglePlay => {
                sim.playing = !sim.playing && sim.experiment.divergence().is_none();
                continue;
            }
            SimAction::Pause => {
                sim.playing = false;
                continue;
            }
            SimAction::Step => {
                sim.playing = false;
                sim.experiment.step(1);
                continue;
            }
            SimAction::Reset => {
                sim.experiment.reset();
                sim.epoch_credit = 0.0;
                continue;
            }
            SimAction::Regenerate => {
                if sim.experiment.data_from_file().is_some() {
                    notices.info("This data comes from a file; there is nothing to regenerate.");
                } else {
                    let seed = next_seed(config.seed);
                    sim.experiment.regenerate_data(seed);
                    notices.info("New data from a new seed; the weights are unchanged.");
                }
                continue;
            }
            SimAction::SetSpeed(speed) => {
                sim.speed = *speed;
                sim.epoch_credit = 0.0;
                continue;
            }
            SimAction::Configure(new) => changed = (**new).clone(),
            SimAction::AddLayer => {
                if config.hidden_layers.len() >= limits.max_hidden_layers {
                    notices.refused(format!(
                        "At most {} hidden layers.",
                        limits.max_hidden_layers
                    ));
                    continue;
                }
                // The Playground starts a new layer with 2 neurons.
                changed
                    .hidden_layers
                    .push(2.min(limits.max_neurons_per_layer));
            }
            SimAction::RemoveLayer => {
                if changed.hidden_layers.pop().is_none() {
                    notices.refused("There is no hidden layer to remove.");
                    continue;
                }
            }
            SimAction::AddNeuron { layer } => match changed.hidden_layers.get_mut(*layer) {
                Some(n) if *n < limits.max_neurons_per_layer => *n += 1,
                Some(_) => {
                    notices.refused(format!(
                        "A layer holds at most {} neurons.",
                        limits.max_neurons_per_layer
                    ));
                    continue;
                }
                None => continue,
            },
            SimAction::RemoveNeuron { layer } => match changed.hidden_layers.get_mut(*layer) {
                Some(n) if *n > 1 => *n -= 1,
                Some(_) => {
                    notices.refused(
                        "A layer needs at least one neuron; remove the whole layer instead.",
                    );
                    continue;
                }
                None => continue,
            },
            SimAction::ToggleFeature(feature) => {
                if changed.features.contains(feature) {
                    if changed.features.len() == 1 {
                        notices.refused("The network needs at least one input feature.");
                        continue;
                    }
                    changed.features.retain(|f| f != feature);
                } else {
                    changed.features.push(*feature);
                    changed.features = crate::data::features::canonical_order(&changed.features);
                }
            }
        }
        if changed == config {
            continue;
        }
        match sim.experiment.apply_config(changed) {
            Ok(change) => {
                if change.network_rebuilt {
                    sim.playing = false;
                    sim.epoch_credit = 0.0;
                }
            }
            Err(errors) => notices.refused(errors.to_string()),
        }
    }
}

/// A new data seed, derived from the old so that runs stay reproducible.
fn next_seed(seed: u64) -> u64 {
    seed.wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407)
        >> 16
}
