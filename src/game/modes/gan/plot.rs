//! The big square of layered distributions (GAN Lab's main view), each layer on or off: the
//! discriminator's heatmap on its 30 x 30 grid, the 450 real points, the 150 fakes, the
//! generator's manifold (the regular noise grid carried through G, its cells shaded by density),
//! the gradient arrows at the fakes; and beyond GAN Lab: trails of the fakes, a fake point the
//! player drags to see the gradient it would get, the optimal discriminator beside the learned
//! one, and a canvas to draw one's own distribution.

use std::collections::VecDeque;

use bevy::prelude::*;
use bevy_egui::egui;

use super::sim::GanSim;
use crate::game::theme::palette;
use crate::gan::{GRID, MANIFOLD_CELLS};

/// Which layers are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layers {
    pub heatmap: bool,
    pub real: bool,
    pub fake: bool,
    pub manifold: bool,
    pub arrows: bool,
    pub trails: bool,
}

impl Default for Layers {
    /// GAN Lab's defaults: everything but the trails, which are ours.
    fn default() -> Self {
        Self {
            heatmap: true,
            real: true,
            fake: true,
            manifold: true,
            arrows: true,
            trails: false,
        }
    }
}

/// Snapshots of the fakes kept for the trails.
pub const TRAIL_LENGTH: usize = 24;
/// A snapshot is taken at most this often (seconds), so trails span a few seconds at any speed.
const TRAIL_SECONDS: f32 = 0.12;
/// A drawing keeps at most this many points.
pub const MAX_DRAWN_POINTS: usize = 3_000;
/// Hovering the generator morphs the noise grid into its image over this many seconds.
pub const MORPH_SECONDS: f32 = 2.0;

/// What the plot remembers between frames.
#[derive(Default)]
pub struct PlotState {
    pub layers: Layers,
    pub trails: VecDeque<Vec<f64>>,
    trail_timer: f32,
    trail_generation: u64,
    /// A fake point the player holds: its place, while dragged.
    pub probe: Option<[f64; 2]>,
    /// The points being drawn, while drawing.
    pub drawing: Option<Vec<[f64; 2]>>,
    /// Progress of the morph from noise grid to manifold (0 to 1), while the generator is hovered.
    pub morph: f32,
    /// The discriminator's heatmap and the optimal discriminator, as images egui draws.
    pub heatmap: Option<Handle<Image>>,
    pub optimal: Option<Handle<Image>>,
    /// Their egui ids, set each frame by the screen.
    pub heatmap_texture: Option<egui::TextureId>,
    pub optimal_texture: Option<egui::TextureId>,
    drawn_version: Option<(u64, u64)>,
    cache: Cache,
}

/// What the run looks like now, computed once per change of the weights.
#[derive(Default)]
struct Cache {
    fake: Vec<f64>,
    gradients: Vec<f64>,
    manifold: Vec<f64>,
    optimal: Vec<Option<f64>>,
}

/// Unit-square coordinates (y up) to screen.
fn to_screen(rect: egui::Rect, x: f64, y: f64) -> egui::Pos2 {
    egui::pos2(
        rect.min.x + x as f32 * rect.width(),
        rect.max.y - y as f32 * rect.height(),
    )
}

fn to_unit(rect: egui::Rect, p: egui::Pos2) -> [f64; 2] {
    [
        f64::from((p.x - rect.min.x) / rect.width()),
        f64::from((rect.max.y - p.y) / rect.height()),
    ]
}

/// Writes grid values (row 0 at the bottom) into an image's pixels (row 0 at the top): the
/// realness scale, white where a value is missing, grey when training blew up.
fn paint_grid(values: &[Option<f64>], diverged: bool, pixels: &mut [u8]) {
    for row in 0..GRID {
        for column in 0..GRID {
            let rgba = match values.get(row * GRID + column).copied().flatten() {
                Some(p) if !diverged => {
                    let mut px = [0u8; 4];
                    palette::paint_realness(&[p as f32], false, &mut px);
                    px
                }
                Some(_) => [200, 200, 200, 255],
                None => [250, 250, 250, 255],
            };
            let at = ((GRID - 1 - row) * GRID + column) * 4;
            if let Some(px) = pixels.get_mut(at..at + 4) {
                px.copy_from_slice(&rgba);
            }
        }
    }
}

