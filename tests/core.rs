//! The core as a user meets it: the Playground reference runs, the CLI, and inputs of every kind.
//! (One binary for all of it: every test binary links the whole crate.)

use std::path::{Path, PathBuf};
use std::process::Command;

use neural_sandbox::cli::{CommaList, Outcome, TrainArgs, run_train};
use neural_sandbox::data::csv_file::read_data;
use neural_sandbox::data::{DatasetKind, Feature};
use neural_sandbox::experiment::{Experiment, ExperimentConfig};
use neural_sandbox::nn::weights_file::parse_network;
use proptest::prelude::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/playground")
}

fn read_losses(path: &Path) -> Vec<(u64, f64, f64)> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            (
                f[0].parse().unwrap(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
            )
        })
        .collect()
}

/// Classic mode reproduces the Playground's own training code: from the same data and initial
/// weights, train and test loss after each of the first 50 epochs agree to a relative 1e-9.
#[test]
fn classic_mode_matches_the_playground() {
    let mut runs = 0;
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let args = TrainArgs {
            config: Some(dir.join("config.ron")),
            data: Some(dir.join("data.csv")),
            weights: Some(dir.join("network.json")),
            epochs: 50,
            quiet: true,
            ..TrainArgs::default()
        };
        let mut experiment = args.experiment().unwrap();
        experiment.step(50);
        let expected = read_losses(&dir.join("playground_losses.csv"));
        assert_eq!(expected.len(), 51);
        assert_eq!(experiment.history().len(), 51);
        let mut worst: f64 = 0.0;
        for (ours, (epoch, train, test)) in experiment.history().iter().zip(&expected) {
            assert_eq!(ours.epoch, *epoch);
            for (a, b) in [(ours.train_loss, *train), (ours.test_loss, *test)] {
                worst = worst.max((a - b).abs() / b.abs());
            }
        }
        assert!(
            worst <= 1e-9,
            "{}: relative difference {worst}",
            dir.display()
        );
        runs += 1;
    }
    assert_eq!(runs, 6, "all six reference runs are checked");
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn train_writes_the_csv_history_and_the_network() {
    let dir = temp_dir();
    let csv = dir.path().join("history.csv");
    let saved = dir.path().join("net.json");
    let args = TrainArgs {
        dataset: Some(DatasetKind::Spiral),
        features: Some(CommaList(vec![Feature::X1, Feature::X2])),
        layers: Some(CommaList(vec![8, 8])),
        lr: Some(0.03),
        batch: Some(10),
        seed: Some(7),
        epochs: 30,
        csv: Some(csv.clone()),
        save_network: Some(saved.clone()),
        ..TrainArgs::default()
    };
    let mut summary = Vec::new();
    assert_eq!(run_train(&args, &mut summary), Outcome::Done);
    let summary = String::from_utf8(summary).unwrap();
    assert!(
        summary.contains("epoch 30") && summary.contains("epochs/s"),
        "{summary}"
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "epoch,train_loss,test_loss,train_accuracy,test_accuracy"
    );
    assert_eq!(lines.len(), 32);
    assert!(lines[1].starts_with("0,") && lines[31].starts_with("30,"));
    // The saved network continues exactly where training stopped.
    let loaded = parse_network(&std::fs::read_to_string(&saved).unwrap(), "net.json").unwrap();
    assert_eq!(loaded.hidden_sizes(), vec![8, 8]);
    let mut replay = args.experiment().unwrap();
    replay.step(30);
    let restored = loaded.into_network(
        &[neural_sandbox::nn::Activation::Tanh; 2],
        neural_sandbox::nn::Activation::Tanh,
    );
    let trained = replay.network();
    for (a, b) in restored.layers.iter().zip(&trained.layers) {
        assert_eq!(a.weights, b.weights);
        assert_eq!(a.biases, b.biases);
    }
}

#[test]
fn regression_history_leaves_accuracy_empty() {
    let dir = temp_dir();
    let csv = dir.path().join("h.csv");
    let args = TrainArgs {
        dataset: Some(DatasetKind::RegPlane),
        epochs: 2,
        csv: Some(csv.clone()),
        quiet: true,
        ..TrainArgs::default()
    };
    assert_eq!(run_train(&args, &mut Vec::new()), Outcome::Done);
    let text = std::fs::read_to_string(csv).unwrap();
    assert!(text.lines().nth(1).unwrap().ends_with(",,"), "{text}");
}

