//! Edges: a curved ribbon from source to target, as wide as the weight is large, coloured by its
//! sign, with dashes flowing in the direction of the data (faster while training).

use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::platform::time::Instant;
use bevy::prelude::*;

use super::edge_material::{self, EdgeMaterial};
use super::layout::Layout;
use super::motion::Vanish;
use super::{Edge, EdgeSource, EdgeTarget, InView, NetworkView, NodeKey, ViewEntities, ViewSet};
use crate::game::frame_budget::WorkTimings;
use crate::game::theme::palette;
use crate::nn::Network;

/// Points sampled along each curve.
const SEGMENTS: usize = 20;

pub(super) fn plugin(app: &mut App) {
    app.add_plugins(edge_material::plugin).add_systems(
        Update,
        (spawn_edges, shape_edges, flow)
            .chain()
            .in_set(ViewSet::Shape),
    );
}

/// The material every edge of a view shares (its uniform moves the dashes of all its edges at
/// once), on the view's root.
#[derive(Component, Debug, Clone)]
pub struct EdgeStyle {
    pub material: Handle<EdgeMaterial>,
}

/// What the edge's mesh was last built from, to rebuild only when it changes visibly.
#[derive(Component, Debug, Clone, Copy, PartialEq, Default)]
pub struct EdgeShape {
    pub from: Vec2,
    pub to: Vec2,
    /// Width in quarter pixels.
    pub width_quarters: u16,
    pub color: [u8; 3],
}

/// The weight of an edge in the network, and whether L1 killed it.
pub fn edge_weight(network: &Network, edge: &Edge) -> Option<(f64, bool)> {
    network.weight(edge.source, edge.target)
}

/// The Playground's link width: 1 px at 0 up to 10 px at |w| >= 5.
pub fn edge_width(weight: f64) -> f32 {
    1.0 + 9.0 * (weight.abs().min(5.0) / 5.0) as f32
}

/// The end points of the edge between two node centres: right side of the source, left side of
/// the target.
pub fn edge_ends(
    layout: &Layout,
    source: NodeKey,
    source_center: Vec2,
    target: NodeKey,
    target_center: Vec2,
) -> (Vec2, Vec2) {
    (
        source_center + Vec2::new(layout.node_size(source) / 2.0 + 2.0, 0.0),
        target_center - Vec2::new(layout.node_size(target) / 2.0 + 2.0, 0.0),
    )
}

/// A point of the edge's curve (the Playground's d3 "diagonal": a cubic Bézier with horizontal
/// tangents at both ends), at t in [0, 1].
pub fn curve_point(from: Vec2, to: Vec2, t: f32) -> Vec2 {
    let mid = (from.x + to.x) / 2.0;
    let p1 = Vec2::new(mid, from.y);
    let p2 = Vec2::new(mid, to.y);
    let u = 1.0 - t;
    from * (u * u * u) + p1 * (3.0 * u * u * t) + p2 * (3.0 * u * t * t) + to * (t * t * t)
}

/// Distance from a point to the edge's curve (for hovering and clicking edges).
pub fn distance_to_curve(from: Vec2, to: Vec2, point: Vec2) -> f32 {
    let mut best = f32::INFINITY;
    let mut previous = from;
    for k in 1..=SEGMENTS {
        let next = curve_point(from, to, k as f32 / SEGMENTS as f32);
        let segment = next - previous;
        let t =
            ((point - previous).dot(segment) / segment.length_squared().max(1e-6)).clamp(0.0, 1.0);
        best = best.min(point.distance(previous + segment * t));
        previous = next;
    }
    best
}

/// The ribbon mesh of an edge: positions in world space, uv.x the distance along it in pixels,
/// and the colour in every vertex.
pub fn ribbon_mesh(from: Vec2, to: Vec2, width: f32, color: LinearRgba) -> Mesh {
    let mut positions = Vec::with_capacity((SEGMENTS + 1) * 2);
    let mut uvs = Vec::with_capacity((SEGMENTS + 1) * 2);
    let points: Vec<Vec2> = (0..=SEGMENTS)
        .map(|k| curve_point(from, to, k as f32 / SEGMENTS as f32))
        .collect();
    let mut along = 0.0;
    for (k, p) in points.iter().enumerate() {
        let before = points[k.saturating_sub(1)];
        let after = points[(k + 1).min(SEGMENTS)];
        let tangent = (after - before).normalize_or(Vec2::X);
        let normal = Vec2::new(-tangent.y, tangent.x) * (width / 2.0);
        if k > 0 {
            along += p.distance(points[k - 1]);
        }
        positions.push((*p + normal).extend(0.0).to_array());
        positions.push((*p - normal).extend(0.0).to_array());
        uvs.push([along, 0.0]);
        uvs.push([along, 1.0]);
    }
    let mut indices = Vec::with_capacity(SEGMENTS * 6);
    for k in 0..SEGMENTS as u32 {
        let a = 2 * k;
        indices.extend_from_slice(&[a, a + 1, a + 2, a + 1, a + 3, a + 2]);
    }
    let colors = vec![color.to_f32_array(); positions.len()];
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::MAIN_WORLD | RenderAssetUsages::RENDER_WORLD,
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
    .with_inserted_attribute(Mesh::ATTRIBUTE_UV_0, uvs)
    .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, colors)
    .with_inserted_indices(Indices::U32(indices))
}

