use super::*;

fn level_text() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/levels/03-circle.ron")).unwrap()
}

#[test]
fn a_shipped_level_parses() {
    let level = Level::parse(&level_text(), "03-circle.ron").unwrap();
    assert_eq!(level.id, "circle");
    assert_eq!(level.stars.len(), 3);
    assert_eq!(level.start_config().limits.max_hidden_layers, 2);
    assert_eq!(level.solution_config().hidden_layers, vec![3]);
}

#[test]
fn syntax_errors_name_the_line() {
    let broken = level_text().replacen("title: \"The circle\",", "title: \"The circle\"", 1);
    let errors = Level::parse(&broken, "c.ron").unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].file, "c.ron");
    assert!(errors[0].line >= 3 && errors[0].line <= 5, "{}", errors[0]);
    let unknown = level_text().replacen("order: 3,", "order: 3,\n    colour: \"red\",", 1);
    let e = Level::parse(&unknown, "c.ron").unwrap_err()[0].to_string();
    assert!(e.starts_with("c.ron:5:") && e.contains("colour"), "{e}");
}

#[test]
fn semantic_errors_each_with_their_line() {
    let bad = level_text()
        .replacen(
            "goal: TestAccuracy(at_least: 0.95)",
            "goal: TestAccuracy(at_least: 95)",
            1,
        )
        .replacen("epoch_budget: 400", "epoch_budget: 0", 1)
        .replacen("noise: 0,", "noise: 80,", 1)
        .replacen("hidden_layers: [3],", "hidden_layers: [3, 3, 3],", 1);
    let errors = Level::parse(&bad, "c.ron").unwrap_err();
    let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    let find = |needle: &str| {
        errors
            .iter()
            .find(|e| e.message.contains(needle))
            .unwrap_or_else(|| panic!("no error about {needle}: {text:?}"))
    };
    assert_eq!(
        find("accuracy goal 95").line,
        crate::names::ron_field_line(&bad, &["goal", "at_least"])
    );
    assert!(find("accuracy goal 95").line > 0);
    assert!(find("epoch_budget 0").line > 0);
    assert!(find("noise = 80").line > 0);
    assert!(
        find("solution: hidden_layers")
            .message
            .contains("at most 2 hidden layers")
    );
}

#[test]
fn judging_finds_the_first_winning_epoch_and_the_stars() {
    let level = Level::parse(&level_text(), "c.ron").unwrap();
    let stats = |epoch, acc| EpochStats {
        epoch,
        train_loss: 0.1,
        test_loss: 0.1,
        train_accuracy: Some(acc),
        test_accuracy: Some(acc),
    };
    let e = Experiment::new(level.solution_config()).unwrap();
    let history = vec![stats(0, 0.5), stats(1, 0.9), stats(2, 0.96), stats(3, 0.99)];
    let outcome = judge(&level, &history, e.network());
    assert_eq!(outcome.solved_at, Some(2));
    assert_eq!(outcome.stars, vec![true, true, true]);
    let late = vec![stats(0, 0.5), stats(300, 0.97)];
    let outcome = judge(&level, &late, e.network());
    assert_eq!(
        outcome.stars,
        vec![true, true, false],
        "too late for the epoch star"
    );
    let over = vec![stats(0, 0.5), stats(401, 0.99)];
    assert_eq!(
        judge(&level, &over, e.network()).solved_at,
        None,
        "past the budget"
    );
    let big = Experiment::new(ExperimentConfig {
        hidden_layers: vec![8],
        ..level.start_config()
    })
    .unwrap();
    assert_eq!(
        judge(&level, &history, big.network()).stars,
        vec![true, false, true]
    );
}

#[test]
fn goals_after_an_epoch_ignore_earlier_epochs() {
    let goal = Goal::TestLoss {
        at_most: 0.3,
        after_epoch: 400,
    };
    let s = |epoch, loss| EpochStats {
        epoch,
        train_loss: loss,
        test_loss: loss,
        train_accuracy: None,
        test_accuracy: None,
    };
    assert!(!goal.met(&s(100, 0.1)));
    assert!(goal.met(&s(400, 0.29)));
    assert!(!goal.met(&s(450, f64::NAN)));
    assert!(goal.describe().contains("from epoch 400"));
}