impl PlotState {
    /// Recomputes what changed since the last frame and takes a trail snapshot when due.
    pub fn refresh(
        &mut self,
        images: &mut Assets<Image>,
        sim: &GanSim,
        dt: f32,
        hovering_generator: bool,
    ) {
        let version = (sim.generation, sim.version);
        let gan = &sim.gan;
        let diverged = sim.diverged_at.is_some();
        let heatmap = self
            .heatmap
            .get_or_insert_with(|| images.add(palette::blank_heatmap(GRID)))
            .clone();
        let optimal = self
            .optimal
            .get_or_insert_with(|| {
                let mut image = palette::blank_heatmap(GRID);
                image.sampler = bevy::image::ImageSampler::nearest();
                images.add(image)
            })
            .clone();
        if self.drawn_version != Some(version) {
            self.drawn_version = Some(version);
            self.cache.fake = gan.fake_points();
            self.cache.gradients = gan.discriminator_gradient_at(&self.cache.fake);
            self.cache.manifold = gan.manifold();
            self.cache.optimal = gan.optimal_discriminator();
            let grid: Vec<Option<f64>> = gan.discriminator_grid().into_iter().map(Some).collect();
            if let Some(mut image) = images.get_mut(&heatmap)
                && let Some(data) = image.data.as_mut()
            {
                paint_grid(&grid, diverged, data);
            }
            if let Some(mut image) = images.get_mut(&optimal)
                && let Some(data) = image.data.as_mut()
            {
                paint_grid(&self.cache.optimal, diverged, data);
            }
        }
        if self.trail_generation != sim.generation {
            self.trail_generation = sim.generation;
            self.trails.clear();
        }
        self.trail_timer += dt;
        if self.trail_timer >= TRAIL_SECONDS && self.trails.back() != Some(&self.cache.fake) {
            self.trail_timer = 0.0;
            self.trails.push_back(self.cache.fake.clone());
            while self.trails.len() > TRAIL_LENGTH {
                self.trails.pop_front();
            }
        }
        self.morph = if hovering_generator {
            (self.morph + dt / MORPH_SECONDS).min(1.0)
        } else {
            0.0
        };
    }

    /// Draws the square into `rect` and handles the pointer (probing a fake, or drawing).
    /// `emphasise_arrows`: slow motion is at the generator's gradients.
    pub fn show(&mut self, ui: &mut egui::Ui, sim: &GanSim, side: f32, emphasise_arrows: bool) {
        let (response, painter) =
            ui.allocate_painter(egui::vec2(side, side), egui::Sense::click_and_drag());
        let rect = response.rect;
        let gan = &sim.gan;
        painter.rect_filled(rect, 0.0, egui::Color32::WHITE);
        let drawing = self.drawing.is_some();
        if self.layers.heatmap
            && !drawing
            && let Some(texture) = self.heatmap_texture
        {
            painter.image(
                texture,
                rect,
                egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                egui::Color32::WHITE,
            );
        }
        if self.layers.manifold && !drawing {
            self.paint_manifold(&painter, rect, gan.settings().noise_dims);
        }
        if self.layers.real && !drawing {
            let color = palette::to_egui(palette::REAL);
            for p in gan.shown_real().chunks_exact(2) {
                painter.circle_filled(to_screen(rect, p[0], p[1]), 2.6, color);
            }
        }
        self.paint_drawing(&painter, rect);
        if self.layers.trails && !drawing {
            self.paint_trails(&painter, rect);
        }
        if self.layers.fake && !drawing {
            let fill = palette::to_egui(palette::FAKE);
            for p in self.cache.fake.chunks_exact(2) {
                let at = to_screen(rect, p[0], p[1]);
                painter.circle(at, 2.8, fill, egui::Stroke::new(0.6, egui::Color32::WHITE));
            }
        }
        if (self.layers.arrows || emphasise_arrows) && !drawing {
            let (width, color) = if emphasise_arrows {
                (1.8, egui::Color32::from_rgb(20, 20, 20))
            } else {
                (1.0, egui::Color32::from_gray(60))
            };
            for (p, g) in self
                .cache
                .fake
                .chunks_exact(2)
                .zip(self.cache.gradients.chunks_exact(2))
            {
                arrow(&painter, rect, p, [0.15 * g[0], 0.15 * g[1]], width, color);
            }
        }
        painter.rect_stroke(
            rect,
            0.0,
            egui::Stroke::new(1.0, egui::Color32::from_gray(150)),
            egui::StrokeKind::Inside,
        );
        self.handle_pointer(&response, rect, sim);
        if let Some(probe) = self.probe {
            paint_probe(&painter, rect, gan, probe);
        }
    }

