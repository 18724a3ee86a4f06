//! The seven input features of the Playground, computed from a point (x1, x2).

use crate::named_enum;

named_enum! {
    /// An input feature. The order of `ALL` is the Playground's order of its input column.
    pub enum Feature: "feature" {
        X1 => "x1",
        X2 => "x2",
        X1Squared => "x1_sq",
        X2Squared => "x2_sq",
        X1TimesX2 => "x1_x2",
        SinX1 => "sin_x1",
        SinX2 => "sin_x2",
    }
}

impl Feature {
    /// The feature's value at the point (x1, x2). Not normalised, as in the Playground.
    #[inline]
    pub fn value(self, x1: f64, x2: f64) -> f64 {
        match self {
            Feature::X1 => x1,
            Feature::X2 => x2,
            Feature::X1Squared => x1 * x1,
            Feature::X2Squared => x2 * x2,
            Feature::X1TimesX2 => x1 * x2,
            Feature::SinX1 => crate::math::sin(x1),
            Feature::SinX2 => crate::math::sin(x2),
        }
    }

    /// How the feature is written on screen.
    pub fn label(self) -> &'static str {
        match self {
            Feature::X1 => "X1",
            Feature::X2 => "X2",
            Feature::X1Squared => "X1²",
            Feature::X2Squared => "X2²",
            Feature::X1TimesX2 => "X1·X2",
            Feature::SinX1 => "sin X1",
            Feature::SinX2 => "sin X2",
        }
    }

    /// One line for a tooltip.
    pub fn description(self) -> &'static str {
        match self {
            Feature::X1 => "The point's horizontal position.",
            Feature::X2 => "The point's vertical position.",
            Feature::X1Squared => "X1 squared: large far left and far right, small in the middle.",
            Feature::X2Squared => "X2 squared: large far up and far down, small in the middle.",
            Feature::X1TimesX2 => {
                "X1 times X2: positive in two opposite quadrants, negative in the others."
            }
            Feature::SinX1 => "sin(X1): stripes that repeat left to right.",
            Feature::SinX2 => "sin(X2): stripes that repeat bottom to top.",
        }
    }

    /// The feature's position in the Playground's input column.
    pub fn index(self) -> usize {
        Feature::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }
}

/// Sorts features into the Playground's column order, dropping duplicates.
pub fn canonical_order(features: &[Feature]) -> Vec<Feature> {
    Feature::ALL
        .iter()
        .copied()
        .filter(|f| features.contains(f))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_values() {
        for f in Feature::ALL {
            assert_eq!(f.name().parse::<Feature>().unwrap(), *f);
        }
        assert_eq!(Feature::X1TimesX2.value(2.0, -3.0), -6.0);
        assert_eq!(Feature::X2Squared.value(2.0, -3.0), 9.0);
        assert_eq!(Feature::SinX1.value(std::f64::consts::FRAC_PI_2, 0.0), 1.0);
        let err = "x3".parse::<Feature>().unwrap_err().to_string();
        assert!(err.contains("x3") && err.contains("sin_x2"), "{err}");
    }

    #[test]
    fn canonical_order_follows_playground_column() {
        let f = canonical_order(&[Feature::SinX2, Feature::X1, Feature::X1]);
        assert_eq!(f, vec![Feature::X1, Feature::SinX2]);
    }
}
