//! The workbench's panels (egui): controls on the left, the run bar on top, the output view on
//! the right, and over the network the level's cards, the divergence banner and the notices.
//! They only read the simulation and send [`SimAction`]s; the network view draws its own
//! overlays.

pub mod controls;
pub mod keyboard;
pub mod level_ui;
pub mod output_view;
pub mod overlay;
pub mod thumbnails;
pub mod top_bar;

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::Workbench;
use super::level_run::LevelRun;
use super::sim::{SimAction, Simulation, Undo};
use super::view::{DisplayOptions, PlaygroundView};
use crate::experiment::ExperimentConfig;
use crate::game::levels::{LevelCatalog, LevelCommand};
use crate::game::network_view::ViewRect;
use crate::game::network_view::heatmaps::ViewHeatmaps;
use crate::game::notices::Notices;
use crate::game::screens::Screen;
use crate::game::theme::form_factor::{FormFactor, ScreenClass};
use crate::game::theme::panel_room::PanelRoom;
use crate::game::theme::widgets;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<thumbnails::DatasetThumbnails>()
        .init_resource::<DisplayOptions>()
        .add_systems(
            EguiPrimaryContextPass,
            (
                run_bar_panel,
                controls_panel,
                output_panel,
                network_room,
                overlays,
            )
                .chain()
                .run_if(in_state(Workbench))
                .before(crate::game::notices::ShowNotices),
        )
        .add_plugins(keyboard::plugin);
}

/// Width of the controls panel and of the output panel.
pub const CONTROLS_WIDTH: f32 = 292.0;
pub const OUTPUT_WIDTH: f32 = 336.0;
/// The output panel on a tablet: the network keeps 400 px of a 1024 px screen with the
/// settings open.
pub const TABLET_OUTPUT_WIDTH: f32 = 300.0;

/// What every workbench panel reads: the experiment (and its actions), the level being played,
/// and where the network view is.
#[derive(SystemParam)]
pub struct Bench<'w, 's> {
    pub sim: Res<'w, Simulation>,
    pub actions: MessageWriter<'w, SimAction>,
    pub level: Option<Res<'w, LevelRun>>,
    pub view: Option<Res<'w, PlaygroundView>>,
    pub views: Query<'w, 's, (&'static ViewRect, &'static ViewHeatmaps)>,
    pub form: Res<'w, FormFactor>,
}

impl Bench<'_, '_> {
    /// Whether the player may change a setting (everything in the sandbox; a level's palette in a
    /// level).
    pub fn may_change(&self, setting: crate::level::Setting) -> bool {
        self.level.as_ref().is_none_or(|run| run.allows(setting))
    }

    /// The level's palette, in a level.
    pub fn palette(&self) -> Option<&crate::level::Palette> {
        self.level.as_ref().map(|run| &run.level.palette)
    }

    /// Sends a settings change if it changes anything.
    pub fn configure(&mut self, config: ExperimentConfig) {
        if &config != self.sim.experiment.config() {
            self.actions.write(SimAction::Configure(Box::new(config)));
        }
    }

    /// Where the network view is on screen.
    pub fn view_rect(&self) -> ViewRect {
        self.view
            .as_ref()
            .and_then(|v| self.views.get(v.0).ok())
            .map(|(rect, _)| *rect)
            .unwrap_or(ViewRect::new(
                super::view::DEFAULT_RECT.0,
                super::view::DEFAULT_RECT.1,
            ))
    }

    /// The view's heatmaps (the large output image), once drawn.
    pub fn heatmaps(&self) -> Option<&ViewHeatmaps> {
        let view = self.view.as_ref()?;
        self.views.get(view.0).ok().map(|(_, h)| h)
    }
}

/// The run bar's part: the run's buttons, undo, the explain, present and file menus.
#[derive(SystemParam)]
pub struct RunBarUi<'w, 's> {
    pub bench: Bench<'w, 's>,
    pub notices: ResMut<'w, Notices>,
    pub undo: Res<'w, Undo>,
    pub next_screen: ResMut<'w, NextState<Screen>>,
    pub display: ResMut<'w, DisplayOptions>,
    pub lab: Lab<'w>,
}

/// The windows and tools the run bar opens.
#[derive(SystemParam)]
pub struct Lab<'w> {
    pub compare: ResMut<'w, super::compare::CompareRuns>,
    pub files: MessageWriter<'w, crate::game::files::FileRequest>,
    pub links: ResMut<'w, super::links::LinkWindow>,
    pub code: ResMut<'w, super::code_view::CodeWindow>,
    pub slow: ResMut<'w, super::slow_motion::SlowMotion>,
    pub recorder: ResMut<'w, crate::game::recording::Recorder>,
    pub lesson: ResMut<'w, super::lessons::LessonMaker>,
    pub buttons: ResMut<'w, super::buttons::WorkbenchButtons>,
}

/// The settings panel's part.
#[derive(SystemParam)]
pub struct ControlsUi<'w, 's> {
    pub bench: Bench<'w, 's>,
    pub thumbnails: ResMut<'w, thumbnails::DatasetThumbnails>,
    pub display: ResMut<'w, DisplayOptions>,
    pub buttons: ResMut<'w, super::buttons::WorkbenchButtons>,
}

/// The output panel's part: the plane, the readouts, the player's own data.
#[derive(SystemParam)]
pub struct OutputUi<'w, 's> {
    pub bench: Bench<'w, 's>,
    pub display: ResMut<'w, DisplayOptions>,
    pub notices: ResMut<'w, Notices>,
    pub lab: OutputLab<'w>,
}

