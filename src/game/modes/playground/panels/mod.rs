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
use crate::game::theme::widgets;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<thumbnails::DatasetThumbnails>()
        .init_resource::<DisplayOptions>()
        .add_systems(
            EguiPrimaryContextPass,
            workbench_ui
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

/// Everything the workbench's panels read or write.
#[derive(SystemParam)]
pub struct SandboxUi<'w, 's> {
    pub sim: Res<'w, Simulation>,
    pub actions: MessageWriter<'w, SimAction>,
    pub display: ResMut<'w, DisplayOptions>,
    pub view: Option<Res<'w, PlaygroundView>>,
    pub views: Query<'w, 's, (&'static mut ViewRect, &'static ViewHeatmaps)>,
    pub notices: ResMut<'w, Notices>,
    pub notice_anchor: ResMut<'w, crate::game::notices::NoticeAnchor>,
    pub thumbnails: ResMut<'w, thumbnails::DatasetThumbnails>,
    pub next_screen: ResMut<'w, NextState<Screen>>,
    pub undo: Res<'w, Undo>,
    pub level: Option<ResMut<'w, LevelRun>>,
    pub level_commands: MessageWriter<'w, LevelCommand>,
    pub catalog: Res<'w, LevelCatalog>,
    pub form: Res<'w, FormFactor>,
    pub lab: Lab<'w>,
}

/// The sandbox's own data and its Compare runs (a parameter of their own: a system parameter
/// holds at most sixteen).
#[derive(SystemParam)]
pub struct Lab<'w> {
    pub own: ResMut<'w, super::own_data::OwnData>,
    pub compare: ResMut<'w, super::compare::CompareRuns>,
    pub files: MessageWriter<'w, crate::game::files::FileRequest>,
    pub links: ResMut<'w, super::links::LinkWindow>,
    pub code: ResMut<'w, super::code_view::CodeWindow>,
    pub slow: ResMut<'w, super::slow_motion::SlowMotion>,
    pub recorder: ResMut<'w, crate::game::recording::Recorder>,
    pub lesson: ResMut<'w, super::lessons::LessonMaker>,
    pub buttons: ResMut<'w, super::buttons::WorkbenchButtons>,
}

impl SandboxUi<'_, '_> {
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

fn workbench_ui(mut contexts: EguiContexts, mut ui_state: SandboxUi) -> Result {
    let output_texture = ui_state
        .heatmaps()
        .and_then(|h| h.output_image.as_ref())
        .map(|image| contexts.add_image(bevy_egui::EguiTextureHandle::Weak(image.id())));
    let ctx = contexts.ctx_mut()?.clone();
    ui_state.thumbnails.ensure(&ctx);
    // Where the buttons are, as drawn this frame (for the status).
    ui_state.lab.buttons.0.clear();
    let mut root = egui::Ui::new(
        ctx.clone(),
        "workbench root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    let class = ui_state.form.class;
    let finger = ui_state.form.finger_sized();
    let screen = ctx.content_rect();
    egui::Panel::top("run bar")
        .exact_size(if finger { 58.0 } else { 46.0 })
        .show(&mut root, |ui| top_bar::show(ui, &mut ui_state));
    // (One row on every screen: the bar puts what does not fit in its menu.)
    let settings_open = ui_state.display.settings_open(class);
    match class {
        ScreenClass::Wide | ScreenClass::Tablet => {
            if settings_open {
                egui::Panel::left("controls")
                    .exact_size(CONTROLS_WIDTH)
                    .resizable(false)
                    .show(&mut root, |ui| {
                        egui::ScrollArea::vertical()
                            .show(ui, |ui| controls::show(ui, &mut ui_state));
                    });
            }
            let (width, view_size) = if class == ScreenClass::Wide {
                (OUTPUT_WIDTH, output_view::VIEW_SIZE)
            } else {
                (TABLET_OUTPUT_WIDTH, TABLET_OUTPUT_WIDTH - 46.0)
            };
            egui::Panel::right("output")
                .exact_size(width)
                .resizable(false)
                .show(&mut root, |ui| {
                    egui::ScrollArea::vertical().show(ui, |ui| {
                        output_view::show(ui, &mut ui_state, output_texture, view_size)
                    });
                });
        }
        ScreenClass::Phone => {
            // The output under the network, its plane as large as leaves the network most of
            // the screen.
            let view_size = (screen.width() * 0.45).clamp(140.0, 220.0);
            let height = (view_size + 40.0).max(screen.height() * 0.32);
            egui::Panel::bottom("output")
                .exact_size(height)
                .resizable(false)
                .show(&mut root, |ui| {
                    egui::ScrollArea::vertical().show(ui, |ui| {
                        output_view::show_phone(ui, &mut ui_state, output_texture, view_size)
                    });
                });
        }
    }
    // What is left is the network view.
    let rect = root.available_rect_before_wrap();
    let wanted = ViewRect::new(
        Vec2::new(rect.min.x, rect.min.y),
        Vec2::new(rect.width(), rect.height()).max(Vec2::new(320.0, 240.0)),
    );
    if let Some(view) = ui_state.view.as_ref().map(|v| v.0)
        && let Ok((mut current, _)) = ui_state.views.get_mut(view)
        && *current != wanted
    {
        *current = wanted;
    }
    overlay::show(&ctx, &mut ui_state);
    if class == ScreenClass::Phone && settings_open {
        // Over the network and the output, down to the bottom of the screen.
        let over = egui::Rect::from_min_max(rect.min, egui::pos2(rect.max.x, screen.max.y));
        let mut shown = ui_state.display.settings_shown;
        let done = widgets::settings_sheet(&ctx, "settings sheet", over, &mut shown, |ui| {
            controls::show(ui, &mut ui_state)
        });
        ui_state.display.settings_shown = shown;
        crate::game::status::remember_button(&mut ui_state.lab.buttons.0, "Settings done", done);
    }
    level_ui::show(&ctx, &mut ui_state);
    Ok(())
}
