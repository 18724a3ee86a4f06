//! Variants of one experiment side by side: the same data and everything else equal, one or two
//! settings varied over three values each (up to nine runs), trained together and ranked by
//! test loss. The game's Compare view shows them; `neural-sandbox sweep` is the same idea on
//! the command line, with any setting and several seeds.

use super::{ConfigErrors, Experiment, ExperimentConfig};
use crate::nn::{Activation, Regularization};

/// A setting the Compare view can vary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareSetting {
    LearningRate,
    Activation,
    HiddenLayers,
    BatchSize,
    /// The L2 regularisation rate (none at 0).
    Regularization,
}

impl CompareSetting {
    pub const ALL: [CompareSetting; 5] = [
        CompareSetting::LearningRate,
        CompareSetting::Activation,
        CompareSetting::HiddenLayers,
        CompareSetting::BatchSize,
        CompareSetting::Regularization,
    ];

    pub fn name(self) -> &'static str {
        match self {
            CompareSetting::LearningRate => "learning rate",
            CompareSetting::Activation => "activation",
            CompareSetting::HiddenLayers => "hidden layers",
            CompareSetting::BatchSize => "batch size",
            CompareSetting::Regularization => "L2 regularisation",
        }
    }

    /// The three values tried, as shown.
    pub fn labels(self) -> [&'static str; 3] {
        match self {
            CompareSetting::LearningRate => ["0.003", "0.03", "0.3"],
            CompareSetting::Activation => ["tanh", "relu", "sigmoid"],
            CompareSetting::HiddenLayers => ["2", "4, 2", "8, 8"],
            CompareSetting::BatchSize => ["1", "10", "30"],
            CompareSetting::Regularization => ["0", "0.001", "0.01"],
        }
    }

    /// Sets the `index`th value in `config`.
    fn apply(self, config: &mut ExperimentConfig, index: usize) {
        match self {
            CompareSetting::LearningRate => {
                config.learning_rate = [0.003, 0.03, 0.3][index];
            }
            CompareSetting::Activation => {
                config.activation =
                    [Activation::Tanh, Activation::Relu, Activation::Sigmoid][index];
                config.layer_activations = None;
            }
            CompareSetting::HiddenLayers => {
                config.hidden_layers = [vec![2], vec![4, 2], vec![8, 8]][index].clone();
                config.layer_activations = None;
            }
            CompareSetting::BatchSize => config.batch_size = [1, 10, 30][index],
            CompareSetting::Regularization => {
                let rate = [0.0, 0.001, 0.01][index];
                config.regularization = if rate == 0.0 {
                    Regularization::None
                } else {
                    Regularization::L2
                };
                config.regularization_rate = rate;
            }
        }
    }
}

/// One variant: what it changes, and its configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub label: String,
    pub config: ExperimentConfig,
}

/// Three variants of `base` over `first`, or nine over `first` by `second` (the same setting
/// twice counts once).
pub fn variants(
    base: &ExperimentConfig,
    first: CompareSetting,
    second: Option<CompareSetting>,
) -> Vec<Variant> {
    let second = second.filter(|&s| s != first);
    let mut out = Vec::new();
    for (i, a) in first.labels().iter().enumerate() {
        match second {
            None => {
                let mut config = base.clone();
                first.apply(&mut config, i);
                out.push(Variant {
                    label: format!("{} {a}", first.name()),
                    config,
                });
            }
            Some(second) => {
                for (j, b) in second.labels().iter().enumerate() {
                    let mut config = base.clone();
                    first.apply(&mut config, i);
                    second.apply(&mut config, j);
                    out.push(Variant {
                        label: format!("{} {a}, {} {b}", first.name(), second.name()),
                        config,
                    });
                }
            }
        }
    }
    out
}

/// The runs of the variants, on exactly the data of `base` (its own points too).
pub fn start(base: &Experiment, variants: &[Variant]) -> Result<Vec<Experiment>, ConfigErrors> {
    start_seeds(base, variants, 1)
}

