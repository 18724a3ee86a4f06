use super::*;
use crate::data::{DatasetKind, Feature};
use crate::nn::{Activation, Loss, OptimizerKind, Regularization};

fn config(dataset: DatasetKind) -> ExperimentConfig {
    ExperimentConfig {
        dataset,
        ..ExperimentConfig::default()
    }
}

#[test]
fn same_seed_gives_the_same_run_bit_for_bit() {
    let c = ExperimentConfig {
        dataset: DatasetKind::Spiral,
        noise: 20,
        features: Feature::ALL.to_vec(),
        hidden_layers: vec![6, 4],
        reshuffle_each_epoch: true,
        dropout: 0.1,
        optimizer: OptimizerKind::Adam,
        learning_rate: 0.01,
        ..ExperimentConfig::default()
    };
    let mut a = Experiment::new(c.clone()).unwrap();
    let mut b = Experiment::new(c.clone()).unwrap();
    a.step(40);
    b.step(40);
    assert_eq!(a.network(), b.network());
    let bits = |e: &Experiment| -> Vec<(u64, u64)> {
        e.history()
            .iter()
            .map(|s| (s.train_loss.to_bits(), s.test_loss.to_bits()))
            .collect()
    };
    assert_eq!(bits(&a), bits(&b));
    let mut other = Experiment::new(ExperimentConfig { seed: 2, ..c }).unwrap();
    other.step(40);
    assert_ne!(a.network(), other.network());
}

#[test]
fn history_starts_at_epoch_zero_and_grows_by_one_per_epoch() {
    let mut e = Experiment::new(config(DatasetKind::Circle)).unwrap();
    assert_eq!(e.history().len(), 1);
    assert_eq!(e.history()[0].epoch, 0);
    assert_eq!(e.step(5), 5);
    assert_eq!(e.epoch(), 5);
    assert_eq!(e.history().len(), 6);
    assert_eq!(e.latest().epoch, 5);
    assert!(e.latest().test_accuracy.is_some());
}

#[test]
fn circle_with_hidden_4_2_reaches_test_loss_below_002_within_300_epochs() {
    let mut e = Experiment::new(config(DatasetKind::Circle)).unwrap();
    let mut best = f64::INFINITY;
    for _ in 0..300 {
        e.step(1);
        best = best.min(e.latest().test_loss);
        if best < 0.02 {
            break;
        }
    }
    assert!(
        best < 0.02,
        "circle: best test loss {best} after {} epochs",
        e.epoch()
    );
}

#[test]
fn xor_is_solved_with_a_hidden_layer_or_with_the_product_feature() {
    // The course's experiment: x1_x2 alone, sigmoid, learning rate 0.03, no hidden layer.
    let product = ExperimentConfig {
        dataset: DatasetKind::Xor,
        features: vec![Feature::X1TimesX2],
        hidden_layers: vec![],
        activation: Activation::Sigmoid,
        ..ExperimentConfig::default()
    };
    let mut e = Experiment::new(product).unwrap();
    e.step(300);
    assert!(e.latest().test_accuracy.unwrap() > 0.95, "{:?}", e.latest());
    // x1 and x2 with a hidden layer.
    let hidden = ExperimentConfig {
        dataset: DatasetKind::Xor,
        hidden_layers: vec![4],
        learning_rate: 0.1,
        ..ExperimentConfig::default()
    };
    let mut e = Experiment::new(hidden).unwrap();
    e.step(400);
    assert!(e.latest().test_accuracy.unwrap() > 0.9, "{:?}", e.latest());
    // x1 and x2 with no hidden layer cannot do it.
    let linear = ExperimentConfig {
        dataset: DatasetKind::Xor,
        hidden_layers: vec![],
        ..ExperimentConfig::default()
    };
    let mut e = Experiment::new(linear).unwrap();
    e.step(300);
    assert!(e.latest().test_accuracy.unwrap() < 0.75, "{:?}", e.latest());
}

#[test]
fn spiral_with_all_features_is_learned() {
    let c = ExperimentConfig {
        dataset: DatasetKind::Spiral,
        features: Feature::ALL.to_vec(),
        hidden_layers: vec![8, 8, 8],
        ..ExperimentConfig::default()
    };
    let mut e = Experiment::new(c).unwrap();
    e.step(600);
    let s = e.latest();
    assert!(s.train_accuracy.unwrap() > 0.95, "{s:?}");
    assert!(s.test_accuracy.unwrap() > 0.9, "{s:?}");
}

