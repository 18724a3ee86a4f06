//! The output view: the large heatmap with the data, the losses and accuracy, and the loss chart.

use bevy_egui::egui;

use super::SandboxUi;
use crate::data::Example;
use crate::game::network_view::NodeKey;
use crate::game::plots::{Curve, decimate, line_chart};
use crate::game::theme::palette;
use crate::game::theme::widgets::section_heading;

/// Side of the large heatmap on screen.
pub const VIEW_SIZE: f32 = 290.0;

pub fn show(ui: &mut egui::Ui, s: &mut SandboxUi, texture: Option<egui::TextureId>) {
    let experiment = &s.sim.experiment;
    let latest = experiment.latest();
    ui.add_space(4.0);
    section_heading(ui, "OUTPUT");
    ui.separator();
    egui::Grid::new("readouts").num_columns(2).spacing([16.0, 2.0]).show(ui, |ui| {
        let loss_tip = match experiment.config().effective_loss() {
            crate::nn::Loss::Square => "Mean of 0.5·(output − label)² over the test points: data the network never trains on.",
            crate::nn::Loss::CrossEntropy => "Mean cross-entropy over the test points: data the network never trains on.",
            crate::nn::Loss::SoftmaxCrossEntropy => "Mean of −log(probability of the right class) over the test points: data the network never trains on.",
        };
        ui.label("Test loss").on_hover_text(loss_tip);
        ui.label(egui::RichText::new(format!("{:.3}", latest.test_loss)).monospace().strong());
        ui.end_row();
        ui.label("Training loss").on_hover_text("The same over the training points.");
        ui.label(egui::RichText::new(format!("{:.3}", latest.train_loss)).monospace());
        ui.end_row();
        if let (Some(train), Some(test)) = (latest.train_accuracy, latest.test_accuracy) {
            ui.label("Test accuracy").on_hover_text("Share of test points on the right side of the boundary (the Playground does not show this).");
            ui.label(egui::RichText::new(format!("{:.1} %", test * 100.0)).monospace().strong());
            ui.end_row();
            ui.label("Training accuracy");
            ui.label(egui::RichText::new(format!("{:.1} %", train * 100.0)).monospace());
            ui.end_row();
        }
    });
    ui.add_space(6.0);

    let shown = s
        .heatmaps()
        .and_then(|h| h.shown)
        .unwrap_or(NodeKey::OUTPUT);
    let classes = experiment.config().output_count().max(2);
    let caption = match shown {
        NodeKey::Output(_) if classes > 2 && shown == NodeKey::OUTPUT => {
            "The winning class over the plane (paler: less sure)".to_string()
        }
        NodeKey::OUTPUT => "The network's output over the plane".to_string(),
        other => format!("{} (hovered)", other.title()),
    };
    ui.label(egui::RichText::new(caption).small());
    let (response, painter) = ui.allocate_painter(
        egui::vec2(VIEW_SIZE + 28.0, VIEW_SIZE + 22.0),
        egui::Sense::hover(),
    );
    let rect = egui::Rect::from_min_size(
        response.rect.min + egui::vec2(24.0, 2.0),
        egui::vec2(VIEW_SIZE, VIEW_SIZE),
    );
    if let Some(texture) = texture {
        painter.image(
            texture,
            rect,
            egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
            egui::Color32::WHITE,
        );
    }
    draw_axes(&painter, rect);
    let to_screen = |e: &Example| {
        egui::pos2(
            rect.min.x + ((e.x1 + 6.0) / 12.0) as f32 * rect.width(),
            rect.min.y + ((6.0 - e.x2) / 12.0) as f32 * rect.height(),
        )
    };
    let data = experiment.data();
    for e in &data.train {
        let color = palette::to_egui(palette::label_color(e.label, classes));
        painter.circle(
            to_screen(e),
            2.6,
            color,
            egui::Stroke::new(1.0, egui::Color32::WHITE),
        );
    }
    if s.display.show_test_data {
        for e in &data.test {
            let color = palette::to_egui(palette::label_color(e.label, classes));
            painter.circle(
                to_screen(e),
                2.6,
                color,
                egui::Stroke::new(1.0, egui::Color32::from_gray(40)),
            );
        }
    }
    ui.horizontal(|ui| {
        ui.checkbox(&mut s.display.show_test_data, "Show test data")
            .on_hover_text(
                "Draw the test points too (dark outline). They are never used for training.",
            );
        ui.checkbox(&mut s.display.discretize, "Discretize output")
            .on_hover_text(
                "Show only the predicted class (the sign of the output) instead of its confidence.",
            );
    });
    if classes > 2 {
        class_legend(ui, classes);
    } else {
        color_legend(ui);
    }

    ui.add_space(8.0);
    section_heading(ui, "LOSS OVER EPOCHS");
    loss_chart(ui, experiment.history());
}

