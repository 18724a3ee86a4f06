//! The GAN mode's screen (egui): the run bar on top, the data and the measures on the left, the
//! layered plot on the right, and between them the model graph with the two network views. The
//! panels read the run and send [`GanAction`]s.

use crate::game::theme::form_factor::{FormFactor, ScreenClass};
use crate::game::theme::widgets;
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::GanStage;
use super::graph;
use super::plot::PlotState;
use super::sim::{GanAction, GanSim, GanSpeed, SLOW_STEP_SECONDS, SLOW_STEPS};
use super::views::GanViews;
use crate::game::files::FileRequest;
use crate::game::levels::{LevelCatalog, LevelCommand};
use crate::game::notices::Notices;
use crate::game::plots::{Curve, decimate, line_chart};
use crate::game::screens::Screen;
use crate::game::theme::palette;
use crate::game::theme::widgets::{section, with_commas};
use crate::gan::diagnose::Trouble;
use crate::gan::{Distribution, GanSettings, StepKind};
use crate::level::gan::GanSetting;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<GanScreen>().add_systems(
        EguiPrimaryContextPass,
        gan_ui
            .run_if(in_state(GanStage).and_then(resource_exists::<GanSim>))
            .before(crate::game::notices::ShowNotices),
    );
}

pub const LEFT_WIDTH: f32 = 300.0;
pub const RIGHT_WIDTH: f32 = 470.0;
/// The plot's panel on a tablet, leaving the graph a third of a 1024 px screen.
pub const TABLET_RIGHT_WIDTH: f32 = 380.0;
/// Room kept below the model graph for slow motion's caption.
pub const SLOW_CAPTION_HEIGHT: f32 = 118.0;

/// The screen's own state: the plot, edit mode.
#[derive(Resource, Default)]
pub struct GanScreen {
    pub plot: PlotState,
    pub edit_mode: bool,
    /// Where the mode's buttons are, for scripts that click them like a player.
    pub buttons: serde_json::Map<String, serde_json::Value>,
    /// Where the plot is on screen (window pixels): min and size.
    pub plot_rect: Option<(Vec2, Vec2)>,
    /// Whether the data and measures panel shows on a small screen (None: the screen's default).
    pub settings_shown: Option<bool>,
}

/// Everything the panels read or write.
#[derive(SystemParam)]
pub struct GanUi<'w> {
    pub sim: Res<'w, GanSim>,
    pub actions: MessageWriter<'w, GanAction>,
    pub screen: ResMut<'w, GanScreen>,
    pub views: ResMut<'w, GanViews>,
    pub notices: ResMut<'w, Notices>,
    pub files: MessageWriter<'w, FileRequest>,
    pub next_screen: ResMut<'w, NextState<Screen>>,
    pub time: Res<'w, Time>,
    pub images: ResMut<'w, Assets<Image>>,
    pub level_commands: MessageWriter<'w, LevelCommand>,
    pub catalog: Res<'w, LevelCatalog>,
    pub timings: ResMut<'w, crate::game::frame_budget::WorkTimings>,
    pub form: Res<'w, FormFactor>,
    pub recorder: ResMut<'w, crate::game::recording::Recorder>,
    pub notice_anchor: ResMut<'w, crate::game::notices::NoticeAnchor>,
}

