//! The GAN mode's screen (egui): the run bar on top, the data and the measures on the left, the
//! layered plot on the right, and between them the model graph with the two network views. The
//! panels read the run and send [`GanAction`]s.

use crate::game::theme::form_factor::ScreenClass;
use crate::game::theme::widgets;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::GanStage;
use super::graph;
use super::run_bar::run_bar;
use super::side_panel::left_panel;
use super::sim::{GanAction, GanSim, SLOW_STEP_SECONDS, SLOW_STEPS};
use super::ui::{
    GanScreen, GraphUi, LEFT_WIDTH, OverlayUi, PlotPaint, PlotUi, RIGHT_WIDTH, RunBarUi,
    SLOW_CAPTION_HEIGHT, SideUi, TABLET_RIGHT_WIDTH,
};
use crate::game::theme::panel_room::PanelRoom;
use crate::game::theme::widgets::with_commas;
use crate::level::gan::GanSetting;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<GanScreen>()
        .configure_sets(
            EguiPrimaryContextPass,
            (GanPanels::Paint, GanPanels::Panels)
                .chain()
                .run_if(in_state(GanStage).and_then(resource_exists::<GanSim>))
                .before(crate::game::notices::ShowNotices),
        )
        .add_systems(
            EguiPrimaryContextPass,
            (
                paint_plot.in_set(GanPanels::Paint),
                (run_bar_panel, side_panel, plot_panel, graph_panel, overlays)
                    .chain()
                    .in_set(GanPanels::Panels),
            ),
        );
}

/// The GAN screen's egui work, in order: the plot's pictures, then one system per panel, each
/// taking its side of what the panels before it left ([`PanelRoom`]).
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
enum GanPanels {
    Paint,
    Panels,
}

/// The plot's heatmap and optimal discriminator, and their egui textures, before any panel.
fn paint_plot(mut contexts: EguiContexts, mut s: PlotPaint) {
    let dt = s.time.delta_secs();
    let started = bevy::platform::time::Instant::now();
    let hovering = s.screen.hovering_generator;
    let PlotPaint {
        sim,
        screen,
        images,
        ..
    } = &mut s;
    screen.plot.refresh(images, sim, dt, hovering);
    s.timings.heatmaps += started.elapsed();
    let plot = &mut s.screen.plot;
    plot.heatmap_texture = plot
        .heatmap
        .as_ref()
        .map(|h| contexts.add_image(bevy_egui::EguiTextureHandle::Weak(h.id())));
    plot.optimal_texture = plot
        .optimal
        .as_ref()
        .map(|h| contexts.add_image(bevy_egui::EguiTextureHandle::Weak(h.id())));
}

/// The run bar on top (the first panel: the whole screen is free).
fn run_bar_panel(
    mut contexts: EguiContexts,
    mut s: RunBarUi,
    mut room: ResMut<PanelRoom>,
    mut writer: MessageWriter<GanAction>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    s.screen.buttons.clear();
    room.start(&ctx);
    let mut actions = Vec::new();
    let bar = widgets::bar_panel("gan run bar", s.form.class);
    room.show(&ctx, "gan run bar room", bar, |ui| {
        run_bar(ui, &mut s, &mut actions)
    });
    writer.write_batch(actions);
    Ok(())
}

/// The data (or the level) and the measures: on the left, or a sheet over a phone's screen.
fn side_panel(
    mut contexts: EguiContexts,
    mut s: SideUi,
    mut room: ResMut<PanelRoom>,
    mut writer: MessageWriter<GanAction>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let class = s.form.class;
    if !widgets::settings_open(s.screen.settings_shown, class) {
        return Ok(());
    }
    let mut actions = Vec::new();
    if class == ScreenClass::Phone {
        let over = room.free(&ctx);
        let mut shown = s.screen.settings_shown;
        let done = widgets::settings_sheet(&ctx, "gan settings sheet", over, &mut shown, |ui| {
            left_panel(ui, &mut s, &mut actions)
        });
        s.screen.settings_shown = shown;
        let c = done.center();
        s.screen
            .buttons
            .insert("Settings done".into(), serde_json::json!([c.x, c.y]));
    } else {
        let panel = egui::Panel::left("gan data")
            .exact_size(LEFT_WIDTH)
            .resizable(false);
        room.show(&ctx, "gan data room", panel, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| left_panel(ui, &mut s, &mut actions));
        });
    }
    writer.write_batch(actions);
    Ok(())
}