    /// The player's drawing of the real data, while drawing.
    fn paint_drawing(&self, painter: &egui::Painter, rect: egui::Rect) {
        if let Some(points) = &self.drawing {
            if points.is_empty() {
                painter.text(
                    rect.center(),
                    egui::Align2::CENTER_CENTER,
                    "Drag here to draw the real data",
                    egui::FontId::proportional(18.0),
                    egui::Color32::from_gray(120),
                );
            }
            let ink = palette::to_egui(palette::REAL);
            for p in points {
                painter.circle_filled(to_screen(rect, p[0], p[1]), 2.2, ink);
            }
        }
    }

    /// Where each fake was over the last epochs, fading with age.
    fn paint_trails(&self, painter: &egui::Painter, rect: egui::Rect) {
        let fakes = self.cache.fake.len() / 2;
        let color = palette::to_egui(palette::FAKE);
        for k in 0..fakes {
            let points: Vec<egui::Pos2> = self
                .trails
                .iter()
                .filter_map(|snapshot| snapshot.get(2 * k..2 * k + 2))
                .map(|p| to_screen(rect, p[0], p[1]))
                .collect();
            for (age, pair) in points.windows(2).enumerate() {
                let alpha = 40 + (160 * age / points.len().max(1)) as u8;
                painter.line_segment(
                    [pair[0], pair[1]],
                    egui::Stroke::new(1.0, color.gamma_multiply_u8(alpha)),
                );
            }
        }
    }

    fn handle_pointer(&mut self, response: &egui::Response, rect: egui::Rect, sim: &GanSim) {
        let pointer = response.interact_pointer_pos();
        if let Some(points) = self.drawing.as_mut() {
            if (response.dragged() || response.clicked())
                && let Some(at) = pointer
            {
                let p = to_unit(rect, at);
                let inside = (0.0..=1.0).contains(&p[0]) && (0.0..=1.0).contains(&p[1]);
                let far = points
                    .last()
                    .is_none_or(|last| (last[0] - p[0]).hypot(last[1] - p[1]) > 0.006);
                if inside && far && points.len() < MAX_DRAWN_POINTS {
                    points.push(p);
                }
            }
            return;
        }
        if response.drag_started()
            && let Some(at) = pointer
        {
            // Pick up the nearest fake point within reach.
            let nearest = self
                .cache
                .fake
                .chunks_exact(2)
                .map(|p| (p, to_screen(rect, p[0], p[1]).distance(at)))
                .min_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((p, distance)) = nearest
                && distance <= 14.0
            {
                self.probe = Some([p[0], p[1]]);
            }
        }
        if response.dragged()
            && self.probe.is_some()
            && let Some(at) = pointer
        {
            let p = to_unit(rect, at);
            self.probe = Some([p[0].clamp(-0.2, 1.2), p[1].clamp(-0.2, 1.2)]);
        }
        if response.clicked() {
            self.probe = None;
        }
        let _ = sim;
    }

