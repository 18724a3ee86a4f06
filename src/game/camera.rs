//! Two cameras: the world camera draws the network into the central region between the panels;
//! the egui camera draws the panels over the whole window.

use bevy::camera::visibility::RenderLayers;
use bevy::camera::{CameraOutputMode, Viewport};
use bevy::core_pipeline::tonemapping::Tonemapping;
use bevy::prelude::*;
use bevy::render::render_resource::BlendState;
use bevy::window::PrimaryWindow;
use bevy_egui::{EguiGlobalSettings, PrimaryEguiContext};

use crate::game::network_view::NetworkViewport;
use crate::game::screens::Screen;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, spawn_cameras)
        .add_systems(PostUpdate, fit_world_camera);
}

/// The camera that draws the network.
#[derive(Component, Debug)]
pub struct WorldCamera;

fn spawn_cameras(mut commands: Commands, egui_settings: Option<ResMut<EguiGlobalSettings>>) {
    if let Some(mut settings) = egui_settings {
        // The egui context goes on its own full-window camera, spawned below.
        settings.auto_create_primary_context = false;
    }
    commands.spawn((
        Name::new("World camera"),
        WorldCamera,
        Camera2d,
        // A 2D game: no multisampling (costly in software rendering) and exact colours.
        Msaa::Off,
        Tonemapping::None,
    ));
    commands.spawn((
        Name::new("UI camera"),
        PrimaryEguiContext,
        Camera2d,
        Msaa::Off,
        Tonemapping::None,
        RenderLayers::none(),
        Camera {
            order: 1,
            output_mode: CameraOutputMode::Write {
                blend_state: Some(BlendState::ALPHA_BLENDING),
                clear_color: ClearColorConfig::None,
            },
            clear_color: ClearColorConfig::Custom(Color::NONE),
            ..default()
        },
    ));
}

/// In the sandbox the world camera covers only the region between the panels, so world
/// coordinates are pixels of that region with the origin at its centre.
fn fit_world_camera(
    screen: Res<State<Screen>>,
    viewport: Res<NetworkViewport>,
    window: Query<&Window, With<PrimaryWindow>>,
    mut camera: Query<&mut Camera, With<WorldCamera>>,
) {
    let Ok(window) = window.single() else { return };
    let Ok(mut camera) = camera.single_mut() else {
        return;
    };
    let wanted = if matches!(screen.get(), Screen::Sandbox | Screen::Level) {
        let scale = window.scale_factor();
        let physical = UVec2::new(window.physical_width(), window.physical_height());
        let position = (viewport.min * scale).round().as_uvec2().min(physical);
        let size = (viewport.size * scale)
            .round()
            .as_uvec2()
            .min(physical - position)
            .max(UVec2::ONE);
        Some(Viewport {
            physical_position: position,
            physical_size: size,
            ..default()
        })
    } else {
        None
    };
    let key = |v: &Option<Viewport>| v.as_ref().map(|v| (v.physical_position, v.physical_size));
    if key(&camera.viewport) != key(&wanted) {
        camera.viewport = wanted;
    }
}
