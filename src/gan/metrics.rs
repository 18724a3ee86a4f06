//! How far the fake points are from the real ones: KL and JS divergence between their
//! histograms on a 30 x 30 grid over the unit square, with GAN Lab's smoothing (1e-4 added to
//! every density) and base-2 logarithms.
//!
//! Two corrections to GAN Lab's evaluator: every real point counts (its code puts only 154 of the
//! 450 on the grid, an `Array.splice` given an end index where it takes a count), and points
//! outside the square are counted in a bin of their own instead of landing in a neighbouring row
//! or vanishing. With 450 real and 150 fake points the measure is noisy even between two samples
//! of the same distribution: [`noise_floor`] says how noisy, and the precise variant uses 4,500
//! real against 3,000 fake points.

use super::GRID;

/// Smoothing added to every density, as in GAN Lab.
pub const EPSILON: f64 = 1e-4;

/// The share of `points` (x, y pairs) in each cell of the grid, row 0 at the bottom (y = 0), and
/// in the last bin the share outside the square.
pub fn densities(points: &[f64]) -> Vec<f64> {
    let mut cells = vec![0.0; GRID * GRID + 1];
    let n = points.len() / 2;
    if n == 0 {
        return cells;
    }
    let weight = 1.0 / n as f64;
    for p in points.chunks_exact(2) {
        cells[cell_of(p[0], p[1])] += weight;
    }
    cells
}

/// The grid cell of a point, or the outside bin.
pub fn cell_of(x: f64, y: f64) -> usize {
    let inside = |v: f64| (0.0..1.0).contains(&v);
    if inside(x) && inside(y) {
        let column = ((x * GRID as f64) as usize).min(GRID - 1);
        let row = ((y * GRID as f64) as usize).min(GRID - 1);
        row * GRID + column
    } else {
        GRID * GRID
    }
}

/// KL(real || fake), in bits.
pub fn kl(real: &[f64], fake: &[f64]) -> f64 {
    real.iter()
        .zip(fake)
        .map(|(p, q)| (p + EPSILON) * crate::math::log2((p + EPSILON) / (q + EPSILON)))
        .sum()
}

/// Jensen-Shannon divergence between the two histograms, in bits (0 to about 1).
pub fn js(real: &[f64], fake: &[f64]) -> f64 {
    let mut left = 0.0;
    let mut right = 0.0;
    for (p, q) in real.iter().zip(fake) {
        let m = 0.5 * (p + q);
        left += (p + EPSILON) * crate::math::log2((p + EPSILON) / (m + EPSILON));
        right += (q + EPSILON) * crate::math::log2((q + EPSILON) / (m + EPSILON));
    }
    0.5 * (left + right)
}

/// The discriminator that would be best against these two histograms: in each cell,
/// p_real / (p_real + p_fake); `None` where neither has any point.
pub fn optimal_discriminator(real: &[f64], fake: &[f64]) -> Vec<Option<f64>> {
    real.iter()
        .zip(fake)
        .take(GRID * GRID)
        .map(|(p, q)| (p + q > 0.0).then(|| p / (p + q)))
        .collect()
}

/// JS between two independent samples of the real distribution of the given sizes, averaged
/// over `repeats` draws: the value the measure gives to a perfect generator.
pub fn noise_floor<R: rand::Rng + ?Sized>(
    distribution: super::Distribution,
    drawing: &[[f64; 2]],
    real_count: usize,
    fake_count: usize,
    repeats: usize,
    rng: &mut R,
) -> f64 {
    let mut total = 0.0;
    for _ in 0..repeats.max(1) {
        let a = super::sampling::real_points(distribution, drawing, real_count, rng);
        let b = super::sampling::real_points(distribution, drawing, fake_count, rng);
        total += js(&densities(&a), &densities(&b));
    }
    total / repeats.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_histograms_have_no_divergence_and_disjoint_ones_about_one_bit() {
        let a = [0.1, 0.1, 0.2, 0.2];
        let d = densities(&a);
        assert!(js(&d, &d).abs() < 1e-12 && kl(&d, &d).abs() < 1e-12);
        let b = [0.9, 0.9, 0.8, 0.8];
        let far = js(&d, &densities(&b));
        assert!((far - 1.0).abs() < 0.01, "{far}");
        assert!(kl(&d, &densities(&b)) > 5.0);
    }

    #[test]
    fn points_outside_the_square_have_their_own_bin() {
        let d = densities(&[-0.1, 0.5, 0.5, 1.2, 0.5, 0.5, 0.999, 0.0]);
        assert_eq!(d[GRID * GRID], 0.5);
        assert_eq!(d[15 * GRID + 15], 0.25);
        assert_eq!(d[GRID - 1], 0.25);
        assert!((d.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn the_optimal_discriminator_is_the_real_share() {
        let real = densities(&[0.1, 0.1, 0.1, 0.1, 0.9, 0.9]);
        let fake = densities(&[0.1, 0.1, 0.5, 0.5]);
        let best = optimal_discriminator(&real, &fake);
        let cell = |x, y| cell_of(x, y);
        let p = 2.0 / 3.0;
        assert!((best[cell(0.1, 0.1)].unwrap() - p / (p + 0.5)).abs() < 1e-12);
        assert_eq!(best[cell(0.9, 0.9)], Some(1.0));
        assert_eq!(best[cell(0.5, 0.5)], Some(0.0));
        assert_eq!(best[cell(0.3, 0.7)], None);
    }
}
