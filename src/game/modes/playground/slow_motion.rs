//! Backprop in slow motion (Explain > Backprop, step by step): one training example, or a whole
//! batch, taken through training phase by phase on the sandbox's own network: the forward pass
//! lights up layer by layer with each neuron's value, the output's error appears, the error flows
//! back along every edge (coloured by the gradient's sign, as thick as its size, dots running
//! backwards), and the update moves every weight. A caption says what happens in plain words;
//! Back and Next go phase by phase; hovering an edge gives its numbers.
//!
//! The numbers are the core's (`experiment::slow_motion`): the update is the experiment's own
//! training step on those examples, applied when the Update phase is reached and taken back when
//! the student steps back before it.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::mirror::PlaygroundView;
use super::sim::{AdoptWhy, SimAction, Simulation};
use super::slow_motion_drawing::draw_on_network;
use crate::experiment::Experiment;
use crate::experiment::slow_motion::BatchTrace;
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

/// One step of the picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Values reach layer `layer` (0 = the first layer after the inputs).
    Forward { example: usize, layer: usize },
    /// The output is compared with the label.
    Error { example: usize },
    /// The error reaches the weights into `layer`.
    Backward { example: usize, layer: usize },
    /// The weights move.
    Update,
}

#[derive(Resource, Default)]
pub struct SlowMotion {
    pub open: bool,
    /// A whole batch rather than one example.
    pub whole_batch: bool,
    /// The training row of the next single example.
    pub next_row: usize,
    /// The position in the epoch of the next batch.
    pub next_batch: usize,
    pub run: Option<Run>,
    pub playing: bool,
    since_phase: f32,
    pub buttons: serde_json::Map<String, serde_json::Value>,
}

/// A traced batch being shown.
pub struct Run {
    pub trace: BatchTrace,
    pub phases: Vec<Phase>,
    pub at: usize,
    /// The experiment before the update and after it.
    before: Experiment,
    after: Experiment,
}

impl Run {
    pub fn phase(&self) -> Phase {
        self.phases[self.at]
    }
}

/// Every phase of a traced batch, in order.
pub fn phases(trace: &BatchTrace) -> Vec<Phase> {
    let layers = trace.before.layers.len();
    let mut phases = Vec::new();
    for example in 0..trace.examples.len() {
        phases.extend((0..layers).map(|layer| Phase::Forward { example, layer }));
        phases.push(Phase::Error { example });
        phases.extend(
            (0..layers)
                .rev()
                .map(|layer| Phase::Backward { example, layer }),
        );
    }
    phases.push(Phase::Update);
    phases
}

impl SlowMotion {
    /// Traces the next example or batch of the sandbox's experiment (the update is applied only
    /// when the Update phase is reached).
    pub fn start(&mut self, experiment: &Experiment) -> Result<(), String> {
        let train = experiment.data().train.len();
        if train == 0 {
            return Err("There is no training data.".into());
        }
        let rows = if self.whole_batch {
            if self.next_batch >= train {
                self.next_batch = 0;
            }
            experiment.batch_rows(self.next_batch)
        } else {
            vec![self.next_row % train]
        };
        let mut after = experiment.clone();
        let trace = after.train_traced(&rows)?;
        let phases = phases(&trace);
        self.run = Some(Run {
            trace,
            phases,
            at: 0,
            before: experiment.clone(),
            after,
        });
        self.since_phase = 0.0;
        Ok(())
    }

    /// Moves to the next phase (applying the update on reaching it); at the end, traces the
    /// next example or batch. Returns the experiment the sandbox should now hold, if it changes.
    fn forward(&mut self, experiment: &Experiment) -> Result<Option<Experiment>, String> {
        let Some(run) = self.run.as_mut() else {
            self.start(experiment)?;
            return Ok(None);
        };
        if run.at + 1 < run.phases.len() {
            run.at += 1;
            if run.phase() == Phase::Update {
                return Ok(Some(run.after.clone()));
            }
            return Ok(None);
        }
        // Done: the next example (or batch) in order.
        let count = run.trace.examples.len();
        if self.whole_batch {
            self.next_batch += count;
        } else {
            self.next_row += 1;
        }
        self.start(experiment)?;
        Ok(None)
    }

    fn back(&mut self) -> Option<Experiment> {
        let run = self.run.as_mut()?;
        if run.at == 0 {
            return None;
        }
        let leaving_update = run.phase() == Phase::Update;
        run.at -= 1;
        leaving_update.then(|| run.before.clone())
    }
}

fn close(mut slow: ResMut<SlowMotion>) {
    slow.open = false;
    slow.run = None;
    slow.playing = false;
}