#[test]
fn the_index_lists_every_level_once() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/levels"));
    let (files, problems) = load_dir(dir);
    assert!(problems.is_empty(), "{problems:?}");
    assert!(files.len() >= 8);
    let mut orders: Vec<u32> = files
        .iter()
        .map(|f| f.level.as_ref().unwrap().order())
        .collect();
    orders.sort();
    orders.dedup();
    assert_eq!(orders.len(), files.len(), "every level has its own place");
}

#[test]
fn a_folder_with_problems_reports_each() {
    let dir = tempfile::tempdir().unwrap();
    let good = level_text();
    std::fs::write(dir.path().join("a.ron"), &good).unwrap();
    std::fs::write(dir.path().join("b.ron"), &good).unwrap();
    std::fs::write(dir.path().join("c.ron"), "(id: ").unwrap();
    std::fs::write(dir.path().join("stray.ron"), &good).unwrap();
    std::fs::write(
        dir.path().join(INDEX_FILE),
        "[\"a.ron\", \"b.ron\", \"c.ron\", \"gone.ron\"]",
    )
    .unwrap();
    let (files, problems) = load_dir(dir.path());
    assert_eq!(files.len(), 4);
    assert!(files[0].level.is_ok());
    assert!(files[2].level.is_err());
    assert!(
        files[3].level.as_ref().unwrap_err()[0]
            .message
            .contains("cannot be read")
    );
    let text: Vec<String> = problems.iter().map(|e| e.to_string()).collect();
    assert!(
        text.iter()
            .any(|t| t.contains("stray.ron") && t.contains("not listed")),
        "{text:?}"
    );
    assert!(text.iter().any(|t| t.contains("already used")), "{text:?}");
    std::fs::write(dir.path().join(INDEX_FILE), "[\"a.ron\"").unwrap();
    let (_, problems) = load_dir(dir.path());
    assert!(
        problems[0].to_string().contains("index.ron:1"),
        "{problems:?}"
    );
}

#[test]
fn the_example_in_the_levels_readme_is_a_valid_level() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/levels/README.md")).unwrap();
    let start = readme.find("```ron\n").unwrap() + "```ron\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let level = Level::parse(&readme[start..end], "README.md").unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(level.palette.max_total_neurons, Some(8));
    let outcome = play(&level, level.solution_config()).unwrap();
    assert!(
        outcome.outcome.solved_at.is_some(),
        "the example's solution works"
    );
}

mod gan_levels {
    use super::super::gan::*;
    use super::super::{AnyLevel, Level};
    use crate::gan::{Distribution, GanSettings};

