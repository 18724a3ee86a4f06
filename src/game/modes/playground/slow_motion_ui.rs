//! Backprop step by step on screen: the window with Back, Next and Play, the caption, the
//! drawing on the sandbox's network, and the status scripts read. The traced steps are
//! `slow_motion`'s; the update they reach is sent as an action like any other change.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::sim::{AdoptWhy, SimAction, Simulation};
use super::slow_motion::{Phase, SlowMotion, caption};
use super::slow_motion_drawing::draw_on_network;
use super::view::PlaygroundView;
use crate::experiment::Experiment;
use crate::game::network_view::{ViewEntities, ViewRect};
use crate::game::notices::Notices;
use crate::game::status::{Status, remember_button};

/// Seconds per phase when playing.
const SECONDS_PER_PHASE: f32 = 1.1;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<SlowMotion>()
        .add_systems(
            EguiPrimaryContextPass,
            slow_motion_ui.run_if(in_state(super::Workbench)),
        )
        .add_systems(
            Update,
            publish_status
                .after(super::sim::SimSet::Mirror)
                .run_if(in_state(super::Workbench)),
        )
        .add_systems(OnExit(super::Workbench), close);
}

fn close(mut slow: ResMut<SlowMotion>) {
    slow.open = false;
    slow.run = None;
    slow.playing = false;
}

#[allow(clippy::too_many_arguments)]
fn slow_motion_ui(
    mut contexts: EguiContexts,
    mut slow: ResMut<SlowMotion>,
    sim: Res<Simulation>,
    mut actions: MessageWriter<SimAction>,
    mut notices: ResMut<Notices>,
    view: Option<Res<PlaygroundView>>,
    views: Query<(&ViewRect, &ViewEntities)>,
    time: Res<Time>,
) -> Result {
    if !slow.open {
        return Ok(());
    }
    // Training waits while the steps are shown; each step moves the same network (its undo
    // steps stay).
    if sim.playing {
        actions.write(SimAction::Pause);
    }
    let mut step_to = |experiment: Experiment| {
        actions.write(SimAction::Adopt {
            experiment: Box::new(experiment),
            why: AdoptWhy::Stepped,
            said: Vec::new(),
        });
    };
    // The sandbox changed under the trace (an edit, Open, a reset): start again from it.
    if let Some(run) = &slow.run {
        let expected = if run.phase() == Phase::Update {
            &run.after
        } else {
            &run.before
        };
        if sim.experiment.network() != expected.network() {
            slow.run = None;
        }
    }
    if slow.run.is_none()
        && let Err(why) = slow.start(&sim.experiment)
    {
        notices.refused(why);
        slow.open = false;
        return Ok(());
    }
    if slow.playing {
        slow.since_phase += time.delta_secs();
        if slow.since_phase >= SECONDS_PER_PHASE {
            slow.since_phase = 0.0;
            match slow.forward(&sim.experiment) {
                Ok(Some(experiment)) => step_to(experiment),
                Ok(None) => {}
                Err(why) => {
                    notices.refused(why);
                    slow.playing = false;
                }
            }
        }
    }
    let ctx = contexts.ctx_mut()?.clone();
    if let Some(run) = &slow.run
        && let Some((rect, entities)) = view.as_ref().and_then(|v| views.get(v.0).ok())
    {
        draw_on_network(&ctx, run, rect, entities, time.elapsed_secs());
    }
    let mut open = true;
    let choice = step_window(&ctx, &mut slow, &sim, &mut open);
    match choice {
        Some(StepChoice::Back) => {
            if let Some(experiment) = slow.back() {
                step_to(experiment);
            }
        }
        Some(StepChoice::Next) => match slow.forward(&sim.experiment) {
            Ok(Some(experiment)) => step_to(experiment),
            Ok(None) => {}
            Err(why) => notices.refused(why),
        },
        Some(StepChoice::Restart) => {
            // Going back to the weights before the update, if it was applied.
            if let Some(run) = slow.run.take()
                && run.phase() == Phase::Update
            {
                step_to(run.before);
            }
        }
        None => {}
    }
    if !open {
        slow.open = false;
        slow.playing = false;
        slow.run = None;
    }
    Ok(())
}