fn gan_ui(mut contexts: EguiContexts, mut s: GanUi) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let mut actions = Vec::new();
    s.screen.buttons.clear();
    let mut root = egui::Ui::new(
        ctx.clone(),
        "gan root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    let class = s.form.class;
    let screen_rect = ctx.content_rect();
    widgets::bar_panel("gan run bar", class)
        .show(&mut root, |ui| run_bar(ui, &mut s, &mut actions));
    let settings_open = widgets::settings_open(s.screen.settings_shown, class);
    if settings_open && class != ScreenClass::Phone {
        egui::Panel::left("gan data")
            .exact_size(LEFT_WIDTH)
            .resizable(false)
            .show(&mut root, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| left_panel(ui, &mut s, &mut actions));
            });
    }
    // The plot: on the right (narrower on a tablet), under the graph on a phone.
    let (right_width, bottom_height) = match class {
        ScreenClass::Wide => (RIGHT_WIDTH, 0.0),
        ScreenClass::Tablet => (TABLET_RIGHT_WIDTH, 0.0),
        ScreenClass::Phone => (
            0.0,
            (screen_rect.height() * 0.4).min(screen_rect.width() + 40.0),
        ),
    };
    let hovering_generator = {
        // The graph is laid out first (the plot morphs when its generator is hovered), in what
        // the right panel leaves.
        let available = root.available_rect_before_wrap();
        // Slow motion's caption takes the bottom of the graph's room.
        let caption = if s.sim.slow_motion.is_some() {
            SLOW_CAPTION_HEIGHT
        } else {
            0.0
        };
        let graph_area = egui::Rect::from_min_max(
            available.min,
            egui::pos2(
                available.max.x - right_width,
                available.max.y - caption - bottom_height,
            ),
        );
        let edit = s.screen.edit_mode;
        let sim = &*s.sim;
        let allowed: Vec<GanSetting> = match &sim.level {
            Some(run) => run.level.may_change.clone(),
            None => GanSetting::ALL.to_vec(),
        };
        graph::show(
            &ctx,
            graph_area,
            sim,
            &mut s.views,
            edit,
            &allowed,
            &mut actions,
        )
    };
    let dt = s.time.delta_secs();
    let sim = &*s.sim;
    // The plot's own computing counts with the heatmaps in the frame's work.
    let started = bevy::platform::time::Instant::now();
    s.screen
        .plot
        .refresh(&mut s.images, sim, dt, hovering_generator);
    s.timings.heatmaps += started.elapsed();
    let plot = &mut s.screen.plot;
    plot.heatmap_texture = plot
        .heatmap
        .as_ref()
        .map(|h| contexts.add_image(bevy_egui::EguiTextureHandle::Weak(h.id())));
    plot.optimal_texture = plot
        .optimal
        .as_ref()
        .map(|h| contexts.add_image(bevy_egui::EguiTextureHandle::Weak(h.id())));
    if class == ScreenClass::Phone {
        egui::Panel::bottom("gan plot")
            .exact_size(bottom_height)
            .resizable(false)
            .show(&mut root, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    right_panel(ui, &mut s, &mut actions, bottom_height - 16.0)
                })
            });
    } else {
        egui::Panel::right("gan plot")
            .exact_size(right_width)
            .resizable(false)
            .show(&mut root, |ui| {
                egui::ScrollArea::vertical()
                    .show(ui, |ui| right_panel(ui, &mut s, &mut actions, 440.0))
            });
    }
    if class == ScreenClass::Phone && settings_open {
        let top = root.available_rect_before_wrap().min.y;
        let over = egui::Rect::from_min_max(egui::pos2(screen_rect.min.x, top), screen_rect.max);
        let mut shown = s.screen.settings_shown;
        let done = widgets::settings_sheet(&ctx, "gan settings sheet", over, &mut shown, |ui| {
            left_panel(ui, &mut s, &mut actions)
        });
        s.screen.settings_shown = shown;
        let c = done.center();
        s.screen
            .buttons
            .insert("Settings done".into(), serde_json::json!([c.x, c.y]));
    }
    slow_motion_caption(&ctx, &mut s, &mut actions);
    preparing_card(&ctx, &s, &mut actions);
    level_cards(&ctx, &mut s);
    let bottom = ctx.viewport_rect().max;
    s.notice_anchor.0 = Some(Vec2::new(
        LEFT_WIDTH + (bottom.x - LEFT_WIDTH - RIGHT_WIDTH) / 2.0,
        bottom.y - 20.0,
    ));
    for action in actions {
        s.actions.write(action);
    }
    Ok(())
}

