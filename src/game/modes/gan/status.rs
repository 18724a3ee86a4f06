//! The mode's numbers for `--dump-state`, tests and the web page, and its keys.

use bevy::prelude::*;
use bevy_egui::input::egui_wants_any_keyboard_input;

use super::GanStage;
use super::level_run::GanLevelRun;
use super::sim::{GanAction, GanSet, GanSim, GanSpeed};
use super::ui::GanScreen;
use crate::game::notices::Notices;
use crate::game::screens::Screen;
use crate::game::status::Status;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        (
            publish_status.in_set(GanSet::Mirror),
            keys.before(GanSet::Apply)
                .run_if(not(egui_wants_any_keyboard_input)),
        )
            .run_if(in_state(GanStage).and_then(resource_exists::<GanSim>)),
    );
}

fn publish_status(
    sim: Res<GanSim>,
    level: Option<Res<GanLevelRun>>,
    screen: Res<State<Screen>>,
    gan_screen: Res<GanScreen>,
    notices: Res<Notices>,
    mut status: ResMut<Status>,
) {
    let gan = &sim.gan;
    let latest = gan.latest();
    let s = gan.settings();
    status.fields.clear();
    status.set("mode", "gan");
    status.set("screen", format!("{:?}", screen.get()));
    status.set("epoch", gan.epoch());
    status.set("playing", sim.playing);
    status.set("preparing", sim.preparing.is_some());
    status.set("slow_motion_step", sim.slow_motion.map(|m| m.step + 1));
    status.set("epochs_per_second", sim.measured_rate);
    status.set("dataset", s.distribution.name());
    status.set("seed", s.seed);
    status.set("loss", s.loss.name());
    status.set("d_loss", latest.d_loss);
    status.set("g_loss", latest.g_loss);
    status.set("kl", latest.kl);
    status.set("js", latest.js);
    status.set("js_precise", latest.js_precise);
    status.set("diverged_at", sim.diverged_at);
    status.set(
        "diagnosis",
        sim.diagnosis
            .iter()
            .map(|d| format!("{:?}", d.kind))
            .collect::<Vec<_>>(),
    );
    status.set("drawing", gan_screen.plot.drawing.as_ref().map(Vec::len));
    if let Some(run) = level.as_deref() {
        status.set("level", run.level.id.clone());
        status.set("level_phase", format!("{:?}", run.phase));
        status.set("level_solved_at", run.judge.solved_at);
        status.set("level_stars", run.stars());
    }
    status.set(
        "buttons",
        serde_json::Value::Object(gan_screen.buttons.clone()),
    );
    if let Some((min, size)) = gan_screen.plot_rect {
        status.set("plot", serde_json::json!([min.x, min.y, size.x, size.y]));
    }
    status.set(
        "notices",
        notices
            .items
            .iter()
            .map(|n| n.text.clone())
            .collect::<Vec<_>>(),
    );
}

/// Space: play or pause; R: reset; M: slow motion; = and - faster and slower; Esc: back.
fn keys(
    keyboard: Res<ButtonInput<KeyCode>>,
    sim: Res<GanSim>,
    level: Option<Res<GanLevelRun>>,
    mut actions: MessageWriter<GanAction>,
    mut next: ResMut<NextState<Screen>>,
) {
    if keyboard.just_pressed(KeyCode::Space) {
        actions.write(GanAction::TogglePlay);
    }
    if keyboard.just_pressed(KeyCode::KeyR) {
        actions.write(GanAction::Reset);
    }
    if keyboard.just_pressed(KeyCode::KeyM) {
        actions.write(GanAction::SlowMotion(sim.slow_motion.is_none()));
    }
    // = (or +) faster, - slower, through the speed choices.
    if let Some(next) =
        crate::game::theme::widgets::speed_key_choice(&keyboard, &GanSpeed::CHOICES, sim.speed, 0)
    {
        actions.write(GanAction::Speed(next));
    }
    if keyboard.just_pressed(KeyCode::Escape) {
        next.set(if level.is_some() {
            Screen::LevelSelect
        } else {
            Screen::Title
        });
    }
}