    fn paint_manifold(&self, painter: &egui::Painter, rect: egui::Rect, noise_dims: usize) {
        let color = palette::FAKE;
        let t = f64::from(smooth(self.morph));
        let side = MANIFOLD_CELLS + 1;
        let m = &self.cache.manifold;
        // While morphing, each point travels from its noise coordinates to its image under G.
        let point = |k: usize| -> egui::Pos2 {
            let (zx, zy) = if noise_dims == 1 {
                (k as f64 / MANIFOLD_CELLS as f64, 0.5)
            } else {
                (
                    (k / side) as f64 / MANIFOLD_CELLS as f64,
                    (k % side) as f64 / MANIFOLD_CELLS as f64,
                )
            };
            let (gx, gy) = (m[2 * k], m[2 * k + 1]);
            let (x, y) = if self.morph > 0.0 {
                (zx + (gx - zx) * t, zy + (gy - zy) * t)
            } else {
                (gx, gy)
            };
            to_screen(rect, x, y)
        };
        if noise_dims == 1 {
            if m.len() < 2 * side {
                return;
            }
            let line: Vec<egui::Pos2> = (0..side).map(point).collect();
            painter.add(egui::Shape::line(
                line,
                egui::Stroke::new(2.0, palette::to_egui(color).gamma_multiply(0.7)),
            ));
            return;
        }
        if m.len() < 2 * side * side {
            return;
        }
        let positions: Vec<egui::Pos2> = (0..side * side).map(point).collect();
        // A cell's opacity: how much the generator squeezes it (its area against the noise cell's).
        let base = rect.width() * rect.height() / (MANIFOLD_CELLS * MANIFOLD_CELLS) as f32;
        let mut mesh = egui::Mesh::default();
        for i in 0..MANIFOLD_CELLS {
            for j in 0..MANIFOLD_CELLS {
                let corners = [
                    positions[i * side + j],
                    positions[(i + 1) * side + j],
                    positions[(i + 1) * side + j + 1],
                    positions[i * side + j + 1],
                ];
                let area = quad_area(&corners).max(1e-3);
                let density = (base / area).min(12.0) / 12.0;
                let alpha = (18.0 + 150.0 * density.sqrt()) as u8;
                let fill =
                    egui::Color32::from_rgba_unmultiplied(color[0], color[1], color[2], alpha);
                let first = mesh.vertices.len() as u32;
                for c in corners {
                    mesh.colored_vertex(c, fill);
                }
                mesh.add_triangle(first, first + 1, first + 2);
                mesh.add_triangle(first, first + 2, first + 3);
            }
        }
        painter.add(egui::Shape::mesh(mesh));
        let stroke = egui::Stroke::new(0.5, palette::to_egui(color).gamma_multiply(0.45));
        for i in 0..side {
            let row: Vec<egui::Pos2> = (0..side).map(|j| positions[i * side + j]).collect();
            let column: Vec<egui::Pos2> = (0..side).map(|j| positions[j * side + i]).collect();
            painter.add(egui::Shape::line(row, stroke));
            painter.add(egui::Shape::line(column, stroke));
        }
    }

    /// The optimal discriminator p_data / (p_data + p_g), estimated on the grid from the precise
    /// samples, in a small square.
    pub fn show_optimal(&self, ui: &mut egui::Ui, side: f32) {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(side, side), egui::Sense::hover());
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 0.0, egui::Color32::WHITE);
        if let Some(texture) = self.optimal_texture {
            painter.image(
                texture,
                rect,
                egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                egui::Color32::WHITE,
            );
        }
        painter.rect_stroke(
            rect,
            0.0,
            egui::Stroke::new(1.0, egui::Color32::from_gray(150)),
            egui::StrokeKind::Inside,
        );
    }
}

/// Twice the signed area of a quadrilateral, made positive (shoelace).
fn quad_area(c: &[egui::Pos2; 4]) -> f32 {
    let mut sum = 0.0;
    for k in 0..4 {
        let (a, b) = (c[k], c[(k + 1) % 4]);
        sum += a.x * b.y - b.x * a.y;
    }
    (sum / 2.0).abs()
}

/// Eases in and out.
fn smooth(t: f32) -> f32 {
    t * t * (3.0 - 2.0 * t)
}

