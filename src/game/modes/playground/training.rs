//! The training clock: advances the experiment in `FixedUpdate`, decoupled from rendering.

use bevy::platform::time::Instant;
use bevy::prelude::*;

use super::{Simulation, TrainingSpeed, Workbench};
use crate::game::frame_budget::{FrameBudget, WorkTimings};
use crate::game::training_rate::{RateMeasured, RateMeter};

/// Fixed ticks per second.
pub const TICK_HZ: f64 = 60.0;

/// At most this many epochs per tick at fixed speeds (a slow frame does not snowball).
const MAX_EPOCHS_PER_TICK: u64 = 2_000;

pub(super) fn plugin(app: &mut App) {
    app.insert_resource(Time::<Fixed>::from_hz(TICK_HZ))
        .init_resource::<EpochMeter>()
        // Training runs only while the workbench is on screen.
        .add_systems(FixedUpdate, train.run_if(in_state(Workbench)))
        .add_systems(Update, measure_rate.run_if(in_state(Workbench)));
}

/// Counts epochs over wall time for the epochs-per-second readout.
#[derive(Resource, Default)]
pub struct EpochMeter(RateMeter);

/// One fixed tick of training.
pub fn train(
    mut sim: ResMut<Simulation>,
    time: Res<Time<Fixed>>,
    mut meter: ResMut<EpochMeter>,
    mut timings: ResMut<WorkTimings>,
    mut frame: ResMut<FrameBudget>,
    #[cfg(not(target_arch = "wasm32"))] mut background: ResMut<super::background::Background>,
) {
    if !sim.playing {
        return;
    }
    if sim.experiment.divergence().is_some() || sim.epochs_left() == 0 {
        sim.playing = false;
        return;
    }
    // Natively, Max in the sandbox trains on its own thread; the frame only shows it.
    #[cfg(not(target_arch = "wasm32"))]
    if sim.speed == TrainingSpeed::Max && sim.epoch_limit.is_none() {
        background.start(&sim.experiment);
        if background.running() {
            meter
                .0
                .add(background.take_epochs(), std::time::Duration::ZERO);
            return;
        }
    }
    let start = Instant::now();
    let ran = match sim.speed {
        TrainingSpeed::PerSecond(rate) => {
            sim.epoch_credit += f64::from(rate) * time.delta_secs_f64();
            let due = (sim.epoch_credit.floor() as u64).min(MAX_EPOCHS_PER_TICK);
            sim.epoch_credit -= due as f64;
            let due = due.min(sim.epochs_left());
            sim.experiment.step(due)
        }
        TrainingSpeed::Max => {
            // As many epochs as the frame's budget still allows (a later tick of a slow frame
            // may get none), and at least one in the frame's first tick.
            let budget = frame.left();
            let mut ran = 0;
            while (ran == 0 && frame.untouched()) || start.elapsed() < budget {
                let allowed = 1.min(sim.epochs_left());
                let done = sim.experiment.step(allowed);
                ran += done;
                if done == 0 {
                    break;
                }
            }
            ran
        }
    };
    meter.0.add(ran, start.elapsed());
    frame.spend(start.elapsed());
    timings.training += start.elapsed();
    if sim.experiment.divergence().is_some() || sim.epochs_left() == 0 {
        sim.playing = false;
    }
}

/// Updates the measured epochs per second twice a second, and reports it (0 while paused).
fn measure_rate(
    mut sim: ResMut<Simulation>,
    mut meter: ResMut<EpochMeter>,
    mut report: MessageWriter<RateMeasured>,
) {
    if meter.0.tick(Instant::now()) {
        sim.measured_rate = meter.0.rate();
    }
    report.write(RateMeasured(if sim.playing {
        sim.measured_rate
    } else {
        0.0
    }));
}
