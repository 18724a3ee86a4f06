//! Text in the network views (feature names, tray captions) drawn by egui at the position of its
//! entity, clipped to its view, so that the world needs no font stack of its own (a large part
//! of the web build).

use bevy::prelude::*;
use bevy_egui::egui;

use super::{InView, ViewRect};
use crate::game::camera::ScreenSpace;

/// Where the text sits relative to its entity's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelAlign {
    /// Ends at the point (labels left of a neuron).
    Right,
    /// Centred on the point.
    Center,
    /// Hangs below the point.
    Below,
}

/// A short text attached to an entity of the network view.
#[derive(Component, Debug, Clone, PartialEq)]
pub struct WorldLabel {
    pub text: String,
    pub size: f32,
    pub color: Color,
    pub align: LabelAlign,
}

impl WorldLabel {
    pub fn new(text: impl Into<String>, size: f32, color: Color, align: LabelAlign) -> Self {
        Self {
            text: text.into(),
            size,
            color,
            align,
        }
    }
}

/// Draws every label under the rest of the interface (tooltips and cards cover them).
pub fn show(
    ctx: &egui::Context,
    space: &ScreenSpace,
    labels: &Query<(
        &WorldLabel,
        &GlobalTransform,
        &InView,
        Option<&InheritedVisibility>,
    )>,
    rects: &Query<&ViewRect>,
) {
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Background,
        egui::Id::new("world labels"),
    ));
    for (label, transform, in_view, visibility) in labels {
        if visibility.is_some_and(|v| !v.get()) {
            continue;
        }
        let Ok(rect) = rects.get(in_view.0) else {
            continue;
        };
        let clip = egui::Rect::from_min_size(
            egui::pos2(rect.min.x, rect.min.y),
            egui::vec2(rect.size.x, rect.size.y),
        );
        let at = space.world_to_window(transform.translation().truncate());
        let align = match label.align {
            LabelAlign::Right => egui::Align2::RIGHT_CENTER,
            LabelAlign::Center => egui::Align2::CENTER_CENTER,
            LabelAlign::Below => egui::Align2::CENTER_TOP,
        };
        let [r, g, b, a] = label.color.to_srgba().to_u8_array();
        painter.with_clip_rect(clip).text(
            egui::pos2(at.x, at.y),
            align,
            &label.text,
            egui::FontId::proportional(label.size),
            egui::Color32::from_rgba_unmultiplied(r, g, b, a),
        );
    }
}
