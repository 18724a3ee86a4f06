//! The game's screens and the moves between them.

pub mod loading;
pub mod sandbox;
pub mod title;

use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.init_state::<Screen>();
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
}