#[test]
fn divergence_is_reported_and_training_stops_until_reset() {
    // Regression has a linear output: a learning rate of 10 overflows within a few epochs.
    let c = ExperimentConfig {
        dataset: DatasetKind::RegPlane,
        learning_rate: 10.0,
        activation: Activation::Relu,
        ..ExperimentConfig::default()
    };
    let mut e = Experiment::new(c).unwrap();
    let ran = e.step(1000);
    let d = e.divergence().cloned().expect("learning rate 10 diverges");
    assert_eq!(ran, d.epoch);
    assert!(d.epoch < 1000);
    assert!(
        d.message()
            .contains(&format!("Training diverged at epoch {}", d.epoch))
    );
    assert!(
        d.message()
            .contains("Lower the learning rate and press Reset")
    );
    // Stepping again does nothing.
    assert_eq!(e.step(10), 0);
    assert_eq!(e.epoch(), d.epoch);
    // Reset recovers; a sane learning rate trains normally.
    let mut sane = e.config().clone();
    sane.learning_rate = 0.01;
    e.apply_config(sane).unwrap();
    e.reset();
    assert!(e.divergence().is_none());
    assert_eq!(e.step(20), 20);
    assert!(e.latest().train_loss.is_finite());
}

#[test]
fn every_learning_rate_and_activation_never_panics() {
    for lr in config::LEARNING_RATES {
        for activation in Activation::ALL {
            for dataset in [DatasetKind::Spiral, DatasetKind::RegGauss] {
                let c = ExperimentConfig {
                    dataset,
                    learning_rate: lr,
                    activation: *activation,
                    features: Feature::ALL.to_vec(),
                    hidden_layers: vec![8, 8],
                    ..ExperimentConfig::default()
                };
                let mut e = Experiment::new(c).unwrap();
                let ran = e.step(30);
                if e.divergence().is_none() {
                    assert_eq!(ran, 30);
                    assert!(e.latest().train_loss.is_finite());
                }
            }
        }
    }
}

#[test]
fn reset_draws_new_weights_or_replays_them() {
    let mut e = Experiment::new(config(DatasetKind::Circle)).unwrap();
    let first = e.network().clone();
    e.step(10);
    e.reset();
    assert_ne!(e.network(), &first);
    assert_eq!(e.epoch(), 0);
    assert_eq!(e.history().len(), 1);

    let mut replay = config(DatasetKind::Circle);
    replay.replay_initial_weights = true;
    let mut e = Experiment::new(replay).unwrap();
    let first = e.network().clone();
    e.step(10);
    let trained_once = e.network().clone();
    e.reset();
    assert_eq!(e.network(), &first);
    e.step(10);
    assert_eq!(
        e.network(),
        &trained_once,
        "replay gives the same run again"
    );
}

#[test]
fn regenerate_changes_data_keeps_weights_and_epoch() {
    let mut e = Experiment::new(config(DatasetKind::Gauss)).unwrap();
    e.step(3);
    let weights = e.network().clone();
    let data = e.data().clone();
    e.regenerate_data(999);
    assert_ne!(e.data(), &data);
    assert_eq!(e.network(), &weights);
    assert_eq!(e.epoch(), 3);
    assert_eq!(e.config().seed, 999);
}

#[test]
fn live_changes_keep_weights_and_shape_changes_rebuild() {
    let mut e = Experiment::new(config(DatasetKind::Circle)).unwrap();
    e.step(5);
    let weights_before = e.network().layers[0].weights.clone();
    let mut c = e.config().clone();
    c.learning_rate = 0.1;
    c.activation = Activation::Relu;
    c.regularization = Regularization::L2;
    c.regularization_rate = 0.01;
    c.batch_size = 5;
    let change = e.apply_config(c.clone()).unwrap();
    assert_eq!(change, ConfigChange::default());
    assert_eq!(e.network().layers[0].weights, weights_before);
    assert_eq!(e.network().layers[0].activation, Activation::Relu);
    assert_eq!(e.epoch(), 5);

    c.hidden_layers = vec![3];
    let change = e.apply_config(c.clone()).unwrap();
    assert!(change.network_rebuilt && !change.data_regenerated);
    assert_eq!(e.network().hidden_sizes(), vec![3]);
    assert_eq!(e.epoch(), 0);

    c.noise = 25;
    let change = e.apply_config(c.clone()).unwrap();
    assert!(change.data_regenerated && !change.network_rebuilt);

    c.dataset = DatasetKind::Xor;
    let change = e.apply_config(c.clone()).unwrap();
    assert!(change.data_regenerated && change.network_rebuilt);

    // An invalid change is refused and loses nothing.
    let before = e.config().clone();
    c.batch_size = 0;
    assert!(e.apply_config(c).unwrap_err().mentions("batch_size"));
    assert_eq!(e.config(), &before);
}

