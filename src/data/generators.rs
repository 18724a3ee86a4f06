//! The Playground's six dataset generators, draw for draw.
//!
//! Every generator consumes uniform numbers in the same order as the Playground's `dataset.ts`
//! (`U(a, b) = r * (b - a) + a`, normals by the polar method), so with the same stream of
//! uniforms it produces the same points.

use super::seedrandom::Uniform01;
use serde::{Deserialize, Serialize};

use crate::named_enum;

named_enum! {
    /// Which dataset to generate.
    pub enum DatasetKind: "dataset" {
        Circle => "circle",
        Xor => "xor",
        Gauss => "gauss",
        Spiral => "spiral",
        RegPlane => "reg-plane",
        RegGauss => "reg-gauss",
        /// 2 to 6 round clusters, one per class.
        Blobs => "blobs",
        /// A spiral with one arm per class (2 to 6).
        SpiralArms => "spiral-arms",
        /// A disc cut into 2 to 6 slices, one per class.
        Pie => "pie",
    }
}

/// The most classes a multi-class dataset has (and the class palette can tell apart).
pub const MAX_CLASSES: usize = 6;

named_enum! {
    /// Classification (labels +1 / -1) or regression (real labels).
    pub enum Problem: "problem type" {
        Classification => "classification",
        Regression => "regression",
    }
}

impl DatasetKind {
    /// The problem type this generator produces labels for.
    pub fn problem(self) -> Problem {
        match self {
            DatasetKind::RegPlane | DatasetKind::RegGauss => Problem::Regression,
            _ => Problem::Classification,
        }
    }

    /// The datasets of one problem type, in the Playground's thumbnail order.
    pub fn for_problem(problem: Problem) -> Vec<DatasetKind> {
        DatasetKind::ALL
            .iter()
            .copied()
            .filter(|d| d.problem() == problem)
            .collect()
    }

    /// Whether TensorFlow Playground has this dataset (the others are ours).
    pub fn is_playground(self) -> bool {
        !self.is_multi_class()
    }

    /// Whether the dataset can have more than two classes.
    pub fn is_multi_class(self) -> bool {
        matches!(
            self,
            DatasetKind::Blobs | DatasetKind::SpiralArms | DatasetKind::Pie
        )
    }

    /// How many points the Playground generates for this dataset (two classes).
    pub fn sample_count(self) -> usize {
        self.sample_count_for(2)
    }

    /// How many points are generated for `classes` classes: the Playground's 500 (1200 for
    /// regression), and 100 per class when there are six.
    pub fn sample_count_for(self, classes: usize) -> usize {
        match self.problem() {
            Problem::Regression => 1200,
            Problem::Classification => (100 * classes).max(500),
        }
    }

    /// A short human title.
    pub fn title(self) -> &'static str {
        match self {
            DatasetKind::Circle => "Circle",
            DatasetKind::Xor => "Exclusive or",
            DatasetKind::Gauss => "Gaussian",
            DatasetKind::Spiral => "Spiral",
            DatasetKind::RegPlane => "Plane",
            DatasetKind::RegGauss => "Multi gaussian",
            DatasetKind::Blobs => "Blobs",
            DatasetKind::SpiralArms => "Spiral arms",
            DatasetKind::Pie => "Pie slices",
        }
    }
}

/// The label of class `class` of `classes`: -1 / +1 with two classes (the Playground's), the
/// class number 0..k-1 with more.
pub fn class_label(class: usize, classes: usize) -> f64 {
    if classes <= 2 {
        if class == 0 { -1.0 } else { 1.0 }
    } else {
        class as f64
    }
}

/// The class number of a label (the inverse of [`class_label`]).
pub fn label_class(label: f64, classes: usize) -> usize {
    if classes <= 2 {
        usize::from(label > 0.0)
    } else {
        crate::nn::functions::class_index(label, classes)
    }
}

/// One labelled point of the plane.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Example {
    pub x1: f64,
    pub x2: f64,
    pub label: f64,
}

