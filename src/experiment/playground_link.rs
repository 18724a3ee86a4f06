//! Links of the real TensorFlow Playground (`playground.tensorflow.org/#activation=tanh&...`):
//! read into an experiment that makes the same data and the same initial weights as the page, and
//! written from an experiment the Playground can show.
//!
//! Reading follows the page's `State.deserializeState` parameter by parameter, with one
//! difference: where the page silently keeps its default for a value it cannot use (an unknown
//! activation, a learning rate that is not a number), we refuse the link and name the parameter.
//! Parameters the page writes but that change nothing we reproduce (`collectStats`, `cosX`...)
//! and parameters it does not know are reported as notes.

use super::config::ExperimentConfig;
use crate::data::{DatasetKind, Feature, Problem};
use crate::nn::{Activation, Loss, OptimizerKind, Regularization};

/// The Playground's inputs, in the order of its `INPUTS` table (the network's input order).
const INPUTS: [(&str, Feature); 7] = [
    ("x", Feature::X1),
    ("y", Feature::X2),
    ("xSquared", Feature::X1Squared),
    ("ySquared", Feature::X2Squared),
    ("xTimesY", Feature::X1TimesX2),
    ("sinX", Feature::SinX1),
    ("sinY", Feature::SinX2),
];

/// The controls the page can hide (its `HIDABLE_CONTROLS`), with their labels.
pub const HIDABLE_CONTROLS: [(&str, &str); 15] = [
    ("showTestData", "Show test data"),
    ("discretize", "Discretize output"),
    ("playButton", "Play button"),
    ("stepButton", "Step button"),
    ("resetButton", "Reset button"),
    ("learningRate", "Learning rate"),
    ("activation", "Activation"),
    ("regularization", "Regularization"),
    ("regularizationRate", "Regularization rate"),
    ("problem", "Problem type"),
    ("dataset", "Which dataset"),
    ("percTrainData", "Ratio train data"),
    ("noise", "Noise level"),
    ("batchSize", "Batch size"),
    ("numHiddenLayers", "# of hidden layers"),
];

/// Parameters the page writes that change nothing in the run we reproduce.
const IGNORED: [(&str, &str); 5] = [
    ("cosX", "not one of the page's inputs (it ignores it too)"),
    ("cosY", "not one of the page's inputs (it ignores it too)"),
    ("collectStats", "the page's statistics option"),
    ("tutorial", "the page's tutorial texts are not included"),
    ("hideText", "the page's text"),
];

/// The seed used for a link without one (the page would draw a random one, which no one can
/// reproduce; this one is written into the sandbox's own Playground link).
pub const FALLBACK_SEED: &str = "0.00001";

/// Longest link read (a full Playground link is about 400 characters).
pub const MAX_LINK_CHARS: usize = 4096;

/// A Playground link, read.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaygroundLink {
    /// The run: data and first weights from the link's seed (`playground_seed`).
    pub config: ExperimentConfig,
    pub show_test_data: bool,
    pub discretize: bool,
    /// The controls the link hides, by the page's names (`learningRate`, `x`...).
    pub hidden: Vec<String>,
    /// What was read but not used, one sentence each.
    pub notes: Vec<String>,
}

/// Whether `text` looks like a Playground link rather than one of ours: its fragment has
/// `name=value` pairs and at least one of the page's parameter names.
pub fn looks_like_playground_link(text: &str) -> bool {
    let fragment = fragment_of(text);
    !fragment.starts_with("cfg=")
        && fragment.split('&').any(|pair| {
            let name = pair.split('=').next().unwrap_or("");
            KNOWN.contains(&name) || name.ends_with("_hide")
        })
}

const KNOWN: [&str; 27] = [
    "activation",
    "regularization",
    "batchSize",
    "dataset",
    "regDataset",
    "learningRate",
    "regularizationRate",
    "noise",
    "networkShape",
    "seed",
    "showTestData",
    "discretize",
    "percTrainData",
    "x",
    "y",
    "xTimesY",
    "xSquared",
    "ySquared",
    "cosX",
    "sinX",
    "cosY",
    "sinY",
    "collectStats",
    "tutorial",
    "problem",
    "initZero",
    "hideText",
];

fn fragment_of(text: &str) -> &str {
    let text = text.trim();
    text.split_once('#').map_or(text, |(_, f)| f)
}

