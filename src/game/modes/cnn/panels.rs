//! The CNN mode's screen (egui): the run bar on top; data, network, training and the drawing
//! pad on the left; curves, confusion matrix and mistakes on the right; CNN Explainer's
//! overview in the middle (every map of every layer, links on hover) and, below it, the detail
//! of the map the student clicked (see [`super::detail`]).

use crate::game::theme::form_factor::{FormFactor, ScreenClass};
use crate::game::theme::widgets;
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::CnnStage;
use super::detail::{self, Detail};
use super::maps::{ColorRange, MapTextures};
use super::sim::{CnnSim, ModelSource, Shown};
use crate::cnn::images::ImageDataset;
use crate::cnn::train::CnnOptimizer;
use crate::cnn::{CnnActivation, Padding};
use crate::game::files::FileRequest;
use crate::game::notices::Notices;
use crate::game::plots::{Curve, decimate, line_chart};
use crate::game::screens::Screen;
use crate::game::theme::palette;
use crate::game::theme::widgets::section;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<CnnScreen>().add_systems(
        EguiPrimaryContextPass,
        cnn_ui
            .run_if(in_state(CnnStage).and_then(resource_exists::<CnnSim>))
            .before(crate::game::notices::ShowNotices),
    );
}

pub const LEFT_WIDTH: f32 = 290.0;
pub const RIGHT_WIDTH: f32 = 330.0;

/// The screen's own state.
#[derive(Resource, Default)]
pub struct CnnScreen {
    pub range: ColorRange,
    pub detail: Option<Detail>,
    /// The class a drawing is added to the training set as.
    pub drawing_class: usize,
    pub saliency: bool,
    /// Where the mode's buttons are, for scripts that click them like a player.
    pub buttons: serde_json::Map<String, serde_json::Value>,
    pub maps: MapTextures,
    /// Whether the settings panel shows on a small screen (None: the screen's default).
    pub settings_shown: Option<bool>,
}

#[derive(SystemParam)]
pub struct CnnUi<'w> {
    pub level_commands: MessageWriter<'w, crate::game::levels::LevelCommand>,
    pub catalog: Res<'w, crate::game::levels::LevelCatalog>,
    pub sim: ResMut<'w, CnnSim>,
    pub screen: ResMut<'w, CnnScreen>,
    pub notices: ResMut<'w, Notices>,
    pub files: MessageWriter<'w, FileRequest>,
    pub next_screen: ResMut<'w, NextState<Screen>>,
    pub time: Res<'w, Time>,
    pub images: ResMut<'w, Assets<Image>>,
    pub timings: ResMut<'w, crate::game::frame_budget::WorkTimings>,
    pub form: Res<'w, FormFactor>,
    pub recorder: ResMut<'w, crate::game::recording::Recorder>,
    pub notice_anchor: ResMut<'w, crate::game::notices::NoticeAnchor>,
    pub actions: MessageWriter<'w, super::sim::CnnAction>,
}

pub fn remember(
    buttons: &mut serde_json::Map<String, serde_json::Value>,
    name: &str,
    r: &egui::Response,
) {
    crate::game::status::remember_button(buttons, name, r.rect);
}

