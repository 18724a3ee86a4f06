//! The title screen: a network learning the spiral behind the menu.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::Screen;
use crate::data::{DatasetKind, Feature};
use crate::experiment::{Experiment, ExperimentConfig};
use crate::game::StartOptions;
use crate::game::network_view::neurons::blank_heatmap;
use crate::game::save::SavedProgress;
use crate::game::theme::palette;
use crate::nn::GridEvaluator;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Title), (skip_to_preset, spawn_backdrop))
        .add_systems(Update, animate_backdrop.run_if(in_state(Screen::Title)))
        .add_systems(
            EguiPrimaryContextPass,
            title_ui.run_if(in_state(Screen::Title)),
        );
}

/// `--preset` opens the sandbox straight away.
fn skip_to_preset(start: Res<StartOptions>, mut next: ResMut<NextState<Screen>>) {
    if start.preset.is_some() {
        next.set(Screen::Sandbox);
    }
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
    let image = images.add(blank_heatmap(BACKDROP_GRID));
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

fn title_ui(
    mut contexts: EguiContexts,
    mut next: ResMut<NextState<Screen>>,
    mut exit: MessageWriter<AppExit>,
    levels_available: Option<Res<crate::game::LevelsAvailable>>,
    saved: Option<ResMut<SavedProgress>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    egui::Area::new("title".into())
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            egui::Frame::window(ui.style())
                .inner_margin(egui::Margin::same(28))
                .show(ui, |ui| {
                    ui.set_width(360.0);
                    ui.vertical_centered(|ui| {
                        ui.label(egui::RichText::new("Neural Sandbox").size(40.0).strong());
                        ui.label(
                            egui::RichText::new("Build a neural network. Watch it learn.")
                                .size(16.0),
                        );
                        ui.add_space(22.0);
                        let big = |text: &str| {
                            egui::Button::new(egui::RichText::new(text).size(20.0))
                                .min_size(egui::vec2(240.0, 44.0))
                        };
                        let levels = levels_available.as_ref().is_some_and(|l| l.0);
                        let challenges = ui
                            .add_enabled(levels, big("Challenges"))
                            .on_hover_text("Levels with goals and stars: the perceptron, XOR, the circle, the spiral and more.")
                            .on_disabled_hover_text("The challenge levels are not available in this build yet.");
                        if challenges.clicked() {
                            next.set(Screen::LevelSelect);
                        }
                        ui.add_space(8.0);
                        if ui
                            .add(big("Sandbox"))
                            .on_hover_text("Every control of TensorFlow Playground, and more, with nothing locked.")
                            .clicked()
                        {
                            next.set(Screen::Sandbox);
                        }
                        ui.add_space(8.0);
                        if ui.add(big("Quit")).clicked() {
                            exit.write(AppExit::Success);
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
                                    ui.label(egui::RichText::new(warning).color(egui::Color32::from_rgb(150, 30, 20)));
                                    if ui.small_button("OK").clicked() {
                                        saved.warning = None;
                                    }
                                });
                        }
                        ui.add_space(14.0);
                        ui.label(
                            egui::RichText::new("Behind this menu, a network is learning the spiral.")
                                .small()
                                .weak(),
                        );
                    });
                });
        });
    Ok(())
}
