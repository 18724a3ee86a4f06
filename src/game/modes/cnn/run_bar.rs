//! The CNN mode's run bar: the way back, Record and Hand in, the level's hint and answer, train,
//! step and reset, and where training stands.

use super::sim::CnnAction;
use super::sim::{CnnRules, ModelSource};
use super::ui::{RunBarUi, remember};
use crate::game::screens::Screen;
use crate::game::theme::form_factor::ScreenClass;
use crate::game::theme::widgets;
use bevy::prelude::*;
use bevy_egui::egui;

pub(super) fn run_bar(ui: &mut egui::Ui, s: &mut RunBarUi) {
    let class = s.form.class;
    widgets::bar_row(ui, class, |ui| {
        if class != ScreenClass::Wide {
            let toggle = widgets::settings_toggle(ui, &mut s.screen.settings_shown, class);
            remember(&mut s.screen.buttons, "Settings", &toggle);
        }
        let back = ui.button("← Title");
        remember(&mut s.screen.buttons, "title", &back);
        if back.clicked() {
            s.actions.write(CnnAction::Play(false));
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
        level_buttons(ui, s);
        training_status(ui, s);
    });
}

/// In a level: its title, budget, Hint, Answer and the way back to the levels.
fn level_buttons(ui: &mut egui::Ui, s: &mut RunBarUi) {
    let Some(run) = s.level.as_deref() else {
        return;
    };
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
        s.actions.write(CnnAction::Play(false));
        s.next_screen.set(Screen::LevelSelect);
    }
    ui.separator();
}

/// Train, Step, Reset and how training stands; or what the opened model is.
fn training_status(ui: &mut egui::Ui, s: &mut RunBarUi) {
    let sim = &*s.sim;
    if sim.opened.is_none() {
        let trainable =
            sim.can_train() && s.level.as_deref().is_none_or(|run| run.allows_training());
        let label = if sim.playing {
            "⏸ Pause"
        } else {
            "▶ Train"
        };
        let play = ui.add_enabled(
            trainable,
            egui::Button::new(egui::RichText::new(label).strong()).min_size(egui::vec2(84.0, 30.0)),
        );
        remember(&mut s.screen.buttons, "play", &play);
        if play.clicked() {
            s.actions.write(CnnAction::Play(!sim.playing));
        }
        let step = ui
            .add_enabled(trainable, egui::Button::new("Step"))
            .on_hover_text("Train on one batch and show what changed.");
        remember(&mut s.screen.buttons, "step", &step);
        if step.clicked() {
            s.actions.write(CnnAction::Step);
        }
        let reset = ui
            .button("Reset")
            .on_hover_text("New weights from the seed; the history starts again.");
        remember(&mut s.screen.buttons, "reset", &reset);
        if reset.clicked() {
            s.actions.write(CnnAction::Reset);
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
}
