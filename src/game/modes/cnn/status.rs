//! The mode's numbers for `--dump-state`, tests and the web page, and its keys.

use bevy::prelude::*;
use bevy_egui::input::egui_wants_any_keyboard_input;

use super::CnnStage;
use super::level_run::CnnLevelRun;
use super::sim::{CnnAction, CnnRules, CnnSet, CnnSim};
use super::ui::CnnScreen;
use crate::game::status::Status;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        (
            publish_status.after(CnnSet::Train),
            keys.before(CnnSet::Apply)
                .run_if(not(egui_wants_any_keyboard_input)),
        )
            .run_if(in_state(CnnStage).and_then(resource_exists::<CnnSim>)),
    );
}

fn publish_status(
    sim: Res<CnnSim>,
    level: Option<Res<CnnLevelRun>>,
    screen: Res<CnnScreen>,
    shown: Res<State<crate::game::screens::Screen>>,
    mut status: ResMut<Status>,
) {
    let t = &sim.training;
    status.fields.clear();
    status.set("mode", "cnn");
    // "Cnn", or "CnnLevel" in a level.
    status.set("screen", format!("{:?}", shown.get()));
    status.set("epoch", t.epoch);
    status.set("steps", t.steps);
    status.set("playing", sim.playing);
    status.set("dataset", sim.dataset.name());
    status.set("train_images", sim.train.len());
    status.set("parameters", sim.model().parameter_count());
    status.set(
        "model",
        match &sim.source {
            super::sim::ModelSource::Trained => "trained".to_string(),
            super::sim::ModelSource::Opened(name) => name.clone(),
        },
    );
    status.set("test_accuracy", t.history.last().map(|r| r.test.accuracy));
    status.set("test_loss", t.history.last().map(|r| r.test.loss));
    status.set("images_per_s", sim.images_per_s);
    status.set("training_images_per_s", sim.training_images_per_s);
    status.set("train_ms_last_frame", sim.train_ms_last_frame);
    status.set("inference_ms", sim.inference_ms);
    status.set(
        "picture",
        (sim.shown == super::sim::Shown::Custom).then(|| sim.custom_name.clone()),
    );
    status.set(
        "probabilities",
        sim.acts
            .probabilities
            .iter()
            .map(|&p| f64::from(p))
            .collect::<Vec<_>>(),
    );
    status.set("detail", screen.detail.as_ref().map(|d| format!("{d:?}")));
    if let Some(run) = level.as_deref() {
        status.set("level", run.level.id.clone());
        status.set("level_phase", format!("{:?}", run.phase));
    }
    status.set("buttons", serde_json::Value::Object(screen.buttons.clone()));
}

/// Space trains or pauses; S steps one batch.
fn keys(
    keyboard: Res<ButtonInput<KeyCode>>,
    sim: Res<CnnSim>,
    level: Option<Res<CnnLevelRun>>,
    mut actions: MessageWriter<CnnAction>,
) {
    let trainable = sim.can_train() && level.is_none_or(|run| run.allows_training());
    if keyboard.just_pressed(KeyCode::Space) && trainable {
        actions.write(CnnAction::Play(!sim.playing));
    }
    if keyboard.just_pressed(KeyCode::KeyS) && trainable {
        actions.write(CnnAction::Step);
    }
}
