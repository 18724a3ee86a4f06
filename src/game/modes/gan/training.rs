//! The GAN's clock: epochs each frame at the chosen speed (GAN Lab's is one per frame), as many as
//! the frame's budget allows at Max, the ten steps of slow motion, and the starting point being
//! prepared; only the last epoch of a frame is measured (KL, JS), since only it is seen.

use std::time::Duration;

use bevy::platform::time::Instant;
use bevy::prelude::*;

use super::GanStage;
use super::level_run::GanLevelRun;
use super::sim::{GanSet, GanSim, GanSpeed, NoLevel, advance_slow_motion, rules_or_free};
use crate::game::frame_budget::{FrameBudget, TrainingShare, WorkTimings};
use crate::game::notices::Notices;
use crate::game::training_rate::{RateMeasured, RateMeter};
use crate::level::gan::MEASURE_EVERY;

/// While preparing a starting point, training may take this much of each frame (the player
/// watches a progress bar, not a smooth animation).
pub const PREPARING_BUDGET: Duration = Duration::from_millis(14);

/// While preparing, every this many epochs are measured (for the charts).
const PREPARING_MEASURE_EVERY: u64 = 10;

/// The detector looks again this often.
const DIAGNOSIS_SECONDS: f32 = 0.5;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<GanClock>().add_systems(
        Update,
        (train, diagnose)
            .chain()
            .in_set(GanSet::Train)
            .run_if(in_state(GanStage).and_then(resource_exists::<GanSim>)),
    );
}

/// Counts epochs for the rate readout, and times the detector.
#[derive(Resource, Default)]
pub struct GanClock {
    meter: RateMeter,
    since_diagnosis: f32,
}

#[allow(clippy::too_many_arguments)]
fn train(
    mut sim: ResMut<GanSim>,
    level: Option<ResMut<GanLevelRun>>,
    time: Res<Time>,
    mut clock: ResMut<GanClock>,
    mut frame: ResMut<FrameBudget>,
    mut timings: ResMut<WorkTimings>,
    mut report: MessageWriter<RateMeasured>,
    mut notices: ResMut<Notices>,
) {
    let start = Instant::now();
    let before = sim.gan.epoch();
    let (mut level, mut free) = (level, NoLevel);
    let rules = rules_or_free(level.as_deref_mut(), &mut free);
    if let Some(preparing) = sim.preparing.clone() {
        let budget = frame.left().max(PREPARING_BUDGET);
        while sim.gan.epoch() < preparing.target && start.elapsed() < budget {
            // Measured every few epochs, so that the charts show how it got there.
            let next = sim.gan.epoch() + 1;
            sim.gan.train_epoch(
                next == preparing.target || next.is_multiple_of(PREPARING_MEASURE_EVERY),
            );
            if !sim.gan.is_finite() {
                break;
            }
        }
        if sim.gan.epoch() >= preparing.target {
            sim.preparing = None;
        }
        if let Some(message) = sim.after_training() {
            notices.refused(message);
        }
    } else if sim.slow_motion.is_some() {
        if sim.playing && rules.allows_training() {
            advance_slow_motion(&mut sim, rules, time.delta_secs(), &mut notices);
        }
    } else if sim.playing && sim.may_train() && rules.allows_training() {
        // In a level every tenth epoch is measured, as the judge needs (and the command line
        // judges); elsewhere only the last epoch of the frame, which is the one seen.
        let in_level = rules.judges();
        let wanted = match sim.speed {
            GanSpeed::PerFrame(n) => u64::from(n),
            GanSpeed::Max => u64::MAX,
        };
        let budget = frame
            .left()
            .min(TrainingShare::GAN.budget(frame.frame_ms(), 0.0));
        let mut ran = 0u64;
        // At least one epoch a frame; then as many as wanted while the budget lasts. Only the
        // frame's last epoch is measured: the record of the others keeps the losses.
        loop {
            let more = ran + 1 < wanted && start.elapsed() + per_epoch(start, ran) < budget;
            let next = sim.gan.epoch() + 1;
            let judged = in_level && next.is_multiple_of(MEASURE_EVERY);
            sim.gan.train_epoch(!more || judged);
            ran += 1;
            if rules.after_epoch(&mut sim) || !more {
                break;
            }
        }
        if let Some(message) = sim.after_training() {
            notices.refused(message);
        }
    }
    let trained = sim.gan.epoch().saturating_sub(before);
    let spent = start.elapsed();
    clock.meter.add(trained, spent);
    frame.spend(spent);
    timings.training += spent;
    if clock.meter.tick(Instant::now()) {
        sim.measured_rate = clock.meter.rate();
    }
    report.write(RateMeasured(if sim.playing {
        sim.measured_rate
    } else {
        0.0
    }));
}

/// The time one more epoch is expected to take, from those run so far in this frame.
fn per_epoch(start: Instant, ran: u64) -> Duration {
    if ran == 0 {
        Duration::ZERO
    } else {
        start.elapsed() / ran as u32
    }
}

/// Asks the detector what is going wrong, twice a second.
fn diagnose(mut sim: ResMut<GanSim>, time: Res<Time>, mut clock: ResMut<GanClock>) {
    clock.since_diagnosis += time.delta_secs();
    if clock.since_diagnosis < DIAGNOSIS_SECONDS {
        return;
    }
    clock.since_diagnosis = 0.0;
    if sim.preparing.is_some() {
        sim.diagnosis.clear();
        return;
    }
    sim.diagnosis = crate::gan::diagnose::diagnose(&sim.gan);
}
