//! Sine and cosine rounded correctly (to the nearest double), the same bits on every platform.
//!
//! The argument is reduced by pi/2 carried in four doubles, and the reduced sine or cosine is
//! summed as a Taylor series in double-double arithmetic (about 104 bits), so the one rounding at
//! the end gives the nearest double except in cases closer to a tie than 2^-100 relative, which
//! no test has met. Products are split the Dekker way rather than with fused multiply-adds, which
//! WebAssembly does not have in hardware. Slower than a libm (a few hundred operations a call),
//! which is fine where it is used: generating points and computing input features once per point.

/// A value `hi + lo` with `|lo| <= ulp(hi) / 2`.
#[derive(Debug, Clone, Copy)]
struct DoubleDouble {
    hi: f64,
    lo: f64,
}

const PIO2: [f64; 4] = [
    std::f64::consts::FRAC_PI_2,
    6.123233995736766e-17,
    -1.4973849048591698e-33,
    5.562271104316826e-50,
];
const TWO_OVER_PI: f64 = std::f64::consts::FRAC_2_PI;
/// Beyond this, reduction by the four-double pi/2 loses too much; musl's algorithm takes over
/// (no part of the game reaches it: data lies within +-6 and angles within a few turns).
const REDUCTION_LIMIT: f64 = 1_048_576.0;

#[inline]
fn two_sum(a: f64, b: f64) -> DoubleDouble {
    let s = a + b;
    let bb = s - a;
    DoubleDouble {
        hi: s,
        lo: (a - (s - bb)) + (b - bb),
    }
}

#[inline]
fn quick_two_sum(a: f64, b: f64) -> DoubleDouble {
    let s = a + b;
    DoubleDouble {
        hi: s,
        lo: b - (s - a),
    }
}

#[inline]
fn split(a: f64) -> (f64, f64) {
    let c = 134_217_729.0 * a;
    let hi = c - (c - a);
    (hi, a - hi)
}

#[inline]
fn two_prod(a: f64, b: f64) -> DoubleDouble {
    let p = a * b;
    let (ah, al) = split(a);
    let (bh, bl) = split(b);
    DoubleDouble {
        hi: p,
        lo: ((ah * bh - p) + ah * bl + al * bh) + al * bl,
    }
}

impl DoubleDouble {
    fn from(hi: f64) -> Self {
        Self { hi, lo: 0.0 }
    }

    fn add(self, b: Self) -> Self {
        let s = two_sum(self.hi, b.hi);
        let t = two_sum(self.lo, b.lo);
        let s = quick_two_sum(s.hi, s.lo + t.hi);
        quick_two_sum(s.hi, s.lo + t.lo)
    }

    fn neg(self) -> Self {
        Self {
            hi: -self.hi,
            lo: -self.lo,
        }
    }

    fn mul(self, b: Self) -> Self {
        let p = two_prod(self.hi, b.hi);
        quick_two_sum(p.hi, p.lo + (self.hi * b.lo + self.lo * b.hi))
    }

    /// Division by a small whole number (exact in a double).
    fn div_small(self, d: f64) -> Self {
        let q1 = self.hi / d;
        let p = two_prod(q1, d);
        let remainder = ((self.hi - p.hi) - p.lo) + self.lo;
        quick_two_sum(q1, remainder / d)
    }
}

/// `x - k pi/2` in double-double, and `k mod 4`.
fn reduce(x: f64) -> (DoubleDouble, u32) {
    let k = (x * TWO_OVER_PI).round();
    let mut r = DoubleDouble::from(x);
    for part in PIO2 {
        r = r.add(two_prod(k, part).neg());
    }
    (r, (k as i64).rem_euclid(4) as u32)
}

/// `1 - r^2/((n-1) n) (1 - r^2/((n-3)(n-2)) (...))`, the Taylor series of `sin(r)/r` (odd `top`)
/// or `cos(r)` (even `top`) in Horner form, from the term of degree `top` down.
fn series(r2: DoubleDouble, top: u32) -> DoubleDouble {
    let mut t = DoubleDouble::from(1.0);
    let mut n = top;
    while n >= 2 {
        let term = r2.mul(t).div_small(f64::from((n - 1) * n));
        t = DoubleDouble::from(1.0).add(term.neg());
        n -= 2;
    }
    t
}

/// For |r| <= pi/4 (a little more after rounding k) the last term is below 2^-107 of the sum.
const SIN_TOP: u32 = 31;
const COS_TOP: u32 = 32;

fn sin_reduced(r: DoubleDouble) -> DoubleDouble {
    r.mul(series(r.mul(r), SIN_TOP))
}