/// `%2C` and friends, as a chat program or a browser may have written them; a `%` that does
/// not start an escape is kept.
fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads a Playground link (the whole address or just its fragment). `fallback_seed` is used when
/// the link has none (the page would draw a random one). Every parameter that cannot be used is
/// named in the error; nothing is half-read.
pub fn parse(link: &str, fallback_seed: &str) -> Result<PlaygroundLink, Vec<String>> {
    if link.len() > MAX_LINK_CHARS {
        return Err(vec![format!(
            "the link is {} characters long; a Playground link has a few hundred",
            link.len()
        )]);
    }
    let mut values: Vec<(String, String)> = Vec::new();
    for pair in fragment_of(link).split('&') {
        if pair.trim().is_empty() {
            continue;
        }
        // The page splits on every '=' and keeps the first two pieces.
        let mut pieces = pair.split('=');
        let name = pieces.next().unwrap_or("").to_string();
        let value = percent_decode(pieces.next().unwrap_or(""));
        values.retain(|(n, _)| *n != name);
        values.push((name, value));
    }
    // Text that is neither a Playground address nor has a single one of its parameters is not
    // a link at all (a typo, or something else pasted).
    let is_address = link.contains("playground.tensorflow.org");
    let any_parameter = values.iter().any(|(n, _)| {
        KNOWN.contains(&n.as_str()) || IGNORED.iter().any(|(k, _)| k == n) || n.ends_with("_hide")
    });
    if !is_address && !any_parameter {
        return Err(vec![format!(
            "{} is not a TensorFlow Playground link: it has none of the page's parameters (such as activation=tanh&dataset=circle), and is not an address of playground.tensorflow.org",
            crate::limits::quote(link.trim())
        )]);
    }
    let get = |name: &str| {
        values
            .iter()
            .find(|(n, v)| n == name && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
    };
    let mut errors = Vec::new();
    let mut notes = Vec::new();

    fn pick<T: Copy>(
        name: &str,
        value: Option<&str>,
        table: &[(&str, T)],
        errors: &mut Vec<String>,
    ) -> Option<T> {
        let value = value?;
        match table.iter().find(|(k, _)| *k == value) {
            Some((_, v)) => Some(*v),
            None => {
                let allowed: Vec<&str> = table.iter().map(|(k, _)| *k).collect();
                errors.push(format!("{name}={value}: not one of {}", allowed.join(", ")));
                None
            }
        }
    }
    let number = |name: &str, errors: &mut Vec<String>| -> Option<f64> {
        let value = get(name)?;
        match value.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => Some(v),
            _ => {
                errors.push(format!("{name}={value}: not a number"));
                None
            }
        }
    };
    let whole = |name: &str, lo: f64, hi: f64, errors: &mut Vec<String>| -> Option<f64> {
        let v = number(name, errors)?;
        if v.fract() != 0.0 || v < lo || v > hi {
            errors.push(format!(
                "{name}={v}: the Playground's slider gives whole numbers from {lo} to {hi}"
            ));
            return None;
        }
        Some(v)
    };
    // The page reads any value but "false" as true.
    let flag = |name: &str| get(name).map(|v| v != "false");

    let mut config = ExperimentConfig::default();
    let activations = [
        ("relu", Activation::Relu),
        ("tanh", Activation::Tanh),
        ("sigmoid", Activation::Sigmoid),
        ("linear", Activation::Linear),
    ];
    if let Some(a) = pick("activation", get("activation"), &activations, &mut errors) {
        config.activation = a;
    }
    let regularizations = [
        ("none", Regularization::None),
        ("L1", Regularization::L1),
        ("L2", Regularization::L2),
    ];
    if let Some(r) = pick(
        "regularization",
        get("regularization"),
        &regularizations,
        &mut errors,
    ) {
        config.regularization = r;
    }
    let problem = pick(
        "problem",
        get("problem"),
        &[
            ("classification", Problem::Classification),
            ("regression", Problem::Regression),
        ],
        &mut errors,
    )
    .unwrap_or(Problem::Classification);
    let classification = [
        ("circle", DatasetKind::Circle),
        ("xor", DatasetKind::Xor),
        ("gauss", DatasetKind::Gauss),
        ("spiral", DatasetKind::Spiral),
    ];
    let regression = [
        ("reg-plane", DatasetKind::RegPlane),
        ("reg-gauss", DatasetKind::RegGauss),
    ];
    let dataset = pick("dataset", get("dataset"), &classification, &mut errors);
    let reg_dataset = pick("regDataset", get("regDataset"), &regression, &mut errors);
    config.dataset = match problem {
        Problem::Classification => dataset.unwrap_or(DatasetKind::Circle),
        Problem::Regression => reg_dataset.unwrap_or(DatasetKind::RegPlane),
    };
    if let Some(v) = whole("batchSize", 1.0, 30.0, &mut errors) {
        config.batch_size = v as usize;
    }
    if let Some(v) = number("learningRate", &mut errors) {
        config.learning_rate = v;
    }
    if let Some(v) = number("regularizationRate", &mut errors) {
        config.regularization_rate = v;
    }
    if let Some(v) = whole("noise", 0.0, 50.0, &mut errors) {
        config.noise = v as u32;
    }
    if let Some(v) = whole("percTrainData", 10.0, 90.0, &mut errors) {
        config.train_ratio = v as u32;
    }
    // `networkShape` is read when present at all: "networkShape=" is a network without hidden
    // layers.
    if let Some((_, shape)) = values.iter().find(|(n, _)| n == "networkShape") {
        let mut layers = Vec::new();
        let parts = if shape.trim().is_empty() {
            Vec::new()
        } else {
            shape.split(',').collect()
        };
        for part in parts {
            match part.trim().parse::<usize>() {
                Ok(n) if (1..=8).contains(&n) => layers.push(n),
                _ => {
                    errors.push(format!(
                        "networkShape={shape}: each hidden layer has 1 to 8 neurons"
                    ));
                    break;
                }
            }
        }
        if layers.len() > 6 {
            errors.push(format!("networkShape={shape}: at most 6 hidden layers"));
        }
        config.hidden_layers = layers;
    }
    if let Some(v) = flag("initZero") {
        config.init_zero = v;
    }
    let show_test_data = flag("showTestData").unwrap_or(false);
    let discretize = flag("discretize").unwrap_or(false);

    let hidden: Vec<String> = values
        .iter()
        .filter(|(n, v)| n.ends_with("_hide") && v == "true")
        .map(|(n, _)| n.trim_end_matches("_hide").to_string())
        .collect();
    for name in &hidden {
        let known = HIDABLE_CONTROLS.iter().any(|(id, _)| id == name)
            || INPUTS.iter().any(|(id, _)| id == name);
        if !known {
            notes.push(format!(
                "{name}_hide: the page has no control called {name}"
            ));
        }
    }
    // The page drops hidden inputs from the network even when they are switched on.
    let defaults_on = ["x", "y"];
    config.features = INPUTS
        .iter()
        .filter(|(name, _)| {
            let on = flag(name).unwrap_or(defaults_on.contains(name));
            on && !hidden.iter().any(|h| h == name)
        })
        .map(|(_, f)| *f)
        .collect();
    if config.features.is_empty() {
        errors.push("the link switches every input off: the network would have no input".into());
    }
    let seed = get("seed").map(str::to_string).unwrap_or_else(|| {
        notes.push(format!(
            "the link has no seed (the page would draw a random one): using {fallback_seed}"
        ));
        fallback_seed.to_string()
    });
    config.playground_seed = Some(seed);

    for (name, value) in &values {
        if let Some((_, why)) = IGNORED.iter().find(|(n, _)| n == name) {
            if *name == "cosX" || *name == "cosY" {
                if value != "false" && !value.is_empty() {
                    notes.push(format!("{name}={value}: {why}"));
                }
            } else if *name == "tutorial" && !value.is_empty() {
                notes.push(format!("{name}={value}: {why}"));
            }
        } else if !KNOWN.contains(&name.as_str()) && !name.ends_with("_hide") {
            notes.push(format!("{name}: not a Playground parameter (ignored)"));
        }
    }

    if errors.is_empty()
        && let Err(e) = config.validate(true)
    {
        errors.extend(e.0.iter().map(|f| f.to_string()));
    }
    if errors.is_empty() {
        Ok(PlaygroundLink {
            config,
            show_test_data,
            discretize,
            hidden,
            // A value is quoted back a little at most (a link may hold thousands of them).
            notes: notes
                .iter()
                .map(|n| crate::limits::tidy_message(n))
                .collect(),
        })
    } else {
        Err(errors
            .iter()
            .map(|e| crate::limits::tidy_message(e))
            .collect())
    }
}

