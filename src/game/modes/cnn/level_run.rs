//! Playing a CNN level: the level's start replaces the free run (which waits and comes back on
//! the free CNN screen), the core's judge looks after every epoch and every kernel edit exactly
//! as `levels solve` does, the settings the level locks are refused, and a win is saved with its
//! stars.

use bevy::prelude::*;

use super::sim::{CnnAction, CnnRules, CnnSim};
use crate::game::levels::{
    LevelCatalog, LevelCommand, PlayedLevel, StashedFreeRun, begin_playing, record_outcome,
    reveal_hint,
};
use crate::game::notices::Notices;
use crate::game::screens::Screen;
use crate::level::cnn::{CnnJudge, CnnLevel, CnnLevelSetup, CnnSetting, CnnVerdict};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<StashedFreeRun<CnnSim>>()
        .add_systems(Update, handle_commands)
        .add_systems(OnEnter(Screen::Cnn), back_to_the_free_run)
        .add_systems(
            Update,
            record_outcome::<CnnLevelRun>
                .run_if(in_state(Screen::CnnLevel).and_then(resource_exists::<CnnLevelRun>)),
        );
}

pub use crate::game::levels::LevelPhase;

/// A CNN level being played: a resource beside the [`CnnSim`] while a level is on.
#[derive(Resource, Debug, Clone)]
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

impl CnnLevelRun {
    /// The level's run and a sim at its start.
    pub fn start(level: &CnnLevel) -> Result<(Self, CnnSim), String> {
        let setup = level.setup()?;
        let mut sim = CnnSim::new(setup.dataset, setup.classes, setup.seed, setup.spec)?;
        sim.set_optimizer(setup.optimizer, setup.batch_size)?;
        Ok((Self::new(level.clone()), sim))
    }

    /// Back to the level's start, judged afresh.
    fn restart(&mut self, sim: &mut CnnSim) -> Result<(), String> {
        sim.set_level_setup(&self.level.setup()?)?;
        self.judge = CnnJudge::default();
        self.recorded = false;
        self.answer_shown = false;
        self.phase = LevelPhase::Playing;
        Ok(())
    }

    /// The reference solution: its network and training, its kernel, and training started.
    fn show_answer(&mut self, sim: &mut CnnSim) -> Result<String, String> {
        self.restart(sim)?;
        self.answer_shown = true;
        sim.set_level_setup(&self.level.solution_setup()?)?;
        if let Some(values) = &self.level.solution.kernel_values {
            crate::level::cnn::set_first_kernel(
                &mut sim.training.model,
                crate::level::cnn::level_filter(&self.level),
                values,
            );
            sim.refresh_maps();
            self.judge(sim);
        } else {
            sim.playing = true;
        }
        Ok(self.level.solution.explanation.clone())
    }

    /// Why the level refuses a change of its settings, if it does.
    fn refuses_setup(&self, sim: &CnnSim, new: CnnLevelSetup) -> Option<String> {
        self.level.refusal(&sim.setup(), &new)
    }
}

impl CnnRules for CnnLevelRun {
    fn refusal(&self, sim: &CnnSim, action: &CnnAction) -> Option<String> {
        match action {
            CnnAction::Images {
                dataset,
                classes,
                seed,
            } => self.refuses_setup(
                sim,
                CnnLevelSetup {
                    dataset: *dataset,
                    classes: *classes,
                    seed: *seed,
                    ..sim.setup()
                },
            ),
            CnnAction::Network(spec) => self.refuses_setup(
                sim,
                CnnLevelSetup {
                    spec: *spec,
                    ..sim.setup()
                },
            ),
            CnnAction::Optimizer {
                optimizer,
                batch_size,
            } => self.refuses_setup(
                sim,
                CnnLevelSetup {
                    optimizer: *optimizer,
                    batch_size: (*batch_size).max(1),
                    ..sim.setup()
                },
            ),
            CnnAction::AddDrawing(_) => Some("In this level the images are fixed.".into()),
            CnnAction::SetParameter { .. }
                if !self.level.may_change.contains(&CnnSetting::Kernels) =>
            {
                Some("This level does not let you edit kernels by hand.".into())
            }
            CnnAction::Play(true) | CnnAction::Step if !self.allows_training() => {
                Some(match self.phase {
                    LevelPhase::Briefing => {
                        "Read the briefing and press \"Play the level\" first.".into()
                    }
                    LevelPhase::Playing => {
                        "This level is solved by hand, not by training: edit the kernel.".into()
                    }
                    _ => "This run is over: press Retry to play again.".into(),
                })
            }
            _ => None,
        }
    }

