//! Challenge levels: the file schema, validation with line numbers, goals, stars and the
//! reference solution (no Bevy; the game loads the same files as assets).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::data::Feature;
use crate::experiment::{EpochStats, Experiment, ExperimentConfig};
pub use crate::experiment::{Palette, Setting};
use crate::nn::{Activation, Network, Regularization};

/// The file that lists the levels, in the levels folder (the web cannot list a folder).
pub const INDEX_FILE: &str = "index.ron";

/// What counts as solving a level, checked on the test set after every epoch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Goal {
    /// Test accuracy at least `at_least` (a fraction), from epoch `after_epoch` on.
    TestAccuracy {
        at_least: f64,
        #[serde(default)]
        after_epoch: u64,
    },
    /// Test loss at most `at_most`, from epoch `after_epoch` on (so that stopping early does not
    /// count, when a level is about what happens later).
    TestLoss {
        at_most: f64,
        #[serde(default)]
        after_epoch: u64,
    },
}

impl Goal {
    pub fn met(&self, stats: &EpochStats) -> bool {
        match *self {
            Goal::TestAccuracy {
                at_least,
                after_epoch,
            } => stats.epoch >= after_epoch && stats.test_accuracy.is_some_and(|a| a >= at_least),
            Goal::TestLoss {
                at_most,
                after_epoch,
            } => {
                stats.epoch >= after_epoch
                    && stats.test_loss.is_finite()
                    && stats.test_loss <= at_most
            }
        }
    }

    /// The epoch from which the goal counts (0: every epoch).
    pub fn after_epoch(&self) -> u64 {
        match *self {
            Goal::TestAccuracy { after_epoch, .. } | Goal::TestLoss { after_epoch, .. } => {
                after_epoch
            }
        }
    }

    /// How far along the player is, 0 to 1 (for the progress bar).
    pub fn progress(&self, stats: &EpochStats) -> f64 {
        match *self {
            Goal::TestAccuracy { at_least, .. } => {
                // From chance (50 %) to the goal.
                let a = stats.test_accuracy.unwrap_or(0.0);
                ((a - 0.5) / (at_least - 0.5).max(1e-9)).clamp(0.0, 1.0)
            }
            Goal::TestLoss { at_most, .. } => {
                if !stats.test_loss.is_finite() {
                    0.0
                } else {
                    (at_most / stats.test_loss.max(1e-12)).clamp(0.0, 1.0)
                }
            }
        }
    }

    pub fn describe(&self) -> String {
        let what = match *self {
            Goal::TestAccuracy { at_least, .. } => {
                format!("test accuracy at least {:.0} %", at_least * 100.0)
            }
            Goal::TestLoss { at_most, .. } => format!("test loss at most {at_most}"),
        };
        match self.after_epoch() {
            0 => what,
            n => format!("{what} from epoch {n} on"),
        }
    }

    /// The current value of the goal's metric, as shown.
    pub fn current(&self, stats: &EpochStats) -> String {
        match self {
            Goal::TestAccuracy { .. } => stats
                .test_accuracy
                .map(|a| format!("{:.1} %", a * 100.0))
                .unwrap_or_else(|| "n/a".into()),
            Goal::TestLoss { .. } => format!("{:.4}", stats.test_loss),
        }
    }
}

/// A star to earn.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Star {
    /// For reaching the goal.
    Goal,
    /// For reaching it within this many epochs.
    WithinEpochs(u64),
    /// For reaching it with at most this many hidden neurons.
    MaxNeurons(usize),
    /// For reaching it with at most this many input features.
    MaxFeatures(usize),
}

impl Star {
    pub fn describe(&self) -> String {
        match self {
            Star::Goal => "Reach the goal".into(),
            Star::WithinEpochs(n) => format!("Reach it within {n} epochs"),
            Star::MaxNeurons(0) => "Reach it with no hidden neuron".into(),
            Star::MaxNeurons(n) => format!("Reach it with at most {n} hidden neurons"),
            Star::MaxFeatures(1) => "Reach it with a single input feature".into(),
            Star::MaxFeatures(n) => format!("Reach it with at most {n} input features"),
        }
    }

    /// Whether a win at `epoch` with `network` earns this star.
    pub fn earned(&self, epoch: u64, network: &Network) -> bool {
        match *self {
            Star::Goal => true,
            Star::WithinEpochs(n) => epoch <= n,
            Star::MaxNeurons(n) => network.hidden_neuron_count() <= n,
            Star::MaxFeatures(n) => network.features.len() <= n,
        }
    }
}