/// What the student asked of the steps this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StepChoice {
    Back,
    Next,
    /// Another example, or one example instead of a batch (or back): traced afresh.
    Restart,
}

/// The window: one example or a batch, the caption, Back, Next and Play.
fn step_window(
    ctx: &egui::Context,
    slow: &mut SlowMotion,
    sim: &Simulation,
    open: &mut bool,
) -> Option<StepChoice> {
    let mut action = None;
    let caption_text = slow
        .run
        .as_ref()
        .map(|run| caption(run, sim))
        .unwrap_or_default();
    let progress = slow
        .run
        .as_ref()
        .map(|run| (run.at + 1, run.phases.len()))
        .unwrap_or((0, 0));
    slow.buttons.clear();
    let batch_size = sim.experiment.config().batch_size;
    let train = sim.experiment.data().train.len();
    egui::Window::new("Backprop, step by step")
        .open(open)
        .collapsible(false)
        .resizable(false)
        .default_width(440.0)
        // Over the settings, which wait while training is in slow motion; the network and the
        // output stay in view.
        .anchor(egui::Align2::LEFT_BOTTOM, egui::vec2(6.0, -6.0))
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            ui.set_width(440.0);
            ui.horizontal(|ui| {
                let mut whole = slow.whole_batch;
                ui.selectable_value(&mut whole, false, "One example");
                ui.selectable_value(&mut whole, true, format!("A whole batch ({batch_size})"));
                if whole != slow.whole_batch {
                    slow.whole_batch = whole;
                    action = Some(StepChoice::Restart);
                }
                if !slow.whole_batch {
                    ui.label("point #");
                    let mut row = slow.next_row % train.max(1);
                    if ui
                        .add(egui::DragValue::new(&mut row).range(0..=train.saturating_sub(1)))
                        .changed()
                    {
                        slow.next_row = row;
                        action = Some(StepChoice::Restart);
                    }
                }
            });
            ui.separator();
            ui.label(egui::RichText::new(caption_text).size(14.0));
            ui.add_space(4.0);
            ui.horizontal(|ui| {
                let back = ui.add_enabled(progress.0 > 1, egui::Button::new("< Back"));
                remember_button(&mut slow.buttons, "Slow back", back.rect);
                if back.clicked() {
                    action = Some(StepChoice::Back);
                }
                let next_label = if progress.0 == progress.1 {
                    "Next example ▶"
                } else {
                    "Next ▶"
                };
                let next = ui.button(next_label);
                remember_button(&mut slow.buttons, "Slow next", next.rect);
                if next.clicked() {
                    action = Some(StepChoice::Next);
                }
                let play_label = if slow.playing { "Pause" } else { "Play" };
                let play = ui.button(play_label);
                remember_button(&mut slow.buttons, "Slow play", play.rect);
                if play.clicked() {
                    slow.playing = !slow.playing;
                }
                ui.label(format!("phase {} of {}", progress.0, progress.1));
            });
        });
    action
}

fn publish_status(slow: Res<SlowMotion>, mut status: ResMut<Status>) {
    status
        .fields
        .insert("slow_motion_open".into(), slow.open.into());
    let phase = slow.run.as_ref().map(|run| format!("{:?}", run.phase()));
    status.fields.insert(
        "slow_motion_phase".into(),
        phase.map_or(serde_json::Value::Null, Into::into),
    );
    // Its buttons join the sandbox's (tests click them by name).
    if slow.open
        && let Some(serde_json::Value::Object(buttons)) = status.fields.get_mut("buttons")
    {
        buttons.extend(slow.buttons.clone());
    }
}
