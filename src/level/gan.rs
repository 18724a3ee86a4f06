//! GAN levels: the same level files and list as the Playground's, marked `mode: "gan"`. A GAN
//! level starts from one of GAN Lab's presets, lets the player change some of its settings
//! (never the data), and is judged on the precise JS divergence every [`MEASURE_EVERY`] epochs,
//! with the failure detector for the goals about collapse and oscillation. Its reference
//! solution is a list of setting changes, each from an epoch on (a GAN can be steered while it
//! trains).

use serde::{Deserialize, Serialize};

use super::LevelError;
use crate::gan::diagnose::{self, Trouble};
use crate::gan::{Distribution, Gan, GanLoss, GanSettings, NoiseKind};
use crate::named_enum;
use crate::nn::OptimizerKind;

/// The goal is judged every this many epochs (the precise measure is costly, and the game and
/// the command line must judge the same epochs).
pub const MEASURE_EVERY: u64 = 10;

named_enum! {
    /// What the player of a GAN level may change.
    pub enum GanSetting: "GAN setting" {
        /// The two learning rates.
        LearningRates => "learning_rates",
        /// SGD or Adam, per network.
        Optimizers => "optimizers",
        Loss => "loss",
        /// k_D and k_G.
        Steps => "steps",
        /// Layers and neurons of both networks (a new run).
        Architecture => "architecture",
        /// The noise's kind and dimensions (a new run).
        Noise => "noise",
    }
}

/// Changes to a GAN's settings; what is not given stays.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GanChanges {
    pub noise: Option<NoiseKind>,
    pub noise_dims: Option<usize>,
    pub g_layers: Option<usize>,
    pub d_layers: Option<usize>,
    pub g_neurons: Option<usize>,
    pub d_neurons: Option<usize>,
    pub loss: Option<GanLoss>,
    pub optimizer_g: Option<OptimizerKind>,
    pub optimizer_d: Option<OptimizerKind>,
    pub learning_rate_g: Option<f64>,
    pub learning_rate_d: Option<f64>,
    pub k_d: Option<usize>,
    pub k_g: Option<usize>,
}

impl GanChanges {
    pub fn apply(&self, s: &GanSettings) -> GanSettings {
        let mut s = s.clone();
        macro_rules! take {
            ($($f:ident),*) => { $( if let Some(v) = self.$f { s.$f = v; } )* };
        }
        take!(
            noise,
            noise_dims,
            g_layers,
            d_layers,
            g_neurons,
            d_neurons,
            loss,
            optimizer_g,
            optimizer_d,
            learning_rate_g,
            learning_rate_d,
            k_d,
            k_g
        );
        s
    }
}

/// Which of the player's settings differ between two settings (and whether anything else,
/// such as the data or the seed, does).
pub fn changed_settings(old: &GanSettings, new: &GanSettings) -> (Vec<GanSetting>, bool) {
    let mut changed = Vec::new();
    let mut add = |differs: bool, setting: GanSetting| {
        if differs && !changed.contains(&setting) {
            changed.push(setting);
        }
    };
    add(
        old.learning_rate_g != new.learning_rate_g || old.learning_rate_d != new.learning_rate_d,
        GanSetting::LearningRates,
    );
    add(
        old.optimizer_g != new.optimizer_g || old.optimizer_d != new.optimizer_d,
        GanSetting::Optimizers,
    );
    add(old.loss != new.loss, GanSetting::Loss);
    add(old.k_d != new.k_d || old.k_g != new.k_g, GanSetting::Steps);
    add(
        old.g_layers != new.g_layers
            || old.d_layers != new.d_layers
            || old.g_neurons != new.g_neurons
            || old.d_neurons != new.d_neurons,
        GanSetting::Architecture,
    );
    add(
        old.noise != new.noise || old.noise_dims != new.noise_dims,
        GanSetting::Noise,
    );
    let other = old.distribution != new.distribution
        || old.drawing != new.drawing
        || old.seed != new.seed
        || old.batch_size != new.batch_size;
    (changed, other)
}

/// Where a GAN level starts: GAN Lab's preset for a dataset, a seed, and changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GanStart {
    pub preset: Distribution,
    pub seed: u64,
    #[serde(default)]
    pub changes: GanChanges,
}

