//! Compare: up to nine variants of the sandbox's experiment trained side by side on the same
//! data (one or two settings varied, three values each), each with its decision boundary, loss
//! and accuracy, their test losses overlaid in one chart, ranked best first; "Use this" makes a
//! variant, weights and history, the sandbox's experiment. Training takes what the frame leaves
//! (see `frame_budget::TrainingShare::FILL_THE_FRAME`): natively the variants train on every core (rayon), in
//! the browser one after another.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::sim::{SimAction, Simulation};
use crate::experiment::Experiment;
use crate::experiment::compare::{self, CompareSetting, Variant};
use crate::game::notices::Notices;
use crate::game::plots::{Curve, decimate, line_chart_unlabelled};
use crate::game::screens::Screen;
use crate::game::status::{Status, remember_button};
use crate::game::theme::palette;
use crate::nn::GridEvaluator;

/// Side of each variant's boundary image, in cells.
const THUMB_CELLS: usize = 24;
/// Seconds between two redraws of the boundaries.
const THUMB_SECONDS: f32 = 0.3;
/// A colour per variant for the shared chart.
const COLOURS: [(u8, u8, u8); 9] = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (23, 190, 207),
];

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<CompareRuns>()
        .add_systems(
            Update,
            (train_variants, publish_status)
                .chain()
                .after(super::sim::SimSet::Mirror)
                .run_if(in_state(Screen::Sandbox)),
        )
        .add_systems(
            EguiPrimaryContextPass,
            compare_ui.run_if(in_state(Screen::Sandbox)),
        )
        .add_systems(OnExit(Screen::Sandbox), pause);
}

#[derive(Resource)]
pub struct CompareRuns {
    /// The window is shown.
    pub open: bool,
    pub first: CompareSetting,
    pub second: Option<CompareSetting>,
    pub variants: Vec<Variant>,
    /// Runs per variant to start next, 1 to 3 (other initial weights, the same data).
    pub seeds: usize,
    /// The runs, variant after variant, `run_seeds` each.
    pub runs: Vec<Experiment>,
    pub run_seeds: usize,
    pub playing: bool,
    /// Each run's output over the plane, `THUMB_CELLS` squared, and its winning classes.
    thumbs: Vec<Vec<f32>>,
    classes: Vec<Vec<(u8, f32)>>,
    since_thumbs: f32,
    evaluator: GridEvaluator,
    /// Epochs per second of each run, over the last second.
    pub epochs_per_second: f64,
    rate_window: (u64, f32),
    /// The last frame's training time, ms.
    train_ms_last_frame: f64,
    /// Where the buttons are (for the status).
    buttons: serde_json::Map<String, serde_json::Value>,
}

impl Default for CompareRuns {
    fn default() -> Self {
        Self {
            open: false,
            first: CompareSetting::LearningRate,
            second: Some(CompareSetting::Activation),
            variants: Vec::new(),
            seeds: 1,
            runs: Vec::new(),
            run_seeds: 1,
            playing: false,
            thumbs: Vec::new(),
            classes: Vec::new(),
            since_thumbs: THUMB_SECONDS,
            evaluator: GridEvaluator::new(THUMB_CELLS),
            epochs_per_second: 0.0,
            rate_window: (0, 0.0),
            train_ms_last_frame: 0.0,
            buttons: serde_json::Map::new(),
        }
    }
}

impl CompareRuns {
    /// New runs of the chosen variants of `base`, at epoch 0; refused with the core's reason.
    pub fn start(&mut self, base: &Experiment) -> Result<(), String> {
        let variants = compare::variants(base.config(), self.first, self.second);
        let seeds = self.seeds.clamp(1, 3);
        let runs = compare::start_seeds(base, &variants, seeds).map_err(|e| e.to_string())?;
        self.variants = variants;
        self.runs = runs;
        self.run_seeds = seeds;
        self.playing = true;
        self.since_thumbs = THUMB_SECONDS;
        self.rate_window = (0, 0.0);
        Ok(())
    }