/// The Playground link fragment (without `#`) for a configuration the page can run, every
/// parameter written in the page's own order; or why the page cannot show it. With a Playground
/// seed the page makes the same data and first weights.
pub fn fragment_for(config: &ExperimentConfig, show_test_data: bool) -> Result<String, String> {
    let mut beyond = Vec::new();
    if !config.dataset.is_playground() || config.classes != 2 {
        beyond.push("more than two classes");
    }
    if config.layer_activations.is_some() {
        beyond.push("an activation per layer");
    }
    if config.optimizer != OptimizerKind::Sgd {
        beyond.push("an optimiser other than plain gradient descent");
    }
    if config.loss != Loss::Square {
        beyond.push("a loss other than the square error");
    }
    if config.dropout > 0.0 {
        beyond.push("dropout");
    }
    if config.reshuffle_each_epoch {
        beyond.push("reshuffling every epoch");
    }
    if config.hidden_layers.len() > 6 || config.hidden_layers.iter().any(|n| *n > 8) {
        beyond.push("more than 6 layers or 8 neurons");
    }
    if !beyond.is_empty() {
        return Err(format!("the Playground has no {}", beyond.join(", no ")));
    }
    let name_of = |table: &[(&'static str, DatasetKind)], default: &'static str| {
        table
            .iter()
            .find(|(_, k)| *k == config.dataset)
            .map_or(default, |(n, _)| *n)
    };
    let classification = config.problem() == Problem::Classification;
    let dataset = name_of(
        &[
            ("circle", DatasetKind::Circle),
            ("xor", DatasetKind::Xor),
            ("gauss", DatasetKind::Gauss),
            ("spiral", DatasetKind::Spiral),
        ],
        "circle",
    );
    let reg_dataset = name_of(
        &[
            ("reg-plane", DatasetKind::RegPlane),
            ("reg-gauss", DatasetKind::RegGauss),
        ],
        "reg-plane",
    );
    let activation = match config.activation {
        Activation::Relu => "relu",
        Activation::Tanh => "tanh",
        Activation::Sigmoid => "sigmoid",
        _ => "linear",
    };
    let seed = config
        .playground_seed
        .clone()
        .unwrap_or_else(|| format!("0.{:05}", config.seed % 100_000));
    let has = |f: Feature| config.features.contains(&f);
    let shape: Vec<String> = config.hidden_layers.iter().map(|n| n.to_string()).collect();
    // The page leaves "none" out: it does not write a missing value.
    let regularization = match config.regularization {
        Regularization::None => None,
        Regularization::L1 => Some("regularization=L1"),
        Regularization::L2 => Some("regularization=L2"),
    };
    let problem = if classification {
        "classification"
    } else {
        "regression"
    };
    let pairs = [
        Some(format!("activation={activation}")),
        regularization.map(str::to_string),
        Some(format!("batchSize={}", config.batch_size)),
        Some(format!("dataset={dataset}")),
        Some(format!("regDataset={reg_dataset}")),
        Some(format!("learningRate={}", config.learning_rate)),
        Some(format!("regularizationRate={}", config.regularization_rate)),
        Some(format!("noise={}", config.noise)),
        Some(format!("networkShape={}", shape.join(","))),
        Some(format!("seed={seed}")),
        Some(format!("showTestData={show_test_data}")),
        Some("discretize=false".to_string()),
        Some(format!("percTrainData={}", config.train_ratio)),
        Some(format!("x={}", has(Feature::X1))),
        Some(format!("y={}", has(Feature::X2))),
        Some(format!("xTimesY={}", has(Feature::X1TimesX2))),
        Some(format!("xSquared={}", has(Feature::X1Squared))),
        Some(format!("ySquared={}", has(Feature::X2Squared))),
        Some("cosX=false".to_string()),
        Some(format!("sinX={}", has(Feature::SinX1))),
        Some("cosY=false".to_string()),
        Some(format!("sinY={}", has(Feature::SinX2))),
        Some("collectStats=false".to_string()),
        Some(format!("problem={problem}")),
        Some(format!("initZero={}", config.init_zero)),
        Some("hideText=false".to_string()),
    ];
    Ok(pairs.into_iter().flatten().collect::<Vec<_>>().join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT_PAGE: &str = "https://playground.tensorflow.org/#activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03&regularizationRate=0&noise=0&networkShape=4,2&seed=0.80412&showTestData=false&discretize=false&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false&problem=classification&initZero=false&hideText=false";

    #[test]
    fn the_default_page_reads_as_the_defaults_with_its_seed() {
        let link = parse(DEFAULT_PAGE, "0.5").unwrap();
        let expected = ExperimentConfig {
            playground_seed: Some("0.80412".into()),
            ..ExperimentConfig::default()
        };
        assert_eq!(link.config, expected);
        assert!(link.notes.is_empty(), "{:?}", link.notes);
        assert!(link.hidden.is_empty());
        assert!(looks_like_playground_link(DEFAULT_PAGE));
        assert!(!looks_like_playground_link("#cfg=eyJhIjoxfQ"));
    }

    #[test]
    fn writing_and_reading_a_link_gives_the_same_run() {
        let link = parse(
            "#activation=relu&regularization=L1&batchSize=7&dataset=spiral&learningRate=0.1&regularizationRate=0.003&noise=15&networkShape=8,,3&seed=abc&percTrainData=70&xSquared=true&sinY=true&x=false&initZero=true",
            "0.5",
        );
        // "8,,3" has an empty layer.
        assert!(link.unwrap_err()[0].starts_with("networkShape="));
        let link = parse(
            "#activation=relu&regularization=L1&batchSize=7&dataset=spiral&learningRate=0.1&regularizationRate=0.003&noise=15&networkShape=8,3&seed=abc&percTrainData=70&xSquared=true&sinY=true&x=false&initZero=true",
            "0.5",
        )
        .unwrap();
        let c = &link.config;
        assert_eq!(c.activation, Activation::Relu);
        assert_eq!(c.regularization, Regularization::L1);
        assert_eq!((c.batch_size, c.noise, c.train_ratio), (7, 15, 70));
        assert_eq!(c.hidden_layers, vec![8, 3]);
        assert_eq!(
            c.features,
            vec![Feature::X2, Feature::X1Squared, Feature::SinX2]
        );
        assert!(c.init_zero);
        let written = fragment_for(c, false).unwrap();
        let again = parse(&written, "0.5").unwrap();
        assert_eq!(again.config, *c);
        assert!(again.notes.is_empty(), "{:?}", again.notes);
    }

    #[test]
    fn broken_values_are_named_and_nothing_is_read() {
        let errors = parse(
            "#activation=swish&learningRate=fast&noise=12.5&batchSize=0&dataset=moons",
            "0.5",
        )
        .unwrap_err();
        for name in [
            "activation=swish",
            "learningRate=fast",
            "noise=12.5",
            "batchSize=0",
            "dataset=moons",
        ] {
            assert!(
                errors.iter().any(|e| e.starts_with(name)),
                "{name} not named in {errors:?}"
            );
        }
        assert!(parse("#x=false&y=false", "0.5").is_err());
        assert!(parse(&"a".repeat(MAX_LINK_CHARS + 1), "0.5").is_err());
        // A learning rate the config refuses is named by the configuration's check.
        assert!(parse("#learningRate=1000", "0.5").is_err());
    }

    #[test]
    fn unknown_parameters_and_hidden_controls_are_reported() {
        let link = parse(
            "#seed=0.1&foo=1&learningRate_hide=true&x_hide=true&wobble_hide=true&cosX=true&networkShape=",
            "0.5",
        )
        .unwrap();
        assert_eq!(link.hidden, vec!["learningRate", "x", "wobble"]);
        // The hidden input is not in the network, as on the page.
        assert_eq!(link.config.features, vec![Feature::X2]);
        assert!(link.config.hidden_layers.is_empty());
        for word in ["foo", "wobble", "cosX"] {
            assert!(
                link.notes.iter().any(|n| n.contains(word)),
                "{word}: {:?}",
                link.notes
            );
        }
        let unseeded = parse("#noise=5", "0.77").unwrap();
        assert_eq!(unseeded.config.playground_seed.as_deref(), Some("0.77"));
        assert!(unseeded.notes[0].contains("no seed"));
    }

    #[test]
    fn percent_escapes_are_read() {
        let link = parse("#networkShape=3%2C2&seed=0.1", "0.5").unwrap();
        assert_eq!(link.config.hidden_layers, vec![3, 2]);
        assert_eq!(percent_decode("50%"), "50%");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
    }

    #[test]
    fn configurations_beyond_the_page_say_why() {
        let config = ExperimentConfig {
            optimizer: OptimizerKind::Adam,
            dropout: 0.2,
            ..ExperimentConfig::default()
        };
        let why = fragment_for(&config, false).unwrap_err();
        assert!(
            why.contains("optimiser") && why.contains("dropout"),
            "{why}"
        );
    }
}
