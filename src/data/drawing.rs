//! The player's own points: added one by one or painted in strokes, erased, and split into
//! training and test data by a share the player chooses.
//!
//! Each point draws a number in [0, 1) when it is made (from a counter, so the same drawing
//! splits the same way) and is test data when that number is below the share. So moving the
//! share moves only the points near it, and adding a point never moves the others.

use super::{Data, Example};

/// The most points a drawing holds (the Playground's datasets have 500).
pub const MAX_POINTS: usize = 2000;
/// The plane's extent: points are kept within -6..6 on both axes.
pub const EXTENT: f64 = 6.0;
/// The most of the points that may be test data.
pub const MAX_TEST_SHARE: f64 = 0.9;

#[derive(Debug, Clone, PartialEq)]
pub struct DrawnPoint {
    pub example: Example,
    /// Test data when below the test share.
    pub draw: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Drawing {
    pub points: Vec<DrawnPoint>,
    test_share: f64,
    /// Counts the points ever made: the next point's draw.
    made: u64,
}

impl Default for Drawing {
    fn default() -> Self {
        Self {
            points: Vec::new(),
            test_share: 0.5,
            made: 0,
        }
    }
}

/// A number in [0, 1) from a counter (SplitMix64).
pub(crate) fn unit(counter: u64) -> f64 {
    let mut z = counter.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

impl Drawing {
    /// A drawing that starts from existing data, keeping its split (the share becomes its
    /// share of test points).
    pub fn from_data(data: &Data) -> Self {
        let (train, test) = (data.train.len(), data.test.len());
        let total = train + test;
        let share = if total == 0 {
            0.5
        } else {
            (test as f64 / total as f64).min(MAX_TEST_SHARE)
        };
        let mut points = Vec::with_capacity(total);
        for (i, e) in data.test.iter().enumerate() {
            points.push(DrawnPoint {
                example: *e,
                draw: share * (i as f64 + 0.5) / test.max(1) as f64,
            });
        }
        for (i, e) in data.train.iter().enumerate() {
            points.push(DrawnPoint {
                example: *e,
                draw: share + (1.0 - share) * (i as f64 + 0.5) / train.max(1) as f64,
            });
        }
        points.truncate(MAX_POINTS);
        Self {
            points,
            test_share: share,
            made: total as u64,
        }
    }

    pub fn test_share(&self) -> f64 {
        self.test_share
    }

    /// Sets the share of test points, 0 to 0.9.
    pub fn set_test_share(&mut self, share: f64) {
        self.test_share = if share.is_finite() {
            share.clamp(0.0, MAX_TEST_SHARE)
        } else {
            0.5
        };
    }

    /// Adds a point (kept inside the plane); false when the drawing is full or the numbers are
    /// not finite.
    pub fn add(&mut self, x1: f64, x2: f64, label: f64) -> bool {
        if self.points.len() >= MAX_POINTS
            || !(x1.is_finite() && x2.is_finite() && label.is_finite())
        {
            return false;
        }
        self.made += 1;
        self.points.push(DrawnPoint {
            example: Example::new(x1.clamp(-EXTENT, EXTENT), x2.clamp(-EXTENT, EXTENT), label),
            draw: unit(self.made),
        });
        true
    }

    /// Removes the points within `radius` of (x1, x2); how many.
    pub fn erase_near(&mut self, x1: f64, x2: f64, radius: f64) -> usize {
        let before = self.points.len();
        self.points.retain(|p| {
            let (dx, dy) = (p.example.x1 - x1, p.example.x2 - x2);
            dx * dx + dy * dy > radius * radius
        });
        before - self.points.len()
    }

    /// The training and test data. With two points or more, each set gets at least one (the
    /// point whose draw is nearest the share changes sides if needed).
    pub fn data(&self) -> Data {
        let mut test: Vec<usize> = Vec::new();
        let mut train: Vec<usize> = Vec::new();
        for (i, p) in self.points.iter().enumerate() {
            if p.draw < self.test_share {
                test.push(i);
            } else {
                train.push(i);
            }
        }
        let by_draw = |a: &usize, b: &usize| self.points[*a].draw.total_cmp(&self.points[*b].draw);
        if self.points.len() >= 2 {
            if test.is_empty() {
                let lowest = train.iter().copied().min_by(by_draw);
                if let Some(i) = lowest {
                    train.retain(|&j| j != i);
                    test.push(i);
                }
            } else if train.is_empty() {
                let highest = test.iter().copied().max_by(by_draw);
                if let Some(i) = highest {
                    test.retain(|&j| j != i);
                    train.push(i);
                }
            }
        }
        Data {
            train: train.iter().map(|&i| self.points[i].example).collect(),
            test: test.iter().map(|&i| self.points[i].example).collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::csv_file::{read_data, write_data};

    fn drawn(n: usize) -> Drawing {
        let mut d = Drawing::default();
        for i in 0..n {
            let t = i as f64 / n as f64;
            assert!(d.add(
                5.0 * t - 2.5,
                3.0 * (7.0 * t).sin(),
                if i % 2 == 0 { 1.0 } else { -1.0 }
            ));
        }
        d
    }

    #[test]
    fn the_share_splits_the_points_and_adding_moves_no_other() {
        let mut d = drawn(400);
        d.set_test_share(0.3);
        let data = d.data();
        assert_eq!(data.train.len() + data.test.len(), 400);
        let share = data.test.len() as f64 / 400.0;
        assert!((share - 0.3).abs() < 0.06, "{share}");
        // A new point leaves every earlier point on its side.
        let before = d.data();
        d.add(1.0, 1.0, 1.0);
        let after = d.data();
        assert!(before.test.iter().all(|e| after.test.contains(e)));
        assert!(before.train.iter().all(|e| after.train.contains(e)));
        // Raising the share only moves points from training to test.
        d.set_test_share(0.5);
        let more = d.data();
        assert!(after.test.iter().all(|e| more.test.contains(e)));
        assert!(more.test.len() > after.test.len());
        // Odd shares are kept in range.
        for (asked, kept) in [(-1.0, 0.0), (2.0, MAX_TEST_SHARE), (f64::NAN, 0.5)] {
            d.set_test_share(asked);
            assert_eq!(d.test_share(), kept);
        }
    }

    #[test]
    fn two_points_or_more_always_give_both_sets_a_point() {
        for share in [0.0, 0.9] {
            let mut d = drawn(2);
            d.set_test_share(share);
            let data = d.data();
            assert_eq!((data.train.len(), data.test.len()), (1, 1), "share {share}");
        }
        let one = drawn(1).data();
        assert_eq!(one.train.len() + one.test.len(), 1);
        assert!(Drawing::default().data().train.is_empty());
    }

    #[test]
    fn erasing_adding_and_limits() {
        let mut d = Drawing::default();
        assert!(d.add(0.0, 0.0, 1.0));
        assert!(d.add(0.1, 0.0, 1.0));
        assert!(d.add(3.0, 3.0, -1.0));
        assert_eq!(d.erase_near(0.0, 0.0, 0.5), 2);
        assert_eq!(d.len(), 1);
        assert!(!d.add(f64::NAN, 0.0, 1.0));
        assert!(!d.add(0.0, 0.0, f64::INFINITY));
        assert!(d.add(100.0, -100.0, 1.0));
        assert_eq!(d.points[1].example.x1, EXTENT);
        assert_eq!(d.points[1].example.x2, -EXTENT);
        while d.len() < MAX_POINTS {
            assert!(d.add(0.0, 0.0, 1.0));
        }
        assert!(!d.add(0.0, 0.0, 1.0), "full");
    }

    #[test]
    fn data_becomes_a_drawing_with_its_split_and_goes_through_csv() {
        let data = drawn(50).data();
        let d = Drawing::from_data(&data);
        assert_eq!(d.data(), data, "the split is kept");
        let mut bytes = Vec::new();
        write_data(&d.data(), &mut bytes).unwrap();
        let file = read_data(&bytes[..], "drawn.csv").unwrap();
        assert_eq!(file.data, data);
    }

    #[test]
    fn an_experiment_trains_on_a_drawing_and_refuses_what_does_not_fit() {
        use crate::experiment::{Experiment, ExperimentConfig};
        let mut e = Experiment::new(ExperimentConfig::default()).unwrap();
        e.step(3);
        let d = drawn(40);
        e.use_own_data(d.data(), "your drawing").unwrap();
        assert_eq!(e.data_from_file(), Some("your drawing"));
        assert_eq!(e.data(), &d.data());
        assert_eq!(e.epoch(), 3, "the weights and the epoch stay");
        e.step(20);
        assert!(e.latest().test_loss.is_finite());
        let before = e.data().clone();
        // A label of a third class in a two-class problem, and an empty test set: refused, and
        // the data stays.
        let mut bad = Drawing::default();
        bad.add(0.0, 0.0, 2.0);
        bad.add(1.0, 1.0, 1.0);
        assert!(e.use_own_data(bad.data(), "bad").is_err());
        let no_test = Data {
            train: before.train.clone(),
            test: Vec::new(),
        };
        let message = e.use_own_data(no_test, "no test").unwrap_err().to_string();
        assert!(message.contains("test point"), "{message}");
        let nan = Data {
            train: vec![Example::new(f64::NAN, 0.0, 1.0)],
            test: before.test.clone(),
        };
        assert!(e.use_own_data(nan, "nan").is_err());
        assert_eq!(e.data(), &before);
        e.use_generated_data();
        assert_eq!(e.data_from_file(), None);
        assert_ne!(e.data(), &before);
    }
}
