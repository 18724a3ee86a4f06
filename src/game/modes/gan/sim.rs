//! The GAN run as a Bevy resource and the player's actions on it.
//!
//! The core [`Gan`] is the one source of truth. Buttons, keys and the plot only send
//! [`GanAction`]s; [`apply_actions`] turns them into changes of the run, with a notice for
//! whatever cannot be done; everything on screen is derived from the run afterwards.

use bevy::ecs::component::Mutable;
use bevy::prelude::*;

use super::GanStage;
use crate::game::notices::Notices;
use crate::gan::diagnose::Diagnosis;
use crate::gan::file::LoadedModel;
use crate::gan::{Distribution, Gan, GanSettings, StepKind};

// Slow motion's steps are the core's; the game walks through them and draws them.
pub use crate::gan::slow_motion::{
    Part, STEP_SECONDS as SLOW_STEP_SECONDS, STEPS as SLOW_STEPS, SlowMotion, Turn,
};

pub(super) fn plugin(app: &mut App) {
    app.add_message::<GanAction>()
        .configure_sets(
            Update,
            (GanSet::Apply, GanSet::Train, GanSet::Mirror)
                .chain()
                .before(crate::game::network_view::ViewSet::Sync),
        )
        .add_systems(OnEnter(GanStage), open_first_run);
}

/// Ordering of the mode's systems within a frame, before the network views'.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum GanSet {
    /// Player actions change the run.
    Apply,
    /// Training, slow motion and the start being prepared.
    Train,
    /// The views are told what the run now is.
    Mirror,
}

/// How fast training runs while playing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GanSpeed {
    /// A fixed number of epochs each frame (1 is GAN Lab's pace).
    PerFrame(u32),
    /// As many epochs as fit in the frame's training budget.
    Max,
}

impl GanSpeed {
    pub const CHOICES: [GanSpeed; 6] = [
        GanSpeed::PerFrame(1),
        GanSpeed::PerFrame(2),
        GanSpeed::PerFrame(5),
        GanSpeed::PerFrame(20),
        GanSpeed::PerFrame(100),
        GanSpeed::Max,
    ];

    pub fn label(self) -> String {
        match self {
            GanSpeed::PerFrame(1) => "1 epoch/frame (GAN Lab)".into(),
            GanSpeed::PerFrame(n) => format!("{n} epochs/frame"),
            GanSpeed::Max => "Max".into(),
        }
    }
}

/// The run is being trained to a starting point before the player takes over (GAN Lab opens on
/// a model trained to epoch 1,931).
#[derive(Debug, Clone, PartialEq)]
pub struct Preparing {
    pub target: u64,
    pub why: String,
}

/// The GAN on screen.
#[derive(Resource)]
pub struct GanSim {
    pub gan: Gan,
    pub playing: bool,
    pub speed: GanSpeed,
    /// Epochs per second trained recently.
    pub measured_rate: f64,
    /// Bumped for every new run (the views lay out again).
    pub generation: u64,
    /// Bumped whenever the weights change.
    pub version: u64,
    pub slow_motion: Option<SlowMotion>,
    pub preparing: Option<Preparing>,
    /// The epoch at which the weights stopped being numbers.
    pub diverged_at: Option<u64>,
    /// What the detector sees, refreshed twice a second.
    pub diagnosis: Vec<Diagnosis>,
    /// Where the run came from, in words ("GAN Lab's gaussians preset", "model.json"...).
    pub origin: String,
}

impl GanSim {
    /// GAN Lab's opening: the gaussians preset, trained in the background from seed 1 to the
    /// epoch of GAN Lab's own pretrained model.
    pub fn opening() -> Self {
        let settings = GanSettings::default();
        let gan = Gan::new(settings).expect("GAN Lab's preset is valid");
        let target = GanSettings::pretrained_epoch(Distribution::Gaussians);
        let mut sim = Self::with_gan(gan, "GAN Lab's gaussians preset");
        sim.preparing = Some(Preparing {
            target,
            why: "Training GAN Lab's opening model".into(),
        });
        sim
    }

    pub fn with_gan(gan: Gan, origin: impl Into<String>) -> Self {
        Self {
            gan,
            playing: false,
            speed: GanSpeed::PerFrame(1),
            measured_rate: 0.0,
            generation: 0,
            version: 0,
            slow_motion: None,
            preparing: None,
            diverged_at: None,
            diagnosis: Vec::new(),
            origin: origin.into(),
        }
    }

    /// Starts over with another run (a reset, new settings, an opened model).
    pub fn replace_run(&mut self, gan: Gan, origin: impl Into<String>) {
        self.gan = gan;
        self.origin = origin.into();
        self.generation += 1;
        self.version += 1;
        self.slow_motion = self.slow_motion.map(|_| SlowMotion::start());
        self.preparing = None;
        self.diverged_at = None;
        self.diagnosis.clear();
    }

