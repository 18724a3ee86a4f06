//! The CNN mode's screen (egui): the run bar on top; data, network, training and the drawing
//! pad on the left; curves, confusion matrix and mistakes on the right; CNN Explainer's
//! overview in the middle (every map of every layer, links on hover) and, below it, the detail
//! of the map the student clicked (see [`super::detail`]).

use crate::game::theme::form_factor::ScreenClass;
use crate::game::theme::widgets;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::CnnStage;
use super::detail;
use super::results_panel::right_panel;
use super::run_bar::run_bar;
use super::settings_panel::left_panel;
use super::sim::CnnSim;
use super::ui::{
    CardsUi, CnnScreen, LEFT_WIDTH, MapsPaint, MapsUi, RIGHT_WIDTH, ResultsUi, RunBarUi, SettingsUi,
};
use crate::game::theme::panel_room::PanelRoom;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<CnnScreen>()
        .configure_sets(
            EguiPrimaryContextPass,
            (CnnPanels::Paint, CnnPanels::Panels)
                .chain()
                .run_if(in_state(CnnStage).and_then(resource_exists::<CnnSim>))
                .before(crate::game::notices::ShowNotices),
        )
        .add_systems(
            EguiPrimaryContextPass,
            (
                paint_maps.in_set(CnnPanels::Paint),
                (
                    run_bar_panel,
                    settings_panel,
                    results_panel,
                    maps_panel,
                    level_cards,
                )
                    .chain()
                    .in_set(CnnPanels::Panels),
            ),
        );
}

/// The CNN screen's egui work, in order: the maps' textures, then one system per panel, each
/// taking its side of what the panels before it left ([`PanelRoom`]).
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
enum CnnPanels {
    Paint,
    Panels,
}

/// Every map of the shown image as a texture (and the saliency), before any panel.
fn paint_maps(mut contexts: EguiContexts, mut s: MapsPaint) {
    let started = bevy::platform::time::Instant::now();
    let MapsPaint {
        sim,
        screen,
        images,
        ..
    } = &mut s;
    let (range, saliency) = (screen.range, screen.saliency);
    let mut out = super::maps::MapOutput {
        images,
        contexts: &mut contexts,
    };
    screen.maps.update(&mut out, sim, range, saliency);
    s.timings.heatmaps += started.elapsed();
}

/// The run bar on top (the first panel: the whole screen is free).
fn run_bar_panel(
    mut contexts: EguiContexts,
    mut s: RunBarUi,
    mut room: ResMut<PanelRoom>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    s.screen.buttons.clear();
    room.start(&ctx);
    let bar = widgets::bar_panel("cnn run bar", s.form.class);
    room.show(&ctx, "cnn run bar room", bar, |ui| run_bar(ui, &mut s));
    Ok(())
}

/// The settings: on the left, or a sheet over a phone's screen.
fn settings_panel(
    mut contexts: EguiContexts,
    mut s: SettingsUi,
    mut room: ResMut<PanelRoom>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let class = s.form.class;
    if !widgets::settings_open(s.screen.settings_shown, class) {
        return Ok(());
    }
    if class == ScreenClass::Phone {
        let over = room.free(&ctx);
        let mut shown = s.screen.settings_shown;
        let done = widgets::settings_sheet(&ctx, "cnn settings sheet", over, &mut shown, |ui| {
            left_panel(ui, &mut s)
        });
        s.screen.settings_shown = shown;
        let c = done.center();
        s.screen
            .buttons
            .insert("Settings done".into(), serde_json::json!([c.x, c.y]));
    } else {
        let panel = egui::Panel::left("cnn settings")
            .exact_size(LEFT_WIDTH)
            .resizable(false);
        room.show(&ctx, "cnn settings room", panel, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| left_panel(ui, &mut s));
        });
    }
    Ok(())
}