/// The reference solution: changes to the start that reach the goal within the budget.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Solution {
    pub features: Option<Vec<Feature>>,
    pub hidden_layers: Option<Vec<usize>>,
    pub activation: Option<Activation>,
    pub learning_rate: Option<f64>,
    pub regularization: Option<Regularization>,
    pub regularization_rate: Option<f64>,
    pub batch_size: Option<usize>,
    /// One sentence telling the player what the answer does.
    pub explanation: String,
}

impl Solution {
    /// The start with the solution's changes.
    pub fn apply(&self, start: &ExperimentConfig) -> ExperimentConfig {
        let mut c = start.clone();
        if let Some(v) = &self.features {
            c.features = v.clone();
        }
        if let Some(v) = &self.hidden_layers {
            c.hidden_layers = v.clone();
            c.layer_activations = None;
        }
        if let Some(v) = self.activation {
            c.activation = v;
        }
        if let Some(v) = self.learning_rate {
            c.learning_rate = v;
        }
        if let Some(v) = self.regularization {
            c.regularization = v;
        }
        if let Some(v) = self.regularization_rate {
            c.regularization_rate = v;
        }
        if let Some(v) = self.batch_size {
            c.batch_size = v;
        }
        c
    }
}

/// A level as written in its file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// "playground", or left out (a GAN level says "gan").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Unique, used for saved progress.
    pub id: String,
    pub title: String,
    /// Position in the level list.
    pub order: u32,
    /// The idea and what to watch for, one paragraph per entry.
    pub briefing: Vec<String>,
    /// Revealed one at a time, when asked for.
    #[serde(default)]
    pub hints: Vec<String>,
    /// One sentence on what was learned (the win screen).
    pub lesson: String,
    /// The data, the starting network and the starting hyperparameters.
    pub start: ExperimentConfig,
    #[serde(default)]
    pub palette: Palette,
    pub goal: Goal,
    /// Epochs the player has to reach the goal.
    pub epoch_budget: u64,
    pub stars: Vec<Star>,
    pub solution: Solution,
}

/// A problem in a level file, with the line it is on.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelError {
    pub file: String,
    /// 1-based; 0 when the whole file is concerned.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LevelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        } else {
            write!(f, "{}: {}", self.file, self.message)
        }
    }
}

impl Level {
    /// Parses and validates a level file's text. Every problem is reported, each with its line.
    pub fn parse(text: &str, file: &str) -> Result<Level, Vec<LevelError>> {
        let text = crate::limits::without_bom(text);
        let level: Level = read_level_ron(text, file)?;
        checked(level.problems(text, file), level)
    }

    /// The experiment configuration the level starts from (with the palette's limits).
    pub fn start_config(&self) -> ExperimentConfig {
        ExperimentConfig {
            limits: self.palette.limits(),
            ..self.start.clone()
        }
    }

    /// The reference solution's configuration.
    pub fn solution_config(&self) -> ExperimentConfig {
        self.solution.apply(&self.start_config())
    }

