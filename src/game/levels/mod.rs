//! Challenge levels, shared by the modes: loaded as assets during the loading screen (see
//! `third_party::asset_loader`), listed on the level select (locked until the previous level is
//! solved). Playing one is up to its mode, which answers [`LevelCommand`]s.

pub mod assets;
pub mod cards;
pub mod played;
pub mod select_ui;
pub mod stash;

pub use cards::{LevelCardText, LevelPhase, follow_card_choice, show_level_card, star_lines};

use bevy::prelude::*;

use crate::game::screens::Screen;
use crate::level::gan::GanLevel;
use crate::level::{AnyLevel, Level, LevelError};

pub use assets::register_source;
pub use played::{PlayedLevel, begin_playing, record_outcome, reveal_hint};
pub use stash::StashedFreeRun;

pub(super) fn plugin(app: &mut App) {
    app.add_plugins((assets::plugin, select_ui::plugin))
        .add_message::<LevelCommand>()
        .init_resource::<LevelCatalog>()
        .init_resource::<LevelsAvailable>()
        .init_resource::<LevelListFocus>()
        .add_systems(OnExit(Screen::Loading), build_catalog)
        .add_systems(Update, refuse_unknown_levels);
}

/// Whether challenge levels were found (the title screen enables "Challenges").
#[derive(Resource, Debug, Clone, Copy, Default)]
pub struct LevelsAvailable(pub bool);

/// A level no mode has (an old link, a removed file) is refused here, once: each mode starts only
/// its own levels and leaves every other id alone.
fn refuse_unknown_levels(
    mut commands: MessageReader<LevelCommand>,
    catalog: Res<LevelCatalog>,
    mut notices: ResMut<crate::game::notices::Notices>,
) {
    for command in commands.read() {
        if let LevelCommand::Start(id) = command
            && !catalog.has(id)
        {
            notices.refused(format!("There is no level \"{id}\"."));
        }
    }
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

/// The mode whose levels the level list scrolls to when it opens (the title's "Challenges"
/// of that mode), used once.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct LevelListFocus(pub Option<&'static str>);

/// One level file, playable or not.
#[derive(Debug, Clone)]
pub struct CatalogEntry {
    pub file: String,
    pub level: Result<AnyLevel, Vec<LevelError>>,
}

/// Every level file found, playable ones first in their order, then the broken ones.
#[derive(Resource, Debug, Default, Clone)]
pub struct LevelCatalog {
    pub entries: Vec<CatalogEntry>,
    /// Problems with the index itself, or loading as a whole.
    pub problems: Vec<String>,
}

impl LevelCatalog {
    /// Every playable level of every mode, in order.
    pub fn all(&self) -> Vec<&AnyLevel> {
        self.entries
            .iter()
            .filter_map(|e| e.level.as_ref().ok())
            .collect()
    }

    /// The playable Playground levels, in order.
    pub fn levels(&self) -> Vec<&Level> {
        self.all()
            .into_iter()
            .filter_map(AnyLevel::playground)
            .collect()
    }

    /// The playable GAN levels, in order.
    pub fn gan_levels(&self) -> Vec<&GanLevel> {
        self.all().into_iter().filter_map(AnyLevel::gan).collect()
    }

    /// The ids of the levels of a mode (as `AnyLevel::mode` names it), in order: a level opens
    /// when those before it in its mode are solved.
    pub fn ids_of_mode(&self, mode: &str) -> Vec<&str> {
        self.all()
            .into_iter()
            .filter(|l| l.mode() == mode)
            .map(AnyLevel::id)
            .collect()
    }

    pub fn find(&self, id: &str) -> Option<&Level> {
        self.levels().into_iter().find(|l| l.id == id)
    }

    /// Whether any mode has a level with this id.
    pub fn has(&self, id: &str) -> bool {
        self.find(id).is_some() || self.find_gan(id).is_some() || self.find_cnn(id).is_some()
    }

    pub fn find_gan(&self, id: &str) -> Option<&GanLevel> {
        self.gan_levels().into_iter().find(|l| l.id == id)
    }

    /// The Playground level after `id`, if any.
    pub fn next_after(&self, id: &str) -> Option<&Level> {
        let levels = self.levels();
        let at = levels.iter().position(|l| l.id == id)?;
        levels.get(at + 1).copied()
    }

    /// The GAN level after `id`, if any.
    pub fn next_gan_after(&self, id: &str) -> Option<&GanLevel> {
        let levels = self.gan_levels();
        let at = levels.iter().position(|l| l.id == id)?;
        levels.get(at + 1).copied()
    }

    /// The playable CNN levels, in order.
    pub fn cnn_levels(&self) -> Vec<&crate::level::cnn::CnnLevel> {
        self.all().into_iter().filter_map(AnyLevel::cnn).collect()
    }

    pub fn find_cnn(&self, id: &str) -> Option<&crate::level::cnn::CnnLevel> {
        self.cnn_levels().into_iter().find(|l| l.id == id)
    }

    /// The CNN level after `id`, if any.
    pub fn next_cnn_after(&self, id: &str) -> Option<&crate::level::cnn::CnnLevel> {
        let levels = self.cnn_levels();
        let at = levels.iter().position(|l| l.id == id)?;
        levels.get(at + 1).copied()
    }
}

/// Reads the loaded level assets into the catalog.
fn build_catalog(
    mut commands: Commands,
    collection: Option<Res<assets::LevelAssets>>,
    packs: Res<Assets<assets::LevelPack>>,
    folder_problem: Option<Res<assets::LevelsFolderProblem>>,
    mut catalog: ResMut<LevelCatalog>,
) {
    let mut result = LevelCatalog::default();
    if let Some(problem) = folder_problem.and_then(|p| p.0.clone()) {
        result.problems.push(problem);
    }
    match collection.as_ref().and_then(|c| packs.get(&c.pack)) {
        Some(pack) => {
            result
                .problems
                .extend(pack.problems.iter().map(|e| e.to_string()));
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
        (Ok(x), Ok(y)) => x.order().cmp(&y.order()).then(x.id().cmp(y.id())),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        (Err(_), Err(_)) => a.file.cmp(&b.file),
    });
    commands.insert_resource(LevelsAvailable(!result.all().is_empty()));
    *catalog = result;
}
