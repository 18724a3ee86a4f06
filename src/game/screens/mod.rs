//! The game's screens and the moves between them. The screen enum names every mode's screens;
//! each mode's plugin decides what happens on its own.

pub mod loading;
pub mod title;

use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.init_state::<Screen>();
    app.add_plugins((loading::plugin, title::plugin));
}

/// Where the player is.
#[derive(States, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Screen {
    /// Waiting for the assets (levels) to be ready.
    #[default]
    Loading,
    /// The mode picker.
    Title,
    /// Playground mode: the free sandbox.
    Sandbox,
    /// The list of challenge levels.
    LevelSelect,
    /// Playground mode: playing a challenge level.
    Level,
    /// GAN mode: GAN Lab as a game.
    Gan,
    /// GAN mode: playing a GAN level.
    GanLevel,
    /// CNN mode: CNN Explainer as a game.
    Cnn,
    /// CNN mode: playing a CNN level.
    CnnLevel,
}