/// The results: on the right, or under the network on a phone.
fn results_panel(
    mut contexts: EguiContexts,
    mut s: ResultsUi,
    mut room: ResMut<PanelRoom>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let panel = if s.form.class == ScreenClass::Phone {
        egui::Panel::bottom("cnn results").exact_size(ctx.content_rect().height() * 0.36)
    } else {
        egui::Panel::right("cnn results").exact_size(RIGHT_WIDTH)
    };
    room.show(&ctx, "cnn results room", panel.resizable(false), |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| right_panel(ui, &mut s));
    });
    Ok(())
}

/// CNN Explainer's overview in what the panels left, and under it the detail of the map
/// clicked; notices stand at the foot of the maps.
fn maps_panel(mut contexts: EguiContexts, mut s: MapsUi, room: Res<PanelRoom>) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let mut root = room.ui(&ctx, "cnn maps room");
    let mut central = room.free(&ctx);
    let mut actions = Vec::new();
    let dt = s.time.delta_secs();
    egui::CentralPanel::default().show(&mut root, |ui| {
        let MapsUi { sim, screen, .. } = &mut s;
        let has_detail = screen.detail.is_some();
        let full = ui.available_rect_before_wrap();
        central = full;
        let overview_height = if has_detail {
            full.height() * 0.5
        } else {
            full.height()
        };
        let overview =
            egui::Rect::from_min_size(full.min, egui::vec2(full.width(), overview_height));
        super::overview::show(ui, overview, sim, screen);
        if has_detail {
            let rect =
                egui::Rect::from_min_max(egui::pos2(full.min.x, overview.max.y + 6.0), full.max);
            let mut child = ui.new_child(egui::UiBuilder::new().max_rect(rect));
            // The detail can be taller than half a small window (a convolution's channels and
            // the grid of all its kernels): it scrolls.
            egui::ScrollArea::vertical()
                .id_salt("cnn detail")
                .auto_shrink([false, false])
                .show(&mut child, |ui| {
                    detail::show(ui, sim, screen, dt, &mut actions)
                });
        }
    });
    s.notice_anchor.0 = Some(Vec2::new(central.center().x, central.max.y - 12.0));
    s.actions.write_batch(actions);
    Ok(())
}

/// The level's cards: the briefing, the win with its stars, out of epochs; and the hints shown.
fn level_cards(mut contexts: EguiContexts, mut s: CardsUi) -> Result {
    let ctx = &contexts.ctx_mut()?.clone();
    use crate::game::levels::{
        LevelCardText, LevelPhase, follow_card_choice, show_level_card, star_lines,
    };
    let Some(run) = s.level.as_deref() else {
        return Ok(());
    };
    let screen = ctx.viewport_rect();
    let center = Vec2::new(
        LEFT_WIDTH + (screen.width() - LEFT_WIDTH - RIGHT_WIDTH) / 2.0,
        screen.height() / 2.0,
    );
    let level = &run.level;
    if run.hints_shown > 0 && run.phase == LevelPhase::Playing {
        let text = level.hints[..run.hints_shown].join("\n");
        crate::game::theme::widgets::banner(
            ctx,
            "cnn hints",
            Vec2::new(center.x, 70.0),
            520.0,
            &text,
        );
    }
    let budget = if level.epoch_budget > 0 {
        format!(", within {} epochs", level.epoch_budget)
    } else {
        String::new()
    };
    let text = LevelCardText {
        mode: "cnn",
        title: &level.title,
        briefing: &level.briefing,
        goal: format!("{}{budget}", level.goal.describe()),
        stars: star_lines(&level.stars, run.stars(), |s| s.describe()),
        lesson: &level.lesson,
        next: s.catalog.next_cnn_after(&level.id).map(|l| l.id.clone()),
        best: match run.judge.best_accuracy {
            Some(a) => format!("The best test accuracy was {:.1} %.", 100.0 * a),
            None => "Nothing was measured.".into(),
        },
    };
    let choice = show_level_card(ctx, center, run.phase, &text, &mut s.screen.buttons);
    follow_card_choice(choice, &mut s.level_commands, &mut s.next_screen);
    Ok(())
}
