//! Saved progress in the game: natively a file in the settings folder (or `--save-dir`), on the
//! web the browser's local storage. Stars and best results per level, and each mode's own part
//! (the sandbox as it was left), restored on the next visit.

use std::path::PathBuf;

use bevy::prelude::*;

use crate::game::StartOptions;
use crate::level::{Level, Outcome};
use crate::progress::{self, Progress, SaveStore};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(PreStartup, load_progress)
        .add_systems(Update, announce_save_failures);
}

/// Where saves go: a folder (native), local storage (web), or memory (tests).
#[derive(Debug, Clone, PartialEq)]
pub enum SaveLocation {
    Folder(PathBuf),
    Memory,
    #[cfg(target_arch = "wasm32")]
    LocalStorage,
}

impl SaveLocation {
    /// The platform's default: the settings folder natively, local storage on the web.
    pub fn platform_default() -> Self {
        #[cfg(target_arch = "wasm32")]
        {
            SaveLocation::LocalStorage
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            SaveLocation::Folder(progress::FileStore::default_dir())
        }
    }

    fn store(&self) -> Box<dyn SaveStore + Send + Sync> {
        match self {
            SaveLocation::Folder(dir) => Box::new(progress::FileStore::new(dir)),
            SaveLocation::Memory => Box::new(MemoryStore::default()),
            #[cfg(target_arch = "wasm32")]
            SaveLocation::LocalStorage => Box::new(web::LocalStorageStore),
        }
    }
}

/// The progress, and where it is saved.
#[derive(Resource)]
pub struct SavedProgress {
    pub progress: Progress,
    store: Box<dyn SaveStore + Send + Sync>,
    /// Shown on the title screen: the save was corrupt, or could not be written.
    pub warning: Option<String>,
    /// Why the last save failed, until one succeeds (the player is told once per reason).
    pub failure: Option<String>,
    announced: Option<String>,
}

impl SavedProgress {
    /// Merges a finished attempt and saves at once.
    pub fn record(&mut self, level: &Level, outcome: &Outcome) {
        self.progress.record(level, outcome);
        self.save();
    }

    /// Merges a finished attempt of any mode's level and saves at once.
    pub fn record_stars(&mut self, id: &str, stars: &[bool], solved_at: Option<u64>) {
        self.progress.record_stars(id, stars, solved_at);
        self.save();
    }

    /// Writes the progress; a failure becomes a visible warning and a notice (the game goes on,
    /// and what was earned stays in memory until a save succeeds).
    pub fn save(&mut self) {
        match self.store.write(&self.progress.to_json()) {
            Ok(()) => self.failure = None,
            Err(e) => {
                self.warning = Some(format!("Progress could not be saved: {e}"));
                self.failure = Some(e);
            }
        }
    }
}

fn load_progress(mut commands: Commands, start: Res<StartOptions>) {
    let location = start
        .save_location
        .clone()
        .unwrap_or_else(SaveLocation::platform_default);
    let store = location.store();
    let (progress, warning) = progress::load(store.as_ref());
    if let Some(w) = &warning {
        tracing::warn!("{w}");
    }
    commands.insert_resource(SavedProgress {
        progress,
        store,
        warning,
        failure: None,
        announced: None,
    });
}

/// Tells the player, once per reason, that their progress is not being saved.
fn announce_save_failures(
    saved: Option<ResMut<SavedProgress>>,
    mut notices: ResMut<crate::game::notices::Notices>,
) {
    let Some(mut saved) = saved else { return };
    if saved.failure != saved.announced {
        if let Some(why) = &saved.failure {
            notices.refused(format!(
                "Your progress is not being saved ({why}). You can keep playing; it is kept until the game closes."
            ));
        }
        saved.announced = saved.failure.clone();
    }
}

/// Saves kept in memory only (tests, or when nothing else is available).
#[derive(Debug, Default)]
pub struct MemoryStore {
    text: std::sync::Mutex<Option<String>>,
}

impl SaveStore for MemoryStore {
    fn read(&self) -> Result<Option<String>, String> {
        Ok(self.text.lock().map_err(|e| e.to_string())?.clone())
    }

    fn write(&self, text: &str) -> Result<(), String> {
        *self.text.lock().map_err(|e| e.to_string())? = Some(text.to_string());
        Ok(())
    }

    fn quarantine(&self, _text: &str) -> Result<String, String> {
        Ok("memory".into())
    }
}

#[cfg(target_arch = "wasm32")]
mod web {
    //! The browser's local storage. A single `setItem` replaces the value whole, so a closed tab
    //! never leaves half a save.
    use crate::progress::SaveStore;

    const KEY: &str = "neural-sandbox.progress";
    const CORRUPT_KEY: &str = "neural-sandbox.progress.corrupt";

    pub struct LocalStorageStore;

    fn storage() -> Result<web_sys::Storage, String> {
        web_sys::window()
            .ok_or("no browser window")?
            .local_storage()
            .map_err(|_| "local storage is not allowed".to_string())?
            .ok_or_else(|| "local storage is not available".to_string())
    }

    impl SaveStore for LocalStorageStore {
        fn read(&self) -> Result<Option<String>, String> {
            storage()?
                .get_item(KEY)
                .map_err(|_| "local storage could not be read".to_string())
        }

        fn write(&self, text: &str) -> Result<(), String> {
            storage()?
                .set_item(KEY, text)
                .map_err(|_| "local storage is full or not allowed".to_string())
        }

        fn quarantine(&self, text: &str) -> Result<String, String> {
            storage()?
                .set_item(CORRUPT_KEY, text)
                .map_err(|_| "local storage is full or not allowed".to_string())?;
            Ok(format!("the local storage key \"{CORRUPT_KEY}\""))
        }
    }
}
