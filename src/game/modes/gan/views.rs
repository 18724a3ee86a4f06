//! The generator and the discriminator on screen, neuron by neuron, with the shared network view
//! (not editable: GAN Lab's networks are set by numbers). Each neuron's heatmap shows it over its
//! inputs in the unit square: the noise (z1, z2) for the generator, a point (x, y) for the
//! discriminator, whose output is painted on the realness scale (purple fake, green real).

use bevy::prelude::*;

use super::GanStage;
use super::sim::{GanSet, GanSim, Turn};
use crate::game::network_view::{
    NetworkView, PrimaryView, ViewOptions, ViewRect, layout, view_root,
};
use crate::nn::Network;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<GanViews>()
        .add_systems(OnExit(GanStage), forget_views)
        .add_systems(
            Update,
            mirror_networks
                .in_set(GanSet::Mirror)
                .run_if(in_state(GanStage).and_then(resource_exists::<GanSim>)),
        );
}

/// A network with more than this many neurons in a layer, or edges in all, is summarised in
/// words instead of drawn (GAN Lab allows 100 neurons a layer: 10,000 edges per layer would be
/// neither readable nor cheap).
pub const DRAWABLE_LAYER: usize = 24;
pub const DRAWABLE_EDGES: usize = 1_500;

/// The two view roots, while they exist, and where the model graph wants them.
#[derive(Resource, Debug, Default)]
pub struct GanViews {
    pub generator: Option<Entity>,
    pub discriminator: Option<Entity>,
    /// Set by the model graph every frame (window pixels).
    pub generator_rect: Option<ViewRect>,
    pub discriminator_rect: Option<ViewRect>,
}

/// Whether a network is small enough to draw neuron by neuron.
pub fn drawable(network: &Network) -> bool {
    let widest = network
        .layers
        .iter()
        .map(|l| l.neurons())
        .max()
        .unwrap_or(0);
    let edges: usize = network.layers.iter().map(|l| l.weights.len()).sum();
    widest <= DRAWABLE_LAYER && edges <= DRAWABLE_EDGES
}

fn forget_views(mut views: ResMut<GanViews>, mut commands: Commands) {
    for root in [views.generator.take(), views.discriminator.take()]
        .into_iter()
        .flatten()
    {
        if let Ok(mut entity) = commands.get_entity(root) {
            entity.despawn();
        }
    }
}

/// The largest neuron scale (at most GAN Lab's look, 0.62) at which every neuron of the widest
/// layer fits the view's height.
fn fitting_scale(network: &Network, rect: &ViewRect) -> f32 {
    let rows = network
        .layers
        .iter()
        .map(|l| l.neurons())
        .chain([network.features.len()])
        .max()
        .unwrap_or(1);
    let mut scale = 0.62;
    while scale > layout::MIN_SCALE && layout::height_needed(rows, scale) > rect.size.y {
        scale -= 0.02;
    }
    scale.max(layout::MIN_SCALE)
}

fn options(generator: bool, noise_dims: usize) -> ViewOptions {
    const NOISE_2D: &[&str] = &["z1", "z2"];
    const NOISE_1D: &[&str] = &["z"];
    const POINT: &[&str] = &["x", "y"];
    ViewOptions {
        editable: false,
        heatmaps: true,
        // A multiple of the neurons' thumbnails (25 pixels).
        output_grid: 50,
        scale: 0.62,
        domain: (0.0, 1.0),
        input_labels: Some(if !generator {
            POINT
        } else if noise_dims == 1 {
            NOISE_1D
        } else {
            NOISE_2D
        }),
        realness_output: !generator,
    }
}

/// Spawns, updates and removes the two views as the run changes.
fn mirror_networks(
    mut commands: Commands,
    sim: Res<GanSim>,
    mut views: ResMut<GanViews>,
    mut shown: Query<(&mut NetworkView, &mut ViewRect)>,
) {
    let turn = sim.slow_motion.map(|s| s.current().turn);
    let diverged = sim.diverged_at.is_some();
    let rate = if sim.playing {
        sim.measured_rate as f32
    } else {
        0.0
    };
    let noise_dims = sim.gan.settings().noise_dims;
    let views = &mut *views;
    for (generator, network, slot, rect) in [
        (
            true,
            &sim.gan.generator,
            &mut views.generator,
            views.generator_rect,
        ),
        (
            false,
            &sim.gan.discriminator,
            &mut views.discriminator,
            views.discriminator_rect,
        ),
    ] {
        let rect = rect.unwrap_or(ViewRect::new(
            Vec2::new(if generator { 80.0 } else { 380.0 }, 120.0),
            Vec2::new(260.0, 260.0),
        ));
        let wanted = drawable(network);
        match (*slot, wanted) {
            (None, true) => {
                let mut view = NetworkView::new(network.clone(), options(generator, noise_dims));
                view.options.scale = fitting_scale(network, &rect);
                view.shape_version = sim.generation;
                view.weights_version = sim.version;
                let mut root = commands.spawn((view_root(view, rect), DespawnOnExit(GanStage)));
                root.insert(Name::new(if generator {
                    "Generator view"
                } else {
                    "Discriminator view"
                }));
                if !generator {
                    root.insert(PrimaryView);
                }
                *slot = Some(root.id());
                continue;
            }
            (Some(root), false) => {
                commands.entity(root).despawn();
                *slot = None;
                continue;
            }
            (None, false) => continue,
            (Some(_), true) => {}
        }
        let Some(root) = *slot else { continue };
        let Ok((mut view, mut current_rect)) = shown.get_mut(root) else {
            continue;
        };
        if *current_rect != rect {
            *current_rect = rect;
        }
        if view.shape_version != sim.generation {
            view.options = options(generator, noise_dims);
            view.network = network.clone();
            view.shape_version = sim.generation;
            view.weights_version = sim.version;
        } else if view.weights_version != sim.version {
            view.network = network.clone();
            view.weights_version = sim.version;
        }
        let dimmed = match turn {
            Some(Turn::Discriminator) => generator,
            Some(Turn::Generator) => !generator,
            None => false,
        };
        let scale = fitting_scale(network, &rect);
        if view.options.scale != scale {
            view.options.scale = scale;
        }
        if view.dimmed != dimmed {
            view.dimmed = dimmed;
        }
        if view.diverged != diverged {
            view.diverged = diverged;
        }
        if view.training_rate != rate {
            view.training_rate = rate;
        }
    }
}
