//! The cards of a level, the same in every mode that uses them (the GAN's and the CNN's): the
//! briefing before it starts, the stars when it is won, and what happened when the epochs ran out.
//! A mode says what its level and run say; the card says what the player chose.

use bevy::prelude::*;
use bevy_egui::egui;

use super::LevelCommand;
use crate::game::status::remember_button;
use crate::game::theme::widgets;

/// Where a level run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelPhase {
    /// The briefing card is open; nothing trains yet.
    Briefing,
    Playing,
    Won,
    /// The budget ran out without the goal.
    OutOfEpochs,
}

/// What a card shows, filled by the mode from its level and its run.
pub struct LevelCardText<'a> {
    /// The mode's name for the cards' ids ("gan", "cnn").
    pub mode: &'a str,
    pub title: &'a str,
    pub briefing: &'a [String],
    /// The goal in words, with its budget ("JS under 0.1, within 800 epochs").
    pub goal: String,
    /// The stars earned so far and what each asks.
    pub stars: Vec<(bool, String)>,
    pub lesson: &'a str,
    /// The level after this one, if any.
    pub next: Option<String>,
    /// What the best attempt reached, for the card when the epochs ran out.
    pub best: String,
}

/// What the player chose on a card.
#[derive(Debug, Clone, PartialEq)]
pub enum CardChoice {
    Command(LevelCommand),
    /// Back to the level list.
    Levels,
}

/// Each of a level's stars with whether it was earned, in words: `describe` says what a star asks.
pub fn star_lines<S>(
    stars: &[S],
    earned: impl IntoIterator<Item = bool>,
    describe: impl Fn(&S) -> String,
) -> Vec<(bool, String)> {
    stars
        .iter()
        .zip(earned)
        .map(|(star, earned)| (earned, describe(star)))
        .collect()
}

/// Does what the player chose on a card: a level command, or back to the level list.
pub fn follow_card_choice(
    choice: Option<CardChoice>,
    commands: &mut MessageWriter<LevelCommand>,
    screen: &mut NextState<crate::game::screens::Screen>,
) {
    match choice {
        Some(CardChoice::Command(command)) => {
            commands.write(command);
        }
        Some(CardChoice::Levels) => screen.set(crate::game::screens::Screen::LevelSelect),
        None => {}
    }
}

/// Shows the card of `phase` (none while playing) centred at `center`; buttons are remembered
/// under the names the tests click ("Begin", "Next level", "Retry card").
pub fn show_level_card(
    ctx: &egui::Context,
    center: Vec2,
    phase: LevelPhase,
    text: &LevelCardText,
    buttons: &mut serde_json::Map<String, serde_json::Value>,
) -> Option<CardChoice> {
    let mut choice = None;
    let id = |what: &str| format!("{} {what}", text.mode);
    match phase {
        LevelPhase::Briefing => widgets::card(ctx, center, &id("briefing"), 440.0, |ui| {
            ui.label(egui::RichText::new(text.title).size(24.0).strong());
            for paragraph in text.briefing {
                ui.label(paragraph);
                ui.add_space(4.0);
            }
            ui.label(egui::RichText::new(format!("Goal: {}.", text.goal)).strong());
            let r = ui.button(egui::RichText::new("Play the level").size(17.0));
            remember_button(buttons, "Begin", r.rect);
            if r.clicked() {
                choice = Some(CardChoice::Command(LevelCommand::BeginPlaying));
            }
        }),
        LevelPhase::Won => widgets::card(ctx, center, &id("won"), 400.0, |ui| {
            ui.label(egui::RichText::new("Solved!").size(26.0).strong());
            let earned: Vec<bool> = text.stars.iter().map(|(earned, _)| *earned).collect();
            ui.label(
                egui::RichText::new(super::select_ui::stars_text(&earned, earned.len()))
                    .size(30.0)
                    .color(egui::Color32::from_rgb(230, 160, 20)),
            );
            for (earned, star) in &text.stars {
                ui.label(format!("{} {star}", if *earned { "★" } else { "☆" }));
            }
            ui.add_space(6.0);
            ui.label(egui::RichText::new(text.lesson).italics());
            ui.horizontal(|ui| {
                if let Some(id) = &text.next {
                    let r = ui.button("Next level");
                    remember_button(buttons, "Next level", r.rect);
                    if r.clicked() {
                        choice = Some(CardChoice::Command(LevelCommand::Start(id.clone())));
                    }
                }
                if ui.button("Retry").clicked() {
                    choice = Some(CardChoice::Command(LevelCommand::Retry));
                }
                if ui.button("Levels").clicked() {
                    choice = Some(CardChoice::Levels);
                }
            });
        }),
        LevelPhase::OutOfEpochs => widgets::card(ctx, center, &id("lost"), 380.0, |ui| {
            ui.label(egui::RichText::new("Out of epochs").size(24.0).strong());
            ui.label(&text.best);
            ui.label(format!("Goal: {}.", text.goal));
            ui.horizontal(|ui| {
                let r = ui.button("Retry");
                remember_button(buttons, "Retry card", r.rect);
                if r.clicked() {
                    choice = Some(CardChoice::Command(LevelCommand::Retry));
                }
                if ui.button("Hint").clicked() {
                    choice = Some(CardChoice::Command(LevelCommand::Hint));
                }
                if ui.button("Show the answer").clicked() {
                    choice = Some(CardChoice::Command(LevelCommand::ShowAnswer));
                }
            });
        }),
        LevelPhase::Playing => {}
    }
    choice
}