#[test]
fn cross_entropy_and_adam_train_a_classifier() {
    let c = ExperimentConfig {
        dataset: DatasetKind::Circle,
        loss: Loss::CrossEntropy,
        optimizer: OptimizerKind::Adam,
        learning_rate: 0.01,
        hidden_layers: vec![6],
        ..ExperimentConfig::default()
    };
    let mut e = Experiment::new(c).unwrap();
    assert_eq!(e.network().output_layer().activation, Activation::Sigmoid);
    e.step(150);
    assert!(e.latest().test_accuracy.unwrap() > 0.95, "{:?}", e.latest());
}

#[test]
fn per_layer_activations_apply() {
    let c = ExperimentConfig {
        hidden_layers: vec![4, 2],
        layer_activations: Some(vec![Activation::Relu, Activation::Sigmoid]),
        ..ExperimentConfig::default()
    };
    let e = Experiment::new(c).unwrap();
    let acts: Vec<_> = e.network().layers.iter().map(|l| l.activation).collect();
    assert_eq!(
        acts,
        vec![Activation::Relu, Activation::Sigmoid, Activation::Tanh]
    );
}

/// Every field out of its bounds, one at a time: the error names the field and the value.
#[test]
fn validation_names_every_bad_field() {
    type Edit = fn(&mut ExperimentConfig);
    let cases: Vec<(&str, Edit)> = vec![
        ("noise", |c| c.noise = 51),
        ("train_ratio", |c| c.train_ratio = 5),
        ("train_ratio", |c| c.train_ratio = 95),
        ("features", |c| c.features.clear()),
        ("features", |c| c.features = vec![Feature::X1, Feature::X1]),
        ("hidden_layers", |c| c.hidden_layers = vec![1; 7]),
        ("hidden_layers[1]", |c| c.hidden_layers = vec![2, 9]),
        ("hidden_layers[0]", |c| c.hidden_layers = vec![0]),
        ("layer_activations", |c| {
            c.layer_activations = Some(vec![Activation::Relu])
        }),
        ("learning_rate", |c| c.learning_rate = 0.0),
        ("learning_rate", |c| c.learning_rate = 11.0),
        ("learning_rate", |c| c.learning_rate = f64::NAN),
        ("regularization_rate", |c| c.regularization_rate = -0.1),
        ("regularization_rate", |c| {
            c.regularization_rate = f64::INFINITY
        }),
        ("batch_size", |c| c.batch_size = 0),
        ("batch_size", |c| c.batch_size = 31),
        ("momentum", |c| c.momentum = 1.0),
        ("dropout", |c| c.dropout = 0.95),
        ("loss", |c| {
            c.dataset = DatasetKind::RegPlane;
            c.loss = Loss::CrossEntropy
        }),
        ("dataset", |c| {
            c.problem = Some(crate::data::Problem::Regression);
            c.dataset = DatasetKind::Spiral
        }),
        ("limits.max_hidden_layers", |c| {
            c.limits.max_hidden_layers = 17
        }),
        ("limits.max_neurons_per_layer", |c| {
            c.limits.max_neurons_per_layer = 0
        }),
    ];
    for (field, edit) in cases {
        let mut c = ExperimentConfig::default();
        edit(&mut c);
        let errors = c.validate(true).unwrap_err();
        assert!(errors.mentions(field), "{field}: {errors}");
        let text = errors.to_string();
        assert!(
            text.contains(field) && text.contains("is not allowed"),
            "{text}"
        );
        assert!(Experiment::new(c).is_err());
    }
    assert!(ExperimentConfig::default().validate(true).is_ok());
    // Limits are configuration: a teacher may allow 12 neurons.
    let mut wide = ExperimentConfig::default();
    wide.limits.max_neurons_per_layer = 12;
    wide.hidden_layers = vec![12];
    assert!(wide.validate(true).is_ok());
}

#[test]
fn config_ron_round_trip_and_errors_with_lines() {
    let c = ExperimentConfig {
        dataset: DatasetKind::RegGauss,
        layer_activations: Some(vec![Activation::Relu, Activation::Linear]),
        ..ExperimentConfig::default()
    };
    let text = c.to_ron();
    assert!(text.contains("\"reg-gauss\""));
    assert_eq!(ExperimentConfig::from_ron(&text, "c.ron").unwrap(), c);
    // Only what differs from the defaults needs writing.
    let short = ExperimentConfig::from_ron("(dataset: \"spiral\", hidden_layers: [8, 8])", "s.ron")
        .unwrap();
    assert_eq!(short.dataset, DatasetKind::Spiral);
    assert_eq!(short.learning_rate, 0.03);
    let e = ExperimentConfig::from_ron("(\n  dataset: \"spirals\",\n)", "bad.ron").unwrap_err();
    assert!(
        e.starts_with("bad.ron:") && e.contains("2:") && e.contains("spiral"),
        "{e}"
    );
    let e = ExperimentConfig::from_ron("(learning_rat: 0.1)", "typo.ron").unwrap_err();
    assert!(e.contains("learning_rat"), "{e}");
}