/// Spawns an entity for every edge of each view's network that has none yet.
fn spawn_edges(
    mut commands: Commands,
    mut views: Query<(Entity, &NetworkView, &mut ViewEntities, Option<&EdgeStyle>)>,
    mut materials: ResMut<Assets<EdgeMaterial>>,
    mut meshes: ResMut<Assets<Mesh>>,
) {
    for (root, view, mut entities, style) in &mut views {
        let material = match style {
            Some(style) => style.material.clone(),
            None => {
                let material = materials.add(EdgeMaterial::default());
                commands.entity(root).insert(EdgeStyle {
                    material: material.clone(),
                });
                material
            }
        };
        if entities.edges.len() == count_edges(&view.network) {
            continue;
        }
        for (source, target) in NodeKey::all_edges(&view.network) {
            if entities.edges.contains_key(&(source, target)) {
                continue;
            }
            let (Some(&source_entity), Some(&target_entity)) =
                (entities.neurons.get(&source), entities.neurons.get(&target))
            else {
                continue;
            };
            let entity = commands
                .spawn((
                    Name::new("Edge"),
                    Edge { source, target },
                    InView(root),
                    ChildOf(root),
                    EdgeSource(source_entity),
                    EdgeTarget(target_entity),
                    EdgeShape::default(),
                    Mesh2d(meshes.add(ribbon_mesh(Vec2::ZERO, Vec2::ZERO, 0.0, LinearRgba::NONE))),
                    MeshMaterial2d(material.clone()),
                    Transform::from_xyz(0.0, 0.0, 0.0),
                    Pickable::IGNORE,
                ))
                .id();
            entities.edges.insert((source, target), entity);
        }
    }
}

fn count_edges(network: &Network) -> usize {
    network.layers.iter().map(|l| l.weights.len()).sum()
}

/// Rebuilds the mesh of every edge whose ends, width or colour changed visibly.
fn shape_edges(
    views: Query<(&NetworkView, &ViewEntities)>,
    mut edges: Query<(
        &Edge,
        &InView,
        &EdgeSource,
        &EdgeTarget,
        &Mesh2d,
        &mut EdgeShape,
    )>,
    neurons: Query<&Transform, Without<Vanish>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut timings: ResMut<WorkTimings>,
) {
    let start = Instant::now();
    for (edge, in_view, source, target, mesh, mut shape) in &mut edges {
        let Ok((view, entities)) = views.get(in_view.0) else {
            continue;
        };
        let (Ok(a), Ok(b)) = (neurons.get(source.0), neurons.get(target.0)) else {
            continue;
        };
        let Some((weight, dead)) = edge_weight(&view.network, edge) else {
            continue;
        };
        let (from, to) = edge_ends(
            &entities.layout,
            edge.source,
            a.translation.truncate(),
            edge.target,
            b.translation.truncate(),
        );
        let color = if view.diverged || view.dimmed || !weight.is_finite() {
            palette::DIVERGED
        } else if dead {
            palette::NEUTRAL
        } else {
            palette::scale_color(weight as f32)
        };
        let width = if weight.is_finite() {
            edge_width(weight) * entities.layout.node_scale.max(0.5)
        } else {
            1.0
        };
        let wanted = EdgeShape {
            from,
            to,
            width_quarters: (width * 4.0).round() as u16,
            color,
        };
        let moved = wanted.from.distance(shape.from) > 0.3 || wanted.to.distance(shape.to) > 0.3;
        if !moved && wanted.width_quarters == shape.width_quarters && wanted.color == shape.color {
            continue;
        }
        *shape = wanted;
        if let Some(mut mesh) = meshes.get_mut(&mesh.0) {
            let linear = palette::to_color(color).to_linear();
            *mesh = ribbon_mesh(from, to, wanted.width_quarters as f32 / 4.0, linear);
        }
    }
    timings.sync += start.elapsed();
}

/// Moves the dashes of each view: a slow drift when idle, faster the faster training runs.
fn flow(
    time: Res<Time>,
    views: Query<(&NetworkView, &EdgeStyle)>,
    mut materials: ResMut<Assets<EdgeMaterial>>,
) {
    for (view, style) in &views {
        let speed = if view.training_rate > 0.0 {
            25.0 + 22.0 * (1.0 + view.training_rate).log10()
        } else {
            6.0
        };
        if let Some(mut material) = materials.get_mut(&style.material) {
            material.flow.x = (material.flow.x + speed * time.delta_secs()) % 1.0e5;
        }
    }
}