fn remember(
    buttons: &mut serde_json::Map<String, serde_json::Value>,
    name: &str,
    r: &egui::Response,
) {
    let c = r.rect.center();
    buttons.insert(name.to_string(), serde_json::json!([c.x, c.y]));
}

fn run_bar(ui: &mut egui::Ui, s: &mut GanUi, actions: &mut Vec<GanAction>) {
    let class = s.form.class;
    widgets::bar_row(ui, class, |ui| {
        if class != ScreenClass::Wide {
            let toggle = widgets::settings_toggle(ui, &mut s.screen.settings_shown, class);
            remember(&mut s.screen.buttons, "Settings", &toggle);
        }
        let sim = &*s.sim;
        let screen = &mut *s.screen;
        let buttons = &mut screen.buttons;
        let may_train = sim.may_train();
        let r = ui
            .button(egui::RichText::new("⟲ Reset").size(16.0))
            .on_hover_text("Start this run over: the same seed gives the same start. Key: R");
        remember(buttons, "Reset", &r);
        if r.clicked() {
            actions.push(GanAction::Reset);
        }
        let label = if sim.playing { "⏸ Pause" } else { "▶ Play" };
        let r = ui
            .add_enabled(
                may_train,
                egui::Button::new(egui::RichText::new(label).size(18.0).strong())
                    .min_size(egui::vec2(92.0, 32.0)),
            )
            .on_hover_text(
                "Train continuously (in slow motion: walk on through the steps). Key: Space",
            )
            .on_disabled_hover_text("Training blew up: press Reset first.");
        remember(buttons, "Play", &r);
        if r.clicked() {
            actions.push(GanAction::TogglePlay);
        }
        ui.label(egui::RichText::new("Step").weak());
        for (name, kind, tip) in [
            (
                "D",
                StepKind::Discriminator,
                "One discriminator step (a batch of 150 real and 150 fake points).",
            ),
            (
                "G",
                StepKind::Generator,
                "One generator step (a batch of 150 fakes).",
            ),
            (
                "Both",
                StepKind::Both,
                "One whole epoch: k_D discriminator steps, then k_G generator steps.",
            ),
        ] {
            let r = ui
                .add_enabled(may_train, egui::Button::new(name))
                .on_hover_text(tip);
            remember(buttons, &format!("Step {name}"), &r);
            if r.clicked() {
                actions.push(GanAction::Step(kind));
            }
        }
        let mut slow = sim.slow_motion.is_some();
        let r = ui
            .toggle_value(&mut slow, "🐢 Slow motion")
            .on_hover_text("Walk through every epoch in its ten steps, 1.25 s each, with what happens in words. Key: M");
        remember(buttons, "Slow motion", &r);
        if r.changed() {
            actions.push(GanAction::SlowMotion(slow));
        }
        ui.separator();
        ui.label(egui::RichText::new("Epoch").weak());
        ui.label(
            egui::RichText::new(with_commas(sim.gan.epoch()))
                .size(20.0)
                .monospace()
                .strong(),
        );
        let mut speed = sim.speed;
        egui::ComboBox::from_id_salt("gan speed")
            .selected_text(speed.label())
            .width(150.0)
            .show_ui(ui, |ui| {
                for choice in GanSpeed::CHOICES {
                    ui.selectable_value(&mut speed, choice, choice.label());
                }
            })
            .response
            .on_hover_text("GAN Lab trains one epoch per frame; Max trains as many as the frame allows while staying smooth.");
        if speed != sim.speed {
            actions.push(GanAction::Speed(speed));
        }
        let rate = if sim.playing { sim.measured_rate } else { 0.0 };
        ui.label(egui::RichText::new(format!("{rate:>5.0}/s")).monospace())
            .on_hover_text("Epochs trained per second right now.");
        ui.separator();
        let r = ui
            .toggle_value(&mut screen.edit_mode, "✏ Edit")
            .on_hover_text("Show every part's settings beside it in the model graph.");
        remember(buttons, "Edit", &r);
        // On the right of a desktop's bar; on a small screen they wrap on with the rest.
        let mut files_and_leave = |ui: &mut egui::Ui| {
            let (label, tip, to) = if s.sim.level.is_some() {
                (
                    "Levels",
                    "Back to the level list. Key: Esc",
                    Screen::LevelSelect,
                )
            } else {
                (
                    "Title",
                    "Back to the title screen (the run waits here). Key: Esc",
                    Screen::Title,
                )
            };
            if ui.button(label).on_hover_text(tip).clicked() {
                s.next_screen.set(to);
            }
            let r = ui
                .button("Save model")
                .on_hover_text("Both networks and every setting, as a JSON file that \"Open model\" (and `neural-sandbox gan train --load-model`) reads.");
            remember(&mut s.screen.buttons, "Save model", &r);
            if r.clicked() {
                let (name, bytes) = model_file(&s.sim);
                s.files.write(FileRequest::Save {
                    name,
                    bytes,
                    mime: "application/json",
                });
            }
            let sim = &s.sim;
            let model = || model_file(sim);
            let menu = crate::game::theme::widgets::drop_menu(ui, "Hand in…", |ui| {
                crate::game::class::hand_in_items(
                    ui,
                    Some(crate::game::class::CurrentWork {
                        label: "Hand in the model",
                        tip: "Sends both networks and every setting to your teacher (join your class with your teacher's class link first).",
                        file: &model,
                    }),
                    &mut s.recorder,
                    &mut s.files,
                    &mut s.screen.buttons,
                )
            });
            remember(&mut s.screen.buttons, "Hand in", &menu);
            crate::game::recording::record_button(ui, &mut s.recorder, &mut s.screen.buttons);
            if s.sim.level.is_some() {
                return;
            }
            let r = ui
                .button("Open model…")
                .on_hover_text("A model saved here, or one of GAN Lab's pretrained models (its .json, with its .weights.bin beside it).");
            remember(&mut s.screen.buttons, "Open model", &r);
            if r.clicked() {
                s.files.write(FileRequest::Open {
                    purpose: super::model_files::PURPOSE,
                    accept: ".json,.bin",
                    title: "Open a GAN model".into(),
                    multiple: true,
                });
            }
        };
        if class == ScreenClass::Wide {
            ui.with_layout(
                egui::Layout::right_to_left(egui::Align::Center),
                files_and_leave,
            );
        } else {
            files_and_leave(ui);
        }
    });
}

