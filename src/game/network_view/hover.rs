//! What is under the pointer in each view: a neuron or chip (Bevy picking on sprites) or an edge
//! (distance to its curve, since ribbons can be one pixel wide). The overlay explains it.

use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use super::edges::{distance_to_curve, edge_ends};
use super::layout::Layout;
use super::neurons::NeuronFrame;
use super::{Edge, EdgeSource, EdgeTarget, FeatureChip, InView, NetworkView, Neuron, ViewEntities};
use super::{NodeKey, ViewRect, ViewSet};
use crate::data::Feature;
use crate::game::theme::palette;

/// How close the pointer must be to an edge's curve to hover it, in pixels.
pub const EDGE_HOVER_DISTANCE: f32 = 6.0;

pub(super) fn plugin(app: &mut App) {
    app.add_observer(on_over).add_observer(on_out).add_systems(
        Update,
        (
            forget_hover_when_the_finger_lifts,
            track_pointer,
            hover_edges,
            highlight_frames,
        )
            .chain()
            .in_set(ViewSet::Interact),
    );
}

/// What the pointer is over in one view.
#[derive(Component, Debug, Default, Clone, Copy, PartialEq)]
pub struct ViewHover {
    /// The node under the pointer: its heatmap is shown large.
    pub node: Option<NodeKey>,
    /// The edge under the pointer.
    pub edge: Option<Entity>,
    /// The palette chip under the pointer.
    pub chip: Option<Feature>,
    /// The pointer in the view's local coordinates, when it is over the view.
    pub pointer: Option<Vec2>,
}

fn on_over(
    over: On<Pointer<Over>>,
    neurons: Query<(&Neuron, &InView)>,
    chips: Query<(&FeatureChip, &InView)>,
    mut views: Query<&mut ViewHover>,
) {
    if let Ok((neuron, in_view)) = neurons.get(over.entity)
        && let Ok(mut hover) = views.get_mut(in_view.0)
    {
        hover.node = Some(neuron.key);
    }
    if let Ok((chip, in_view)) = chips.get(over.entity)
        && let Ok(mut hover) = views.get_mut(in_view.0)
    {
        hover.chip = Some(chip.feature);
    }
}

fn on_out(
    out: On<Pointer<Out>>,
    neurons: Query<(&Neuron, &InView)>,
    chips: Query<(&FeatureChip, &InView)>,
    mut views: Query<&mut ViewHover>,
) {
    if let Ok((neuron, in_view)) = neurons.get(out.entity)
        && let Ok(mut hover) = views.get_mut(in_view.0)
        && hover.node == Some(neuron.key)
    {
        hover.node = None;
    }
    if let Ok((chip, in_view)) = chips.get(out.entity)
        && let Ok(mut hover) = views.get_mut(in_view.0)
        && hover.chip == Some(chip.feature)
    {
        hover.chip = None;
    }
}

/// On a touch screen a neuron or chip is "hovered" while a finger rests on it (press and hold a
/// neuron to see its heatmap large); when the last finger lifts, nothing stays hovered, as a mouse
/// moving away would leave it.
fn forget_hover_when_the_finger_lifts(touches: Res<Touches>, mut views: Query<&mut ViewHover>) {
    let lifted = touches.any_just_released() || touches.any_just_canceled();
    if !lifted || touches.iter().next().is_some() {
        return;
    }
    for mut hover in &mut views {
        if hover.node.is_some() || hover.chip.is_some() {
            hover.node = None;
            hover.chip = None;
        }
    }
}

fn track_pointer(
    window: Query<&Window, With<PrimaryWindow>>,
    mut views: Query<(&ViewRect, &mut ViewHover)>,
) {
    let cursor = window.single().ok().and_then(|w| w.cursor_position());
    for (rect, mut hover) in &mut views {
        let pointer = cursor
            .filter(|p| rect.contains_window_point(*p))
            .map(|p| rect.window_to_local(p));
        if hover.pointer != pointer {
            hover.pointer = pointer;
        }
    }
}

fn hover_edges(
    mut views: Query<(Entity, &ViewEntities, &mut ViewHover)>,
    edges: Query<(Entity, &Edge, &InView, &EdgeSource, &EdgeTarget)>,
    transforms: Query<&Transform>,
) {
    for (root, entities, mut hover) in &mut views {
        let found = hover
            .pointer
            .filter(|_| hover.node.is_none())
            .and_then(|p| edge_at(root, &entities.layout, p, &edges, &transforms));
        if hover.edge != found {
            hover.edge = found;
        }
    }
}

/// The edge of view `root` whose curve passes nearest to a local point, within
/// [`EDGE_HOVER_DISTANCE`].
pub fn edge_at(
    root: Entity,
    layout: &Layout,
    point: Vec2,
    edges: &Query<(Entity, &Edge, &InView, &EdgeSource, &EdgeTarget)>,
    transforms: &Query<&Transform>,
) -> Option<Entity> {
    edges
        .iter()
        .filter(|(_, _, in_view, _, _)| in_view.0 == root)
        .filter_map(|(entity, edge, _, source, target)| {
            let a = transforms.get(source.0).ok()?.translation.truncate();
            let b = transforms.get(target.0).ok()?.translation.truncate();
            let (from, to) = edge_ends(layout, edge.source, a, edge.target, b);
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
    views: Query<(&NetworkView, &ViewHover)>,
    owners: Query<(Option<&Neuron>, Option<&FeatureChip>)>,
    mut frames: Query<(&ChildOf, &InView, &mut Sprite), With<NeuronFrame>>,
) {
    for (parent, in_view, mut sprite) in &mut frames {
        let Ok((view, hover)) = views.get(in_view.0) else {
            continue;
        };
        let Ok((neuron, feature_chip)) = owners.get(parent.parent()) else {
            continue;
        };
        let active = &view.network.features;
        let color = match (neuron, feature_chip) {
            (Some(n), _) if hover.node == Some(n.key) => palette::HIGHLIGHT,
            (_, Some(c)) if hover.chip == Some(c.feature) => palette::HIGHLIGHT,
            (_, Some(c)) if active.contains(&c.feature) => palette::NEURON_BORDER,
            (_, Some(_)) => palette::NEURON_BORDER.with_alpha(0.25),
            _ => palette::NEURON_BORDER,
        };
        if sprite.color != color {
            sprite.color = color;
        }
    }
}
