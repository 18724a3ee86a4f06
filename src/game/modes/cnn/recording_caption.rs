//! What a recording of the CNN says about itself (burned in when "Captions" is on): the images,
//! the network, the training settings and where training stands.

use bevy::prelude::*;

use super::CnnStage;
use super::sim::{CnnSim, ModelSource};
use crate::cnn::train::CnnOptimizer;
use crate::game::recording::{Recorder, RecordingCaption};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Update, describe.run_if(in_state(CnnStage)));
}

/// The caption for the CNN screen.
pub fn caption(sim: &CnnSim) -> String {
    if let ModelSource::Opened(name) = &sim.source {
        return format!(
            "CNN: {name} · {} parameters, trained elsewhere",
            sim.model().parameter_count()
        );
    }
    let spec = &sim.spec;
    let optimizer = match sim.optimizer {
        CnnOptimizer::Sgd {
            learning_rate,
            momentum,
        } => format!("SGD, learning rate {learning_rate}, momentum {momentum}"),
        CnnOptimizer::Adam { learning_rate } => format!("Adam, learning rate {learning_rate}"),
    };
    let t = &sim.training;
    let latest = t
        .history
        .last()
        .map(|r| {
            format!(
                " · test loss {:.3} · test accuracy {:.1} %",
                r.test.loss,
                100.0 * r.test.accuracy
            )
        })
        .unwrap_or_default();
    format!(
        "CNN on {} ({} classes) · {} blocks of two {}x{} convolutions, {} filters, {}\n{optimizer} · batch {}\nepoch {}{latest}",
        sim.dataset.title(),
        sim.classes,
        spec.blocks,
        spec.kernel,
        spec.kernel,
        spec.filters,
        format!("{:?}", spec.activation).to_lowercase(),
        sim.batch_size,
        t.epoch,
    )
}

fn describe(sim: Res<CnnSim>, recorder: Res<Recorder>, mut text: ResMut<RecordingCaption>) {
    if recorder.is_recording() {
        text.0 = caption(&sim);
    }
}
