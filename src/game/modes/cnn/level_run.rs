//! Playing a CNN level: the level's start replaces the free run (which waits and comes back on
//! the free CNN screen), the core's judge looks after every epoch and every kernel edit exactly
//! as `levels solve` does, the settings the level locks are refused, and a win is saved with its
//! stars.

use bevy::prelude::*;

use super::sim::CnnSim;
use crate::game::levels::{LevelCatalog, LevelCommand};
use crate::game::notices::Notices;
use crate::game::save::SavedProgress;
use crate::game::screens::Screen;
use crate::level::cnn::{CnnJudge, CnnLevel, CnnVerdict};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<StashedFreeRun>()
        .add_systems(Update, handle_commands)
        .add_systems(OnEnter(Screen::Cnn), back_to_the_free_run)
        .add_systems(
            Update,
            record_outcome.run_if(in_state(Screen::CnnLevel).and_then(resource_exists::<CnnSim>)),
        );
}

/// The free CNN run, kept while a level is played.
#[derive(Resource, Default)]
pub struct StashedFreeRun(Option<Box<CnnSim>>);

pub use crate::game::levels::LevelPhase;

#[derive(Debug, Clone)]
pub struct CnnLevelRun {
    pub level: CnnLevel,
    pub judge: CnnJudge,
    pub phase: LevelPhase,
    pub hints_shown: usize,
    /// The reference solution was shown: only the first star counts.
    pub answer_shown: bool,
    recorded: bool,
}

impl CnnLevelRun {
    pub fn new(level: CnnLevel) -> Self {
        Self {
            level,
            judge: CnnJudge::default(),
            phase: LevelPhase::Briefing,
            hints_shown: 0,
            answer_shown: false,
            recorded: false,
        }
    }

    pub fn stars(&self) -> Vec<bool> {
        let mut stars = self.judge.stars(&self.level);
        if self.answer_shown {
            for s in stars.iter_mut().skip(1) {
                *s = false;
            }
        }
        stars
    }
}

impl CnnSim {
    /// A run of `level` from its start.
    pub fn for_level(level: &CnnLevel) -> Result<Self, String> {
        let setup = level.setup()?;
        let mut sim = CnnSim::new(setup.dataset, setup.classes, setup.seed, setup.spec)?;
        sim.set_optimizer(setup.optimizer, setup.batch_size)?;
        sim.level = Some(CnnLevelRun::new(level.clone()));
        Ok(sim)
    }

    /// Judges the level now (after an epoch or an edit); stops training when it is decided.
    pub fn judge_level(&mut self) {
        let Some(run) = self.level.as_mut() else {
            return;
        };
        if run.phase != LevelPhase::Playing {
            return;
        }
        match run.judge.judge(&run.level, &self.training) {
            Some(CnnVerdict::Solved) => {
                run.phase = LevelPhase::Won;
                self.playing = false;
            }
            Some(CnnVerdict::OutOfEpochs) => {
                run.phase = LevelPhase::OutOfEpochs;
                self.playing = false;
            }
            None => {}
        }
    }

    /// Back to the level's start, judged afresh.
    fn restart_level(&mut self) -> Result<(), String> {
        let Some(mut run) = self.level.take() else {
            return Ok(());
        };
        let setup = run.level.setup()?;
        self.set_level_setup(&setup)?;
        run.judge = CnnJudge::default();
        run.recorded = false;
        run.answer_shown = false;
        run.phase = LevelPhase::Playing;
        self.level = Some(run);
        Ok(())
    }

    /// The reference solution: its network and training, its kernel, and training started.
    fn show_answer(&mut self) -> Result<String, String> {
        self.restart_level()?;
        let Some(run) = self.level.as_mut() else {
            return Err("no level is being played".into());
        };
        run.answer_shown = true;
        let level = run.level.clone();
        let setup = level.solution_setup()?;
        self.set_level_setup(&setup)?;
        if let Some(values) = &level.solution.kernel_values {
            crate::level::cnn::set_first_kernel(
                &mut self.training.model,
                crate::level::cnn::level_filter(&level),
                values,
            );
            self.refresh_maps();
            self.judge_level();
        } else {
            self.playing = true;
        }
        Ok(level.solution.explanation.clone())
    }
}

#[allow(clippy::too_many_arguments)]
fn handle_commands(
    mut requests: MessageReader<LevelCommand>,
    catalog: Res<LevelCatalog>,
    sim: Option<ResMut<CnnSim>>,
    mut stash: ResMut<StashedFreeRun>,
    mut commands: Commands,
    mut next: ResMut<NextState<Screen>>,
    screen: Res<State<Screen>>,
    mut notices: ResMut<Notices>,
) {
    let mut sim = sim;
    for request in requests.read() {
        let in_level = *screen.get() == Screen::CnnLevel;
        match request {
            LevelCommand::Start(id) => {
                let Some(level) = catalog.find_cnn(id) else {
                    continue;
                };
                let fresh = match CnnSim::for_level(level) {
                    Ok(s) => s,
                    Err(e) => {
                        notices.refused(format!("This level cannot start: {e}"));
                        continue;
                    }
                };
                match sim.as_deref_mut() {
                    Some(current) => {
                        let old = std::mem::replace(current, fresh);
                        if old.level.is_none() {
                            stash.0 = Some(Box::new(old));
                        }
                    }
                    None => commands.insert_resource(fresh),
                }
                next.set(Screen::CnnLevel);
            }
            _ if !in_level => {}
            LevelCommand::Retry => {
                if let Some(sim) = sim.as_deref_mut()
                    && let Err(e) = sim.restart_level()
                {
                    notices.refused(format!("This level cannot start: {e}"));
                }
            }
            LevelCommand::BeginPlaying => {
                if let Some(run) = sim.as_deref_mut().and_then(|s| s.level.as_mut())
                    && run.phase == LevelPhase::Briefing
                {
                    run.phase = LevelPhase::Playing;
                }
            }
            LevelCommand::Hint => {
                if let Some(run) = sim.as_deref_mut().and_then(|s| s.level.as_mut())
                    && run.hints_shown < run.level.hints.len()
                {
                    run.hints_shown += 1;
                }
            }
            LevelCommand::ShowAnswer => {
                if let Some(sim) = sim.as_deref_mut() {
                    match sim.show_answer() {
                        Ok(explanation) => notices.info(format!("The answer: {explanation}")),
                        Err(e) => notices.refused(format!("The answer cannot start: {e}")),
                    }
                }
            }
        }
    }
}

/// Leaving a level for the free CNN screen brings the free run back.
fn back_to_the_free_run(sim: Option<ResMut<CnnSim>>, mut stash: ResMut<StashedFreeRun>) {
    let Some(mut sim) = sim else { return };
    if sim.level.is_some() {
        match stash.0.take() {
            Some(free) => *sim = *free,
            None => match CnnSim::new(
                crate::cnn::images::ImageDataset::Shapes,
                5,
                0,
                crate::cnn::MiniSpec::default(),
            ) {
                Ok(fresh) => *sim = fresh,
                Err(_) => sim.level = None,
            },
        }
        sim.playing = false;
    }
}

/// A decided level is saved once: its stars and the epoch it was solved at.
fn record_outcome(mut sim: ResMut<CnnSim>, mut saved: ResMut<SavedProgress>) {
    let Some(run) = sim.level.as_mut() else {
        return;
    };
    if run.recorded || !matches!(run.phase, LevelPhase::Won | LevelPhase::OutOfEpochs) {
        return;
    }
    run.recorded = true;
    let stars = run.stars();
    saved.record_stars(&run.level.id, &stars, run.judge.solved_at);
}