/// `seeds` runs of each variant (variant after variant), the same data and settings, each from
/// its own initial weights (the first as a run made alone, the others redrawn).
pub fn start_seeds(
    base: &Experiment,
    variants: &[Variant],
    seeds: usize,
) -> Result<Vec<Experiment>, ConfigErrors> {
    let mut runs = Vec::with_capacity(variants.len() * seeds);
    for v in variants {
        let mut run = Experiment::new(v.config.clone())?;
        // Data settings are never varied, so generated data is already the same; own points
        // are handed over.
        if let Some(name) = base.data_from_file() {
            run.use_own_data(base.data().clone(), name)?;
        }
        for seed in 0..seeds {
            let mut this = run.clone();
            if seed > 0 {
                this.redraw_weights(seed as u64);
            }
            runs.push(this);
        }
    }
    Ok(runs)
}

/// Mean and sample standard deviation (none for one value).
pub fn mean_sd(values: &[f64]) -> (f64, Option<f64>) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, None);
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, Some(var.sqrt()))
}

/// The variants best first by the mean test loss of their `seeds` runs (`runs` as
/// [`start_seeds`] makes them); a variant with a diverged run ranks last.
pub fn ranking_by_mean(runs: &[Experiment], seeds: usize) -> Vec<usize> {
    let seeds = seeds.max(1);
    let variants = runs.len() / seeds;
    let key = |v: usize| {
        let group = &runs[v * seeds..(v + 1) * seeds];
        let losses: Vec<f64> = group.iter().map(|r| r.latest().test_loss).collect();
        let (mean, _) = mean_sd(&losses);
        if group.iter().any(|r| r.divergence().is_some()) || !mean.is_finite() {
            f64::INFINITY
        } else {
            mean
        }
    };
    let mut order: Vec<usize> = (0..variants).collect();
    order.sort_by(|&a, &b| key(a).total_cmp(&key(b)).then(a.cmp(&b)));
    order
}

/// Trains every run `epochs` epochs (stopping those that diverge): on every core natively,
/// each run on its own (so the results are those of the runs made one by one).
pub fn train_all(runs: &mut [Experiment], epochs: u64) {
    let train = |run: &mut Experiment| {
        if run.divergence().is_none() {
            run.step(epochs);
        }
    };
    #[cfg(not(target_arch = "wasm32"))]
    {
        use rayon::prelude::*;
        runs.par_iter_mut().for_each(train);
    }
    #[cfg(target_arch = "wasm32")]
    runs.iter_mut().for_each(train);
}

