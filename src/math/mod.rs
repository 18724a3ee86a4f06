//! Transcendental functions for everything the core computes: the same code on every platform.
//!
//! `f64::sin` and friends call the platform's C library natively (glibc here) and a Rust port of
//! musl's in the browser; the two disagree in the last bit for some arguments, which is enough to
//! make a run in the browser drift from the same run natively. Everything that shapes data,
//! weights or losses goes through these instead, so that the browser and the native build agree
//! bit for bit. (`sqrt` is exactly rounded everywhere; `tanh` is our own, in `nn::functions`.)
//!
//! `sin` and `cos` are correctly rounded (see [`correctly_rounded`]) rather than musl's, because
//! the TensorFlow Playground's spiral and circle are made of sines and cosines, and a link to the
//! Playground should give its very points: Chrome's `Math.sin` (V8's, since 2023 from glibc)
//! returned glibc's result for every one of 20,500 angles tried, glibc's is the correctly rounded
//! one for 99.86 % of arguments (one unit in the last place off for the rest), while musl's differs
//! from it for about 3 % (Firefox and Node.js 20, on fdlibm, differ from both).

pub mod correctly_rounded;

#[inline]
pub fn sin(x: f64) -> f64 {
    correctly_rounded::sin(x)
}

#[inline]
pub fn cos(x: f64) -> f64 {
    correctly_rounded::cos(x)
}

#[inline]
pub fn exp(x: f64) -> f64 {
    libm::exp(x)
}

/// Natural logarithm.
#[inline]
pub fn ln(x: f64) -> f64 {
    libm::log(x)
}

/// ln(1 + x), exact for small x.
#[inline]
pub fn ln_1p(x: f64) -> f64 {
    libm::log1p(x)
}

#[inline]
pub fn log2(x: f64) -> f64 {
    libm::log2(x)
}

#[inline]
pub fn atan2(y: f64, x: f64) -> f64 {
    libm::atan2(y, x)
}

/// `base` to an integer power.
#[inline]
pub fn powi(base: f64, n: i32) -> f64 {
    libm::pow(base, f64::from(n))
}

#[cfg(test)]
mod tests {
    #[test]
    fn agrees_with_the_platform_to_an_ulp_or_two() {
        let ulps = |a: f64, b: f64| (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs();
        for k in 0..10_000 {
            let x = -20.0 + k as f64 * 0.004_123;
            assert!(ulps(super::sin(x), x.sin()) <= 1, "sin {x}");
            assert!(ulps(super::cos(x), x.cos()) <= 1, "cos {x}");
            assert!(ulps(super::exp(x), x.exp()) <= 1, "exp {x}");
            let y = x.abs() + 1e-3;
            assert!(ulps(super::ln(y), y.ln()) <= 1, "ln {y}");
            assert!(ulps(super::log2(y), y.log2()) <= 1, "log2 {y}");
            assert!(ulps(super::ln_1p(y), y.ln_1p()) <= 1, "ln_1p {y}");
            assert!(ulps(super::atan2(x, y), x.atan2(y)) <= 1, "atan2 {x}");
        }
        assert!((super::powi(0.9, 3) - 0.729).abs() < 1e-15);
        assert!(super::exp(f64::NAN).is_nan() && super::ln(-1.0).is_nan());
    }
}
