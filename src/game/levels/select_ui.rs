//! The level select: every level with its stars and lock, and broken level files with their
//! errors.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{LevelCatalog, LevelCommand, LevelListFocus};
use crate::game::save::SavedProgress;
use crate::game::screens::Screen;
use crate::level::AnyLevel;
use crate::progress::LevelRecord;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        level_select_ui.run_if(in_state(Screen::LevelSelect)),
    )
    .add_systems(
        Update,
        back_to_title_on_escape.run_if(in_state(Screen::LevelSelect)),
    );
}

/// Esc leaves the level list for the title, as everywhere else.
fn back_to_title_on_escape(keys: Res<ButtonInput<KeyCode>>, mut next: ResMut<NextState<Screen>>) {
    if keys.just_pressed(KeyCode::Escape) {
        next.set(Screen::Title);
    }
}

/// One level in the list.
struct Card<'a> {
    level: &'a AnyLevel,
    /// Its place in its mode's list, from 1.
    number: usize,
    record: Option<&'a LevelRecord>,
    unlocked: bool,
    /// The level to solve first.
    previous: Option<&'a AnyLevel>,
    width: f32,
    /// A phone: stars and Play go under the level's text.
    narrow: bool,
}

/// A level's number, title and goal, then its stars and Play.
fn level_card(
    ui: &mut egui::Ui,
    card: &Card,
    buttons: &mut serde_json::Map<String, serde_json::Value>,
    commands: &mut MessageWriter<LevelCommand>,
) {
    let solved = card.record.is_some_and(|r| r.solved);
    egui::Frame::group(ui.style())
        .fill(if solved {
            egui::Color32::from_rgb(236, 246, 238)
        } else {
            egui::Color32::WHITE
        })
        .show(ui, |ui| {
            ui.set_width(card.width - 30.0);
            ui.horizontal(|ui| {
                ui.label(
                    egui::RichText::new(format!("{}", card.number))
                        .size(24.0)
                        .strong(),
                );
                ui.vertical(|ui| {
                    ui.label(egui::RichText::new(card.level.title()).size(18.0).strong());
                    ui.label(egui::RichText::new(card.level.goal_text()).weak());
                });
                if !card.narrow {
                    play_row(ui, card, buttons, commands);
                }
            });
            if card.narrow {
                ui.horizontal(|ui| play_row(ui, card, buttons, commands));
            }
        });
}

/// Play (or why it is locked), the stars earned and the best epoch.
fn play_row(
    ui: &mut egui::Ui,
    card: &Card,
    buttons: &mut serde_json::Map<String, serde_json::Value>,
    commands: &mut MessageWriter<LevelCommand>,
) {
    let (level, record) = (card.level, card.record);
    let solved = record.is_some_and(|r| r.solved);
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        let play = ui
            .add_enabled(
                card.unlocked,
                egui::Button::new(if solved { "Play again" } else { "Play" }),
            )
            .on_disabled_hover_text(format!(
                "Locked: solve \"{}\" first.",
                card.previous.map_or("the level before", |l| l.title())
            ));
        let c = play.rect.center();
        buttons.insert(
            format!("Play {}", level.id()),
            serde_json::json!([c.x, c.y]),
        );
        if play.clicked() {
            commands.write(LevelCommand::Start(level.id().to_string()));
        }
        let tips = level.star_texts();
        let stars = stars_text(
            record.map(|r| r.stars.as_slice()).unwrap_or(&[]),
            tips.len(),
        );
        ui.label(
            egui::RichText::new(stars)
                .size(22.0)
                .color(egui::Color32::from_rgb(230, 160, 20)),
        )
        .on_hover_text(tips.join("\n"));
        if let Some(best) = record.and_then(|r| r.best_epoch) {
            ui.label(egui::RichText::new(format!("best: epoch {best}")).weak());
        }
        if !card.unlocked {
            ui.label(egui::RichText::new("locked").weak())
                .on_hover_text("Solve the level before it to open this one.");
        }
    });
}