    /// Every semantic problem, each with the line of its field as the RON parser places it.
    fn problems(&self, text: &str, file: &str) -> Vec<LevelError> {
        let mut errors = Vec::new();
        let mut add = |path: &[&str], message: String| {
            errors.push(LevelError {
                file: file.to_string(),
                line: crate::names::ron_field_line(text, path),
                message,
            });
        };
        check_common(
            &self.id,
            &self.title,
            &self.briefing,
            &self.lesson,
            &mut add,
        );
        let p = &self.palette;
        if p.max_hidden_layers > crate::experiment::config::LIMIT_CEILING_LAYERS {
            add(
                &["palette", "max_hidden_layers"],
                format!(
                    "max_hidden_layers {} is above {}",
                    p.max_hidden_layers,
                    crate::experiment::config::LIMIT_CEILING_LAYERS
                ),
            );
        }
        if !(1..=crate::experiment::config::LIMIT_CEILING_NEURONS)
            .contains(&p.max_neurons_per_layer)
        {
            add(
                &["palette", "max_neurons_per_layer"],
                format!(
                    "max_neurons_per_layer {} must be 1 to {}",
                    p.max_neurons_per_layer,
                    crate::experiment::config::LIMIT_CEILING_NEURONS
                ),
            );
        }
        if p.activations.is_empty() {
            add(
                &["palette", "activations"],
                "activations lists no activation".into(),
            );
        }
        if p.learning_rates.is_empty() {
            add(
                &["palette", "learning_rates"],
                "learning_rates lists no learning rate".into(),
            );
        }
        for &lr in &p.learning_rates {
            let (lo, hi) = crate::experiment::config::LEARNING_RATE_RANGE;
            if !(lo..=hi).contains(&lr) {
                add(
                    &["palette", "learning_rates"],
                    format!("learning rate {lr} is not between {lo} and {hi}"),
                );
            }
        }
        if let Err(e) = self.start_config().validate(true) {
            for field in e.0 {
                let key = field
                    .field
                    .split(['[', '.'])
                    .next()
                    .unwrap_or("start")
                    .to_string();
                // A field left out takes its default: then the error points at `start`.
                let line_path = [&["start", key.as_str()][..], &["start"][..]];
                let path = line_path
                    .into_iter()
                    .find(|p| crate::names::ron_field_line(text, p) > 0)
                    .unwrap_or(&["start"]);
                add(path, format!("start: {field}"));
            }
        }
        if self.goal.after_epoch() > self.epoch_budget {
            add(
                &["goal", "after_epoch"],
                format!(
                    "after_epoch {} is beyond the epoch budget {}",
                    self.goal.after_epoch(),
                    self.epoch_budget
                ),
            );
        }
        match self.goal {
            Goal::TestAccuracy { at_least, .. } if !(0.5..=1.0).contains(&at_least) => {
                add(
                    &["goal", "at_least"],
                    format!(
                        "the accuracy goal {at_least} must be between 0.5 and 1 (a fraction, e.g. 0.95)"
                    ),
                );
            }
            Goal::TestLoss { at_most, .. } if !(at_most > 0.0 && at_most.is_finite()) => {
                add(
                    &["goal", "at_most"],
                    format!("the loss goal {at_most} must be a positive number"),
                );
            }
            Goal::TestAccuracy { .. }
                if self.start.problem() == crate::data::Problem::Regression =>
            {
                add(
                    &["goal"],
                    "a regression level has no accuracy: use TestLoss(at_most: ...)".into(),
                );
            }
            _ => {}
        }
        if !(1..=100_000).contains(&self.epoch_budget) {
            add(
                &["epoch_budget"],
                format!("epoch_budget {} must be 1 to 100000", self.epoch_budget),
            );
        }
        if self.stars.is_empty() {
            add(
                &["stars"],
                "stars lists no star (give at least Goal)".into(),
            );
        }
        for star in &self.stars {
            if let Star::WithinEpochs(n) = star
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
        let solution = self.solution_config();
        if let Err(e) = solution.validate(true) {
            for field in e.0 {
                add(&["solution"], format!("solution: {field}"));
            }
        }
        for f in &solution.features {
            if !solution_feature_reachable(
                *f,
                &self.start.features,
                &p.features,
                p.allows(Setting::Features),
            ) {
                add(
                    &["solution", "features"],
                    format!(
                        "the solution uses {} but the player cannot add it (not in the palette's features)",
                        f.name()
                    ),
                );
            }
        }
        if let Some(max) = p.max_total_neurons
            && solution.hidden_layers.iter().sum::<usize>() > max
        {
            add(
                &["solution", "hidden_layers"],
                format!("the solution has more hidden neurons than max_total_neurons {max}"),
            );
        }
        if !p.allows(Setting::Architecture) && solution.hidden_layers != self.start.hidden_layers {
            add(
                &["solution", "hidden_layers"],
                "the solution changes the layers but the palette does not allow architecture"
                    .into(),
            );
        }
        if solution.learning_rate != self.start.learning_rate
            && !p.learning_rates.contains(&solution.learning_rate)
        {
            add(
                &["solution", "learning_rate"],
                format!(
                    "the solution's learning rate {} is not among the palette's learning_rates",
                    solution.learning_rate
                ),
            );
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

/// The checks every level file shares: its id, title, briefing and lesson.
fn check_common(
    id: &str,
    title: &str,
    briefing: &[String],
    lesson: &str,
    add: &mut impl FnMut(&[&str], String),
) {
    let id_ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !id_ok {
        add(
            &["id"],
            format!("id \"{id}\" must be letters, digits, - or _ (and not empty)"),
        );
    }
    if title.trim().is_empty() {
        add(&["title"], "title is empty".into());
    }
    if briefing.iter().all(|p| p.trim().is_empty()) {
        add(
            &["briefing"],
            "briefing needs at least one paragraph".into(),
        );
    }
    if lesson.trim().is_empty() {
        add(
            &["lesson"],
            "lesson (the sentence shown on winning) is empty".into(),
        );
    }
}

/// A level of any mode: the Playground's, or a GAN level (its file says `mode: "gan"`).
// A few levels live at a time: the size difference of the variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum AnyLevel {
    Playground(Level),
    Gan(gan::GanLevel),
    Cnn(cnn::CnnLevel),
}

/// A level file's RON as a level of either mode; a syntax or field error carries its line.
fn read_level_ron<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
) -> Result<T, Vec<LevelError>> {
    crate::names::ron_options().from_str(text).map_err(|e| {
        vec![LevelError {
            file: file.to_string(),
            line: e.span.start.line,
            message: e.code.to_string(),
        }]
    })
}

/// The level if its checks found no problem, else every problem.
fn checked<T>(problems: Vec<LevelError>, level: T) -> Result<T, Vec<LevelError>> {
    if problems.is_empty() {
        Ok(level)
    } else {
        Err(problems)
    }
}

/// Just the mode of a level file, read before the rest.
#[derive(Deserialize)]
struct ModeOnly {
    #[serde(default)]
    mode: Option<String>,
}

impl AnyLevel {
    /// Parses a level file of either mode: one with `mode: "gan"` is a GAN level, one with no
    /// mode (or `mode: "playground"`) a Playground level.
    pub fn parse(text: &str, file: &str) -> Result<AnyLevel, Vec<LevelError>> {
        let text = crate::limits::without_bom(text);
        let mode = crate::names::ron_options()
            .from_str::<ModeOnly>(text)
            .ok()
            .and_then(|m| m.mode);
        match mode.as_deref() {
            Some("gan") => {
                let level: gan::GanLevel = read_level_ron(text, file)?;
                checked(level.problems(text, file), AnyLevel::Gan(level))
            }
            Some("cnn") => {
                let level: cnn::CnnLevel = read_level_ron(text, file)?;
                checked(level.problems(text, file), AnyLevel::Cnn(level))
            }
            None | Some("playground") => Level::parse(text, file).map(AnyLevel::Playground),
            Some(other) => Err(vec![LevelError {
                file: file.to_string(),
                line: crate::names::ron_field_line(text, &["mode"]),
                message: format!(
                    "mode \"{other}\" is not a mode of the game (playground, gan or cnn)"
                ),
            }]),
        }
    }

    pub fn id(&self) -> &str {
        match self {
            AnyLevel::Playground(l) => &l.id,
            AnyLevel::Gan(l) => &l.id,
            AnyLevel::Cnn(l) => &l.id,
        }
    }

    pub fn title(&self) -> &str {
        match self {
            AnyLevel::Playground(l) => &l.title,
            AnyLevel::Gan(l) => &l.title,
            AnyLevel::Cnn(l) => &l.title,
        }
    }

    pub fn order(&self) -> u32 {
        match self {
            AnyLevel::Playground(l) => l.order,
            AnyLevel::Gan(l) => l.order,
            AnyLevel::Cnn(l) => l.order,
        }
    }

    /// The mode's name, as on the level list.
    pub fn mode(&self) -> &'static str {
        match self {
            AnyLevel::Playground(_) => "Playground",
            AnyLevel::Gan(_) => "GAN",
            AnyLevel::Cnn(_) => "CNN",
        }
    }

    pub fn goal_text(&self) -> String {
        match self {
            AnyLevel::Playground(l) => l.goal.describe(),
            AnyLevel::Gan(l) => l.goal.describe(),
            AnyLevel::Cnn(l) => l.goal.describe(),
        }
    }

    /// Each star's description.
    pub fn star_texts(&self) -> Vec<String> {
        match self {
            AnyLevel::Playground(l) => l.stars.iter().map(|s| s.describe()).collect(),
            AnyLevel::Gan(l) => l.stars.iter().map(|s| s.describe()).collect(),
            AnyLevel::Cnn(l) => l.stars.iter().map(|s| s.describe()).collect(),
        }
    }

    pub fn playground(&self) -> Option<&Level> {
        match self {
            AnyLevel::Playground(l) => Some(l),
            _ => None,
        }
    }

    pub fn gan(&self) -> Option<&gan::GanLevel> {
        match self {
            AnyLevel::Gan(l) => Some(l),
            _ => None,
        }
    }

    pub fn cnn(&self) -> Option<&cnn::CnnLevel> {
        match self {
            AnyLevel::Cnn(l) => Some(l),
            _ => None,
        }
    }
}

fn solution_feature_reachable(
    f: Feature,
    start: &[Feature],
    palette: &[Feature],
    may_edit: bool,
) -> bool {
    start.contains(&f) || (may_edit && palette.contains(&f))
}

/// How a run of a level went.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The first epoch at which the goal was met (within the budget).
    pub solved_at: Option<u64>,
    /// One entry per star of the level.
    pub stars: Vec<bool>,
    /// The history entry at `solved_at`, or the last one.
    pub final_stats: EpochStats,
}

