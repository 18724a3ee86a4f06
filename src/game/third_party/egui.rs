//! bevy_egui: every text and panel of the game is drawn by egui (Bevy's own text stack is left
//! out of the build). The egui context lives on its own full-window camera (see `camera`).

use bevy::prelude::*;

/// Adds egui to the real game (headless tests run the UI systems without it).
pub fn add_to(app: &mut App) {
    app.add_plugins(bevy_egui::EguiPlugin::default());
}