/// Level files that could not be read, with their errors.
fn broken_files(ui: &mut egui::Ui, catalog: &LevelCatalog) {
    let broken: Vec<_> = catalog
        .entries
        .iter()
        .filter(|e| e.level.is_err())
        .collect();
    if broken.is_empty() && catalog.problems.is_empty() {
        return;
    }
    let red = egui::Color32::from_rgb(160, 30, 20);
    ui.add_space(10.0);
    ui.label(
        egui::RichText::new("Level files with problems")
            .strong()
            .color(red),
    );
    for problem in &catalog.problems {
        ui.label(egui::RichText::new(problem).color(red).monospace());
    }
    for entry in broken {
        if let Err(errors) = &entry.level {
            for e in errors {
                ui.label(egui::RichText::new(e.to_string()).color(red).monospace());
            }
        }
    }
    ui.label(egui::RichText::new("Fix them and check with: neural-sandbox levels check").weak());
}

/// Filled and empty stars.
pub fn stars_text(earned: &[bool], total: usize) -> String {
    (0..total)
        .map(|k| {
            if earned.get(k).copied().unwrap_or(false) {
                '★'
            } else {
                '☆'
            }
        })
        .collect()
}

fn level_select_ui(
    mut contexts: EguiContexts,
    catalog: Res<LevelCatalog>,
    saved: Res<SavedProgress>,
    mut commands: MessageWriter<LevelCommand>,
    mut next: ResMut<NextState<Screen>>,
    mut status: ResMut<crate::game::status::Status>,
    mut focus: ResMut<LevelListFocus>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    // Where each Play button is, for scripts and tests that click them like a player.
    let mut buttons = serde_json::Map::new();
    let levels = catalog.all();
    // As wide as the screen allows (a phone: stars and Play under each level's text), the list
    // as tall as the screen.
    let screen = ctx.content_rect();
    let width = (screen.width() - 48.0).min(720.0);
    let narrow = width < 560.0;
    let list_height = (screen.height() - 190.0).clamp(200.0, 580.0);
    egui::Area::new("level select".into())
        .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 24.0))
        .show(ctx, |ui| {
            egui::Frame::window(ui.style())
                .inner_margin(egui::Margin::same(20))
                .show(ui, |ui| {
                    ui.set_width(width);
                    ui.horizontal(|ui| {
                        ui.label(egui::RichText::new("Challenges").size(30.0).strong());
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            if ui.button("Back").on_hover_text("Back to the title. Key: Esc").clicked() {
                                next.set(Screen::Title);
                            }
                        });
                    });
                    let earned: usize = levels
                        .iter()
                        .map(|l| saved.progress.levels.get(l.id()).map_or(0, |r| r.star_count()))
                        .sum();
                    let possible: usize = levels.iter().map(|l| l.star_texts().len()).sum();
                    ui.label(format!(
                        "Each level teaches one idea. Solve one to open the next of its mode. Stars: {earned} of {possible}."
                    ));
                    ui.add_space(8.0);
                    egui::ScrollArea::vertical()
                        .max_height(list_height)
                        .min_scrolled_height(list_height)
                        .show(ui, |ui| {
                        for mode in ["Playground", "GAN", "CNN"] {
                            let ids = catalog.ids_of_mode(mode);
                            let of_mode: Vec<_> = levels.iter().filter(|l| l.mode() == mode).collect();
                            if of_mode.is_empty() {
                                continue;
                            }
                            ui.add_space(6.0);
                            let header = ui.label(egui::RichText::new(match mode {
                                "GAN" => "GAN: two networks compete",
                                "CNN" => "CNN: a network looks at pictures",
                                _ => "Playground: one network learns",
                            }).size(17.0).strong().color(egui::Color32::from_gray(90)));
                            if focus.0 == Some(mode) {
                                header.scroll_to_me(Some(egui::Align::TOP));
                                focus.0 = None;
                            }
                            for (index, level) in of_mode.iter().enumerate() {
                                let card = Card {
                                    level,
                                    number: index + 1,
                                    record: saved.progress.levels.get(level.id()),
                                    unlocked: saved.progress.is_unlocked(&ids, index),
                                    previous: index.checked_sub(1).map(|i| &**of_mode[i]),
                                    width,
                                    narrow,
                                };
                                level_card(ui, &card, &mut buttons, &mut commands);
                            }
                        }
                        broken_files(ui, &catalog);
                    });
                });
        });
    status.fields.clear();
    status.set("screen", "LevelSelect");
    status.set("buttons", serde_json::Value::Object(buttons));
    Ok(())
}
