//! The material of edges: flowing dashes in the weight's colour (`assets/shaders/edge.wgsl`).

use bevy::asset::load_internal_asset;
use bevy::prelude::*;
use bevy::render::render_resource::AsBindGroup;
use bevy::shader::ShaderRef;
use bevy::sprite_render::{AlphaMode2d, Material2d, Material2dPlugin};

/// The shader, compiled into the binary (from the top-level `assets/` folder) so the game runs
/// from any folder and on the web without fetching it.
const SHADER: Handle<Shader> = bevy::asset::uuid_handle!("6f6e2a8e-3c1b-4d7e-9a55-1e0c2d9b7f41");

/// Dash and gap lengths, in pixels (the Playground's dashes are about this size).
pub const DASH: f32 = 9.0;
pub const GAP: f32 = 3.0;

pub(super) fn plugin(app: &mut App) {
    if app.is_plugin_added::<bevy::render::RenderPlugin>() {
        load_internal_asset!(
            app,
            SHADER,
            "../../../assets/shaders/edge.wgsl",
            Shader::from_wgsl
        );
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
