//! Spawns, moves and removes the neuron and feature-chip entities of every view so that they
//! match its network.

use bevy::platform::time::Instant;
use bevy::prelude::*;

use super::labels::{LabelAlign, WorldLabel};
use super::layout::{CHIP_SIZE, Layout};
use super::motion::{Appear, Motion, Vanish};
use super::{
    Edge, FeatureChip, InView, NetworkView, Neuron, NodeKey, ViewEdit, ViewEntities,
    ViewKeysShifted, ViewRect, ViewSet,
};
use crate::data::Feature;
use crate::experiment::{Edit, KeyShift};
use crate::game::frame_budget::WorkTimings;
use crate::game::theme::palette;

/// Side of a neuron's heatmap texture (the 100 x 100 grid in 4 x 4 blocks).
pub const THUMBNAIL_SIZE: usize = 25;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Update, sync_entities.in_set(ViewSet::Sync));
}

/// A small square marking a neuron's bias, coloured by its value.
#[derive(Component, Debug)]
pub struct BiasMarker;

/// The frame around a neuron (highlighted on hover and while dragging).
#[derive(Component, Debug)]
pub struct NeuronFrame;

/// Brings every view's entities in line with its network: spawns what is new, fades out what is
/// gone, and moves everything to its place in the layout.
pub fn sync_entities(
    mut commands: Commands,
    mut views: Query<(Entity, &NetworkView, &ViewRect, &mut ViewEntities)>,
    mut images: ResMut<Assets<Image>>,
    mut moving: Query<&mut Motion>,
    mut timings: ResMut<WorkTimings>,
    mut shifts: MessageReader<ViewKeysShifted>,
    mut names: Query<(&mut Neuron, &mut Name)>,
    mut edge_keys: Query<&mut Edge>,
    sprites: Query<&Sprite, With<Neuron>>,
) {
    for shifted in shifts.read() {
        if let Ok((_, _, _, mut entities)) = views.get_mut(shifted.view) {
            follow_shift(
                shifted.shift,
                &mut commands,
                &mut entities,
                &mut names,
                &mut edge_keys,
            );
        }
    }
    for (root, view, rect, mut entities) in &mut views {
        let network = &view.network;
        let hidden = network.hidden_sizes();
        let wanted = (
            view.shape_version,
            network.features.clone(),
            hidden.clone(),
            rect.size,
        );
        if entities.synced.as_ref() == Some(&wanted)
            && entities.neurons.len() == NodeKey::all(network).len()
        {
            continue;
        }
        let start = Instant::now();
        let layout = Layout::compute(network, rect.size, &view.options);

        // Neurons.
        let keys = NodeKey::all(network);
        vanish_stale_neurons(&mut commands, &mut entities, &keys);
        for &key in &keys {
            let position = layout.position(key).unwrap_or_default();
            // A neuron whose size changed (the view's scale follows its room) is made again at
            // the new size, with its frame and marker; its edges follow it out and back.
            let size = layout.node_size(key);
            if let Some(&entity) = entities.neurons.get(&key)
                && sprites
                    .get(entity)
                    .is_ok_and(|s| s.custom_size.is_some_and(|c| (c.x - size).abs() > 0.5))
            {
                commands.entity(entity).try_despawn();
                entities.neurons.remove(&key);
                entities.edges.retain(|(a, b), _| *a != key && *b != key);
            }
            match entities.neurons.get(&key) {
                Some(&entity) => {
                    if let Ok(mut motion) = moving.get_mut(entity) {
                        motion.target = position;
                    }
                }
                None => {
                    let image = images.add(palette::blank_heatmap(THUMBNAIL_SIZE));
                    let entity = spawn_neuron(
                        &mut commands,
                        root,
                        key,
                        position,
                        layout.node_size(key),
                        image,
                        &view.options,
                        network,
                    );
                    entities.neurons.insert(key, entity);
                }
            }
        }

        despawn_stale_edges(&mut commands, &mut entities, network);

        // The palette of features (editable views only).
        for &(feature, position) in &layout.chips {
            match entities.chips.get(&feature) {
                Some(&entity) => {
                    if let Ok(mut motion) = moving.get_mut(entity) {
                        motion.target = position;
                    }
                }
                None => {
                    let entity = spawn_chip(&mut commands, root, feature, position, &mut images);
                    entities.chips.insert(feature, entity);
                }
            }
        }

        entities.layout = layout;
        entities.synced = Some(wanted);
        timings.sync += start.elapsed();
    }
}