    /// After any training: note a blow-up (training stops, the views turn grey).
    pub fn after_training(&mut self) -> Option<String> {
        self.version += 1;
        if self.diverged_at.is_none() && !self.gan.is_finite() {
            let epoch = self.gan.epoch();
            self.diverged_at = Some(epoch);
            self.playing = false;
            self.preparing = None;
            return Some(format!(
                "Training blew up at epoch {epoch}: the weights are no longer numbers. Lower a learning rate, then press Reset."
            ));
        }
        None
    }

    pub fn may_train(&self) -> bool {
        self.diverged_at.is_none()
    }
}

/// What the player asks of the GAN.
#[derive(Message, Debug, Clone)]
pub enum GanAction {
    TogglePlay,
    /// A new run with the same settings and seed: the same start again.
    Reset,
    /// GAN Lab's manual steps; pauses training.
    Step(StepKind),
    SlowMotion(bool),
    /// In slow motion: on to the next step now.
    NextSlowStep,
    Speed(GanSpeed),
    /// New settings: applied live where GAN Lab does (learning rates, optimisers, loss, k),
    /// else a new run.
    Settings(Box<GanSettings>),
    /// A dataset with GAN Lab's preset for it (or our tuned variant).
    Preset {
        distribution: Distribution,
        tuned: bool,
    },
    /// The player's drawing as the real data.
    Drawing(Vec<[f64; 2]>),
    /// A model from a file.
    Open {
        model: Box<LoadedModel>,
        name: String,
    },
    /// Train quickly to this epoch, with a progress bar (GAN Lab's pretrained starting points).
    Prepare(u64),
    /// Stop preparing and take the run as it is.
    SkipPreparation,
}

/// Makes the first run when the mode first opens (it stays while the player visits other modes).
pub fn open_first_run(mut commands: Commands, sim: Option<Res<GanSim>>) {
    if sim.is_none() {
        commands.insert_resource(GanSim::opening());
    }
}

/// What a level being played says about the run. The level run, a resource of its own beside
/// the sim, answers; the sim knows no level, and a free run has [`NoLevel`].
pub trait GanRules {
    /// Why this action is refused now, if it is.
    fn refusal(&self, sim: &GanSim, action: &GanAction) -> Option<String>;
    /// Whether training may go on.
    fn allows_training(&self) -> bool;
    /// Whether a judge follows the run (it needs every tenth epoch measured).
    fn judges(&self) -> bool;
    /// After every epoch; true when the run is decided (training stops).
    fn after_epoch(&mut self, sim: &mut GanSim) -> bool;
    /// The run started over (a reset, new settings): so does the judging.
    fn run_restarted(&mut self);
}

/// The free run: nothing is refused, nothing judged.
pub struct NoLevel;

/// The rules of the level being played, or the free run's.
pub fn rules_or_free<'a, L: GanRules>(
    level: Option<&'a mut L>,
    free: &'a mut NoLevel,
) -> &'a mut dyn GanRules {
    match level {
        Some(level) => level,
        None => free,
    }
}

impl GanRules for NoLevel {
    fn refusal(&self, _: &GanSim, _: &GanAction) -> Option<String> {
        None
    }
    fn allows_training(&self) -> bool {
        true
    }
    fn judges(&self) -> bool {
        false
    }
    fn after_epoch(&mut self, _: &mut GanSim) -> bool {
        false
    }
    fn run_restarted(&mut self) {}
}

/// Turns the player's actions into changes of the run, under the rules of the level being
/// played (`L`, the level run's resource), if one is.
pub fn apply_actions<L: GanRules + Resource + Component<Mutability = Mutable>>(
    mut actions: MessageReader<GanAction>,
    sim: Option<ResMut<GanSim>>,
    level: Option<ResMut<L>>,
    mut notices: ResMut<Notices>,
) {
    let Some(mut sim) = sim else {
        actions.clear();
        return;
    };
    let (mut level, mut free) = (level, NoLevel);
    let rules = rules_or_free(level.as_deref_mut(), &mut free);
    for action in actions.read() {
        apply(&mut sim, rules, action.clone(), &mut notices);
    }
}

