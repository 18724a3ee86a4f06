//! On the workbench during a level: the goal and budget always in view with live progress, the
//! briefing card, hints one by one, the answer on request, and the win and fail cards.

use bevy::prelude::*;
use bevy_egui::egui;

use crate::game::theme::widgets;

use super::OverNetworkUi;
use crate::experiment::EpochStats;
use crate::game::levels::LevelCommand;
use crate::game::levels::select_ui::stars_text;
use crate::game::modes::playground::level_run::{LevelRun, Phase};
use crate::game::screens::Screen;
use crate::level::Level;

/// Everything a level shows over the workbench.
pub fn show(ctx: &egui::Context, s: &mut OverNetworkUi) {
    let Some(run) = s.bench.level.as_ref().map(|r| (**r).clone()) else {
        return;
    };
    goal_bar(ctx, s, &run);
    match &run.phase {
        Phase::Briefing => briefing(ctx, s, &run),
        Phase::Won(outcome) => won(ctx, s, &run, outcome),
        Phase::Failed => failed(ctx, s, &run),
        Phase::Playing => {}
    }
    hints(ctx, s, &run);
}

fn card(
    ctx: &egui::Context,
    s: &OverNetworkUi,
    id: &str,
    width: f32,
    add: impl FnOnce(&mut egui::Ui),
) {
    crate::game::theme::widgets::card(ctx, s.bench.view_rect().center(), id, width, add);
}

/// The goal, the budget and how far along the player is, at the top of the network view.
fn goal_bar(ctx: &egui::Context, s: &mut OverNetworkUi, run: &LevelRun) {
    let level = &run.level;
    let stats = s.bench.sim.experiment.latest();
    let epoch = s.bench.sim.experiment.epoch();
    let rect = s.bench.view_rect();
    let at = rect.min + Vec2::new(rect.size.x / 2.0, 6.0);
    let mut command = None;
    egui::Area::new("goal bar".into())
        .fixed_pos(egui::pos2(at.x, at.y))
        .pivot(egui::Align2::CENTER_TOP)
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            egui::Frame::new()
                .fill(egui::Color32::from_rgb(255, 250, 235))
                .stroke(egui::Stroke::new(
                    1.0,
                    egui::Color32::from_rgb(220, 190, 120),
                ))
                .corner_radius(6)
                .inner_margin(egui::Margin::symmetric(12, 6))
                .show(ui, |ui| {
                    ui.set_width((rect.size.x - 40.0).min(600.0));
                    // On a phone the buttons go under the heading, left to right.
                    let narrow = rect.size.x < 640.0;
                    let mut buttons = |ui: &mut egui::Ui| {
                        if let Some(chosen) = goal_buttons(ui, &mut s.next_screen, run) {
                            command = Some(chosen);
                        }
                    };
                    if narrow {
                        ui.label(egui::RichText::new(heading(level)).strong());
                        ui.horizontal_wrapped(|ui| buttons(ui));
                    } else {
                        ui.horizontal(|ui| {
                            ui.label(egui::RichText::new(heading(level)).strong());
                            ui.with_layout(
                                egui::Layout::right_to_left(egui::Align::Center),
                                |ui| buttons(ui),
                            );
                        });
                    }
                    goal_progress(ui, level, &stats, epoch);
                });
        });
    reread_briefing(ctx, s, run);
    if let Some(chosen) = confirm_answer(ctx, s) {
        command = Some(chosen);
    }
    if let Some(c) = command {
        s.level_commands.write(c);
    }
}

/// The goal bar's buttons: back to the levels, retry, the answer (confirmed first), a hint, the
/// briefing again. Returns the level command chosen.
fn goal_buttons(
    ui: &mut egui::Ui,
    next_screen: &mut NextState<Screen>,
    run: &LevelRun,
) -> Option<LevelCommand> {
    let level = &run.level;
    let mut command = None;
    if widgets::small_button(ui, "Levels")
        .on_hover_text("Back to the level list. Key: Esc")
        .clicked()
    {
        next_screen.set(Screen::LevelSelect);
    }
    if widgets::small_button(ui, "Retry")
        .on_hover_text("Start this level again from the beginning.")
        .clicked()
    {
        command = Some(LevelCommand::Retry);
    }
    let answer = ui
        .add_enabled(
            !run.answer_shown,
            widgets::compact(egui::Button::new("Answer"), ui),
        )
        .on_hover_text("Apply the reference solution (then only the first star counts).");
    if answer.clicked() {
        ui.ctx()
            .data_mut(|d| d.insert_temp(egui::Id::new("confirm answer"), true));
    }
    let left = level.hints.len() - run.hints_shown;
    if ui
        .add_enabled(
            left > 0,
            widgets::compact(egui::Button::new(format!("Hint ({left})")), ui),
        )
        .on_hover_text("Reveal the next hint.")
        .clicked()
    {
        command = Some(LevelCommand::Hint);
    }
    if widgets::small_button(ui, "Briefing").clicked() {
        ui.ctx()
            .data_mut(|d| d.insert_temp(egui::Id::new("reread briefing"), true));
    }
    command
}