/// What counts as solving a GAN level, judged every [`MEASURE_EVERY`] epochs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum GanGoal {
    /// The precise JS divergence at most this.
    JsBelow { at_most: f64 },
    /// First the detector must see mode collapse; then, with the collapse gone, the precise JS
    /// at most this.
    CollapseThenFix { at_most: f64 },
    /// The precise JS at most this at every judged epoch of the last 600 (the detector's
    /// window): low and staying low, which an oscillating GAN cannot.
    Steady { at_most: f64 },
}

impl GanGoal {
    pub fn threshold(&self) -> f64 {
        match *self {
            GanGoal::JsBelow { at_most }
            | GanGoal::CollapseThenFix { at_most }
            | GanGoal::Steady { at_most } => at_most,
        }
    }

    pub fn describe(&self) -> String {
        match *self {
            GanGoal::JsBelow { at_most } => {
                format!("Bring the precise JS divergence down to {at_most} or less")
            }
            GanGoal::CollapseThenFix { at_most } => format!(
                "Make the generator collapse, then fix it: precise JS {at_most} or less with no collapse"
            ),
            GanGoal::Steady { at_most } => format!(
                "Keep the precise JS at {at_most} or less for {} epochs in a row",
                diagnose::WINDOW
            ),
        }
    }
}

/// A star to earn in a GAN level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum GanStar {
    /// Reach the goal.
    Goal,
    /// Reach it by this epoch.
    WithinEpochs(u64),
    /// Reach it with at most this many neurons in every layer of both networks.
    NeuronsAtMost(usize),
}

impl GanStar {
    pub fn describe(&self) -> String {
        match self {
            GanStar::Goal => "Reach the goal".into(),
            GanStar::WithinEpochs(n) => format!("Reach it within {n} epochs"),
            GanStar::NeuronsAtMost(n) => {
                format!("Reach it with at most {n} neurons per layer in both networks")
            }
        }
    }
}

/// Settings changes from an epoch on (the first at epoch 0 shapes the run).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GanPhase {
    pub at_epoch: u64,
    pub changes: GanChanges,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GanSolution {
    pub phases: Vec<GanPhase>,
    pub explanation: String,
}

/// A GAN level as written in its file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GanLevel {
    /// Always "gan": marks the file as a GAN level.
    pub mode: String,
    pub id: String,
    pub title: String,
    pub order: u32,
    pub briefing: Vec<String>,
    #[serde(default)]
    pub hints: Vec<String>,
    pub lesson: String,
    pub start: GanStart,
    /// What the player may change (the data and the seed never).
    pub may_change: Vec<GanSetting>,
    pub goal: GanGoal,
    pub epoch_budget: u64,
    pub stars: Vec<GanStar>,
    pub solution: GanSolution,
}

impl GanLevel {
    /// The settings the level starts from.
    pub fn start_settings(&self) -> GanSettings {
        let preset = GanSettings {
            seed: self.start.seed,
            ..GanSettings::preset(self.start.preset)
        };
        self.start.changes.apply(&preset)
    }