/// Neurons no longer in the network fade away.
fn vanish_stale_neurons(commands: &mut Commands, entities: &mut ViewEntities, keys: &[NodeKey]) {
    let stale: Vec<NodeKey> = entities
        .neurons
        .keys()
        .filter(|k| !keys.contains(k))
        .copied()
        .collect();
    for key in stale {
        if let Some(entity) = entities.neurons.remove(&key) {
            commands
                .entity(entity)
                .insert(Vanish::default())
                .remove::<Neuron>();
        }
    }
}

/// Edges are spawned by the edge plugin from the neuron map; the stale ones go here.
fn despawn_stale_edges(
    commands: &mut Commands,
    entities: &mut ViewEntities,
    network: &crate::nn::Network,
) {
    let edge_keys = NodeKey::all_edges(network);
    let stale_edges: Vec<(NodeKey, NodeKey)> = entities
        .edges
        .keys()
        .filter(|k| !edge_keys.contains(k))
        .copied()
        .collect();
    for key in stale_edges {
        if let Some(entity) = entities.edges.remove(&key) {
            commands.entity(entity).try_despawn();
        }
    }
}

/// Re-keys entities after an edit moved node keys (a layer inserted or removed, a neuron removed),
/// so each entity keeps showing the same neuron; entities of removed nodes fade out.
fn follow_shift(
    shift: KeyShift,
    commands: &mut Commands,
    entities: &mut ViewEntities,
    names: &mut Query<(&mut Neuron, &mut Name)>,
    edge_keys: &mut Query<&mut Edge>,
) {
    let neurons = std::mem::take(&mut entities.neurons);
    for (key, entity) in neurons {
        match shift.map(key) {
            Some(new_key) => {
                if let Ok((mut neuron, mut name)) = names.get_mut(entity) {
                    neuron.key = new_key;
                    *name = Name::new(new_key.title());
                }
                entities.neurons.insert(new_key, entity);
            }
            None => {
                commands
                    .entity(entity)
                    .insert(Vanish::default())
                    .remove::<Neuron>();
            }
        }
    }
    let edges = std::mem::take(&mut entities.edges);
    for ((source, target), entity) in edges {
        match (shift.map(source), shift.map(target)) {
            (Some(s), Some(t)) => {
                if let Ok(mut edge) = edge_keys.get_mut(entity) {
                    edge.source = s;
                    edge.target = t;
                }
                entities.edges.insert((s, t), entity);
            }
            _ => commands.entity(entity).try_despawn(),
        }
    }
    entities.synced = None;
}

