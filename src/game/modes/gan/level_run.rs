//! Playing a GAN level: the level's start replaces the free run (which waits and comes back on
//! the free GAN screen), the core's judge follows every tenth epoch exactly as `levels solve`
//! does, the settings the level locks are refused, and a win is saved with its stars.

use bevy::prelude::*;

use super::sim::GanSim;
use crate::game::levels::{LevelCatalog, LevelCommand};
use crate::game::notices::Notices;
use crate::game::save::SavedProgress;
use crate::game::screens::Screen;
use crate::gan::Gan;
use crate::level::gan::{GanJudge, GanLevel, GanPhase, GanVerdict};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Update, handle_commands)
        .add_systems(OnEnter(Screen::Gan), back_to_the_free_run)
        .add_systems(
            Update,
            record_outcome.run_if(in_state(Screen::GanLevel).and_then(resource_exists::<GanSim>)),
        );
}

pub use crate::game::levels::LevelPhase;

/// A GAN level being played.
#[derive(Debug, Clone)]
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

impl GanSim {
    /// After every epoch of a level: the answer's next phase when its epoch comes, then the
    /// judge. Returns true when the level is decided (training stops).
    pub fn after_level_epoch(&mut self) -> bool {
        let Some(run) = self.level.as_mut() else {
            return false;
        };
        if run.phase != LevelPhase::Playing {
            return true;
        }
        if let Some(answer) = run.answer.as_mut() {
            while answer
                .first()
                .is_some_and(|p| p.at_epoch <= self.gan.epoch())
            {
                let phase = answer.remove(0);
                let next = phase.changes.apply(self.gan.settings());
                let _ = self.gan.apply_live(next);
            }
        }
        match run.judge.after_epoch(&run.level, &self.gan) {
            Some(GanVerdict::Solved) => {
                run.phase = LevelPhase::Won;
                self.playing = false;
                true
            }
            Some(GanVerdict::OutOfEpochs) => {
                run.phase = LevelPhase::OutOfEpochs;
                self.playing = false;
                true
            }
            None => false,
        }
    }

    /// Whether training may go on (no level, or a level being played).
    pub fn level_allows_training(&self) -> bool {
        self.level
            .as_ref()
            .is_none_or(|run| run.phase == LevelPhase::Playing)
    }

    /// A new run from the level's start (its judge starts over too).
    pub fn restart_level(&mut self, notices: &mut Notices) {
        let Some(run) = self.level.as_mut() else {
            return;
        };
        run.restart();
        run.answer = None;
        match Gan::new(run.level.start_settings()) {
            Ok(gan) => {
                let origin = format!("level: {}", run.level.title);
                self.replace_run(gan, origin);
                self.playing = false;
            }
            Err(e) => notices.refused(format!("This level cannot start: {e}")),
        }
    }

    /// The judge starts over after a reset of the run.
    pub fn level_reset(&mut self) {
        if let Some(run) = self.level.as_mut() {
            run.restart();
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn handle_commands(
    mut requests: MessageReader<LevelCommand>,
    catalog: Res<LevelCatalog>,
    sim: Option<ResMut<GanSim>>,
    mut commands: Commands,
    mut next: ResMut<NextState<Screen>>,
    screen: Res<State<Screen>>,
    mut notices: ResMut<Notices>,
) {
    let mut sim = sim;
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
                let origin = format!("level: {}", level.title);
                let run = GanLevelRun::new(level.clone());
                match sim.as_deref_mut() {
                    Some(sim) => {
                        if sim.level.is_none() {
                            sim.stashed = Some((Box::new(sim.gan.clone()), sim.origin.clone()));
                        }
                        sim.replace_run(gan, origin);
                        sim.slow_motion = None;
                        sim.playing = false;
                        sim.level = Some(run);
                    }
                    None => {
                        let mut fresh = GanSim::with_gan(gan, origin);
                        fresh.level = Some(run);
                        commands.insert_resource(fresh);
                    }
                }
                next.set(Screen::GanLevel);
            }
            _ if !in_level => {}
            LevelCommand::Retry => {
                if let Some(sim) = sim.as_deref_mut() {
                    sim.restart_level(&mut notices);
                    if let Some(run) = sim.level.as_mut() {
                        run.phase = LevelPhase::Playing;
                    }
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
                let Some(sim) = sim.as_deref_mut() else {
                    continue;
                };
                sim.restart_level(&mut notices);
                let Some(run) = sim.level.as_mut() else {
                    continue;
                };
                let mut phases = run.level.solution.phases.clone();
                let explanation = run.level.solution.explanation.clone();
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
                notices.info(format!("The answer: {explanation}"));
            }
        }
    }
}

/// Leaving a level for the free GAN screen brings the free run back.
fn back_to_the_free_run(sim: Option<ResMut<GanSim>>) {
    let Some(mut sim) = sim else { return };
    if sim.level.take().is_some() {
        match sim.stashed.take() {
            Some((gan, origin)) => {
                sim.replace_run(*gan, origin);
                sim.playing = false;
            }
            None => *sim = GanSim::opening(),
        }
    }
}

/// A decided level is saved once: its stars and the epoch it was solved at.
fn record_outcome(mut sim: ResMut<GanSim>, mut saved: ResMut<SavedProgress>) {
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
