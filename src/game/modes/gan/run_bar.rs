//! The GAN mode's run bar: play, reset, GAN Lab's manual steps, slow motion, the epoch and the
//! speed, edit mode, and the files (save, open, hand in, record) and the way back.

use super::sim::{GanAction, GanSim, GanSpeed};
use super::ui::{RunBarUi, remember};
use crate::game::files::FileRequest;
use crate::game::screens::Screen;
use crate::game::theme::form_factor::ScreenClass;
use crate::game::theme::widgets;
use crate::game::theme::widgets::with_commas;
use crate::gan::StepKind;
use bevy::prelude::*;
use bevy_egui::egui;

pub(super) fn run_bar(ui: &mut egui::Ui, s: &mut RunBarUi, actions: &mut Vec<GanAction>) {
    let class = s.form.class;
    widgets::bar_row(ui, class, |ui| {
        if class != ScreenClass::Wide {
            let toggle = widgets::settings_toggle(ui, &mut s.screen.settings_shown, class);
            remember(&mut s.screen.buttons, "Settings", &toggle);
        }
        let sim = &*s.sim;
        let screen = &mut *s.screen;
        let buttons = &mut screen.buttons;
        training_buttons(ui, sim, buttons, actions);
        ui.separator();
        epoch_and_speed(ui, sim, actions);
        ui.separator();
        let r = ui
            .toggle_value(&mut screen.edit_mode, "✏ Edit")
            .on_hover_text("Show every part's settings beside it in the model graph.");
        remember(buttons, "Edit", &r);
        // On the right of a desktop's bar; on a small screen they wrap on with the rest.
        if class == ScreenClass::Wide {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                files_and_leave(ui, s)
            });
        } else {
            files_and_leave(ui, s);
        }
    });
}

/// Reset, play, GAN Lab's manual steps and slow motion.
fn training_buttons(
    ui: &mut egui::Ui,
    sim: &GanSim,
    buttons: &mut serde_json::Map<String, serde_json::Value>,
    actions: &mut Vec<GanAction>,
) {
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
        .on_hover_text("Train continuously (in slow motion: walk on through the steps). Key: Space")
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
}

/// The epoch, the speed and the measured rate.
fn epoch_and_speed(ui: &mut egui::Ui, sim: &GanSim, actions: &mut Vec<GanAction>) {
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
}

/// The way back (title or levels), the model's files, hand-in and recording.
fn files_and_leave(ui: &mut egui::Ui, s: &mut RunBarUi) {
    let (label, tip, to) = if s.level.is_some() {
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
    if s.level.is_some() {
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
}

/// The model as a file (Save model, Hand in): its name and bytes.
pub(super) fn model_file(sim: &GanSim) -> (String, Vec<u8>) {
    let name = format!(
        "gan-{}-epoch-{}.json",
        sim.gan.settings().distribution.name(),
        sim.gan.epoch()
    );
    (name, crate::gan::file::model_to_json(&sim.gan).into_bytes())
}