/// The model as a file (Save model, Hand in): its name and bytes.
fn model_file(sim: &GanSim) -> (String, Vec<u8>) {
    let name = format!(
        "gan-{}-epoch-{}.json",
        sim.gan.settings().distribution.name(),
        sim.gan.epoch()
    );
    (name, crate::gan::file::model_to_json(&sim.gan).into_bytes())
}

fn left_panel(ui: &mut egui::Ui, s: &mut GanUi, actions: &mut Vec<GanAction>) {
    if s.sim.level.is_some() {
        level_panel(ui, s);
    } else {
        data_panel(ui, s, actions);
    }
    measures_panel(ui, s);
}

/// The level's goal, how the run stands, its stars, hints and answer.
fn level_panel(ui: &mut egui::Ui, s: &mut GanUi) {
    let sim = &*s.sim;
    let Some(run) = &sim.level else { return };
    let level = &run.level;
    section(ui, "LEVEL");
    ui.label(egui::RichText::new(&level.title).size(18.0).strong());
    ui.label(egui::RichText::new(level.goal.describe()).strong());
    ui.label(run.judge.status(level, &sim.gan));
    if let Some((js, epoch)) = run.judge.best {
        ui.label(egui::RichText::new(format!("best so far: {js:.3} at epoch {epoch}")).small());
    }
    let used = sim.gan.epoch().min(level.epoch_budget);
    ui.add(
        egui::ProgressBar::new(used as f32 / level.epoch_budget as f32)
            .text(format!("epoch {used} of {}", level.epoch_budget)),
    );
    ui.label(
        egui::RichText::new(format!(
            "You may change: {}. The goal is judged every {} epochs.",
            level
                .may_change
                .iter()
                .map(|c| c.name().replace('_', " "))
                .collect::<Vec<_>>()
                .join(", "),
            crate::level::gan::MEASURE_EVERY
        ))
        .small(),
    );
    for (star, earned) in level.stars.iter().zip(run.stars()) {
        ui.label(format!(
            "{} {}",
            if earned { "★" } else { "☆" },
            star.describe()
        ));
    }
    for hint in level.hints.iter().take(run.hints_shown) {
        ui.label(egui::RichText::new(format!("Hint: {hint}")).italics());
    }
    ui.horizontal(|ui| {
        let r = ui.add_enabled(
            run.hints_shown < level.hints.len(),
            egui::Button::new("Hint"),
        );
        remember(&mut s.screen.buttons, "Hint", &r);
        if r.clicked() {
            s.level_commands.write(LevelCommand::Hint);
        }
        let r = ui
            .button("Retry")
            .on_hover_text("The level's start again, from epoch 0.");
        remember(&mut s.screen.buttons, "Retry", &r);
        if r.clicked() {
            s.level_commands.write(LevelCommand::Retry);
        }
        let r = ui.button("Show the answer").on_hover_text(
            "Plays the reference solution from the start (only the first star counts then).",
        );
        remember(&mut s.screen.buttons, "Answer", &r);
        if r.clicked() {
            s.level_commands.write(LevelCommand::ShowAnswer);
        }
    });
}

