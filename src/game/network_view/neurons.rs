//! Spawns, moves and removes neuron and feature-chip entities so that they match the network.

use bevy::asset::RenderAssetUsages;
use bevy::platform::time::Instant;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};

use super::layout::{CHIP_SIZE, Layout, node_size};
use super::motion::{Appear, Motion, Vanish};
use super::{Edge, FeatureChip, NetworkEntities, NetworkViewport, Neuron, NodeKey};
use crate::data::Feature;
use crate::game::diagnostics::WorkTimings;
use crate::game::screens::Workbench;
use crate::game::sim::{KeysShifted, SimAction, SimSet, Simulation};
use crate::game::theme::palette;
use crate::game::ui::labels::{LabelAlign, WorldLabel};

/// Side of a neuron's heatmap texture (the 100 x 100 grid in 4 x 4 blocks).
pub const THUMBNAIL_SIZE: usize = 25;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        sync_entities
            .in_set(SimSet::Mirror)
            .run_if(in_state(Workbench)),
    )
    .add_systems(OnExit(Workbench), forget_entities);
}

/// A small square marking a neuron's bias, coloured by its value.
#[derive(Component, Debug)]
pub struct BiasMarker;

/// The frame around a neuron (highlighted on hover and while dragging).
#[derive(Component, Debug)]
pub struct NeuronFrame;

/// A blank heatmap texture for a neuron.
pub fn blank_heatmap(size: usize) -> Image {
    let mut image = Image::new_fill(
        Extent3d {
            width: size as u32,
            height: size as u32,
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        &[232, 234, 235, 255],
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::MAIN_WORLD | RenderAssetUsages::RENDER_WORLD,
    );
    image.sampler = bevy::image::ImageSampler::linear();
    image
}

fn forget_entities(mut entities: ResMut<NetworkEntities>) {
    *entities = NetworkEntities::default();
}

/// Brings the entity graph in line with the experiment: spawns what is new, fades out what is
/// gone, and moves everything to its place in the layout.
pub fn sync_entities(
    mut commands: Commands,
    sim: Res<Simulation>,
    viewport: Res<NetworkViewport>,
    mut entities: ResMut<NetworkEntities>,
    mut images: ResMut<Assets<Image>>,
    mut moving: Query<&mut Motion>,
    mut timings: ResMut<WorkTimings>,
    mut shifts: MessageReader<KeysShifted>,
    mut names: Query<(&mut Neuron, &mut Name)>,
    mut edge_keys: Query<&mut Edge>,
) {
    for shift in shifts.read() {
        follow_shift(
            *shift,
            &mut commands,
            &mut entities,
            &mut names,
            &mut edge_keys,
        );
    }
    let network = sim.experiment.network();
    let hidden = network.hidden_sizes();
    let wanted = (
        sim.experiment.shape_version(),
        network.features.clone(),
        hidden.clone(),
        viewport.size,
    );
    if entities.synced.as_ref() == Some(&wanted) {
        return;
    }
    let start = Instant::now();
    let layout = Layout::compute(network, viewport.size);

    // Neurons.
    let keys = NodeKey::all(network);
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
    for &key in &keys {
        let position = layout.position(key).unwrap_or_default();
        match entities.neurons.get(&key) {
            Some(&entity) => {
                if let Ok(mut motion) = moving.get_mut(entity) {
                    motion.target = position;
                }
            }
            None => {
                let image = images.add(blank_heatmap(THUMBNAIL_SIZE));
                let entity = spawn_neuron(&mut commands, key, position, image);
                entities.neurons.insert(key, entity);
            }
        }
    }

    // Edges are spawned by the edge plugin from the neuron map; stale ones fade here.
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

    // The palette of features.
    for &feature in Feature::ALL {
        let position = layout.chip(feature).unwrap_or_default();
        match entities.chips.get(&feature) {
            Some(&entity) => {
                if let Ok(mut motion) = moving.get_mut(entity) {
                    motion.target = position;
                }
            }
            None => {
                let entity = spawn_chip(&mut commands, feature, position, &mut images);
                entities.chips.insert(feature, entity);
            }
        }
    }

    entities.layout = layout;
    entities.synced = Some(wanted);
    timings.sync += start.elapsed();
}

/// Re-keys entities after an edit moved node keys (a layer inserted or removed, a neuron removed),
/// so each entity keeps showing the same neuron; entities of removed nodes fade out.
fn follow_shift(
    shift: KeysShifted,
    commands: &mut Commands,
    entities: &mut NetworkEntities,
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
    key: NodeKey,
    position: Vec2,
    image: Handle<Image>,
) -> Entity {
    let size = node_size(key);
    let mut entity = commands.spawn((
        Name::new(key.title()),
        Neuron { key },
        Sprite {
            image,
            custom_size: Some(Vec2::splat(size)),
            ..default()
        },
        Transform::from_translation(position.extend(1.0)).with_scale(Vec3::splat(0.2)),
        Motion { target: position },
        Appear::default(),
        Pickable::default(),
        DespawnOnExit(Workbench),
    ));
    entity.with_child((
        NeuronFrame,
        Sprite::from_color(palette::NEURON_BORDER, Vec2::splat(size + 4.0)),
        Transform::from_xyz(0.0, 0.0, -0.05),
        Pickable::IGNORE,
    ));
    match key {
        NodeKey::Input(feature) => {
            entity.with_child((
                WorldLabel::new(feature.label(), 15.0, palette::INK, LabelAlign::Right),
                Transform::from_xyz(-size / 2.0 - 8.0, 0.0, 0.1),
            ));
        }
        _ => {
            entity.with_child((
                BiasMarker,
                Sprite::from_color(palette::to_color(palette::NEUTRAL), Vec2::splat(9.0)),
                Transform::from_xyz(-size / 2.0 - 8.0, -size / 2.0 + 5.0, 0.1),
                Pickable::default(),
            ));
        }
    }
    entity.id()
}

/// A feature heatmap (its value over the plane on the Playground's scale) for a palette chip.
fn feature_image(feature: Feature) -> Image {
    let size = THUMBNAIL_SIZE;
    let mut image = blank_heatmap(size);
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
    feature: Feature,
    position: Vec2,
    images: &mut Assets<Image>,
) -> Entity {
    let image = images.add(feature_image(feature));
    commands
        .spawn((
            Name::new(format!("Feature chip {}", feature.name())),
            FeatureChip { feature },
            Sprite {
                image,
                custom_size: Some(Vec2::splat(CHIP_SIZE)),
                ..default()
            },
            Transform::from_translation(position.extend(1.0)),
            Motion { target: position },
            Pickable::default(),
            DespawnOnExit(Workbench),
            children![
                (
                    NeuronFrame,
                    Sprite::from_color(palette::NEURON_BORDER, Vec2::splat(CHIP_SIZE + 4.0)),
                    Transform::from_xyz(0.0, 0.0, -0.05),
                    Pickable::IGNORE,
                ),
                (
                    WorldLabel::new(feature.label(), 12.0, palette::MUTED_INK, LabelAlign::Below),
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
    chips: Query<&FeatureChip>,
    mut actions: MessageWriter<SimAction>,
) {
    if let Ok(chip) = chips.get(click.entity) {
        actions.write(SimAction::ToggleFeature(chip.feature));
    }
}