#[test]
fn bad_inputs_give_messages_naming_the_file_and_place() {
    let dir = temp_dir();
    let bad_csv = dir.path().join("points.csv");
    std::fs::write(&bad_csv, "x1,x2,label,split\n1,2,1,train\n3,four,1,test\n").unwrap();
    let bad_json = dir.path().join("net.json");
    std::fs::write(
        &bad_json,
        r#"{"features": ["x1"], "layers": [{"weights": [[1, 2]], "biases": [0]}]}"#,
    )
    .unwrap();
    let bad_ron = dir.path().join("c.ron");
    std::fs::write(&bad_ron, "(\n  noise: 20,\n  batch_size: -3,\n)").unwrap();
    let out_of_range = dir.path().join("range.ron");
    std::fs::write(&out_of_range, "(learning_rate: 50.0)").unwrap();
    let cases: Vec<(TrainArgs, Vec<String>)> = vec![
        (
            TrainArgs {
                data: Some(bad_csv.clone()),
                ..TrainArgs::default()
            },
            vec![
                bad_csv.display().to_string(),
                "line 3".into(),
                "\"four\" is not a number".into(),
            ],
        ),
        (
            TrainArgs {
                weights: Some(bad_json.clone()),
                ..TrainArgs::default()
            },
            vec![
                bad_json.display().to_string(),
                "layers[0].weights[0] has 2 values".into(),
            ],
        ),
        (
            TrainArgs {
                config: Some(bad_ron.clone()),
                ..TrainArgs::default()
            },
            vec![bad_ron.display().to_string(), "3:".into()],
        ),
        (
            TrainArgs {
                config: Some(out_of_range),
                ..TrainArgs::default()
            },
            vec!["learning_rate = 50".into(), "0.00001 to 10".into()],
        ),
        (
            TrainArgs {
                data: Some(dir.path().join("missing.csv")),
                ..TrainArgs::default()
            },
            vec!["missing.csv".into(), "cannot read".into()],
        ),
    ];
    for (args, expected) in cases {
        match run_train(&args, &mut Vec::new()) {
            Outcome::BadInput(message) => {
                for part in expected {
                    assert!(message.contains(&part), "{message} should mention {part}");
                }
            }
            other => panic!("expected a bad-input message, got {other:?}"),
        }
    }
}

#[test]
fn data_file_problem_is_inferred_from_labels() {
    let dir = temp_dir();
    let path = dir.path().join("reg.csv");
    std::fs::write(
        &path,
        "x1,x2,label,split\n1,2,0.3,train\n-1,0,0.1,train\n2,2,-0.2,test\n",
    )
    .unwrap();
    let args = TrainArgs {
        data: Some(path),
        epochs: 3,
        ..TrainArgs::default()
    };
    let e = args.experiment().unwrap();
    assert_eq!(e.problem(), neural_sandbox::data::Problem::Regression);
    assert_eq!(e.data().train.len(), 2);
}

#[test]
fn the_binary_trains_and_reports_divergence_with_exit_codes() {
    let bin = env!("CARGO_BIN_EXE_neural-sandbox");
    let ok = Command::new(bin)
        .args([
            "train",
            "--dataset",
            "xor",
            "--features",
            "x1_x2",
            "--layers",
            "none",
            "--activation",
            "sigmoid",
            "--epochs",
            "200",
        ])
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let out = String::from_utf8_lossy(&ok.stdout);
    assert!(
        out.contains("epoch 200") && out.contains("test accuracy"),
        "{out}"
    );

    let diverged = Command::new(bin)
        .args([
            "train",
            "--dataset",
            "reg-plane",
            "--lr",
            "10",
            "--activation",
            "relu",
            "--epochs",
            "500",
        ])
        .output()
        .unwrap();
    assert_eq!(diverged.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&diverged.stderr).contains("Training diverged at epoch"));

    let bad = Command::new(bin)
        .args(["train", "--features", "x1,x9"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown feature \"x9\""));

    let bench = Command::new(bin)
        .args(["bench", "--json", "--seconds", "0.05"])
        .output()
        .unwrap();
    assert!(bench.status.success());
    let report: serde_json::Value = serde_json::from_slice(&bench.stdout).unwrap();
    let configs = report["configs"].as_array().unwrap();
    assert_eq!(configs.len(), 2);
    assert_eq!(configs[0]["name"], "spiral-7f-6x8");
    for key in [
        "train_examples_per_s",
        "epochs_per_s",
        "heatmap_refresh_ms",
        "frame_compute_ms",
    ] {
        assert!(configs[0][key].as_f64().unwrap() > 0.0, "{key}");
    }
}

