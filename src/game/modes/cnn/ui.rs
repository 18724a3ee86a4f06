//! What every panel of the CNN mode shares: the screen's own state, each panel system's small
//! parameter, their widths, and the button registry's helper.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use super::detail_parts::Detail;
use super::level_run::CnnLevelRun;
use super::maps::{ColorRange, MapTextures};
use super::sim::{CnnAction, CnnSim};
use crate::game::files::FileRequest;
use crate::game::levels::LevelCommand;
use crate::game::screens::Screen;
use crate::game::theme::form_factor::FormFactor;

pub const LEFT_WIDTH: f32 = 290.0;
pub const RIGHT_WIDTH: f32 = 330.0;

/// The screen's own state.
#[derive(Resource, Default)]
pub struct CnnScreen {
    pub range: ColorRange,
    pub detail: Option<Detail>,
    /// The class a drawing is added to the training set as.
    pub drawing_class: usize,
    pub saliency: bool,
    /// Where the mode's buttons are, for scripts that click them like a player.
    pub buttons: serde_json::Map<String, serde_json::Value>,
    pub maps: MapTextures,
    /// Whether the settings panel shows on a small screen (None: the screen's default).
    pub settings_shown: Option<bool>,
}

/// The run bar's part: training, the level's buttons, hand-in and recording, the way back.
#[derive(SystemParam)]
pub struct RunBarUi<'w> {
    pub sim: Res<'w, CnnSim>,
    pub level: Option<Res<'w, CnnLevelRun>>,
    pub form: Res<'w, FormFactor>,
    pub screen: ResMut<'w, CnnScreen>,
    pub files: MessageWriter<'w, FileRequest>,
    pub next_screen: ResMut<'w, NextState<Screen>>,
    pub recorder: ResMut<'w, crate::game::recording::Recorder>,
    pub level_commands: MessageWriter<'w, LevelCommand>,
    pub actions: MessageWriter<'w, CnnAction>,
}

/// The settings panel's part: images, network, training, models, the picture and the pad.
#[derive(SystemParam)]
pub struct SettingsUi<'w> {
    pub sim: Res<'w, CnnSim>,
    pub form: Res<'w, FormFactor>,
    pub screen: ResMut<'w, CnnScreen>,
    pub files: MessageWriter<'w, FileRequest>,
    pub actions: MessageWriter<'w, CnnAction>,
}

/// The results panel's part: curves, the confusion matrix, the mistakes.
#[derive(SystemParam)]
pub struct ResultsUi<'w> {
    pub sim: Res<'w, CnnSim>,
    pub form: Res<'w, FormFactor>,
    pub screen: ResMut<'w, CnnScreen>,
    pub actions: MessageWriter<'w, CnnAction>,
}

/// The maps' part: the overview and the detail in the middle, where notices stand.
#[derive(SystemParam)]
pub struct MapsUi<'w> {
    pub sim: Res<'w, CnnSim>,
    pub screen: ResMut<'w, CnnScreen>,
    pub time: Res<'w, Time>,
    pub actions: MessageWriter<'w, CnnAction>,
    pub notice_anchor: ResMut<'w, crate::game::notices::NoticeAnchor>,
}

/// The level's cards and hints.
#[derive(SystemParam)]
pub struct CardsUi<'w> {
    pub level: Option<Res<'w, CnnLevelRun>>,
    pub catalog: Res<'w, crate::game::levels::LevelCatalog>,
    pub screen: ResMut<'w, CnnScreen>,
    pub level_commands: MessageWriter<'w, LevelCommand>,
    pub next_screen: ResMut<'w, NextState<Screen>>,
}

/// The maps' textures, painted before the panels.
#[derive(SystemParam)]
pub struct MapsPaint<'w> {
    pub sim: Res<'w, CnnSim>,
    pub screen: ResMut<'w, CnnScreen>,
    pub images: ResMut<'w, Assets<Image>>,
    pub timings: ResMut<'w, crate::game::frame_budget::WorkTimings>,
}

pub use crate::game::status::remember;
