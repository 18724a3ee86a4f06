//! CNN levels: the same level files and list, marked `mode: "cnn"`. A CNN level starts from a
//! mini Tiny VGG on an image dataset, lets the player change some settings (the network, the
//! kernel size, the training, or the kernels by hand), and is judged after every epoch on the
//! test accuracy (with a cap on parameters), or at once on what a hand-made kernel detects.

use serde::{Deserialize, Serialize};

use super::LevelError;
use crate::cnn::images::{ImageDataset, ImageSet};
use crate::cnn::train::{CnnOptimizer, CnnTraining};
use crate::cnn::{CnnActivation, CnnModel, Layer, MiniSpec, Padding, Shape};
use crate::named_enum;

named_enum! {
    /// What the player of a CNN level may change.
    pub enum CnnSetting: "CNN setting" {
        /// Blocks, filters, padding and activation (a new network).
        Network => "network",
        /// The kernel size (a new network).
        KernelSize => "kernel_size",
        /// Optimiser, learning rate and batch size.
        Training => "training",
        /// The kernels' numbers, typed in by hand.
        Kernels => "kernels",
    }
}

/// The network and its training, as a level file writes them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CnnStart {
    /// "shapes" or "digits".
    pub dataset: String,
    pub classes: usize,
    pub seed: u64,
    pub blocks: usize,
    pub filters: usize,
    pub kernel: usize,
    /// "valid" or "same".
    pub padding: String,
    /// "relu", "tanh", "sigmoid" or "linear".
    pub activation: String,
    /// "adam" or "sgd".
    pub optimizer: String,
    pub learning_rate: f32,
    pub batch_size: usize,
}

/// What the player must reach.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum CnnGoal {
    /// A test accuracy after an epoch, with at most this many parameters when given.
    TestAccuracy {
        at_least: f64,
        max_parameters: Option<usize>,
    },
    /// The first convolution's map `filter` answers a vertical edge at least `ratio` times as
    /// strongly as a horizontal one (its bias left out).
    VerticalEdges { filter: usize, ratio: f64 },
}

