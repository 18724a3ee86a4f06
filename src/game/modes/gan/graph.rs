//! The model graph (GAN Lab's overview): noise -> generator -> samples -> discriminator ->
//! predictions -> losses, with the two update loops as dashed paths that flow while training.
//! The two networks are the shared network views placed into it; everything else is painted
//! around them. In edit mode each part's settings sit beside it.

use bevy::prelude::*;
use bevy_egui::egui;

use super::graph_edit::{Places, edit_boxes, noise_words};
use super::sim::{GanAction, GanSim, Part};
use super::views::{GanViews, drawable};
use crate::game::network_view::ViewRect;
use crate::game::theme::palette;
use crate::level::gan::GanSetting;
use crate::nn::Network;

fn places(area: egui::Rect) -> Places {
    let w = area.width();
    let h = area.height();
    let box_w = (w * 0.16).clamp(64.0, 96.0);
    let top = area.min.y + 34.0;
    let row_h = ((h - 34.0 - 70.0) / 2.0).max(120.0);
    let row2 = top + row_h + 28.0;
    let view_left = area.min.x + box_w + 26.0;
    let view_right = area.max.x - box_w - 26.0;
    let box_at = |x: f32, y: f32, height: f32| {
        egui::Rect::from_min_size(egui::pos2(x, y), egui::vec2(box_w, height))
    };
    Places {
        noise: box_at(area.min.x + 8.0, top + row_h / 2.0 - 32.0, 64.0),
        generator: egui::Rect::from_min_max(
            egui::pos2(view_left, top),
            egui::pos2(view_right, top + row_h),
        ),
        fakes: box_at(area.max.x - box_w - 8.0, top + row_h / 2.0 - 32.0, 64.0),
        reals: box_at(area.min.x + 8.0, row2 + row_h / 2.0 + 8.0, 54.0),
        discriminator: egui::Rect::from_min_max(
            egui::pos2(view_left, row2),
            egui::pos2(view_right, row2 + row_h),
        ),
        predictions: box_at(area.max.x - box_w - 8.0, row2 + row_h / 2.0 - 27.0, 54.0),
        d_loss: box_at(area.max.x - box_w - 8.0, row2 + row_h / 2.0 + 52.0, 50.0),
        g_loss: box_at(area.max.x - box_w - 8.0, row2 + row_h / 2.0 + 112.0, 50.0),
    }
}

fn view_rect(rect: egui::Rect) -> ViewRect {
    ViewRect::new(
        Vec2::new(rect.min.x, rect.min.y + 18.0),
        Vec2::new(rect.width(), rect.height() - 18.0),
    )
}

/// Paints the graph into `area`, places the two views, and shows the edit boxes in edit mode.
/// Returns whether the pointer is over the generator (the plot then morphs its noise grid).
pub fn show(
    ctx: &egui::Context,
    area: egui::Rect,
    sim: &GanSim,
    views: &mut GanViews,
    edit_mode: bool,
    allowed: &[GanSetting],
    actions: &mut Vec<GanAction>,
) -> bool {
    let p = places(area);
    views.generator_rect = Some(view_rect(p.generator));
    views.discriminator_rect = Some(view_rect(p.discriminator));
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Background,
        egui::Id::new("gan graph"),
    ));
    let lit: &[Part] = sim.slow_motion.map_or(&[], |s| s.current().parts);
    titles(&painter, &p, sim, lit);
    components(&painter, &p, sim, lit);
    data_flow(&painter, &p);
    // The update loops flow while training.
    let offset = if sim.playing && sim.may_train() {
        ctx.input(|i| i.time) as f32 * 40.0
    } else {
        0.0
    };
    update_loops(&painter, &p, area, lit, offset);

    if edit_mode {
        edit_boxes(ctx, area, &p, sim, allowed, actions);
    }
    ctx.pointer_hover_pos()
        .is_some_and(|at| p.generator.contains(at) || p.noise.contains(at))
}

