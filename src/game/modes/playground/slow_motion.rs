//! Backprop in slow motion (Explain > Backprop, step by step): one training example, or a whole
//! batch, taken through training phase by phase on the sandbox's own network: the forward pass
//! layer by layer, the output's error, the error flowing back along every edge, and the update
//! that moves every weight. This file holds the steps and what the caption says of each; the
//! window, its buttons and the drawing on the network are `slow_motion_ui`'s and
//! `slow_motion_drawing`'s.
//!
//! The numbers are the core's (`experiment::slow_motion`): the update is the experiment's own
//! training step on those examples, applied when the Update phase is reached and taken back when
//! the student steps back before it.

use bevy::prelude::*;

use super::sim::Simulation;
use crate::experiment::Experiment;
use crate::experiment::slow_motion::BatchTrace;

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
    pub(super) since_phase: f32,
    pub buttons: serde_json::Map<String, serde_json::Value>,
}

/// A traced batch being shown.
pub struct Run {
    pub trace: BatchTrace,
    pub phases: Vec<Phase>,
    pub at: usize,
    /// The experiment before the update and after it.
    pub(super) before: Experiment,
    pub(super) after: Experiment,
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
    pub(super) fn forward(
        &mut self,
        experiment: &Experiment,
    ) -> Result<Option<Experiment>, String> {
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

    pub(super) fn back(&mut self) -> Option<Experiment> {
        let run = self.run.as_mut()?;
        if run.at == 0 {
            return None;
        }
        let leaving_update = run.phase() == Phase::Update;
        run.at -= 1;
        leaving_update.then(|| run.before.clone())
    }
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
