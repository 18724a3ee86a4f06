//! The core as a user meets it: the Playground reference runs, the CLI, and inputs of every kind.
//! (One binary for all of it: every test binary links the whole crate.)

use std::path::{Path, PathBuf};
use std::process::Command;

use neural_sandbox::cli::{CommaList, Outcome, TrainArgs, run_train};
use neural_sandbox::data::csv_file::read_data;
use neural_sandbox::data::{DatasetKind, Feature};
use neural_sandbox::experiment::{Experiment, ExperimentConfig};
use neural_sandbox::nn::functions::max_or_nan;
use neural_sandbox::nn::weights_file::parse_network;
use proptest::prelude::*;

#[cfg(feature = "server")]
mod class_server;
mod hostile;

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
                worst = max_or_nan(worst, (a - b).abs() / b.abs());
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
                    classes: 2,
                    noise,
                    train_ratio: ratio,
                    seed,
                    playground_seed: None,
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

mod files_and_messages {
    //! Issue 15: a long run never loses its result to a typo, NaN never reaches a file, every
    //! message says where and why.
    use super::*;

    fn bin() -> Command {
        Command::new(env!("CARGO_BIN_EXE_neural-sandbox"))
    }

    #[test]
    fn output_paths_are_checked_before_training() {
        let dir = temp_dir();
        for (flag, path, expected) in [
            (
                "--save-network",
                "no/such/folder/net.json",
                "does not exist",
            ),
            ("--csv", "", "is a folder"),
            (
                "--save-data",
                "/sys/kernel/data.csv",
                "cannot write in /sys/kernel",
            ),
        ] {
            let target = if path.is_empty() {
                dir.path().to_path_buf()
            } else {
                PathBuf::from(path)
            };
            let start = std::time::Instant::now();
            let out = bin()
                .args(["train", "--epochs", "1000000", flag])
                .arg(&target)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{flag}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains(flag) && err.contains(expected), "{err}");
            assert!(
                start.elapsed().as_secs() < 30,
                "refused before a million epochs were trained"
            );
        }
    }

    #[test]
    fn a_diverged_network_is_never_written_and_the_message_speaks_of_the_cli() {
        let dir = temp_dir();
        let net = dir.path().join("net.json");
        let csv = dir.path().join("h.csv");
        let train = |activation: &str| {
            bin()
                .args([
                    "train",
                    "--dataset",
                    "reg-plane",
                    "--lr",
                    "10",
                    "--activation",
                    activation,
                    "--epochs",
                    "500",
                    "--save-network",
                ])
                .arg(&net)
                .arg("--csv")
                .arg(&csv)
                .output()
                .unwrap()
        };
        // Linear neurons at learning rate 10: the weights themselves become NaN.
        let out = train("linear");
        assert_eq!(out.status.code(), Some(3));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--lr") && !err.contains("Reset"), "{err}");
        assert!(err.contains("was not written"), "{err}");
        assert!(!net.exists(), "no file that could not be read back");
        // The history up to the divergence is there, epoch by epoch.
        let history = std::fs::read_to_string(&csv).unwrap();
        let last = history.lines().last().unwrap();
        assert!(last.contains("NaN") || last.contains("inf"), "{last}");
        // ReLU: the loss overflows while the weights are still numbers: the file is written,
        // and it reads back.
        let out = train("relu");
        assert_eq!(out.status.code(), Some(3));
        parse_network(&std::fs::read_to_string(&net).unwrap(), "net.json").unwrap();
    }

    #[test]
    fn a_closed_standard_output_is_an_error() {
        struct Closed;
        impl std::io::Write for Closed {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let args = TrainArgs {
            epochs: 3,
            ..TrainArgs::default()
        };
        match run_train(&args, &mut Closed) {
            Outcome::Failed(message) => assert!(message.contains("standard output"), "{message}"),
            other => panic!("{other:?}"),
        }
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("levels");
        assert!(matches!(
            neural_sandbox::cli::run_levels_check(&dir, &mut Closed),
            Outcome::Failed(_)
        ));
    }

    #[test]
    fn ctrl_c_stops_cleanly_after_writing_the_history_and_the_network() {
        let dir = temp_dir();
        let net = dir.path().join("net.json");
        let csv = dir.path().join("h.csv");
        let child = bin()
            .args(["train", "--epochs", "100000000", "--save-network"])
            .arg(&net)
            .arg("--csv")
            .arg(&csv)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Wait until training is under way (the CSV grows as it goes).
        for _ in 0..200 {
            if std::fs::metadata(&csv)
                .map(|m| m.len() > 2000)
                .unwrap_or(false)
            {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        let status = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("Stopped by Ctrl-C"), "{stdout}");
        let history = std::fs::read_to_string(&csv).unwrap();
        let rows = history.lines().count() - 1;
        assert!(rows > 10, "{rows} rows");
        let last_epoch: u64 = history
            .lines()
            .last()
            .unwrap()
            .split(',')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(
            last_epoch as usize,
            rows - 1,
            "every epoch, in order, nothing cut"
        );
        parse_network(&std::fs::read_to_string(&net).unwrap(), "net.json").unwrap();
    }

    #[test]
    fn a_failed_level_says_why() {
        let dir = temp_dir();
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("levels");
        let text = std::fs::read_to_string(shipped.join("03-circle.ron")).unwrap();
        // A budget too short for the solution.
        let slow = text
            .replace("epoch_budget: 400", "epoch_budget: 3")
            .replace("WithinEpochs(150)", "WithinEpochs(3)");
        assert_ne!(slow, text);
        std::fs::write(dir.path().join("a.ron"), slow).unwrap();
        std::fs::write(dir.path().join("index.ron"), "[\"a.ron\"]").unwrap();
        let mut out = Vec::new();
        let outcome = neural_sandbox::cli::run_levels_solve(dir.path(), &mut out);
        assert!(matches!(outcome, Outcome::BadInput(_)));
        let report = String::from_utf8(out).unwrap();
        assert!(
            report.contains("NOT SOLVED") && report.contains("the best was"),
            "{report}"
        );
    }

    #[test]
    fn duplicate_orders_and_paths_outside_the_folder_are_reported_with_lines() {
        let dir = temp_dir();
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("levels");
        let xor = std::fs::read_to_string(shipped.join("02-xor.ron")).unwrap();
        let other = xor.replace("id: \"xor\"", "id: \"xor-again\"");
        std::fs::write(dir.path().join("a.ron"), &xor).unwrap();
        std::fs::write(dir.path().join("b.ron"), &other).unwrap();
        std::fs::write(dir.path().join("index.ron"), "[\"a.ron\", \"b.ron\"]").unwrap();
        let (_, problems) = neural_sandbox::level::load_dir(dir.path());
        let order_line = other.lines().position(|l| l.contains("order:")).unwrap() + 1;
        assert!(
            problems
                .iter()
                .any(|p| p.message.contains("order 2 is already used") && p.line == order_line),
            "{problems:?}"
        );
        for bad in [
            "../../etc/passwd.ron",
            "/tmp/x.ron",
            "sub/x.ron",
            "notes.txt",
        ] {
            std::fs::write(
                dir.path().join("index.ron"),
                format!("[\n  \"a.ron\",\n  \"{bad}\",\n]"),
            )
            .unwrap();
            let (files, problems) = neural_sandbox::level::load_dir(dir.path());
            assert!(files.is_empty(), "{bad}: nothing is read");
            assert!(
                problems
                    .iter()
                    .any(|p| p.line == 3 && p.message.contains("not a level file of this folder")),
                "{bad}: {problems:?}"
            );
        }
    }

    #[test]
    fn a_word_in_a_briefing_is_never_taken_for_a_field() {
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("levels");
        let text = std::fs::read_to_string(shipped.join("03-circle.ron")).unwrap();
        // A briefing that talks about "epoch_budget: 0", then the real field broken.
        let tricky = text
            .replacen(
                "briefing: [",
                "briefing: [\n        \"Note: epoch_budget: 0 would be silly.\",",
                1,
            )
            .replacen("epoch_budget: 400", "epoch_budget: 0", 1);
        let errors = neural_sandbox::level::Level::parse(&tricky, "t.ron").unwrap_err();
        let budget = errors
            .iter()
            .find(|e| e.message.contains("epoch_budget 0"))
            .unwrap();
        let real_line = tricky
            .lines()
            .position(|l| l.trim_start().starts_with("epoch_budget:"))
            .unwrap()
            + 1;
        assert_eq!(budget.line, real_line);
    }
}

mod fuzz {
    //! Issue 15: every parser of the project is fed mutated copies of real files (bytes
    //! replaced, inserted, deleted, lines swapped): each input is read or refused with a
    //! message, never a panic. A fixed number of cases per run; proptest keeps any failure it
    //! finds in `tests/core.proptest-regressions`, replayed first on every later run.
    use super::*;

    fn shipped(name: &str) -> String {
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
    }

    /// The seed inputs: one real file of each kind.
    fn seeds() -> Vec<(&'static str, String)> {
        let fixtures = "tests/fixtures/playground/spiral-l1-heavy";
        let save = r#"{"version": 1, "levels": {"circle": {"solved": true, "stars": [true, false, true], "best_epoch": 120}}, "sandbox": {"dataset": "spiral", "hidden_layers": [8, 8], "learning_rate": 0.1}}"#;
        vec![
            ("level", shipped("levels/04-spiral.ron")),
            ("index", shipped("levels/index.ron")),
            ("config", ExperimentConfig::default().to_ron()),
            ("network", shipped(&format!("{fixtures}/network.json"))),
            ("csv", {
                // The header, some training rows and some test rows.
                let all = shipped(&format!("{fixtures}/data.csv"));
                let lines: Vec<&str> = all.lines().collect();
                let mut kept: Vec<&str> = lines[..30].to_vec();
                kept.extend(&lines[lines.len() - 10..]);
                kept.join("\n")
            }),
            ("save", save.to_string()),
            (
                "link",
                neural_sandbox::share::encode(&ExperimentConfig {
                    hidden_layers: vec![8, 8],
                    ..ExperimentConfig::default()
                }),
            ),
        ]
    }

    #[derive(Debug, Clone)]
    enum Mutation {
        Replace(usize, u8),
        Insert(usize, u8),
        Delete(usize, usize),
        SwapLines(usize, usize),
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        let byte = prop_oneof![
            Just(b'('),
            Just(b')'),
            Just(b'['),
            Just(b']'),
            Just(b'{'),
            Just(b'}'),
            Just(b'"'),
            Just(b','),
            Just(b':'),
            Just(b'-'),
            Just(b'9'),
            Just(b'e'),
            Just(b'\n'),
            any::<u8>(),
        ];
        prop_oneof![
            (any::<usize>(), byte.clone()).prop_map(|(at, b)| Mutation::Replace(at, b)),
            (any::<usize>(), byte).prop_map(|(at, b)| Mutation::Insert(at, b)),
            (any::<usize>(), 1usize..40).prop_map(|(at, n)| Mutation::Delete(at, n)),
            (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        ]
    }

    fn mutate(text: &str, mutations: &[Mutation]) -> Vec<u8> {
        let mut bytes = text.as_bytes().to_vec();
        for m in mutations {
            let len = bytes.len().max(1);
            match *m {
                Mutation::Replace(at, b) if !bytes.is_empty() => bytes[at % len] = b,
                Mutation::Insert(at, b) => bytes.insert(at % (bytes.len() + 1), b),
                Mutation::Delete(at, n) if !bytes.is_empty() => {
                    let start = at % len;
                    let end = (start + n).min(bytes.len());
                    bytes.drain(start..end);
                }
                Mutation::SwapLines(a, b) => {
                    let mut lines: Vec<Vec<u8>> =
                        bytes.split(|c| *c == b'\n').map(|l| l.to_vec()).collect();
                    let n = lines.len();
                    lines.swap(a % n, b % n);
                    bytes = lines.join(&b'\n');
                }
                _ => {}
            }
        }
        bytes
    }

    /// Feeds one input to the parser of its kind, and a little further where it parses.
    fn parse(kind: &str, bytes: &[u8]) {
        let text = String::from_utf8_lossy(bytes);
        match kind {
            "level" => {
                if let Ok(level) = neural_sandbox::level::Level::parse(&text, "f.ron") {
                    // A level that parses must also start.
                    Experiment::new(level.start_config()).unwrap();
                }
            }
            "index" => {
                let _ = neural_sandbox::level::parse_index(&text, "index.ron");
            }
            "config" => {
                if let Ok(config) = ExperimentConfig::from_ron(&text, "f.ron")
                    && let Ok(mut e) = Experiment::new(config)
                {
                    e.step(1);
                }
            }
            "network" => {
                if let Ok(loaded) = parse_network(&text, "f.json") {
                    let mut e = Experiment::new(ExperimentConfig::default()).unwrap();
                    if e.set_initial_network(loaded).is_ok() {
                        e.step(1);
                    }
                }
            }
            "csv" => {
                if let Ok(file) = read_data(bytes, "f.csv") {
                    let problem = if file.is_classification() {
                        neural_sandbox::data::Problem::Classification
                    } else {
                        neural_sandbox::data::Problem::Regression
                    };
                    let config = ExperimentConfig {
                        problem: Some(problem),
                        classes: file.inferred_classes().unwrap_or(2),
                        ..ExperimentConfig::default()
                    };
                    if let Ok(mut e) = Experiment::with_data_file(config, &file) {
                        e.step(1);
                    }
                }
            }
            "save" => {
                if let Ok(read) = neural_sandbox::progress::Progress::read_parts(&text) {
                    let _ = read.progress.to_json();
                }
            }
            "link" => {
                if let Ok(config) = neural_sandbox::share::decode(&text) {
                    Experiment::new(config).unwrap();
                }
            }
            _ => unreachable!(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn mutated_files_are_read_or_refused_never_a_panic(
            which in 0usize..7,
            mutations in proptest::collection::vec(mutation(), 1..6),
        ) {
            let seeds = seeds();
            let (kind, text) = &seeds[which];
            parse(kind, &mutate(text, &mutations));
        }
    }

    /// The seeds themselves parse (so the mutations start from valid files).
    #[test]
    fn the_seed_files_are_valid() {
        for (kind, text) in seeds() {
            match kind {
                "level" => {
                    neural_sandbox::level::Level::parse(&text, "f.ron").unwrap();
                }
                "index" => {
                    neural_sandbox::level::parse_index(&text, "f.ron").unwrap();
                }
                "config" => {
                    ExperimentConfig::from_ron(&text, "f.ron").unwrap();
                }
                "network" => {
                    parse_network(&text, "f.json").unwrap();
                }
                "csv" => {
                    read_data(text.as_bytes(), "f.csv").unwrap();
                }
                "save" => {
                    neural_sandbox::progress::Progress::from_json(&text).unwrap();
                }
                _ => {
                    neural_sandbox::share::decode(&text).unwrap();
                }
            }
        }
    }
}

mod gan_cli {
    //! Issue 10: `neural-sandbox gan train` and `gan bench`.
    use super::*;

    fn bin() -> Command {
        Command::new(env!("CARGO_BIN_EXE_neural-sandbox"))
    }

    #[test]
    fn gan_train_writes_rows_saves_and_reloads_models() {
        let dir = temp_dir();
        let csv = dir.path().join("g.csv");
        let model = dir.path().join("m.json");
        let out = bin()
            .args([
                "gan", "train", "--preset", "ring", "--seed", "3", "--epochs", "40", "--csv",
            ])
            .arg(&csv)
            .arg("--save-model")
            .arg(&model)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&csv).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "epoch,d_loss,g_loss,kl,js,js_precise");
        assert_eq!(lines.len(), 42);
        assert!(lines[41].starts_with("40,"));
        for line in &lines[1..] {
            let values: Vec<f64> = line.split(',').map(|v| v.parse().unwrap()).collect();
            assert_eq!(values.len(), 6);
            assert!(values.iter().all(|v| v.is_finite()), "{line}");
        }
        // The printed rows are the written ones.
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), text.trim());
        // A saved model continues from its epoch (with fresh pools: a file holds the networks and
        // the settings, not where the pools had got to).
        let again = dir.path().join("again.csv");
        let out = bin()
            .args([
                "gan",
                "train",
                "--preset",
                "ring",
                "--seed",
                "3",
                "--epochs",
                "10",
                "--quiet",
                "--load-model",
            ])
            .arg(&model)
            .arg("--csv")
            .arg(&again)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let continued = std::fs::read_to_string(&again).unwrap();
        assert!(continued.lines().nth(1).unwrap().starts_with("40,"));
        assert!(continued.lines().last().unwrap().starts_with("50,"));
    }

    #[test]
    fn files_feed_training_in_order_for_exact_replays() {
        let dir = temp_dir();
        let real = dir.path().join("r.csv");
        let noise = dir.path().join("z.csv");
        let mut r = String::from("x,y\n");
        let mut z = String::from("z1,z2\n");
        for k in 0..400 {
            let t = k as f64 / 400.0;
            r.push_str(&format!(
                "{},{}\n",
                0.2 + 0.6 * t,
                0.5 + 0.1 * (t * 9.0).sin()
            ));
            z.push_str(&format!("{},{}\n", (t * 7.0).fract(), (t * 13.0).fract()));
        }
        std::fs::write(&real, r).unwrap();
        std::fs::write(&noise, z).unwrap();
        let start = dir.path().join("start.json");
        assert!(
            bin()
                .args(["gan", "train", "--epochs", "0", "--quiet", "--save-model"])
                .arg(&start)
                .status()
                .unwrap()
                .success()
        );
        let replay = |seed: &str, name: &str| {
            let model = dir.path().join(name);
            let out = bin()
                .args([
                    "gan",
                    "train",
                    "--epochs",
                    "25",
                    "--quiet",
                    "--seed",
                    seed,
                    "--load-model",
                ])
                .arg(&start)
                .arg("--real")
                .arg(&real)
                // The issue's form: --noise takes a file as well as a kind.
                .arg("--noise")
                .arg(&noise)
                .arg("--save-model")
                .arg(&model)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(model).unwrap()).unwrap();
            (v["generator"].clone(), v["discriminator"].clone())
        };
        assert_eq!(replay("1", "a.json"), replay("77", "b.json"));
        // A wrong header says which line and what it wants.
        std::fs::write(&noise, "a,b\n1,2\n").unwrap();
        let out = bin()
            .args(["gan", "train", "--noise-file"])
            .arg(&noise)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("line 1") && err.contains("z1,z2"), "{err}");
    }

    #[test]
    fn ganlabs_own_model_opens_from_the_command_line() {
        let pretrained = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/models/ganlab-pretrained/pretrained_gaussians.json");
        let out = bin()
            .args(["gan", "train", "--epochs", "0", "--quiet", "--load-model"])
            .arg(&pretrained)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.starts_with("epoch 1931"), "{text}");
        let bench = bin()
            .args(["gan", "bench", "--json", "--seconds", "0.05"])
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&bench.stdout).unwrap();
        assert_eq!(report.as_array().unwrap().len(), 4);
        assert!(report[0]["epochs_per_s"].as_f64().unwrap() > 0.0);
    }
}