impl CnnGoal {
    pub fn describe(&self) -> String {
        match *self {
            CnnGoal::TestAccuracy {
                at_least,
                max_parameters: Some(cap),
            } => format!(
                "Reach {:.0} % test accuracy with at most {cap} parameters",
                100.0 * at_least
            ),
            CnnGoal::TestAccuracy { at_least, .. } => {
                format!("Reach {:.0} % test accuracy", 100.0 * at_least)
            }
            CnnGoal::VerticalEdges { filter, ratio } => format!(
                "Make map {} of conv_1_1 answer vertical edges at least {ratio} times as strongly as horizontal ones",
                filter + 1
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum CnnStar {
    Goal,
    WithinEpochs(u64),
    ParametersAtMost(usize),
}

impl CnnStar {
    pub fn describe(&self) -> String {
        match self {
            CnnStar::Goal => "Reach the goal".into(),
            CnnStar::WithinEpochs(n) => format!("Reach it within {n} epochs"),
            CnnStar::ParametersAtMost(n) => format!("Reach it with at most {n} parameters"),
        }
    }
}

/// The reference solution: changes to the start; what is not given stays.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CnnSolution {
    pub blocks: Option<usize>,
    pub filters: Option<usize>,
    pub kernel: Option<usize>,
    pub padding: Option<String>,
    pub activation: Option<String>,
    pub learning_rate: Option<f32>,
    /// Numbers typed into the goal's kernel (conv_1_1, input channel 1), row by row.
    pub kernel_values: Option<Vec<f32>>,
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CnnLevel {
    pub mode: String,
    pub id: String,
    pub title: String,
    pub order: u32,
    pub briefing: Vec<String>,
    #[serde(default)]
    pub hints: Vec<String>,
    pub lesson: String,
    pub start: CnnStart,
    pub may_change: Vec<CnnSetting>,
    pub goal: CnnGoal,
    /// Epochs of training allowed (0 for a level that needs none).
    pub epoch_budget: u64,
    pub stars: Vec<CnnStar>,
    pub solution: CnnSolution,
}

fn parse_padding(text: &str) -> Result<Padding, String> {
    match text {
        "valid" => Ok(Padding::Valid),
        "same" => Ok(Padding::Same),
        other => Err(format!("padding \"{other}\" must be \"valid\" or \"same\"")),
    }
}

fn parse_activation(text: &str) -> Result<CnnActivation, String> {
    CnnActivation::parse(text)
        .ok_or_else(|| format!("activation \"{text}\" must be relu, tanh, sigmoid or linear"))
}

/// Everything a level run starts from.
#[derive(Debug, Clone, PartialEq)]
pub struct CnnLevelSetup {
    pub dataset: ImageDataset,
    pub classes: usize,
    pub seed: u64,
    pub spec: MiniSpec,
    pub optimizer: CnnOptimizer,
    pub batch_size: usize,
}

impl CnnLevel {
    /// The start, read.
    pub fn setup(&self) -> Result<CnnLevelSetup, String> {
        let s = &self.start;
        let dataset: ImageDataset = s.dataset.parse()?;
        let spec = MiniSpec {
            blocks: s.blocks,
            filters: s.filters,
            kernel: s.kernel,
            padding: parse_padding(&s.padding)?,
            activation: parse_activation(&s.activation)?,
        };
        let optimizer = match s.optimizer.as_str() {
            "adam" => CnnOptimizer::Adam {
                learning_rate: s.learning_rate,
            },
            "sgd" => CnnOptimizer::Sgd {
                learning_rate: s.learning_rate,
                momentum: 0.9,
            },
            other => return Err(format!("optimizer \"{other}\" must be \"adam\" or \"sgd\"")),
        };
        if !(s.learning_rate.is_finite() && s.learning_rate > 0.0 && s.learning_rate <= 10.0) {
            return Err(format!(
                "learning_rate {} must be more than 0 and at most 10",
                s.learning_rate
            ));
        }
        if !(1..=64).contains(&s.batch_size) {
            return Err(format!("batch_size {} must be 1 to 64", s.batch_size));
        }
        Ok(CnnLevelSetup {
            dataset,
            classes: s.classes,
            seed: s.seed,
            spec,
            optimizer,
            batch_size: s.batch_size,
        })
    }

    /// The reference solution applied to the start.
    pub fn solution_setup(&self) -> Result<CnnLevelSetup, String> {
        let mut setup = self.setup()?;
        let sol = &self.solution;
        if let Some(v) = sol.blocks {
            setup.spec.blocks = v;
        }
        if let Some(v) = sol.filters {
            setup.spec.filters = v;
        }
        if let Some(v) = sol.kernel {
            setup.spec.kernel = v;
        }
        if let Some(v) = &sol.padding {
            setup.spec.padding = parse_padding(v)?;
        }
        if let Some(v) = &sol.activation {
            setup.spec.activation = parse_activation(v)?;
        }
        if let Some(v) = sol.learning_rate {
            setup.optimizer = setup.optimizer.with_learning_rate(v);
        }
        Ok(setup)
    }

    /// Why a change from `old` to `new` is not allowed here, if it is not.
    pub fn refusal(&self, old: &CnnLevelSetup, new: &CnnLevelSetup) -> Option<String> {
        let mut changed = Vec::new();
        let (a, b) = (old.spec, new.spec);
        if (a.blocks, a.filters, a.padding, a.activation)
            != (b.blocks, b.filters, b.padding, b.activation)
        {
            changed.push(CnnSetting::Network);
        }
        if a.kernel != b.kernel {
            changed.push(CnnSetting::KernelSize);
        }
        if old.optimizer != new.optimizer || old.batch_size != new.batch_size {
            changed.push(CnnSetting::Training);
        }
        if (old.dataset, old.classes, old.seed) != (new.dataset, new.classes, new.seed) {
            return Some("In this level the images are fixed.".into());
        }
        let locked: Vec<&str> = changed
            .iter()
            .filter(|s| !self.may_change.contains(s))
            .map(|s| s.name())
            .collect();
        (!locked.is_empty()).then(|| {
            format!(
                "This level does not let you change the {} (you may change: {}).",
                locked.join(", ").replace('_', " "),
                self.may_change
                    .iter()
                    .map(|s| s.name().replace('_', " "))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
    }

    pub(super) fn problems(&self, text: &str, file: &str) -> Vec<LevelError> {
        let mut errors = Vec::new();
        let mut add = |path: &[&str], message: String| {
            errors.push(LevelError {
                file: file.to_string(),
                line: crate::names::ron_field_line(text, path),
                message,
            });
        };
        if self.mode != "cnn" {
            add(&["mode"], format!("mode \"{}\" must be \"cnn\"", self.mode));
        }
        super::check_common(
            &self.id,
            &self.title,
            &self.briefing,
            &self.lesson,
            &mut add,
        );
        for (setup, what) in [(self.setup(), "start"), (self.solution_setup(), "solution")] {
            match setup {
                Ok(setup) => {
                    // Checked without drawing the images: the level list is read at start-up.
                    let max = setup.dataset.max_classes();
                    if !(2..=max).contains(&setup.classes) {
                        add(
                            &[what],
                            format!(
                                "{what}: {} classes: {} has 2 to {max}",
                                setup.classes,
                                setup.dataset.name()
                            ),
                        );
                    } else if let Err(e) = setup.spec.build(
                        setup.dataset.input_shape(),
                        (0..setup.classes).map(|c| c.to_string()).collect(),
                        setup.seed,
                    ) {
                        add(&[what], format!("{what}: the network does not fit: {e}"));
                    }
                }
                Err(e) => add(&[what], format!("{what}: {e}")),
            }
        }
        if let (Ok(start), Ok(solution)) = (self.setup(), self.solution_setup())
            && let Some(why) = self.refusal(&start, &solution)
        {
            add(
                &["solution"],
                format!("the solution changes what the level locks: {why}"),
            );
        }
        match self.goal {
            CnnGoal::TestAccuracy {
                at_least,
                max_parameters,
            } => {
                if !(at_least > 0.0 && at_least <= 1.0) {
                    add(
                        &["goal"],
                        format!("the goal's accuracy {at_least} must be more than 0 and at most 1"),
                    );
                }
                if max_parameters == Some(0) {
                    add(&["goal"], "max_parameters 0 allows no network".into());
                }
                if !(1..=100).contains(&self.epoch_budget) {
                    add(
                        &["epoch_budget"],
                        format!("epoch_budget {} must be 1 to 100", self.epoch_budget),
                    );
                }
            }
            CnnGoal::VerticalEdges { filter, ratio } => {
                if filter >= self.start.filters {
                    add(
                        &["goal"],
                        format!(
                            "filter {filter} does not exist (the network has {} filters, counted from 0)",
                            self.start.filters
                        ),
                    );
                }
                if !(ratio.is_finite() && ratio > 1.0) {
                    add(&["goal"], format!("ratio {ratio} must be more than 1"));
                }
                if !self.may_change.contains(&CnnSetting::Kernels) {
                    add(
                        &["may_change"],
                        "an edge level must let the player change kernels".into(),
                    );
                }
                match &self.solution.kernel_values {
                    Some(v) if v.len() == self.start.kernel * self.start.kernel => {}
                    _ => add(
                        &["solution", "kernel_values"],
                        format!(
                            "the solution needs kernel_values: {} numbers",
                            self.start.kernel * self.start.kernel
                        ),
                    ),
                }
            }
        }
        if self.may_change.is_empty() {
            add(
                &["may_change"],
                "may_change lists nothing: the player could only press play".into(),
            );
        }
        if self.stars.is_empty() {
            add(
                &["stars"],
                "stars lists no star (give at least Goal)".into(),
            );
        }
        for star in &self.stars {
            if let CnnStar::WithinEpochs(n) = star
                && *n > self.epoch_budget
            {
                add(
                    &["stars"],
                    format!(
                        "the star WithinEpochs({n}) is more than the epoch budget {}",
                        self.epoch_budget
                    ),
                );
            }
        }
        if self.solution.explanation.trim().is_empty() {
            add(
                &["solution", "explanation"],
                "the solution needs an explanation (shown with the answer)".into(),
            );
        }
        errors
    }
}

/// How strongly map `filter` of the first convolution answers a vertical and a horizontal edge
/// (mean |output - bias| over the map, on a picture dark on one side and bright on the other).
pub fn edge_responses(model: &CnnModel, filter: usize) -> Option<(f64, f64)> {
    let Some(Layer::Conv { bias, .. }) = model.layers.first() else {
        return None;
    };
    let shape: Shape = model.input;
    let b = f64::from(*model.params.get(bias.start + filter)?);
    let response = |vertical: bool| {
        let image: Vec<f32> = (0..shape.len())
            .map(|i| {
                let pixel = i / shape.channels;
                let (row, col) = (pixel / shape.width, pixel % shape.width);
                let bright = if vertical {
                    col >= shape.width / 2
                } else {
                    row >= shape.height / 2
                };
                if bright { 1.0 } else { 0.0 }
            })
            .collect();
        let acts = model.forward(&image);
        let out = &acts.outputs[0];
        let filters = model.shapes[0].channels;
        let values: Vec<f64> = out
            .iter()
            .skip(filter)
            .step_by(filters)
            .map(|&v| (f64::from(v) - b).abs())
            .collect();
        values.iter().sum::<f64>() / values.len().max(1) as f64
    };
    Some((response(true), response(false)))
}

/// The judge of a CNN level, the same in the game and in `levels solve`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CnnJudge {
    pub solved_at: Option<u64>,
    pub parameters_at_solve: Option<usize>,
    pub best_accuracy: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CnnVerdict {
    Solved,
    OutOfEpochs,
}

impl CnnJudge {
    /// Judges the run as it is now (after an epoch, or after a kernel edit).
    pub fn judge(&mut self, level: &CnnLevel, training: &CnnTraining) -> Option<CnnVerdict> {
        if self.solved_at.is_some() {
            return None;
        }
        let epoch = training.epoch;
        let parameters = training.model.parameter_count();
        let solved = match level.goal {
            CnnGoal::TestAccuracy {
                at_least,
                max_parameters,
            } => {
                let accuracy = training
                    .history
                    .last()
                    .filter(|r| r.epoch == epoch)
                    .map(|r| r.test.accuracy);
                if let Some(a) = accuracy {
                    self.best_accuracy = Some(self.best_accuracy.map_or(a, |b| b.max(a)));
                }
                accuracy.is_some_and(|a| a >= at_least)
                    && max_parameters.is_none_or(|cap| parameters <= cap)
            }
            CnnGoal::VerticalEdges { filter, ratio } => edge_responses(&training.model, filter)
                .is_some_and(|(v, h)| v.is_finite() && h.is_finite() && v > 0.05 && v >= ratio * h),
        };
        if solved {
            self.solved_at = Some(epoch);
            self.parameters_at_solve = Some(parameters);
            return Some(CnnVerdict::Solved);
        }
        let out = matches!(level.goal, CnnGoal::TestAccuracy { .. }) && epoch >= level.epoch_budget;
        out.then_some(CnnVerdict::OutOfEpochs)
    }

    pub fn stars(&self, level: &CnnLevel) -> Vec<bool> {
        level
            .stars
            .iter()
            .map(|star| match (*star, self.solved_at) {
                (_, None) => false,
                (CnnStar::Goal, Some(_)) => true,
                (CnnStar::WithinEpochs(n), Some(at)) => at <= n,
                (CnnStar::ParametersAtMost(n), Some(_)) => {
                    self.parameters_at_solve.is_some_and(|p| p <= n)
                }
            })
            .collect()
    }
}

/// A level played headlessly from a setup (its start, or its solution).
#[derive(Debug, Clone)]
pub struct CnnPlay {
    pub judge: CnnJudge,
    pub stars: Vec<bool>,
    pub epochs: u64,
}

/// Builds the data and the network of a setup.
pub fn prepare(setup: &CnnLevelSetup) -> Result<(ImageSet, ImageSet, CnnTraining), String> {
    let (train, test) = setup.dataset.generate(setup.classes, setup.seed)?;
    let model = setup
        .spec
        .build(train.shape, train.class_names.clone(), setup.seed)
        .map_err(|e| e.to_string())?;
    let training = CnnTraining::new(model, setup.optimizer, setup.batch_size, setup.seed);
    Ok((train, test, training))
}

/// Plays the level from its start (`solution` false) or with its reference solution.
pub fn play(level: &CnnLevel, solution: bool) -> Result<CnnPlay, String> {
    let setup = if solution {
        level.solution_setup()?
    } else {
        level.setup()?
    };
    let (train, test, mut training) = prepare(&setup)?;
    if solution && let Some(values) = &level.solution.kernel_values {
        set_first_kernel(&mut training.model, level_filter(level), values);
    }
    let mut judge = CnnJudge::default();
    if judge.judge(level, &training).is_none() {
        while training.epoch < level.epoch_budget {
            training.run_epoch(&train, &test);
            if judge.judge(level, &training).is_some() {
                break;
            }
        }
    }
    Ok(CnnPlay {
        stars: judge.stars(level),
        judge,
        epochs: training.epoch,
    })
}

/// The filter an edge level is about (0 for other levels).
pub fn level_filter(level: &CnnLevel) -> usize {
    match level.goal {
        CnnGoal::VerticalEdges { filter, .. } => filter,
        CnnGoal::TestAccuracy { .. } => 0,
    }
}

/// Writes `values` (row by row) into conv_1_1's kernel for input channel 0 and `filter`.
pub fn set_first_kernel(model: &mut CnnModel, filter: usize, values: &[f32]) {
    let Some(Layer::Conv {
        kernel,
        filters,
        weights,
        ..
    }) = model.layers.first().cloned()
    else {
        return;
    };
    let channels = model.input.channels;
    for (tap, &v) in values.iter().enumerate().take(kernel * kernel) {
        model.params[weights.start + tap * channels * filters + filter] = v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::AnyLevel;

    fn shipped(name: &str) -> String {
        std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("levels")
                .join(name),
        )
        .unwrap()
    }

    #[test]
    fn broken_cnn_levels_say_what_and_where() {
        let good = shipped("16-cnn-few-parameters.ron");
        assert!(matches!(
            AnyLevel::parse(&good, "good.ron"),
            Ok(AnyLevel::Cnn(_))
        ));
        let cases = [
            (
                good.replace("dataset: \"shapes\"", "dataset: \"mnist\""),
                "mnist",
            ),
            (
                good.replace("padding: \"valid\"", "padding: \"full\""),
                "full",
            ),
            (good.replace("blocks: 2", "blocks: 3"), "does not fit"),
            (good.replace("at_least: 0.95", "at_least: 1.5"), "at most 1"),
            (
                good.replace("WithinEpochs(8)", "WithinEpochs(80)"),
                "epoch budget",
            ),
            (good.replace("\"network\", ", ""), "locks"),
            (good.replace("classes: 5", "classes: 12"), "classes"),
        ];
        for (text, expected) in cases {
            let errors = AnyLevel::parse(&text, "bad.ron").unwrap_err();
            let all: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            assert!(
                all.iter().any(|e| e.contains(expected)),
                "{expected:?} not in {all:?}"
            );
            assert!(
                errors
                    .iter()
                    .all(|e| e.line > 0 || e.message.contains("start")),
                "{all:?}"
            );
        }
        let edges = shipped("18-cnn-vertical-edges.ron");
        let errors =
            AnyLevel::parse(&edges.replace("filter: 0", "filter: 8"), "e.ron").unwrap_err();
        assert!(errors.iter().any(|e| e.message.contains("does not exist")));
    }

    #[test]
    fn a_vertical_edge_kernel_answers_vertical_edges_and_a_random_one_does_not() {
        let level = match AnyLevel::parse(&shipped("18-cnn-vertical-edges.ron"), "e.ron").unwrap() {
            AnyLevel::Cnn(l) => l,
            _ => unreachable!(),
        };
        let (_, _, mut training) = prepare(&level.setup().unwrap()).unwrap();
        let (v, h) = edge_responses(&training.model, 0).unwrap();
        assert!(v < 5.0 * h, "the random start already passes: {v} {h}");
        set_first_kernel(
            &mut training.model,
            0,
            &[-1.0, 0.0, 1.0, -1.0, 0.0, 1.0, -1.0, 0.0, 1.0],
        );
        let (v, h) = edge_responses(&training.model, 0).unwrap();
        assert!(v > 0.05 && h < 1e-6, "{v} {h}");
        // The horizontal one is the wrong way round.
        set_first_kernel(
            &mut training.model,
            0,
            &[-1.0, -1.0, -1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0],
        );
        let mut judge = CnnJudge::default();
        assert_eq!(judge.judge(&level, &training), None);
    }
}