/// Titles of the two networks (with GAN Lab's layer count said right), and a summary in place
/// of a network too big to draw.
fn titles(painter: &egui::Painter, p: &Places, sim: &GanSim, lit: &[Part]) {
    let is_lit = |part: Part| lit.contains(&part);
    let ink = egui::Color32::from_gray(60);
    let s = sim.gan.settings();
    let title = |network: &str, layers: usize, neurons: usize| {
        format!(
            "{network}: {} ReLU layer{} of {neurons}",
            layers + 1,
            if layers == 0 { "" } else { "s" }
        )
    };
    let header = |rect: egui::Rect, text: String, part: Part| {
        painter.text(
            rect.min + egui::vec2(4.0, 2.0),
            egui::Align2::LEFT_TOP,
            text,
            egui::FontId::proportional(13.0),
            if is_lit(part) {
                egui::Color32::from_rgb(180, 100, 0)
            } else {
                ink
            },
        );
    };
    header(
        p.generator,
        title("Generator", s.g_layers, s.g_neurons),
        Part::Generator,
    );
    header(
        p.discriminator,
        title("Discriminator", s.d_layers, s.d_neurons),
        Part::Discriminator,
    );
    for (rect, network, name) in [
        (p.generator, &sim.gan.generator, "generator"),
        (p.discriminator, &sim.gan.discriminator, "discriminator"),
    ] {
        if !drawable(network) {
            summary(painter, rect, network, name);
        }
    }
}

/// The boxes: noise, samples, predictions and the two losses.
fn components(painter: &egui::Painter, p: &Places, sim: &GanSim, lit: &[Part]) {
    let is_lit = |part: Part| lit.contains(&part);
    let s = sim.gan.settings();
    let d_latest = sim.gan.latest();
    component(
        painter,
        p.noise,
        "Noise z",
        &noise_words(s),
        is_lit(Part::Noise),
        palette::UNDECIDED,
    );
    component(
        painter,
        p.fakes,
        "Fake samples",
        "G(z), 150",
        is_lit(Part::Samples),
        palette::FAKE,
    );
    component(
        painter,
        p.reals,
        "Real samples",
        s.distribution.name(),
        is_lit(Part::Samples),
        palette::REAL,
    );
    component(
        painter,
        p.predictions,
        "Predictions",
        "D(x): real?",
        is_lit(Part::Predictions),
        palette::UNDECIDED,
    );
    loss_box(
        painter,
        p.d_loss,
        "D loss",
        d_latest.d_loss,
        is_lit(Part::DiscriminatorLoss),
        palette::REAL,
    );
    loss_box(
        painter,
        p.g_loss,
        "G loss",
        d_latest.g_loss,
        is_lit(Part::GeneratorLoss),
        palette::FAKE,
    );
}

