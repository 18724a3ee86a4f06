//! The sandbox: every Playground control, nothing locked.

use bevy::prelude::*;

use super::Screen;
use crate::game::StartOptions;
use crate::game::sim::Simulation;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Sandbox), apply_start_options);
}

/// A preset from the command line replaces the experiment once, and may be pre-trained.
pub fn apply_start_options(
    mut start: ResMut<StartOptions>,
    mut sim: ResMut<Simulation>,
    mut notices: ResMut<crate::game::notices::Notices>,
) {
    if let Some(why) = start.link_error.take() {
        notices.refused(format!("{why} The default sandbox opened instead."));
    }
    let Some(preset) = start.preset.take() else {
        return;
    };
    match Simulation::new(preset.config) {
        Ok(mut fresh) => {
            fresh.speed = start.speed.unwrap_or(sim.speed);
            fresh.experiment.step(start.train_epochs);
            fresh.playing = start.play;
            *sim = fresh;
        }
        Err(e) => error!("preset {}: {e}", preset.name),
    }
}