/// The goal, where the test set is now, the epochs used; two bars for both.
fn goal_progress(ui: &mut egui::Ui, level: &Level, stats: &EpochStats, epoch: u64) {
    ui.horizontal_wrapped(|ui| {
        ui.label(format!(
            "Goal: {} within {} epochs",
            level.goal.describe(),
            level.epoch_budget
        ));
        ui.label(egui::RichText::new(format!("now {}", level.goal.current(stats))).strong());
        ui.label(
            egui::RichText::new(format!("epoch {epoch} / {}", level.epoch_budget)).monospace(),
        );
    });
    let progress = level.goal.progress(stats) as f32;
    ui.add(
        egui::ProgressBar::new(progress)
            .desired_height(8.0)
            .fill(egui::Color32::from_rgb(60, 160, 90)),
    )
    .on_hover_text("How close the test set is to the goal.");
    let budget_used = (epoch as f32 / level.epoch_budget as f32).clamp(0.0, 1.0);
    ui.add(
        egui::ProgressBar::new(budget_used)
            .desired_height(4.0)
            .fill(egui::Color32::from_rgb(200, 140, 60)),
    )
    .on_hover_text("Epochs used of the budget.");
}

/// The briefing, read again when asked from the goal bar.
fn reread_briefing(ctx: &egui::Context, s: &mut OverNetworkUi, run: &LevelRun) {
    if ctx
        .data(|d| d.get_temp::<bool>(egui::Id::new("reread briefing")))
        .unwrap_or(false)
    {
        let mut open = true;
        card(ctx, s, "briefing again", 460.0, |ui| {
            briefing_body(ui, run);
            if ui.button("Close").clicked() {
                open = false;
            }
        });
        if !open {
            ctx.data_mut(|d| d.remove::<bool>(egui::Id::new("reread briefing")));
        }
    }
}

/// "Show the answer?" after the goal bar's Answer: the answer's command if confirmed.
fn confirm_answer(ctx: &egui::Context, s: &mut OverNetworkUi) -> Option<LevelCommand> {
    let mut command = None;
    if ctx
        .data(|d| d.get_temp::<bool>(egui::Id::new("confirm answer")))
        .unwrap_or(false)
    {
        let mut decided = None;
        card(ctx, s, "confirm answer", 380.0, |ui| {
            ui.label(egui::RichText::new("Show the answer?").strong().size(18.0));
            ui.label("The reference solution is applied and training restarts. You can still reach the goal, but only its first star will count.");
            ui.horizontal(|ui| {
                if ui.button("Show the answer").clicked() {
                    decided = Some(true);
                }
                if ui.button("Keep trying").clicked() {
                    decided = Some(false);
                }
            });
        });
        if let Some(show) = decided {
            ctx.data_mut(|d| d.remove::<bool>(egui::Id::new("confirm answer")));
            if show {
                command = Some(LevelCommand::ShowAnswer);
            }
        }
    }
    command
}

fn briefing_body(ui: &mut egui::Ui, run: &LevelRun) {
    let level = &run.level;
    ui.label(egui::RichText::new(heading(level)).size(22.0).strong());
    ui.add_space(6.0);
    for paragraph in &level.briefing {
        ui.label(paragraph);
        ui.add_space(4.0);
    }
    ui.separator();
    ui.label(
        egui::RichText::new(format!(
            "Goal: {} within {} epochs.",
            level.goal.describe(),
            level.epoch_budget
        ))
        .strong(),
    );
    for star in &level.stars {
        ui.label(format!("☆ {}", star.describe()));
    }
    let changeable: Vec<&str> = level.palette.settings.iter().map(|s| s.name()).collect();
    ui.label(
        egui::RichText::new(format!(
            "You can change: {}. Everything else is locked.",
            changeable.join(", ").replace('_', " ")
        ))
        .weak(),
    );
}

