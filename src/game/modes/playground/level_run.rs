//! Playing a level: setting it up on the workbench, checking the goal on the test set after
//! every epoch, and ending in a win (stars, saved) or a fail (budget spent, a hint offered).

use bevy::prelude::*;

use super::sim::{Rules, SimAction, SimSet, Simulation, Undo};
use super::view::PlaygroundView;
use crate::experiment::EditRules;
use crate::game::levels::{LevelCatalog, LevelCommand};
use crate::game::network_view::ViewPulse;
use crate::game::save::SavedProgress;
use crate::game::screens::Screen;
use crate::level::{Level, Outcome, Setting, Star, judge};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        (
            handle_commands,
            check_goal
                .after(SimSet::Apply)
                .run_if(in_state(Screen::Level)),
        )
            .chain(),
    )
    .add_systems(OnExit(Screen::Level), leave_level);
}

/// Where a level run stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// The briefing card is open; nothing trains yet.
    Briefing,
    Playing,
    Won(Outcome),
    /// The budget ran out without the goal.
    Failed,
}

/// The level being played.
#[derive(Resource, Debug, Clone)]
pub struct LevelRun {
    pub level: Level,
    pub phase: Phase,
    /// Hints revealed so far.
    pub hints_shown: usize,
    /// The player asked for the answer (a win then earns only the goal's star).
    pub answer_shown: bool,
    /// The last epoch checked against the goal, and in which attempt (a reset starts another).
    checked: (u64, u64),
}

impl LevelRun {
    pub fn new(level: Level) -> Self {
        Self {
            level,
            phase: Phase::Briefing,
            hints_shown: 0,
            answer_shown: false,
            checked: (0, 0),
        }
    }

    pub fn allows(&self, setting: Setting) -> bool {
        self.level.palette.allows(setting)
    }
}

/// Puts a level's start on the workbench.
fn set_up(
    level: &Level,
    commands: &mut Commands,
    sim: &mut Simulation,
    undo: &mut Undo,
) -> Result<(), String> {
    let mut fresh = Simulation::new(level.start_config()).map_err(|e| e.to_string())?;
    fresh.speed = sim.speed;
    fresh.epoch_limit = Some(level.epoch_budget);
    *sim = fresh;
    undo.0.clear();
    commands.insert_resource(Rules(EditRules::for_palette(&level.palette)));
    commands.insert_resource(LevelRun::new(level.clone()));
    Ok(())
}

fn handle_commands(
    mut commands: Commands,
    mut requests: MessageReader<LevelCommand>,
    catalog: Res<LevelCatalog>,
    mut sim: ResMut<Simulation>,
    mut undo: ResMut<Undo>,
    run: Option<ResMut<LevelRun>>,
    mut next: ResMut<NextState<Screen>>,
    mut actions: MessageWriter<SimAction>,
    mut pulses: MessageWriter<ViewPulse>,
    view: Option<Res<PlaygroundView>>,
    mut notices: ResMut<crate::game::notices::Notices>,
) {
    let mut run = run;
    let pulse = |pulses: &mut MessageWriter<ViewPulse>| {
        if let Some(view) = &view {
            pulses.write(ViewPulse { view: view.0 });
        }
    };
    for request in requests.read() {
        match request {
            // Only the Playground's own levels: another mode starts its own, and the level list
            // refuses an id no mode has.
            LevelCommand::Start(id) => {
                if let Some(level) = catalog.find(id) {
                    match set_up(level, &mut commands, &mut sim, &mut undo) {
                        Ok(()) => {
                            next.set(Screen::Level);
                            pulse(&mut pulses);
                        }
                        Err(e) => notices.refused(format!("This level cannot start: {e}")),
                    }
                }
            }
            LevelCommand::Retry => {
                if let Some(run) = run.as_deref() {
                    let level = run.level.clone();
                    if let Err(e) = set_up(&level, &mut commands, &mut sim, &mut undo) {
                        notices.refused(e);
                    }
                    // Straight back to playing: the briefing was read.
                    commands.queue(|world: &mut World| {
                        if let Some(mut run) = world.get_resource_mut::<LevelRun>() {
                            run.phase = Phase::Playing;
                        }
                    });
                    pulse(&mut pulses);
                }
            }
            LevelCommand::BeginPlaying => {
                if let Some(run) = run.as_deref_mut()
                    && run.phase == Phase::Briefing
                {
                    run.phase = Phase::Playing;
                }
            }
            LevelCommand::Hint => {
                if let Some(run) = run.as_deref_mut() {
                    run.hints_shown = (run.hints_shown + 1).min(run.level.hints.len());
                }
            }
            LevelCommand::ShowAnswer => {
                if let Some(run) = run.as_deref_mut() {
                    run.answer_shown = true;
                    run.phase = Phase::Playing;
                    // The reference solution is applied directly: it may use settings the
                    // player cannot (levels check makes sure it fits the palette otherwise).
                    if let Err(e) = sim.experiment.apply_config(run.level.solution_config()) {
                        notices.refused(e.to_string());
                    }
                    undo.0.clear();
                    actions.write(SimAction::Reset);
                    notices.info(run.level.solution.explanation.clone());
                }
            }
        }
    }
}

/// After every epoch, checks the goal on the test set; ends the run in a win or a fail.
fn check_goal(
    run: Option<ResMut<LevelRun>>,
    mut sim: ResMut<Simulation>,
    mut saved: ResMut<SavedProgress>,
) {
    let Some(mut run) = run else { return };
    let experiment = &sim.experiment;
    let attempt = experiment.run_number();
    if run.checked.1 != attempt {
        // Reset: a new attempt starts.
        run.checked = (0, attempt);
        if run.phase == Phase::Failed {
            run.phase = Phase::Playing;
        }
    }
    if !matches!(run.phase, Phase::Playing) {
        run.checked.0 = experiment.epoch();
        return;
    }
    let budget = run.level.epoch_budget;
    let goal = run.level.goal;
    let won = experiment
        .history_since(run.checked.0)
        .iter()
        .any(|s| s.epoch > 0 && s.epoch <= budget && goal.met(s));
    run.checked.0 = experiment.epoch();
    if won {
        let mut outcome = judge(&run.level, experiment.history(), experiment.network());
        if run.answer_shown {
            // With the answer shown, only the goal's own star counts.
            for (earned, star) in outcome.stars.iter_mut().zip(&run.level.stars) {
                *earned &= *star == Star::Goal;
            }
        }
        saved.record(&run.level, &outcome);
        run.phase = Phase::Won(outcome);
        sim.playing = false;
    } else if experiment.epoch() >= budget {
        let outcome = judge(&run.level, experiment.history(), experiment.network());
        saved.record(&run.level, &outcome);
        run.phase = Phase::Failed;
        sim.playing = false;
    }
}

/// Leaving the level screen: the sandbox's rules, no budget, and the level's network gone (the
/// sandbox restores its own).
fn leave_level(mut commands: Commands, mut sim: ResMut<Simulation>, mut undo: ResMut<Undo>) {
    commands.remove_resource::<LevelRun>();
    commands.insert_resource(Rules::default());
    let speed = sim.speed;
    *sim = Simulation::default();
    sim.speed = speed;
    undo.0.clear();
}
