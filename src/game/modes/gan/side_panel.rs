//! The GAN mode's left panel: the level being played (goal, stars, hints) or the real data and
//! its presets, and the measures (losses, KL and JS with their floors, what is going wrong).

use super::sim::GanAction;
use super::ui::{SideUi, remember};
use crate::game::levels::LevelCommand;
use crate::game::plots::{Curve, decimate, line_chart};
use crate::game::theme::palette;
use crate::game::theme::widgets::section;
use crate::gan::diagnose::Trouble;
use crate::gan::{Distribution, GanSettings};
use bevy::prelude::*;
use bevy_egui::egui;

pub(super) fn left_panel(ui: &mut egui::Ui, s: &mut SideUi, actions: &mut Vec<GanAction>) {
    if s.level.is_some() {
        level_panel(ui, s);
    } else {
        data_panel(ui, s, actions);
    }
    measures_panel(ui, s);
}

/// The level's goal, how the run stands, its stars, hints and answer.
pub(super) fn level_panel(ui: &mut egui::Ui, s: &mut SideUi) {
    let sim = &*s.sim;
    let Some(run) = s.level.as_deref() else {
        return;
    };
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

pub(super) fn data_panel(ui: &mut egui::Ui, s: &mut SideUi, actions: &mut Vec<GanAction>) {
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

pub(super) fn measures_panel(ui: &mut egui::Ui, s: &mut SideUi) {
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

pub(super) fn drawing_controls(ui: &mut egui::Ui, s: &mut SideUi, actions: &mut Vec<GanAction>) {
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