impl Outcome {
    pub fn star_count(&self) -> usize {
        self.stars.iter().filter(|s| **s).count()
    }
}

/// Judges a history (epoch 0 first) against the level: the goal, then each star.
pub fn judge(level: &Level, history: &[EpochStats], network: &Network) -> Outcome {
    let solved = history
        .iter()
        .skip(1)
        .take_while(|s| s.epoch <= level.epoch_budget)
        .find(|s| level.goal.met(s));
    let final_stats = solved
        .copied()
        .unwrap_or_else(|| *history.last().expect("a history starts at epoch 0"));
    let stars = level
        .stars
        .iter()
        .map(|star| solved.is_some_and(|s| star.earned(s.epoch, network)))
        .collect();
    Outcome {
        solved_at: solved.map(|s| s.epoch),
        stars,
        final_stats,
    }
}

/// A run of a level by [`play`]: how it was judged, and what a failure got to.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub outcome: Outcome,
    /// The best value of the goal's metric over the run.
    pub best: String,
    /// Where training diverged, if it did.
    pub diverged_at: Option<u64>,
}

impl Attempt {
    /// Why the goal was not reached, in words.
    pub fn why_not(&self) -> String {
        match self.diverged_at {
            Some(epoch) => format!("training diverged at epoch {epoch}"),
            None => format!("the best was {}", self.best),
        }
    }
}

