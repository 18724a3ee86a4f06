//! The CNN's play clock: training batch by batch inside the frame's budget while playing (the
//! test set evaluated a slice at a time), the rates the bar shows, and the maps following the
//! weights a few times a second.

use bevy::ecs::component::Mutable;
use bevy::prelude::*;

use super::sim::{CnnRules, CnnSim, NoLevel, rules_or_free};
use crate::game::training_rate::RateMeter;

/// Seconds between two refreshes of the maps while training.
pub const MAPS_REFRESH_SECONDS: f32 = 0.25;

/// Images trained over wall time and training time, for the rates (over a second: a frame
/// trains whole batches, so shorter windows jump).
#[derive(Resource)]
pub struct CnnClock {
    meter: RateMeter,
}

impl Default for CnnClock {
    fn default() -> Self {
        Self {
            meter: RateMeter::new(std::time::Duration::from_secs(1)),
        }
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<CnnClock>();
}

/// The CNN's clock: training inside the frame's budget while playing, the rates, and the maps
/// following the weights.
pub fn train_within_budget<L: CnnRules + Resource + Component<Mutability = Mutable>>(
    sim: Option<ResMut<CnnSim>>,
    level: Option<ResMut<L>>,
    time: Res<Time>,
    frames: Res<crate::game::frame_budget::FrameBudget>,
    mut timings: ResMut<crate::game::frame_budget::WorkTimings>,
    mut clock: ResMut<CnnClock>,
    mut report: MessageWriter<crate::game::training_rate::RateMeasured>,
) {
    let Some(mut sim) = sim else {
        return;
    };
    let (mut level, mut free) = (level, NoLevel);
    let rules = rules_or_free(level.as_deref_mut(), &mut free);
    let dt = time.delta_secs();
    sim.since_refresh += dt;
    if sim.playing && sim.can_train() && rules.allows_training() {
        let other_ms = frames.frame_ms() - sim.train_ms_last_frame;
        let rule = crate::game::frame_budget::TrainingShare::FILL_THE_FRAME;
        let start = bevy::platform::time::Instant::now();
        let images = sim.train_for(rule.budget_ms(frames.frame_ms(), other_ms), rules);
        timings.training += start.elapsed();
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        sim.train_ms_last_frame = ms;
        clock.meter.add(images as u64, start.elapsed());
    } else {
        sim.train_ms_last_frame = 0.0;
    }
    if clock.meter.tick(bevy::platform::time::Instant::now()) {
        sim.images_per_s = clock.meter.rate();
        sim.training_images_per_s = clock.meter.busy_rate();
    }
    report.write(crate::game::training_rate::RateMeasured(if sim.playing {
        sim.images_per_s
    } else {
        0.0
    }));
    // The maps follow the weights four times a second while training (`MAPS_REFRESH_SECONDS`).
    if sim.weights_changed && sim.since_refresh >= MAPS_REFRESH_SECONDS {
        let start = bevy::platform::time::Instant::now();
        sim.refresh_maps();
        timings.heatmaps += start.elapsed();
    }
}