fn any_config() -> impl Strategy<Value = ExperimentConfig> {
    let features = proptest::collection::vec(0usize..7, 0..9);
    let layers = proptest::collection::vec(0usize..12, 0..9);
    (
        (
            0usize..6,
            0u32..80,
            0u32..100,
            any::<u64>(),
            features,
            layers,
        ),
        (
            0usize..4,
            -1.0f64..20.0,
            0usize..3,
            -1.0f64..12.0,
            0usize..40,
        ),
        (
            any::<bool>(),
            any::<bool>(),
            0usize..3,
            -0.5f64..1.5,
            0usize..2,
            -0.2f64..1.2,
        ),
    )
        .prop_map(
            |(
                (dataset, noise, ratio, seed, features, layers),
                (activation, lr, reg, reg_rate, batch),
                (init_zero, reshuffle, optimizer, momentum, loss, dropout),
            )| {
                use neural_sandbox::nn::{Activation, Loss, OptimizerKind, Regularization};
                ExperimentConfig {
                    dataset: DatasetKind::ALL[dataset],
                    problem: None,
                    noise,
                    train_ratio: ratio,
                    seed,
                    features: features.into_iter().map(|f| Feature::ALL[f]).collect(),
                    hidden_layers: layers,
                    activation: Activation::ALL[activation],
                    layer_activations: None,
                    learning_rate: lr,
                    regularization: Regularization::ALL[reg],
                    regularization_rate: reg_rate,
                    batch_size: batch,
                    init_zero,
                    reshuffle_each_epoch: reshuffle,
                    optimizer: OptimizerKind::ALL[optimizer],
                    momentum,
                    loss: Loss::ALL[loss],
                    dropout,
                    replay_initial_weights: false,
                    limits: Default::default(),
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any configuration is either refused with a message or trains without panicking.
    #[test]
    fn random_configs_never_panic(config in any_config()) {
        match Experiment::new(config.clone()) {
            Ok(mut e) => {
                e.step(3);
                let s = e.latest();
                prop_assert!(e.divergence().is_some() || s.train_loss.is_finite());
                e.reset();
                prop_assert_eq!(e.epoch(), 0);
            }
            Err(errors) => prop_assert!(!errors.0.is_empty()),
        }
    }

    #[test]
    fn random_csv_never_panics(text in "[-x12,.ltrainsplbe0-9\\n ]{0,200}") {
        let _ = read_data(text.as_bytes(), "fuzz.csv");
        let with_header = format!("x1,x2,label,split\n{text}");
        let _ = read_data(with_header.as_bytes(), "fuzz.csv");
    }

    #[test]
    fn random_network_json_never_panics(text in "[\\[\\]{}\",:0-9.e\\-a-z _]{0,200}") {
        let _ = parse_network(&text, "fuzz.json");
        let framed = format!("{{\"features\": [\"x1\"], \"layers\": [{text}]}}");
        let _ = parse_network(&framed, "fuzz.json");
    }

    #[test]
    fn random_ron_never_panics(text in "[(),:\\[\\]\"a-z_0-9. \\n-]{0,200}") {
        if let Ok(config) = ExperimentConfig::from_ron(&text, "fuzz.ron") {
            let _ = Experiment::new(config);
        }
    }

    /// Structured but wrong network files: every shape mismatch is an error, never a panic.
    #[test]
    fn random_network_shapes_never_panic(
        features in proptest::collection::vec("x1|x2|x1_sq|sin_x2|bogus", 0..4),
        layers in proptest::collection::vec((0usize..4, 0usize..4, 0usize..4), 0..4),
    ) {
        let layers_json: Vec<String> = layers.iter().map(|(rows, cols, biases)| {
            let row = format!("[{}]", vec!["0.5"; *cols].join(","));
            format!("{{\"weights\": [{}], \"biases\": [{}]}}", vec![row; *rows].join(","), vec!["0.1"; *biases].join(","))
        }).collect();
        let text = format!("{{\"features\": [{}], \"layers\": [{}]}}",
            features.iter().map(|f| format!("\"{f}\"")).collect::<Vec<_>>().join(","),
            layers_json.join(","));
        if let Ok(loaded) = parse_network(&text, "shape.json") {
            let mut e = Experiment::new(ExperimentConfig::default()).unwrap();
            if e.set_initial_network(loaded).is_ok() {
                e.step(2);
            }
        }
    }
}

/// Every shipped level is solvable by its reference solution within its budget, and its
/// unchanged start does not already reach the goal (each level has a point).
#[test]
fn every_shipped_level_is_solvable_and_has_a_point() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("levels");
    let mut out = Vec::new();
    let outcome = neural_sandbox::cli::run_levels_solve(&dir, &mut out);
    let report = String::from_utf8(out).unwrap();
    assert_eq!(outcome, Outcome::Done, "{report}");
    assert!(report.lines().count() >= 8, "{report}");
    assert!(
        !report.contains("NOT SOLVED") && !report.contains("ALREADY"),
        "{report}"
    );
    let mut out = Vec::new();
    assert_eq!(
        neural_sandbox::cli::run_levels_check(&dir, &mut out),
        Outcome::Done
    );
}

#[test]
fn levels_check_fails_on_a_bad_level_with_its_line() {
    let bin = env!("CARGO_BIN_EXE_neural-sandbox");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.ron"), "[\"x.ron\"]").unwrap();
    std::fs::write(dir.path().join("x.ron"), "(\n  id: \"x\",\n  title: 5,\n)").unwrap();
    let out = Command::new(bin)
        .args(["levels", "check"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("x.ron:3:"), "{text}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any link text is either a valid configuration or a message; never a panic.
    #[test]
    fn random_share_links_never_panic(text in "#?(cfg=)?[A-Za-z0-9_=%-]{0,300}") {
        if let Ok(config) = neural_sandbox::share::decode(&text) {
            prop_assert!(config.validate(true).is_ok());
        }
    }
}