fn cnn_ui(mut contexts: EguiContexts, mut s: CnnUi) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    s.screen.buttons.clear();
    let started = bevy::platform::time::Instant::now();
    {
        let CnnUi {
            sim,
            screen,
            images,
            ..
        } = &mut s;
        let range = screen.range;
        let saliency = screen.saliency;
        let mut out = super::maps::MapOutput {
            images,
            contexts: &mut contexts,
        };
        screen.maps.update(&mut out, sim, range, saliency);
    }
    s.timings.heatmaps += started.elapsed();
    let mut root = egui::Ui::new(
        ctx.clone(),
        "cnn root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    let class = s.form.class;
    let screen_rect = ctx.content_rect();
    widgets::bar_panel("cnn run bar", class).show(&mut root, |ui| run_bar(ui, &mut s));
    let settings_open = widgets::settings_open(s.screen.settings_shown, class);
    if settings_open && class != ScreenClass::Phone {
        egui::Panel::left("cnn settings")
            .exact_size(LEFT_WIDTH)
            .resizable(false)
            .show(&mut root, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| left_panel(ui, &mut s));
            });
    }
    // The results: on the right, or under the network on a phone.
    if class == ScreenClass::Phone {
        egui::Panel::bottom("cnn results")
            .exact_size(screen_rect.height() * 0.36)
            .resizable(false)
            .show(&mut root, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| right_panel(ui, &mut s));
            });
    } else {
        egui::Panel::right("cnn results")
            .exact_size(RIGHT_WIDTH)
            .resizable(false)
            .show(&mut root, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| right_panel(ui, &mut s));
            });
    }
    if class == ScreenClass::Phone && settings_open {
        let top = root.available_rect_before_wrap().min.y;
        let over = egui::Rect::from_min_max(egui::pos2(screen_rect.min.x, top), screen_rect.max);
        let mut shown = s.screen.settings_shown;
        let done = widgets::settings_sheet(&ctx, "cnn settings sheet", over, &mut shown, |ui| {
            left_panel(ui, &mut s)
        });
        s.screen.settings_shown = shown;
        let c = done.center();
        s.screen
            .buttons
            .insert("Settings done".into(), serde_json::json!([c.x, c.y]));
    }
    level_cards(&ctx, &mut s);
    let mut central = screen_rect;
    let mut actions = Vec::new();
    egui::CentralPanel::default().show(&mut root, |ui| {
        let dt = s.time.delta_secs();
        let CnnUi { sim, screen, .. } = &mut s;
        let has_detail = screen.detail.is_some();
        let full = ui.available_rect_before_wrap();
        central = full;
        let overview_height = if has_detail {
            full.height() * 0.5
        } else {
            full.height()
        };
        let overview =
            egui::Rect::from_min_size(full.min, egui::vec2(full.width(), overview_height));
        super::overview::show(ui, overview, sim, screen);
        if has_detail {
            let rect =
                egui::Rect::from_min_max(egui::pos2(full.min.x, overview.max.y + 6.0), full.max);
            let mut child = ui.new_child(egui::UiBuilder::new().max_rect(rect));
            // The detail can be taller than half a small window (a convolution's channels and
            // the grid of all its kernels): it scrolls.
            egui::ScrollArea::vertical()
                .id_salt("cnn detail")
                .auto_shrink([false, false])
                .show(&mut child, |ui| {
                    detail::show(ui, sim, screen, dt, &mut actions)
                });
        }
    });
    // What was refused (a file, a setting) or done stands at the foot of the maps.
    s.notice_anchor.0 = Some(Vec2::new(central.center().x, central.max.y - 12.0));
    for action in actions {
        s.actions.write(action);
    }
    Ok(())
}

