//! Named starting points: the course's experiments and a few showcases.

use crate::data::{DatasetKind, Feature};
use crate::experiment::ExperimentConfig;
use crate::nn::Activation;

/// A named configuration with one line on what it shows.
#[derive(Debug, Clone)]
pub struct Preset {
    pub name: &'static str,
    pub title: &'static str,
    pub lesson: &'static str,
    pub config: ExperimentConfig,
}

/// Every preset, in the order of the course.
pub fn presets() -> Vec<Preset> {
    let base = ExperimentConfig::default();
    vec![
        Preset {
            name: "default",
            title: "Playground default",
            lesson: "The Playground's opening page: circle data, two hidden layers.",
            config: base.clone(),
        },
        Preset {
            name: "perceptron",
            title: "A single perceptron",
            lesson: "Two clusters, one neuron, no hidden layer: a straight line separates them.",
            config: ExperimentConfig {
                dataset: DatasetKind::Gauss,
                hidden_layers: vec![],
                ..base.clone()
            },
        },
        Preset {
            name: "xor",
            title: "XOR with the product feature",
            lesson: "x1 times x2 is positive exactly where the labels are: no hidden layer needed.",
            config: ExperimentConfig {
                dataset: DatasetKind::Xor,
                features: vec![Feature::X1TimesX2],
                hidden_layers: vec![],
                activation: Activation::Sigmoid,
                ..base.clone()
            },
        },
        Preset {
            name: "circle",
            title: "The circle with three neurons",
            lesson: "Three hidden neurons each draw a line; the output combines them into a ring.",
            config: ExperimentConfig {
                dataset: DatasetKind::Circle,
                hidden_layers: vec![3],
                learning_rate: 0.1,
                ..base.clone()
            },
        },
        Preset {
            name: "spiral-max",
            title: "The largest network",
            lesson: "Every feature and six hidden layers of eight: the most the Playground allows.",
            config: ExperimentConfig {
                dataset: DatasetKind::Spiral,
                features: Feature::ALL.to_vec(),
                hidden_layers: vec![8; 6],
                ..base.clone()
            },
        },
        Preset {
            name: "spiral-arms",
            title: "Four spiral arms",
            lesson: "Four classes: one output per class, softmax turns them into probabilities.",
            config: ExperimentConfig {
                dataset: DatasetKind::SpiralArms,
                classes: 4,
                features: Feature::ALL.to_vec(),
                hidden_layers: vec![8, 8],
                optimizer: crate::nn::OptimizerKind::Adam,
                learning_rate: 0.01,
                ..base.clone()
            },
        },
        Preset {
            name: "spiral-deep",
            title: "The spiral, deep",
            lesson: "All features and three layers: a hierarchy of ever more complex shapes.",
            config: ExperimentConfig {
                dataset: DatasetKind::Spiral,
                features: Feature::ALL.to_vec(),
                hidden_layers: vec![8, 8, 6],
                ..base
            },
        },
    ]
}

/// The preset with this name.
pub fn preset(name: &str) -> Option<Preset> {
    presets()
        .into_iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_valid() {
        for p in presets() {
            p.config
                .validate(true)
                .unwrap_or_else(|e| panic!("{}: {e}", p.name));
        }
        assert!(preset("SPIRAL-deep").is_some());
        assert!(preset("nope").is_none());
    }
}