impl Example {
    pub fn new(x1: f64, x2: f64, label: f64) -> Self {
        Self { x1, x2, label }
    }
}

/// `U(a, b)` exactly as the Playground computes it.
#[inline]
fn uniform<R: Uniform01 + ?Sized>(rng: &mut R, a: f64, b: f64) -> f64 {
    rng.next_f64() * (b - a) + a
}

/// A normal sample by the polar method, as in the Playground (`variance` is a variance).
fn normal<R: Uniform01 + ?Sized>(rng: &mut R, mean: f64, variance: f64) -> f64 {
    let (mut v1, mut s);
    loop {
        v1 = 2.0 * rng.next_f64() - 1.0;
        let v2 = 2.0 * rng.next_f64() - 1.0;
        s = v1 * v1 + v2 * v2;
        // The Playground only rejects s > 1; s == 0 would give NaN, so it is rejected too.
        if s <= 1.0 && s > 0.0 {
            break;
        }
    }
    let result = (-2.0 * crate::math::ln(s) / s).sqrt() * v1;
    mean + variance.sqrt() * result
}

fn distance(x: f64, y: f64) -> f64 {
    (x * x + y * y).sqrt()
}

/// Generates `count` points of `kind` with `noise` in 0..=0.5 (the slider value / 100), two
/// classes.
pub fn generate<R: Uniform01 + ?Sized>(
    kind: DatasetKind,
    count: usize,
    noise: f64,
    rng: &mut R,
) -> Vec<Example> {
    generate_classes(kind, count, noise, 2, rng)
}

/// Generates `count` points of `kind` with `classes` classes (used by the multi-class sets; the
/// Playground's own always have two).
pub fn generate_classes<R: Uniform01 + ?Sized>(
    kind: DatasetKind,
    count: usize,
    noise: f64,
    classes: usize,
    rng: &mut R,
) -> Vec<Example> {
    let classes = classes.clamp(2, MAX_CLASSES);
    match kind {
        DatasetKind::Blobs => blobs(count, noise, classes, rng),
        DatasetKind::SpiralArms => spiral_arms(count, noise, classes, rng),
        DatasetKind::Pie => pie(count, noise, classes, rng),
        DatasetKind::Circle => circle(count, noise, rng),
        DatasetKind::Xor => xor(count, noise, rng),
        DatasetKind::Gauss => two_gaussians(count, noise, rng),
        DatasetKind::Spiral => spiral(count, noise, rng),
        DatasetKind::RegPlane => regression_plane(count, noise, rng),
        DatasetKind::RegGauss => regression_gaussians(count, noise, rng),
    }
}

fn circle<R: Uniform01 + ?Sized>(count: usize, noise: f64, rng: &mut R) -> Vec<Example> {
    let radius = 5.0;
    let mut points = Vec::with_capacity(count);
    let label_of = |x: f64, y: f64| {
        if distance(x, y) < radius * 0.5 {
            1.0
        } else {
            -1.0
        }
    };
    // Half inside (r in [0, 2.5]), half in the ring r in [3.5, 5]. Noise flips labels only.
    for (r_min, r_max) in [(0.0, radius * 0.5), (radius * 0.7, radius)] {
        for _ in 0..count / 2 {
            let r = uniform(rng, r_min, r_max);
            let angle = uniform(rng, 0.0, 2.0 * std::f64::consts::PI);
            let x = r * crate::math::sin(angle);
            let y = r * crate::math::cos(angle);
            let noise_x = uniform(rng, -radius, radius) * noise;
            let noise_y = uniform(rng, -radius, radius) * noise;
            points.push(Example::new(x, y, label_of(x + noise_x, y + noise_y)));
        }
    }
    points
}