/// The plot: on the right (narrower on a tablet), under the graph on a phone.
fn plot_panel(mut contexts: EguiContexts, mut s: PlotUi, mut room: ResMut<PanelRoom>) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let screen_rect = ctx.content_rect();
    let (panel, side) = match s.form.class {
        ScreenClass::Phone => {
            let height = (screen_rect.height() * 0.4).min(screen_rect.width() + 40.0);
            (
                egui::Panel::bottom("gan plot").exact_size(height),
                height - 16.0,
            )
        }
        class => {
            let width = if class == ScreenClass::Wide {
                RIGHT_WIDTH
            } else {
                TABLET_RIGHT_WIDTH
            };
            (egui::Panel::right("gan plot").exact_size(width), 440.0)
        }
    };
    room.show(&ctx, "gan plot room", panel.resizable(false), |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| right_panel(ui, &mut s, side))
    });
    Ok(())
}

/// The model graph with the two network views, in what the panels left (slow motion's caption
/// keeps the foot of it).
fn graph_panel(
    mut contexts: EguiContexts,
    mut s: GraphUi,
    room: Res<PanelRoom>,
    mut writer: MessageWriter<GanAction>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let free = room.free(&ctx);
    let caption = if s.sim.slow_motion.is_some() {
        SLOW_CAPTION_HEIGHT
    } else {
        0.0
    };
    let graph_area =
        egui::Rect::from_min_max(free.min, egui::pos2(free.max.x, free.max.y - caption));
    let allowed: Vec<GanSetting> = match s.level.as_deref() {
        Some(run) => run.level.may_change.clone(),
        None => GanSetting::ALL.to_vec(),
    };
    let mut actions = Vec::new();
    let edit = s.screen.edit_mode;
    s.screen.hovering_generator = graph::show(
        &ctx,
        graph_area,
        &s.sim,
        &mut s.views,
        edit,
        &allowed,
        &mut actions,
    );
    writer.write_batch(actions);
    Ok(())
}

/// Slow motion's caption, the start being prepared, the level's cards, and where notices stand.
fn overlays(
    mut contexts: EguiContexts,
    mut s: OverlayUi,
    mut writer: MessageWriter<GanAction>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let mut actions = Vec::new();
    slow_motion_caption(&ctx, &s.sim, &mut actions);
    preparing_card(&ctx, &s.sim, &mut actions);
    level_cards(&ctx, &mut s);
    let bottom = ctx.viewport_rect().max;
    s.notice_anchor.0 = Some(Vec2::new(
        LEFT_WIDTH + (bottom.x - LEFT_WIDTH - RIGHT_WIDTH) / 2.0,
        bottom.y - 20.0,
    ));
    writer.write_batch(actions);
    Ok(())
}

fn right_panel(ui: &mut egui::Ui, s: &mut PlotUi, max_side: f32) {
    let sim = &*s.sim;
    ui.add_space(4.0);
    let arrows = sim.slow_motion.is_some_and(|m| m.current().arrows);
    let side = (ui.available_width() - 8.0).min(max_side);
    let before = ui.cursor().min;
    s.screen.plot.show(ui, sim, side, arrows);
    s.screen.plot_rect = Some((Vec2::new(before.x, before.y), Vec2::splat(side)));
    ui.horizontal(|ui| {
        ui.vertical(|ui| {
            let layers = &mut s.screen.plot.layers;
            ui.checkbox(&mut layers.heatmap, "Discriminator's heatmap")
                .on_hover_text("D's output at every point: green = it says real, purple = fake, grey = cannot tell.");
            ui.checkbox(&mut layers.real, "Real samples (450)");
            ui.checkbox(&mut layers.fake, "Fake samples (150)");
            ui.checkbox(&mut layers.manifold, "Generator's manifold")
                .on_hover_text("The regular noise grid carried through G: darker cells are squeezed (many fakes land there). Hover the generator to see the grid morph.");
            ui.checkbox(&mut layers.arrows, "Gradients at the fakes")
                .on_hover_text("Where D would have each fake move to look more real (0.15 x its gradient): the generator's training signal.");
            ui.checkbox(&mut layers.trails, "Trails of the fakes")
                .on_hover_text("Beyond GAN Lab: where each fake point has been in the last few seconds.");
            ui.label(egui::RichText::new("Drag a fake point to see the gradient it would get there.").small().weak());
        });
        ui.vertical(|ui| {
            ui.label(egui::RichText::new("Optimal discriminator").strong())
                .on_hover_text("p_data / (p_data + p_fake) on the grid, from 4,500 real and 3,000 fake points: what a perfect discriminator would say against this generator. White: neither has points there.");
            s.screen.plot.show_optimal(ui, 130.0);
        });
    });
}