    fn text(name: &str) -> String {
        std::fs::read_to_string(format!("{}/levels/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn parse(text: &str) -> Result<GanLevel, Vec<String>> {
        match AnyLevel::parse(text, "g.ron") {
            Ok(AnyLevel::Gan(level)) => Ok(level),
            Ok(_) => panic!("read as a level of another mode"),
            Err(errors) => Err(errors.iter().map(|e| e.to_string()).collect()),
        }
    }

    #[test]
    fn shipped_gan_levels_parse_with_their_presets() {
        let ring = parse(&text("12-gan-ring.ron")).unwrap();
        assert_eq!(
            ring.start_settings(),
            GanSettings {
                seed: 1,
                ..GanSettings::preset(Distribution::Ring)
            }
        );
        let collapse = parse(&text("14-gan-collapse.ron")).unwrap();
        let s = collapse.start_settings();
        assert_eq!((s.g_neurons, s.d_neurons, s.seed), (24, 24, 3));
        assert_eq!(s.loss, crate::gan::GanLoss::LeastSquares);
        assert_eq!(collapse.solution.phases.len(), 2);
        // A Playground level is still one, with or without its mode.
        let circle = std::fs::read_to_string(format!(
            "{}/levels/03-circle.ron",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let marked = circle.replacen("(\n", "(\n    mode: \"playground\",\n", 1);
        assert!(matches!(
            AnyLevel::parse(&marked, "c.ron"),
            Ok(AnyLevel::Playground(Level { .. }))
        ));
        let unknown = circle.replacen("(\n", "(\n    mode: \"rnn\",\n", 1);
        let e = AnyLevel::parse(&unknown, "c.ron").unwrap_err()[0].to_string();
        assert!(
            e.starts_with("c.ron:2:") && e.contains("playground, gan or cnn"),
            "{e}"
        );
    }

    #[test]
    fn every_mistake_in_a_gan_level_is_named_with_its_line() {
        let good = text("14-gan-collapse.ron");
        let bad = good
            .replacen(
                "goal: CollapseThenFix(at_most: 0.25)",
                "goal: CollapseThenFix(at_most: 2.5)",
                1,
            )
            .replacen(
                "stars: [Goal, WithinEpochs(2500)]",
                "stars: [Goal, WithinEpochs(9000)]",
                1,
            )
            .replacen(
                "(at_epoch: 1500, changes: (k_d: 2))",
                "(at_epoch: 1500, changes: (k_d: 2, g_neurons: 5))",
                1,
            )
            .replacen("\"optimizers\"]", "\"optimizers\", \"noise\"]", 1);
        let errors = parse(&bad).unwrap_err();
        let all = errors.join("\n");
        assert!(all.contains("the goal's JS 2.5"), "{all}");
        assert!(all.contains("WithinEpochs(9000)"), "{all}");
        assert!(
            all.contains("architecture"),
            "a locked setting in a phase: {all}"
        );
        assert!(all.contains("needs a new run"), "{all}");
        for e in &errors {
            assert!(e.starts_with("g.ron:") && !e.starts_with("g.ron:0"), "{e}");
        }
        let unknown = good.replacen("\"steps\",", "\"speed\",", 1);
        let e = parse(&unknown).unwrap_err().join("\n");
        assert!(e.contains("speed") && e.contains("learning_rates"), "{e}");
        let drawing = good.replacen("preset: \"gaussians\"", "preset: \"drawing\"", 1);
        let e = parse(&drawing).unwrap_err().join("\n");
        assert!(e.contains("cannot start from a drawing"), "{e}");
    }

    #[test]
    fn a_level_refuses_what_it_locks_and_names_what_is_open() {
        let level = parse(&text("15-gan-calm-the-swings.ron")).unwrap();
        let start = level.start_settings();
        let calmer = GanSettings {
            learning_rate_g: 0.03,
            ..start.clone()
        };
        assert_eq!(level.refusal(&start, &calmer), None);
        let bigger = GanSettings {
            g_neurons: 30,
            ..start.clone()
        };
        let why = level.refusal(&start, &bigger).unwrap();
        assert!(
            why.contains("architecture") && why.contains("learning_rates"),
            "{why}"
        );
        let other_data = GanSettings {
            distribution: Distribution::Ring,
            ..start.clone()
        };
        assert!(
            level
                .refusal(&start, &other_data)
                .unwrap()
                .contains("fixed")
        );
    }

    #[test]
    fn the_judge_needs_a_collapse_after_the_fakes_spread_and_stops_at_the_budget() {
        let level = parse(&text("14-gan-collapse.ron")).unwrap();
        let untouched = play(&level, &[]).unwrap();
        assert_eq!(untouched.judge.solved_at, None);
        assert_eq!(
            untouched.judge.collapse_seen_at, None,
            "a healthy run never collapses"
        );
        assert!(untouched.judge.spread_seen);
        let answer = play(&level, &level.solution.phases).unwrap();
        let collapsed = answer
            .judge
            .collapse_seen_at
            .expect("k_D 0 makes it collapse");
        assert!((1000..1500).contains(&collapsed), "{collapsed}");
        let solved = answer.judge.solved_at.unwrap();
        assert!(solved > 1500 && solved <= level.epoch_budget);
        assert!(answer.judge.js_at_solve.unwrap() <= 0.25);
        assert_eq!(answer.stars, vec![true, solved <= 2500]);
        // Judged on every tenth epoch only, never past the budget.
        assert_eq!(solved % MEASURE_EVERY, 0);
        let best = untouched.judge.best.unwrap();
        assert!(best.1 <= level.epoch_budget && best.1.is_multiple_of(MEASURE_EVERY));
    }
}
