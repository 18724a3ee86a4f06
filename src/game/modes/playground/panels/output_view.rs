//! The output view: the large heatmap with the data, the losses and accuracy, and the loss chart.

use bevy_egui::egui;

use super::OutputUi;
use crate::data::Example;
use crate::data::Problem;
use crate::game::network_view::NodeKey;
use crate::game::plots::{Curve, decimate, line_chart};
use crate::game::status::remember_button;
use crate::game::theme::palette;
use crate::game::theme::widgets::section_heading;

/// Side of the large heatmap on a desktop.
pub const VIEW_SIZE: f32 = 290.0;

/// The output panel in a column (desktop, tablet): readouts, the plane of `view_size` pixels,
/// its options, your data, the loss chart.
pub fn show(ui: &mut egui::Ui, s: &mut OutputUi, texture: Option<egui::TextureId>, view_size: f32) {
    ui.add_space(4.0);
    section_heading(ui, "OUTPUT");
    ui.separator();
    ui.scope(|ui| readouts(ui, s));
    ui.add_space(6.0);
    plane(ui, s, texture, view_size);
    plane_options(ui, s, view_size);
    rest(ui, s);
}

/// The output panel under the network on a phone: the plane beside the epoch and the readouts,
/// then its options, your data and the loss chart below (the panel scrolls).
pub fn show_phone(
    ui: &mut egui::Ui,
    s: &mut OutputUi,
    texture: Option<egui::TextureId>,
    view_size: f32,
) {
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| plane(ui, s, texture, view_size));
        ui.vertical(|ui| {
            ui.label(egui::RichText::new("Epoch").weak());
            ui.label(
                egui::RichText::new(crate::game::theme::widgets::with_commas(
                    s.bench.sim.experiment.epoch(),
                ))
                .size(18.0)
                .monospace()
                .strong(),
            );
            readouts(ui, s);
        });
    });
    plane_options(ui, s, view_size);
    rest(ui, s);
}

/// Your data (in the sandbox) and the loss chart.
fn rest(ui: &mut egui::Ui, s: &mut OutputUi) {
    let classes = s.bench.sim.experiment.config().output_count().max(2);
    if s.bench.level.is_none() {
        ui.add_space(6.0);
        own_data_section(ui, s, classes);
    }
    ui.add_space(8.0);
    section_heading(ui, "LOSS OVER EPOCHS");
    loss_chart(ui, s.bench.sim.experiment.history());
}

