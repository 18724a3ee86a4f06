//! The details that are not a layer's maps: the softmax of one class, and the hyperparameter
//! playground (input size, padding, kernel size and stride, and the output size they make).

use super::detail_parts::STEP_SECONDS;
use super::sim::CnnSim;
use bevy_egui::egui;

pub(super) fn softmax_view(ui: &mut egui::Ui, sim: &CnnSim, class: usize) {
    let model = sim.model();
    let Some(logits) = sim.acts.outputs.last() else {
        return;
    };
    let flat = model.shapes.iter().rev().nth(1).map_or(0, |s| s.len());
    ui.small(format!(
        "Flatten lays the last maps out as one strip of {flat} numbers; the dense layer gives each class a score (a logit): the sum of every number times its weight, plus a bias. Softmax turns the scores into probabilities."
    ));
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = logits.iter().map(|&l| (l - max).exp()).collect();
    let sum: f32 = exps.iter().sum();
    ui.label(format!(
        "p({}) = exp({:.3}) / Σ exp(l) = {:.4} / {:.4} = {:.4}   (every logit shifted by the largest, {max:.3}, so nothing overflows)",
        model.class_names[class],
        logits[class] - max,
        exps[class],
        sum,
        exps[class] / sum
    ));
    egui::Grid::new("cnn softmax").striped(true).show(ui, |ui| {
        for h in ["class", "logit l", "exp(l - max)", "probability"] {
            ui.strong(h);
        }
        ui.end_row();
        for i in 0..logits.len() {
            let text = |s: String| {
                if i == class {
                    egui::RichText::new(s)
                        .strong()
                        .color(egui::Color32::from_rgb(8, 119, 189))
                } else {
                    egui::RichText::new(s)
                }
            };
            ui.label(text(model.class_names[i].clone()));
            ui.label(text(format!("{:.3}", logits[i])));
            ui.label(text(format!("{:.4}", exps[i])));
            ui.label(text(format!("{:.2} %", 100.0 * exps[i] / sum)));
            ui.end_row();
        }
    });
}

pub(super) fn hyperparameter_view(ui: &mut egui::Ui, hyper: &mut (usize, usize, usize, usize)) {
    let (n, p, k, s) = hyper;
    ui.small("How the input size, the padding, the kernel and the stride decide a convolution's output size: (n + 2p - k) / s + 1.");
    ui.horizontal(|ui| {
        ui.add(egui::Slider::new(n, 3..=12).text("input"));
        ui.add(egui::Slider::new(p, 0..=3).text("padding"));
    });
    ui.horizontal(|ui| {
        ui.add(egui::Slider::new(k, 1..=(*n + 2 * *p).min(7)).text("kernel"));
        ui.add(egui::Slider::new(s, 1..=4).text("stride"));
    });
    *k = (*k).min(*n + 2 * *p);
    let span = *n + 2 * *p - *k;
    let whole = span % *s == 0;
    let out = span / *s + 1;
    ui.label(format!(
        "({n} + 2·{p} - {k}) / {s} + 1 = {}{}",
        if whole {
            out.to_string()
        } else {
            format!("{:.2}", span as f32 / *s as f32 + 1.0)
        },
        if whole {
            String::new()
        } else {
            format!(
                ": not a whole number, so the last {} column(s) are never covered",
                span % *s
            )
        }
    ));
    let size = *n + 2 * *p;
    let cell = 14.0;
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(size as f32 * cell * 2.0 + 40.0, size as f32 * cell),
        egui::Sense::hover(),
    );
    let painter = ui.painter_at(rect);
    for y in 0..size {
        for x in 0..size {
            let padded = y < *p || x < *p || y >= *p + *n || x >= *p + *n;
            let r = egui::Rect::from_min_size(
                rect.min + egui::vec2(x as f32 * cell, y as f32 * cell),
                egui::vec2(cell - 1.0, cell - 1.0),
            );
            painter.rect_filled(
                r,
                1.0,
                if padded {
                    egui::Color32::from_gray(235)
                } else {
                    egui::Color32::from_gray(180)
                },
            );
        }
    }
    let step = (ui.input(|i| i.time) / f64::from(STEP_SECONDS)) as usize % (out * out).max(1);
    let (oy, ox) = (step / out, step % out);
    let r = egui::Rect::from_min_size(
        rect.min + egui::vec2((ox * *s) as f32 * cell, (oy * *s) as f32 * cell),
        egui::vec2(*k as f32 * cell, *k as f32 * cell),
    );
    painter.rect_stroke(
        r,
        0.0,
        egui::Stroke::new(2.0, egui::Color32::from_rgb(250, 190, 45)),
        egui::StrokeKind::Outside,
    );
    let origin = rect.min + egui::vec2(size as f32 * cell + 40.0, 0.0);
    for y in 0..out {
        for x in 0..out {
            let r = egui::Rect::from_min_size(
                origin + egui::vec2(x as f32 * cell, y as f32 * cell),
                egui::vec2(cell - 1.0, cell - 1.0),
            );
            let current = (y, x) == (oy, ox);
            painter.rect_filled(
                r,
                1.0,
                if current {
                    egui::Color32::from_rgb(250, 190, 45)
                } else {
                    egui::Color32::from_rgb(8, 119, 189)
                },
            );
        }
    }
    ui.ctx().request_repaint();
}
