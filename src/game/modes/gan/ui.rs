//! What every panel of the GAN mode shares: the screen's own state, the one system parameter the
//! panels read and write, their widths, and the button registry's helper.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui;

use super::level_run::GanLevelRun;
use super::plot::PlotState;
use super::sim::{GanAction, GanSim};
use super::views::GanViews;
use crate::game::files::FileRequest;
use crate::game::levels::{LevelCatalog, LevelCommand};
use crate::game::screens::Screen;
use crate::game::theme::form_factor::FormFactor;

pub const LEFT_WIDTH: f32 = 300.0;
pub const RIGHT_WIDTH: f32 = 470.0;
/// The plot's panel on a tablet, leaving the graph a third of a 1024 px screen.
pub const TABLET_RIGHT_WIDTH: f32 = 380.0;
/// Room kept below the model graph for slow motion's caption.
pub const SLOW_CAPTION_HEIGHT: f32 = 118.0;

/// The screen's own state: the plot, edit mode.
#[derive(Resource, Default)]
pub struct GanScreen {
    pub plot: PlotState,
    pub edit_mode: bool,
    /// Where the mode's buttons are, for scripts that click them like a player.
    pub buttons: serde_json::Map<String, serde_json::Value>,
    /// Where the plot is on screen (window pixels): min and size.
    pub plot_rect: Option<(Vec2, Vec2)>,
    /// Whether the data and measures panel shows on a small screen (None: the screen's default).
    pub settings_shown: Option<bool>,
}

/// Everything the panels read or write.
#[derive(SystemParam)]
pub struct GanUi<'w> {
    pub sim: Res<'w, GanSim>,
    /// The level being played, if one is.
    pub level: Option<Res<'w, GanLevelRun>>,
    pub actions: MessageWriter<'w, GanAction>,
    pub screen: ResMut<'w, GanScreen>,
    pub views: ResMut<'w, GanViews>,
    pub files: MessageWriter<'w, FileRequest>,
    pub next_screen: ResMut<'w, NextState<Screen>>,
    pub time: Res<'w, Time>,
    pub images: ResMut<'w, Assets<Image>>,
    pub level_commands: MessageWriter<'w, LevelCommand>,
    pub catalog: Res<'w, LevelCatalog>,
    pub timings: ResMut<'w, crate::game::frame_budget::WorkTimings>,
    pub form: Res<'w, FormFactor>,
    pub recorder: ResMut<'w, crate::game::recording::Recorder>,
    pub notice_anchor: ResMut<'w, crate::game::notices::NoticeAnchor>,
}

pub fn remember(
    buttons: &mut serde_json::Map<String, serde_json::Value>,
    name: &str,
    r: &egui::Response,
) {
    let c = r.rect.center();
    buttons.insert(name.to_string(), serde_json::json!([c.x, c.y]));
}
