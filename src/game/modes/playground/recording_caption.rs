//! What a recording of the sandbox says about itself (burned in when "Captions" is on): the data
//! and the task, the network, the hyperparameters and where training stands, which is what the
//! course's video assignment asks students to explain.

use bevy::prelude::*;

use super::sim::Simulation;
use crate::game::recording::{Recorder, RecordingCaption};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        describe
            .after(super::sim::SimSet::Mirror)
            .run_if(in_state(super::Workbench)),
    );
}

/// The caption for the sandbox's experiment.
pub fn caption(sim: &Simulation) -> String {
    let e = &sim.experiment;
    let c = e.config();
    let data = e
        .data_from_file()
        .map(str::to_string)
        .unwrap_or_else(|| format!("{} (noise {})", c.dataset.name(), c.noise));
    let inputs: Vec<&str> = e.network().features.iter().map(|f| f.label()).collect();
    let hidden = e.network().hidden_sizes();
    let network = if hidden.is_empty() {
        "no hidden layer".to_string()
    } else {
        let sizes: Vec<String> = hidden.iter().map(|n| n.to_string()).collect();
        format!(
            "hidden layers {} ({})",
            sizes.join("-"),
            c.activation.name()
        )
    };
    let regularization = match c.regularization {
        crate::nn::Regularization::None => String::new(),
        r => format!(" · {r} {}", c.regularization_rate),
    };
    let latest = e.latest();
    let accuracy = latest
        .test_accuracy
        .map(|a| format!(", test accuracy {:.0} %", a * 100.0))
        .unwrap_or_default();
    format!(
        "{data}, {} · inputs {} · {network}\nlearning rate {} · batch {}{regularization} · {} % training data\nepoch {} · test loss {:.4} (training {:.4}){accuracy}",
        c.problem(),
        inputs.join(", "),
        c.learning_rate,
        c.batch_size,
        c.train_ratio,
        latest.epoch,
        latest.test_loss,
        latest.train_loss
    )
}

fn describe(sim: Res<Simulation>, recorder: Res<Recorder>, mut text: ResMut<RecordingCaption>) {
    if recorder.is_recording() {
        text.0 = caption(&sim);
    }
}
