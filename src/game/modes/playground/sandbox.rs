//! The sandbox: every Playground control, nothing locked. It comes back as the player left it
//! (saved with their progress); a preset or a share link from the command line replaces it once.

use bevy::prelude::*;

use super::sim::{Rules, Simulation};
use crate::game::save::SavedProgress;
use crate::game::screens::Screen;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        OnEnter(Screen::Sandbox),
        (restore_sandbox, super::start::apply).chain(),
    )
    .add_systems(OnExit(Screen::Sandbox), remember_sandbox)
    .add_systems(Last, remember_sandbox_on_exit);
}

/// The sandbox comes back as it was left, with the sandbox's rules and no budget.
fn restore_sandbox(
    mut sim: ResMut<Simulation>,
    saved: Res<SavedProgress>,
    mut rules: ResMut<Rules>,
) {
    *rules = Rules::default();
    sim.epoch_limit = None;
    let Some(config) = saved.progress.sandbox.clone() else {
        return;
    };
    if &config == sim.experiment.config() {
        return;
    }
    if let Ok(mut fresh) = Simulation::new(config) {
        fresh.speed = sim.speed;
        *sim = fresh;
    }
}

fn remember_sandbox(sim: Res<Simulation>, mut saved: ResMut<SavedProgress>) {
    if saved.progress.sandbox.as_ref() != Some(sim.experiment.config()) {
        saved.progress.sandbox = Some(sim.experiment.config().clone());
        saved.save();
    }
}

/// Quitting from the sandbox keeps its settings too.
fn remember_sandbox_on_exit(
    mut exits: MessageReader<AppExit>,
    screen: Res<State<Screen>>,
    sim: Res<Simulation>,
    saved: Option<ResMut<SavedProgress>>,
) {
    if exits.read().count() > 0
        && *screen.get() == Screen::Sandbox
        && let Some(saved) = saved
    {
        remember_sandbox(sim, saved);
    }
}