fn cos_reduced(r: DoubleDouble) -> DoubleDouble {
    series(r.mul(r), COS_TOP)
}

/// The sine of `x`, correctly rounded.
pub fn sin(x: f64) -> f64 {
    if !x.is_finite() || x.abs() >= REDUCTION_LIMIT {
        return libm::sin(x);
    }
    // sin x rounds to x itself below 2^-26 (and keeps the sign of zero).
    if x.abs() < 1.4901161193847656e-8 {
        return x;
    }
    let (r, quadrant) = reduce(x);
    let v = match quadrant {
        0 => sin_reduced(r),
        1 => cos_reduced(r),
        2 => sin_reduced(r).neg(),
        _ => cos_reduced(r).neg(),
    };
    v.hi + v.lo
}

/// The cosine of `x`, correctly rounded.
pub fn cos(x: f64) -> f64 {
    if !x.is_finite() || x.abs() >= REDUCTION_LIMIT {
        return libm::cos(x);
    }
    // cos x rounds to 1 below 2^-27.
    if x.abs() < 7.450580596923828e-9 {
        return 1.0;
    }
    let (r, quadrant) = reduce(x);
    let v = match quadrant {
        0 => cos_reduced(r),
        1 => sin_reduced(r).neg(),
        2 => cos_reduced(r).neg(),
        _ => sin_reduced(r),
    };
    v.hi + v.lo
}

#[cfg(test)]
mod tests {
    /// Values where glibc (and so Chrome) is one unit in the last place off: the correctly rounded
    /// results, computed with mpmath at 300 bits.
    const HARD: [(char, f64, f64); 8] = [
        ('s', 3.9907285424019676, -0.7507098259050612),
        ('s', 9.603056672427247, -0.17733583036584769),
        ('c', 6.795341127740752, 0.8716900578481811),
        ('s', -1.2203395890642312, -0.9392160005054307),
        ('c', -10.322143130814968, -0.6236717413789926),
        ('s', -0.4367270080942909, -0.4229759440515301),
        ('c', 0.47953545444665835, 0.8872093445263015),
        ('s', -18.655902, 0.19244579267838177),
    ];

    #[test]
    fn correctly_rounded_where_the_c_library_is_not() {
        for (f, x, expected) in HARD {
            let ours = if f == 's' {
                super::sin(x)
            } else {
                super::cos(x)
            };
            assert_eq!(ours.to_bits(), expected.to_bits(), "{f} {x}");
        }
    }

    /// glibc's sine and cosine (the platform's on Linux, and what Chrome's V8 computes) are within
    /// 0.55 units in the last place: ours never differs by more than one, and rarely at all.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn agrees_with_glibc_but_in_its_rare_misroundings() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(5);
        let mut values: Vec<f64> = (0..300_000)
            .map(|_| rng.random_range(-20.0..20.0))
            .collect();
        values.extend((0..50_000).map(|_| rng.random_range(-1e-3..1e-3)));
        values.extend((0..20_000).map(|_| rng.random_range(-2e4..2e4)));
        for k in 1..200 {
            let m = f64::from(k) * std::f64::consts::FRAC_PI_2;
            values.extend([
                m,
                f64::from_bits(m.to_bits() + 1),
                f64::from_bits(m.to_bits() - 1),
            ]);
        }
        let ulps = |a: f64, b: f64| (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs();
        let mut differ = 0;
        for &x in &values {
            for (ours, theirs) in [(super::sin(x), x.sin()), (super::cos(x), x.cos())] {
                assert!(ulps(ours, theirs) <= 1, "{x}: {ours} against {theirs}");
                differ += usize::from(ours != theirs);
            }
        }
        let share = differ as f64 / (2 * values.len()) as f64;
        assert!(share < 0.005, "{differ} of {} differ", 2 * values.len());
    }

    #[test]
    fn edge_values() {
        assert_eq!(super::sin(0.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(super::sin(-0.0).to_bits(), (-0.0f64).to_bits());
        assert_eq!(super::cos(0.0), 1.0);
        assert!(super::sin(f64::NAN).is_nan() && super::cos(f64::INFINITY).is_nan());
        assert_eq!(super::sin(1e-300), 1e-300);
        // sin(pi) is pi's own rounding error, 1.2246467991473532e-16, to the last bit.
        assert_eq!(super::sin(std::f64::consts::PI), 1.2246467991473532e-16);
        assert_eq!(super::cos(std::f64::consts::PI), -1.0);
        // Beyond the reduction limit musl's algorithm answers.
        assert_eq!(super::sin(1e7), libm::sin(1e7));
    }
}