fn arrow(
    painter: &egui::Painter,
    rect: egui::Rect,
    from: &[f64],
    delta: [f64; 2],
    width: f32,
    color: egui::Color32,
) {
    if !(delta[0].is_finite() && delta[1].is_finite()) {
        return;
    }
    let a = to_screen(rect, from[0], from[1]);
    let b = to_screen(rect, from[0] + delta[0], from[1] + delta[1]);
    let v = b - a;
    if v.length() < 1.5 {
        return;
    }
    painter.line_segment([a, b], egui::Stroke::new(width, color));
    let dir = v.normalized();
    let normal = egui::vec2(-dir.y, dir.x);
    let head = 3.0 + 1.5 * width;
    painter.add(egui::Shape::convex_polygon(
        vec![
            b,
            b - dir * head + normal * head * 0.5,
            b - dir * head - normal * head * 0.5,
        ],
        color,
        egui::Stroke::NONE,
    ));
}

/// The probe under the pointer: what the discriminator says there and its gradient.
fn paint_probe(painter: &egui::Painter, rect: egui::Rect, gan: &crate::gan::Gan, probe: [f64; 2]) {
    let d = gan.discriminate(&probe);
    let g = gan.discriminator_gradient_at(&probe);
    let at = to_screen(rect, probe[0], probe[1]);
    painter.circle(
        at,
        6.0,
        palette::to_egui(palette::FAKE),
        egui::Stroke::new(2.0, egui::Color32::BLACK),
    );
    arrow(
        painter,
        rect,
        &probe,
        [0.15 * g[0], 0.15 * g[1]],
        2.4,
        egui::Color32::BLACK,
    );
    painter.text(
        at + egui::vec2(10.0, -10.0),
        egui::Align2::LEFT_BOTTOM,
        format!(
            "D = {:.2} ({})\ngradient ({:+.2}, {:+.2})",
            d[0],
            if d[0] >= 0.5 {
                "looks real"
            } else {
                "looks fake"
            },
            g[0],
            g[1]
        ),
        egui::FontId::proportional(12.0),
        egui::Color32::BLACK,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_square_cell_has_the_expected_area_and_screen_mapping_round_trips() {
        let c = [
            egui::pos2(0.0, 0.0),
            egui::pos2(2.0, 0.0),
            egui::pos2(2.0, 3.0),
            egui::pos2(0.0, 3.0),
        ];
        assert_eq!(quad_area(&c), 6.0);
        let rect = egui::Rect::from_min_size(egui::pos2(10.0, 20.0), egui::vec2(200.0, 200.0));
        let p = to_screen(rect, 0.25, 0.75);
        assert_eq!(p, egui::pos2(60.0, 70.0));
        let back = to_unit(rect, p);
        assert!((back[0] - 0.25).abs() < 1e-6 && (back[1] - 0.75).abs() < 1e-6);
    }

    #[test]
    fn the_heatmap_image_puts_the_bottom_row_of_the_grid_at_the_bottom() {
        let mut values = vec![Some(0.5); GRID * GRID];
        values[0] = Some(1.0); // bottom-left cell: certain "real"
        values[1] = None; // no points there
        let mut pixels = vec![0u8; GRID * GRID * 4];
        paint_grid(&values, false, &mut pixels);
        let at = |pixels: &[u8], row: usize, column: usize| {
            let k = (row * GRID + column) * 4;
            [pixels[k], pixels[k + 1], pixels[k + 2]]
        };
        let bottom_left = at(&pixels, GRID - 1, 0);
        assert!(
            bottom_left[1] > bottom_left[0],
            "green for real: {bottom_left:?}"
        );
        assert_ne!(bottom_left, at(&pixels, 0, 0));
        assert_eq!(at(&pixels, GRID - 1, 1), [250, 250, 250]);
        paint_grid(&values, true, &mut pixels);
        assert_eq!(
            at(&pixels, GRID - 1, 0),
            [200, 200, 200],
            "grey when training blew up"
        );
    }
}
