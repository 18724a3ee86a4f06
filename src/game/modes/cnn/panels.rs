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
use super::ui::{CnnScreen, CnnUi, LEFT_WIDTH, RIGHT_WIDTH};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<CnnScreen>().add_systems(
        EguiPrimaryContextPass,
        cnn_ui
            .run_if(in_state(CnnStage).and_then(resource_exists::<CnnSim>))
            .before(crate::game::notices::ShowNotices),
    );
}

fn cnn_ui(mut contexts: EguiContexts, mut s: CnnUi) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    s.screen.buttons.clear();
    let started = bevy::platform::time::Instant::now();
    {
        let CnnUi {
            sim,
            screen,
            images,
            ..
        } = &mut s;
        let range = screen.range;
        let saliency = screen.saliency;
        let mut out = super::maps::MapOutput {
            images,
            contexts: &mut contexts,
        };
        screen.maps.update(&mut out, sim, range, saliency);
    }
    s.timings.heatmaps += started.elapsed();
    let mut root = egui::Ui::new(
        ctx.clone(),
        "cnn root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    let class = s.form.class;
    let screen_rect = ctx.content_rect();
    widgets::bar_panel("cnn run bar", class).show(&mut root, |ui| run_bar(ui, &mut s));
    let settings_open = widgets::settings_open(s.screen.settings_shown, class);
    if settings_open && class != ScreenClass::Phone {
        egui::Panel::left("cnn settings")
            .exact_size(LEFT_WIDTH)
            .resizable(false)
            .show(&mut root, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| left_panel(ui, &mut s));
            });
    }
    // The results: on the right, or under the network on a phone.
    if class == ScreenClass::Phone {
        egui::Panel::bottom("cnn results")
            .exact_size(screen_rect.height() * 0.36)
            .resizable(false)
            .show(&mut root, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| right_panel(ui, &mut s));
            });
    } else {
        egui::Panel::right("cnn results")
            .exact_size(RIGHT_WIDTH)
            .resizable(false)
            .show(&mut root, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| right_panel(ui, &mut s));
            });
    }
    if class == ScreenClass::Phone && settings_open {
        let top = root.available_rect_before_wrap().min.y;
        let over = egui::Rect::from_min_max(egui::pos2(screen_rect.min.x, top), screen_rect.max);
        let mut shown = s.screen.settings_shown;
        let done = widgets::settings_sheet(&ctx, "cnn settings sheet", over, &mut shown, |ui| {
            left_panel(ui, &mut s)
        });
        s.screen.settings_shown = shown;
        let c = done.center();
        s.screen
            .buttons
            .insert("Settings done".into(), serde_json::json!([c.x, c.y]));
    }
    level_cards(&ctx, &mut s);
    let mut central = screen_rect;
    let mut actions = Vec::new();
    egui::CentralPanel::default().show(&mut root, |ui| {
        let dt = s.time.delta_secs();
        let CnnUi { sim, screen, .. } = &mut s;
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
    // What was refused (a file, a setting) or done stands at the foot of the maps.
    s.notice_anchor.0 = Some(Vec2::new(central.center().x, central.max.y - 12.0));
    for action in actions {
        s.actions.write(action);
    }
    Ok(())
}

/// The level's cards: the briefing, the win with its stars, out of epochs; and the hints shown.
fn level_cards(ctx: &egui::Context, s: &mut CnnUi) {
    use crate::game::levels::{
        LevelCardText, LevelPhase, follow_card_choice, show_level_card, star_lines,
    };
    let Some(run) = s.level.as_deref() else {
        return;
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
}
