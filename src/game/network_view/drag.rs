//! Building by hand: drag features, layers and neurons in and out of the network with Bevy's
//! picking (`Pointer<DragStart | Drag | DragEnd>`). A ghost follows the pointer, the zone under it
//! lights up green or red, and the drop becomes a [`SimAction`] (or a notice saying why not).

use bevy::prelude::*;

use super::drop_plan::{DropPlan, Payload, Verdict, plan_drop};
use super::layout::TrayKind;
use super::motion::Vanish;
use super::tray::{DropHighlight, LayerGrip, TrayTile};
use super::{FeatureChip, NetworkEntities, NetworkViewport, Neuron, NodeKey};
use crate::game::notices::Notices;
use crate::game::sim::{EditRules, SimAction, Simulation};
use crate::game::theme::palette;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<DragState>()
        .add_observer(start_drag)
        .add_observer(continue_drag)
        .add_observer(end_drag)
        .add_systems(Update, show_highlight);
}

/// The drag in progress, if any.
#[derive(Resource, Debug, Default)]
pub struct DragState {
    pub active: Option<ActiveDrag>,
}

#[derive(Debug, Clone)]
pub struct ActiveDrag {
    pub payload: Payload,
    /// The entity following the pointer.
    pub ghost: Entity,
    /// The pointer, in world coordinates.
    pub at: Vec2,
    /// What dropping here would do.
    pub plan: DropPlan,
}

/// What a pickable entity gives when dragged, if anything.
fn payload_of(
    entity: Entity,
    chips: &Query<&FeatureChip>,
    neurons: &Query<&Neuron>,
    tiles: &Query<&TrayTile>,
    grips: &Query<&LayerGrip>,
) -> Option<Payload> {
    if let Ok(chip) = chips.get(entity) {
        return Some(Payload::NewFeature(chip.feature));
    }
    if let Ok(tile) = tiles.get(entity) {
        return Some(match tile.kind {
            TrayKind::Layer => Payload::NewLayer,
            TrayKind::Neuron => Payload::NewNeuron,
        });
    }
    if let Ok(grip) = grips.get(entity) {
        return Some(Payload::Layer(grip.layer));
    }
    match neurons.get(entity).ok()?.key {
        NodeKey::Input(f) => Some(Payload::Input(f)),
        NodeKey::Hidden { layer, index } => Some(Payload::Neuron { layer, index }),
        NodeKey::Output => None,
    }
}

fn start_drag(
    drag: On<Pointer<DragStart>>,
    mut commands: Commands,
    mut state: ResMut<DragState>,
    chips: Query<&FeatureChip>,
    neurons: Query<&Neuron>,
    tiles: Query<&TrayTile>,
    grips: Query<&LayerGrip>,
    sprites: Query<(&Sprite, &Transform), Without<Vanish>>,
    viewport: Res<NetworkViewport>,
) {
    if drag.button != PointerButton::Primary || state.active.is_some() {
        return;
    }
    let Some(payload) = payload_of(drag.entity, &chips, &neurons, &tiles, &grips) else {
        return;
    };
    let Ok((sprite, transform)) = sprites.get(drag.entity) else {
        return;
    };
    let at = viewport.window_to_world(drag.pointer_location.position);
    let mut ghost_sprite = sprite.clone();
    ghost_sprite.color = ghost_sprite.color.with_alpha(0.75);
    let ghost = commands
        .spawn((
            Name::new("Dragged piece"),
            ghost_sprite,
            Transform::from_translation(at.extend(10.0)).with_scale(transform.scale * 1.08),
            Pickable::IGNORE,
        ))
        .id();
    state.active = Some(ActiveDrag {
        payload,
        ghost,
        at,
        plan: DropPlan {
            action: None,
            verdict: Verdict::Nothing(String::new()),
            zone: None,
        },
    });
}

fn continue_drag(
    drag: On<Pointer<Drag>>,
    mut state: ResMut<DragState>,
    mut transforms: Query<&mut Transform>,
    viewport: Res<NetworkViewport>,
    entities: Res<NetworkEntities>,
    sim: Res<Simulation>,
    rules: Res<EditRules>,
) {
    let Some(active) = state.active.as_mut() else {
        return;
    };
    active.at = viewport.window_to_world(drag.pointer_location.position);
    active.plan = plan_drop(
        active.payload,
        active.at,
        &entities.layout,
        &sim.experiment,
        &rules,
    );
    if let Ok(mut transform) = transforms.get_mut(active.ghost) {
        transform.translation.x = active.at.x;
        transform.translation.y = active.at.y;
    }
}

fn end_drag(
    drag: On<Pointer<DragEnd>>,
    mut commands: Commands,
    mut state: ResMut<DragState>,
    mut actions: MessageWriter<SimAction>,
    mut notices: ResMut<Notices>,
    viewport: Res<NetworkViewport>,
    entities: Res<NetworkEntities>,
    sim: Res<Simulation>,
    rules: Res<EditRules>,
) {
    if drag.button != PointerButton::Primary {
        return;
    }
    let Some(active) = state.active.take() else {
        return;
    };
    commands.entity(active.ghost).try_despawn();
    let at = viewport.window_to_world(drag.pointer_location.position);
    let plan = plan_drop(
        active.payload,
        at,
        &entities.layout,
        &sim.experiment,
        &rules,
    );
    match (&plan.verdict, &plan.action) {
        (Verdict::Accept(_), Some(action)) => {
            actions.write(action.clone());
        }
        (Verdict::Refuse(reason), _) => notices.refused(reason.clone()),
        _ => {}
    }
}

/// Tints the zone under the dragged piece.
fn show_highlight(
    state: Res<DragState>,
    mut highlight: Query<(&mut Transform, &mut Sprite, &mut Visibility), With<DropHighlight>>,
) {
    let Ok((mut transform, mut sprite, mut visibility)) = highlight.single_mut() else {
        return;
    };
    let zone = state.active.as_ref().and_then(|a| {
        let color = match a.plan.verdict {
            Verdict::Accept(_) => palette::DROP_OK,
            Verdict::Refuse(_) => palette::DROP_REFUSED,
            Verdict::Nothing(_) => return None,
        };
        a.plan.zone.map(|z| (z, color))
    });
    match zone {
        Some((rect, color)) => {
            transform.translation = rect.center().extend(0.2);
            sprite.custom_size = Some(rect.size());
            sprite.color = color.with_alpha(0.16);
            *visibility = Visibility::Visible;
        }
        None => *visibility = Visibility::Hidden,
    }
}
