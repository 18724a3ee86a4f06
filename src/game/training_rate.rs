//! How fast the shown mode trains: one meter for every mode (epochs in the Playground and the GAN,
//! images in the CNN), and the one published rate that the diagnostics log. Each mode's clock
//! reports with [`RateMeasured`] while its screen is shown; one system here writes
//! [`TrainingRate`], so two modes can never overwrite each other's rate.

use std::time::Duration;

use bevy::platform::time::Instant;
use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<TrainingRate>()
        .add_message::<RateMeasured>()
        .add_systems(PostUpdate, publish);
}

/// Counts what a mode trains over wall time and turns it into a rate once per window: long enough
/// for a steady number, short enough to follow a change of speed.
#[derive(Debug, Clone)]
pub struct RateMeter {
    window: Duration,
    since: Option<Instant>,
    count: u64,
    busy: Duration,
    /// Per second of wall time, over the last window.
    rate: f64,
    /// Per second spent training, over the last window.
    busy_rate: f64,
}

impl Default for RateMeter {
    fn default() -> Self {
        Self::new(Self::WINDOW)
    }
}

impl RateMeter {
    /// Half a second: the Playground's and the GAN's readouts, updated twice a second.
    pub const WINDOW: Duration = Duration::from_millis(500);

    pub fn new(window: Duration) -> Self {
        Self {
            window,
            since: None,
            count: 0,
            busy: Duration::ZERO,
            rate: 0.0,
            busy_rate: 0.0,
        }
    }

    /// `count` more trained, in `busy` time of training.
    pub fn add(&mut self, count: u64, busy: Duration) {
        self.count += count;
        self.busy += busy;
    }

    /// Closes the window when it is over (call once a frame); true when the rates changed.
    pub fn tick(&mut self, now: Instant) -> bool {
        let since = *self.since.get_or_insert(now);
        let elapsed = now.duration_since(since);
        if elapsed < self.window {
            return false;
        }
        self.rate = self.count as f64 / elapsed.as_secs_f64();
        self.busy_rate = if self.busy.is_zero() {
            0.0
        } else {
            self.count as f64 / self.busy.as_secs_f64()
        };
        self.count = 0;
        self.busy = Duration::ZERO;
        self.since = Some(now);
        true
    }

    /// Trained per second of wall time, over the last window (0 once a window trained nothing).
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// Trained per second of training time, over the last window.
    pub fn busy_rate(&self) -> f64 {
        self.busy_rate
    }
}

/// A mode's clock reporting its rate this frame (0 while paused).
#[derive(Message, Debug, Clone, Copy)]
pub struct RateMeasured(pub f64);

/// How fast the shown mode trains (for the diagnostics), written only by [`publish`].
#[derive(Resource, Debug, Default, Clone, Copy)]
pub struct TrainingRate(f64);

impl TrainingRate {
    pub fn get(self) -> f64 {
        self.0
    }
}

/// The one writer of [`TrainingRate`]: the latest report this frame; 0 on a screen where no mode
/// reports (the title, the level list).
fn publish(mut reports: MessageReader<RateMeasured>, mut rate: ResMut<TrainingRate>) {
    let latest = reports.read().last().map_or(0.0, |r| r.0);
    if rate.0 != latest {
        rate.0 = latest;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_meter_counts_over_its_window() {
        let start = Instant::now();
        let mut meter = RateMeter::new(Duration::from_millis(500));
        assert!(!meter.tick(start));
        meter.add(100, Duration::from_millis(250));
        assert!(!meter.tick(start + Duration::from_millis(400)));
        assert!(meter.tick(start + Duration::from_millis(500)));
        assert!((meter.rate() - 200.0).abs() < 1e-9, "{}", meter.rate());
        assert!((meter.busy_rate() - 400.0).abs() < 1e-9);
        assert!(meter.tick(start + Duration::from_millis(1000)));
        assert_eq!(meter.rate(), 0.0, "a window with nothing trained");
        assert_eq!(meter.busy_rate(), 0.0);
    }
}
