//! Playing a GAN level: the level's start replaces the free run (which waits and comes back on
//! the free GAN screen), the core's judge follows every tenth epoch exactly as `levels solve`
//! does, the settings the level locks are refused, and a win is saved with its stars.

use bevy::prelude::*;

use super::sim::{GanAction, GanRules, GanSim};
use crate::game::levels::{
    LevelCatalog, LevelCommand, PlayedLevel, StashedFreeRun, begin_playing, record_outcome,
    reveal_hint,
};
use crate::game::notices::Notices;
use crate::game::screens::Screen;
use crate::gan::Gan;
use crate::level::gan::{GanJudge, GanLevel, GanPhase, GanVerdict};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<StashedFreeRun<GanSim>>()
        .add_systems(Update, handle_commands)
        .add_systems(OnEnter(Screen::Gan), back_to_the_free_run)
        .add_systems(
            Update,
            record_outcome::<GanLevelRun>
                .run_if(in_state(Screen::GanLevel).and_then(resource_exists::<GanLevelRun>)),
        );
}

pub use crate::game::levels::LevelPhase;

/// A GAN level being played: a resource beside the [`GanSim`] while a level is on.
#[derive(Resource, Debug, Clone)]
pub struct GanLevelRun {
    pub level: GanLevel,
    pub judge: GanJudge,
    pub phase: LevelPhase,
    pub hints_shown: usize,
    /// The reference solution is being played: its later phases apply at their epochs, and
    /// only the first star counts.
    pub answer: Option<Vec<GanPhase>>,
    recorded: bool,
}

impl GanLevelRun {
    pub fn new(level: GanLevel) -> Self {
        Self {
            level,
            judge: GanJudge::default(),
            phase: LevelPhase::Briefing,
            hints_shown: 0,
            answer: None,
            recorded: false,
        }
    }

    /// The stars of the run so far (with the answer shown, only reaching the goal counts).
    pub fn stars(&self) -> Vec<bool> {
        let mut stars = self.judge.stars(&self.level);
        if self.answer.is_some() {
            for s in stars.iter_mut().skip(1) {
                *s = false;
            }
        }
        stars
    }

    /// Starts the judging over (a reset or a retry).
    fn restart(&mut self) {
        self.judge = GanJudge::default();
        self.recorded = false;
        if self.phase != LevelPhase::Briefing {
            self.phase = LevelPhase::Playing;
        }
    }
}

impl GanLevelRun {
    /// A new run from the level's start (its judge starts over too).
    pub fn restart_level(&mut self, sim: &mut GanSim, notices: &mut Notices) {
        self.restart();
        self.answer = None;
        match Gan::new(self.level.start_settings()) {
            Ok(gan) => {
                sim.replace_run(gan, format!("level: {}", self.level.title));
                sim.playing = false;
            }
            Err(e) => notices.refused(format!("This level cannot start: {e}")),
        }
    }
}

impl GanRules for GanLevelRun {
    fn refusal(&self, sim: &GanSim, action: &GanAction) -> Option<String> {
        match action {
            GanAction::Preset { .. } | GanAction::Drawing(_) | GanAction::Prepare(_) => {
                Some("In a level the data is fixed: leave the level to pick another.".to_string())
            }
            GanAction::Open { .. } => {
                Some("Models open on the free GAN screen, not in a level.".to_string())
            }
            GanAction::Settings(new) => self.level.refusal(sim.gan.settings(), new),
            GanAction::TogglePlay | GanAction::Step(_) | GanAction::SlowMotion(true)
                if !self.allows_training() =>
            {
                Some(match self.phase {
                    LevelPhase::Briefing => {
                        "Read the briefing and press \"Play the level\" first.".to_string()
                    }
                    _ => "This run is over: press Retry to play again.".to_string(),
                })
            }
            _ => None,
        }
    }

    fn allows_training(&self) -> bool {
        self.phase == LevelPhase::Playing
    }

    fn judges(&self) -> bool {
        true
    }

    /// The answer's next phase when its epoch comes, then the judge.
    fn after_epoch(&mut self, sim: &mut GanSim) -> bool {
        if self.phase != LevelPhase::Playing {
            return true;
        }
        if let Some(answer) = self.answer.as_mut() {
            while answer
                .first()
                .is_some_and(|p| p.at_epoch <= sim.gan.epoch())
            {
                let phase = answer.remove(0);
                let next = phase.changes.apply(sim.gan.settings());
                let _ = sim.gan.apply_live(next);
            }
        }
        match self.judge.after_epoch(&self.level, &sim.gan) {
            Some(GanVerdict::Solved) => {
                self.phase = LevelPhase::Won;
                sim.playing = false;
                true
            }
            Some(GanVerdict::OutOfEpochs) => {
                self.phase = LevelPhase::OutOfEpochs;
                sim.playing = false;
                true
            }
            None => false,
        }
    }