fn data_panel(ui: &mut egui::Ui, s: &mut GanUi, actions: &mut Vec<GanAction>) {
    let sim = &*s.sim;
    let settings = sim.gan.settings();
    section(ui, "REAL DATA");
    ui.horizontal_wrapped(|ui| {
        for distribution in Distribution::ALL {
            let drawing = s.screen.plot.drawing.is_some();
            let selected = if drawing {
                *distribution == Distribution::Drawing
            } else {
                settings.distribution == *distribution
            };
            let label = match distribution {
                Distribution::Drawing => "Draw your own",
                other => other.name(),
            };
            let r = ui.selectable_label(selected, label);
            remember(
                &mut s.screen.buttons,
                &format!("Data {}", distribution.name()),
                &r,
            );
            if r.clicked() {
                if *distribution == Distribution::Drawing {
                    s.screen.plot.drawing = Some(settings.drawing.clone());
                } else {
                    s.screen.plot.drawing = None;
                    actions.push(GanAction::Preset {
                        distribution: *distribution,
                        tuned: false,
                    });
                }
            }
        }
    });
    ui.label(
        egui::RichText::new(format!("Run: {}", sim.origin))
            .small()
            .weak(),
    );
    ui.horizontal(|ui| {
        let distribution = settings.distribution;
        let r = ui
            .button("GAN Lab's preset")
            .on_hover_text("The settings GAN Lab loads for this dataset (faithful).");
        remember(&mut s.screen.buttons, "Faithful", &r);
        if r.clicked() {
            actions.push(GanAction::Preset {
                distribution,
                tuned: false,
            });
        }
        let r = ui.button("Tuned").on_hover_text(
            "Our better start, beside GAN Lab's: 24 neurons a layer (more folds to shape the data) and the least-squares loss (its pull on the fakes does not fade when the discriminator is sure). On the gaussians it reaches a precise JS of about 0.11 by epoch 3,000, against about 0.28 for the faithful preset.",
        );
        remember(&mut s.screen.buttons, "Tuned", &r);
        if r.clicked() {
            actions.push(GanAction::Preset {
                distribution,
                tuned: true,
            });
        }
    });
    let pretrained = GanSettings::pretrained_epoch(settings.distribution);
    if pretrained > sim.gan.epoch() && sim.may_train() {
        let r = ui
            .button(format!("Jump to epoch {pretrained}"))
            .on_hover_text(
                "Train quickly to where GAN Lab's pretrained model for this dataset is.",
            );
        remember(&mut s.screen.buttons, "Jump", &r);
        if r.clicked() {
            actions.push(GanAction::Prepare(pretrained));
        }
    }
    ui.horizontal(|ui| {
        ui.label("Seed").on_hover_text(
            "The same seed gives the same run, number for number (GAN Lab has none: every reset there differs).",
        );
        let mut seed = settings.seed;
        let r = ui.add(egui::DragValue::new(&mut seed).range(0..=u32::MAX as u64));
        if r.changed() && seed != settings.seed {
            actions.push(GanAction::Settings(Box::new(GanSettings {
                seed,
                ..settings.clone()
            })));
        }
        if ui.button("🎲").on_hover_text("Another seed").clicked() {
            actions.push(GanAction::Settings(Box::new(GanSettings {
                seed: settings.seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407) % 1_000_000,
                ..settings.clone()
            })));
        }
    });
    if s.screen.plot.drawing.is_some() {
        drawing_controls(ui, s, actions);
    }
}

