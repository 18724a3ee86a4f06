//! GAN mode: GAN Lab as a game. A generator and a discriminator, both small ReLU networks drawn
//! neuron by neuron, compete over 2-D points: the model graph with the two networks and their
//! update loops, the big layered plot, the measures with their noise floor, slow motion through
//! the ten steps of an epoch, manual steps, drawing one's own data, models saved and opened.
//! It opens on GAN Lab's own starting point: the gaussians preset trained to epoch 1,931.

pub mod graph;
pub mod graph_edit;
pub mod level_run;
pub mod model_files;
pub mod panels;
pub mod plot;
pub mod recording_caption;
pub mod run_bar;
pub mod side_panel;
pub mod sim;
pub mod start;
pub mod status;
pub mod training;
pub mod ui;
pub mod views;

use bevy::prelude::*;

use crate::game::screens::Screen;
pub use sim::GanSet;

pub(super) fn plugin(app: &mut App) {
    app.add_computed_state::<GanStage>();
    app.add_plugins((
        sim::plugin,
        training::plugin,
        views::plugin,
        level_run::plugin,
        panels::plugin,
        model_files::plugin,
        status::plugin,
        start::plugin,
        recording_caption::plugin,
    ));
    // The one apply system, under the rules of the level being played (if one is).
    app.add_systems(
        Update,
        sim::apply_actions::<level_run::GanLevelRun>
            .in_set(GanSet::Apply)
            .run_if(in_state(GanStage)),
    );
}

/// The GAN bench: the free GAN screen and the GAN levels share it. Training runs only
/// while it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GanStage;

impl ComputedStates for GanStage {
    type SourceStates = Screen;

    fn compute(screen: Screen) -> Option<Self> {
        matches!(screen, Screen::Gan | Screen::GanLevel).then_some(GanStage)
    }
}
