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
        .map(|f| f.level.as_ref().unwrap().order)
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
