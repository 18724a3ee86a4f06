//! One click to edit a weight or a bias: click an edge or a neuron's bias marker and a small
//! editor opens at the pointer (the UI draws it; see `ui::editor`).

use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use super::drag::DragState;
use super::hover::HoveredEdge;
use super::neurons::BiasMarker;
use super::{Edge, EdgeSource, EdgeTarget, Neuron, NodeKey};
use crate::game::screens::Workbench;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<WeightEditor>()
        .add_observer(click_bias)
        .add_systems(Update, click_edges.run_if(in_state(Workbench)))
        .add_systems(OnExit(Workbench), |mut editor: ResMut<WeightEditor>| {
            editor.close()
        });
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
    pub target: Option<EditTarget>,
    /// The text being typed.
    pub text: String,
    /// Where it opened, in window coordinates.
    pub anchor: Vec2,
    /// Set on the frame it opens: the text gets focus and is selected.
    pub just_opened: bool,
}

impl WeightEditor {
    pub fn open(&mut self, target: EditTarget, value: f64, anchor: Vec2) {
        self.target = Some(target);
        self.text = format!("{value:.3}");
        self.anchor = anchor;
        self.just_opened = true;
    }

    pub fn close(&mut self) {
        self.target = None;
        self.just_opened = false;
    }
}

fn click_bias(
    click: On<Pointer<Click>>,
    markers: Query<&ChildOf, With<BiasMarker>>,
    neurons: Query<&Neuron>,
    sim: Res<crate::game::sim::Simulation>,
    mut editor: ResMut<WeightEditor>,
) {
    let Ok(parent) = markers.get(click.entity) else {
        return;
    };
    let Ok(neuron) = neurons.get(parent.parent()) else {
        return;
    };
    let network = sim.experiment.network();
    if let Some((column, index)) = neuron.key.locate(network).filter(|(c, _)| *c > 0) {
        let value = network.layers[column - 1].biases[index];
        editor.open(
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
    hovered: Res<HoveredEdge>,
    drag: Res<DragState>,
    edges: Query<(Entity, &Edge, &EdgeSource, &EdgeTarget)>,
    transforms: Query<&Transform>,
    window: Query<&Window, With<PrimaryWindow>>,
    viewport: Res<super::NetworkViewport>,
    sim: Res<crate::game::sim::Simulation>,
    mut editor: ResMut<WeightEditor>,
    mut pressed_at: Local<Option<Vec2>>,
) {
    if drag.active.is_some() {
        return;
    }
    let cursor = window.single().ok().and_then(|w| w.cursor_position());
    if mouse.just_pressed(MouseButton::Left) {
        *pressed_at = cursor;
    }
    let mut tapped = None;
    if mouse.just_released(MouseButton::Left)
        && let (Some(start), Some(end)) = (pressed_at.take(), cursor)
        && start.distance(end) <= 4.0
    {
        tapped = hovered.0.map(|edge| (edge, end));
    }
    for touch in touches.iter_just_released() {
        if touch.start_position().distance(touch.position()) <= 8.0
            && viewport.contains_window_point(touch.position())
        {
            let at = viewport.window_to_world(touch.position());
            if let Some(edge) = super::hover::edge_at(at, &edges, &transforms) {
                tapped = Some((edge, touch.position()));
            }
        }
    }
    let Some((entity, at)) = tapped else { return };
    let Ok((_, edge, _, _)) = edges.get(entity) else {
        return;
    };
    if let Some((weight, _)) = super::edges::edge_weight(sim.experiment.network(), edge) {
        editor.open(
            EditTarget::Weight {
                source: edge.source,
                target: edge.target,
            },
            weight,
            at,
        );
    }
}
