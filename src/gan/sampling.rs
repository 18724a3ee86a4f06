//! Where the GAN's numbers come from: the real distributions, the noise, and the feeds that
//! hand them out batch after batch.

use rand::{Rng, RngExt};

use super::{Distribution, NoiseKind};

/// A standard normal sample as GAN Lab draws it (Box-Muller, `1 - U` so that the log is finite).
pub fn normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    let u = 1.0 - rng.random::<f64>();
    let v = 1.0 - rng.random::<f64>();
    (-2.0 * crate::math::ln(u)).sqrt() * crate::math::cos(2.0 * std::f64::consts::PI * v)
}

/// One point of the real distribution, GAN Lab's recipe (`sampleFromTrueDistribution`).
pub fn real_point<R: Rng + ?Sized>(
    distribution: Distribution,
    drawing: &[[f64; 2]],
    rng: &mut R,
) -> [f64; 2] {
    let u = rng.random::<f64>();
    match distribution {
        Distribution::Drawing if !drawing.is_empty() => {
            let index = ((drawing.len() as f64 * u) as usize).min(drawing.len() - 1);
            let [x, y] = drawing[index];
            [x + 0.02 * normal(rng), y + 0.02 * normal(rng)]
        }
        Distribution::Line => [
            0.8 - 0.75 * u + 0.01 * normal(rng),
            0.6 + 0.3 * u + 0.01 * normal(rng),
        ],
        // An empty drawing falls back to the default data rather than failing.
        Distribution::Gaussians | Distribution::Drawing => {
            if u < 0.5 {
                [0.3 + 0.1 * normal(rng), 0.7 + 0.1 * normal(rng)]
            } else {
                [0.7 + 0.05 * normal(rng), 0.4 + 0.2 * normal(rng)]
            }
        }
        Distribution::Ring => {
            let a = u * std::f64::consts::PI * 2.0;
            [
                0.5 + 0.3 * crate::math::cos(a) + 0.025 * normal(rng),
                0.45 + 0.25 * crate::math::sin(a) + 0.025 * normal(rng),
            ]
        }
        Distribution::Disjoint => {
            let centre = if u < 0.333 {
                [0.35, 0.75]
            } else if u < 0.666 {
                [0.75, 0.6]
            } else {
                [0.45, 0.35]
            };
            [
                centre[0] + 0.025 * normal(rng),
                centre[1] + 0.025 * normal(rng),
            ]
        }
    }
}

/// `count` real points, one after the other (x, y).
pub fn real_points<R: Rng + ?Sized>(
    distribution: Distribution,
    drawing: &[[f64; 2]],
    count: usize,
    rng: &mut R,
) -> Vec<f64> {
    (0..count)
        .flat_map(|_| real_point(distribution, drawing, rng))
        .collect()
}

/// `count` noise vectors of `dims` coordinates, one after the other: uniform on [0, 1), or
/// normal with mean 0.5 and deviation 0.25 drawn again beyond two deviations (TensorFlow's
/// `truncatedNormal`, as GAN Lab uses it), so always in [0, 1].
pub fn noise<R: Rng + ?Sized>(kind: NoiseKind, dims: usize, count: usize, rng: &mut R) -> Vec<f64> {
    (0..count * dims)
        .map(|_| match kind {
            NoiseKind::Uniform => rng.random::<f64>(),
            NoiseKind::Normal => loop {
                let z = normal(rng);
                if z.abs() <= 2.0 {
                    break 0.5 + 0.25 * z;
                }
            },
        })
        .collect()
}

/// Rows handed out a batch at a time, in order, wrapping at the end: GAN Lab's rotating pools,
/// or the rows of a file for an exact replay.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    values: Vec<f64>,
    width: usize,
    next: usize,
}

impl Feed {
    /// `values` holds rows of `width` values; at least one row.
    pub fn new(values: Vec<f64>, width: usize) -> Self {
        assert!(width > 0 && values.len() >= width && values.len().is_multiple_of(width));
        Self {
            values,
            width,
            next: 0,
        }
    }

    pub fn rows(&self) -> usize {
        self.values.len() / self.width
    }

    pub fn width(&self) -> usize {
        self.width
    }

    /// The first `count` rows (wrapping), without moving on: the fixed batch drawn on screen.
    pub fn first(&self, count: usize) -> Vec<f64> {
        self.take_from(0, count)
    }

    /// The next `count` rows, wrapping at the end.
    pub fn next_batch(&mut self, count: usize) -> Vec<f64> {
        let batch = self.take_from(self.next, count);
        self.next = (self.next + count) % self.rows();
        batch
    }

    fn take_from(&self, start: usize, count: usize) -> Vec<f64> {
        let rows = self.rows();
        let mut out = Vec::with_capacity(count * self.width);
        for k in 0..count {
            let row = (start + k) % rows;
            out.extend_from_slice(&self.values[row * self.width..(row + 1) * self.width]);
        }
        out
    }

    /// Every row.
    pub fn values(&self) -> &[f64] {
        &self.values
    }
}
