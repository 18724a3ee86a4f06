//! The loading screen: shown until what the first screen needs is ready.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::Screen;
use crate::game::StartOptions;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        loading_ui.run_if(in_state(Screen::Loading)),
    )
    .add_systems(Update, finish_loading.run_if(in_state(Screen::Loading)));
}

fn loading_ui(mut contexts: EguiContexts, mut frames: Local<u32>) -> Result {
    let ctx = contexts.ctx_mut()?;
    *frames += 1;
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

/// Everything the game needs is built in (shaders are embedded), so loading ends on the first
/// frames; the levels plugin holds this screen until the level files are in.
fn finish_loading(
    mut next: ResMut<NextState<Screen>>,
    start: Res<StartOptions>,
    blockers: Query<(), With<LoadingBlocker>>,
) {
    if !blockers.is_empty() {
        return;
    }
    next.set(if start.preset.is_some() {
        Screen::Sandbox
    } else {
        Screen::Title
    });
}

/// While any entity carries this, the loading screen stays.
#[derive(Component, Debug)]
pub struct LoadingBlocker;
