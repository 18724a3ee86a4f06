//! A whole experiment as one file: the settings, the data (generated or the student's own),
//! the network's weights and the history of losses, so a classmate who opens it sees the same
//! run and can go on training it. JSON, with a format name and a version: a file from a newer
//! version, or a damaged one, is refused with the reason, and nothing is changed.
//!
//! Not kept: the optimiser's running averages (momentum, Adam), which start afresh; with the
//! Playground's plain SGD training continues exactly.

use serde::{Deserialize, Serialize};

use super::{EpochStats, Experiment, ExperimentConfig};
use crate::data::{Data, Example};
use crate::nn::weights_file::{network_to_json, parse_network};

/// The `format` field of every experiment file.
pub const FORMAT: &str = "neural-sandbox-experiment";
/// The version this build writes and the newest it reads.
pub const VERSION: u32 = 1;
/// The largest file read (a drawing has at most 2,000 points; a long history 8,192 entries).
pub const MAX_BYTES: usize = crate::limits::FileKind::Experiment.max_bytes() as usize;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExperimentFile {
    format: String,
    version: u32,
    config: ExperimentConfig,
    /// The name of the student's own data (a drawing, a file), or none for generated data.
    own_data: Option<String>,
    /// Points as [x1, x2, label].
    train: Vec<[f64; 3]>,
    test: Vec<[f64; 3]>,
    /// The network, in the format of `train --weights`.
    network: serde_json::Value,
    /// [epoch, train loss, test loss, train accuracy, test accuracy] (accuracies null for
    /// regression), oldest first.
    history: Vec<(u64, f64, f64, Option<f64>, Option<f64>)>,
}

fn points(set: &[Example]) -> Vec<[f64; 3]> {
    set.iter().map(|e| [e.x1, e.x2, e.label]).collect()
}

fn examples(set: &[[f64; 3]]) -> Vec<Example> {
    set.iter().map(|p| Example::new(p[0], p[1], p[2])).collect()
}

