//! What every panel of the GAN mode shares: the screen's own state, each panel system's small
//! parameter, their widths, and the button registry's helper.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use super::level_run::GanLevelRun;
use super::plot::PlotState;
use super::sim::GanSim;
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
    /// The pointer was over the generator in the last frame (the plot morphs its noise grid).
    pub hovering_generator: bool,
}

/// The run bar's part: the run, its files and recording, the way back.
#[derive(SystemParam)]
pub struct RunBarUi<'w> {
    pub sim: Res<'w, GanSim>,
    pub level: Option<Res<'w, GanLevelRun>>,
    pub form: Res<'w, FormFactor>,
    pub screen: ResMut<'w, GanScreen>,
    pub files: MessageWriter<'w, FileRequest>,
    pub next_screen: ResMut<'w, NextState<Screen>>,
    pub recorder: ResMut<'w, crate::game::recording::Recorder>,
}

/// The left panel's part: the level or the data, and the measures.
#[derive(SystemParam)]
pub struct SideUi<'w> {
    pub sim: Res<'w, GanSim>,
    pub level: Option<Res<'w, GanLevelRun>>,
    pub form: Res<'w, FormFactor>,
    pub screen: ResMut<'w, GanScreen>,
    pub level_commands: MessageWriter<'w, LevelCommand>,
}

/// The plot panel's part.
#[derive(SystemParam)]
pub struct PlotUi<'w> {
    pub sim: Res<'w, GanSim>,
    pub form: Res<'w, FormFactor>,
    pub screen: ResMut<'w, GanScreen>,
}

/// The model graph's part: where the two network views go.
#[derive(SystemParam)]
pub struct GraphUi<'w> {
    pub sim: Res<'w, GanSim>,
    pub level: Option<Res<'w, GanLevelRun>>,
    pub screen: ResMut<'w, GanScreen>,
    pub views: ResMut<'w, GanViews>,
}

/// What shows over the screen: slow motion's caption, the start being prepared, the level's
/// cards, where notices stand.
#[derive(SystemParam)]
pub struct OverlayUi<'w> {
    pub sim: Res<'w, GanSim>,
    pub level: Option<Res<'w, GanLevelRun>>,
    pub catalog: Res<'w, LevelCatalog>,
    pub screen: ResMut<'w, GanScreen>,
    pub level_commands: MessageWriter<'w, LevelCommand>,
    pub next_screen: ResMut<'w, NextState<Screen>>,
    pub notice_anchor: ResMut<'w, crate::game::notices::NoticeAnchor>,
}

/// The plot's pictures, painted before the panels: the discriminator's heatmap, the optimal
/// discriminator, and their textures.
#[derive(SystemParam)]
pub struct PlotPaint<'w> {
    pub sim: Res<'w, GanSim>,
    pub screen: ResMut<'w, GanScreen>,
    pub images: ResMut<'w, Assets<Image>>,
    pub time: Res<'w, Time>,
    pub timings: ResMut<'w, crate::game::frame_budget::WorkTimings>,
}

pub use crate::game::status::remember;
