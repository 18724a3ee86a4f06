//! The pieces the player builds with: a tray of parts (a hidden layer, a neuron) and a bin along
//! the bottom, a handle above every hidden layer, and the highlight of the zone under a drag.

use bevy::prelude::*;

use super::layout::{GRIP_SIZE, TILE_SIZE, TrayKind};
use super::motion::Motion;
use super::{NetworkEntities, neurons::sync_entities};
use crate::game::screens::Workbench;
use crate::game::sim::{SimSet, Simulation};
use crate::game::theme::palette;
use crate::game::ui::labels::{LabelAlign, WorldLabel};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Grips>().add_systems(
        Update,
        (place_tray, sync_grips, dim_locked_pieces)
            .in_set(SimSet::Mirror)
            .after(sync_entities)
            .run_if(in_state(Workbench)),
    );
    app.add_systems(OnExit(Workbench), |mut grips: ResMut<Grips>| {
        grips.0.clear()
    });
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

#[derive(Resource, Debug, Default)]
pub struct Grips(pub std::collections::HashMap<usize, Entity>);

fn place_tray(
    mut commands: Commands,
    entities: Res<NetworkEntities>,
    mut tiles: Query<(&TrayTile, &mut Motion)>,
    mut bin: Query<(&mut Transform, &mut Sprite), With<Bin>>,
    highlight: Query<(), With<DropHighlight>>,
) {
    if !entities.is_changed() {
        return;
    }
    let layout = &entities.layout;
    if tiles.is_empty() {
        for &(kind, position) in &layout.tray {
            let label = match kind {
                TrayKind::Layer => "+ Hidden layer",
                TrayKind::Neuron => "+ Neuron",
            };
            commands.spawn((
                Name::new(label),
                TrayTile { kind },
                Sprite::from_color(Color::srgb(0.93, 0.95, 0.98), TILE_SIZE),
                Transform::from_translation(position.extend(1.0)),
                Motion { target: position },
                Pickable::default(),
                DespawnOnExit(Workbench),
                children![
                    (
                        Sprite::from_color(palette::NEURON_BORDER, TILE_SIZE + 3.0),
                        Transform::from_xyz(0.0, 0.0, -0.05),
                        Pickable::IGNORE,
                    ),
                    (
                        WorldLabel::new(label, 14.0, palette::INK, LabelAlign::Center),
                        Transform::from_xyz(0.0, 0.0, 0.1),
                    )
                ],
            ));
        }
    } else {
        for (tile, mut motion) in &mut tiles {
            if let Some((_, p)) = layout.tray.iter().find(|(k, _)| *k == tile.kind) {
                motion.target = *p;
            }
        }
    }
    let bin_rect = layout.bin;
    match bin.single_mut() {
        Ok((mut transform, mut sprite)) => {
            transform.translation = bin_rect.center().extend(0.5);
            sprite.custom_size = Some(bin_rect.size());
        }
        Err(_) => {
            commands.spawn((
                Name::new("Bin"),
                Bin,
                Sprite::from_color(Color::srgba(0.5, 0.5, 0.5, 0.08), bin_rect.size()),
                Transform::from_translation(bin_rect.center().extend(0.5)),
                Pickable::IGNORE,
                DespawnOnExit(Workbench),
                children![(
                    WorldLabel::new(
                        "Drop here to remove",
                        13.0,
                        palette::MUTED_INK,
                        LabelAlign::Center
                    ),
                    Transform::from_xyz(0.0, 0.0, 0.1),
                )],
            ));
        }
    }
    if highlight.is_empty() {
        commands.spawn((
            Name::new("Drop highlight"),
            DropHighlight,
            Sprite::from_color(Color::NONE, Vec2::ONE),
            Transform::from_xyz(0.0, 0.0, 0.2),
            Visibility::Hidden,
            Pickable::IGNORE,
            DespawnOnExit(Workbench),
        ));
    }
}

/// One handle above each hidden layer, following the layers as they come and go.
fn sync_grips(
    mut commands: Commands,
    sim: Res<Simulation>,
    entities: Res<NetworkEntities>,
    mut grips: ResMut<Grips>,
    mut moving: Query<&mut Motion>,
) {
    let layout = &entities.layout;
    let hidden = sim.experiment.network().hidden_sizes().len();
    if layout.columns.len() != hidden + 2 {
        return;
    }
    grips.0.retain(|&layer, entity| {
        if layer < hidden {
            return true;
        }
        commands.entity(*entity).try_despawn();
        false
    });
    for layer in 0..hidden {
        let position = Vec2::new(layout.columns[layer + 1], layout.grip_y);
        match grips.0.get(&layer) {
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
                        Sprite::from_color(palette::NEURON_BORDER.with_alpha(0.55), GRIP_SIZE),
                        Transform::from_translation(position.extend(1.0)),
                        Motion { target: position },
                        Pickable::default(),
                        DespawnOnExit(Workbench),
                    ))
                    .id();
                grips.0.insert(layer, entity);
            }
        }
    }
}

/// Pieces the current rules do not let the player use are drawn faded (a level may lock the
/// features or the layers); dragging them explains why.
fn dim_locked_pieces(
    rules: Res<crate::game::sim::EditRules>,
    sim: Res<Simulation>,
    mut chips: Query<(&super::FeatureChip, &mut Sprite), Without<TrayTile>>,
    mut tiles: Query<&mut Sprite, With<TrayTile>>,
) {
    let active = &sim.experiment.network().features;
    for (chip, mut sprite) in &mut chips {
        let usable = active.contains(&chip.feature)
            || (rules.features_editable && rules.feature_allowed(chip.feature));
        let alpha = if usable { 1.0 } else { 0.3 };
        if sprite.color.alpha() != alpha {
            sprite.color = sprite.color.with_alpha(alpha);
        }
    }
    let alpha = if rules.architecture_editable {
        1.0
    } else {
        0.35
    };
    for mut sprite in &mut tiles {
        if sprite.color.alpha() != alpha {
            sprite.color = sprite.color.with_alpha(alpha);
        }
    }
}