fn slow_motion_caption(ctx: &egui::Context, sim: &GanSim, actions: &mut Vec<GanAction>) {
    let Some(slow) = sim.slow_motion else {
        return;
    };
    let step = slow.current();
    let screen = ctx.viewport_rect();
    let center_x = LEFT_WIDTH + (screen.width() - LEFT_WIDTH - RIGHT_WIDTH) / 2.0;
    egui::Area::new("slow motion".into())
        .fixed_pos(egui::pos2(center_x, screen.max.y - 6.0))
        .pivot(egui::Align2::CENTER_BOTTOM)
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            egui::Frame::window(ui.style()).show(ui, |ui| {
                ui.set_width((screen.width() - LEFT_WIDTH - RIGHT_WIDTH - 40.0).max(260.0));
                ui.horizontal(|ui| {
                    ui.label(
                        egui::RichText::new(format!("{} / {}", slow.step + 1, SLOW_STEPS.len()))
                            .size(20.0)
                            .strong(),
                    );
                    ui.label(egui::RichText::new(step.title).size(16.0).strong());
                });
                ui.label(step.caption);
                ui.horizontal(|ui| {
                    ui.add(
                        egui::ProgressBar::new(slow.elapsed / SLOW_STEP_SECONDS)
                            .desired_width(160.0),
                    );
                    if ui.button("Next step ⏵").clicked() {
                        actions.push(GanAction::NextSlowStep);
                    }
                    if ui.button("Leave slow motion").clicked() {
                        actions.push(GanAction::SlowMotion(false));
                    }
                });
            });
        });
}

fn preparing_card(ctx: &egui::Context, sim: &GanSim, actions: &mut Vec<GanAction>) {
    let Some(preparing) = &sim.preparing else {
        return;
    };
    let screen = ctx.viewport_rect();
    let epoch = sim.gan.epoch();
    crate::game::theme::widgets::card(
        ctx,
        Vec2::new(
            LEFT_WIDTH + (screen.width() - LEFT_WIDTH - RIGHT_WIDTH) / 2.0,
            screen.height() / 2.0,
        ),
        "gan preparing",
        300.0,
        |ui| {
            ui.label(egui::RichText::new(&preparing.why).strong());
            ui.label(format!(
                "Epoch {} of {}: GAN Lab opens on a model trained this far; ours is trained here, from seed {}.",
                with_commas(epoch),
                with_commas(preparing.target),
                sim.gan.settings().seed
            ));
            ui.add(egui::ProgressBar::new(
                epoch as f32 / preparing.target.max(1) as f32,
            ));
            if ui.button("Skip: start from here").clicked() {
                actions.push(GanAction::SkipPreparation);
            }
        },
    );
}

/// The level's briefing before playing, and its end: won (stars and lesson) or out of epochs.
fn level_cards(ctx: &egui::Context, s: &mut OverlayUi) {
    let Some(run) = s.level.as_deref() else {
        return;
    };
    let screen = ctx.viewport_rect();
    let center = Vec2::new(
        LEFT_WIDTH + (screen.width() - LEFT_WIDTH - RIGHT_WIDTH) / 2.0,
        screen.height() / 2.0,
    );
    let level = &run.level;
    let text = crate::game::levels::LevelCardText {
        mode: "gan",
        title: &level.title,
        briefing: &level.briefing,
        goal: format!(
            "{}, within {} epochs",
            level.goal.describe(),
            level.epoch_budget
        ),
        stars: crate::game::levels::star_lines(&level.stars, run.stars(), |s| s.describe()),
        lesson: &level.lesson,
        next: s.catalog.next_gan_after(&level.id).map(|l| l.id.clone()),
        best: match run.judge.best {
            Some((js, epoch)) => format!("The best precise JS was {js:.3}, at epoch {epoch}."),
            None => "Nothing was measured.".into(),
        },
    };
    let choice =
        crate::game::levels::show_level_card(ctx, center, run.phase, &text, &mut s.screen.buttons);
    crate::game::levels::follow_card_choice(choice, &mut s.level_commands, &mut s.next_screen);
}