fn measures_panel(ui: &mut egui::Ui, s: &mut GanUi) {
    let sim = &*s.sim;
    section(ui, "MEASURES");
    let latest = sim.gan.latest();
    let (floor, precise_floor) = sim.gan.noise_floor();
    egui::Grid::new("gan readouts")
        .num_columns(2)
        .spacing([14.0, 2.0])
        .show(ui, |ui| {
            ui.label("D loss / 2").on_hover_text("The discriminator's loss, halved as GAN Lab shows it.");
            ui.label(egui::RichText::new(format!("{:.3}", latest.d_loss)).monospace());
            ui.end_row();
            ui.label("G loss");
            ui.label(egui::RichText::new(format!("{:.3}", latest.g_loss)).monospace());
            ui.end_row();
            ui.label("KL").on_hover_text("GAN Lab's measure: KL divergence between the 450 real and 150 fake points on the 30 x 30 grid (log2). Here every real point counts (GAN Lab's own code drops two thirds of them).");
            ui.label(egui::RichText::new(format!("{:.3}", latest.kl)).monospace());
            ui.end_row();
            ui.label("JS").on_hover_text(format!("GAN Lab's measure: JS divergence on the grid. Two samples of the real data itself already score about {floor:.2}: below that it cannot tell."));
            ui.label(egui::RichText::new(format!("{:.3}  (floor {floor:.2})", latest.js)).monospace());
            ui.end_row();
            ui.label("JS precise").on_hover_text(format!("The same on 4,500 real and 3,000 fake points: the one to trust. Its floor is {precise_floor:.3}."));
            ui.label(egui::RichText::new(format!("{:.3}  (floor {precise_floor:.3})", latest.js_precise)).monospace().strong());
            ui.end_row();
        });
    let history = decimate(sim.gan.history());
    let curve = |name: &str, color: [u8; 3], value: fn(&crate::gan::EpochRecord) -> f64| Curve {
        name: name.into(),
        points: history.iter().map(|r| [r.epoch as f64, value(r)]).collect(),
        color: palette::to_egui(color),
    };
    line_chart(
        ui,
        "gan losses",
        110.0,
        vec![
            curve("D loss / 2", palette::REAL, |r| r.d_loss),
            curve("G loss", palette::FAKE, |r| r.g_loss),
        ],
    );
    let first = history.first().map_or(0.0, |r| r.epoch as f64);
    let last = history.last().map_or(1.0, |r| r.epoch as f64);
    line_chart(
        ui,
        "gan divergence",
        130.0,
        vec![
            curve("JS", [90, 90, 200], |r| r.js),
            curve("JS precise", [20, 20, 20], |r| r.js_precise),
            Curve {
                name: "floor of JS".into(),
                points: vec![[first, floor], [last, floor]],
                color: egui::Color32::from_rgb(150, 150, 230),
            },
            Curve {
                name: "floor of precise".into(),
                points: vec![[first, precise_floor], [last, precise_floor]],
                color: egui::Color32::from_gray(150),
            },
        ],
    );

    section(ui, "WHAT IS HAPPENING");
    if sim.diagnosis.is_empty() {
        ui.label(
            egui::RichText::new(
                "Nothing looks wrong yet; the fakes are still on their way to the data.",
            )
            .small(),
        );
    }
    for d in &sim.diagnosis {
        let color = match d.kind {
            Trouble::Converged => egui::Color32::from_rgb(20, 120, 50),
            _ => egui::Color32::from_rgb(170, 60, 20),
        };
        ui.label(egui::RichText::new(&d.message).color(color));
        ui.label(
            egui::RichText::new(format!("Evidence: {}", d.evidence))
                .small()
                .weak(),
        );
        ui.add_space(4.0);
    }
}