/// The data flow: solid arrows (fakes go down into the discriminator beside the reals).
fn data_flow(painter: &egui::Painter, p: &Places) {
    let ink = egui::Color32::from_gray(60);
    let g_mid = p.generator.center().y;
    let d_mid = p.discriminator.center().y;
    flow(
        painter,
        egui::pos2(p.noise.max.x, g_mid),
        egui::pos2(p.generator.min.x, g_mid),
        ink,
    );
    flow(
        painter,
        egui::pos2(p.generator.max.x, g_mid),
        egui::pos2(p.fakes.min.x, g_mid),
        ink,
    );
    // Fakes go down into the discriminator beside the reals, to its inputs (x, y).
    let inputs_x = p.discriminator.min.x + 22.0;
    let turn_y = p.generator.max.y + 10.0;
    let fake_color = palette::to_egui(palette::FAKE);
    let down = [
        egui::pos2(p.fakes.center().x, p.fakes.max.y),
        egui::pos2(p.fakes.center().x, turn_y),
        egui::pos2(p.reals.center().x, turn_y),
        egui::pos2(p.reals.center().x, d_mid - 24.0),
        egui::pos2(inputs_x, d_mid - 24.0),
    ];
    path(
        painter,
        &down,
        egui::Stroke::new(1.4, fake_color),
        None,
        0.0,
    );
    painter.text(
        egui::pos2(p.reals.center().x + 4.0, turn_y + 4.0),
        egui::Align2::LEFT_TOP,
        "fakes",
        egui::FontId::proportional(11.0),
        fake_color,
    );
    flow(
        painter,
        egui::pos2(p.reals.center().x, p.reals.min.y),
        egui::pos2(p.reals.center().x, d_mid + 14.0),
        palette::to_egui(palette::REAL),
    );
    flow(
        painter,
        egui::pos2(p.reals.center().x, d_mid + 14.0),
        egui::pos2(inputs_x, d_mid + 14.0),
        palette::to_egui(palette::REAL),
    );
    flow(
        painter,
        egui::pos2(p.discriminator.max.x - 10.0, d_mid),
        egui::pos2(p.predictions.min.x, d_mid),
        ink,
    );
    flow(
        painter,
        egui::pos2(p.predictions.center().x, p.predictions.max.y),
        egui::pos2(p.d_loss.center().x, p.d_loss.min.y),
        ink,
    );
}

/// The update loops: dashed, moved on by `offset` while training, lit in slow motion.
fn update_loops(painter: &egui::Painter, p: &Places, area: egui::Rect, lit: &[Part], offset: f32) {
    let is_lit = |part: Part| lit.contains(&part);
    let loop_stroke = |lit: bool, color: [u8; 3]| {
        egui::Stroke::new(
            if lit { 3.0 } else { 1.6 },
            if lit {
                egui::Color32::from_rgb(230, 140, 0)
            } else {
                palette::to_egui(color)
            },
        )
    };
    let below = p.discriminator.max.y + 14.0;
    let d_loop = [
        egui::pos2(p.d_loss.min.x, p.d_loss.center().y),
        egui::pos2(p.d_loss.min.x - 10.0, p.d_loss.center().y),
        egui::pos2(p.d_loss.min.x - 10.0, below),
        egui::pos2(p.discriminator.center().x, below),
        egui::pos2(p.discriminator.center().x, p.discriminator.max.y),
    ];
    path(
        painter,
        &d_loop,
        loop_stroke(is_lit(Part::DiscriminatorUpdate), palette::REAL),
        Some(8.0),
        offset,
    );
    painter.text(
        egui::pos2(p.discriminator.center().x + 6.0, below + 2.0),
        egui::Align2::LEFT_TOP,
        "update D (k_D steps)",
        egui::FontId::proportional(11.0),
        palette::to_egui(palette::REAL),
    );
    let right = area.max.x - 3.0;
    let above = p.generator.min.y - 10.0;
    let g_loop = [
        egui::pos2(p.g_loss.max.x, p.g_loss.center().y),
        egui::pos2(right, p.g_loss.center().y),
        egui::pos2(right, above),
        egui::pos2(p.generator.center().x, above),
        egui::pos2(p.generator.center().x, p.generator.min.y + 16.0),
    ];
    path(
        painter,
        &g_loop,
        loop_stroke(is_lit(Part::GeneratorUpdate), palette::FAKE),
        Some(8.0),
        offset,
    );
    painter.text(
        egui::pos2(p.generator.center().x + 6.0, above - 2.0),
        egui::Align2::LEFT_BOTTOM,
        "update G (k_G steps), through D",
        egui::FontId::proportional(11.0),
        palette::to_egui(palette::FAKE),
    );
}

