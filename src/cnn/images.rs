//! The images a CNN learns from: shapes drawn procedurally, the UCI handwritten digits, and the
//! student's own drawings.

use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

use super::Shape;

/// Images of one size with their labels, stored one after the other (height x width x channels).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImageSet {
    pub shape: Shape,
    pub pixels: Vec<f32>,
    pub labels: Vec<usize>,
    pub class_names: Vec<String>,
}

impl ImageSet {
    pub fn empty(shape: Shape, class_names: Vec<String>) -> Self {
        Self {
            shape,
            pixels: Vec::new(),
            labels: Vec::new(),
            class_names,
        }
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn image(&self, index: usize) -> &[f32] {
        &self.pixels[index * self.shape.len()..][..self.shape.len()]
    }

    /// Adds an image; it must have this set's size and a known class.
    pub fn push(&mut self, image: &[f32], label: usize) -> Result<(), String> {
        if image.len() != self.shape.len() {
            return Err(format!(
                "the image has {} values, this set's images {}",
                image.len(),
                self.shape.len()
            ));
        }
        if label >= self.class_names.len() {
            return Err(format!(
                "class {label} does not exist (there are {})",
                self.class_names.len()
            ));
        }
        self.pixels.extend_from_slice(image);
        self.labels.push(label);
        Ok(())
    }

    /// How many images of each class.
    pub fn counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.class_names.len()];
        for &l in &self.labels {
            if l < counts.len() {
                counts[l] += 1;
            }
        }
        counts
    }
}

/// The built-in image datasets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ImageDataset {
    /// Procedurally drawn shapes, 28x28 grayscale.
    #[default]
    Shapes,
    /// The UCI 8x8 handwritten digits (1,797 images, 0 to 9).
    Digits,
}

impl ImageDataset {
    pub const ALL: [ImageDataset; 2] = [Self::Shapes, Self::Digits];

    pub fn name(self) -> &'static str {
        match self {
            Self::Shapes => "shapes",
            Self::Digits => "digits",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Shapes => "Shapes (28x28, drawn from the seed)",
            Self::Digits => "Handwritten digits (UCI, 8x8)",
        }
    }

    pub fn input_shape(self) -> Shape {
        match self {
            Self::Shapes => Shape::new(SHAPE_SIZE, SHAPE_SIZE, 1),
            Self::Digits => Shape::new(8, 8, 1),
        }
    }

    pub fn max_classes(self) -> usize {
        match self {
            Self::Shapes => SHAPE_CLASSES.len(),
            Self::Digits => 10,
        }
    }

    /// The training and test sets: `classes` (2 to the maximum) classes, from `seed`.
    pub fn generate(self, classes: usize, seed: u64) -> Result<(ImageSet, ImageSet), String> {
        let max = self.max_classes();
        if !(2..=max).contains(&classes) {
            return Err(format!("{classes} classes: {} has 2 to {max}", self.name()));
        }
        Ok(match self {
            Self::Shapes => (
                shapes(classes, SHAPES_TRAIN, seed, 0),
                shapes(classes, SHAPES_TEST, seed, 1),
            ),
            Self::Digits => digits(classes, seed),
        })
    }
}

impl std::str::FromStr for ImageDataset {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|d| d.name() == s)
            .ok_or_else(|| format!("unknown image dataset {s:?}: shapes or digits"))
    }
}

pub const SHAPE_SIZE: usize = 28;
pub const SHAPES_TRAIN: usize = 2000;
pub const SHAPES_TEST: usize = 500;

/// The shapes in the order classes are added: the first five by default, up to all ten.
pub const SHAPE_CLASSES: [&str; 10] = [
    "circle", "square", "triangle", "plus", "cross", "ring", "disc", "line", "L", "T",
];

/// `count` shapes of the first `classes` kinds, in turn, from `seed` (`part` keeps the training
/// and test images apart).
pub fn shapes(classes: usize, count: usize, seed: u64, part: u64) -> ImageSet {
    let classes = classes.clamp(1, SHAPE_CLASSES.len());
    let mut rng = crate::data::seeded_rng(
        seed ^ part.wrapping_mul(0xA24B_AED4_963E_E407),
        crate::data::streams::CNN_IMAGES,
    );
    let shape = Shape::new(SHAPE_SIZE, SHAPE_SIZE, 1);
    let mut set = ImageSet::empty(
        shape,
        SHAPE_CLASSES[..classes]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    );
    set.pixels.reserve(count * shape.len());
    for i in 0..count {
        let label = i % classes;
        let image = draw_shape(label, &mut rng);
        set.pixels.extend_from_slice(&image);
        set.labels.push(label);
    }
    set
}

