//! A mode's free run, kept while one of its levels is played: a level's start takes the place of
//! the free run, and going back to the mode's free screen gives it back as it was left. The GAN
//! and the CNN keep theirs here; the Playground's sandbox is kept in the saved progress instead,
//! since it outlives the game.

use bevy::prelude::*;

/// The free run of one mode (`T` is its model resource), while a level is played.
#[derive(Resource)]
pub struct StashedFreeRun<T: Send + Sync + 'static>(Option<Box<T>>);

impl<T: Send + Sync + 'static> Default for StashedFreeRun<T> {
    fn default() -> Self {
        Self(None)
    }
}

impl<T: Send + Sync + 'static> StashedFreeRun<T> {
    /// Keeps the free run (the first level after it; a level started from another level keeps
    /// the free run that waits already).
    pub fn keep(&mut self, free_run: T) {
        self.0 = Some(Box::new(free_run));
    }

    /// The free run back, if one was kept.
    pub fn take(&mut self) -> Option<T> {
        self.0.take().map(|run| *run)
    }
}
