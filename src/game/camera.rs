//! Two cameras over the whole window: the world camera draws the network views and the title's
//! backdrop (world coordinates are logical pixels with the origin at the window's centre, y up),
//! the egui camera draws the panels on top.

use bevy::camera::CameraOutputMode;
use bevy::camera::visibility::RenderLayers;
use bevy::core_pipeline::tonemapping::Tonemapping;
use bevy::prelude::*;
use bevy::render::render_resource::BlendState;
use bevy::window::PrimaryWindow;
use bevy_egui::{EguiGlobalSettings, PrimaryEguiContext};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<ScreenSpace>()
        .add_systems(Startup, spawn_cameras)
        .add_systems(First, measure_window);
}

/// The camera that draws the world.
#[derive(Component, Debug)]
pub struct WorldCamera;

/// The window's size in logical pixels (1280 x 760 when there is no window, as in tests), and
/// the conversion between window and world coordinates.
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
pub struct ScreenSpace {
    pub size: Vec2,
}

impl Default for ScreenSpace {
    fn default() -> Self {
        Self {
            size: Vec2::new(1280.0, 760.0),
        }
    }
}

impl ScreenSpace {
    /// World (origin at the centre, y up) to window (origin top-left, y down).
    pub fn world_to_window(&self, world: Vec2) -> Vec2 {
        Vec2::new(world.x + self.size.x / 2.0, self.size.y / 2.0 - world.y)
    }

    pub fn window_to_world(&self, window: Vec2) -> Vec2 {
        Vec2::new(window.x - self.size.x / 2.0, self.size.y / 2.0 - window.y)
    }
}

fn measure_window(window: Query<&Window, With<PrimaryWindow>>, mut space: ResMut<ScreenSpace>) {
    if let Ok(window) = window.single() {
        let size = Vec2::new(window.width(), window.height());
        if size.x > 0.0 && size.y > 0.0 && space.size != size {
            space.size = size;
        }
    }
}

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