mod cnn_cli {
    //! Issue 11: `neural-sandbox cnn train`, `cnn classify` and `cnn bench`.
    use std::process::Command;

    fn bin() -> Command {
        Command::new(env!("CARGO_BIN_EXE_neural-sandbox"))
    }

    #[test]
    fn cnn_train_writes_rows_and_a_model_that_classify_opens() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("cnn.csv");
        let model = dir.path().join("cnn.json");
        let out = bin()
            .args([
                "cnn",
                "train",
                "--dataset",
                "digits",
                "--classes",
                "4",
                "--epochs",
                "2",
            ])
            .arg("--csv")
            .arg(&csv)
            .arg("--save-model")
            .arg(&model)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&csv).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "epoch,train_loss,test_loss,train_accuracy,test_accuracy"
        );
        assert_eq!(lines.len(), 3);
        let last: Vec<f64> = lines[2].split(',').map(|v| v.parse().unwrap()).collect();
        assert!(last[4] > 0.8, "four digits are easy: {}", lines[2]);
        assert_eq!(String::from_utf8_lossy(&out.stdout), text);
        // The saved model classifies a picture.
        let picture = dir.path().join("blank.png");
        image::GrayImage::from_pixel(8, 8, image::Luma([0]))
            .save(&picture)
            .unwrap();
        let out = bin()
            .args(["cnn", "classify", "--json", "--model"])
            .arg(&model)
            .arg(&picture)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let row: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let p = row["probabilities"].as_object().unwrap();
        assert_eq!(p.len(), 4);
        let sum: f64 = p.values().map(|v| v.as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-5);
        // Wrong class names, a missing picture and bad settings are refused with exit code 2.
        for args in [
            vec![
                "cnn",
                "classify",
                "--classes",
                "a,b",
                "--model",
                model.to_str().unwrap(),
                picture.to_str().unwrap(),
            ],
            vec![
                "cnn",
                "classify",
                "--model",
                model.to_str().unwrap(),
                "/nonexistent.png",
            ],
            vec!["cnn", "train", "--classes", "11"],
            vec![
                "cnn",
                "train",
                "--dataset",
                "digits",
                "--padding",
                "valid",
                "--blocks",
                "3",
            ],
            vec!["cnn", "train", "--learning-rate", "0"],
        ] {
            let out = bin().args(&args).output().unwrap();
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            assert!(!out.stderr.is_empty());
        }
    }

    #[test]
    fn cnn_classify_reads_cnn_explainers_tiny_vgg() {
        let model = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/models/cnn-explainer-tiny-vgg/model.json");
        if !model.exists() {
            eprintln!("skipped: no Tiny VGG next to the checkout");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let picture = dir.path().join("orange.png");
        image::RgbImage::from_fn(96, 80, |x, y| {
            let d = ((x as f32 - 48.0).powi(2) + (y as f32 - 40.0).powi(2)).sqrt();
            if d < 26.0 {
                image::Rgb([242, 130, 25])
            } else {
                image::Rgb([90, 107, 130])
            }
        })
        .save(&picture)
        .unwrap();
        let out = bin()
            .args(["cnn", "classify", "--json", "--model"])
            .arg(&model)
            .arg(&picture)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let row: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let p = row["probabilities"].as_object().unwrap();
        assert_eq!(p.len(), 10);
        assert!(p.contains_key("lifeboat") && p.contains_key("sport car"));
        let best = p
            .iter()
            .max_by(|a, b| a.1.as_f64().unwrap().total_cmp(&b.1.as_f64().unwrap()))
            .unwrap();
        assert_eq!(best.0, "orange", "{p:?}");
        let out = bin()
            .args(["cnn", "bench", "--json", "--seconds", "0.05", "--model"])
            .arg(&model)
            .output()
            .unwrap();
        assert!(out.status.success());
        let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(rows.as_array().unwrap().len() >= 2);
    }
}

