//! The external plugins, each set up in one file so the rest of the game sees a clean surface:
//! Bevy's own (window, assets), bevy_egui, bevy_asset_loader.

pub mod asset_loader;
pub mod egui;

use bevy::app::PluginGroupBuilder;
use bevy::asset::AssetMetaCheck;
use bevy::prelude::*;
use bevy::window::WindowResolution;

/// Bevy's default plugins as the game uses them: one resizable window that fills its canvas on
/// the web, and assets without `.meta` files (none are served).
pub fn default_plugins(resolution: (u32, u32)) -> PluginGroupBuilder {
    DefaultPlugins
        .set(WindowPlugin {
            primary_window: Some(Window {
                title: "Neural Sandbox".into(),
                resolution: WindowResolution::new(resolution.0, resolution.1),
                resizable: true,
                canvas: Some("#bevy".into()),
                fit_canvas_to_parent: true,
                prevent_default_event_handling: true,
                ..default()
            }),
            ..default()
        })
        .set(AssetPlugin {
            meta_check: AssetMetaCheck::Never,
            ..default()
        })
}