fn xor<R: Uniform01 + ?Sized>(count: usize, noise: f64, rng: &mut R) -> Vec<Example> {
    let padding = 0.3;
    (0..count)
        .map(|_| {
            let mut x = uniform(rng, -5.0, 5.0);
            x += if x > 0.0 { padding } else { -padding };
            let mut y = uniform(rng, -5.0, 5.0);
            y += if y > 0.0 { padding } else { -padding };
            let noise_x = uniform(rng, -5.0, 5.0) * noise;
            let noise_y = uniform(rng, -5.0, 5.0) * noise;
            let label = if (x + noise_x) * (y + noise_y) >= 0.0 {
                1.0
            } else {
                -1.0
            };
            Example::new(x, y, label)
        })
        .collect()
}

fn two_gaussians<R: Uniform01 + ?Sized>(count: usize, noise: f64, rng: &mut R) -> Vec<Example> {
    // d3.scale.linear().domain([0, .5]).range([0.5, 4])
    let variance = 0.5 + (4.0 - 0.5) * (noise / 0.5);
    let mut points = Vec::with_capacity(count);
    for (cx, cy, label) in [(2.0, 2.0, 1.0), (-2.0, -2.0, -1.0)] {
        for _ in 0..count / 2 {
            let x = normal(rng, cx, variance);
            let y = normal(rng, cy, variance);
            points.push(Example::new(x, y, label));
        }
    }
    points
}

fn spiral<R: Uniform01 + ?Sized>(count: usize, noise: f64, rng: &mut R) -> Vec<Example> {
    let n = count / 2;
    let nf = n as f64;
    let mut points = Vec::with_capacity(count);
    for (delta_t, label) in [(0.0, 1.0), (std::f64::consts::PI, -1.0)] {
        for i in 0..n {
            let i = i as f64;
            let r = i / nf * 5.0;
            let t = 1.75 * i / nf * 2.0 * std::f64::consts::PI + delta_t;
            let x = r * crate::math::sin(t) + uniform(rng, -1.0, 1.0) * noise;
            let y = r * crate::math::cos(t) + uniform(rng, -1.0, 1.0) * noise;
            points.push(Example::new(x, y, label));
        }
    }
    points
}

fn regression_plane<R: Uniform01 + ?Sized>(count: usize, noise: f64, rng: &mut R) -> Vec<Example> {
    let radius = 6.0;
    (0..count)
        .map(|_| {
            let x = uniform(rng, -radius, radius);
            let y = uniform(rng, -radius, radius);
            let noise_x = uniform(rng, -radius, radius) * noise;
            let noise_y = uniform(rng, -radius, radius) * noise;
            // d3.scale.linear().domain([-10, 10]).range([-1, 1]), not clamped.
            let label = (x + noise_x + (y + noise_y)) / 10.0;
            Example::new(x, y, label)
        })
        .collect()
}

/// Points per class: `count` shared out, the first classes taking the remainder.
fn per_class(count: usize, classes: usize, class: usize) -> usize {
    count / classes + usize::from(class < count % classes)
}

/// Round clusters on a ring of radius 3.5, one per class; noise widens them (variance 0.3 at
/// noise 0 to 2.3 at the most).
fn blobs<R: Uniform01 + ?Sized>(
    count: usize,
    noise: f64,
    classes: usize,
    rng: &mut R,
) -> Vec<Example> {
    let variance = 0.3 + 2.0 * (noise / 0.5);
    let mut points = Vec::with_capacity(count);
    for class in 0..classes {
        let angle = std::f64::consts::FRAC_PI_4
            + 2.0 * std::f64::consts::PI * class as f64 / classes as f64;
        let (cx, cy) = (3.5 * crate::math::cos(angle), 3.5 * crate::math::sin(angle));
        for _ in 0..per_class(count, classes, class) {
            let x = normal(rng, cx, variance);
            let y = normal(rng, cy, variance);
            points.push(Example::new(x, y, class_label(class, classes)));
        }
    }
    points
}