fn briefing(ctx: &egui::Context, s: &mut OverNetworkUi, run: &LevelRun) {
    let mut start = false;
    let mut start_rect = None;
    let center = s.bench.view_rect().center();
    crate::game::theme::widgets::card(ctx, center, "briefing", 480.0, |ui| {
        briefing_body(ui, run);
        ui.add_space(8.0);
        let button = ui.add(
            egui::Button::new(egui::RichText::new("Start").size(18.0))
                .min_size(egui::vec2(140.0, 34.0)),
        );
        start_rect = Some(button.rect);
        start = button.clicked();
    });
    if let Some(rect) = start_rect {
        crate::game::status::remember_button(&mut s.buttons.0, "Start", rect);
    }
    if start {
        s.level_commands.write(LevelCommand::BeginPlaying);
    }
}

fn won(
    ctx: &egui::Context,
    s: &mut OverNetworkUi,
    run: &LevelRun,
    outcome: &crate::level::Outcome,
) {
    let level = &run.level;
    let next = s.catalog.next_after(&level.id).map(|l| l.id.clone());
    let mut command = None;
    let mut to_levels = false;
    card(ctx, s, "won", 440.0, |ui| {
        ui.label(
            egui::RichText::new("Solved!")
                .size(28.0)
                .strong()
                .color(egui::Color32::from_rgb(30, 130, 60)),
        );
        if let Some(epoch) = outcome.solved_at {
            ui.label(format!("{} at epoch {epoch}.", level.goal.describe()));
        }
        ui.label(
            egui::RichText::new(stars_text(&outcome.stars, level.stars.len()))
                .size(34.0)
                .color(egui::Color32::from_rgb(230, 160, 20)),
        );
        for (star, earned) in level.stars.iter().zip(&outcome.stars) {
            ui.label(format!(
                "{} {}",
                if *earned { "★" } else { "☆" },
                star.describe()
            ));
        }
        if run.answer_shown {
            ui.label(
                egui::RichText::new("(with the answer shown, only the first star counts)").weak(),
            );
        }
        ui.add_space(6.0);
        ui.label(egui::RichText::new(&level.lesson).italics());
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Retry").clicked() {
                command = Some(LevelCommand::Retry);
            }
            if let Some(id) = &next
                && ui
                    .button(egui::RichText::new("Next level").strong())
                    .clicked()
            {
                command = Some(LevelCommand::Start(id.clone()));
            }
            if ui.button("Levels").clicked() {
                to_levels = true;
            }
        });
    });
    if let Some(c) = command {
        s.level_commands.write(c);
    }
    if to_levels {
        s.next_screen.set(Screen::LevelSelect);
    }
}

fn failed(ctx: &egui::Context, s: &mut OverNetworkUi, run: &LevelRun) {
    let level = &run.level;
    let mut command = None;
    card(ctx, s, "failed", 420.0, |ui| {
        ui.label(
            egui::RichText::new("Out of epochs")
                .size(24.0)
                .strong()
                .color(egui::Color32::from_rgb(170, 60, 30)),
        );
        ui.label(format!(
            "The goal ({}) was not reached within {} epochs.",
            level.goal.describe(),
            level.epoch_budget
        ));
        let left = level.hints.len() - run.hints_shown;
        if left > 0 {
            ui.label("A hint may help.");
        }
        ui.horizontal(|ui| {
            if left > 0 && ui.button("Show a hint").clicked() {
                command = Some(LevelCommand::Hint);
            }
            if ui.button(egui::RichText::new("Retry").strong()).clicked() {
                command = Some(LevelCommand::Retry);
            }
        });
    });
    if let Some(c) = command {
        s.level_commands.write(c);
    }
}

/// The hints revealed so far, under the goal bar.
fn hints(ctx: &egui::Context, s: &OverNetworkUi, run: &LevelRun) {
    if run.hints_shown == 0 {
        return;
    }
    let at = s.bench.view_rect().min + Vec2::new(12.0, 96.0);
    egui::Area::new("hints".into())
        .fixed_pos(egui::pos2(at.x, at.y))
        .order(egui::Order::Foreground)
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::new()
                .fill(egui::Color32::from_rgb(238, 245, 255))
                .corner_radius(4)
                .inner_margin(egui::Margin::symmetric(10, 6))
                .show(ui, |ui| {
                    ui.set_max_width(300.0);
                    for (k, hint) in run.level.hints.iter().take(run.hints_shown).enumerate() {
                        ui.label(format!("Hint {}: {hint}", k + 1));
                    }
                });
        });
}

/// "Level 3: The circle", or "Lesson: ..." for a teacher's lesson.
fn heading(level: &crate::level::Level) -> String {
    if level.id.starts_with(crate::level::lesson::ID_PREFIX) {
        format!("Lesson: {}", level.title)
    } else {
        format!("Level {}: {}", level.order, level.title)
    }
}
