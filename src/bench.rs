//! `neural-sandbox bench`: training throughput and heatmap cost on the Playground's comparison
//! configurations, single-threaded.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::data::{DatasetKind, Feature};
use crate::experiment::{Experiment, ExperimentConfig};
use crate::nn::{GridEvaluator, NeuronGrids};

/// The heatmap sizes of the screen: the large output view and the neuron thumbnails.
pub const HEATMAP_SIZE: usize = 100;
pub const THUMBNAIL_SIZE: usize = 10;

/// One configuration's figures.
#[derive(Debug, Clone, Serialize)]
pub struct BenchResult {
    pub name: String,
    /// Training examples (forward + backward + updates) per second, losses not computed.
    pub train_examples_per_s: f64,
    /// Whole epochs per second: training plus the train and test loss, as the game steps.
    pub epochs_per_s: f64,
    /// Every neuron on the 100 x 100 grid plus the 10 x 10 thumbnails.
    pub heatmap_refresh_ms: f64,
    /// One epoch, the train and test loss, and a heatmap refresh: a frame's work.
    pub frame_compute_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub configs: Vec<BenchResult>,
}

/// The two configurations of the Playground comparison: tanh, learning rate 0.03, batch 10,
/// no regularisation, noise 0, 50 % training data.
pub fn bench_configs() -> Vec<(&'static str, ExperimentConfig)> {
    let base = ExperimentConfig {
        learning_rate: 0.03,
        batch_size: 10,
        noise: 0,
        train_ratio: 50,
        seed: 7,
        ..ExperimentConfig::default()
    };
    vec![
        (
            "spiral-7f-6x8",
            ExperimentConfig {
                dataset: DatasetKind::Spiral,
                features: Feature::ALL.to_vec(),
                hidden_layers: vec![8; 6],
                ..base.clone()
            },
        ),
        (
            "circle-2f-4-2",
            ExperimentConfig {
                dataset: DatasetKind::Circle,
                features: vec![Feature::X1, Feature::X2],
                hidden_layers: vec![4, 2],
                ..base
            },
        ),
    ]
}

/// Runs `work` repeatedly for at least `budget` and returns the mean time of one run.
fn time_per_run(budget: Duration, mut work: impl FnMut()) -> Duration {
    // Warm up caches and branch predictors first.
    for _ in 0..3 {
        work();
    }
    let start = Instant::now();
    let mut runs = 0u32;
    while start.elapsed() < budget || runs < 5 {
        work();
        runs += 1;
    }
    start.elapsed() / runs
}

/// A heatmap refresh as the game does it: every node on the big grid, then every thumbnail.
pub fn refresh_heatmaps(
    experiment: &Experiment,
    evaluator: &mut GridEvaluator,
    thumbnails: &mut Vec<Vec<f32>>,
) {
    let grids = experiment.evaluate_grid(evaluator);
    let count: usize = grids.shape.iter().sum();
    thumbnails.resize_with(count, Vec::new);
    let mut k = 0;
    for (column, &nodes) in grids.shape.iter().enumerate() {
        for node in 0..nodes {
            if let Some(grid) = grids.node(column, node) {
                NeuronGrids::reduce(grid, grids.size, THUMBNAIL_SIZE, &mut thumbnails[k]);
            }
            k += 1;
        }
    }
}

/// Measures one configuration, spending about `budget` on each figure.
pub fn bench_one(name: &str, config: ExperimentConfig, budget: Duration) -> BenchResult {
    let mut experiment = Experiment::new(config).expect("benchmark configurations are valid");
    let train_examples = experiment.data().train.len() as f64;

    let train = time_per_run(budget, || experiment.train_epoch_only());
    let epoch = time_per_run(budget, || {
        experiment.step(1);
    });
    let mut evaluator = GridEvaluator::new(HEATMAP_SIZE);
    let mut thumbnails = Vec::new();
    let heatmap = time_per_run(budget, || {
        refresh_heatmaps(&experiment, &mut evaluator, &mut thumbnails)
    });
    let frame = time_per_run(budget, || {
        experiment.step(1);
        refresh_heatmaps(&experiment, &mut evaluator, &mut thumbnails);
    });
    BenchResult {
        name: name.to_string(),
        train_examples_per_s: train_examples / train.as_secs_f64(),
        epochs_per_s: 1.0 / epoch.as_secs_f64(),
        heatmap_refresh_ms: heatmap.as_secs_f64() * 1e3,
        frame_compute_ms: frame.as_secs_f64() * 1e3,
    }
}

/// Runs every benchmark configuration.
pub fn run(budget: Duration) -> BenchReport {
    BenchReport {
        configs: bench_configs()
            .into_iter()
            .map(|(name, config)| bench_one(name, config, budget))
            .collect(),
    }
}

impl BenchReport {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serialises")
    }

    /// A table for people.
    pub fn to_table(&self) -> String {
        let mut out = format!(
            "{:<16} {:>22} {:>14} {:>20} {:>19}\n",
            "config", "train examples/s", "epochs/s", "heatmap refresh ms", "frame compute ms"
        );
        for r in &self.configs {
            out.push_str(&format!(
                "{:<16} {:>22.0} {:>14.1} {:>20.3} {:>19.3}\n",
                r.name,
                r.train_examples_per_s,
                r.epochs_per_s,
                r.heatmap_refresh_ms,
                r.frame_compute_ms
            ));
        }
        out
    }
}

/// GAN training speed on one preset.
#[derive(Debug, Clone, Serialize)]
pub struct GanBenchResult {
    pub preset: String,
    /// Epochs (k_D discriminator steps and k_G generator steps of 150) per second.
    pub epochs_per_s: f64,
    /// The same with the losses and divergences measured after every epoch (as the CLI does).
    pub measured_epochs_per_s: f64,
}

/// GAN epochs per second on each of GAN Lab's presets, single-threaded.
pub fn gan(budget: Duration) -> Vec<GanBenchResult> {
    use crate::gan::{Distribution, Gan, GanSettings};
    [
        Distribution::Gaussians,
        Distribution::Line,
        Distribution::Ring,
        Distribution::Disjoint,
    ]
    .into_iter()
    .map(|d| {
        let mut gan = Gan::new(GanSettings::preset(d)).expect("presets are valid");
        let epoch = time_per_run(budget, || gan.train_epoch(false));
        let measured = time_per_run(budget, || gan.train_epoch(true));
        GanBenchResult {
            preset: d.name().to_string(),
            epochs_per_s: 1.0 / epoch.as_secs_f64(),
            measured_epochs_per_s: 1.0 / measured.as_secs_f64(),
        }
    })
    .collect()
}
