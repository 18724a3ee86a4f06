//! The drawing pad: the student paints an image in the shown model's input size (left button
//! draws, right button erases, with a soft round brush), and the network sees it as it is drawn.

use bevy_egui::egui;

use bevy::prelude::MessageWriter;

use super::sim::{CnnAction, CnnSim, Shown};

pub const PAD_SIZE: f32 = 168.0;

/// Shows the pad with the current custom image; a stroke paints into a copy that is sent as the
/// picture to look at. Returns the pad's response.
pub fn pad(
    ui: &mut egui::Ui,
    sim: &CnnSim,
    actions: &mut MessageWriter<CnnAction>,
) -> egui::Response {
    let shape = sim.model().input;
    let (rect, response) = ui.allocate_exact_size(
        egui::vec2(PAD_SIZE, PAD_SIZE),
        egui::Sense::click_and_drag(),
    );
    let painter = ui.painter_at(rect);
    let cell = egui::vec2(
        rect.width() / shape.width as f32,
        rect.height() / shape.height as f32,
    );
    let showing_custom = sim.shown == Shown::Custom;
    let mut pixels = sim.custom.clone();
    if pixels.len() != shape.len() {
        pixels = vec![0.0; shape.len()];
    }
    for row in 0..shape.height {
        for col in 0..shape.width {
            let at = (row * shape.width + col) * shape.channels;
            let px = &pixels[at..at + shape.channels];
            let color = if shape.channels == 3 {
                egui::Color32::from_rgb(
                    (px[0].clamp(0.0, 1.0) * 255.0) as u8,
                    (px[1].clamp(0.0, 1.0) * 255.0) as u8,
                    (px[2].clamp(0.0, 1.0) * 255.0) as u8,
                )
            } else {
                egui::Color32::from_gray((px[0].clamp(0.0, 1.0) * 255.0) as u8)
            };
            let r = egui::Rect::from_min_size(
                rect.min + egui::vec2(col as f32 * cell.x, row as f32 * cell.y),
                cell,
            );
            painter.rect_filled(r, 0.0, color);
        }
    }
    let border = if showing_custom {
        egui::Color32::from_rgb(250, 190, 45)
    } else {
        egui::Color32::GRAY
    };
    painter.rect_stroke(
        rect,
        0.0,
        egui::Stroke::new(1.5, border),
        egui::StrokeKind::Outside,
    );
    let pressed = ui.input(|i| (i.pointer.primary_down(), i.pointer.secondary_down()));
    if let Some(pos) = response.interact_pointer_pos().filter(|_| {
        response.dragged() || response.clicked() || response.is_pointer_button_down_on()
    }) && rect.contains(pos)
    {
        let erase = pressed.1 && !pressed.0;
        let x = (pos.x - rect.min.x) / cell.x;
        let y = (pos.y - rect.min.y) / cell.y;
        // A brush about a tenth of the pad wide, soft at its edge.
        let radius = shape.width.max(shape.height) as f32 / 14.0 + 0.6;
        for row in 0..shape.height {
            for col in 0..shape.width {
                let d = ((col as f32 + 0.5 - x).powi(2) + (row as f32 + 0.5 - y).powi(2)).sqrt();
                let ink = (radius - d + 0.5).clamp(0.0, 1.0);
                if ink <= 0.0 {
                    continue;
                }
                let at = (row * shape.width + col) * shape.channels;
                for v in &mut pixels[at..at + shape.channels] {
                    *v = if erase { *v * (1.0 - ink) } else { v.max(ink) };
                }
            }
        }
        actions.write(CnnAction::Picture {
            pixels,
            name: "your drawing".into(),
        });
    }
    response
}