fn run_bar(ui: &mut egui::Ui, s: &mut CnnUi) {
    let class = s.form.class;
    widgets::bar_row(ui, class, |ui| {
        if class != ScreenClass::Wide {
            let toggle = widgets::settings_toggle(ui, &mut s.screen.settings_shown, class);
            remember(&mut s.screen.buttons, "Settings", &toggle);
        }
        let back = ui.button("← Title");
        remember(&mut s.screen.buttons, "title", &back);
        if back.clicked() {
            s.sim.playing = false;
            s.next_screen.set(Screen::Title);
        }
        ui.separator();
        ui.heading("CNN");
        ui.separator();
        crate::game::recording::record_button(ui, &mut s.recorder, &mut s.screen.buttons);
        let own_network = s.sim.opened.is_none().then_some(&s.sim.training.model);
        let network = || {
            let json = own_network
                .map(crate::cnn::tfjs::to_json)
                .unwrap_or_default();
            ("cnn-model.json".to_string(), json.into_bytes())
        };
        let menu = widgets::drop_menu(ui, "Hand in…", |ui| {
            crate::game::class::hand_in_items(
                ui,
                own_network.map(|_| crate::game::class::CurrentWork {
                    label: "Hand in this network",
                    tip: "Sends your network, trained as it is now, to your teacher (join your class with your teacher's class link first).",
                    file: &network,
                }),
                &mut s.recorder,
                &mut s.files,
                &mut s.screen.buttons,
            )
        });
        remember(&mut s.screen.buttons, "Hand in", &menu);
        ui.separator();
        if let Some(run) = &s.sim.level {
            ui.label(egui::RichText::new(&run.level.title).strong())
                .on_hover_text(run.level.goal.describe());
            let budget = run.level.epoch_budget;
            if budget > 0 {
                ui.label(format!("({budget} epochs)"));
            }
            if run.hints_shown < run.level.hints.len() && ui.button("Hint").clicked() {
                s.level_commands
                    .write(crate::game::levels::LevelCommand::Hint);
            }
            if ui
                .button("Answer")
                .on_hover_text("Show the reference solution (only the first star counts then).")
                .clicked()
            {
                s.level_commands
                    .write(crate::game::levels::LevelCommand::ShowAnswer);
            }
            if ui.button("Levels").clicked() {
                s.sim.playing = false;
                s.next_screen.set(Screen::LevelSelect);
            }
            ui.separator();
        }
        let sim = &mut *s.sim;
        if sim.opened.is_none() {
            let trainable = sim.can_train();
            let label = if sim.playing {
                "⏸ Pause"
            } else {
                "▶ Train"
            };
            let play = ui.add_enabled(
                trainable,
                egui::Button::new(egui::RichText::new(label).strong())
                    .min_size(egui::vec2(84.0, 30.0)),
            );
            remember(&mut s.screen.buttons, "play", &play);
            if play.clicked() {
                sim.playing = !sim.playing;
            }
            let step = ui
                .add_enabled(trainable, egui::Button::new("Step"))
                .on_hover_text("Train on one batch and show what changed.");
            remember(&mut s.screen.buttons, "step", &step);
            if step.clicked() {
                sim.playing = false;
                sim.step_once();
            }
            let reset = ui
                .button("Reset")
                .on_hover_text("New weights from the seed; the history starts again.");
            remember(&mut s.screen.buttons, "reset", &reset);
            if reset.clicked() {
                sim.playing = false;
                if let Err(e) = sim.rebuild() {
                    s.notices.refused(e);
                }
            }
            ui.separator();
            let t = &sim.training;
            ui.label(format!("Epoch {}", t.epoch));
            ui.label(format!(
                "· {:.0} % of the next",
                100.0 * t.position as f64 / sim.train.len().max(1) as f64
            ));
            if let Some(last) = t.history.last() {
                ui.label(format!(
                    "· test loss {:.3} · test accuracy {:.1} %",
                    last.test.loss,
                    100.0 * last.test.accuracy
                ));
            }
            if sim.playing {
                ui.label(format!("· {:.0} images/s", sim.images_per_s))
                    .on_hover_text(format!(
                        "Images trained per second of play; {:.0} per second of training time \
                         (the rest of each frame draws the views).",
                        sim.training_images_per_s
                    ));
            }
            if sim.evaluating() {
                ui.label("· testing…");
            }
        } else if let ModelSource::Opened(name) = &sim.source {
            ui.label(format!(
                "Showing {name}: {} parameters, not trained here.",
                sim.model().parameter_count()
            ));
            if let Some(ms) = sim.inference_ms {
                ui.label(format!("· one image through it: {ms:.2} ms"));
            }
        }
    });
}