    fn refresh_thumbs(&mut self) {
        self.thumbs.clear();
        self.classes.clear();
        for run in &self.runs {
            let grids = self.evaluator.evaluate(run.network());
            self.thumbs.push(grids.output().to_vec());
            let mut winners = Vec::new();
            if grids.outputs() > 1 {
                grids.winning_classes(&mut winners);
            }
            self.classes.push(winners);
        }
        self.since_thumbs = 0.0;
    }
}

fn pause(mut compare: ResMut<CompareRuns>) {
    compare.playing = false;
}

fn train_variants(
    mut compare: ResMut<CompareRuns>,
    time: Res<Time>,
    frames: Res<crate::game::frame_budget::FrameBudget>,
) {
    let dt = time.delta_secs();
    compare.since_thumbs += dt;
    if compare.playing && !compare.runs.is_empty() {
        // What a 60 fps frame leaves after drawing, or as long as drawing where it is slower.
        let other_ms = frames.frame_ms() - compare.train_ms_last_frame;
        let budget = crate::game::frame_budget::TrainingShare::FILL_THE_FRAME
            .budget_ms(frames.frame_ms(), other_ms);
        let start = bevy::platform::time::Instant::now();
        let mut epochs = 0;
        while start.elapsed().as_secs_f64() * 1000.0 < budget {
            compare::train_all(&mut compare.runs, 1);
            epochs += 1;
            if compare.runs.iter().all(|r| r.divergence().is_some()) {
                compare.playing = false;
                break;
            }
        }
        compare.train_ms_last_frame = start.elapsed().as_secs_f64() * 1000.0;
        compare.rate_window.0 += epochs;
        compare.rate_window.1 += dt;
        if compare.rate_window.1 >= 1.0 {
            compare.epochs_per_second =
                compare.rate_window.0 as f64 / f64::from(compare.rate_window.1);
            compare.rate_window = (0, 0.0);
        }
    }
    if compare.open && !compare.runs.is_empty() && compare.since_thumbs >= THUMB_SECONDS {
        compare.refresh_thumbs();
    }
}

fn publish_status(compare: Res<CompareRuns>, mut status: ResMut<Status>) {
    if !compare.open {
        return;
    }
    status.set("compare_open", true);
    status.set("compare_playing", compare.playing);
    status.set(
        "compare_epochs",
        compare
            .runs
            .iter()
            .map(Experiment::epoch)
            .collect::<Vec<_>>(),
    );
    status.set("compare_epochs_per_second", compare.epochs_per_second);
    let ranking = compare::ranking_by_mean(&compare.runs, compare.run_seeds);
    status.set(
        "compare_best",
        ranking.first().map(|&i| compare.variants[i].label.clone()),
    );
    let mut buttons = match status.fields.get("buttons") {
        Some(serde_json::Value::Object(map)) => map.clone(),
        _ => serde_json::Map::new(),
    };
    buttons.extend(compare.buttons.clone());
    status.set("buttons", serde_json::Value::Object(buttons));
}

fn colour(index: usize) -> egui::Color32 {
    let (r, g, b) = COLOURS[index % COLOURS.len()];
    egui::Color32::from_rgb(r, g, b)
}

fn setting_combo(ui: &mut egui::Ui, id: &str, value: &mut Option<CompareSetting>, none: bool) {
    let text = value.map_or("nothing else", CompareSetting::name);
    egui::ComboBox::from_id_salt(id)
        .selected_text(text)
        .show_ui(ui, |ui| {
            if none {
                ui.selectable_value(value, None, "nothing else");
            }
            for setting in CompareSetting::ALL {
                ui.selectable_value(value, Some(setting), setting.name());
            }
        });
}