    /// Only while the level is played, and only a level with epochs to train.
    fn allows_training(&self) -> bool {
        self.phase == LevelPhase::Playing && self.level.epoch_budget > 0
    }

    fn judge(&mut self, sim: &mut CnnSim) {
        if self.phase != LevelPhase::Playing {
            return;
        }
        match self.judge.judge(&self.level, &sim.training) {
            Some(CnnVerdict::Solved) => {
                self.phase = LevelPhase::Won;
                sim.playing = false;
            }
            Some(CnnVerdict::OutOfEpochs) => {
                self.phase = LevelPhase::OutOfEpochs;
                sim.playing = false;
            }
            None => {}
        }
    }
}

impl PlayedLevel for CnnLevelRun {
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
        CnnLevelRun::stars(self)
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
    sim: Option<ResMut<CnnSim>>,
    run: Option<ResMut<CnnLevelRun>>,
    mut stash: ResMut<StashedFreeRun<CnnSim>>,
    mut commands: Commands,
    mut next: ResMut<NextState<Screen>>,
    screen: Res<State<Screen>>,
    mut notices: ResMut<Notices>,
) {
    let (mut sim, mut run) = (sim, run);
    for request in requests.read() {
        let in_level = *screen.get() == Screen::CnnLevel;
        match request {
            LevelCommand::Start(id) => {
                let Some(level) = catalog.find_cnn(id) else {
                    continue;
                };
                let (new_run, fresh) = match CnnLevelRun::start(level) {
                    Ok(started) => started,
                    Err(e) => {
                        notices.refused(format!("This level cannot start: {e}"));
                        continue;
                    }
                };
                match sim.as_deref_mut() {
                    Some(current) => {
                        let free_run = std::mem::replace(current, fresh);
                        if run.is_none() {
                            stash.keep(free_run);
                        }
                    }
                    None => commands.insert_resource(fresh),
                }
                match run.as_deref_mut() {
                    Some(run) => *run = new_run,
                    None => commands.insert_resource(new_run),
                }
                next.set(Screen::CnnLevel);
            }
            _ if !in_level => {}
            LevelCommand::Retry => {
                if let (Some(sim), Some(run)) = (sim.as_deref_mut(), run.as_deref_mut())
                    && let Err(e) = run.restart(sim)
                {
                    notices.refused(format!("This level cannot start: {e}"));
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
                if let (Some(sim), Some(run)) = (sim.as_deref_mut(), run.as_deref_mut()) {
                    match run.show_answer(sim) {
                        Ok(explanation) => notices.info(format!("The answer: {explanation}")),
                        Err(e) => notices.refused(format!("The answer cannot start: {e}")),
                    }
                }
            }
        }
    }
}

/// Leaving a level for the free CNN screen brings the free run back.
fn back_to_the_free_run(
    mut commands: Commands,
    sim: Option<ResMut<CnnSim>>,
    run: Option<Res<CnnLevelRun>>,
    mut stash: ResMut<StashedFreeRun<CnnSim>>,
) {
    let (Some(mut sim), Some(_)) = (sim, run) else {
        return;
    };
    commands.remove_resource::<CnnLevelRun>();
    if let Some(free_run) = stash.take() {
        *sim = free_run;
    } else if let Ok(fresh) = CnnSim::new(
        crate::cnn::images::ImageDataset::Shapes,
        5,
        0,
        crate::cnn::MiniSpec::default(),
    ) {
        *sim = fresh;
    }
    sim.playing = false;
}
