//! The room the panels of a screen share in one frame, so that each panel can be its own system:
//! the first panel starts from the whole screen, each takes its side (a bar on top, a panel on
//! the left...) and leaves the rest to the systems after it, chained in order.

use bevy::prelude::*;
use bevy_egui::egui;

/// What the panels shown so far this frame left free, in screen points.
#[derive(Resource, Debug, Default, Clone, Copy)]
pub struct PanelRoom {
    free: Option<egui::Rect>,
}

impl PanelRoom {
    /// A new frame: the whole screen is free again.
    pub fn start(&mut self, ctx: &egui::Context) {
        self.free = Some(ctx.viewport_rect());
    }

    /// A background Ui over the free room, for the next panel to take its side of.
    pub fn ui(&self, ctx: &egui::Context, id: &str) -> egui::Ui {
        egui::Ui::new(
            ctx.clone(),
            egui::Id::new(id),
            egui::UiBuilder::new()
                .layer_id(egui::LayerId::background())
                .max_rect(self.free.unwrap_or_else(|| ctx.viewport_rect())),
        )
    }

    /// Shows `panel` on its side of the free room (in a Ui named `id`) and leaves the rest to the
    /// panels after it.
    pub fn show<R>(
        &mut self,
        ctx: &egui::Context,
        id: &str,
        panel: egui::Panel,
        add: impl FnOnce(&mut egui::Ui) -> R,
    ) -> R {
        let mut ui = self.ui(ctx, id);
        let inner = panel.show(&mut ui, add).inner;
        self.keep(&ui);
        inner
    }

    /// What `ui` still leaves free, for the panels after it.
    pub fn keep(&mut self, ui: &egui::Ui) {
        self.free = Some(ui.available_rect_before_wrap());
    }

    /// The free room (the whole screen before the first panel).
    pub fn free(&self, ctx: &egui::Context) -> egui::Rect {
        self.free.unwrap_or_else(|| ctx.viewport_rect())
    }
}