mod sweep_cli {
    //! Issue 12: `neural-sandbox sweep`.
    use std::process::Command;

    fn bin() -> Command {
        Command::new(env!("CARGO_BIN_EXE_neural-sandbox"))
    }

    fn sweep(extra: &[&str], csv: &std::path::Path) -> std::process::Output {
        bin()
            .args([
                "sweep",
                "--dataset",
                "xor",
                "--lr",
                "0.003,0.3",
                "--layers",
                "4,2;3",
                "--epochs",
                "30",
                "--quiet",
            ])
            .args(extra)
            .arg("--csv")
            .arg(csv)
            .output()
            .unwrap()
    }

    /// The last row of a `train --csv` run: (train loss, test loss).
    fn train_alone(args: &[&str], dir: &std::path::Path) -> (f64, f64) {
        let csv = dir.join("alone.csv");
        let out = bin()
            .args(["train", "--dataset", "xor", "--epochs", "30", "--quiet"])
            .args(args)
            .arg("--csv")
            .arg(&csv)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&csv).unwrap();
        let last: Vec<f64> = text
            .lines()
            .last()
            .unwrap()
            .split(',')
            .map(|v| v.parse().unwrap())
            .collect();
        (last[1], last[2])
    }

    #[test]
    fn a_sweep_equals_its_runs_made_one_by_one_whatever_the_threads() {
        let dir = tempfile::tempdir().unwrap();
        let one = dir.path().join("one.csv");
        let two = dir.path().join("two.csv");
        let out = sweep(&["--threads", "1", "--seeds", "2"], &one);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let table = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(table.contains("4 variants x 2 seeds = 8 runs"), "{table}");
        let out = sweep(&["--threads", "2", "--seeds", "2"], &two);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&one).unwrap();
        assert_eq!(
            text,
            std::fs::read_to_string(&two).unwrap(),
            "threads changed the results"
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "dataset,layers,lr,runs,diverged,rank,test_loss_mean,test_loss_sd,train_loss_mean,train_loss_sd,test_accuracy_mean,test_accuracy_sd,train_accuracy_mean,train_accuracy_sd"
        );
        assert_eq!(lines.len(), 5, "{text}");
        // Grid order (settings in the order of `sweep --help`, the last fastest); a quoted
        // architecture keeps its comma.
        assert!(
            lines[1].starts_with("xor,\"4,2\",0.003,2,0,"),
            "{}",
            lines[1]
        );
        assert!(lines[4].starts_with("xor,3,0.3,2,0,"), "{}", lines[4]);
        // Each variant's mean is the mean of its two seeds trained alone (from train's default
        // seed when none is given).
        let default_seed = neural_sandbox::experiment::ExperimentConfig::default().seed;
        for (line, lr, layers) in [(1, "0.003", "4,2"), (4, "0.3", "3")] {
            let fields: Vec<&str> = lines[line].split(',').collect();
            let n = fields.len();
            let test_mean: f64 = fields[n - 8].parse().unwrap();
            let train_mean: f64 = fields[n - 6].parse().unwrap();
            let runs: Vec<(f64, f64)> = (0..2)
                .map(|k| {
                    let seed = (default_seed + k).to_string();
                    train_alone(
                        &["--lr", lr, "--layers", layers, "--seed", &seed],
                        dir.path(),
                    )
                })
                .collect();
            let expect_test = (runs[0].1 + runs[1].1) / 2.0;
            let expect_train = (runs[0].0 + runs[1].0) / 2.0;
            assert_eq!(
                test_mean, expect_test,
                "test loss of lr {lr}, layers {layers}"
            );
            assert_eq!(
                train_mean, expect_train,
                "train loss of lr {lr}, layers {layers}"
            );
        }
        // The table ranks by mean test loss, best first.
        let ranked: Vec<f64> = table
            .lines()
            .skip(2)
            .map(|l| {
                let after = l
                    .split("  ")
                    .filter(|p| !p.trim().is_empty())
                    .nth(2)
                    .unwrap();
                after.split('±').next().unwrap().trim().parse().unwrap()
            })
            .collect();
        assert_eq!(ranked.len(), 4, "{table}");
        assert!(ranked.windows(2).all(|w| w[0] <= w[1]), "{table}");
    }

    #[test]
    fn one_seed_per_variant_is_exactly_the_train_run() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("s.csv");
        let out = bin()
            .args([
                "sweep",
                "--dataset",
                "xor",
                "--lr",
                "0.03",
                "--seed",
                "5,6",
                "--epochs",
                "30",
                "--quiet",
            ])
            .arg("--csv")
            .arg(&csv)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&csv).unwrap();
        let row: Vec<&str> = text.lines().nth(2).unwrap().split(',').collect();
        assert_eq!(&row[..3], ["xor", "0.03", "6"]);
        let (train, test) = train_alone(&["--lr", "0.03", "--seed", "6"], dir.path());
        assert_eq!(row[6].parse::<f64>().unwrap(), test);
        assert_eq!(row[8].parse::<f64>().unwrap(), train);
        assert_eq!(row[7], "", "one run has no spread");
    }

    #[test]
    fn every_setting_of_train_can_be_swept() {
        use clap::CommandFactory;
        let cli = neural_sandbox::cli::Cli::command();
        let flags = |name: &str| -> Vec<String> {
            cli.find_subcommand(name)
                .unwrap()
                .get_arguments()
                .filter_map(|a| a.get_long().map(str::to_string))
                .collect()
        };
        let sweep = flags("sweep");
        // Where a run writes its own files, and how it prints, are not settings of the run.
        let outputs = ["csv", "save-network", "save-data", "save-config", "quiet"];
        for flag in flags("train") {
            if !outputs.contains(&flag.as_str()) {
                assert!(sweep.contains(&flag), "train --{flag} cannot be swept");
            }
        }
    }

    #[test]
    fn bad_sweeps_are_refused_before_anything_trains() {
        for (args, expect) in [
            (vec!["--lr", "0.03,fast"], "fast"),
            (vec!["--lr", "0.03,,0.3"], "empty value"),
            (vec!["--layers", "4,2;"], "empty value"),
            (vec!["--dataset", "spiral,moon"], "moon"),
            (vec!["--seeds", "0"], "--seeds"),
            (vec!["--seed", "1,2", "--seeds", "3"], "not both"),
            (vec!["--threads", "0"], "--threads"),
            (
                vec!["--lr", &"0.1,".repeat(200)[..799], "--seeds", "100"],
                "at most",
            ),
        ] {
            let out = bin()
                .arg("sweep")
                .args(&args)
                .args(["--epochs", "5", "--quiet"])
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
            assert!(err.contains(expect), "{args:?}: {err}");
            assert!(!err.contains("panicked"), "{err}");
        }
    }
}

