//! The share of each frame that training may take at "Max", in every mode: what is left after it
//! keeps the frame smooth. Several fixed ticks of one slow frame share one allowance.

use std::time::Duration;

use bevy::prelude::*;

/// At "Max", training may use this much of each frame (whatever the number of fixed ticks in it);
/// the rest of a 60 fps frame is left for drawing.
pub const MAX_SPEED_BUDGET: Duration = Duration::from_millis(6);

/// When drawing alone already takes longer than a 60 fps frame (software rendering, a slow
/// machine), training may take this share of the frame instead: 60 fps is out of reach anyway,
/// and a quarter of the frame keeps the game responsive.
pub const MAX_SPEED_FRAME_SHARE: f64 = 0.25;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<FrameBudget>()
        .init_resource::<WorkTimings>()
        .add_systems(First, start_frame_budget);
}

/// Time spent this frame in the game's own systems.
#[derive(Resource, Debug, Default, Clone)]
pub struct WorkTimings {
    pub training: Duration,
    pub heatmaps: Duration,
    pub sync: Duration,
}

impl WorkTimings {
    pub fn total(&self) -> Duration {
        self.training + self.heatmaps + self.sync
    }
}

/// Training time spent in the current frame and this frame's allowance at "Max".
#[derive(Resource, Default)]
pub struct FrameBudget {
    spent: Duration,
    allowance: Duration,
    /// Smoothed frame time, seconds.
    frame_seconds: f64,
}

impl FrameBudget {
    /// What training may still take in this frame.
    pub fn left(&self) -> Duration {
        self.allowance
            .max(MAX_SPEED_BUDGET)
            .saturating_sub(self.spent)
    }

    /// Whether no training ran yet in this frame (the first tick always trains at least once).
    pub fn untouched(&self) -> bool {
        self.spent.is_zero()
    }

    /// The smoothed time between frames, seconds (0 before the second frame).
    pub fn frame_seconds(&self) -> f64 {
        self.frame_seconds
    }

    pub fn spend(&mut self, time: Duration) {
        self.spent += time;
    }
}

fn start_frame_budget(mut budget: ResMut<FrameBudget>, time: Res<Time<Real>>) {
    let dt = time.delta_secs_f64();
    if dt > 0.0 {
        budget.frame_seconds = if budget.frame_seconds == 0.0 {
            dt
        } else {
            0.9 * budget.frame_seconds + 0.1 * dt
        };
    }
    let share = Duration::from_secs_f64(budget.frame_seconds * MAX_SPEED_FRAME_SHARE);
    budget.allowance = MAX_SPEED_BUDGET.max(share).min(Duration::from_millis(40));
    budget.spent = Duration::ZERO;
}

/// Milliseconds of training per frame at least, for the modes that train inside the frame
/// (CNN, Compare): enough to learn fast, little enough to keep 60 fps drawing.
pub const TRAIN_BUDGET_MS: f64 = 9.0;
/// The frame that training and drawing share: 60 fps.
const FRAME_MS: f64 = 1000.0 / 60.0;
/// Left free in each frame for the browser or the compositor.
const FRAME_MARGIN_MS: f64 = 2.5;
/// The most a frame may train, whatever drawing takes.
const MAX_TRAIN_BUDGET_MS: f64 = 30.0;

/// This frame's training time, from what the rest of the last frames took (`other_ms`, the
/// smoothed frame time less training): what a 60 fps frame leaves after drawing, at least
/// [`TRAIN_BUDGET_MS`]; and when drawing alone already misses 60 fps (a slow machine, software
/// rendering in a browser) as long as drawing takes, so training keeps half the time instead of
/// a sliver of it.
pub fn training_budget_ms(other_ms: f64) -> f64 {
    if !other_ms.is_finite() || other_ms <= 0.0 {
        return TRAIN_BUDGET_MS;
    }
    let fills_the_frame = FRAME_MS - FRAME_MARGIN_MS - other_ms;
    fills_the_frame
        .max(other_ms.min(MAX_TRAIN_BUDGET_MS))
        .max(TRAIN_BUDGET_MS)
}

#[cfg(test)]
mod budget_tests {
    use super::*;

    #[test]
    fn training_fills_a_60_fps_frame_or_matches_slow_drawing() {
        // Quick drawing: training takes what a 60 fps frame leaves.
        let quick = training_budget_ms(3.0);
        assert!(
            (quick - (FRAME_MS - FRAME_MARGIN_MS - 3.0)).abs() < 1e-9,
            "{quick}"
        );
        // Drawing near the frame: never below the floor.
        assert_eq!(training_budget_ms(7.0), TRAIN_BUDGET_MS);
        // Slow drawing: as long as drawing, up to the cap.
        assert_eq!(training_budget_ms(20.0), 20.0);
        assert_eq!(training_budget_ms(80.0), MAX_TRAIN_BUDGET_MS);
        // Nothing measured yet, or nonsense: the floor.
        for odd in [0.0, -5.0, f64::NAN, f64::INFINITY] {
            assert_eq!(training_budget_ms(odd), TRAIN_BUDGET_MS, "{odd}");
        }
    }
}
