//! The material of edges: flowing dashes in the weight's colour (see `edge.wgsl`).

use bevy::asset::embedded_asset;
use bevy::prelude::*;
use bevy::render::render_resource::AsBindGroup;
use bevy::shader::ShaderRef;
use bevy::sprite_render::{AlphaMode2d, Material2d, Material2dPlugin};

/// The shader, compiled into the binary so the game runs from any folder and on the web.
const SHADER: &str = "embedded://neural_sandbox/game/network_view/edge.wgsl";

/// Dash and gap lengths, in pixels (the Playground's dashes are about this size).
pub const DASH: f32 = 9.0;
pub const GAP: f32 = 3.0;

pub(super) fn plugin(app: &mut App) {
    embedded_asset!(app, "edge.wgsl");
    if app.is_plugin_added::<bevy::render::RenderPlugin>() {
        app.add_plugins(Material2dPlugin::<EdgeMaterial>::default());
    } else {
        // Headless (tests): the asset type without the render pipeline.
        app.init_asset::<EdgeMaterial>();
    }
}

#[derive(Asset, TypePath, AsBindGroup, Debug, Clone)]
pub struct EdgeMaterial {
    /// x: distance travelled by the dashes, y: dash length, z: gap length.
    #[uniform(0)]
    pub flow: Vec4,
}

impl Default for EdgeMaterial {
    fn default() -> Self {
        Self {
            flow: Vec4::new(0.0, DASH, GAP, 0.0),
        }
    }
}

impl Material2d for EdgeMaterial {
    fn fragment_shader() -> ShaderRef {
        SHADER.into()
    }

    fn alpha_mode(&self) -> AlphaMode2d {
        AlphaMode2d::Blend
    }
}