fn left_panel(ui: &mut egui::Ui, s: &mut CnnUi) {
    let sim = &mut *s.sim;
    if sim.opened.is_none() {
        section(ui, "Data");
        let mut dataset = sim.dataset;
        let mut classes = sim.classes;
        egui::ComboBox::from_id_salt("cnn dataset")
            .selected_text(dataset.title())
            .width(250.0)
            .show_ui(ui, |ui| {
                for d in ImageDataset::ALL {
                    ui.selectable_value(&mut dataset, d, d.title());
                }
            });
        if dataset != sim.dataset {
            classes = classes.min(dataset.max_classes());
        }
        ui.add(egui::Slider::new(&mut classes, 2..=dataset.max_classes()).text("classes"));
        let mut seed = sim.seed;
        ui.horizontal(|ui| {
            ui.label("Seed");
            ui.add(egui::DragValue::new(&mut seed).range(0..=9999));
            if ui.button("New images").clicked() {
                seed = seed.wrapping_add(1) % 10_000;
            }
        });
        if (dataset, classes, seed) != (sim.dataset, sim.classes, sim.seed)
            && let Err(e) = sim.regenerate(dataset, classes, seed)
        {
            s.notices.refused(e);
        }
        ui.small(format!(
            "{} training and {} test images of {}x{} pixels: {}.",
            sim.train.len(),
            sim.test.len(),
            sim.train.shape.height,
            sim.train.shape.width,
            sim.train.class_names.join(", ")
        ));
        if sim.dataset == ImageDataset::Digits {
            ui.small("Digits: UCI Optical Recognition of Handwritten Digits (Alpaydin & Kaynak), CC BY 4.0.");
        }

        section(ui, "Network");
        let mut spec = sim.spec;
        ui.add(egui::Slider::new(&mut spec.blocks, 1..=3).text("blocks (2 conv + pool)"));
        ui.add(egui::Slider::new(&mut spec.filters, 1..=16).text("filters per conv"));
        ui.horizontal(|ui| {
            ui.label("Kernel");
            ui.selectable_value(&mut spec.kernel, 1, "1x1");
            ui.selectable_value(&mut spec.kernel, 3, "3x3");
            ui.selectable_value(&mut spec.kernel, 5, "5x5");
            ui.label("Padding");
            ui.selectable_value(&mut spec.padding, Padding::Valid, "valid");
            ui.selectable_value(&mut spec.padding, Padding::Same, "same");
        });
        ui.horizontal(|ui| {
            ui.label("Activation");
            for a in [
                CnnActivation::Relu,
                CnnActivation::Tanh,
                CnnActivation::Sigmoid,
            ] {
                ui.selectable_value(&mut spec.activation, a, a.name());
            }
        });
        if spec != sim.spec
            && let Err(e) = sim.set_spec(spec)
        {
            s.notices.refused(format!("That network does not fit: {e}"));
        }
        ui.small(format!(
            "{} parameters.",
            sim.training.model.parameter_count()
        ));

        section(ui, "Training");
        let mut optimizer = sim.optimizer;
        let mut batch = sim.batch_size;
        let mut lr = optimizer.learning_rate();
        ui.horizontal(|ui| {
            ui.label("Optimiser");
            if ui
                .selectable_label(matches!(optimizer, CnnOptimizer::Adam { .. }), "Adam")
                .clicked()
            {
                optimizer = CnnOptimizer::Adam { learning_rate: lr };
            }
            if ui
                .selectable_label(
                    matches!(optimizer, CnnOptimizer::Sgd { .. }),
                    "SGD + momentum",
                )
                .clicked()
            {
                optimizer = CnnOptimizer::Sgd {
                    learning_rate: lr,
                    momentum: 0.9,
                };
            }
        });
        ui.horizontal(|ui| {
            ui.label("Learning rate");
            egui::ComboBox::from_id_salt("cnn lr")
                .selected_text(format!("{lr}"))
                .show_ui(ui, |ui| {
                    for v in [0.0003, 0.001, 0.003, 0.005, 0.01, 0.03, 0.1, 0.3, 1.0] {
                        ui.selectable_value(&mut lr, v, format!("{v}"));
                    }
                });
        });
        optimizer = optimizer.with_learning_rate(lr);
        ui.add(egui::Slider::new(&mut batch, 1..=64).text("batch size"));
        if (optimizer != sim.optimizer || batch != sim.batch_size)
            && let Err(e) = sim.set_optimizer(optimizer, batch)
        {
            s.notices.refused(e);
        }
    }

    section(ui, "Models");
    ui.horizontal_wrapped(|ui| {
        let open = ui.button("Open a model…").on_hover_text(
            "A TensorFlow.js layers model (model.json and its weights): CNN Explainer's Tiny VGG, one saved here, or your own.",
        );
        remember(&mut s.screen.buttons, "open_model", &open);
        if open.clicked() {
            s.files.write(FileRequest::Open {
                purpose: super::files::MODEL_PURPOSE,
                accept: ".json,.bin",
                title: "Open a model (model.json; its weights file beside it)".into(),
                multiple: true,
            });
        }
        if sim.opened.is_none() {
            if ui.button("Save this network").clicked() {
                s.files.write(FileRequest::Save {
                    name: "cnn-model.json".into(),
                    bytes: crate::cnn::tfjs::to_json(&sim.training.model).into_bytes(),
                    mime: "application/json",
                });
            }
        } else if ui.button("Back to my network").clicked() {
            sim.close_model();
            s.screen.detail = None;
        }
    });
    ui.small("CNN Explainer's Tiny VGG: model.json and group1-shard1of1.bin from github.com/poloclub/cnn-explainer (public/assets/data).");

    section(ui, "Picture");
    ui.horizontal(|ui| {
        let open = ui.button("Open a picture…");
        remember(&mut s.screen.buttons, "open_picture", &open);
        if open.clicked() {
            s.files.write(FileRequest::Open {
                purpose: super::files::PICTURE_PURPOSE,
                accept: "image/png,image/jpeg",
                title: "Open a picture (PNG or JPEG)".into(),
                multiple: false,
            });
        }
        if ui.button("Clear pad").clicked() {
            let n = sim.model().input.len();
            sim.show_picture(vec![0.0; n], "your drawing".into());
        }
    });
    ui.small(
        "Draw below with the left button, erase with the right; the network sees it as you draw.",
    );
    let pad = super::drawing::pad(ui, sim);
    remember(&mut s.screen.buttons, "pad", &pad);
    if sim.opened.is_none() {
        ui.horizontal(|ui| {
            let names = sim.train.class_names.clone();
            let mut chosen = s.screen.drawing_class.min(names.len().saturating_sub(1));
            let class = &mut chosen;
            egui::ComboBox::from_id_salt("cnn drawing class")
                .selected_text(names.get(*class).cloned().unwrap_or_default())
                .show_ui(ui, |ui| {
                    for (i, n) in names.iter().enumerate() {
                        ui.selectable_value(class, i, n);
                    }
                });
            let add = ui.button("Add to training set");
            remember(&mut s.screen.buttons, "add_drawing", &add);
            if add.clicked() {
                match sim.add_drawing(*class) {
                    Ok(()) => s.notices.info(format!(
                        "Added as {}: {} training images now.",
                        names[*class],
                        sim.train.len()
                    )),
                    Err(e) => s.notices.refused(e),
                }
            }
            s.screen.drawing_class = chosen;
        });
    }
}

