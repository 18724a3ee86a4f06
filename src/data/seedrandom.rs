//! The random numbers of a TensorFlow Playground page, bit for bit.
//!
//! The Playground seeds `Math.random` with David Bau's `seedrandom` package: an ARC4 (RC4-drop[256])
//! stream keyed by the seed string of the link, from which each double takes 6 bytes and then as
//! many more as it needs for 52 significant bits. Its doubles carry more bits than a `u64`-based
//! generator's `[0, 1)` numbers (a value below 1/16 has bits below 2^-53), so this is not a
//! `rand::Rng`: generators and weight initialisers draw through [`Uniform01`] instead.

use rand::{Rng, RngExt};

/// A source of uniform numbers in `[0, 1)`: what the Playground's generators and initialisers
/// draw, whichever generator makes them.
pub trait Uniform01 {
    fn next_f64(&mut self) -> f64;
}

impl<R: Rng + ?Sized> Uniform01 for R {
    #[inline]
    fn next_f64(&mut self) -> f64 {
        self.random::<f64>()
    }
}

const WIDTH: usize = 256;
const MASK: usize = WIDTH - 1;
/// 2^48: six bytes.
const START_DENOMINATOR: f64 = 281_474_976_710_656.0;
/// 2^52.
const SIGNIFICANCE: f64 = 4_503_599_627_370_496.0;
/// 2^53.
const OVERFLOW: f64 = 9_007_199_254_740_992.0;

/// `Math.seedrandom(seed)` followed by `Math.random()` calls, for a string seed.
#[derive(Clone)]
pub struct SeedRandom {
    s: [u8; WIDTH],
    i: usize,
    j: usize,
}

impl std::fmt::Debug for SeedRandom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SeedRandom {{ i: {}, j: {} }}", self.i, self.j)
    }
}

impl SeedRandom {
    /// The generator `seedrandom(seed)` returns for a string seed.
    pub fn new(seed: &str) -> Self {
        let key = mix_key(seed);
        let mut s = [0u8; WIDTH];
        for (i, v) in s.iter_mut().enumerate() {
            *v = i as u8;
        }
        // The empty key is treated as [0].
        let key = if key.is_empty() { vec![0] } else { key };
        let mut j = 0usize;
        for i in 0..WIDTH {
            let t = s[i];
            j = MASK & (j + key[i % key.len()] as usize + t as usize);
            s[i] = s[j];
            s[j] = t;
        }
        let mut rng = Self { s, i: 0, j: 0 };
        // RC4-drop[256]: the first 256 outputs are discarded.
        for _ in 0..WIDTH {
            rng.byte();
        }
        rng
    }

    fn byte(&mut self) -> u8 {
        self.i = MASK & (self.i + 1);
        let t = self.s[self.i];
        self.j = MASK & (self.j + t as usize);
        self.s[self.i] = self.s[self.j];
        self.s[self.j] = t;
        self.s[MASK & (self.s[self.i] as usize + t as usize)]
    }

    /// `arc4.g(count)`: the next `count` bytes as one big-endian number (exact below 2^53).
    fn bytes(&mut self, count: usize) -> f64 {
        let mut r = 0.0;
        for _ in 0..count {
            r = r * WIDTH as f64 + f64::from(self.byte());
        }
        r
    }

    /// The next `Math.random()`.
    pub fn next_double(&mut self) -> f64 {
        let mut n = self.bytes(6);
        let mut d = START_DENOMINATOR;
        let mut x: u32 = 0;
        while n < SIGNIFICANCE {
            n = (n + f64::from(x)) * WIDTH as f64;
            d *= WIDTH as f64;
            x = self.bytes(1) as u32;
        }
        while n >= OVERFLOW {
            n /= 2.0;
            d /= 2.0;
            x >>= 1;
        }
        (n + f64::from(x)) / d
    }
}

impl Uniform01 for SeedRandom {
    #[inline]
    fn next_f64(&mut self) -> f64 {
        self.next_double()
    }
}

/// `mixkey(seed, [])`: the key bytes of a seed string. JavaScript strings are UTF-16, and the key
/// takes each code unit's low byte, mixed with what is already at that position (`smear`) once
/// the seed is longer than 256 units.
fn mix_key(seed: &str) -> Vec<u8> {
    let mut key: Vec<Option<i32>> = vec![None; WIDTH];
    let mut smear: i32 = 0;
    let mut len = 0;
    for (j, unit) in seed.encode_utf16().enumerate() {
        let at = MASK & j;
        // `key[at] * 19` is NaN while the slot is empty, and `smear ^= NaN` leaves smear as it is.
        if let Some(k) = key[at] {
            smear ^= k.wrapping_mul(19);
        }
        key[at] = Some(MASK as i32 & smear.wrapping_add(i32::from(unit)));
        len = len.max(at + 1);
    }
    key[..len].iter().map(|k| k.unwrap_or(0) as u8).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values printed by `seedrandom@2.4.3` under Node.js (`seedrandom(seed)()` three times).
    #[test]
    fn matches_the_seedrandom_package() {
        let cases: [(&str, [f64; 3]); 3] = [
            (
                "hello.",
                [0.9282578795792454, 0.3752569768646784, 0.7316977468919549],
            ),
            (
                "0.80412",
                [0.5159247073924373, 0.5190155484815149, 0.3493737285344511],
            ),
            (
                "",
                [0.23144008215179881, 0.27404636548159655, 0.7901279251811976],
            ),
        ];
        for (seed, expected) in cases {
            let mut rng = SeedRandom::new(seed);
            for e in expected {
                assert_eq!(rng.next_double().to_bits(), e.to_bits(), "seed {seed:?}");
            }
        }
        // Longer than 256 characters: the key wraps and smears.
        let mut long = SeedRandom::new(&"x".repeat(300));
        assert_eq!(long.next_double(), 0.952495823023581);
    }

    #[test]
    fn doubles_stay_in_the_unit_interval() {
        let mut rng = SeedRandom::new("0.5");
        for _ in 0..100_000 {
            let v = rng.next_double();
            assert!((0.0..1.0).contains(&v), "{v}");
        }
    }
}
