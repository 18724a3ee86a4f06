//! Colours, the look of the egui panels, and small widgets every mode uses.

pub mod fonts;
pub mod form_factor;
pub mod palette;
pub mod panel_room;
pub mod widgets;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

pub(super) fn plugin(app: &mut App) {
    app.add_plugins((fonts::plugin, form_factor::plugin))
        .init_resource::<panel_room::PanelRoom>()
        .insert_resource(ClearColor(palette::BACKGROUND))
        .add_systems(
            EguiPrimaryContextPass,
            (style_once, form_factor::size_controls_for_fingers).chain(),
        );
}

/// A light theme close to the Playground's page.
fn style_once(mut contexts: EguiContexts, mut done: Local<bool>) -> Result {
    if *done {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    let mut style = (*ctx.global_style()).clone();
    style.visuals = egui::Visuals::light();
    style.visuals.panel_fill = egui::Color32::from_rgb(250, 250, 250);
    style.visuals.window_fill = egui::Color32::from_rgb(252, 252, 252);
    style.spacing.item_spacing = egui::vec2(8.0, 6.0);
    style.spacing.button_padding = egui::vec2(8.0, 4.0);
    style.interaction.tooltip_delay = 0.25;
    ctx.set_global_style(style);
    *done = true;
    Ok(())
}
