//! The title screen: the modes to choose from, over a network learning the spiral.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::Screen;
use crate::data::{DatasetKind, Feature};
use crate::experiment::{Experiment, ExperimentConfig};
use crate::game::save::SavedProgress;
use crate::game::theme::palette;
use crate::nn::GridEvaluator;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Title), spawn_backdrop)
        .add_systems(Update, animate_backdrop.run_if(in_state(Screen::Title)))
        .add_systems(
            EguiPrimaryContextPass,
            title_ui.run_if(in_state(Screen::Title)),
        );
}

/// The living background: a small network training on the spiral.
#[derive(Component)]
struct Backdrop {
    experiment: Experiment,
    evaluator: GridEvaluator,
    image: Handle<Image>,
}

const BACKDROP_GRID: usize = 60;

fn spawn_backdrop(mut commands: Commands, mut images: ResMut<Assets<Image>>) {
    let config = ExperimentConfig {
        dataset: DatasetKind::Spiral,
        features: Feature::ALL.to_vec(),
        hidden_layers: vec![8, 6],
        learning_rate: 0.03,
        seed: 3,
        ..ExperimentConfig::default()
    };
    let Ok(experiment) = Experiment::new(config) else {
        return;
    };
    let image = images.add(palette::blank_heatmap(BACKDROP_GRID));
    commands.spawn((
        Name::new("Title backdrop"),
        Backdrop {
            experiment,
            evaluator: GridEvaluator::new(BACKDROP_GRID),
            image: image.clone(),
        },
        Sprite {
            image,
            custom_size: Some(Vec2::splat(2000.0)),
            color: Color::WHITE.with_alpha(0.55),
            ..default()
        },
        Transform::from_xyz(0.0, 0.0, -10.0),
        DespawnOnExit(Screen::Title),
    ));
}

fn animate_backdrop(
    mut backdrops: Query<(&mut Backdrop, &mut Sprite)>,
    window: Query<&Window>,
    mut images: ResMut<Assets<Image>>,
) {
    let extent = window
        .single()
        .map(|w| w.width().max(w.height()))
        .unwrap_or(1280.0);
    for (mut backdrop, mut sprite) in &mut backdrops {
        let backdrop = &mut *backdrop;
        if backdrop.experiment.epoch() < 1500 {
            backdrop.experiment.step(2);
        } else {
            backdrop.experiment.reset();
        }
        backdrop.evaluator.evaluate(backdrop.experiment.network());
        if let Some(mut image) = images.get_mut(&backdrop.image)
            && let Some(data) = image.data.as_mut()
        {
            palette::paint_heatmap(backdrop.evaluator.grids().output(), false, false, data);
        }
        sprite.custom_size = Some(Vec2::splat(extent));
    }
}

/// A mode of the game on the title screen.
struct ModeCard {
    title: &'static str,
    blurb: &'static str,
    /// The buttons of the mode: label, where it goes, its tooltip; `None` = not available yet.
    entries: Vec<(&'static str, Option<Screen>, &'static str)>,
}

fn modes(levels: bool) -> Vec<ModeCard> {
    vec![
        ModeCard {
            title: "Playground",
            blurb: "Build a network neuron by neuron and watch it learn: TensorFlow Playground as a game.",
            entries: vec![
                (
                    "Sandbox",
                    Some(Screen::Sandbox),
                    "Every control of TensorFlow Playground, and more, with nothing locked.",
                ),
                (
                    "Challenges",
                    levels.then_some(Screen::LevelSelect),
                    "Levels with goals and stars: the perceptron, XOR, the circle, the spiral and more.",
                ),
            ],
        },
        ModeCard {
            title: "GAN",
            blurb: "Two networks compete: one forges points, the other spots fakes (GAN Lab).",
            entries: vec![
                (
                    "Play",
                    Some(Screen::Gan),
                    "GAN Lab, faithfully, and more: slow motion, your own data, a seed, a detector of what goes wrong.",
                ),
                (
                    "Challenges",
                    levels.then_some(Screen::LevelSelect),
                    "GAN levels: why GANs fail, and how to fix them.",
                ),
            ],
        },
        ModeCard {
            title: "CNN",
            blurb: "See how a convolutional network turns an image into a class (CNN Explainer).",
            entries: vec![
                (
                    "Play",
                    Some(Screen::Cnn),
                    "Train a small convolutional network on shapes, digits or your drawings, or open CNN Explainer's Tiny VGG, and walk every map down to one multiply-add.",
                ),
                (
                    "Challenges",
                    levels.then_some(Screen::LevelSelect),
                    "CNN levels: few parameters, kernels that see nothing, a kernel you write yourself.",
                ),
            ],
        },
    ]
}

