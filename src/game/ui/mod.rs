//! The sandbox's panels (egui): controls on the left, the run bar on top, the output view on the
//! right, and overlays on the network (tooltips, +/- per layer, the divergence banner, notices).
//! They only read the simulation and send [`SimAction`]s.

pub mod controls;
pub mod editor;
pub mod keyboard;
pub mod labels;
pub mod output_view;
pub mod overlay;
pub mod thumbnails;
pub mod top_bar;

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::experiment::ExperimentConfig;
use crate::game::network_view::heatmaps::{HeatmapState, HoveredNode};
use crate::game::network_view::hover::{HoveredChip, HoveredEdge};
use crate::game::network_view::{DisplayOptions, NetworkEntities, NetworkViewport};
use crate::game::notices::Notices;
use crate::game::screens::{Screen, Workbench};
use crate::game::sim::{SimAction, Simulation};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<thumbnails::DatasetThumbnails>()
        .add_systems(
            EguiPrimaryContextPass,
            sandbox_ui.run_if(in_state(Workbench)),
        )
        .add_plugins(keyboard::plugin);
}

/// Width of the controls panel and of the output panel.
pub const CONTROLS_WIDTH: f32 = 292.0;
pub const OUTPUT_WIDTH: f32 = 336.0;

/// Everything the sandbox's panels read or write.
#[derive(SystemParam)]
pub struct SandboxUi<'w, 's> {
    pub sim: Res<'w, Simulation>,
    pub actions: MessageWriter<'w, SimAction>,
    pub display: ResMut<'w, DisplayOptions>,
    pub viewport: ResMut<'w, NetworkViewport>,
    pub heatmaps: Option<Res<'w, HeatmapState>>,
    pub hovered: Res<'w, HoveredNode>,
    pub hovered_edge: Res<'w, HoveredEdge>,
    pub hovered_chip: Res<'w, HoveredChip>,
    pub entities: Res<'w, NetworkEntities>,
    pub notices: ResMut<'w, Notices>,
    pub time: Res<'w, Time>,
    pub thumbnails: ResMut<'w, thumbnails::DatasetThumbnails>,
    pub next_screen: ResMut<'w, NextState<Screen>>,
    pub edges: Query<'w, 's, &'static crate::game::network_view::Edge>,
    pub editor: ResMut<'w, crate::game::network_view::editing::WeightEditor>,
    pub drag: Res<'w, crate::game::network_view::drag::DragState>,
    pub history: Res<'w, crate::game::sim::undo::UndoHistory>,
    pub level: Option<ResMut<'w, crate::game::levels::run::LevelRun>>,
    pub level_commands: MessageWriter<'w, crate::game::levels::run::LevelCommand>,
    pub catalog: Res<'w, crate::game::levels::LevelCatalog>,
    pub labels: Query<
        'w,
        's,
        (
            &'static labels::WorldLabel,
            &'static GlobalTransform,
            Option<&'static InheritedVisibility>,
        ),
    >,
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
}

impl SandboxUi<'_, '_> {
    /// Sends a settings change if it changes anything.
    pub fn configure(&mut self, config: ExperimentConfig) {
        if &config != self.sim.experiment.config() {
            self.actions.write(SimAction::Configure(Box::new(config)));
        }
    }
}

fn sandbox_ui(mut contexts: EguiContexts, mut ui_state: SandboxUi) -> Result {
    let output_texture = ui_state
        .heatmaps
        .as_ref()
        .map(|h| contexts.add_image(bevy_egui::EguiTextureHandle::Weak(h.output_image.id())));
    let ctx = contexts.ctx_mut()?.clone();
    ui_state.thumbnails.ensure(&ctx);
    let mut root = egui::Ui::new(
        ctx.clone(),
        "sandbox root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    egui::Panel::top("run bar")
        .exact_size(46.0)
        .show(&mut root, |ui| top_bar::show(ui, &mut ui_state));
    egui::Panel::left("controls")
        .exact_size(CONTROLS_WIDTH)
        .resizable(false)
        .show(&mut root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| controls::show(ui, &mut ui_state));
        });
    egui::Panel::right("output")
        .exact_size(OUTPUT_WIDTH)
        .resizable(false)
        .show(&mut root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                output_view::show(ui, &mut ui_state, output_texture)
            });
        });
    // What is left is the network view: the world camera draws there.
    let rect = root.available_rect_before_wrap();
    let viewport = NetworkViewport {
        min: Vec2::new(rect.min.x, rect.min.y),
        size: Vec2::new(rect.width(), rect.height()).max(Vec2::new(320.0, 240.0)),
    };
    if *ui_state.viewport != viewport {
        *ui_state.viewport = viewport;
    }
    labels::show(&ctx, &ui_state);
    overlay::show(&ctx, &mut ui_state);
    editor::show(&ctx, &mut ui_state);
    crate::game::levels::play_ui::show(&ctx, &mut ui_state);
    Ok(())
}

/// A panel section's heading: small capitals in grey, as in the Playground.
pub fn section_heading(ui: &mut egui::Ui, title: &str) {
    ui.label(
        egui::RichText::new(title)
            .strong()
            .size(13.0)
            .color(egui::Color32::from_gray(90)),
    );
}

/// Formats a count with thousands separators, as the Playground's epoch counter.
pub fn with_commas(n: u64) -> String {
    let digits = format!("{n:06}");
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn epoch_counter_is_zero_padded_with_commas() {
        assert_eq!(super::with_commas(0), "000,000");
        assert_eq!(super::with_commas(1234), "001,234");
        assert_eq!(super::with_commas(12_345_678), "12,345,678");
    }
}
