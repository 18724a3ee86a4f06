//! The Bevy game.

use crate::cli::{GameArgs, Outcome};

pub fn run(_args: GameArgs) -> Outcome {
    use bevy::prelude::*;
    App::new()
        .add_plugins(DefaultPlugins)
        .add_plugins(bevy_egui::EguiPlugin::default())
        .run();
    Outcome::Done
}