/// What the caption says about a phase.
pub fn caption(run: &Run, sim: &Simulation) -> String {
    let trace = &run.trace;
    let layers = trace.before.layers.len();
    let layer_name = |l: usize| {
        if l + 1 == layers {
            "the output layer".to_string()
        } else {
            format!("hidden layer {}", l + 1)
        }
    };
    match run.phase() {
        Phase::Forward { example, layer } => {
            let e = &trace.examples[example];
            let activation = trace.before.layers[layer].activation;
            let start = if layer == 0 {
                format!(
                    "Example {} of {} (training point #{}, at ({:.2}, {:.2}), label {}) goes in: the inputs are its features. ",
                    example + 1,
                    trace.examples.len(),
                    e.row,
                    e.x1,
                    e.x2,
                    e.label
                )
            } else {
                String::new()
            };
            format!(
                "{start}Forward, {}: each neuron adds its bias to the sum of (weight x value) over the links coming in, then squashes the total with {}. The numbers are the neurons' outputs.",
                layer_name(layer),
                activation.name()
            )
        }
        Phase::Error { example } => {
            let e = &trace.examples[example];
            let output = e.prediction().first().copied().unwrap_or(f64::NAN);
            let delta = e.deltas[layers - 1].first().copied().unwrap_or(f64::NAN);
            if e.prediction().len() > 1 {
                format!(
                    "Error: the network gives class {} a probability of {:.3}; the loss is {:.4}. Each output's error signal is its probability minus 1 for the right class, minus 0 for the others.",
                    e.label,
                    e.prediction()
                        .get(e.label.max(0.0) as usize)
                        .copied()
                        .unwrap_or(f64::NAN),
                    e.loss
                )
            } else {
                format!(
                    "Error: the output is {output:.4}, the label {}. The loss is {:.5}. How the loss changes with the output neuron's total input, {delta:.5}, is the error signal sent back.",
                    e.label, e.loss
                )
            }
        }
        Phase::Backward { layer, .. } => format!(
            "Backward, {}: each neuron's share of the error is the sum, over the links going out, of (weight x the share of the neuron it feeds), times the slope of its activation. Each weight's gradient is the share of the neuron it enters times the value that came through it. Blue: the loss falls if the weight grows; orange: if it shrinks. Hover an edge for its numbers.",
            layer_name(layer)
        ),
        Phase::Update => {
            let c = sim.experiment.config();
            let penalty = match c.regularization {
                crate::nn::Regularization::None => String::new(),
                r => format!(", then the {r} penalty (rate {})", c.regularization_rate),
            };
            let carried = if trace.carried_over > 0 {
                format!(
                    " ({} examples left over from the last epoch joined this batch, as in the Playground.)",
                    trace.carried_over
                )
            } else {
                String::new()
            };
            format!(
                "Update: after {} example{}, every weight takes a step against its mean gradient: w <- w - {} x mean gradient{penalty}. Edges show each weight's change (blue: grew, orange: shrank). Test loss now {:.4}.{carried}",
                trace.examples.len(),
                if trace.examples.len() == 1 { "" } else { "s" },
                trace.learning_rate,
                sim.experiment.latest().test_loss
            )
        }
    }
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
    let mut action: Option<&str> = None;
    let caption_text = slow
        .run
        .as_ref()
        .map(|run| caption(run, &sim))
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
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .default_width(440.0)
        // Over the settings, which wait while training is in slow motion; the network and the
        // output stay in view.
        .anchor(egui::Align2::LEFT_BOTTOM, egui::vec2(6.0, -6.0))
        .order(egui::Order::Foreground)
        .show(&ctx, |ui| {
            ui.set_width(440.0);
            ui.horizontal(|ui| {
                let mut whole = slow.whole_batch;
                ui.selectable_value(&mut whole, false, "One example");
                ui.selectable_value(&mut whole, true, format!("A whole batch ({batch_size})"));
                if whole != slow.whole_batch {
                    slow.whole_batch = whole;
                    action = Some("restart");
                }
                if !slow.whole_batch {
                    ui.label("point #");
                    let mut row = slow.next_row % train.max(1);
                    if ui
                        .add(egui::DragValue::new(&mut row).range(0..=train.saturating_sub(1)))
                        .changed()
                    {
                        slow.next_row = row;
                        action = Some("restart");
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
                    action = Some("back");
                }
                let next_label = if progress.0 == progress.1 {
                    "Next example ▶"
                } else {
                    "Next ▶"
                };
                let next = ui.button(next_label);
                remember_button(&mut slow.buttons, "Slow next", next.rect);
                if next.clicked() {
                    action = Some("next");
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
    match action {
        Some("back") => {
            if let Some(experiment) = slow.back() {
                step_to(experiment);
            }
        }
        Some("next") => match slow.forward(&sim.experiment) {
            Ok(Some(experiment)) => step_to(experiment),
            Ok(None) => {}
            Err(why) => notices.refused(why),
        },
        Some("restart") => {
            // Going back to the weights before the update, if it was applied.
            if let Some(run) = slow.run.take()
                && run.phase() == Phase::Update
            {
                step_to(run.before);
            }
        }
        _ => {}
    }
    if !open {
        slow.open = false;
        slow.playing = false;
        slow.run = None;
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::ExperimentConfig;

    #[test]
    fn stepping_to_the_update_applies_it_and_stepping_back_takes_it_back() {
        let sim = Simulation::new(ExperimentConfig::default()).unwrap();
        let before = sim.experiment.network().clone();
        let mut slow = SlowMotion {
            whole_batch: true,
            ..SlowMotion::default()
        };
        slow.start(&sim.experiment).unwrap();
        let count = slow.run.as_ref().unwrap().phases.len();
        // 10 examples x (3 forward + error + 3 backward) + the update.
        assert_eq!(count, 10 * 7 + 1);
        let mut held = sim.experiment.clone();
        for _ in 1..count {
            if let Some(e) = slow.forward(&held.clone()).unwrap() {
                held = e;
            }
        }
        assert_eq!(slow.run.as_ref().unwrap().phase(), Phase::Update);
        assert_ne!(held.network(), &before);
        assert_eq!(held.network(), &slow.run.as_ref().unwrap().trace.after);
        let back = slow
            .back()
            .expect("leaving the update restores the weights");
        assert_eq!(back.network(), &before);
        assert!(caption(slow.run.as_ref().unwrap(), &sim).starts_with("Backward"));
    }
}
