//! What every panel of the CNN mode shares: the screen's own state, the one system parameter the
//! panels read and write, their widths, and the button registry's helper.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui;

use super::detail_parts::Detail;
use super::level_run::CnnLevelRun;
use super::maps::{ColorRange, MapTextures};
use super::sim::CnnSim;
use crate::game::files::FileRequest;
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

#[derive(SystemParam)]
pub struct CnnUi<'w> {
    pub level_commands: MessageWriter<'w, crate::game::levels::LevelCommand>,
    pub catalog: Res<'w, crate::game::levels::LevelCatalog>,
    pub sim: Res<'w, CnnSim>,
    /// The level being played, if one is.
    pub level: Option<Res<'w, CnnLevelRun>>,
    pub screen: ResMut<'w, CnnScreen>,
    pub files: MessageWriter<'w, FileRequest>,
    pub next_screen: ResMut<'w, NextState<Screen>>,
    pub time: Res<'w, Time>,
    pub images: ResMut<'w, Assets<Image>>,
    pub timings: ResMut<'w, crate::game::frame_budget::WorkTimings>,
    pub form: Res<'w, FormFactor>,
    pub recorder: ResMut<'w, crate::game::recording::Recorder>,
    pub notice_anchor: ResMut<'w, crate::game::notices::NoticeAnchor>,
    pub actions: MessageWriter<'w, super::sim::CnnAction>,
}

pub fn remember(
    buttons: &mut serde_json::Map<String, serde_json::Value>,
    name: &str,
    r: &egui::Response,
) {
    crate::game::status::remember_button(buttons, name, r.rect);
}
