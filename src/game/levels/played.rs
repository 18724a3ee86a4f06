//! What the GAN's and the CNN's level runs share: the briefing read, hints revealed one at a
//! time, and a decided level saved once with its stars. (The Playground's level run keeps its
//! own phases, with the judged outcome in them.)

use bevy::ecs::component::Mutable;
use bevy::prelude::*;

use super::LevelPhase;
use crate::game::save::SavedProgress;

/// A level being played, as the shared pieces see it.
pub trait PlayedLevel {
    fn level_id(&self) -> &str;
    fn phase_mut(&mut self) -> &mut LevelPhase;
    /// Hints revealed so far, and how many the level has.
    fn hints_mut(&mut self) -> (&mut usize, usize);
    /// The stars earned so far (with the answer shown, only the goal's).
    fn stars(&self) -> Vec<bool>;
    /// The epoch the goal was reached at.
    fn solved_at(&self) -> Option<u64>;
    /// Whether the decided level was saved already.
    fn recorded_mut(&mut self) -> &mut bool;
}

/// The briefing is read: the level is played.
pub fn begin_playing(run: &mut impl PlayedLevel) {
    let phase = run.phase_mut();
    if *phase == LevelPhase::Briefing {
        *phase = LevelPhase::Playing;
    }
}

/// One more hint, while the level has any left.
pub fn reveal_hint(run: &mut impl PlayedLevel) {
    let (shown, total) = run.hints_mut();
    if *shown < total {
        *shown += 1;
    }
}

/// A decided level (won, or out of epochs) is saved once: its stars and the epoch it was
/// solved at.
pub fn record_outcome<R: PlayedLevel + Resource + Component<Mutability = Mutable>>(
    mut run: ResMut<R>,
    mut saved: ResMut<SavedProgress>,
) {
    let decided = matches!(*run.phase_mut(), LevelPhase::Won | LevelPhase::OutOfEpochs);
    if !decided || *run.recorded_mut() {
        return;
    }
    *run.recorded_mut() = true;
    saved.record_stars(run.level_id(), &run.stars(), run.solved_at());
}