    /// Why the player may not go from `old` to `new` in this level, if not.
    pub fn refusal(&self, old: &GanSettings, new: &GanSettings) -> Option<String> {
        let (changed, other) = changed_settings(old, new);
        if other {
            return Some("In this level the data and the seed are fixed.".into());
        }
        let locked: Vec<&str> = changed
            .iter()
            .filter(|s| !self.may_change.contains(s))
            .map(|s| s.name())
            .collect();
        (!locked.is_empty()).then(|| {
            format!(
                "This level does not let you change {} (you may change: {}).",
                locked.join(", "),
                self.may_change
                    .iter()
                    .map(|s| s.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
    }

    /// Every semantic problem, each with the line of its field.
    pub(super) fn problems(&self, text: &str, file: &str) -> Vec<LevelError> {
        let mut errors = Vec::new();
        let mut add = |path: &[&str], message: String| {
            errors.push(LevelError {
                file: file.to_string(),
                line: crate::names::ron_field_line(text, path),
                message,
            });
        };
        if self.mode != "gan" {
            add(&["mode"], format!("mode \"{}\" must be \"gan\"", self.mode));
        }
        super::check_common(
            &self.id,
            &self.title,
            &self.briefing,
            &self.lesson,
            &mut add,
        );
        if self.start.preset == Distribution::Drawing {
            add(
                &["start", "preset"],
                "a level cannot start from a drawing (pick gaussians, line, ring or disjoint)"
                    .into(),
            );
        }
        if let Err(e) = self.start_settings().validate() {
            for field in e.0 {
                add(&["start"], format!("start: {field}"));
            }
        }
        let t = self.goal.threshold();
        if !(t > 0.0 && t <= 1.0) {
            add(
                &["goal", "at_most"],
                format!("the goal's JS {t} must be more than 0 and at most 1"),
            );
        }
        if !(MEASURE_EVERY..=20_000).contains(&self.epoch_budget) {
            add(
                &["epoch_budget"],
                format!(
                    "epoch_budget {} must be {MEASURE_EVERY} to 20000",
                    self.epoch_budget
                ),
            );
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
            match *star {
                GanStar::WithinEpochs(n) if n > self.epoch_budget => add(
                    &["stars"],
                    format!(
                        "the star WithinEpochs({n}) is more than the epoch budget {}",
                        self.epoch_budget
                    ),
                ),
                GanStar::NeuronsAtMost(n) if !(1..=100).contains(&n) => add(
                    &["stars"],
                    format!("the star NeuronsAtMost({n}) must be 1 to 100"),
                ),
                _ => {}
            }
        }
        if self.solution.explanation.trim().is_empty() {
            add(
                &["solution", "explanation"],
                "the solution needs an explanation (shown with the answer)".into(),
            );
        }
        let mut settings = self.start_settings();
        let mut last = None;
        for phase in &self.solution.phases {
            if last.is_some_and(|l| phase.at_epoch <= l) {
                add(
                    &["solution", "phases"],
                    format!(
                        "the phase at epoch {} must come after the one before it",
                        phase.at_epoch
                    ),
                );
            }
            if phase.at_epoch >= self.epoch_budget {
                add(
                    &["solution", "phases"],
                    format!(
                        "the phase at epoch {} is past the epoch budget",
                        phase.at_epoch
                    ),
                );
            }
            last = Some(phase.at_epoch);
            let next = phase.changes.apply(&settings);
            if let Some(why) = self.refusal(&settings, &next) {
                add(
                    &["solution", "phases"],
                    format!("the phase at epoch {}: {why}", phase.at_epoch),
                );
            }
            if phase.at_epoch > 0 && settings.needs_new_run(&next) {
                add(
                    &["solution", "phases"],
                    format!(
                        "the phase at epoch {} changes what needs a new run (layers, neurons, noise): only the phase at epoch 0 may",
                        phase.at_epoch
                    ),
                );
            }
            if let Err(e) = next.validate() {
                for field in e.0 {
                    add(
                        &["solution", "phases"],
                        format!("the phase at epoch {}: {field}", phase.at_epoch),
                    );
                }
            }
            settings = next;
        }
        errors
    }
}

/// Follows a run of a GAN level: call [`GanJudge::after_epoch`] after every epoch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GanJudge {
    /// When the detector first saw mode collapse after the fakes had been spread out (a
    /// generator starts squeezed: that is not yet a collapse).
    pub collapse_seen_at: Option<u64>,
    /// A judged epoch without collapse was seen.
    pub spread_seen: bool,
    pub solved_at: Option<u64>,
    /// The precise JS when the goal was met.
    pub js_at_solve: Option<f64>,
    /// The most neurons in a layer of either network when the goal was met.
    pub widest_at_solve: Option<usize>,
    /// The lowest precise JS judged so far, and its epoch.
    pub best: Option<(f64, u64)>,
    /// What the detector said at the last judged epoch.
    pub troubles: Vec<Trouble>,
    /// Every kind of trouble the detector saw, with the first epoch it saw it.
    pub seen: Vec<(Trouble, u64)>,
    /// The judged epochs of the last window and their precise JS.
    pub recent: std::collections::VecDeque<(u64, f64)>,
}

/// What the judge decided after an epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GanVerdict {
    Solved,
    OutOfEpochs,
}

impl GanJudge {
    /// Judges the run after its latest epoch (only every [`MEASURE_EVERY`] epochs; the run's
    /// record for that epoch must be measured). Returns the verdict once it is reached.
    pub fn after_epoch(&mut self, level: &GanLevel, gan: &Gan) -> Option<GanVerdict> {
        if self.solved_at.is_some() {
            return None;
        }
        let epoch = gan.epoch();
        if epoch > 0 && epoch.is_multiple_of(MEASURE_EVERY) && epoch <= level.epoch_budget {
            let js = gan.latest().js_precise;
            if js.is_finite() && self.best.is_none_or(|(b, _)| js < b) {
                self.best = Some((js, epoch));
            }
            self.recent.push_back((epoch, js));
            while self
                .recent
                .front()
                .is_some_and(|(e, _)| *e + diagnose::WINDOW < epoch)
            {
                self.recent.pop_front();
            }
            self.troubles = diagnose::diagnose(gan).iter().map(|d| d.kind).collect();
            for trouble in &self.troubles {
                if !self.seen.iter().any(|(t, _)| t == trouble) {
                    self.seen.push((*trouble, epoch));
                }
            }
            let collapsed = self.troubles.contains(&Trouble::ModeCollapse);
            if !collapsed {
                self.spread_seen = true;
            } else if self.spread_seen && self.collapse_seen_at.is_none() {
                self.collapse_seen_at = Some(epoch);
            }
            let below = js <= level.goal.threshold();
            let met = match level.goal {
                GanGoal::JsBelow { .. } => below,
                GanGoal::CollapseThenFix { .. } => {
                    self.collapse_seen_at.is_some_and(|at| at < epoch) && !collapsed && below
                }
                GanGoal::Steady { at_most } => {
                    let window = (diagnose::WINDOW / MEASURE_EVERY) as usize + 1;
                    self.recent.len() >= window && self.recent.iter().all(|(_, v)| *v <= at_most)
                }
            };
            if met && gan.is_finite() {
                self.solved_at = Some(epoch);
                self.js_at_solve = Some(js);
                let s = gan.settings();
                self.widest_at_solve = Some(s.g_neurons.max(s.d_neurons));
                return Some(GanVerdict::Solved);
            }
        }
        (epoch >= level.epoch_budget || !gan.is_finite()).then_some(GanVerdict::OutOfEpochs)
    }

    /// Which stars the run earned; `neurons` is the widest layer of the run's networks when the
    /// goal was met.
    pub fn stars(&self, level: &GanLevel) -> Vec<bool> {
        level
            .stars
            .iter()
            .map(|star| match (*star, self.solved_at) {
                (_, None) => false,
                (GanStar::Goal, Some(_)) => true,
                (GanStar::WithinEpochs(n), Some(at)) => at <= n,
                (GanStar::NeuronsAtMost(n), Some(_)) => {
                    self.widest_at_solve.is_some_and(|w| w <= n)
                }
            })
            .collect()
    }

    /// How the run stands, in words.
    pub fn status(&self, level: &GanLevel, gan: &Gan) -> String {
        let js = gan.latest().js_precise;
        let mut text = format!(
            "precise JS {js:.3} (goal: {} or less)",
            level.goal.threshold()
        );
        if let GanGoal::CollapseThenFix { .. } = level.goal {
            text.push_str(match self.collapse_seen_at {
                None => "; no collapse seen yet",
                Some(_) => "; collapse seen: now fix it",
            });
        }
        text
    }
}

/// A run of a GAN level with given phases, to the goal or the budget.
#[derive(Debug, Clone, PartialEq)]
pub struct GanAttempt {
    pub judge: GanJudge,
    pub stars: Vec<bool>,
    pub diverged_at: Option<u64>,
}

impl GanAttempt {
    pub fn why_not(&self) -> String {
        match (self.diverged_at, self.judge.best) {
            (Some(epoch), _) => format!("training blew up at epoch {epoch}"),
            (None, Some((js, epoch))) => {
                format!("the best precise JS was {js:.3} at epoch {epoch}")
            }
            (None, None) => "nothing was measured".into(),
        }
    }
}

/// Trains the level from its start with `phases` applied, judging as the game does.
pub fn play(level: &GanLevel, phases: &[GanPhase]) -> Result<GanAttempt, String> {
    let mut settings = level.start_settings();
    let mut phases = phases.iter().peekable();
    if let Some(first) = phases.next_if(|p| p.at_epoch == 0) {
        settings = first.changes.apply(&settings);
    }
    let mut gan = Gan::new(settings).map_err(|e| e.to_string())?;
    let mut judge = GanJudge::default();
    loop {
        while let Some(phase) = phases.next_if(|p| p.at_epoch <= gan.epoch()) {
            let next = phase.changes.apply(gan.settings());
            gan.apply_live(next)?;
        }
        let next = gan.epoch() + 1;
        gan.train_epoch(next.is_multiple_of(MEASURE_EVERY));
        if judge.after_epoch(level, &gan).is_some() {
            break;
        }
    }
    Ok(GanAttempt {
        stars: judge.stars(level),
        diverged_at: (!gan.is_finite()).then(|| gan.epoch()),
        judge,
    })
}