fn drawing_controls(ui: &mut egui::Ui, s: &mut GanUi, actions: &mut Vec<GanAction>) {
    section(ui, "DRAW YOUR OWN");
    let count = s.screen.plot.drawing.as_ref().map_or(0, Vec::len);
    ui.label(format!(
        "Drag over the big square to paint points ({count} so far). Each real sample is one of them, chosen at random, plus a little noise."
    ));
    ui.horizontal(|ui| {
        let r = ui.add_enabled(count > 0, egui::Button::new("Train on this"));
        remember(&mut s.screen.buttons, "Use drawing", &r);
        if r.clicked()
            && let Some(points) = s.screen.plot.drawing.take()
        {
            actions.push(GanAction::Drawing(points));
        }
        if ui.button("Clear").clicked()
            && let Some(points) = s.screen.plot.drawing.as_mut()
        {
            points.clear();
        }
        if ui.button("Cancel").clicked() {
            s.screen.plot.drawing = None;
        }
    });
}

fn right_panel(ui: &mut egui::Ui, s: &mut GanUi, _actions: &mut [GanAction], max_side: f32) {
    let sim = &*s.sim;
    ui.add_space(4.0);
    let arrows = sim.slow_motion.is_some_and(|m| m.current().arrows);
    let side = (ui.available_width() - 8.0).min(max_side);
    let before = ui.cursor().min;
    s.screen.plot.show(ui, sim, side, arrows);
    s.screen.plot_rect = Some((Vec2::new(before.x, before.y), Vec2::splat(side)));
    ui.horizontal(|ui| {
        ui.vertical(|ui| {
            let layers = &mut s.screen.plot.layers;
            ui.checkbox(&mut layers.heatmap, "Discriminator's heatmap")
                .on_hover_text("D's output at every point: green = it says real, purple = fake, grey = cannot tell.");
            ui.checkbox(&mut layers.real, "Real samples (450)");
            ui.checkbox(&mut layers.fake, "Fake samples (150)");
            ui.checkbox(&mut layers.manifold, "Generator's manifold")
                .on_hover_text("The regular noise grid carried through G: darker cells are squeezed (many fakes land there). Hover the generator to see the grid morph.");
            ui.checkbox(&mut layers.arrows, "Gradients at the fakes")
                .on_hover_text("Where D would have each fake move to look more real (0.15 x its gradient): the generator's training signal.");
            ui.checkbox(&mut layers.trails, "Trails of the fakes")
                .on_hover_text("Beyond GAN Lab: where each fake point has been in the last few seconds.");
            ui.label(egui::RichText::new("Drag a fake point to see the gradient it would get there.").small().weak());
        });
        ui.vertical(|ui| {
            ui.label(egui::RichText::new("Optimal discriminator").strong())
                .on_hover_text("p_data / (p_data + p_fake) on the grid, from 4,500 real and 3,000 fake points: what a perfect discriminator would say against this generator. White: neither has points there.");
            s.screen.plot.show_optimal(ui, 130.0);
        });
    });
}

