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
        .add_systems(First, start_frame_budget);
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