fn playground_links() -> Vec<(String, String, Vec<(u64, f64, f64)>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/playground-links");
    let mut runs = Vec::new();
    for entry in std::fs::read_dir(root).unwrap() {
        let dir = entry.unwrap().path();
        if dir.is_dir() {
            let link = std::fs::read_to_string(dir.join("link.txt")).unwrap();
            let losses = read_losses(&dir.join("playground_losses.csv"));
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            runs.push((name, link.trim().to_string(), losses));
        }
    }
    runs.sort_by(|a, b| a.0.cmp(&b.0));
    runs
}

/// A link from the real Playground gives the page's own data and initial weights: the 50-epoch
/// loss curves the page's code computes for these links (made with its `nn.ts`, `dataset.ts` and
/// `seedrandom`) are reproduced by `train --playground-url`, printed line by line.
#[test]
fn playground_links_give_the_pages_own_run() {
    let runs = playground_links();
    assert_eq!(runs.len(), 5);
    for (name, link, expected) in runs {
        let args = TrainArgs {
            playground_url: Some(link),
            epochs: 50,
            quiet: true,
            ..TrainArgs::default()
        };
        let mut out = Vec::new();
        assert_eq!(run_train(&args, &mut out), Outcome::Done, "{name}");
        let out = String::from_utf8(out).unwrap();
        let rows: Vec<&str> = out.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(rows[0], "epoch,train_loss,test_loss", "{name}");
        assert_eq!(rows.len(), expected.len() + 1, "{name}");
        let mut worst: f64 = 0.0;
        for (row, (epoch, train, test)) in rows[1..].iter().zip(&expected) {
            let fields: Vec<f64> = row.split(',').map(|v| v.parse().unwrap()).collect();
            assert_eq!(fields[0] as u64, *epoch, "{name}");
            for (ours, theirs) in [(fields[1], *train), (fields[2], *test)] {
                worst = max_or_nan(worst, (ours - theirs).abs() / theirs.abs());
            }
        }
        assert!(worst <= 1e-9, "{name}: relative difference {worst}");
    }
}