/// Trains a configuration for the level's budget, stopping at the goal, and judges it.
pub fn play(level: &Level, config: ExperimentConfig) -> Result<Attempt, String> {
    let mut experiment = Experiment::new(config).map_err(|e| e.to_string())?;
    let mut best = experiment.latest();
    let better = |a: &EpochStats, b: &EpochStats| match level.goal {
        Goal::TestAccuracy { .. } => {
            a.test_accuracy.unwrap_or(0.0) > b.test_accuracy.unwrap_or(0.0)
        }
        Goal::TestLoss { .. } => a.test_loss < b.test_loss || !b.test_loss.is_finite(),
    };
    while experiment.epoch() < level.epoch_budget && experiment.divergence().is_none() {
        experiment.step(1);
        let latest = experiment.latest();
        if latest.epoch >= level.goal.after_epoch() && better(&latest, &best) {
            best = latest;
        }
        if level.goal.met(&latest) {
            break;
        }
    }
    Ok(Attempt {
        outcome: judge(level, experiment.history(), experiment.network()),
        best: format!("{} at epoch {}", level.goal.current(&best), best.epoch),
        diverged_at: experiment.divergence().map(|d| d.epoch),
    })
}

/// A level file as found on disk: its level, or what is wrong with it.
#[derive(Debug, Clone)]
pub struct LevelFile {
    pub path: PathBuf,
    pub level: Result<AnyLevel, Vec<LevelError>>,
}

/// The most levels one folder's index may list (the game ships 18).
pub const MAX_LEVELS_IN_INDEX: usize = 500;

/// The file names listed in the index. Every entry must be a plain `.ron` file name in the
/// index's own folder (no path, no `..`): a level pack cannot reach outside its folder.
pub fn parse_index(text: &str, file: &str) -> Result<Vec<String>, LevelError> {
    let text = crate::limits::without_bom(text);
    let names = crate::names::ron_options()
        .from_str::<Vec<String>>(text)
        .map_err(|e| LevelError {
            file: file.to_string(),
            line: e.span.start.line,
            message: format!(
                "{} (the index is a list of file names, e.g. [\"01-perceptron.ron\"])",
                e.code
            ),
        })?;
    if names.len() > MAX_LEVELS_IN_INDEX {
        return Err(LevelError {
            file: file.to_string(),
            line: 0,
            message: format!(
                "{} levels are listed: at most {MAX_LEVELS_IN_INDEX} in one folder",
                names.len()
            ),
        });
    }
    for name in &names {
        let plain = !name.is_empty()
            && !name.contains(['/', '\\', ':'])
            && name != ".."
            && !name.starts_with('.')
            && name.ends_with(".ron");
        if !plain {
            let quoted = format!("\"{name}\"");
            let line = text
                .lines()
                .position(|l| l.contains(&quoted))
                .map_or(0, |k| k + 1);
            return Err(LevelError {
                file: file.to_string(),
                line,
                message: format!(
                    "\"{name}\" is not a level file of this folder: list plain file names ending in .ron (no folders, no ..)"
                ),
            });
        }
    }
    Ok(names)
}