fn compare_ui(
    mut contexts: EguiContexts,
    mut compare: ResMut<CompareRuns>,
    sim: Res<Simulation>,
    mut actions: MessageWriter<SimAction>,
    mut notices: ResMut<Notices>,
) -> Result {
    if !compare.open {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?.clone();
    let mut open = true;
    compare.buttons.clear();
    egui::Window::new("Compare settings")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .default_width(900.0)
        .order(egui::Order::Foreground)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(&ctx, |ui| {
            compare_controls(ui, &mut compare, &sim, &mut notices);
            if compare.runs.is_empty() {
                ui.label("Choose one or two settings and press Start: three values each, so up to nine networks train side by side.");
                return;
            }
            ui.label(
                egui::RichText::new(format!(
                    "Epoch {} · {:.0} epochs/s each · best first by test loss; every run starts from its own fresh weights.",
                    compare.runs.iter().map(Experiment::epoch).max().unwrap_or(0),
                    compare.epochs_per_second
                ))
                .small(),
            );
            let seeds = compare.run_seeds.max(1);
            let ranking = compare::ranking_by_mean(&compare.runs, seeds);
            let mut adopt = None;
            ui.horizontal_top(|ui| {
            egui::Grid::new("compare cards")
                .spacing(egui::vec2(10.0, 8.0))
                .show(ui, |ui| {
                    for (place, &i) in ranking.iter().enumerate() {
                        if variant_card(ui, &mut compare, place, i) {
                            adopt = Some(i);
                        }
                        if place % 3 == 2 {
                            ui.end_row();
                        }
                    }
                });
            ui.vertical(|ui| {
                ui.set_width(330.0);
                ui.label(egui::RichText::new("Test loss over epochs (colours as the names)").small());
                loss_chart(ui, &compare);
            });
            });
            if let Some(i) = adopt {
                // The variant's best run.
                let group = &compare.runs[i * seeds..(i + 1) * seeds];
                let best = compare::ranking(group)[0];
                let run = group[best].clone();
                let said = format!(
                    "The sandbox now runs \"{}\" from epoch {}, with its weights and history.",
                    compare.variants[i].label,
                    run.epoch()
                );
                actions.write(SimAction::replace_with(run, vec![said]));
                compare.playing = false;
                compare.open = false;
            }
        });
    if !open {
        compare.open = false;
        compare.playing = false;
    }
    Ok(())
}

/// The settings varied, the runs per variant, Start and Play.
fn compare_controls(
    ui: &mut egui::Ui,
    compare: &mut CompareRuns,
    sim: &Simulation,
    notices: &mut Notices,
) {
    ui.horizontal(|ui| {
        ui.label("Train the sandbox's network with");
        let mut first = Some(compare.first);
        setting_combo(ui, "compare first", &mut first, false);
        compare.first = first.unwrap_or(CompareSetting::LearningRate);
        ui.label("by");
        let mut second = compare.second;
        setting_combo(ui, "compare second", &mut second, true);
        compare.second = second;
        ui.label("on the same data,");
        egui::ComboBox::from_id_salt("compare seeds")
            .selected_text(match compare.seeds {
                1 => "one run each".to_string(),
                n => format!("{n} runs each"),
            })
            .show_ui(ui, |ui| {
                for n in 1..=3 {
                    let text = if n == 1 { "one run each".to_string() } else { format!("{n} runs each") };
                    ui.selectable_value(&mut compare.seeds, n, text);
                }
            })
            .response
            .on_hover_text("Several runs of each variant from other initial weights: the cards show their mean and spread.");
        let restart = ui.button("Start").on_hover_text("New runs of these variants from epoch 0.");
        remember_button(&mut compare.buttons, "Compare start", restart.rect);
        if restart.clicked()
            && let Err(e) = compare.start(&sim.experiment)
        {
            notices.refused(format!("These variants cannot run: {e}"));
        }
        if !compare.runs.is_empty() {
            let label = if compare.playing { "Pause" } else { "Play" };
            let play = ui.button(label);
            remember_button(&mut compare.buttons, "Compare play", play.rect);
            if play.clicked() {
                compare.playing = !compare.playing;
            }
        }
    });
}

/// One variant's card (at `place` in the ranking): its boundary, its test loss and accuracy
/// (mean and spread over its runs), and "Use this". Returns whether it was chosen.
fn variant_card(ui: &mut egui::Ui, compare: &mut CompareRuns, place: usize, i: usize) -> bool {
    let mut chosen = false;
    ui.vertical(|ui| {
        ui.set_width(150.0);
        let seeds = compare.run_seeds.max(1);
        let group = &compare.runs[i * seeds..(i + 1) * seeds];
        ui.label(
            egui::RichText::new(format!("#{} {}", place + 1, compare.variants[i].label))
                .small()
                .strong()
                .color(colour(i)),
        );
        let (rect, _) = ui.allocate_exact_size(egui::vec2(90.0, 90.0), egui::Sense::hover());
        thumbnail(ui.painter(), rect, compare, i * seeds);
        let losses: Vec<f64> = group.iter().map(|r| r.latest().test_loss).collect();
        let accuracies: Option<Vec<f64>> = group.iter().map(|r| r.latest().test_accuracy).collect();
        let spread = |(mean, sd): (f64, Option<f64>), scale: f64, digits: usize| match sd {
            Some(sd) => format!("{:.digits$} ± {:.digits$}", mean * scale, sd * scale),
            None => format!("{:.digits$}", mean * scale),
        };
        let accuracy = accuracies.map_or(String::new(), |a| {
            format!(" · {} %", spread(compare::mean_sd(&a), 100.0, 0))
        });
        let diverged = group.iter().filter(|r| r.divergence().is_some()).count();
        let text = if diverged > 0 {
            format!("diverged in {diverged} of {} runs", group.len())
        } else {
            format!(
                "test loss {}{accuracy}",
                spread(compare::mean_sd(&losses), 1.0, 3)
            )
        };
        ui.label(egui::RichText::new(text).small());
        let use_it = ui.small_button("Use this");
        remember_button(
            &mut compare.buttons,
            &format!("Use #{}", place + 1),
            use_it.rect,
        );
        if use_it.clicked() {
            chosen = true;
        }
    });
    chosen
}

/// A run's boundary: each cell coloured by the output (two classes, regression) or by the
/// winning class, paler where it is less sure.
fn thumbnail(painter: &egui::Painter, rect: egui::Rect, compare: &CompareRuns, i: usize) {
    let Some(values) = compare.thumbs.get(i) else {
        return;
    };
    let winners = &compare.classes[i];
    let classes = compare.runs[i].config().output_count().max(2);
    let cell = rect.width() / THUMB_CELLS as f32;
    for row in 0..THUMB_CELLS {
        for col in 0..THUMB_CELLS {
            let k = row * THUMB_CELLS + col;
            let color = match winners.get(k) {
                Some(&(class, confidence)) => {
                    let base = palette::to_egui(palette::class_color(class as usize, classes));
                    egui::Color32::WHITE.lerp_to_gamma(base, confidence.clamp(0.2, 1.0))
                }
                None => {
                    palette::to_egui(palette::scale_color(values.get(k).copied().unwrap_or(0.0)))
                }
            };
            let min = rect.min + egui::vec2(col as f32 * cell, row as f32 * cell);
            painter.rect_filled(
                egui::Rect::from_min_size(min, egui::vec2(cell + 0.5, cell + 0.5)),
                0.0,
                color,
            );
        }
    }
    painter.rect_stroke(
        rect,
        0.0,
        egui::Stroke::new(1.0, egui::Color32::from_gray(160)),
        egui::StrokeKind::Outside,
    );
}

/// Each variant's test loss over the epochs (the mean of its runs), one colour each (the cards'
/// names say which).
fn loss_chart(ui: &mut egui::Ui, compare: &CompareRuns) {
    let seeds = compare.run_seeds.max(1);
    let curves = compare
        .variants
        .iter()
        .enumerate()
        .map(|(i, variant)| {
            let group = &compare.runs[i * seeds..(i + 1) * seeds];
            // The runs train in step; one that stopped (diverged) shortens the mean.
            let len = group.iter().map(|r| r.history().len()).min().unwrap_or(0);
            let mean: Vec<crate::experiment::EpochStats> = (0..len)
                .map(|k| {
                    let mut stats = group[0].history()[k];
                    stats.test_loss = group.iter().map(|r| r.history()[k].test_loss).sum::<f64>()
                        / group.len() as f64;
                    stats
                })
                .collect();
            Curve {
                name: variant.label.clone(),
                points: decimate(&mean)
                    .iter()
                    .map(|s| [s.epoch as f64, s.test_loss])
                    .collect(),
                color: colour(i),
            }
        })
        .collect();
    line_chart_unlabelled(ui, "compare chart", 360.0, curves);
}