fn component(
    painter: &egui::Painter,
    rect: egui::Rect,
    title: &str,
    detail: &str,
    lit: bool,
    color: [u8; 3],
) {
    let fill = egui::Color32::from_rgba_unmultiplied(color[0], color[1], color[2], 60);
    painter.rect(
        rect,
        6.0,
        fill,
        egui::Stroke::new(
            if lit { 3.0 } else { 1.0 },
            if lit {
                egui::Color32::from_rgb(230, 140, 0)
            } else {
                egui::Color32::from_gray(120)
            },
        ),
        egui::StrokeKind::Inside,
    );
    painter.text(
        rect.center() - egui::vec2(0.0, 8.0),
        egui::Align2::CENTER_CENTER,
        title,
        egui::FontId::proportional(12.5),
        egui::Color32::from_gray(30),
    );
    painter.text(
        rect.center() + egui::vec2(0.0, 9.0),
        egui::Align2::CENTER_CENTER,
        detail,
        egui::FontId::proportional(11.0),
        egui::Color32::from_gray(80),
    );
}

fn loss_box(
    painter: &egui::Painter,
    rect: egui::Rect,
    title: &str,
    value: f64,
    lit: bool,
    color: [u8; 3],
) {
    component(painter, rect, title, &format!("{value:.3}"), lit, color);
    // A bar: GAN Lab shows each loss as a bar too.
    let fraction = if value.is_finite() {
        (value / 2.0).clamp(0.0, 1.0) as f32
    } else {
        1.0
    };
    let bar = egui::Rect::from_min_size(
        egui::pos2(rect.min.x + 6.0, rect.max.y - 8.0),
        egui::vec2((rect.width() - 12.0) * fraction, 4.0),
    );
    painter.rect_filled(bar, 1.0, palette::to_egui(color));
}

fn summary(painter: &egui::Painter, rect: egui::Rect, network: &Network, name: &str) {
    painter.rect_filled(rect.shrink(20.0), 8.0, egui::Color32::from_gray(235));
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        format!(
            "The {name} has {} layers of up to {} neurons\n({} weights): too many to draw one by one.",
            network.layers.len(),
            network.layers.iter().map(|l| l.neurons()).max().unwrap_or(0),
            network.parameter_count()
        ),
        egui::FontId::proportional(12.0),
        egui::Color32::from_gray(60),
    );
}

fn flow(painter: &egui::Painter, from: egui::Pos2, to: egui::Pos2, color: egui::Color32) {
    painter.arrow(from, to - from, egui::Stroke::new(1.4, color));
}

/// A polyline, dashed when `dash` is given (the dashes move by `offset` pixels).
fn path(
    painter: &egui::Painter,
    points: &[egui::Pos2],
    stroke: egui::Stroke,
    dash: Option<f32>,
    offset: f32,
) {
    match dash {
        None => {
            painter.add(egui::Shape::line(points.to_vec(), stroke));
        }
        Some(length) => {
            let gap = length * 0.7;
            let period = length + gap;
            // Walk the path, drawing [phase, phase + length) of every period.
            let mut travelled = -(offset % period) + period;
            for pair in points.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                let segment = b - a;
                let total = segment.length();
                if total <= 0.0 {
                    continue;
                }
                let dir = segment / total;
                let mut s = 0.0;
                while s < total {
                    let phase = (travelled + s) % period;
                    let step = if phase < length {
                        let end = (s + (length - phase)).min(total);
                        painter.line_segment([a + dir * s, a + dir * end], stroke);
                        end - s
                    } else {
                        (period - phase).min(total - s)
                    };
                    s += step.max(0.5);
                }
                travelled += total;
            }
        }
    }
    if let [.., before, last] = points {
        let dir = (*last - *before).normalized();
        let normal = egui::vec2(-dir.y, dir.x);
        painter.add(egui::Shape::convex_polygon(
            vec![
                *last,
                *last - dir * 8.0 + normal * 4.0,
                *last - dir * 8.0 - normal * 4.0,
            ],
            stroke.color,
            egui::Stroke::NONE,
        ));
    }
}