    fn run_restarted(&mut self) {
        self.restart();
    }
}

impl PlayedLevel for GanLevelRun {
    fn level_id(&self) -> &str {
        &self.level.id
    }
    fn phase_mut(&mut self) -> &mut LevelPhase {
        &mut self.phase
    }
    fn hints_mut(&mut self) -> (&mut usize, usize) {
        (&mut self.hints_shown, self.level.hints.len())
    }
    fn stars(&self) -> Vec<bool> {
        GanLevelRun::stars(self)
    }
    fn solved_at(&self) -> Option<u64> {
        self.judge.solved_at
    }
    fn recorded_mut(&mut self) -> &mut bool {
        &mut self.recorded
    }
}

#[allow(clippy::too_many_arguments)]
fn handle_commands(
    mut requests: MessageReader<LevelCommand>,
    catalog: Res<LevelCatalog>,
    sim: Option<ResMut<GanSim>>,
    run: Option<ResMut<GanLevelRun>>,
    mut stash: ResMut<StashedFreeRun<GanSim>>,
    mut commands: Commands,
    mut next: ResMut<NextState<Screen>>,
    screen: Res<State<Screen>>,
    mut notices: ResMut<Notices>,
) {
    let (mut sim, mut run) = (sim, run);
    for request in requests.read() {
        let in_level = *screen.get() == Screen::GanLevel;
        match request {
            LevelCommand::Start(id) => {
                let Some(level) = catalog.find_gan(id) else {
                    continue;
                };
                let gan = match Gan::new(level.start_settings()) {
                    Ok(gan) => gan,
                    Err(e) => {
                        notices.refused(format!("This level cannot start: {e}"));
                        continue;
                    }
                };
                let mut fresh = GanSim::with_gan(gan, format!("level: {}", level.title));
                match sim.as_deref_mut() {
                    Some(sim) => {
                        // Newer than anything the views have seen: they lay out again.
                        fresh.generation = sim.generation + 1;
                        fresh.speed = sim.speed;
                        let free_run = std::mem::replace(sim, fresh);
                        if run.is_none() {
                            stash.keep(free_run);
                        }
                    }
                    None => commands.insert_resource(fresh),
                }
                let new_run = GanLevelRun::new(level.clone());
                match run.as_deref_mut() {
                    Some(run) => *run = new_run,
                    None => commands.insert_resource(new_run),
                }
                next.set(Screen::GanLevel);
            }
            _ if !in_level => {}
            LevelCommand::Retry => {
                if let (Some(sim), Some(run)) = (sim.as_deref_mut(), run.as_deref_mut()) {
                    run.restart_level(sim, &mut notices);
                    run.phase = LevelPhase::Playing;
                }
            }
            LevelCommand::BeginPlaying => {
                if let Some(run) = run.as_deref_mut() {
                    begin_playing(run);
                }
            }
            LevelCommand::Hint => {
                if let Some(run) = run.as_deref_mut() {
                    reveal_hint(run);
                }
            }
            LevelCommand::ShowAnswer => {
                let (Some(sim), Some(run)) = (sim.as_deref_mut(), run.as_deref_mut()) else {
                    continue;
                };
                show_answer(sim, run, &mut notices);
            }
        }
    }
}

/// The reference solution, played from the level's start: its first settings at once, its
/// later phases at their epochs (in `after_epoch`), training started.
fn show_answer(sim: &mut GanSim, run: &mut GanLevelRun, notices: &mut Notices) {
    run.restart_level(sim, notices);
    let mut phases = run.level.solution.phases.clone();
    let first = phases
        .first()
        .filter(|p| p.at_epoch == 0)
        .map(|p| p.changes.apply(&run.level.start_settings()));
    if first.is_some() {
        phases.remove(0);
    }
    run.answer = Some(phases);
    run.phase = LevelPhase::Playing;
    if let Some(settings) = first {
        match Gan::new(settings) {
            Ok(gan) => {
                let origin = sim.origin.clone();
                sim.replace_run(gan, origin);
            }
            Err(e) => notices.refused(format!("The answer cannot start: {e}")),
        }
    }
    sim.playing = true;
    notices.info(format!("The answer: {}", run.level.solution.explanation));
}

/// Leaving a level for the free GAN screen brings the free run back.
fn back_to_the_free_run(
    mut commands: Commands,
    sim: Option<ResMut<GanSim>>,
    run: Option<Res<GanLevelRun>>,
    mut stash: ResMut<StashedFreeRun<GanSim>>,
) {
    let (Some(mut sim), Some(_)) = (sim, run) else {
        return;
    };
    commands.remove_resource::<GanLevelRun>();
    let generation = sim.generation;
    *sim = stash.take().unwrap_or_else(GanSim::opening);
    // Newer than the level's run: the views lay out again.
    sim.generation = generation + 1;
    sim.version += 1;
    sim.playing = false;
}
