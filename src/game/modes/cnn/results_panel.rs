//! The CNN mode's results: the prediction for the shown image, the loss and accuracy curves, the
//! confusion matrix, the mistakes to click, and the layers in a table.

use super::sim::{CnnAction, CnnSim, Shown};
use super::ui::{RIGHT_WIDTH, ResultsUi, remember};
use crate::game::plots::{Curve, decimate, line_chart};
use crate::game::theme::palette;
use crate::game::theme::widgets::section;
use bevy::prelude::*;
use bevy_egui::egui;

pub(super) fn right_panel(ui: &mut egui::Ui, s: &mut ResultsUi) {
    let sim = &*s.sim;
    section(ui, "Prediction");
    let p = &sim.acts.probabilities;
    let model = sim.model();
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
    for &c in order.iter().take(5) {
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(120.0, 14.0), egui::Sense::hover());
            ui.painter()
                .rect_filled(rect, 2.0, egui::Color32::from_gray(230));
            let mut bar = rect;
            bar.set_width(rect.width() * p[c].clamp(0.0, 1.0));
            ui.painter()
                .rect_filled(bar, 2.0, palette::to_egui(palette::POSITIVE));
            ui.label(format!("{} {:.1} %", model.class_names[c], 100.0 * p[c]));
        });
    }
    if let Some(label) = sim.shown_label() {
        ui.small(format!("True class: {}.", sim.test.class_names[label]));
    }
    if sim.opened.is_some() {
        section(ui, "Layers");
        layer_table(ui, sim);
        return;
    }
    section(ui, "Loss and accuracy");
    let history = &sim.training.history;
    let curve =
        |name: &str, color: [u8; 3], f: &dyn Fn(&crate::cnn::train::CnnEpochRecord) -> f64| Curve {
            name: name.into(),
            points: decimate(history)
                .iter()
                .map(|r| [r.epoch as f64, f(r)])
                .collect(),
            color: palette::to_egui(color),
        };
    if history.is_empty() {
        ui.small("Train to see the curves: one point per epoch.");
    } else {
        line_chart(
            ui,
            "cnn loss",
            110.0,
            vec![
                curve("train loss", palette::NEGATIVE, &|r| r.train.loss),
                curve("test loss", palette::POSITIVE, &|r| r.test.loss),
            ],
        );
        line_chart(
            ui,
            "cnn accuracy",
            110.0,
            vec![
                curve("train accuracy", palette::NEGATIVE, &|r| r.train.accuracy),
                curve("test accuracy", palette::POSITIVE, &|r| r.test.accuracy),
            ],
        );
    }
    section(ui, "Confusion matrix (test)");
    confusion(ui, sim);
    section(ui, "Mistakes (test)");
    let mistakes = sim.predictions.mistakes(&sim.test);
    ui.small(format!(
        "{} of {} test images wrong; the most confident mistakes first. Click one.",
        mistakes.len(),
        sim.test.len()
    ));
    let mut chosen = None;
    ui.horizontal_wrapped(|ui| {
        for &i in mistakes.iter().take(24) {
            let texture = s.screen.maps.thumbnail(ui.ctx(), &sim.test, i);
            let response = ui
                .add(
                    egui::Image::new((texture, egui::vec2(36.0, 36.0))).sense(egui::Sense::click()),
                )
                .on_hover_text(format!(
                    "a {} taken for a {} ({:.0} %)",
                    sim.test.class_names[sim.test.labels[i]],
                    sim.test.class_names[sim.predictions.predicted[i]],
                    100.0 * sim.predictions.confidence[i]
                ));
            if response.clicked() {
                chosen = Some(i);
            }
        }
    });
    if let Some(i) = chosen {
        s.actions.write(CnnAction::Show(Shown::Test(i)));
    }
    ui.horizontal(|ui| {
        if let Shown::Test(i) = sim.shown {
            let prev = ui.button("← image");
            let next = ui.button("image →");
            remember(&mut s.screen.buttons, "next_image", &next);
            if prev.clicked() {
                s.actions.write(CnnAction::Show(Shown::Test(
                    (i + sim.test.len() - 1) % sim.test.len().max(1),
                )));
            }
            if next.clicked() {
                s.actions.write(CnnAction::Show(Shown::Test(
                    (i + 1) % sim.test.len().max(1),
                )));
            }
            ui.label(format!("test image {}", i + 1));
        }
    });
    section(ui, "Layers");
    layer_table(ui, sim);
}