/// Problems that only show across levels: two levels with the same id or the same order.
/// `files` pairs each level with its file name and text (for the line).
pub fn cross_check<'a>(
    files: impl IntoIterator<Item = (&'a AnyLevel, &'a str, &'a str)>,
) -> Vec<LevelError> {
    let mut problems = Vec::new();
    let mut seen: Vec<(&AnyLevel, &str)> = Vec::new();
    for (level, file, text) in files {
        if let Some((_, other)) = seen.iter().find(|(l, _)| l.id() == level.id()) {
            problems.push(LevelError {
                file: file.to_string(),
                line: crate::names::ron_field_line(text, &["id"]),
                message: format!("id \"{}\" is already used by {other}", level.id()),
            });
        }
        if let Some((_, other)) = seen.iter().find(|(l, _)| l.order() == level.order()) {
            problems.push(LevelError {
                file: file.to_string(),
                line: crate::names::ron_field_line(text, &["order"]),
                message: format!(
                    "order {} is already used by {other}: each level needs its own place in the list",
                    level.order()
                ),
            });
        }
        seen.push((level, file));
    }
    problems
}

/// Reads every level of a folder through its index, reporting files missing from the index,
/// index entries with no file, and duplicate ids and orders.
pub fn load_dir(dir: &Path) -> (Vec<LevelFile>, Vec<LevelError>) {
    let mut problems = Vec::new();
    let index_path = dir.join(INDEX_FILE);
    let index_name = index_path.display().to_string();
    let names = match crate::limits::read_text(&index_path, crate::limits::FileKind::Level) {
        Ok(text) => match parse_index(&text, &index_name) {
            Ok(names) => names,
            Err(e) => {
                problems.push(e);
                Vec::new()
            }
        },
        Err(e) => {
            problems.push(LevelError {
                file: index_name.clone(),
                line: 0,
                message: format!(
                    "cannot read the index: {}",
                    e.strip_prefix(&format!("{index_name}: ")).unwrap_or(&e)
                ),
            });
            Vec::new()
        }
    };
    let mut files = Vec::new();
    let mut texts = Vec::new();
    for name in &names {
        let path = dir.join(name);
        let shown = path.display().to_string();
        // A level is read only from the folder itself (a link out of it is refused), as a
        // regular file of at most a level's size.
        let read = crate::limits::inside_folder(dir, name, &index_name)
            .and_then(|path| crate::limits::read_text(&path, crate::limits::FileKind::Level))
            .map_err(|e| {
                e.strip_prefix(&format!("{shown}: "))
                    .unwrap_or(&e)
                    .to_string()
            });
        let (level, text) = match read {
            Ok(text) => (AnyLevel::parse(&text, &shown), text),
            Err(e) => (
                Err(vec![LevelError {
                    file: shown,
                    line: 0,
                    message: format!("listed in {INDEX_FILE} but cannot be read: {e}"),
                }]),
                String::new(),
            ),
        };
        files.push(LevelFile { path, level });
        texts.push(text);
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut unlisted: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|n| n.ends_with(".ron") && n != INDEX_FILE && !names.contains(n))
            .collect();
        unlisted.sort();
        for name in unlisted {
            problems.push(LevelError {
                file: dir.join(&name).display().to_string(),
                line: 0,
                message: format!("not listed in {INDEX_FILE}, so the game does not load it"),
            });
        }
    }
    let shown: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    problems.extend(cross_check(
        files
            .iter()
            .zip(&shown)
            .zip(&texts)
            .filter_map(|((f, name), text)| {
                f.level
                    .as_ref()
                    .ok()
                    .map(|l| (l, name.as_str(), text.as_str()))
            }),
    ));
    (files, problems)
}

pub mod cnn;
pub mod gan;
pub mod lesson;

#[cfg(test)]
mod tests;