fn title_ui(
    mut contexts: EguiContexts,
    mut next: ResMut<NextState<Screen>>,
    mut exit: MessageWriter<AppExit>,
    levels_available: Option<Res<crate::game::levels::LevelsAvailable>>,
    saved: Option<ResMut<SavedProgress>>,
    class_link: Option<Res<crate::game::class::ClassLink>>,
    mut status: ResMut<crate::game::status::Status>,
    mut focus: ResMut<crate::game::levels::LevelListFocus>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let levels = levels_available.as_ref().is_some_and(|l| l.0);
    // Where each button is, for scripts and tests that click them like a player.
    let mut buttons = serde_json::Map::new();
    // The card fits a phone's width; there the buttons go under each mode's text.
    let width = (ctx.content_rect().width() - 64.0).min(520.0);
    let narrow = width < 480.0;
    egui::Area::new("title".into())
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            egui::Frame::window(ui.style())
                .inner_margin(egui::Margin::same(26))
                .show(ui, |ui| {
                    ui.set_width(width);
                    ui.vertical_centered(|ui| {
                        ui.label(
                            egui::RichText::new("Neural Sandbox")
                                .size(if narrow { 32.0 } else { 40.0 })
                                .strong(),
                        );
                        ui.label(
                            egui::RichText::new("Build a neural network. Watch it learn.")
                                .size(16.0),
                        );
                    });
                    ui.add_space(16.0);
                    for mode in modes(levels) {
                        mode_card(
                            ui,
                            &mode,
                            (width, narrow),
                            &mut buttons,
                            &mut next,
                            &mut focus,
                        );
                        ui.add_space(6.0);
                    }
                    title_foot(ui, &mut exit, saved, class_link.as_deref());
                });
        });
    status.fields.clear();
    status.set("mode", "title");
    status.set("buttons", serde_json::Value::Object(buttons));
    Ok(())
}

/// One mode: its name and what it is, and its buttons (beside the text, or under it on a phone).
fn mode_card(
    ui: &mut egui::Ui,
    mode: &ModeCard,
    (width, narrow): (f32, bool),
    buttons: &mut serde_json::Map<String, serde_json::Value>,
    next: &mut NextState<Screen>,
    focus: &mut crate::game::levels::LevelListFocus,
) {
    egui::Frame::group(ui.style())
        .inner_margin(egui::Margin::same(10))
        .show(ui, |ui| {
            ui.set_width(width - 24.0);
            let about = |ui: &mut egui::Ui| {
                ui.label(egui::RichText::new(mode.title).size(22.0).strong());
                ui.label(egui::RichText::new(mode.blurb).size(13.0));
            };
            if narrow {
                // A phone: the buttons under the text, left to right.
                about(ui);
                ui.horizontal(|ui| {
                    for entry in &mode.entries {
                        mode_button(ui, mode, entry, buttons, next, focus);
                    }
                });
            } else {
                ui.horizontal(|ui| {
                    ui.vertical(|ui| {
                        ui.set_width(250.0);
                        about(ui);
                    });
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        for entry in mode.entries.iter().rev() {
                            mode_button(ui, mode, entry, buttons, next, focus);
                        }
                    });
                });
            }
        });
}

/// Quit, where the class stands, and a warning about the save.
fn title_foot(
    ui: &mut egui::Ui,
    exit: &mut MessageWriter<AppExit>,
    saved: Option<ResMut<SavedProgress>>,
    class_link: Option<&crate::game::class::ClassLink>,
) {
    ui.vertical_centered(|ui| {
        ui.add_space(6.0);
        if ui
            .add(
                egui::Button::new(egui::RichText::new("Quit").size(16.0))
                    .min_size(egui::vec2(120.0, 36.0)),
            )
            .clicked()
        {
            exit.write(AppExit::Success);
        }
        if let Some(place) = saved.as_ref().and_then(|s| s.progress.class.as_ref()) {
            ui.add_space(8.0);
            let sending = class_link.map_or(0, |l| l.sending_from_memory());
            ui.label(egui::RichText::new(place.status_line(sending)).size(13.0));
        }
        if let Some(mut saved) = saved
            && let Some(warning) = saved.warning.clone()
        {
            ui.add_space(10.0);
            egui::Frame::new()
                .fill(egui::Color32::from_rgb(253, 236, 234))
                .corner_radius(4)
                .inner_margin(egui::Margin::same(8))
                .show(ui, |ui| {
                    ui.label(
                        egui::RichText::new(warning).color(egui::Color32::from_rgb(150, 30, 20)),
                    );
                    if ui.small_button("OK").clicked() {
                        saved.warning = None;
                    }
                });
        }
        ui.add_space(10.0);
        ui.label(
            egui::RichText::new("Behind this menu, a network is learning the spiral.")
                .small()
                .weak(),
        );
    });
}

/// One of a mode's buttons (Sandbox, Play, Challenges), remembered for scripts and tests.
fn mode_button(
    ui: &mut egui::Ui,
    mode: &ModeCard,
    (label, screen, tip): &(&'static str, Option<Screen>, &'static str),
    buttons: &mut serde_json::Map<String, serde_json::Value>,
    next: &mut NextState<Screen>,
    focus: &mut crate::game::levels::LevelListFocus,
) {
    let button =
        egui::Button::new(egui::RichText::new(*label).size(17.0)).min_size(egui::vec2(104.0, 44.0));
    let response = ui
        .add_enabled(screen.is_some(), button)
        .on_hover_text(*tip)
        .on_disabled_hover_text(*tip);
    let c = response.rect.center();
    buttons.insert(
        format!("{} {label}", mode.title),
        serde_json::json!([c.x, c.y]),
    );
    if response.clicked()
        && let Some(screen) = screen
    {
        next.set(*screen);
        if *screen == Screen::LevelSelect {
            focus.0 = Some(match mode.title {
                "GAN" => "GAN",
                "CNN" => "CNN",
                _ => "Playground",
            });
        }
    }
}