fn spawn_neuron(
    commands: &mut Commands,
    root: Entity,
    key: NodeKey,
    position: Vec2,
    size: f32,
    image: Handle<Image>,
    options: &super::ViewOptions,
    network: &crate::nn::Network,
) -> Entity {
    let editable = options.editable;
    let mut entity = commands.spawn((
        Name::new(key.title()),
        Neuron { key },
        InView(root),
        ChildOf(root),
        Sprite {
            image,
            custom_size: Some(Vec2::splat(size)),
            ..default()
        },
        Transform::from_translation(position.extend(1.0)).with_scale(Vec3::splat(0.2)),
        Motion { target: position },
        Appear::default(),
        Pickable::default(),
    ));
    entity.with_child((
        NeuronFrame,
        InView(root),
        Sprite::from_color(palette::NEURON_BORDER, Vec2::splat(size + 4.0)),
        Transform::from_xyz(0.0, 0.0, -0.05),
        Pickable::IGNORE,
    ));
    match key {
        NodeKey::Input(feature) => {
            let text = (size / 38.0 * 15.0).max(9.0);
            let name = options
                .input_labels
                .zip(network.features.iter().position(|f| *f == feature))
                .and_then(|(labels, k)| labels.get(k).copied())
                .unwrap_or(feature.label());
            entity.with_child((
                WorldLabel::new(name, text, palette::INK, LabelAlign::Right),
                InView(root),
                Transform::from_xyz(-size / 2.0 - 8.0, 0.0, 0.1),
            ));
        }
        _ => {
            let marker = (size / 38.0 * 9.0).max(5.0);
            entity.with_child((
                BiasMarker,
                InView(root),
                Sprite::from_color(palette::to_color(palette::NEUTRAL), Vec2::splat(marker)),
                Transform::from_xyz(-size / 2.0 - marker, -size / 2.0 + marker / 2.0, 0.1),
                if editable {
                    Pickable::default()
                } else {
                    Pickable::IGNORE
                },
            ));
        }
    }
    entity.id()
}

/// A feature heatmap (its value over the plane on the Playground's scale) for a palette chip.
fn feature_image(feature: Feature) -> Image {
    let size = THUMBNAIL_SIZE;
    let mut image = palette::blank_heatmap(size);
    let values: Vec<f32> = (0..size * size)
        .map(|cell| {
            let (x1, x2) = crate::nn::grid::cell_position(size, cell / size, cell % size);
            feature.value(x1, x2) as f32
        })
        .collect();
    if let Some(data) = image.data.as_mut() {
        palette::paint_heatmap(&values, false, false, data);
    }
    image
}

fn spawn_chip(
    commands: &mut Commands,
    root: Entity,
    feature: Feature,
    position: Vec2,
    images: &mut Assets<Image>,
) -> Entity {
    let image = images.add(feature_image(feature));
    commands
        .spawn((
            Name::new(format!("Feature chip {}", feature.name())),
            FeatureChip { feature },
            InView(root),
            ChildOf(root),
            Sprite {
                image,
                custom_size: Some(Vec2::splat(CHIP_SIZE)),
                ..default()
            },
            Transform::from_translation(position.extend(1.0)),
            Motion { target: position },
            Pickable::default(),
            children![
                (
                    NeuronFrame,
                    InView(root),
                    Sprite::from_color(palette::NEURON_BORDER, Vec2::splat(CHIP_SIZE + 4.0)),
                    Transform::from_xyz(0.0, 0.0, -0.05),
                    Pickable::IGNORE,
                ),
                (
                    WorldLabel::new(feature.label(), 12.0, palette::MUTED_INK, LabelAlign::Below),
                    InView(root),
                    Transform::from_xyz(0.0, -CHIP_SIZE / 2.0 - 3.0, 0.1),
                )
            ],
        ))
        .observe(toggle_feature_on_click)
        .id()
}

/// Clicking a chip switches its feature on or off (dragging it does more; see the drag plugin).
fn toggle_feature_on_click(
    click: On<Pointer<Click>>,
    chips: Query<(&FeatureChip, &InView)>,
    views: Query<&NetworkView>,
    mut edits: MessageWriter<ViewEdit>,
) {
    let Ok((chip, in_view)) = chips.get(click.entity) else {
        return;
    };
    let Ok(view) = views.get(in_view.0) else {
        return;
    };
    let edit = if view.network.features.contains(&chip.feature) {
        Edit::RemoveFeature(chip.feature)
    } else {
        Edit::AddFeature(chip.feature)
    };
    edits.write(ViewEdit {
        view: in_view.0,
        edit,
    });
}
