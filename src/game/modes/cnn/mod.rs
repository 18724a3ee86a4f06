//! CNN mode: CNN Explainer's views on a convolutional network the student trains (a mini Tiny
//! VGG on drawn shapes, handwritten digits or their own drawings) or on a model they open (CNN
//! Explainer's Tiny VGG, or any like it): the overview of every map, the convolution, activation,
//! pool and softmax details down to one multiply-add, kernels edited by hand, saliency, the
//! curves, the confusion matrix and the mistakes.

pub mod detail;
pub mod detail_parts;
pub mod drawing;
pub mod files;
pub mod kernel_views;
pub mod level_run;
pub mod maps;
pub mod other_details;
pub mod overview;
pub mod panels;
pub mod recording_caption;
pub mod results_panel;
pub mod run_bar;
pub mod settings_panel;
pub mod sim;
pub mod start;
pub mod status;
pub mod training;
pub mod ui;

use bevy::prelude::*;

use crate::game::screens::Screen;

pub(super) fn plugin(app: &mut App) {
    app.add_computed_state::<CnnStage>();
    app.add_plugins((
        sim::plugin,
        training::plugin,
        panels::plugin,
        files::plugin,
        status::plugin,
        start::plugin,
        level_run::plugin,
        recording_caption::plugin,
    ));
    // The one apply system and the training clock, under the rules of the level being played
    // (if one is).
    app.add_systems(
        Update,
        (
            sim::apply_actions::<level_run::CnnLevelRun>.in_set(sim::CnnSet::Apply),
            training::train_within_budget::<level_run::CnnLevelRun>.in_set(sim::CnnSet::Train),
        ),
    );
}

/// The CNN bench. Training runs only while it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CnnStage;

impl ComputedStates for CnnStage {
    type SourceStates = Screen;

    fn compute(screen: Screen) -> Option<Self> {
        matches!(screen, Screen::Cnn | Screen::CnnLevel).then_some(CnnStage)
    }
}
