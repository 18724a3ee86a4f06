//! The pieces the player builds with, in an editable view: a tray of parts (a hidden layer, a
//! neuron) and a bin along the bottom, a handle above every hidden layer, and the highlight of
//! the zone under a drag.

use bevy::prelude::*;

use super::labels::{LabelAlign, WorldLabel};
use super::layout::{GRIP_SIZE, TILE_SIZE, TrayKind};
use super::motion::Motion;
use super::{InView, NetworkView, ViewEntities, ViewSet};
use crate::game::theme::palette;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        (place_tray, sync_grips, dim_locked_pieces).in_set(ViewSet::Shape),
    );
}

/// A tile of the parts tray.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct TrayTile {
    pub kind: TrayKind,
}

/// The bin: dropping there removes what is dragged.
#[derive(Component, Debug)]
pub struct Bin;

/// The handle of a hidden layer.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct LayerGrip {
    pub layer: usize,
}

/// The zone under the dragged piece, tinted green (accepted) or red (refused).
#[derive(Component, Debug)]
pub struct DropHighlight;

/// The tray, bin and highlight of a view, once spawned.
#[derive(Component, Debug)]
pub struct TrayPieces {
    tiles: Vec<(TrayKind, Entity)>,
    bin: Entity,
}

fn place_tray(
    mut commands: Commands,
    views: Query<(Entity, &NetworkView, &ViewEntities, Option<&TrayPieces>), Changed<ViewEntities>>,
    mut moving: Query<&mut Motion>,
    mut bins: Query<(&mut Transform, &mut Sprite), With<Bin>>,
) {
    for (root, view, entities, pieces) in &views {
        if !view.options.editable {
            continue;
        }
        let layout = &entities.layout;
        match pieces {
            Some(pieces) => {
                for (kind, entity) in &pieces.tiles {
                    if let Some((_, p)) = layout.tray.iter().find(|(k, _)| k == kind)
                        && let Ok(mut motion) = moving.get_mut(*entity)
                    {
                        motion.target = *p;
                    }
                }
                if let Ok((mut transform, mut sprite)) = bins.get_mut(pieces.bin) {
                    transform.translation = layout.bin.center().extend(0.5);
                    sprite.custom_size = Some(layout.bin.size());
                }
            }
            None => {
                let tiles = layout
                    .tray
                    .iter()
                    .map(|&(kind, position)| {
                        (kind, spawn_tile(&mut commands, root, kind, position))
                    })
                    .collect();
                let bin = commands
                    .spawn((
                        Name::new("Bin"),
                        Bin,
                        InView(root),
                        ChildOf(root),
                        Sprite::from_color(Color::srgba(0.5, 0.5, 0.5, 0.08), layout.bin.size()),
                        Transform::from_translation(layout.bin.center().extend(0.5)),
                        Pickable::IGNORE,
                        children![(
                            WorldLabel::new(
                                "Drop to remove",
                                13.0,
                                palette::MUTED_INK,
                                LabelAlign::Center
                            ),
                            InView(root),
                            Transform::from_xyz(0.0, 0.0, 0.1),
                        )],
                    ))
                    .id();
                commands.spawn((
                    Name::new("Drop highlight"),
                    DropHighlight,
                    InView(root),
                    ChildOf(root),
                    Sprite::from_color(Color::NONE, Vec2::ONE),
                    Transform::from_xyz(0.0, 0.0, 0.2),
                    Visibility::Hidden,
                    Pickable::IGNORE,
                ));
                commands.entity(root).insert(TrayPieces { tiles, bin });
            }
        }
    }
}

fn spawn_tile(commands: &mut Commands, root: Entity, kind: TrayKind, position: Vec2) -> Entity {
    let label = match kind {
        TrayKind::Layer => "+ Hidden layer",
        TrayKind::Neuron => "+ Neuron",
    };
    commands
        .spawn((
            Name::new(label),
            TrayTile { kind },
            InView(root),
            ChildOf(root),
            Sprite::from_color(Color::srgb(0.93, 0.95, 0.98), TILE_SIZE),
            Transform::from_translation(position.extend(1.0)),
            Motion { target: position },
            Pickable::default(),
            children![
                (
                    Sprite::from_color(palette::NEURON_BORDER, TILE_SIZE + 3.0),
                    Transform::from_xyz(0.0, 0.0, -0.05),
                    Pickable::IGNORE,
                ),
                (
                    WorldLabel::new(label, 14.0, palette::INK, LabelAlign::Center),
                    InView(root),
                    Transform::from_xyz(0.0, 0.0, 0.1),
                )
            ],
        ))
        .id()
}

/// One handle above each hidden layer of an editable view, following the layers as they come
/// and go.
fn sync_grips(
    mut commands: Commands,
    mut views: Query<(Entity, &NetworkView, &mut ViewEntities)>,
    mut moving: Query<&mut Motion>,
) {
    for (root, view, mut entities) in &mut views {
        if !view.options.editable {
            continue;
        }
        let hidden = view.network.hidden_sizes().len();
        let entities = &mut *entities;
        let layout = &entities.layout;
        if layout.columns.len() != hidden + 2 {
            continue;
        }
        entities.grips.retain(|&layer, entity| {
            if layer < hidden {
                return true;
            }
            commands.entity(*entity).try_despawn();
            false
        });
        for layer in 0..hidden {
            let position = Vec2::new(layout.columns[layer + 1], layout.grip_y);
            match entities.grips.get(&layer) {
                Some(&entity) => {
                    if let Ok(mut motion) = moving.get_mut(entity) {
                        motion.target = position;
                    }
                }
                None => {
                    let entity = commands
                        .spawn((
                            Name::new(format!("Handle of hidden layer {}", layer + 1)),
                            LayerGrip { layer },
                            InView(root),
                            ChildOf(root),
                            Sprite::from_color(palette::NEURON_BORDER.with_alpha(0.55), GRIP_SIZE),
                            Transform::from_translation(position.extend(1.0)),
                            Motion { target: position },
                            Pickable::default(),
                        ))
                        .id();
                    entities.grips.insert(layer, entity);
                }
            }
        }
    }
}

/// Pieces the view's rules do not let the player use are drawn faded (a level may lock the
/// features or the layers); dragging them explains why.
fn dim_locked_pieces(
    views: Query<&NetworkView>,
    mut chips: Query<(&super::FeatureChip, &InView, &mut Sprite), Without<TrayTile>>,
    mut tiles: Query<(&InView, &mut Sprite), With<TrayTile>>,
) {
    for (chip, in_view, mut sprite) in &mut chips {
        let Ok(view) = views.get(in_view.0) else {
            continue;
        };
        let rules = &view.rules;
        let usable = view.network.features.contains(&chip.feature)
            || (rules.features_editable && rules.feature_allowed(chip.feature));
        let alpha = if usable { 1.0 } else { 0.3 };
        if sprite.color.alpha() != alpha {
            sprite.color = sprite.color.with_alpha(alpha);
        }
    }
    for (in_view, mut sprite) in &mut tiles {
        let Ok(view) = views.get(in_view.0) else {
            continue;
        };
        let alpha = if view.rules.architecture_editable {
            1.0
        } else {
            0.35
        };
        if sprite.color.alpha() != alpha {
            sprite.color = sprite.color.with_alpha(alpha);
        }
    }
}