pub(super) fn confusion(ui: &mut egui::Ui, sim: &CnnSim) {
    let matrix = sim.predictions.confusion(&sim.test);
    let k = matrix.len();
    if k == 0 {
        return;
    }
    let cell = ((RIGHT_WIDTH - 90.0) / k as f32).min(28.0);
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(70.0 + cell * k as f32, 14.0 + cell * k as f32),
        egui::Sense::hover(),
    );
    let painter = ui.painter_at(rect);
    let origin = rect.min + egui::vec2(70.0, 14.0);
    let names = &sim.test.class_names;
    for (row, counts) in matrix.iter().enumerate() {
        let total: usize = counts.iter().sum::<usize>().max(1);
        painter.text(
            egui::pos2(rect.min.x, origin.y + (row as f32 + 0.5) * cell),
            egui::Align2::LEFT_CENTER,
            &names[row],
            egui::FontId::proportional(10.0),
            egui::Color32::from_gray(60),
        );
        for (col, &count) in counts.iter().enumerate() {
            let share = count as f32 / total as f32;
            let color = if row == col {
                palette::POSITIVE
            } else {
                palette::NEGATIVE
            };
            let base = palette::to_egui(color);
            let fill = egui::Color32::from_rgba_unmultiplied(
                base.r(),
                base.g(),
                base.b(),
                (share * 255.0) as u8,
            );
            let r = egui::Rect::from_min_size(
                origin + egui::vec2(col as f32 * cell, row as f32 * cell),
                egui::vec2(cell - 1.0, cell - 1.0),
            );
            painter.rect_filled(r, 1.0, egui::Color32::from_gray(245));
            painter.rect_filled(r, 1.0, fill);
            if count > 0 && cell >= 16.0 {
                painter.text(
                    r.center(),
                    egui::Align2::CENTER_CENTER,
                    count.to_string(),
                    egui::FontId::proportional(9.0),
                    if share > 0.5 {
                        egui::Color32::WHITE
                    } else {
                        egui::Color32::from_gray(40)
                    },
                );
            }
        }
    }
    painter.text(
        rect.min + egui::vec2(70.0, 0.0),
        egui::Align2::LEFT_TOP,
        "predicted →  (rows: true class)",
        egui::FontId::proportional(9.0),
        egui::Color32::from_gray(90),
    );
}

/// Every layer's output shape, parameters and multiply-adds for one image.
pub(super) fn layer_table(ui: &mut egui::Ui, sim: &CnnSim) {
    let model = sim.model();
    egui::Grid::new("cnn layers").striped(true).show(ui, |ui| {
        ui.strong("layer");
        ui.strong("output");
        ui.strong("params");
        ui.strong("mult-adds");
        ui.end_row();
        let mut total_params = 0;
        let mut total_macs = 0;
        for (i, layer) in model.layers.iter().enumerate() {
            let params = layer.parameters().map_or(0, |(w, b)| w.len() + b.len());
            let macs = model.multiply_adds(i);
            total_params += params;
            total_macs += macs;
            ui.label(layer.name());
            ui.label(model.shapes[i].to_string());
            ui.label(params.to_string());
            ui.label(crate::game::theme::widgets::thousands(macs as u64));
            ui.end_row();
        }
        ui.strong("total");
        ui.label("");
        ui.strong(total_params.to_string());
        ui.strong(crate::game::theme::widgets::thousands(total_macs as u64));
        ui.end_row();
    });
}
