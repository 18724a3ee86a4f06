//! The loading screen: shown until what the first screen needs is ready.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::Screen;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        loading_ui.run_if(in_state(Screen::Loading)),
    );
}

fn loading_ui(mut contexts: EguiContexts) -> Result {
    let ctx = contexts.ctx_mut()?;
    egui::Area::new("loading".into())
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            ui.vertical_centered(|ui| {
                ui.heading("Neural Sandbox");
                ui.add_space(8.0);
                ui.add(egui::Spinner::new().size(28.0));
                ui.label("Loading…");
            });
        });
    Ok(())
}

// The level files are what the loading screen waits for; `levels::plugin` moves on to the title
// when they are in (or when they cannot be loaded: the level select then says why).
