//! Max speed off the main thread (natively): while the sandbox plays at Max, a copy of the
//! experiment trains without pause on a thread of its own, and every frame shows its latest
//! network and history. (Not a task of Bevy's compute pool: that pool may have a single thread,
//! and a loop that runs until stopped would starve every other task given to it.) Any action of the player (or leaving the workbench) first stops
//! it; the copy, with its trainer's full state, then takes the experiment's place, so training
//! continues exactly as if it had run on the main thread. Levels keep training in the frame: a
//! level must stop on the very epoch its goal is met.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bevy::platform::time::Instant;
use bevy::prelude::*;

use super::Workbench;
use super::sim::{SimAction, SimSet, Simulation};
use crate::experiment::{Experiment, TrainingProgress};
use crate::game::levels::LevelCommand;
use crate::game::network_view::ViewEdit;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Background>()
        .add_systems(
            Update,
            (
                stop_on_actions.before(SimSet::Apply),
                show_progress.before(SimSet::Apply),
            ),
        )
        .add_systems(OnExit(Workbench), stop_on_leaving);
}

/// How often the thread publishes its progress (the frame shows the newest).
const PUBLISH_EVERY: Duration = Duration::from_millis(4);

/// What the training thread and the game share.
#[derive(Default)]
struct Shared {
    stop: AtomicBool,
    latest: Mutex<Option<TrainingProgress>>,
    /// Epochs trained since the game last counted them (for the epochs-per-second readout).
    epochs: std::sync::atomic::AtomicU64,
}

/// The training thread, while there is one.
#[derive(Resource, Default)]
pub struct Background {
    task: Option<std::thread::JoinHandle<Experiment>>,
    shared: Arc<Shared>,
}

impl Background {
    pub fn running(&self) -> bool {
        self.task.is_some()
    }

    /// Starts training a copy of the experiment on its own thread.
    pub fn start(&mut self, experiment: &Experiment) {
        if self.task.is_some() {
            return;
        }
        let shared = Arc::new(Shared::default());
        let mut copy = experiment.clone();
        let worker = shared.clone();
        let thread = std::thread::Builder::new().name("training at Max".into());
        let spawned = thread.spawn(move || {
            let mut published = Instant::now();
            let mut reported = copy.epoch();
            while !worker.stop.load(Ordering::Relaxed) && copy.divergence().is_none() {
                copy.step(1);
                worker.epochs.fetch_add(1, Ordering::Relaxed);
                if published.elapsed() >= PUBLISH_EVERY || copy.divergence().is_some() {
                    let progress = copy.progress_since(reported);
                    reported = copy.epoch();
                    if let Ok(mut latest) = worker.latest.lock() {
                        match latest.as_mut() {
                            // Not yet shown: keep its history too.
                            Some(pending) => {
                                pending.history.extend(progress.history);
                                pending.network = progress.network;
                                pending.epoch = progress.epoch;
                                pending.divergence = progress.divergence;
                            }
                            None => *latest = Some(progress),
                        }
                    }
                    published = Instant::now();
                }
            }
            copy
        });
        match spawned {
            Ok(handle) => {
                self.task = Some(handle);
                self.shared = shared;
            }
            // No thread to be had: Max then trains in the frame, as on the web.
            Err(e) => tracing::warn!("training at Max stays on the main thread: {e}"),
        }
    }

    /// Stops the thread and puts its copy in the experiment's place. Returns whether there was
    /// one.
    pub fn stop_into(&mut self, sim: &mut Simulation) -> bool {
        let Some(task) = self.task.take() else {
            return false;
        };
        self.shared.stop.store(true, Ordering::Relaxed);
        // The thread finishes the epoch it is in (a millisecond at most) and hands its copy back.
        match task.join() {
            Ok(copy) => sim.experiment = copy,
            // A panic on the thread loses only what it trained; the frame's copy stays.
            Err(_) => tracing::error!("the training thread stopped unexpectedly"),
        }
        // It may have trained past what was last shown: the view redraws.
        sim.experiment.mark_changed();
        true
    }

    /// Epochs trained since the last call.
    pub fn take_epochs(&self) -> u64 {
        self.shared.epochs.swap(0, Ordering::Relaxed)
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
    }
}

/// Whatever the player does, the thread stops first and the experiment is the copy's.
fn stop_on_actions(
    mut actions: MessageReader<SimAction>,
    mut edits: MessageReader<ViewEdit>,
    mut levels: MessageReader<LevelCommand>,
    mut background: ResMut<Background>,
    mut sim: ResMut<Simulation>,
) {
    let acted = actions.read().count() + edits.read().count() + levels.read().count() > 0;
    if acted && background.running() {
        background.stop_into(&mut sim);
    }
}

fn stop_on_leaving(mut background: ResMut<Background>, mut sim: ResMut<Simulation>) {
    background.stop_into(&mut sim);
}

/// Shows the thread's newest progress; when it stopped by itself (training diverged), its copy
/// takes the experiment's place.
fn show_progress(mut background: ResMut<Background>, mut sim: ResMut<Simulation>) {
    if !background.running() {
        return;
    }
    let progress = background
        .shared
        .latest
        .lock()
        .ok()
        .and_then(|mut latest| latest.take());
    if let Some(progress) = progress {
        sim.experiment.show_progress(progress);
    }
    if background.task.as_ref().is_some_and(|t| t.is_finished()) {
        background.stop_into(&mut sim);
        sim.playing = false;
    }
}
