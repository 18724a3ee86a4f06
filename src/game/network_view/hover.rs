//! What is under the pointer: a neuron or chip (Bevy picking on sprites) or an edge (distance to
//! its curve, since ribbons can be one pixel wide). The UI explains whatever it is.

use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use super::edges::{distance_to_curve, edge_ends};
use super::heatmaps::HoveredNode;
use super::neurons::NeuronFrame;
use super::{Edge, EdgeSource, EdgeTarget, FeatureChip, NetworkViewport, Neuron};
use crate::data::Feature;
use crate::game::screens::Workbench;
use crate::game::sim::SimSet;
use crate::game::theme::palette;

/// How close the pointer must be to an edge's curve to hover it, in pixels.
pub const EDGE_HOVER_DISTANCE: f32 = 6.0;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<HoveredEdge>()
        .init_resource::<HoveredChip>()
        .init_resource::<PointerInView>()
        .add_observer(on_over)
        .add_observer(on_out)
        .add_systems(
            Update,
            (track_pointer, hover_edges, highlight_frames)
                .chain()
                .in_set(SimSet::Mirror)
                .run_if(in_state(Workbench)),
        );
}

/// The edge under the pointer, if any.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq)]
pub struct HoveredEdge(pub Option<Entity>);

/// The palette chip under the pointer, if any.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq)]
pub struct HoveredChip(pub Option<Feature>);

/// The pointer in world coordinates, when it is over the network view.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq)]
pub struct PointerInView(pub Option<Vec2>);

fn on_over(
    over: On<Pointer<Over>>,
    neurons: Query<&Neuron>,
    chips: Query<&FeatureChip>,
    mut hovered: ResMut<HoveredNode>,
    mut chip: ResMut<HoveredChip>,
) {
    if let Ok(neuron) = neurons.get(over.entity) {
        hovered.0 = Some(neuron.key);
    }
    if let Ok(c) = chips.get(over.entity) {
        chip.0 = Some(c.feature);
    }
}

fn on_out(
    out: On<Pointer<Out>>,
    neurons: Query<&Neuron>,
    chips: Query<&FeatureChip>,
    mut hovered: ResMut<HoveredNode>,
    mut chip: ResMut<HoveredChip>,
) {
    if let Ok(neuron) = neurons.get(out.entity)
        && hovered.0 == Some(neuron.key)
    {
        hovered.0 = None;
    }
    if let Ok(c) = chips.get(out.entity)
        && chip.0 == Some(c.feature)
    {
        chip.0 = None;
    }
}

fn track_pointer(
    window: Query<&Window, With<PrimaryWindow>>,
    viewport: Res<NetworkViewport>,
    mut pointer: ResMut<PointerInView>,
) {
    pointer.0 = window
        .single()
        .ok()
        .and_then(|w| w.cursor_position())
        .filter(|p| viewport.contains_window_point(*p))
        .map(|p| viewport.window_to_world(p));
}

fn hover_edges(
    pointer: Res<PointerInView>,
    hovered_node: Res<HoveredNode>,
    edges: Query<(Entity, &Edge, &EdgeSource, &EdgeTarget)>,
    transforms: Query<&Transform>,
    mut hovered: ResMut<HoveredEdge>,
) {
    let found = pointer
        .0
        .filter(|_| hovered_node.0.is_none())
        .and_then(|p| edge_at(p, &edges, &transforms));
    if hovered.0 != found {
        hovered.0 = found;
    }
}

/// The edge whose curve passes nearest to a world point, within [`EDGE_HOVER_DISTANCE`].
pub fn edge_at(
    point: Vec2,
    edges: &Query<(Entity, &Edge, &EdgeSource, &EdgeTarget)>,
    transforms: &Query<&Transform>,
) -> Option<Entity> {
    edges
        .iter()
        .filter_map(|(entity, edge, source, target)| {
            let a = transforms.get(source.0).ok()?.translation.truncate();
            let b = transforms.get(target.0).ok()?.translation.truncate();
            let (from, to) = edge_ends(edge.source, a, edge.target, b);
            // Cheap rejection before measuring the curve.
            let (lo, hi) = (from.min(to), from.max(to));
            let margin = Vec2::splat(EDGE_HOVER_DISTANCE);
            if point.cmplt(lo - margin).any() || point.cmpgt(hi + margin).any() {
                return None;
            }
            let d = distance_to_curve(from, to, point);
            (d <= EDGE_HOVER_DISTANCE).then_some((entity, d))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(entity, _)| entity)
}

fn highlight_frames(
    hovered: Res<HoveredNode>,
    chip: Res<HoveredChip>,
    owners: Query<(Option<&Neuron>, Option<&FeatureChip>)>,
    mut frames: Query<(&ChildOf, &mut Sprite), With<NeuronFrame>>,
    sim: Res<crate::game::sim::Simulation>,
) {
    let active = &sim.experiment.network().features;
    for (parent, mut sprite) in &mut frames {
        let Ok((neuron, feature_chip)) = owners.get(parent.parent()) else {
            continue;
        };
        let color = match (neuron, feature_chip) {
            (Some(n), _) if hovered.0 == Some(n.key) => palette::HIGHLIGHT,
            (_, Some(c)) if chip.0 == Some(c.feature) => palette::HIGHLIGHT,
            (_, Some(c)) if active.contains(&c.feature) => palette::NEURON_BORDER,
            (_, Some(_)) => palette::NEURON_BORDER.with_alpha(0.25),
            _ => palette::NEURON_BORDER,
        };
        if sprite.color != color {
            sprite.color = color;
        }
    }
}