fn slow_motion_caption(ctx: &egui::Context, s: &mut GanUi, actions: &mut Vec<GanAction>) {
    let Some(slow) = s.sim.slow_motion else {
        return;
    };
    let step = slow.current();
    let screen = ctx.viewport_rect();
    let center_x = LEFT_WIDTH + (screen.width() - LEFT_WIDTH - RIGHT_WIDTH) / 2.0;
    egui::Area::new("slow motion".into())
        .fixed_pos(egui::pos2(center_x, screen.max.y - 6.0))
        .pivot(egui::Align2::CENTER_BOTTOM)
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            egui::Frame::window(ui.style()).show(ui, |ui| {
                ui.set_width((screen.width() - LEFT_WIDTH - RIGHT_WIDTH - 40.0).max(260.0));
                ui.horizontal(|ui| {
                    ui.label(
                        egui::RichText::new(format!("{} / {}", slow.step + 1, SLOW_STEPS.len()))
                            .size(20.0)
                            .strong(),
                    );
                    ui.label(egui::RichText::new(step.title).size(16.0).strong());
                });
                ui.label(step.caption);
                ui.horizontal(|ui| {
                    ui.add(
                        egui::ProgressBar::new(slow.elapsed / SLOW_STEP_SECONDS)
                            .desired_width(160.0),
                    );
                    if ui.button("Next step ⏵").clicked() {
                        actions.push(GanAction::NextSlowStep);
                    }
                    if ui.button("Leave slow motion").clicked() {
                        actions.push(GanAction::SlowMotion(false));
                    }
                });
            });
        });
}

fn preparing_card(ctx: &egui::Context, s: &GanUi, actions: &mut Vec<GanAction>) {
    let Some(preparing) = &s.sim.preparing else {
        return;
    };
    let screen = ctx.viewport_rect();
    let epoch = s.sim.gan.epoch();
    crate::game::theme::widgets::card(
        ctx,
        Vec2::new(
            LEFT_WIDTH + (screen.width() - LEFT_WIDTH - RIGHT_WIDTH) / 2.0,
            screen.height() / 2.0,
        ),
        "gan preparing",
        300.0,
        |ui| {
            ui.label(egui::RichText::new(&preparing.why).strong());
            ui.label(format!(
                "Epoch {} of {}: GAN Lab opens on a model trained this far; ours is trained here, from seed {}.",
                with_commas(epoch),
                with_commas(preparing.target),
                s.sim.gan.settings().seed
            ));
            ui.add(egui::ProgressBar::new(
                epoch as f32 / preparing.target.max(1) as f32,
            ));
            if ui.button("Skip: start from here").clicked() {
                actions.push(GanAction::SkipPreparation);
            }
        },
    );
}

/// The level's briefing before playing, and its end: won (stars and lesson) or out of epochs.
fn level_cards(ctx: &egui::Context, s: &mut GanUi) {
    let Some(run) = &s.sim.level else { return };
    let screen = ctx.viewport_rect();
    let center = Vec2::new(
        LEFT_WIDTH + (screen.width() - LEFT_WIDTH - RIGHT_WIDTH) / 2.0,
        screen.height() / 2.0,
    );
    let level = &run.level;
    let text = crate::game::levels::LevelCardText {
        mode: "gan",
        title: &level.title,
        briefing: &level.briefing,
        goal: format!(
            "{}, within {} epochs",
            level.goal.describe(),
            level.epoch_budget
        ),
        stars: level
            .stars
            .iter()
            .zip(run.stars())
            .map(|(star, earned)| (earned, star.describe()))
            .collect(),
        lesson: &level.lesson,
        next: s.catalog.next_gan_after(&level.id).map(|l| l.id.clone()),
        best: match run.judge.best {
            Some((js, epoch)) => format!("The best precise JS was {js:.3}, at epoch {epoch}."),
            None => "Nothing was measured.".into(),
        },
    };
    match crate::game::levels::show_level_card(ctx, center, run.phase, &text, &mut s.screen.buttons)
    {
        Some(crate::game::levels::CardChoice::Command(command)) => {
            s.level_commands.write(command);
        }
        Some(crate::game::levels::CardChoice::Levels) => s.next_screen.set(Screen::LevelSelect),
        None => {}
    }
}