fn right_panel(ui: &mut egui::Ui, s: &mut CnnUi) {
    let sim = &mut *s.sim;
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
        sim.show(Shown::Test(i));
    }
    ui.horizontal(|ui| {
        if let Shown::Test(i) = sim.shown {
            let prev = ui.button("← image");
            let next = ui.button("image →");
            remember(&mut s.screen.buttons, "next_image", &next);
            if prev.clicked() {
                sim.show(Shown::Test(
                    (i + sim.test.len() - 1) % sim.test.len().max(1),
                ));
            }
            if next.clicked() {
                sim.show(Shown::Test((i + 1) % sim.test.len().max(1)));
            }
            ui.label(format!("test image {}", i + 1));
        }
    });
    section(ui, "Layers");
    layer_table(ui, sim);
}

fn confusion(ui: &mut egui::Ui, sim: &CnnSim) {
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
fn layer_table(ui: &mut egui::Ui, sim: &CnnSim) {
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

/// The level's cards: the briefing, the win with its stars, out of epochs; and the hints shown.
fn level_cards(ctx: &egui::Context, s: &mut CnnUi) {
    use crate::game::levels::{CardChoice, LevelCardText, LevelPhase, show_level_card};
    let Some(run) = &s.sim.level else { return };
    let screen = ctx.viewport_rect();
    let center = Vec2::new(
        LEFT_WIDTH + (screen.width() - LEFT_WIDTH - RIGHT_WIDTH) / 2.0,
        screen.height() / 2.0,
    );
    let level = &run.level;
    if run.hints_shown > 0 && run.phase == LevelPhase::Playing {
        let text = level.hints[..run.hints_shown].join("\n");
        crate::game::theme::widgets::banner(
            ctx,
            "cnn hints",
            Vec2::new(center.x, 70.0),
            520.0,
            &text,
        );
    }
    let budget = if level.epoch_budget > 0 {
        format!(", within {} epochs", level.epoch_budget)
    } else {
        String::new()
    };
    let text = LevelCardText {
        mode: "cnn",
        title: &level.title,
        briefing: &level.briefing,
        goal: format!("{}{budget}", level.goal.describe()),
        stars: level
            .stars
            .iter()
            .zip(run.stars())
            .map(|(star, earned)| (earned, star.describe()))
            .collect(),
        lesson: &level.lesson,
        next: s.catalog.next_cnn_after(&level.id).map(|l| l.id.clone()),
        best: match run.judge.best_accuracy {
            Some(a) => format!("The best test accuracy was {:.1} %.", 100.0 * a),
            None => "Nothing was measured.".into(),
        },
    };
    match show_level_card(ctx, center, run.phase, &text, &mut s.screen.buttons) {
        Some(CardChoice::Command(command)) => {
            s.level_commands.write(command);
        }
        Some(CardChoice::Levels) => s.next_screen.set(Screen::LevelSelect),
        None => {}
    }
}