/// One shape, white on black: random centre, size, rotation (within 25 degrees, so that a plus
/// stays a plus and not a cross), stroke and noise.
pub fn draw_shape<R: Rng + ?Sized>(kind: usize, rng: &mut R) -> Vec<f32> {
    let size = SHAPE_SIZE as f32;
    let radius = rng.random_range(6.0..10.5f32);
    let margin = radius + 1.5;
    let cx = rng.random_range(margin..size - margin);
    let cy = rng.random_range(margin..size - margin);
    let angle = rng.random_range(-25.0f32..25.0).to_radians();
    let stroke = rng.random_range(1.4f32..2.8);
    let noise = rng.random_range(0.0f32..0.12);
    let (sin, cos) = (libm::sinf(angle), libm::cosf(angle));
    // A point of the shape's own frame (unit radius, y down) in pixels.
    let at = |x: f32, y: f32| {
        [
            cx + radius * (x * cos - y * sin),
            cy + radius * (x * sin + y * cos),
        ]
    };
    let polygon = |corners: &[[f32; 2]]| -> Vec<[[f32; 2]; 2]> {
        (0..corners.len())
            .map(|i| {
                let a = corners[i];
                let b = corners[(i + 1) % corners.len()];
                [at(a[0], a[1]), at(b[0], b[1])]
            })
            .collect()
    };
    let segment = |a: [f32; 2], b: [f32; 2]| [at(a[0], a[1]), at(b[0], b[1])];
    let s = 0.8f32;
    let segments: Vec<[[f32; 2]; 2]> = match SHAPE_CLASSES[kind.min(9)] {
        "square" => polygon(&[[-s, -s], [s, -s], [s, s], [-s, s]]),
        "triangle" => polygon(&[[0.0, -1.0], [0.87, 0.5], [-0.87, 0.5]]),
        "plus" => vec![
            segment([-1.0, 0.0], [1.0, 0.0]),
            segment([0.0, -1.0], [0.0, 1.0]),
        ],
        "cross" => vec![segment([-s, -s], [s, s]), segment([s, -s], [-s, s])],
        "line" => vec![segment([-1.0, 0.0], [1.0, 0.0])],
        "L" => vec![
            segment([-0.6, -1.0], [-0.6, 0.9]),
            segment([-0.6, 0.9], [0.7, 0.9]),
        ],
        "T" => vec![
            segment([-0.9, -0.8], [0.9, -0.8]),
            segment([0.0, -0.8], [0.0, 1.0]),
        ],
        _ => Vec::new(),
    };
    let mut image = vec![0.0f32; SHAPE_SIZE * SHAPE_SIZE];
    for row in 0..SHAPE_SIZE {
        for col in 0..SHAPE_SIZE {
            let p = [col as f32 + 0.5, row as f32 + 0.5];
            let from_centre = ((p[0] - cx).powi(2) + (p[1] - cy).powi(2)).sqrt();
            // Distance to the drawn stroke (or, for the disc, how far inside it is).
            let ink = match SHAPE_CLASSES[kind.min(9)] {
                "circle" => stroke_ink((from_centre - radius).abs(), stroke),
                "ring" => stroke_ink(
                    (from_centre - radius)
                        .abs()
                        .min((from_centre - 0.5 * radius).abs()),
                    stroke,
                ),
                "disc" => (radius - from_centre + 0.5).clamp(0.0, 1.0),
                _ => stroke_ink(
                    segments
                        .iter()
                        .map(|&[a, b]| distance_to_segment(p, a, b))
                        .fold(f32::INFINITY, f32::min),
                    stroke,
                ),
            };
            let value = ink + noise * gaussian(rng);
            image[row * SHAPE_SIZE + col] = value.clamp(0.0, 1.0);
        }
    }
    image
}

/// Anti-aliased ink of a stroke `width` wide at `distance` from its middle line.
fn stroke_ink(distance: f32, width: f32) -> f32 {
    (width / 2.0 - distance + 0.5).clamp(0.0, 1.0)
}

fn distance_to_segment(p: [f32; 2], a: [f32; 2], b: [f32; 2]) -> f32 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let length2 = dx * dx + dy * dy;
    let t = if length2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (qx, qy) = (a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
    (qx * qx + qy * qy).sqrt()
}

fn gaussian<R: Rng + ?Sized>(rng: &mut R) -> f32 {
    let u = 1.0 - rng.random::<f32>();
    let v = rng.random::<f32>();
    (-2.0 * libm::logf(u)).sqrt() * libm::cosf(2.0 * std::f32::consts::PI * v)
}

/// The UCI "Optical Recognition of Handwritten Digits" set (E. Alpaydin and C. Kaynak, CC BY 4.0):
/// 1,797 digits, each stored as its label and then its 8x8 pixel values 0..16, a byte each. The
/// same numbers as the copy in smartcore (a test checks), a quarter of its size in the download.
const UCI_DIGITS: &[u8] = include_bytes!("../../assets/data/uci-digits.bin");
const DIGIT_RECORD: usize = 1 + 64;

/// The UCI digits as (label, pixel values 0..16), in the set's order.
pub(crate) fn uci_digits() -> impl Iterator<Item = (u8, &'static [u8])> {
    UCI_DIGITS
        .chunks_exact(DIGIT_RECORD)
        .map(|record| (record[0], &record[1..]))
}

/// The UCI digits of the first `classes` kinds (pixel values 0..16 scaled to 0..1), shuffled by
/// `seed` and split 80 % / 20 %.
pub fn digits(classes: usize, seed: u64) -> (ImageSet, ImageSet) {
    use rand::seq::SliceRandom;
    let shape = Shape::new(8, 8, 1);
    let names: Vec<String> = (0..classes).map(|d| d.to_string()).collect();
    let mut chosen: Vec<(u8, &[u8])> = uci_digits()
        .filter(|&(label, _)| usize::from(label) < classes)
        .collect();
    let mut rng = crate::data::seeded_rng(seed, crate::data::streams::CNN_IMAGES);
    chosen.shuffle(&mut rng);
    let train_count = chosen.len() * 4 / 5;
    let mut train = ImageSet::empty(shape, names.clone());
    let mut test = ImageSet::empty(shape, names);
    for (n, &(label, pixels)) in chosen.iter().enumerate() {
        let set = if n < train_count {
            &mut train
        } else {
            &mut test
        };
        set.pixels
            .extend(pixels.iter().map(|&v| f32::from(v) / 16.0));
        set.labels.push(usize::from(label));
    }
    (train, test)
}
