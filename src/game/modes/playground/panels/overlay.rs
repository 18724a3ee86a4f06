//! Over the network view: the divergence banner, and where the notices stand.

use bevy::prelude::*;
use bevy_egui::egui;

use super::OverNetworkUi;
use crate::game::theme::widgets;

pub fn show(ctx: &egui::Context, s: &mut OverNetworkUi) {
    let rect = s.bench.view_rect();
    if let Some(divergence) = s.bench.sim.experiment.divergence() {
        let at = rect.min + Vec2::new(rect.size.x / 2.0, 14.0);
        widgets::banner(
            ctx,
            "divergence banner",
            at,
            rect.size.x - 40.0,
            &divergence.message(),
        );
    }
    s.notice_anchor.0 = Some(rect.min + Vec2::new(rect.size.x / 2.0, rect.size.y - 12.0));
}