/// The runs best first: by test loss, the diverged last; ties keep their order.
pub fn ranking(runs: &[Experiment]) -> Vec<usize> {
    let key = |run: &Experiment| {
        let loss = run.latest().test_loss;
        if run.divergence().is_some() || !loss.is_finite() {
            f64::INFINITY
        } else {
            loss
        }
    };
    let mut order: Vec<usize> = (0..runs.len()).collect();
    order.sort_by(|&a, &b| key(&runs[a]).total_cmp(&key(&runs[b])).then(a.cmp(&b)));
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::DatasetKind;

    fn spiral() -> ExperimentConfig {
        ExperimentConfig {
            dataset: DatasetKind::Spiral,
            hidden_layers: vec![8, 8],
            ..ExperimentConfig::default()
        }
    }

    #[test]
    fn nine_variants_train_on_the_same_data_like_runs_made_alone() {
        let base = Experiment::new(spiral()).unwrap();
        let list = variants(
            base.config(),
            CompareSetting::LearningRate,
            Some(CompareSetting::Activation),
        );
        assert_eq!(list.len(), 9);
        assert_eq!(list[4].label, "learning rate 0.03, activation relu");
        let mut runs = start(&base, &list).unwrap();
        assert!(runs.iter().all(|r| r.data() == base.data()));
        train_all(&mut runs, 20);
        assert!(runs.iter().all(|r| r.epoch() == 20));
        for (run, variant) in runs.iter().zip(&list) {
            let mut alone = Experiment::new(variant.config.clone()).unwrap();
            alone.step(20);
            assert_eq!(run.latest(), alone.latest(), "{}", variant.label);
        }
        let order = ranking(&runs);
        let losses: Vec<f64> = order.iter().map(|&i| runs[i].latest().test_loss).collect();
        assert!(losses.windows(2).all(|w| w[0] <= w[1]), "{losses:?}");
    }

    #[test]
    fn own_points_are_shared_and_the_same_setting_twice_is_three_variants() {
        let mut base = Experiment::new(ExperimentConfig::default()).unwrap();
        let mut drawing = crate::data::drawing::Drawing::default();
        for i in 0..30 {
            let label = if i % 2 == 0 { 1.0 } else { -1.0 };
            drawing.add(label * 2.0, f64::from(i) * 0.1, label);
        }
        base.use_own_data(drawing.data(), "your drawing").unwrap();
        let list = variants(
            base.config(),
            CompareSetting::BatchSize,
            Some(CompareSetting::BatchSize),
        );
        assert_eq!(list.len(), 3);
        let runs = start(&base, &list).unwrap();
        assert!(runs.iter().all(|r| r.data() == base.data()));
        assert!(
            runs.iter()
                .all(|r| r.data_from_file() == Some("your drawing"))
        );
    }

    #[test]
    fn seeds_share_data_and_settings_and_draw_other_weights() {
        let base = Experiment::new(spiral()).unwrap();
        let list = variants(base.config(), CompareSetting::LearningRate, None);
        let mut runs = start_seeds(&base, &list, 3).unwrap();
        assert_eq!(runs.len(), 9);
        for v in 0..3 {
            let group = &runs[v * 3..v * 3 + 3];
            assert!(
                group
                    .iter()
                    .all(|r| r.config() == &list[v].config && r.data() == base.data())
            );
            assert_ne!(group[0].network(), group[1].network());
            assert_ne!(group[1].network(), group[2].network());
        }
        // The first seed is the run made alone.
        let mut alone = Experiment::new(list[2].config.clone()).unwrap();
        train_all(&mut runs, 15);
        alone.step(15);
        assert_eq!(runs[6].latest(), alone.latest());
        let order = ranking_by_mean(&runs, 3);
        let mean = |v: usize| {
            mean_sd(
                &runs[v * 3..v * 3 + 3]
                    .iter()
                    .map(|r| r.latest().test_loss)
                    .collect::<Vec<_>>(),
            )
            .0
        };
        assert_eq!(order.len(), 3);
        assert!(mean(order[0]) <= mean(order[1]) && mean(order[1]) <= mean(order[2]));
        assert_eq!(mean_sd(&[1.0, 3.0]), (2.0, Some(2f64.sqrt())));
        assert_eq!(mean_sd(&[4.0]), (4.0, None));
    }

    #[test]
    fn a_diverging_variant_ranks_last() {
        // Regression has a linear output: a learning rate of 10 overflows within a few epochs.
        let calm = ExperimentConfig {
            dataset: DatasetKind::RegPlane,
            activation: Activation::Relu,
            ..ExperimentConfig::default()
        };
        let base = Experiment::new(calm.clone()).unwrap();
        let wild = ExperimentConfig {
            learning_rate: 10.0,
            ..calm.clone()
        };
        let list = vec![
            Variant {
                label: "wild".into(),
                config: wild,
            },
            Variant {
                label: "calm".into(),
                config: calm,
            },
        ];
        let mut runs = start(&base, &list).unwrap();
        train_all(&mut runs, 200);
        assert!(
            runs[0].divergence().is_some(),
            "a learning rate of 10 blows up"
        );
        assert!(runs[1].divergence().is_none());
        assert_eq!(ranking(&runs), vec![1, 0]);
    }
}