/// Test and training loss and accuracy.
fn readouts(ui: &mut egui::Ui, s: &mut OutputUi) {
    let experiment = &s.bench.sim.experiment;
    let latest = experiment.latest();
    // Readouts are text, not controls: rows as tall as the text even on a touch screen.
    ui.spacing_mut().interact_size.y = 18.0;
    egui::Grid::new("readouts").num_columns(2).spacing([10.0, 2.0]).show(ui, |ui| {
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
}

/// The network's output over the plane with the data, the traced examples of slow motion, and
/// (while drawing) the pen.
fn plane(ui: &mut egui::Ui, s: &mut OutputUi, texture: Option<egui::TextureId>, view_size: f32) {
    let experiment = &s.bench.sim.experiment;
    let shown = s
        .bench
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
    let drawing = s.lab.own.drawing_mode && s.bench.level.is_none();
    let (response, painter) = ui.allocate_painter(
        egui::vec2(view_size + 28.0, view_size + 22.0),
        if drawing {
            egui::Sense::click_and_drag()
        } else {
            egui::Sense::hover()
        },
    );
    let rect = egui::Rect::from_min_size(
        response.rect.min + egui::vec2(24.0, 2.0),
        egui::vec2(view_size, view_size),
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
    s.lab.buttons.0.insert(
        "plot".into(),
        serde_json::json!([rect.min.x, rect.min.y, rect.width(), rect.height()]),
    );
    if drawing {
        draw_points(s, &response, rect);
    }
    let experiment = &s.bench.sim.experiment;
    // While drawing, the drawing's points (they reach the experiment once both sets have one).
    let drawn;
    let data = if drawing {
        drawn = s.lab.own.drawing.data();
        &drawn
    } else {
        experiment.data()
    };
    for e in &data.train {
        let color = palette::to_egui(palette::label_color(e.label, classes));
        painter.circle(
            to_screen(e),
            2.6,
            color,
            egui::Stroke::new(1.0, egui::Color32::WHITE),
        );
    }
    if s.display.show_test_data || drawing {
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
    // Backprop step by step: the examples being traced, the current one ringed boldly.
    if s.lab.slow.open
        && let Some(run) = s.lab.slow.run.as_ref()
    {
        use crate::game::modes::playground::slow_motion::Phase;
        let current = match run.phase() {
            Phase::Forward { example, .. }
            | Phase::Error { example }
            | Phase::Backward { example, .. } => Some(example),
            Phase::Update => None,
        };
        for (k, e) in run.trace.examples.iter().enumerate() {
            let at = to_screen(&Example::new(e.x1, e.x2, e.label));
            let (radius, stroke) = if current == Some(k) {
                (
                    8.0,
                    egui::Stroke::new(2.5, egui::Color32::from_rgb(250, 191, 46)),
                )
            } else {
                (5.5, egui::Stroke::new(1.2, egui::Color32::from_gray(60)))
            };
            painter.circle_stroke(at, radius, stroke);
        }
    }
}

/// Show test data, discretize, and the colour legend.
fn plane_options(ui: &mut egui::Ui, s: &mut OutputUi, view_size: f32) {
    let classes = s.bench.sim.experiment.config().output_count().max(2);
    ui.horizontal_wrapped(|ui| {
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
        color_legend(ui, view_size);
    }
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
fn color_legend(ui: &mut egui::Ui, width: f32) {
    let (response, painter) = ui.allocate_painter(egui::vec2(width, 26.0), egui::Sense::hover());
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

/// Where a point of the output view is on the plane (-6..6 on both axes, x2 up).
fn to_plane(pos: egui::Pos2, rect: egui::Rect) -> (f64, f64) {
    let x1 = (pos.x - rect.min.x) / rect.width() * 12.0 - 6.0;
    let x2 = 6.0 - (pos.y - rect.min.y) / rect.height() * 12.0;
    (f64::from(x1), f64::from(x2))
}

/// A click adds a point of the chosen class, a drag paints a stroke of them, the right button
/// (or the eraser) removes the points under the pointer. Each click or stroke is one undo step.
fn draw_points(s: &mut OutputUi, response: &egui::Response, rect: egui::Rect) {
    use crate::game::modes::playground::own_data::{ERASER_RADIUS, STROKE_SPACING};
    let Some(pos) = response.interact_pointer_pos() else {
        return;
    };
    if !rect.contains(pos) {
        return;
    }
    let (x1, x2) = to_plane(pos, rect);
    let erasing = s.lab.own.eraser
        || response.secondary_clicked()
        || response.dragged_by(egui::PointerButton::Secondary);
    let label = s.lab.own.label;
    let mut changed = false;
    if response.clicked() || response.secondary_clicked() {
        s.lab.own.remember();
        changed = if erasing {
            s.lab.own.drawing.erase_near(x1, x2, ERASER_RADIUS) > 0
        } else {
            s.lab.own.drawing.add(x1, x2, label)
        };
        if !changed && !erasing {
            s.notices.refused(format!(
                "The drawing is full: {} points at most.",
                crate::data::drawing::MAX_POINTS
            ));
        }
    } else {
        if response.drag_started() {
            s.lab.own.remember();
            s.lab.own.last_painted = None;
        }
        if response.dragged() {
            if erasing {
                changed = s.lab.own.drawing.erase_near(x1, x2, ERASER_RADIUS) > 0;
            } else {
                let far = s.lab.own.last_painted.is_none_or(|(a, b)| {
                    (a - x1).powi(2) + (b - x2).powi(2) >= STROKE_SPACING * STROKE_SPACING
                });
                if far && s.lab.own.drawing.add(x1, x2, label) {
                    s.lab.own.last_painted = Some((x1, x2));
                    changed = true;
                }
            }
        }
        if response.drag_stopped() {
            s.lab.own.last_painted = None;
        }
    }
    if changed && let Some(action) = s.lab.own.use_it() {
        s.bench.actions.write(action);
    }
}

/// Drawing, opening and saving the student's own data.
fn own_data_section(ui: &mut egui::Ui, s: &mut OutputUi, classes: usize) {
    use crate::game::modes::playground::own_data::open_request;
    section_heading(ui, "YOUR DATA");
    let experiment = &s.bench.sim.experiment;
    let problem = experiment.problem();
    s.lab.own.fit_label(problem, experiment.config().classes);
    ui.horizontal_wrapped(|ui| {
        let draw = ui
            .selectable_label(s.lab.own.drawing_mode, "✏ Draw points")
            .on_hover_text("Click on the plot to add a point, drag to paint, right button to erase. The network trains on your points.");
        remember_button(&mut s.lab.buttons.0, "Draw points", draw.rect);
        if draw.clicked() {
            if s.lab.own.drawing_mode {
                s.lab.own.drawing_mode = false;
            } else {
                let data = s.bench.sim.experiment.data().clone();
                s.lab.own.start(&data);
                if let Some(action) = s.lab.own.use_it() {
                    s.bench.actions.write(action);
                }
            }
        }
        if ui.button("Open CSV…").on_hover_text("Points from a file: x1,x2,label[,split] (the format of `train --data`). Natively you can also drop the file onto the window.").clicked() {
            s.lab.files.write(open_request());
        }
        if ui.button("Save CSV").on_hover_text("The points trained on now, as x1,x2,label,split.").clicked() {
            let mut bytes = Vec::new();
            let _ = crate::data::csv_file::write_data(s.bench.sim.experiment.data(), &mut bytes);
            s.lab.files.write(crate::game::files::FileRequest::Save {
                name: "neural-sandbox-data.csv".into(),
                bytes,
                mime: "text/csv",
            });
        }
    });
    if s.lab.own.drawing_mode {
        new_point_labels(ui, s, problem, classes);
        drawing_controls(ui, s);
    }
    if let Some(name) = s.bench.sim.experiment.data_from_file() {
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new(format!("Training on {name}.")).small());
            if ui.small_button("Back to the generated data").clicked() {
                s.lab.own.drawing_mode = false;
                s.bench
                    .actions
                    .write(crate::game::modes::playground::SimAction::GeneratedData);
            }
        });
    }
}

/// While drawing: which class (or value) new points get, or the eraser.
fn new_point_labels(ui: &mut egui::Ui, s: &mut OutputUi, problem: Problem, classes: usize) {
    ui.horizontal_wrapped(|ui| {
        ui.label("New points:");
        match problem {
            Problem::Regression => {
                ui.add(egui::Slider::new(&mut s.lab.own.label, -1.0..=1.0).text("value"));
            }
            Problem::Classification => {
                let labels: Vec<f64> = if classes <= 2 {
                    vec![1.0, -1.0]
                } else {
                    (0..classes).map(|c| c as f64).collect()
                };
                for label in labels {
                    let color = palette::to_egui(palette::label_color(label, classes));
                    let text = match (classes <= 2, label > 0.0) {
                        (true, true) => "blue (+1)".to_string(),
                        (true, false) => "orange (−1)".to_string(),
                        (false, _) => format!("class {label}"),
                    };
                    let chosen = !s.lab.own.eraser && s.lab.own.label == label;
                    let button = egui::Button::selectable(
                        chosen,
                        egui::RichText::new(&text).color(color).strong(),
                    );
                    let response = ui.add(button);
                    remember_button(&mut s.lab.buttons.0, &text, response.rect);
                    if response.clicked() {
                        s.lab.own.label = label;
                        s.lab.own.eraser = false;
                    }
                }
            }
        }
        if ui.selectable_label(s.lab.own.eraser, "Eraser").clicked() {
            s.lab.own.eraser = !s.lab.own.eraser;
        }
    });
}

/// While drawing: the share of test points, Undo, Clear, Done, and how many points there are.
fn drawing_controls(ui: &mut egui::Ui, s: &mut OutputUi) {
    let mut share = s.lab.own.drawing.test_share() * 100.0;
    let slider = ui.add(
        egui::Slider::new(&mut share, 0.0..=90.0)
            .step_by(5.0)
            .suffix(" % test data"),
    );
    if slider.changed() {
        s.lab.own.remember();
        s.lab.own.drawing.set_test_share(share / 100.0);
        if let Some(action) = s.lab.own.use_it() {
            s.bench.actions.write(action);
        }
    }
    ui.horizontal(|ui| {
        if ui
            .add_enabled(s.lab.own.can_undo(), egui::Button::new("Undo"))
            .on_hover_text("Ctrl+Z while drawing")
            .clicked()
            && s.lab.own.undo()
            && let Some(action) = s.lab.own.use_it()
        {
            s.bench.actions.write(action);
        }
        let clear = ui.add_enabled(!s.lab.own.drawing.is_empty(), egui::Button::new("Clear"));
        remember_button(&mut s.lab.buttons.0, "Clear", clear.rect);
        if clear.clicked() {
            s.lab.own.remember();
            let share = s.lab.own.drawing.test_share();
            s.lab.own.drawing = crate::data::drawing::Drawing::default();
            s.lab.own.drawing.set_test_share(share);
        }
        if ui.button("Done").clicked() {
            s.lab.own.drawing_mode = false;
        }
    });
    let data = s.lab.own.drawing.data();
    let waiting = data.train.is_empty() || data.test.is_empty();
    ui.label(
        egui::RichText::new(if waiting {
            format!(
                "{} points: draw at least two (one for training, one for testing); the network still trains on the points before.",
                s.lab.own.drawing.len()
            )
        } else {
            format!(
                "{} training and {} test points (dark outline).",
                data.train.len(),
                data.test.len()
            )
        })
        .small(),
    );
}
