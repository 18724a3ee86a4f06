//! How much of each frame training may take at "Max", in every mode: one rule
//! ([`TrainingShare`]) with each mode's tuned numbers, so that what is left keeps the frame
//! smooth. Several fixed ticks of one slow frame share one allowance.

use std::time::Duration;

use bevy::prelude::*;

/// The frame that training and drawing share: 60 fps.
const FRAME_MS: f64 = 1000.0 / 60.0;
/// Left free in each frame for the browser or the compositor.
const FRAME_MARGIN_MS: f64 = 2.5;

/// The one rule: training may take `share` of the (smoothed) frame, at least `floor_ms` however
/// slow the frame, at most `cap_ms`; a mode that `fills_60fps` may also take whatever a 60 fps
/// frame leaves after the rest of the frame's work.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainingShare {
    pub floor_ms: f64,
    pub share: f64,
    pub fills_60fps: bool,
    pub cap_ms: f64,
}

impl TrainingShare {
    /// The Playground: its heatmaps follow the weights every frame, so training keeps to 6 ms
    /// (60 fps with the drawing on a desktop), or a quarter of a frame that misses 60 fps anyway
    /// (software rendering), which keeps the game responsive.
    pub const PLAYGROUND: Self = Self {
        floor_ms: 6.0,
        share: 0.25,
        fills_60fps: false,
        cap_ms: 40.0,
    };
    /// The GAN: an epoch is tiny, and the mode redraws the plot and both networks' heatmaps
    /// every frame, so 3 ms keeps its own work under 4 ms at well over 500 epochs a second; a
    /// slow frame gives it 18 %.
    pub const GAN: Self = Self {
        floor_ms: 3.0,
        share: 0.18,
        fills_60fps: false,
        cap_ms: 40.0,
    };
    /// The CNN and Compare: their views refresh a few times a second, not every frame, and a
    /// batch is long, so training fills what a 60 fps frame leaves (at least 9 ms); when drawing
    /// alone misses 60 fps, training takes as long as drawing (half the frame) up to 30 ms.
    pub const FILL_THE_FRAME: Self = Self {
        floor_ms: 9.0,
        share: 0.5,
        fills_60fps: true,
        cap_ms: 30.0,
    };

    /// This frame's training time, from the smoothed frame time and what the rest of the frame
    /// took (both milliseconds; 0 or nonsense when not measured yet: the floor then).
    pub fn budget_ms(&self, frame_ms: f64, other_ms: f64) -> f64 {
        let measured = |ms: f64| if ms.is_finite() && ms > 0.0 { ms } else { 0.0 };
        let (frame_ms, other_ms) = (measured(frame_ms), measured(other_ms));
        let of_slow_frame = self.share * frame_ms;
        let left_of_60fps = if self.fills_60fps && other_ms > 0.0 {
            FRAME_MS - FRAME_MARGIN_MS - other_ms
        } else {
            0.0
        };
        of_slow_frame
            .max(left_of_60fps)
            .min(self.cap_ms)
            .max(self.floor_ms)
    }

    pub fn budget(&self, frame_ms: f64, other_ms: f64) -> Duration {
        Duration::from_secs_f64(self.budget_ms(frame_ms, other_ms) / 1000.0)
    }
}

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
    /// All of the game's own work (the dev tools' diagnostics log it).
    #[cfg(feature = "dev")]
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
    /// What training may still take in this frame (the Playground's allowance).
    pub fn left(&self) -> Duration {
        self.allowance.saturating_sub(self.spent)
    }

    /// Whether no training ran yet in this frame (the first tick always trains at least once).
    pub fn untouched(&self) -> bool {
        self.spent.is_zero()
    }

    /// The smoothed time between frames, milliseconds (0 before the second frame).
    pub fn frame_ms(&self) -> f64 {
        self.frame_seconds * 1000.0
    }

    pub fn spend(&mut self, time: Duration) {
        self.spent += time;
    }
}

/// A new frame: its training allowance, and the work timings start from zero (the dev tools'
/// diagnostics read them at the end of the frame).
fn start_frame_budget(
    mut budget: ResMut<FrameBudget>,
    mut timings: ResMut<WorkTimings>,
    time: Res<Time<Real>>,
) {
    *timings = WorkTimings::default();
    let dt = time.delta_secs_f64();
    if dt > 0.0 {
        budget.frame_seconds = if budget.frame_seconds == 0.0 {
            dt
        } else {
            0.9 * budget.frame_seconds + 0.1 * dt
        };
    }
    budget.allowance = TrainingShare::PLAYGROUND.budget(budget.frame_ms(), 0.0);
    budget.spent = Duration::ZERO;
}

#[cfg(test)]
mod budget_tests {
    use super::*;

    #[test]
    fn the_cnn_fills_a_60_fps_frame_or_matches_slow_drawing() {
        let rule = TrainingShare::FILL_THE_FRAME;
        // Quick drawing: training takes what a 60 fps frame leaves.
        let quick = rule.budget_ms(FRAME_MS, 3.0);
        assert!(
            (quick - (FRAME_MS - FRAME_MARGIN_MS - 3.0)).abs() < 1e-9,
            "{quick}"
        );
        // Drawing near the frame: never below the floor.
        assert_eq!(rule.budget_ms(FRAME_MS, 9.0), rule.floor_ms);
        // Slow drawing: as long as drawing (half the frame), up to the cap.
        assert_eq!(rule.budget_ms(40.0, 20.0), 20.0);
        assert_eq!(rule.budget_ms(160.0, 80.0), rule.cap_ms);
        // Nothing measured yet, or nonsense: the floor.
        for odd in [0.0, -5.0, f64::NAN, f64::INFINITY] {
            assert_eq!(rule.budget_ms(odd, odd), rule.floor_ms, "{odd}");
        }
    }

    #[test]
    fn the_playground_and_the_gan_keep_their_tuned_shares() {
        // A fast frame: the floor (6 ms, 3 ms), whatever the rest of the frame took.
        let fast = 1000.0 / 144.0;
        assert_eq!(TrainingShare::PLAYGROUND.budget_ms(fast, 1.0), 6.0);
        assert_eq!(TrainingShare::GAN.budget_ms(fast, 1.0), 3.0);
        // A slow frame (software rendering, 10 fps): a quarter and 18 % of it.
        assert!((TrainingShare::PLAYGROUND.budget_ms(100.0, 0.0) - 25.0).abs() < 1e-9);
        assert!((TrainingShare::GAN.budget_ms(100.0, 0.0) - 18.0).abs() < 1e-9);
        // A frozen frame (a second): capped.
        assert_eq!(TrainingShare::PLAYGROUND.budget_ms(1000.0, 0.0), 40.0);
        for odd in [f64::NAN, -1.0] {
            assert_eq!(TrainingShare::PLAYGROUND.budget_ms(odd, odd), 6.0);
        }
    }
}
