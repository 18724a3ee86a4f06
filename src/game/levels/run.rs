//! Playing a level: setting it up on the workbench, checking the goal on the test set after
//! every epoch, and ending in a win (stars, saved) or a fail (budget spent, a hint offered).

use bevy::prelude::*;

use super::LevelCatalog;
use crate::game::network_view::motion::PulseAll;
use crate::game::save::SavedProgress;
use crate::game::screens::Screen;
use crate::game::sim::undo::UndoHistory;
use crate::game::sim::{EditRules, SimAction, Simulation};
use crate::level::{Level, Outcome, Setting, Star, judge};

pub(super) fn plugin(app: &mut App) {
    app.add_message::<LevelCommand>()
        .add_systems(
            Update,
            (
                handle_commands,
                check_goal
                    .after(crate::game::sim::SimSet::Apply)
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
    /// Entries of the history already checked against the goal.
    checked: usize,
}

impl LevelRun {
    pub fn new(level: Level) -> Self {
        Self {
            level,
            phase: Phase::Briefing,
            hints_shown: 0,
            answer_shown: false,
            checked: 0,
        }
    }

    pub fn allows(&self, setting: Setting) -> bool {
        self.level.palette.allows(setting)
    }
}

/// What the level screens ask for.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum LevelCommand {
    /// Play this level (from the level select, or "next").
    Start(String),
    /// The same level again from its start.
    Retry,
    /// Close the briefing and play.
    BeginPlaying,
    /// Reveal the next hint.
    Hint,
    /// Apply the reference solution.
    ShowAnswer,
}

/// The edit rules a level's palette allows.
pub fn rules_for(level: &Level) -> EditRules {
    let p = &level.palette;
    EditRules {
        allowed_features: p.features.clone(),
        features_editable: p.allows(Setting::Features),
        architecture_editable: p.allows(Setting::Architecture),
        weights_editable: p.allows(Setting::Weights),
        max_total_neurons: p.max_total_neurons,
        palette: Some(p.clone()),
    }
}

/// Puts a level's start on the workbench.
fn set_up(
    level: &Level,
    commands: &mut Commands,
    sim: &mut Simulation,
    undo: &mut UndoHistory,
) -> Result<(), String> {
    let mut fresh = Simulation::new(level.start_config()).map_err(|e| e.to_string())?;
    fresh.speed = sim.speed;
    fresh.epoch_limit = Some(level.epoch_budget);
    *sim = fresh;
    undo.clear();
    commands.insert_resource(rules_for(level));
    commands.insert_resource(LevelRun::new(level.clone()));
    Ok(())
}

fn handle_commands(
    mut commands: Commands,
    mut requests: MessageReader<LevelCommand>,
    catalog: Res<LevelCatalog>,
    mut sim: ResMut<Simulation>,
    mut undo: ResMut<UndoHistory>,
    run: Option<ResMut<LevelRun>>,
    mut next: ResMut<NextState<Screen>>,
    mut actions: MessageWriter<SimAction>,
    mut pulses: MessageWriter<PulseAll>,
    mut notices: ResMut<crate::game::notices::Notices>,
) {
    let mut run = run;
    for request in requests.read() {
        match request {
            LevelCommand::Start(id) => match catalog.find(id) {
                Some(level) => match set_up(level, &mut commands, &mut sim, &mut undo) {
                    Ok(()) => {
                        next.set(Screen::Level);
                        pulses.write(PulseAll);
                    }
                    Err(e) => notices.refused(format!("This level cannot start: {e}")),
                },
                None => notices.refused(format!("There is no level \"{id}\".")),
            },
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
                    pulses.write(PulseAll);
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
    let history = sim.experiment.history();
    if history.len() < run.checked {
        // Reset: a new attempt starts.
        run.checked = 0;
        if run.phase == Phase::Failed {
            run.phase = Phase::Playing;
        }
    }
    if !matches!(run.phase, Phase::Playing) {
        run.checked = history.len();
        return;
    }
    let budget = run.level.epoch_budget;
    let goal = run.level.goal;
    let won = history[run.checked..]
        .iter()
        .any(|s| s.epoch > 0 && s.epoch <= budget && goal.met(s));
    run.checked = history.len();
    if won {
        let mut outcome = judge(&run.level, history, sim.experiment.network());
        if run.answer_shown {
            // With the answer shown, only the goal's own star counts.
            for (earned, star) in outcome.stars.iter_mut().zip(&run.level.stars) {
                *earned &= *star == Star::Goal;
            }
        }
        saved.record(&run.level, &outcome);
        run.phase = Phase::Won(outcome);
        sim.playing = false;
    } else if sim.experiment.epoch() >= budget {
        let outcome = judge(&run.level, history, sim.experiment.network());
        saved.record(&run.level, &outcome);
        run.phase = Phase::Failed;
        sim.playing = false;
    }
}

/// Leaving the level screen: the sandbox's rules, no budget, and the level's network gone (the
/// sandbox restores its own).
fn leave_level(mut commands: Commands, mut sim: ResMut<Simulation>) {
    commands.remove_resource::<LevelRun>();
    commands.insert_resource(EditRules::default());
    let speed = sim.speed;
    *sim = Simulation::default();
    sim.speed = speed;
}