#[test]
fn a_broken_playground_link_names_what_is_wrong() {
    let args = TrainArgs {
        playground_url: Some("https://playground.tensorflow.org/#activation=swish&seed=1".into()),
        quiet: true,
        ..TrainArgs::default()
    };
    match run_train(&args, &mut Vec::new()) {
        Outcome::BadInput(message) => assert!(message.contains("activation=swish"), "{message}"),
        other => panic!("{other:?}"),
    }
}

mod cluster_sweeps {
    //! Issue 29, part 3: a sweep cut into slices (run as separate processes, as a cluster's
    //! job engine runs them) and merged is byte for byte the unsplit sweep; the examples for
    //! Kubernetes and SLURM in `deploy/cluster` run as written.
    use super::*;

    fn bin_dir() -> PathBuf {
        Path::new(env!("CARGO_BIN_EXE_neural-sandbox"))
            .parent()
            .unwrap()
            .to_path_buf()
    }

    /// `neural-sandbox` on the PATH, as in the examples.
    fn path_with_bin() -> std::ffi::OsString {
        let mut paths = vec![bin_dir()];
        if let Some(old) = std::env::var_os("PATH") {
            paths.extend(std::env::split_paths(&old));
        }
        std::env::join_paths(paths).unwrap()
    }

    fn sweep(dir: &Path, args: &[&str], env: &[(&str, String)]) -> std::process::Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_neural-sandbox"));
        command.current_dir(dir).arg("sweep").args(args);
        command
            .env_remove("JOB_COMPLETION_INDEX")
            .env_remove("SLURM_ARRAY_TASK_ID");
        for (k, v) in env {
            command.env(k, v);
        }
        command.output().unwrap()
    }

    fn ok(out: &std::process::Output) {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    const GRID: [&str; 10] = [
        "--dataset",
        "xor",
        "--lr",
        "0.03,0.3,3",
        "--activation",
        "tanh,relu",
        "--epochs",
        "30",
        "--seeds",
        "2",
    ];

    #[test]
    fn three_slices_merge_into_the_unsplit_sweep_byte_for_byte() {
        let dir = temp_dir();
        let d = dir.path();
        let mut whole = GRID.to_vec();
        whole.extend(["--quiet", "--csv", "whole.csv"]);
        ok(&sweep(d, &whole, &[]));
        // Slices by number, each its own process; one merge in any order.
        for k in 1..=3 {
            let shard = format!("{k}/3");
            let csv = format!("slice-{k}.csv");
            let mut args = GRID.to_vec();
            args.extend(["--quiet", "--shard", &shard, "--csv", &csv]);
            ok(&sweep(d, &args, &[]));
        }
        let merged = sweep(
            d,
            &[
                "merge",
                "slice-3.csv",
                "slice-1.csv",
                "slice-2.csv",
                "--csv",
                "merged.csv",
            ],
            &[],
        );
        ok(&merged);
        let whole = std::fs::read(d.join("whole.csv")).unwrap();
        assert_eq!(std::fs::read(d.join("merged.csv")).unwrap(), whole);
        let table = String::from_utf8_lossy(&merged.stdout);
        assert!(
            table.contains("6 variants x 2 seeds = 12 runs of 30 epochs"),
            "{table}"
        );
        // The same sweep in 5 slices: the same runs, the same merge.
        for k in 1..=5 {
            let shard = format!("{k}/5");
            let csv = format!("five-{k}.csv");
            let mut args = GRID.to_vec();
            args.extend(["--quiet", "--shard", &shard, "--csv", &csv]);
            ok(&sweep(d, &args, &[]));
        }
        let five: Vec<String> = (1..=5).map(|k| format!("five-{k}.csv")).collect();
        let mut args = vec!["merge"];
        args.extend(five.iter().map(String::as_str));
        args.extend(["--csv", "-"]);
        let out = sweep(d, &args, &[]);
        ok(&out);
        assert_eq!(out.stdout, whole);

        // Refused: a missing slice, a slice twice, slices of another sweep, a cut slice.
        let refused = |args: &[&str], needle: &str| {
            let out = sweep(d, args, &[]);
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            let e = String::from_utf8_lossy(&out.stderr);
            assert!(e.contains(needle), "{args:?}: {e}");
        };
        refused(
            &["merge", "slice-1.csv", "slice-3.csv", "--csv", "m.csv"],
            "slice 2 of 3 of sweep",
        );
        refused(
            &[
                "merge",
                "slice-1.csv",
                "slice-1.csv",
                "slice-2.csv",
                "slice-3.csv",
            ],
            "are both slice 1/3",
        );
        refused(
            &["merge", "slice-1.csv", "slice-2.csv", "five-3.csv"],
            "slices of different sweeps",
        );
        let mut other = GRID.to_vec();
        other[7] = "31";
        other.extend(["--quiet", "--shard", "2/3", "--csv", "other-2.csv"]);
        ok(&sweep(d, &other, &[]));
        refused(
            &["merge", "slice-1.csv", "other-2.csv", "slice-3.csv"],
            "slices of different sweeps",
        );
        let cut = std::fs::read_to_string(d.join("slice-2.csv")).unwrap();
        let cut: String = cut.lines().take(3).map(|l| format!("{l}\n")).collect();
        std::fs::write(d.join("cut-2.csv"), cut).unwrap();
        refused(
            &["merge", "slice-1.csv", "cut-2.csv", "slice-3.csv"],
            "is in no slice",
        );
        refused(&["merge", "whole.csv"], "is not a sweep slice's");
        refused(
            &[
                "merge",
                "slice-1.csv",
                "slice-2.csv",
                "slice-3.csv",
                "--csv",
                "slice-1.csv",
            ],
            "is also the slice file",
        );
        refused(&["--shard", "4/3", "--csv", "x.csv"], "does not exist");
        refused(
            &["--shard", "auto/3", "--csv", "x.csv"],
            "JOB_COMPLETION_INDEX",
        );
        refused(&["--shard", "1/3"], "give --csv");
    }

    /// The text of the `neural-sandbox sweep ...` command in an example, joined into one line.
    fn example_command(text: &str) -> String {
        let mut lines = text
            .lines()
            .skip_while(|l| !l.trim_start().starts_with("neural-sandbox sweep"));
        let first = lines.next().expect("the example runs neural-sandbox sweep");
        let indent = first.len() - first.trim_start().len();
        let mut command = first.trim().trim_end_matches('\\').to_string();
        for line in lines {
            let trimmed = line.trim();
            if trimmed.is_empty() || line.len() - line.trim_start().len() < indent {
                break;
            }
            command.push(' ');
            command.push_str(trimmed.trim_end_matches('\\'));
        }
        command
    }

    fn unsplit(command: &str) -> Vec<String> {
        // The same sweep on one machine: without --shard, and its own CSV.
        let words: Vec<&str> = command.split_whitespace().collect();
        let mut args = Vec::new();
        let mut skip = false;
        for w in &words[2..] {
            if skip {
                skip = false;
                continue;
            }
            if *w == "--shard" || *w == "--csv" {
                skip = true;
                continue;
            }
            args.push(w.to_string());
        }
        args.extend(["--csv".into(), "whole.csv".into()]);
        args
    }

    #[test]
    fn the_kubernetes_indexed_job_example_runs_and_merges() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/cluster");
        let yaml = std::fs::read_to_string(root.join("sweep-indexed-job.yaml")).unwrap();
        assert!(yaml.contains("completionMode: Indexed"));
        let completions: usize = yaml
            .lines()
            .find_map(|l| l.trim().strip_prefix("completions:"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(yaml.contains(r#"command: ["sh", "-c"]"#));
        let command = example_command(&yaml);
        let dir = temp_dir();
        let results = dir.path().join("results");
        std::fs::create_dir(&results).unwrap();
        // The volume mounted at /results is a folder here.
        let local = command.replace("/results", &results.display().to_string());
        for index in 0..completions {
            let out = Command::new("sh")
                .arg("-c")
                .arg(&local)
                .current_dir(dir.path())
                .env("PATH", path_with_bin())
                .env("JOB_COMPLETION_INDEX", index.to_string())
                .env_remove("SLURM_ARRAY_TASK_ID")
                .output()
                .unwrap();
            ok(&out);
        }
        let slices: Vec<String> = (0..completions)
            .map(|k| results.join(format!("slice-{k}.csv")).display().to_string())
            .collect();
        let mut merge = vec!["merge"];
        merge.extend(slices.iter().map(String::as_str));
        merge.extend(["--csv", "merged.csv"]);
        ok(&sweep(dir.path(), &merge, &[]));
        let whole: Vec<String> = unsplit(&command);
        let whole: Vec<&str> = whole.iter().map(String::as_str).collect();
        ok(&sweep(dir.path(), &whole, &[]));
        assert_eq!(
            std::fs::read(dir.path().join("merged.csv")).unwrap(),
            std::fs::read(dir.path().join("whole.csv")).unwrap()
        );
    }

    #[test]
    fn the_slurm_job_array_example_runs_and_merges() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/cluster");
        let script = root.join("sweep-array.slurm");
        let text = std::fs::read_to_string(&script).unwrap();
        let range = text
            .lines()
            .find_map(|l| l.strip_prefix("#SBATCH --array="))
            .unwrap();
        let (first, last) = range.split_once('-').unwrap();
        let (first, last): (u64, u64) = (first.parse().unwrap(), last.parse().unwrap());
        let dir = temp_dir();
        for task in first..=last {
            let out = Command::new("bash")
                .arg(&script)
                .current_dir(dir.path())
                .env("PATH", path_with_bin())
                .env("SLURM_ARRAY_TASK_ID", task.to_string())
                .env("SLURM_ARRAY_TASK_MIN", first.to_string())
                .env_remove("JOB_COMPLETION_INDEX")
                .output()
                .unwrap();
            ok(&out);
        }
        let slices: Vec<String> = (first..=last)
            .map(|k| format!("results/slice-{k}.csv"))
            .collect();
        let mut merge = vec!["merge"];
        merge.extend(slices.iter().map(String::as_str));
        merge.extend(["--csv", "sweep.csv"]);
        ok(&sweep(dir.path(), &merge, &[]));
        let command = example_command(&text).replace('"', "");
        let whole: Vec<String> = unsplit(&command);
        let whole: Vec<&str> = whole.iter().map(String::as_str).collect();
        ok(&sweep(dir.path(), &whole, &[]));
        assert_eq!(
            std::fs::read(dir.path().join("sweep.csv")).unwrap(),
            std::fs::read(dir.path().join("whole.csv")).unwrap()
        );
    }
}
