//! Undo and redo of architecture changes and weight edits (Ctrl+Z, Ctrl+Shift+Z).

use bevy::prelude::*;

use crate::experiment::{Experiment, ExperimentConfig};
use crate::nn::Network;

/// At most this many steps are remembered.
pub const DEPTH: usize = 100;

/// The experiment's shape and weights at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub config: ExperimentConfig,
    pub network: Network,
}

impl Snapshot {
    pub fn of(experiment: &Experiment) -> Self {
        Self {
            config: experiment.config().clone(),
            network: experiment.network().clone(),
        }
    }

    /// Puts the experiment back to this snapshot (settings, then the exact weights). Training
    /// progress (epoch, history) continues.
    pub fn restore(&self, experiment: &mut Experiment) -> Result<(), String> {
        experiment
            .apply_config(self.config.clone())
            .map_err(|e| e.to_string())?;
        experiment
            .replace_network(self.network.clone())
            .map_err(|e| e.to_string())
    }
}

#[derive(Resource, Debug, Default)]
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

    /// Goes back one edit. `Ok(false)` if there is nothing to undo.
    pub fn undo(&mut self, experiment: &mut Experiment) -> Result<bool, String> {
        let Some(snapshot) = self.undo.pop() else {
            return Ok(false);
        };
        self.redo.push(Snapshot::of(experiment));
        snapshot.restore(experiment)?;
        Ok(true)
    }

    /// Goes forward one undone edit. `Ok(false)` if there is nothing to redo.
    pub fn redo(&mut self, experiment: &mut Experiment) -> Result<bool, String> {
        let Some(snapshot) = self.redo.pop() else {
            return Ok(false);
        };
        self.undo.push(Snapshot::of(experiment));
        snapshot.restore(experiment)?;
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
