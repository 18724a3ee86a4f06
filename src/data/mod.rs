//! Datasets: the Playground's generators, input features, the train/test split and CSV files.

pub mod csv_file;
pub mod drawing;
pub mod features;
pub mod generators;
pub mod seedrandom;

pub use features::Feature;
pub use generators::{DatasetKind, Example, MAX_CLASSES, Problem, class_label, label_class};
pub use seedrandom::{SeedRandom, Uniform01};

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// The random generator of the whole core: small, fast, and the same stream on every platform.
pub type CoreRng = Xoshiro256PlusPlus;

/// A seeded generator for one purpose. Data and weights use different streams of the same seed,
/// so that "regenerate" can change the data without touching the weights and the other way round.
pub fn seeded_rng(seed: u64, stream: u64) -> CoreRng {
    // SplitMix-style mixing so that nearby seeds and streams give unrelated generators.
    let mut z = seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    CoreRng::seed_from_u64(z ^ (z >> 31))
}

/// Stream numbers for [`seeded_rng`].
pub mod streams {
    pub const DATA: u64 = 1;
    pub const WEIGHTS: u64 = 2;
    pub const RESHUFFLE: u64 = 3;
    pub const DROPOUT: u64 = 4;
    pub const EDITS: u64 = 5;
    pub const CNN_WEIGHTS: u64 = 6;
    pub const CNN_IMAGES: u64 = 7;
    pub const CNN_SHUFFLE: u64 = 8;
}

/// The training and test sets, in their fixed order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Data {
    pub train: Vec<Example>,
    pub test: Vec<Example>,
}

impl Data {
    /// Generates a dataset the Playground's way: generate, shuffle once, split at
    /// `floor(N * ratio / 100)`. `noise_percent` is the slider value 0..=50.
    pub fn generate(kind: DatasetKind, noise_percent: u32, train_percent: u32, seed: u64) -> Self {
        Self::generate_with_classes(kind, noise_percent, train_percent, seed, 2)
    }

    /// [`Self::generate`] with `classes` classes (the multi-class datasets; 2 for the others).
    pub fn generate_with_classes(
        kind: DatasetKind,
        noise_percent: u32,
        train_percent: u32,
        seed: u64,
        classes: usize,
    ) -> Self {
        let mut rng = seeded_rng(seed, streams::DATA);
        let mut points = generators::generate_classes(
            kind,
            kind.sample_count_for(classes),
            f64::from(noise_percent) / 100.0,
            classes,
            &mut rng,
        );
        generators::shuffle(&mut points, &mut rng);
        Self::split(points, train_percent)
    }

    /// The data a TensorFlow Playground page makes for a link with this seed string (two
    /// classes), and the page's random stream after it, from which the page then draws the
    /// initial weights.
    pub fn generate_playground(
        kind: DatasetKind,
        noise_percent: u32,
        train_percent: u32,
        seed: &str,
    ) -> (Self, SeedRandom) {
        let mut rng = SeedRandom::new(seed);
        let mut points = generators::generate(
            kind,
            kind.sample_count(),
            f64::from(noise_percent) / 100.0,
            &mut rng,
        );
        generators::shuffle(&mut points, &mut rng);
        (Self::split(points, train_percent), rng)
    }

    /// Splits shuffled points: the first `floor(N * ratio / 100)` train, the rest test.
    pub fn split(mut points: Vec<Example>, train_percent: u32) -> Self {
        let split = points.len() * train_percent as usize / 100;
        let test = points.split_off(split.min(points.len()));
        Self {
            train: points,
            test,
        }
    }

    pub fn len(&self) -> usize {
        self.train.len() + self.test.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests;