/// One action on the run.
pub fn apply(sim: &mut GanSim, rules: &mut dyn GanRules, action: GanAction, notices: &mut Notices) {
    if let Some(why) = rules.refusal(sim, &action) {
        notices.refused(why);
        return;
    }
    match action {
        GanAction::TogglePlay => {
            if !sim.may_train() {
                notices.refused("Training blew up: press Reset (and lower a learning rate) first.");
            } else {
                sim.playing = !sim.playing;
                if sim.playing {
                    sim.preparing = None;
                }
            }
        }
        GanAction::Reset => {
            let settings = sim.gan.settings().clone();
            match Gan::new(settings) {
                Ok(gan) => {
                    let origin = sim.origin.clone();
                    sim.replace_run(gan, origin);
                    rules.run_restarted();
                }
                Err(e) => notices.refused(format!("Cannot start over: {e}")),
            }
        }
        GanAction::Step(kind) => {
            if !sim.may_train() {
                notices.refused("Training blew up: press Reset (and lower a learning rate) first.");
                return;
            }
            sim.playing = false;
            sim.preparing = None;
            finish_half_epoch(sim);
            sim.gan.manual_step(kind);
            if let Some(message) = sim.after_training() {
                notices.refused(message);
            }
            rules.after_epoch(sim);
        }
        GanAction::SlowMotion(on) => {
            if on && sim.slow_motion.is_none() {
                sim.preparing = None;
                sim.slow_motion = Some(SlowMotion::start());
                sim.playing = sim.may_train();
            } else if !on && sim.slow_motion.is_some() {
                finish_half_epoch(sim);
                sim.slow_motion = None;
                sim.version += 1;
            }
        }
        GanAction::NextSlowStep => {
            if let Some(mut slow) = sim.slow_motion {
                slow.elapsed = SLOW_STEP_SECONDS;
                sim.slow_motion = Some(slow);
                advance_slow_motion(sim, rules, 0.0, notices);
            }
        }
        GanAction::Speed(speed) => sim.speed = speed,
        GanAction::Settings(settings) => change_settings(sim, rules, *settings, notices),
        GanAction::Preset {
            distribution,
            tuned,
        } => preset(sim, distribution, tuned, notices),
        GanAction::Drawing(points) => {
            let settings = GanSettings {
                drawing: points,
                ..GanSettings::preset(Distribution::Drawing)
            };
            let settings = GanSettings {
                seed: sim.gan.settings().seed,
                ..settings
            };
            new_run(sim, settings, "your drawing", notices);
        }
        GanAction::Open { model, name } => match model.into_gan() {
            Ok(gan) => {
                sim.playing = false;
                sim.replace_run(gan, name.clone());
                notices.info(format!("Opened {name} at epoch {}.", sim.gan.epoch()));
            }
            Err(e) => notices.refused(format!("Cannot open {name}: {e}")),
        },
        GanAction::Prepare(target) => {
            if !sim.may_train() {
                notices.refused("Training blew up: press Reset first.");
            } else if target > sim.gan.epoch() {
                sim.playing = false;
                sim.slow_motion = None;
                sim.preparing = Some(Preparing {
                    target,
                    why: format!("Training to epoch {target}"),
                });
            }
        }
        GanAction::SkipPreparation => sim.preparing = None,
    }
}

/// A dataset with GAN Lab's preset for it (or our tuned variant), from the run's seed.
fn preset(sim: &mut GanSim, distribution: Distribution, tuned: bool, notices: &mut Notices) {
    let mut settings = if tuned {
        GanSettings::tuned(distribution)
    } else {
        GanSettings::preset(distribution)
    };
    settings.seed = sim.gan.settings().seed;
    if distribution == Distribution::Drawing {
        settings.drawing = sim.gan.settings().drawing.clone();
        if settings.drawing.is_empty() {
            notices.refused("Draw some points on the big square first (choose \"Draw your own\").");
            return;
        }
    }
    let origin = format!(
        "{} preset for {}",
        if tuned { "our tuned" } else { "GAN Lab's" },
        distribution.name()
    );
    new_run(sim, settings, origin, notices);
}

/// Completes an epoch that slow motion left half done, so that every epoch has both halves.
fn finish_half_epoch(sim: &mut GanSim) {
    if let Some(slow) = sim.slow_motion.as_mut() {
        slow.finish_half_epoch(&mut sim.gan);
    }
}

fn new_run(
    sim: &mut GanSim,
    settings: GanSettings,
    origin: impl Into<String>,
    notices: &mut Notices,
) {
    match Gan::new(settings) {
        Ok(gan) => sim.replace_run(gan, origin),
        Err(e) => notices.refused(format!("Cannot start that run: {e}")),
    }
}

fn change_settings(
    sim: &mut GanSim,
    rules: &mut dyn GanRules,
    settings: GanSettings,
    notices: &mut Notices,
) {
    if let Err(e) = settings.validate() {
        notices.refused(format!("Not a possible setting: {e}"));
        return;
    }
    if sim.gan.settings().needs_new_run(&settings) {
        let origin = sim.origin.clone();
        new_run(sim, settings, origin, notices);
        rules.run_restarted();
    } else if let Err(e) = sim.gan.apply_live(settings) {
        notices.refused(format!("Cannot change that now: {e}"));
    }
}

/// Moves slow motion on by `dt` seconds (the steps and what they train are the core's), and
/// reacts as after any training: a blow-up stops it, and a level judges a finished epoch.
pub fn advance_slow_motion(
    sim: &mut GanSim,
    rules: &mut dyn GanRules,
    dt: f32,
    notices: &mut Notices,
) {
    let Some(mut slow) = sim.slow_motion else {
        return;
    };
    if !sim.may_train() {
        return;
    }
    slow.elapsed += dt;
    while slow.due() {
        let trained = slow.enter_next(&mut sim.gan);
        if trained == crate::gan::slow_motion::Trained::Nothing {
            continue;
        }
        if let Some(message) = sim.after_training() {
            notices.refused(message);
            break;
        }
        if trained == crate::gan::slow_motion::Trained::WholeEpoch && rules.after_epoch(sim) {
            break;
        }
    }
    sim.slow_motion = Some(slow);
}
