//! The Playground's six dataset generators, draw for draw.
//!
//! Every generator consumes uniform numbers in the same order as the Playground's `dataset.ts`
//! (`U(a, b) = r * (b - a) + a`, normals by the polar method), so with the same stream of
//! uniforms it produces the same points.

use rand::{Rng, RngExt};
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
    }
}

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

    /// How many points the Playground generates for this dataset.
    pub fn sample_count(self) -> usize {
        match self.problem() {
            Problem::Classification => 500,
            Problem::Regression => 1200,
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
        }
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
fn uniform<R: Rng + ?Sized>(rng: &mut R, a: f64, b: f64) -> f64 {
    rng.random::<f64>() * (b - a) + a
}

/// A normal sample by the polar method, as in the Playground (`variance` is a variance).
fn normal<R: Rng + ?Sized>(rng: &mut R, mean: f64, variance: f64) -> f64 {
    let (mut v1, mut s);
    loop {
        v1 = 2.0 * rng.random::<f64>() - 1.0;
        let v2 = 2.0 * rng.random::<f64>() - 1.0;
        s = v1 * v1 + v2 * v2;
        // The Playground only rejects s > 1; s == 0 would give NaN, so it is rejected too.
        if s <= 1.0 && s > 0.0 {
            break;
        }
    }
    let result = (-2.0 * s.ln() / s).sqrt() * v1;
    mean + variance.sqrt() * result
}

fn distance(x: f64, y: f64) -> f64 {
    (x * x + y * y).sqrt()
}

/// Generates `count` points of `kind` with `noise` in 0..=0.5 (the slider value / 100).
pub fn generate<R: Rng + ?Sized>(
    kind: DatasetKind,
    count: usize,
    noise: f64,
    rng: &mut R,
) -> Vec<Example> {
    match kind {
        DatasetKind::Circle => circle(count, noise, rng),
        DatasetKind::Xor => xor(count, noise, rng),
        DatasetKind::Gauss => two_gaussians(count, noise, rng),
        DatasetKind::Spiral => spiral(count, noise, rng),
        DatasetKind::RegPlane => regression_plane(count, noise, rng),
        DatasetKind::RegGauss => regression_gaussians(count, noise, rng),
    }
}

fn circle<R: Rng + ?Sized>(count: usize, noise: f64, rng: &mut R) -> Vec<Example> {
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
            let x = r * angle.sin();
            let y = r * angle.cos();
            let noise_x = uniform(rng, -radius, radius) * noise;
            let noise_y = uniform(rng, -radius, radius) * noise;
            points.push(Example::new(x, y, label_of(x + noise_x, y + noise_y)));
        }
    }
    points
}

fn xor<R: Rng + ?Sized>(count: usize, noise: f64, rng: &mut R) -> Vec<Example> {
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

fn two_gaussians<R: Rng + ?Sized>(count: usize, noise: f64, rng: &mut R) -> Vec<Example> {
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

fn spiral<R: Rng + ?Sized>(count: usize, noise: f64, rng: &mut R) -> Vec<Example> {
    let n = count / 2;
    let nf = n as f64;
    let mut points = Vec::with_capacity(count);
    for (delta_t, label) in [(0.0, 1.0), (std::f64::consts::PI, -1.0)] {
        for i in 0..n {
            let i = i as f64;
            let r = i / nf * 5.0;
            let t = 1.75 * i / nf * 2.0 * std::f64::consts::PI + delta_t;
            let x = r * t.sin() + uniform(rng, -1.0, 1.0) * noise;
            let y = r * t.cos() + uniform(rng, -1.0, 1.0) * noise;
            points.push(Example::new(x, y, label));
        }
    }
    points
}

fn regression_plane<R: Rng + ?Sized>(count: usize, noise: f64, rng: &mut R) -> Vec<Example> {
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

/// The six bumps of `reg-gauss`: centre and sign.
pub const REGRESSION_BUMPS: [(f64, f64, f64); 6] = [
    (-4.0, 2.5, 1.0),
    (0.0, 2.5, -1.0),
    (4.0, 2.5, 1.0),
    (-4.0, -2.5, -1.0),
    (0.0, -2.5, 1.0),
    (4.0, -2.5, -1.0),
];

fn regression_gaussians<R: Rng + ?Sized>(count: usize, noise: f64, rng: &mut R) -> Vec<Example> {
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
pub fn shuffle<T, R: Rng + ?Sized>(items: &mut [T], rng: &mut R) {
    let mut counter = items.len();
    while counter > 0 {
        let index = (rng.random::<f64>() * counter as f64).floor() as usize;
        counter -= 1;
        items.swap(counter, index.min(counter));
    }
}
