//! What is going wrong, in words, with the evidence: the three classic failures of a GAN that a
//! student can see in GAN Lab without a name for them.

use super::{Gan, metrics};

/// A named problem and the numbers behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnosis {
    pub kind: Trouble,
    /// One sentence a student can read.
    pub message: String,
    /// The numbers that show it.
    pub evidence: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trouble {
    /// The generator puts its points in a few places only.
    ModeCollapse,
    /// The discriminator is always right: the generator's gradient fades.
    DiscriminatorWins,
    /// The two keep undoing each other: the divergence goes up and down.
    Oscillation,
    /// The weights are no longer numbers.
    Diverged,
    /// Nothing wrong: the fakes are as close as the measure can tell.
    Converged,
}

/// Before this epoch a squeezed generator is a young one, not a collapsed one.
pub const SETTLING_EPOCHS: u64 = 200;

/// Epochs of history the oscillation check looks at.
pub const WINDOW: u64 = 600;

/// Everything that looks wrong now (or that all is well).
pub fn diagnose(gan: &Gan) -> Vec<Diagnosis> {
    let mut found = Vec::new();
    if !gan.is_finite() {
        found.push(Diagnosis {
            kind: Trouble::Diverged,
            message: "Training blew up: the weights are no longer numbers. Lower a learning rate and reset.".into(),
            evidence: "some weights are NaN or infinite".into(),
        });
        return found;
    }
    let fake = gan.fake_points();
    let real = &gan.shown_real()[..fake.len().min(gan.shown_real().len())];
    let cells = |points: &[f64]| {
        let mut seen = std::collections::HashSet::new();
        for p in points.chunks_exact(2) {
            seen.insert(metrics::cell_of(p[0], p[1]));
        }
        seen.len()
    };
    let (fake_cells, real_cells) = (cells(&fake), cells(real));
    // A generator starts squeezed into a small patch (its first layers are near zero): that is
    // where it comes from, not a collapse, so the first epochs are left alone.
    if fake_cells * 4 < real_cells && gan.epoch() >= SETTLING_EPOCHS {
        found.push(Diagnosis {
            kind: Trouble::ModeCollapse,
            message: "Mode collapse: the generator has found a few spots the discriminator accepts and puts all its points there, instead of spreading over the data.".into(),
            evidence: format!(
                "its {} points cover {fake_cells} cells of the 30 x 30 grid; as many real points cover {real_cells}",
                fake.len() / 2
            ),
        });
    }
    let on_fake = gan.discriminate(&fake);
    let on_real = gan.discriminate(real);
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let (d_fake, d_real) = (mean(&on_fake), mean(&on_real));
    if d_fake < 0.05 && d_real > 0.9 {
        found.push(Diagnosis {
            kind: Trouble::DiscriminatorWins,
            message: "The discriminator wins outright: it tells every fake from every real point, so the generator gets almost no signal about where to go.".into(),
            evidence: format!(
                "D says real points are {:.0} % real and fake points {:.1} % real",
                d_real * 100.0,
                d_fake * 100.0
            ),
        });
    }
    // Oscillation: the precise divergence swings up and down over the last epochs.
    let history = gan.history();
    let epoch = gan.epoch();
    let recent: Vec<f64> = history
        .iter()
        .filter(|r| r.epoch + WINDOW >= epoch)
        .map(|r| r.js_precise)
        .filter(|v| v.is_finite())
        .collect();
    if epoch >= WINDOW && recent.len() >= 20 {
        let (swings, low, high) = swings(&recent, 0.12);
        if swings >= 3 {
            found.push(Diagnosis {
                kind: Trouble::Oscillation,
                message: "Oscillation: each network keeps undoing the other's progress, so the fakes circle around the data instead of settling on it. Smaller learning rates, or k_D and k_G in better balance, calm it.".into(),
                evidence: format!(
                    "the precise JS divergence rose and fell {swings} times by more than 0.12 in the last {WINDOW} epochs (between {low:.2} and {high:.2})"
                ),
            });
        }
    }
    if found.is_empty() {
        let (_, floor) = gan.noise_floor();
        let js = gan.latest().js_precise;
        if js <= floor * 2.0 + 0.02 {
            found.push(Diagnosis {
                kind: Trouble::Converged,
                message: "The fakes are as close to the data as this measure can tell.".into(),
                evidence: format!(
                    "precise JS {js:.3}, against {floor:.3} for two samples of the real data itself"
                ),
            });
        }
    }
    found
}

/// How many times a series turns around by more than `threshold` (hysteresis: small wiggles do
/// not count), and its range.
pub fn swings(series: &[f64], threshold: f64) -> (usize, f64, f64) {
    let (mut low, mut high) = (f64::INFINITY, f64::NEG_INFINITY);
    for &v in series {
        low = low.min(v);
        high = high.max(v);
    }
    let mut turns = 0;
    let mut extreme = series[0];
    let mut rising: Option<bool> = None;
    for &v in &series[1..] {
        match rising {
            None => {
                if (v - extreme).abs() > threshold {
                    rising = Some(v > extreme);
                    extreme = v;
                }
            }
            Some(up) => {
                if (up && v > extreme) || (!up && v < extreme) {
                    extreme = v;
                } else if (v - extreme).abs() > threshold {
                    turns += 1;
                    rising = Some(!up);
                    extreme = v;
                }
            }
        }
    }
    (turns, low, high)
}