/// The Playground's spiral with one arm per class, each turned by a k-th of a circle. Two arms
/// make 1.75 turns, as the Playground's; more arms make fewer turns so that they stay apart.
fn spiral_arms<R: Uniform01 + ?Sized>(
    count: usize,
    noise: f64,
    classes: usize,
    rng: &mut R,
) -> Vec<Example> {
    let turns = (3.5 / classes as f64).clamp(0.75, 1.75);
    let mut points = Vec::with_capacity(count);
    for class in 0..classes {
        let n = per_class(count, classes, class);
        let nf = n as f64;
        let delta_t = 2.0 * std::f64::consts::PI * class as f64 / classes as f64;
        for i in 0..n {
            let i = i as f64;
            let r = i / nf * 5.0;
            let t = turns * i / nf * 2.0 * std::f64::consts::PI + delta_t;
            let x = r * crate::math::sin(t) + uniform(rng, -1.0, 1.0) * noise;
            let y = r * crate::math::cos(t) + uniform(rng, -1.0, 1.0) * noise;
            points.push(Example::new(x, y, class_label(class, classes)));
        }
    }
    points
}

/// Points spread evenly over a disc of radius 5, labelled by which of k equal slices they fall
/// in. Noise flips labels near the cuts, as the circle's does: the point is nudged by up to
/// 5 * noise before its slice is read.
fn pie<R: Uniform01 + ?Sized>(
    count: usize,
    noise: f64,
    classes: usize,
    rng: &mut R,
) -> Vec<Example> {
    let slice = 2.0 * std::f64::consts::PI / classes as f64;
    (0..count)
        .map(|_| {
            let r = 5.0 * rng.next_f64().sqrt();
            let angle = uniform(rng, 0.0, 2.0 * std::f64::consts::PI);
            let (x, y) = (r * crate::math::cos(angle), r * crate::math::sin(angle));
            let noise_x = uniform(rng, -5.0, 5.0) * noise;
            let noise_y = uniform(rng, -5.0, 5.0) * noise;
            let seen =
                crate::math::atan2(y + noise_y, x + noise_x).rem_euclid(2.0 * std::f64::consts::PI);
            let class = ((seen / slice) as usize).min(classes - 1);
            Example::new(x, y, class_label(class, classes))
        })
        .collect()
}

/// The six bumps of `reg-gauss`: centre and sign.
pub const REGRESSION_BUMPS: [(f64, f64, f64); 6] = [
    (-4.0, 2.5, 1.0),
    (0.0, 2.5, -1.0),
    (4.0, 2.5, 1.0),
    (-4.0, -2.5, -1.0),
    (0.0, -2.5, 1.0),
    (4.0, -2.5, -1.0),
];

fn regression_gaussians<R: Uniform01 + ?Sized>(
    count: usize,
    noise: f64,
    rng: &mut R,
) -> Vec<Example> {
    let radius = 6.0;
    let label_of = |x: f64, y: f64| {
        let mut label: f64 = 0.0;
        for (cx, cy, sign) in REGRESSION_BUMPS {
            // d3.scale.linear().domain([0, 2]).range([1, 0]).clamp(true)
            let d = distance(x - cx, y - cy);
            let candidate = sign * (1.0 - d / 2.0).clamp(0.0, 1.0);
            if candidate.abs() > label.abs() {
                label = candidate;
            }
        }
        label
    };
    (0..count)
        .map(|_| {
            let x = uniform(rng, -radius, radius);
            let y = uniform(rng, -radius, radius);
            let noise_x = uniform(rng, -radius, radius) * noise;
            let noise_y = uniform(rng, -radius, radius) * noise;
            Example::new(x, y, label_of(x + noise_x, y + noise_y))
        })
        .collect()
}

/// Fisher-Yates exactly as the Playground's `shuffle`.
pub fn shuffle<T, R: Uniform01 + ?Sized>(items: &mut [T], rng: &mut R) {
    let mut counter = items.len();
    while counter > 0 {
        let index = (rng.next_f64() * counter as f64).floor() as usize;
        counter -= 1;
        items.swap(counter, index.min(counter));
    }
}
