//! The loss and accuracy over epochs, in bounded memory however long a run is: the most recent
//! epochs are all kept; older ones only at every `stride`-th epoch, the stride doubling as the
//! run grows, so a run of a million epochs keeps a few thousand entries spread evenly over it.

use super::EpochStats;

/// A record of one epoch.
pub trait AtEpoch: Copy {
    fn epoch(&self) -> u64;
}

impl AtEpoch for EpochStats {
    fn epoch(&self) -> u64 {
        self.epoch
    }
}

/// Entries kept at most.
pub const CAPACITY: usize = 8192;
/// The newest entries are never thinned (a game frame at Max trains far fewer epochs, so the
/// goal checks of levels see every epoch).
pub const RECENT: usize = 2048;

/// Epoch records, epoch 0 first, in increasing epoch order.
#[derive(Debug, Clone, PartialEq)]
pub struct History<T = EpochStats> {
    entries: Vec<T>,
    /// Older entries are kept only at epochs that are multiples of this.
    stride: u64,
}

impl<T> Default for History<T> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            stride: 1,
        }
    }
}

impl<T: AtEpoch> History<T> {
    /// Appends the record of a new epoch, thinning old entries when full.
    pub fn push(&mut self, stats: T) {
        self.entries.push(stats);
        if self.entries.len() > CAPACITY {
            self.thin();
        }
    }

    /// Keeps the [`RECENT`] newest entries and, older than those, only the epochs on the stride,
    /// doubling the stride until at most three quarters of the capacity is used.
    fn thin(&mut self) {
        let old = self.entries.len() - RECENT;
        self.stride = self.stride.max(1);
        loop {
            let stride = self.stride;
            let kept = self
                .entries
                .iter()
                .enumerate()
                .filter(|(k, e)| *k >= old || e.epoch() % stride == 0)
                .count();
            if kept <= CAPACITY * 3 / 4 {
                break;
            }
            self.stride *= 2;
        }
        let stride = self.stride;
        let mut k = 0;
        self.entries.retain(|e| {
            let keep = k >= old || e.epoch() % stride == 0;
            k += 1;
            keep
        });
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.stride = 1;
    }

    /// Every entry kept, oldest first.
    pub fn entries(&self) -> &[T] {
        &self.entries
    }

    pub fn latest(&self) -> Option<&T> {
        self.entries.last()
    }

    pub fn latest_mut(&mut self) -> Option<&mut T> {
        self.entries.last_mut()
    }

    /// The entries of epochs after `epoch`, oldest first.
    pub fn since(&self, epoch: u64) -> &[T] {
        let start = self.entries.partition_point(|s| s.epoch() <= epoch);
        &self.entries[start..]
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(epoch: u64) -> EpochStats {
        EpochStats {
            epoch,
            train_loss: 1.0 / (1.0 + epoch as f64),
            test_loss: 1.0,
            train_accuracy: None,
            test_accuracy: None,
        }
    }

    #[test]
    fn a_million_epochs_stay_bounded_ordered_and_recent() {
        let mut history: History = History::default();
        for epoch in 0..1_000_000 {
            history.push(stats(epoch));
            assert!(history.len() <= CAPACITY);
        }
        let entries = history.entries();
        assert_eq!(entries[0].epoch, 0, "epoch 0 is always kept");
        assert_eq!(history.latest().unwrap().epoch, 999_999);
        assert!(entries.windows(2).all(|w| w[0].epoch < w[1].epoch));
        // The newest epochs are all there.
        let recent = history.since(999_999 - RECENT as u64);
        assert_eq!(recent.len(), RECENT);
        assert!(recent.windows(2).all(|w| w[1].epoch == w[0].epoch + 1));
        // The whole run is still covered: no gap is more than a small share of it.
        let widest = entries.windows(2).map(|w| w[1].epoch - w[0].epoch).max();
        assert!(widest.unwrap() <= 1_000_000 / 1000, "{widest:?}");
    }

    #[test]
    fn short_runs_keep_every_epoch() {
        let mut history: History = History::default();
        for epoch in 0..=500 {
            history.push(stats(epoch));
        }
        assert_eq!(history.len(), 501);
        assert_eq!(history.since(490).len(), 10);
        assert!(history.since(500).is_empty());
    }
}
