//! Rate limits: writes per student key, joins per class, new classes per server. Counted in this
//! process's memory (several `serve` processes each count their own), and keyed by key or class,
//! never by address: a school's students all come from its router's one address.

use std::num::NonZeroU32;
use std::sync::Arc;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// How many requests may come at once, and how many a second after that.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Allowance {
    pub burst: u32,
    pub per_second: u32,
}

impl Allowance {
    fn quota(self) -> Quota {
        let one = NonZeroU32::MIN;
        Quota::per_second(NonZeroU32::new(self.per_second).unwrap_or(one))
            .allow_burst(NonZeroU32::new(self.burst).unwrap_or(one))
    }
}

/// The limits of one server process.
#[derive(Clone)]
pub struct RateLimits {
    writes: Arc<DefaultKeyedRateLimiter<String>>,
    joins: Arc<DefaultKeyedRateLimiter<String>>,
    classes: Arc<DefaultKeyedRateLimiter<()>>,
}

impl RateLimits {
    pub fn new(writes: Allowance, joins: Allowance, classes: Allowance) -> Self {
        RateLimits {
            writes: Arc::new(RateLimiter::keyed(writes.quota())),
            joins: Arc::new(RateLimiter::keyed(joins.quota())),
            classes: Arc::new(RateLimiter::keyed(classes.quota())),
        }
    }

    /// Whether a student (by the hash of their key) may write now.
    pub fn may_write(&self, student: &str) -> bool {
        self.writes.check_key(&student.to_string()).is_ok()
    }

    pub fn may_join(&self, class_code: &str) -> bool {
        self.joins.check_key(&class_code.to_string()).is_ok()
    }

    pub fn may_create_class(&self) -> bool {
        self.classes.check_key(&()).is_ok()
    }

    /// Forgets keys whose allowance is whole again, so that the tables do not grow for ever.
    pub fn forget_idle(&self) {
        self.writes.retain_recent();
        self.joins.retain_recent();
        self.writes.shrink_to_fit();
        self.joins.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_and_the_next_request_waits() {
        let limits = RateLimits::new(
            Allowance {
                burst: 20,
                per_second: 1,
            },
            Allowance {
                burst: 3,
                per_second: 1,
            },
            Allowance {
                burst: 1,
                per_second: 1,
            },
        );
        assert!((0..20).all(|_| limits.may_write("a")));
        assert!(!limits.may_write("a"));
        assert!(limits.may_write("b"), "each key counts its own");
        assert!((0..3).all(|_| limits.may_join("ACDEFGHJ")));
        assert!(!limits.may_join("ACDEFGHJ"));
        assert!(limits.may_create_class() && !limits.may_create_class());
        limits.forget_idle();
    }
}