/// The colour of each class.
fn class_legend(ui: &mut egui::Ui, classes: usize) {
    ui.horizontal_wrapped(|ui| {
        for class in 0..classes {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
            ui.painter().rect_filled(
                rect,
                2.0,
                palette::to_egui(palette::class_color(class, classes)),
            );
            ui.label(egui::RichText::new(format!("class {class}")).small());
        }
    })
    .response
    .on_hover_text("Each region takes the colour of the class the network picks there; the paler, the less sure it is.");
}

fn draw_axes(painter: &egui::Painter, rect: egui::Rect) {
    let ink = egui::Color32::from_gray(90);
    let font = egui::FontId::proportional(10.0);
    painter.rect_stroke(
        rect,
        0.0,
        egui::Stroke::new(1.0, egui::Color32::from_gray(160)),
        egui::StrokeKind::Outside,
    );
    for value in [-6, -3, 0, 3, 6] {
        let t = (value as f32 + 6.0) / 12.0;
        let x = rect.min.x + t * rect.width();
        let y = rect.max.y - t * rect.height();
        painter.line_segment(
            [egui::pos2(x, rect.max.y), egui::pos2(x, rect.max.y + 4.0)],
            (1.0, ink),
        );
        painter.text(
            egui::pos2(x, rect.max.y + 5.0),
            egui::Align2::CENTER_TOP,
            value.to_string(),
            font.clone(),
            ink,
        );
        painter.line_segment(
            [egui::pos2(rect.min.x - 4.0, y), egui::pos2(rect.min.x, y)],
            (1.0, ink),
        );
        painter.text(
            egui::pos2(rect.min.x - 6.0, y),
            egui::Align2::RIGHT_CENTER,
            value.to_string(),
            font.clone(),
            ink,
        );
    }
}

/// The colour scale from -1 to +1.
fn color_legend(ui: &mut egui::Ui) {
    let (response, painter) =
        ui.allocate_painter(egui::vec2(VIEW_SIZE, 26.0), egui::Sense::hover());
    let bar = egui::Rect::from_min_size(
        response.rect.min + egui::vec2(24.0, 2.0),
        egui::vec2(160.0, 10.0),
    );
    let steps = 64;
    for k in 0..steps {
        let v = -1.0 + 2.0 * (k as f32 + 0.5) / steps as f32;
        let x0 = bar.min.x + bar.width() * k as f32 / steps as f32;
        let x1 = bar.min.x + bar.width() * (k + 1) as f32 / steps as f32;
        painter.rect_filled(
            egui::Rect::from_min_max(egui::pos2(x0, bar.min.y), egui::pos2(x1, bar.max.y)),
            0.0,
            palette::to_egui(palette::scale_color(v)),
        );
    }
    let font = egui::FontId::proportional(10.0);
    let ink = egui::Color32::from_gray(90);
    for (v, align) in [
        (-1.0, egui::Align2::LEFT_TOP),
        (0.0, egui::Align2::CENTER_TOP),
        (1.0, egui::Align2::RIGHT_TOP),
    ] {
        let x = bar.min.x + bar.width() * (v + 1.0) / 2.0;
        painter.text(
            egui::pos2(x, bar.max.y + 1.0),
            align,
            format!("{v:+.0}"),
            font.clone(),
            ink,
        );
    }
    response.on_hover_text("Colours show the output: orange is -1, grey 0, blue +1.");
}

/// Train (grey) and test (black) loss, decimated so that a long run costs the same as a short one.
fn loss_chart(ui: &mut egui::Ui, history: &[crate::experiment::EpochStats]) {
    let sampled = decimate(history);
    let curve = |name: &str, color, loss: fn(&crate::experiment::EpochStats) -> f64| Curve {
        name: name.to_string(),
        points: sampled.iter().map(|s| [s.epoch as f64, loss(s)]).collect(),
        color,
    };
    line_chart(
        ui,
        "loss chart",
        130.0,
        vec![
            curve("training", egui::Color32::from_gray(140), |s| s.train_loss),
            curve("test", egui::Color32::BLACK, |s| s.test_loss),
        ],
    );
}
