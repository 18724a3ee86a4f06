//! Building by hand: drag features, layers and neurons in and out of a view's network with
//! Bevy's picking (`Pointer<DragStart | Drag | DragEnd>`). A ghost follows the pointer, the zone
//! under it lights up green or red, and the drop becomes a [`ViewEdit`] (or a notice saying why
//! not). The drag in progress belongs to the view it started in.

use bevy::prelude::*;

use super::ViewSet;
use super::drop_plan::{DropPlan, Payload, Verdict, plan_drop};
use super::layout::TrayKind;
use super::motion::Vanish;
use super::tray::{DropHighlight, LayerGrip, TrayTile};
use super::{FeatureChip, InView, NetworkView, Neuron, NodeKey, ViewEdit, ViewEntities, ViewRect};
use crate::game::notices::Notices;
use crate::game::theme::palette;

pub(super) fn plugin(app: &mut App) {
    app.add_observer(start_drag)
        .add_observer(continue_drag)
        .add_observer(end_drag)
        .add_systems(Update, show_highlight.in_set(ViewSet::Interact));
}

/// The drag in progress in a view, if any.
#[derive(Component, Debug, Default)]
pub struct ViewDrag {
    pub active: Option<ActiveDrag>,
}

#[derive(Debug, Clone)]
pub struct ActiveDrag {
    pub payload: Payload,
    /// The entity following the pointer.
    pub ghost: Entity,
    /// The pointer, in the view's local coordinates.
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
        NodeKey::Output(_) => None,
    }
}

fn start_drag(
    drag: On<Pointer<DragStart>>,
    mut commands: Commands,
    mut views: Query<(&NetworkView, &ViewRect, &mut ViewDrag)>,
    pieces: Query<&InView>,
    chips: Query<&FeatureChip>,
    neurons: Query<&Neuron>,
    tiles: Query<&TrayTile>,
    grips: Query<&LayerGrip>,
    sprites: Query<(&Sprite, &Transform), Without<Vanish>>,
) {
    if drag.button != PointerButton::Primary {
        return;
    }
    let Ok(in_view) = pieces.get(drag.entity) else {
        return;
    };
    let Ok((view, rect, mut state)) = views.get_mut(in_view.0) else {
        return;
    };
    if state.active.is_some() || !view.options.editable {
        return;
    }
    let Some(payload) = payload_of(drag.entity, &chips, &neurons, &tiles, &grips) else {
        return;
    };
    let Ok((sprite, transform)) = sprites.get(drag.entity) else {
        return;
    };
    let at = rect.window_to_local(drag.pointer_location.position);
    let mut ghost_sprite = sprite.clone();
    ghost_sprite.color = ghost_sprite.color.with_alpha(0.75);
    let ghost = commands
        .spawn((
            Name::new("Dragged piece"),
            ghost_sprite,
            ChildOf(in_view.0),
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
    pieces: Query<&InView>,
    mut views: Query<(&NetworkView, &ViewRect, &ViewEntities, &mut ViewDrag)>,
    mut transforms: Query<&mut Transform>,
) {
    let Ok(in_view) = pieces.get(drag.entity) else {
        return;
    };
    let Ok((view, rect, entities, mut state)) = views.get_mut(in_view.0) else {
        return;
    };
    let Some(active) = state.active.as_mut() else {
        return;
    };
    active.at = rect.window_to_local(drag.pointer_location.position);
    active.plan = plan_drop(active.payload, active.at, &entities.layout, view);
    if let Ok(mut transform) = transforms.get_mut(active.ghost) {
        transform.translation.x = active.at.x;
        transform.translation.y = active.at.y;
    }
}

fn end_drag(
    drag: On<Pointer<DragEnd>>,
    mut commands: Commands,
    pieces: Query<&InView>,
    mut views: Query<(&NetworkView, &ViewRect, &ViewEntities, &mut ViewDrag)>,
    mut edits: MessageWriter<ViewEdit>,
    mut notices: ResMut<Notices>,
) {
    if drag.button != PointerButton::Primary {
        return;
    }
    let Ok(in_view) = pieces.get(drag.entity) else {
        return;
    };
    let Ok((view, rect, entities, mut state)) = views.get_mut(in_view.0) else {
        return;
    };
    let Some(active) = state.active.take() else {
        return;
    };
    commands.entity(active.ghost).try_despawn();
    let at = rect.window_to_local(drag.pointer_location.position);
    let plan = plan_drop(active.payload, at, &entities.layout, view);
    match (&plan.verdict, &plan.action) {
        (Verdict::Accept(_), Some(edit)) => {
            edits.write(ViewEdit {
                view: in_view.0,
                edit: *edit,
            });
        }
        (Verdict::Refuse(reason), _) => notices.refused(reason.clone()),
        _ => {}
    }
}

/// Tints the zone under the dragged piece of each view.
fn show_highlight(
    views: Query<&ViewDrag>,
    mut highlights: Query<
        (&InView, &mut Transform, &mut Sprite, &mut Visibility),
        With<DropHighlight>,
    >,
) {
    for (in_view, mut transform, mut sprite, mut visibility) in &mut highlights {
        let Ok(state) = views.get(in_view.0) else {
            continue;
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
}