/// The experiment as a file's text.
pub fn to_json(experiment: &Experiment) -> String {
    let file = ExperimentFile {
        format: FORMAT.into(),
        version: VERSION,
        config: experiment.config().clone(),
        own_data: experiment.data_from_file().map(str::to_string),
        train: points(&experiment.data().train),
        test: points(&experiment.data().test),
        network: serde_json::from_str(&network_to_json(experiment.network()))
            .unwrap_or(serde_json::Value::Null),
        history: experiment
            .history()
            .iter()
            .map(|s| {
                (
                    s.epoch,
                    s.train_loss,
                    s.test_loss,
                    s.train_accuracy,
                    s.test_accuracy,
                )
            })
            .collect(),
    };
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// Reads an experiment file; `name` names it in messages.
pub fn from_json(text: &str, name: &str) -> Result<Experiment, String> {
    let text = crate::limits::without_bom(text);
    let fail = |what: String| format!("{name}: {what}");
    if text.len() > MAX_BYTES {
        return Err(fail(format!(
            "{} MB is too large for an experiment file",
            text.len() / 1_000_000
        )));
    }
    // The format and version first, so a newer file gets that message rather than a field's
    // (read without building the rest: every other field is skipped).
    #[derive(Deserialize)]
    struct Head {
        format: Option<serde_json::Value>,
        version: Option<serde_json::Value>,
    }
    let head: Head =
        serde_json::from_str(text).map_err(|e| fail(format!("not an experiment file ({e})")))?;
    if head.format.as_ref().and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(fail(format!(
            "not an experiment file (no \"format\": \"{FORMAT}\")"
        )));
    }
    match head.version.as_ref().and_then(|v| v.as_u64()) {
        Some(v) if v > u64::from(VERSION) => {
            return Err(fail(format!(
                "made by a newer Neural Sandbox (file version {v}; this one reads up to {VERSION}): update the game to open it"
            )));
        }
        Some(_) => {}
        None => return Err(fail("its \"version\" is missing".into())),
    }
    let file: ExperimentFile =
        serde_json::from_str(text).map_err(|e| fail(format!("damaged: {e}")))?;
    let mut experiment = Experiment::new(file.config.clone()).map_err(|e| fail(e.to_string()))?;
    let data = Data {
        train: examples(&file.train),
        test: examples(&file.test),
    };
    // Generated data is made again from the settings; if this build makes other points (or the
    // data was the student's own), the file's points are used as they are.
    if file.own_data.is_some() || experiment.data() != &data {
        let data_name = file
            .own_data
            .clone()
            .unwrap_or_else(|| "the saved data".into());
        experiment
            .use_own_data(data, &data_name)
            .map_err(|e| fail(e.to_string()))?;
    }
    let network = parse_network(&file.network.to_string(), name).map_err(|e| e.to_string())?;
    experiment
        .set_initial_network(network)
        .map_err(|e| fail(e.to_string()))?;
    if experiment.config().hidden_layers != file.config.hidden_layers
        || experiment.config().features != file.config.features
    {
        return Err(fail(
            "its network does not have the layers its settings name".into(),
        ));
    }
    let history: Vec<EpochStats> = file
        .history
        .iter()
        .map(
            |&(epoch, train_loss, test_loss, train_accuracy, test_accuracy)| EpochStats {
                epoch,
                train_loss,
                test_loss,
                train_accuracy,
                test_accuracy,
            },
        )
        .collect();
    experiment
        .restore_history(&history)
        .map_err(|e| fail(format!("its history: {e}")))?;
    Ok(experiment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::DatasetKind;

    fn trained() -> Experiment {
        let mut e = Experiment::new(ExperimentConfig {
            dataset: DatasetKind::Spiral,
            hidden_layers: vec![6, 3],
            learning_rate: 0.1,
            ..ExperimentConfig::default()
        })
        .unwrap();
        e.step(40);
        e
    }

    #[test]
    fn an_experiment_comes_back_whole_and_trains_on_exactly() {
        let mut original = trained();
        let mut opened = from_json(&to_json(&original), "run.json").unwrap();
        assert_eq!(opened.config(), original.config());
        assert_eq!(opened.data(), original.data());
        assert_eq!(opened.network(), original.network());
        assert_eq!(opened.epoch(), 40);
        assert_eq!(opened.history(), original.history());
        assert_eq!(
            opened.data_from_file(),
            None,
            "generated data stays generated"
        );
        // Plain SGD keeps no state: both go on to the same numbers.
        original.step(10);
        opened.step(10);
        assert_eq!(opened.latest(), original.latest());
    }

    #[test]
    fn own_points_come_back_with_their_name() {
        let mut e = Experiment::new(ExperimentConfig::default()).unwrap();
        let mut drawing = crate::data::drawing::Drawing::default();
        for i in 0..12 {
            let label = if i % 2 == 0 { 1.0 } else { -1.0 };
            drawing.add(label * 2.5, f64::from(i) * 0.3 - 2.0, label);
        }
        e.use_own_data(drawing.data(), "your drawing").unwrap();
        e.step(5);
        let opened = from_json(&to_json(&e), "mine.json").unwrap();
        assert_eq!(opened.data(), e.data());
        assert_eq!(opened.data_from_file(), Some("your drawing"));
        assert_eq!(opened.epoch(), 5);
    }

    #[test]
    fn newer_damaged_and_foreign_files_are_refused_with_the_reason() {
        let good = to_json(&trained());
        let newer = good.replacen("\"version\": 1", "\"version\": 7", 1);
        let cases = [
            (newer, "newer"),
            (
                good.replacen(FORMAT, "something-else", 1),
                "not an experiment file",
            ),
            (good[..good.len() / 2].to_string(), "not an experiment file"),
            (
                "{\"format\": \"neural-sandbox-experiment\"}".to_string(),
                "version",
            ),
            (
                good.replacen("\"learning_rate\": 0.1", "\"learning_rate\": 500.0", 1),
                "learning",
            ),
            (
                good.replacen("\"train\": [", "\"train\": [[1, 2],", 1),
                "damaged",
            ),
            ("[1, 2, 3]".to_string(), "not an experiment file"),
        ];
        for (text, expect) in cases {
            let message = match from_json(&text, "run.json") {
                Ok(_) => panic!("{expect}: opened"),
                Err(m) => m,
            };
            assert!(message.starts_with("run.json: "), "{message}");
            assert!(message.contains(expect), "{expect}: {message}");
        }
    }
}