/// What the output panel works with beside the experiment.
#[derive(SystemParam)]
pub struct OutputLab<'w> {
    pub own: ResMut<'w, super::own_data::OwnData>,
    pub files: MessageWriter<'w, crate::game::files::FileRequest>,
    pub slow: Res<'w, super::slow_motion::SlowMotion>,
    pub buttons: ResMut<'w, super::buttons::WorkbenchButtons>,
}

/// Over the network: the level's goal bar and cards, the divergence banner, where notices stand.
#[derive(SystemParam)]
pub struct OverNetworkUi<'w, 's> {
    pub bench: Bench<'w, 's>,
    pub level_commands: MessageWriter<'w, LevelCommand>,
    pub next_screen: ResMut<'w, NextState<Screen>>,
    pub catalog: Res<'w, LevelCatalog>,
    pub notice_anchor: ResMut<'w, crate::game::notices::NoticeAnchor>,
    pub buttons: ResMut<'w, super::buttons::WorkbenchButtons>,
}

// The workbench's egui work: one system per panel, chained, each taking its side of what the
// panels before it left ([`PanelRoom`]); what is left at the end is the network view's.

/// The run bar on top (the first panel: the whole screen is free).
fn run_bar_panel(
    mut contexts: EguiContexts,
    mut s: RunBarUi,
    mut room: ResMut<PanelRoom>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    // Where the buttons are, as drawn this frame (for the status).
    s.lab.buttons.0.clear();
    room.start(&ctx);
    // One row on every screen: the bar puts what does not fit in its menu.
    let height = if s.bench.form.finger_sized() {
        58.0
    } else {
        46.0
    };
    let bar = egui::Panel::top("run bar").exact_size(height);
    room.show(&ctx, "workbench run bar room", bar, |ui| {
        top_bar::show(ui, &mut s)
    });
    Ok(())
}

/// The settings: on the left of a desktop or tablet, a sheet over a phone's network and output.
fn controls_panel(
    mut contexts: EguiContexts,
    mut s: ControlsUi,
    mut room: ResMut<PanelRoom>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    s.thumbnails.ensure(&ctx);
    let class = s.bench.form.class;
    if !s.display.settings_open(class) {
        return Ok(());
    }
    if class == ScreenClass::Phone {
        let free = room.free(&ctx);
        let over =
            egui::Rect::from_min_max(free.min, egui::pos2(free.max.x, ctx.content_rect().max.y));
        let mut shown = s.display.settings_shown;
        let done = widgets::settings_sheet(&ctx, "settings sheet", over, &mut shown, |ui| {
            controls::show(ui, &mut s)
        });
        s.display.settings_shown = shown;
        crate::game::status::remember_button(&mut s.buttons.0, "Settings done", done);
        return Ok(());
    }
    let panel = egui::Panel::left("controls")
        .exact_size(CONTROLS_WIDTH)
        .resizable(false);
    room.show(&ctx, "workbench controls room", panel, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| controls::show(ui, &mut s));
    });
    Ok(())
}

/// The output: on the right, or under the network on a phone (its plane as large as leaves the
/// network most of the screen).
fn output_panel(
    mut contexts: EguiContexts,
    mut s: OutputUi,
    mut room: ResMut<PanelRoom>,
) -> Result {
    let output_texture = s
        .bench
        .heatmaps()
        .and_then(|h| h.output_image.as_ref())
        .map(|image| contexts.add_image(bevy_egui::EguiTextureHandle::Weak(image.id())));
    let ctx = contexts.ctx_mut()?.clone();
    let screen = ctx.content_rect();
    let phone = s.bench.form.class == ScreenClass::Phone;
    let (panel, view_size) = match s.bench.form.class {
        ScreenClass::Phone => {
            let view_size = (screen.width() * 0.45).clamp(140.0, 220.0);
            let height = (view_size + 40.0).max(screen.height() * 0.32);
            (egui::Panel::bottom("output").exact_size(height), view_size)
        }
        ScreenClass::Wide => (
            egui::Panel::right("output").exact_size(OUTPUT_WIDTH),
            output_view::VIEW_SIZE,
        ),
        ScreenClass::Tablet => (
            egui::Panel::right("output").exact_size(TABLET_OUTPUT_WIDTH),
            TABLET_OUTPUT_WIDTH - 46.0,
        ),
    };
    room.show(
        &ctx,
        "workbench output room",
        panel.resizable(false),
        |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                if phone {
                    output_view::show_phone(ui, &mut s, output_texture, view_size)
                } else {
                    output_view::show(ui, &mut s, output_texture, view_size)
                }
            });
        },
    );
    Ok(())
}

/// What the panels left is the network view's.
fn network_room(
    mut contexts: EguiContexts,
    room: Res<PanelRoom>,
    view: Option<Res<PlaygroundView>>,
    mut views: Query<&mut ViewRect>,
) -> Result {
    let rect = room.free(contexts.ctx_mut()?);
    let wanted = ViewRect::new(
        Vec2::new(rect.min.x, rect.min.y),
        Vec2::new(rect.width(), rect.height()).max(Vec2::new(320.0, 240.0)),
    );
    if let Some(view) = view
        && let Ok(mut current) = views.get_mut(view.0)
        && *current != wanted
    {
        *current = wanted;
    }
    Ok(())
}

/// Over the network: the divergence banner and where notices stand, and the level's goal bar
/// and cards.
fn overlays(mut contexts: EguiContexts, mut s: OverNetworkUi) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    overlay::show(&ctx, &mut s);
    level_ui::show(&ctx, &mut s);
    Ok(())
}
