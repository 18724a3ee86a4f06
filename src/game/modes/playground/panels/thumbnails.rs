//! Dataset thumbnails drawn from the real generators (200 points, no noise), as the Playground's;
//! the multi-class sets are shown with four classes.

use bevy::prelude::*;
use bevy_egui::egui;

use crate::data::{DatasetKind, generators, seeded_rng};
use crate::game::theme::palette;

/// Side of a thumbnail in pixels.
pub const SIZE: usize = 72;

#[derive(Resource, Default)]
pub struct DatasetThumbnails {
    textures: Vec<(DatasetKind, egui::TextureHandle)>,
}

impl DatasetThumbnails {
    /// Creates the textures on first use.
    pub fn ensure(&mut self, ctx: &egui::Context) {
        if !self.textures.is_empty() {
            return;
        }
        for &kind in DatasetKind::ALL {
            let image = render(kind);
            let texture = ctx.load_texture(
                format!("dataset {}", kind.name()),
                image,
                egui::TextureOptions::LINEAR,
            );
            self.textures.push((kind, texture));
        }
    }

    pub fn get(&self, kind: DatasetKind) -> Option<&egui::TextureHandle> {
        self.textures
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, t)| t)
    }
}

/// The points of a dataset as small squares on white.
pub fn render(kind: DatasetKind) -> egui::ColorImage {
    let mut pixels = vec![egui::Color32::WHITE; SIZE * SIZE];
    let mut rng = seeded_rng(7, 0);
    let classes = if kind.is_multi_class() { 4 } else { 2 };
    for p in generators::generate_classes(kind, 200, 0.0, classes, &mut rng) {
        let cx = ((p.x1 + 6.0) / 12.0 * SIZE as f64) as i64;
        let cy = ((6.0 - p.x2) / 12.0 * SIZE as f64) as i64;
        let color = palette::to_egui(palette::label_color(p.label, classes));
        for dy in -1..=1 {
            for dx in -1..=1 {
                let (x, y) = (cx + dx, cy + dy);
                if (0..SIZE as i64).contains(&x) && (0..SIZE as i64).contains(&y) {
                    pixels[y as usize * SIZE + x as usize] = color;
                }
            }
        }
    }
    egui::ColorImage::new([SIZE, SIZE], pixels)
}
