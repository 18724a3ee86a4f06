use super::*;
use crate::data::{DatasetKind, Feature};
use crate::nn::{Activation, Loss, Network, NodeKey, OptimizerKind, Regularization};

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
        for activation in &Activation::HIDDEN {
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

#[test]
fn undo_of_an_edit_after_training_restores_the_weights_and_keeps_the_epoch() {
    let mut e = Experiment::new(config(DatasetKind::Circle)).unwrap();
    let mut undo = UndoHistory::default();
    e.step(50);
    let trained = e.network().clone();
    let history_len = e.history().len();
    undo.push(e.snapshot());
    e.apply_edit(&Edit::InsertLayer { at: 1 }, &EditRules::default())
        .unwrap();
    assert_eq!(e.network().hidden_sizes(), vec![4, 2, 2]);
    assert_eq!(e.epoch(), 50, "an edit keeps the epoch");
    assert!(undo.undo(&mut e).unwrap());
    assert_eq!(e.network(), &trained, "the same weights as before the edit");
    assert_eq!(e.config().hidden_layers, vec![4, 2]);
    assert_eq!(e.epoch(), 50, "undo does not give back epochs");
    assert_eq!(e.history().len(), history_len);
    e.check_consistency().unwrap();
    // Redo puts the edited network back, and training goes on from epoch 50.
    assert!(undo.redo(&mut e).unwrap());
    assert_eq!(e.network().hidden_sizes(), vec![4, 2, 2]);
    e.step(5);
    assert_eq!(e.epoch(), 55);
    e.check_consistency().unwrap();
}

#[test]
fn refused_edits_change_nothing_and_say_why() {
    let mut e = Experiment::new(ExperimentConfig {
        hidden_layers: vec![8, 1],
        ..ExperimentConfig::default()
    })
    .unwrap();
    let before = e.network().clone();
    let rules = EditRules::default();
    let cases = [
        (Edit::AddNeuron { layer: 0 }, "already has 8 neurons"),
        (
            Edit::RemoveNeuron { layer: 1, index: 0 },
            "at least one neuron",
        ),
        (Edit::RemoveLayer { layer: 5 }, "no such layer"),
        (Edit::InsertLayer { at: 9 }, "no such place"),
        (Edit::AddFeature(Feature::X1), "already an input"),
        (Edit::RemoveFeature(Feature::SinX1), "not an input"),
        (
            Edit::SetBias {
                node: NodeKey::Input(Feature::X1),
                value: 1.0,
            },
            "Inputs have no bias",
        ),
        (
            Edit::SetWeight {
                source: NodeKey::Input(Feature::X1),
                target: NodeKey::OUTPUT,
                value: 1.0,
            },
            "no such link",
        ),
        (
            Edit::SetBias {
                node: NodeKey::OUTPUT,
                value: f64::NAN,
            },
            "Type a number",
        ),
    ];
    for (edit, expected) in cases {
        let why = e.apply_edit(&edit, &rules).unwrap_err();
        assert!(why.contains(expected), "{edit:?}: {why}");
        assert_eq!(e.network(), &before);
    }
    let locked = EditRules {
        architecture_editable: false,
        ..EditRules::default()
    };
    assert!(
        e.apply_edit(&Edit::InsertLayer { at: 0 }, &locked)
            .unwrap_err()
            .contains("fixed in this level")
    );
    // Typed weights apply through the keys, with no index arithmetic outside the core.
    let typed = Edit::SetWeight {
        source: NodeKey::Hidden { layer: 1, index: 0 },
        target: NodeKey::OUTPUT,
        value: -2.5,
    };
    e.apply_edit(&typed, &rules).unwrap();
    assert_eq!(
        e.network()
            .weight(NodeKey::Hidden { layer: 1, index: 0 }, NodeKey::OUTPUT),
        Some((-2.5, false))
    );
}

#[test]
fn a_four_class_spiral_is_learned_with_softmax() {
    let c = ExperimentConfig {
        dataset: DatasetKind::SpiralArms,
        classes: 4,
        features: Feature::ALL.to_vec(),
        hidden_layers: vec![8, 8],
        optimizer: OptimizerKind::Adam,
        learning_rate: 0.01,
        ..ExperimentConfig::default()
    };
    let mut e = Experiment::new(c).unwrap();
    assert_eq!(e.network().outputs(), 4);
    assert_eq!(e.network().output_layer().activation, Activation::Softmax);
    let start = e.latest().test_accuracy.unwrap();
    e.step(300);
    let end = e.latest();
    assert!(end.train_loss.is_finite());
    let accuracy = end.test_accuracy.unwrap();
    assert!(
        accuracy > 0.9 && accuracy > start + 0.4,
        "4 arms: test accuracy {start} -> {accuracy}"
    );
    // Three blobs are easy even for a network without hidden layers.
    let mut blobs = Experiment::new(ExperimentConfig {
        dataset: DatasetKind::Blobs,
        classes: 3,
        hidden_layers: vec![],
        ..ExperimentConfig::default()
    })
    .unwrap();
    blobs.step(100);
    assert!(blobs.latest().test_accuracy.unwrap() > 0.95);
}

#[test]
fn classes_are_validated_with_reasons() {
    let errors = ExperimentConfig {
        dataset: DatasetKind::Circle,
        classes: 3,
        ..ExperimentConfig::default()
    }
    .validate(true)
    .unwrap_err();
    assert!(
        errors.to_string().contains("2 for the circle dataset"),
        "{errors}"
    );
    let errors = ExperimentConfig {
        dataset: DatasetKind::Blobs,
        classes: 9,
        ..ExperimentConfig::default()
    }
    .validate(true)
    .unwrap_err();
    assert!(errors.mentions("classes"), "{errors}");
    let errors = ExperimentConfig {
        activation: Activation::Softmax,
        ..ExperimentConfig::default()
    }
    .validate(true)
    .unwrap_err();
    assert!(
        errors.to_string().contains("softmax is for the output"),
        "{errors}"
    );
    let errors = ExperimentConfig {
        loss: Loss::SoftmaxCrossEntropy,
        ..ExperimentConfig::default()
    }
    .validate(true)
    .unwrap_err();
    assert!(errors.mentions("loss"), "{errors}");
}

#[test]
fn a_long_run_keeps_a_bounded_history() {
    let mut e = Experiment::new(ExperimentConfig {
        hidden_layers: vec![],
        ..ExperimentConfig::default()
    })
    .unwrap();
    e.step(20_000);
    assert_eq!(e.epoch(), 20_000);
    assert!(e.history().len() <= history::CAPACITY);
    assert_eq!(e.history()[0].epoch, 0);
    assert_eq!(e.latest().epoch, 20_000);
    assert_eq!(e.history_since(19_990).len(), 10);
}

/// Whether two networks are the same to the bit (NaN weights included, which `==` never equals).
fn same_bits(a: &Network, b: &Network) -> bool {
    a.features == b.features
        && a.layers.len() == b.layers.len()
        && a.layers.iter().zip(&b.layers).all(|(x, y)| {
            x.activation == y.activation
                && x.dead == y.dead
                && x.weights.dim() == y.weights.dim()
                && x.weights
                    .iter()
                    .zip(&y.weights)
                    .all(|(p, q)| p.to_bits() == q.to_bits())
                && x.biases
                    .iter()
                    .zip(&y.biases)
                    .all(|(p, q)| p.to_bits() == q.to_bits())
                && x.biases.len() == y.biases.len()
        })
}

/// One random action of a player on the core experiment.
fn random_action(
    e: &mut Experiment,
    undo: &mut UndoHistory,
    rng: &mut crate::data::CoreRng,
) -> String {
    use rand::RngExt;
    let network = e.network().clone();
    let pick = |rng: &mut crate::data::CoreRng, n: usize| rng.random_range(0..n.max(1));
    let hidden = network.hidden_sizes();
    let any_key = |rng: &mut crate::data::CoreRng| -> NodeKey {
        let keys = NodeKey::all(&network);
        // Now and then a key that is not in the network.
        if rng.random_range(0..10) == 0 {
            NodeKey::Hidden { layer: 7, index: 3 }
        } else {
            keys[rng.random_range(0..keys.len())]
        }
    };
    let feature = Feature::ALL[pick(rng, Feature::ALL.len())];
    let value = match pick(rng, 6) {
        0 => f64::NAN,
        1 => 1e300,
        _ => rng.random::<f64>() * 6.0 - 3.0,
    };
    let layer = pick(rng, hidden.len() + 2);
    let edit = match pick(rng, 8) {
        0 => Edit::InsertLayer {
            at: pick(rng, hidden.len() + 2),
        },
        1 => Edit::RemoveLayer { layer },
        2 => Edit::AddNeuron { layer },
        3 => Edit::RemoveNeuron {
            layer,
            index: pick(rng, 9),
        },
        4 => Edit::AddFeature(feature),
        5 => Edit::RemoveFeature(feature),
        6 => Edit::SetWeight {
            source: any_key(rng),
            target: any_key(rng),
            value,
        },
        _ => Edit::SetBias {
            node: any_key(rng),
            value,
        },
    };
    match pick(rng, 12) {
        0..=4 => {
            let before = e.snapshot();
            match e.apply_edit(&edit, &EditRules::default()) {
                Ok(_) => {
                    undo.push(before);
                    format!("{edit:?}")
                }
                Err(why) => {
                    assert!(
                        same_bits(e.network(), &before.network),
                        "a refused edit changes nothing"
                    );
                    format!("{edit:?} refused: {why}")
                }
            }
        }
        5 => {
            let mut c = e.config().clone();
            match pick(rng, 14) {
                0 => c.dataset = DatasetKind::ALL[pick(rng, DatasetKind::ALL.len())],
                1 => c.noise = pick(rng, 60) as u32,
                2 => c.train_ratio = pick(rng, 100) as u32,
                3 => c.learning_rate = [0.00001, 0.03, 3.0, 10.0, 50.0][pick(rng, 5)],
                4 => c.activation = Activation::ALL[pick(rng, Activation::ALL.len())],
                5 => c.regularization = Regularization::ALL[pick(rng, 3)],
                6 => c.regularization_rate = [0.0, 0.01, 10.0][pick(rng, 3)],
                7 => c.batch_size = pick(rng, 35),
                8 => c.optimizer = OptimizerKind::ALL[pick(rng, 3)],
                9 => c.loss = Loss::ALL[pick(rng, Loss::ALL.len())],
                10 => c.classes = pick(rng, 8),
                11 => c.dropout = [0.0, 0.3, 2.0][pick(rng, 3)],
                12 => {
                    c.problem = Some(crate::data::Problem::ALL[pick(rng, 2)]);
                    c.dataset = DatasetKind::for_problem(c.problem.unwrap())[0];
                }
                _ => c.seed = pick(rng, 1000) as u64,
            }
            let before = e.network().clone();
            match e.apply_config(c) {
                Ok(change) if change.network_rebuilt => {
                    undo.clear();
                    "configure (rebuilt)".into()
                }
                Ok(_) => "configure".into(),
                Err(why) => {
                    assert!(
                        same_bits(e.network(), &before),
                        "a refused setting changes nothing"
                    );
                    format!("configure refused: {why}")
                }
            }
        }
        6 | 7 => {
            let epoch = e.epoch();
            let ran = e.step(pick(rng, 4) as u64);
            assert_eq!(e.epoch(), epoch + ran);
            "step".into()
        }
        8 => {
            e.reset();
            assert_eq!(e.epoch(), 0);
            "reset".into()
        }
        9 => {
            e.regenerate_data(pick(rng, 1000) as u64);
            "regenerate".into()
        }
        10 => {
            let epoch = e.epoch();
            let expected = undo.clone();
            let before = e.snapshot();
            match undo.undo(e) {
                Ok(true) => {
                    // The exact previous network, the epoch kept.
                    let mut model = expected;
                    let mut probe = e.clone();
                    probe.restore(&before).unwrap();
                    assert!(model.undo(&mut probe).unwrap());
                    assert!(same_bits(probe.network(), e.network()), "undo is exact");
                    assert_eq!(e.epoch(), epoch);
                    "undo".into()
                }
                Ok(false) => "undo (nothing)".into(),
                Err(why) => format!("undo refused: {why}"),
            }
        }
        _ => match undo.redo(e) {
            Ok(done) => format!("redo {done}"),
            Err(why) => format!("redo refused: {why}"),
        },
    }
}

/// Drives the experiment with `steps` random actions, checking after each that nothing is
/// inconsistent and that the loss is finite or the divergence is reported.
fn random_player(seed: u64, steps: usize) {
    let mut rng = crate::data::seeded_rng(seed, 77);
    let mut e = Experiment::new(ExperimentConfig::default()).unwrap();
    let mut undo = UndoHistory::default();
    let mut log: Vec<String> = Vec::new();
    for step in 0..steps {
        let action = random_action(&mut e, &mut undo, &mut rng);
        log.push(action);
        if log.len() > 12 {
            log.remove(0);
        }
        if let Err(why) = e.check_consistency() {
            panic!("seed {seed}, step {step}: {why}\nlast actions: {log:#?}");
        }
        let latest = e.latest();
        let finite = latest.train_loss.is_finite() && latest.test_loss.is_finite();
        assert!(
            finite || e.divergence().is_some(),
            "seed {seed}, step {step}: loss {latest:?} without a reported divergence\n{log:#?}"
        );
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    /// A player that never tires: every action in any order, checked after each step.
    #[test]
    fn a_random_player_never_breaks_the_experiment(seed in 0u64..1_000_000) {
        random_player(seed, 300);
    }
}

/// The long run, on demand: `NEURAL_SANDBOX_LONG_RUN=100000 cargo test --release
/// --no-default-features long_random_player -- --nocapture`.
#[test]
fn long_random_player() {
    let Some(steps) = std::env::var("NEURAL_SANDBOX_LONG_RUN")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    else {
        return;
    };
    let start = std::time::Instant::now();
    random_player(424_242, steps);
    eprintln!(
        "long random player: {steps} actions without a fault in {:.1} s",
        start.elapsed().as_secs_f64()
    );
}
