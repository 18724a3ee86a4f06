//! Challenge levels, shared by the modes: loaded as assets during the loading screen (see
//! `third_party::asset_loader`), listed on the level select (locked until the previous level is
//! solved). Playing one is up to its mode, which answers [`LevelCommand`]s.

pub mod assets;
pub mod select_ui;

use bevy::prelude::*;

use crate::game::LevelsAvailable;
use crate::game::screens::Screen;
use crate::level::{Level, LevelError};

pub use assets::register_source;

pub(super) fn plugin(app: &mut App) {
    app.add_plugins((assets::plugin, select_ui::plugin))
        .add_message::<LevelCommand>()
        .init_resource::<LevelCatalog>()
        .add_systems(OnExit(Screen::Loading), build_catalog);
}

/// What the level screens ask of the mode that plays levels.
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

/// One level file, playable or not.
#[derive(Debug, Clone)]
pub struct CatalogEntry {
    pub file: String,
    pub level: Result<Level, Vec<LevelError>>,
}

/// Every level file found, playable ones first in their order, then the broken ones.
#[derive(Resource, Debug, Default, Clone)]
pub struct LevelCatalog {
    pub entries: Vec<CatalogEntry>,
    /// Problems with the index itself, or loading as a whole.
    pub problems: Vec<String>,
}

impl LevelCatalog {
    /// The playable levels, in order.
    pub fn levels(&self) -> Vec<&Level> {
        self.entries
            .iter()
            .filter_map(|e| e.level.as_ref().ok())
            .collect()
    }

    pub fn find(&self, id: &str) -> Option<&Level> {
        self.levels().into_iter().find(|l| l.id == id)
    }

    /// The level after `id`, if any.
    pub fn next_after(&self, id: &str) -> Option<&Level> {
        let levels = self.levels();
        let at = levels.iter().position(|l| l.id == id)?;
        levels.get(at + 1).copied()
    }
}

/// Reads the loaded level assets into the catalog.
fn build_catalog(
    mut commands: Commands,
    collection: Option<Res<assets::LevelAssets>>,
    packs: Res<Assets<assets::LevelPack>>,
    mut catalog: ResMut<LevelCatalog>,
) {
    let mut result = LevelCatalog::default();
    match collection.as_ref().and_then(|c| packs.get(&c.pack)) {
        Some(pack) => {
            result.problems = pack.problems.iter().map(|e| e.to_string()).collect();
            for asset in &pack.levels {
                result.entries.push(CatalogEntry {
                    file: asset.file.clone(),
                    level: asset.level.clone(),
                });
            }
        }
        None => result.problems.push(
            "The levels could not be loaded (is the levels folder next to the game?).".into(),
        ),
    }
    // Playable levels first, by order; broken files after, by name.
    result.entries.sort_by(|a, b| match (&a.level, &b.level) {
        (Ok(x), Ok(y)) => x.order.cmp(&y.order).then(x.id.cmp(&y.id)),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        (Err(_), Err(_)) => a.file.cmp(&b.file),
    });
    commands.insert_resource(LevelsAvailable(!result.levels().is_empty()));
    *catalog = result;
}
