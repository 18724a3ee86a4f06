//! The sandbox: every Playground control, nothing locked.

use bevy::prelude::*;

use super::Screen;
use crate::game::StartOptions;
use crate::game::sim::Simulation;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Sandbox), apply_start_options);
}

/// A preset from the command line replaces the experiment once, and may be pre-trained.
pub fn apply_start_options(mut start: ResMut<StartOptions>, mut sim: ResMut<Simulation>) {
    let Some(preset) = start.preset.take() else {
        return;
    };
    match Simulation::new(preset.config) {
        Ok(mut fresh) => {
            fresh.speed = sim.speed;
            fresh.experiment.step(start.train_epochs);
            *sim = fresh;
        }
        Err(e) => error!("preset {}: {e}", preset.name),
    }
}
