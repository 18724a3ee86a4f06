//! One click to edit a weight or a bias: click an edge or a neuron's bias marker in an editable
//! view and a small editor opens at the pointer (drawn by `editor_ui`). One editor at a time.

use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use super::drag::ViewDrag;
use super::hover::{ViewHover, edge_at};
use super::neurons::BiasMarker;
use super::{Edge, EdgeSource, EdgeTarget, InView, NetworkView, Neuron, NodeKey, ViewEntities};
use super::{ViewRect, ViewSet};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<WeightEditor>()
        .add_observer(click_bias)
        .add_systems(
            Update,
            (click_edges, close_with_view).in_set(ViewSet::Interact),
        );
}

/// What the editor edits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EditTarget {
    Weight { source: NodeKey, target: NodeKey },
    Bias(NodeKey),
}

/// The open editor, if any.
#[derive(Resource, Debug, Default)]
pub struct WeightEditor {
    /// The view whose network is edited.
    pub view: Option<Entity>,
    pub target: Option<EditTarget>,
    /// The text being typed.
    pub text: String,
    /// Where it opened, in window coordinates.
    pub anchor: Vec2,
    /// Set on the frame it opens: the text gets focus and is selected.
    pub just_opened: bool,
}

impl WeightEditor {
    pub fn open(&mut self, view: Entity, target: EditTarget, value: f64, anchor: Vec2) {
        self.view = Some(view);
        self.target = Some(target);
        self.text = format!("{value:.3}");
        self.anchor = anchor;
        self.just_opened = true;
    }

    pub fn close(&mut self) {
        self.view = None;
        self.target = None;
        self.just_opened = false;
    }
}

fn click_bias(
    click: On<Pointer<Click>>,
    markers: Query<(&ChildOf, &InView), With<BiasMarker>>,
    neurons: Query<&Neuron>,
    views: Query<&NetworkView>,
    mut editor: ResMut<WeightEditor>,
) {
    let Ok((parent, in_view)) = markers.get(click.entity) else {
        return;
    };
    let (Ok(neuron), Ok(view)) = (neurons.get(parent.parent()), views.get(in_view.0)) else {
        return;
    };
    if !view.options.editable {
        return;
    }
    if let Some(value) = view.network.bias(neuron.key) {
        editor.open(
            in_view.0,
            EditTarget::Bias(neuron.key),
            value,
            click.pointer_location.position,
        );
    }
}

/// A click (press and release without moving) on a hovered edge opens its editor; so does a tap
/// on an edge on a touch screen (where nothing hovers).
fn click_edges(
    mouse: Res<ButtonInput<MouseButton>>,
    touches: Res<Touches>,
    views: Query<(
        Entity,
        &NetworkView,
        &ViewRect,
        &ViewEntities,
        &ViewHover,
        &ViewDrag,
    )>,
    edges: Query<(Entity, &Edge, &InView, &EdgeSource, &EdgeTarget)>,
    transforms: Query<&Transform>,
    window: Query<&Window, With<PrimaryWindow>>,
    mut editor: ResMut<WeightEditor>,
    mut pressed_at: Local<Option<Vec2>>,
) {
    let cursor = window.single().ok().and_then(|w| w.cursor_position());
    if mouse.just_pressed(MouseButton::Left) {
        *pressed_at = cursor;
    }
    let released_in_place = mouse.just_released(MouseButton::Left)
        && pressed_at
            .take()
            .zip(cursor)
            .is_some_and(|(start, end)| start.distance(end) <= 4.0);
    for (root, view, rect, entities, hover, drag) in &views {
        if drag.active.is_some() || !view.options.editable {
            continue;
        }
        let mut tapped = None;
        if released_in_place && let (Some(edge), Some(end)) = (hover.edge, cursor) {
            tapped = Some((edge, end));
        }
        for touch in touches.iter_just_released() {
            if touch.start_position().distance(touch.position()) <= 8.0
                && rect.contains_window_point(touch.position())
            {
                let at = rect.window_to_local(touch.position());
                if let Some(edge) = edge_at(root, &entities.layout, at, &edges, &transforms) {
                    tapped = Some((edge, touch.position()));
                }
            }
        }
        let Some((entity, at)) = tapped else { continue };
        let Ok((_, edge, _, _, _)) = edges.get(entity) else {
            continue;
        };
        if let Some((weight, _)) = view.network.weight(edge.source, edge.target) {
            editor.open(
                root,
                EditTarget::Weight {
                    source: edge.source,
                    target: edge.target,
                },
                weight,
                at,
            );
        }
    }
}

/// The editor closes when its view goes away.
fn close_with_view(views: Query<(), With<NetworkView>>, mut editor: ResMut<WeightEditor>) {
    if let Some(view) = editor.view
        && views.get(view).is_err()
    {
        editor.close();
    }
}
