//! The game's screens and the moves between them.

pub mod loading;
pub mod sandbox;
pub mod title;

use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.init_state::<Screen>().add_computed_state::<Workbench>();
    app.add_plugins((loading::plugin, title::plugin, sandbox::plugin));
}

/// Where the player is.
#[derive(States, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Screen {
    /// Waiting for the assets (shaders, levels) to be ready.
    #[default]
    Loading,
    Title,
    Sandbox,
    /// The list of challenge levels.
    LevelSelect,
    /// Playing a challenge level.
    Level,
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
