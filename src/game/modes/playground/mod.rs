//! Playground mode: TensorFlow Playground as a game. The sandbox (every control, nothing locked)
//! and the challenge levels share one workbench: the experiment ([`Simulation`]), its network
//! view, the panels and the training clock, which runs only while the workbench is shown.

#[cfg(not(target_arch = "wasm32"))]
pub mod background;
pub mod buttons;
pub mod code_view;
pub mod compare;
pub mod experiment_files;
pub mod lessons;
pub mod level_run;
pub mod links;
pub mod mirror;
pub mod own_data;
pub mod panels;
pub mod recording_caption;
pub mod sandbox;
pub mod share;
pub mod sim;
pub mod slow_motion;
pub mod slow_motion_drawing;
pub mod slow_motion_ui;
pub mod start;
pub mod training;
pub mod view;

use bevy::prelude::*;

use crate::game::screens::Screen;
pub use sim::{SimAction, SimSet, Simulation, TrainingSpeed};

pub(super) fn plugin(app: &mut App) {
    app.add_computed_state::<Workbench>();
    app.add_plugins((
        sim::plugin,
        buttons::plugin,
        training::plugin,
        mirror::plugin,
        compare::plugin,
        experiment_files::plugin,
        own_data::plugin,
        sandbox::plugin,
        level_run::plugin,
        panels::plugin,
        share::plugin,
        start::plugin,
    ));
    // The explain and present tools.
    app.add_plugins((
        links::plugin,
        code_view::plugin,
        slow_motion_ui::plugin,
        lessons::plugin,
        recording_caption::plugin,
    ));
    #[cfg(not(target_arch = "wasm32"))]
    app.add_plugins(background::plugin);
}

/// The network workbench: the sandbox and the levels share it (the network view, the panels,
/// training). Entities of the workbench live while either screen is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Workbench;

impl ComputedStates for Workbench {
    type SourceStates = Screen;

    fn compute(screen: Screen) -> Option<Self> {
        matches!(screen, Screen::Sandbox | Screen::Level).then_some(Workbench)
    }
}
