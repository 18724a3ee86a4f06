//! Undo and redo of edits by hand (architecture and typed weights), for the game and for tests:
//! each step puts back the exact network in one go, and training progress (epoch, history)
//! continues.

use super::Experiment;
use crate::nn::Network;

/// At most this many steps are remembered.
pub const DEPTH: usize = 100;

/// The part of an experiment an undo restores: the network, which holds its shape and weights
/// (the configuration's shape follows it).
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub network: Network,
}

/// The undo and redo stacks.
#[derive(Debug, Default, Clone)]
pub struct UndoHistory {
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
}

impl UndoHistory {
    /// Remembers the state before an edit; a new edit forgets what could be redone.
    pub fn push(&mut self, before: Snapshot) {
        self.undo.push(before);
        if self.undo.len() > DEPTH {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    /// Goes back one edit. `Ok(false)` if there is nothing to undo; an error (and no change)
    /// if the step no longer fits the experiment.
    pub fn undo(&mut self, experiment: &mut Experiment) -> Result<bool, String> {
        let Some(snapshot) = self.undo.pop() else {
            return Ok(false);
        };
        let current = experiment.snapshot();
        experiment.restore(&snapshot)?;
        self.redo.push(current);
        Ok(true)
    }

    /// Goes forward one undone edit. `Ok(false)` if there is nothing to redo.
    pub fn redo(&mut self, experiment: &mut Experiment) -> Result<bool, String> {
        let Some(snapshot) = self.redo.pop() else {
            return Ok(false);
        };
        let current = experiment.snapshot();
        experiment.restore(&snapshot)?;
        self.undo.push(current);
        Ok(true)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }
}
