//! The network on screen: one entity per input feature, hidden neuron, output and edge, mirrored
//! from the experiment every frame.

pub mod drag;
pub mod drop_plan;
pub mod edge_material;
pub mod edges;
pub mod editing;
pub mod heatmaps;
pub mod hover;
pub mod layout;
pub mod motion;
pub mod neurons;
pub mod tray;

use bevy::prelude::*;

use crate::data::Feature;
use crate::nn::Network;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<NetworkViewport>()
        .init_resource::<DisplayOptions>()
        .init_resource::<NetworkEntities>();
    app.add_plugins((
        neurons::plugin,
        edges::plugin,
        heatmaps::plugin,
        hover::plugin,
        motion::plugin,
        tray::plugin,
        drag::plugin,
        editing::plugin,
    ));
}

/// Identifies a node independently of its index in the weight matrices, so entities survive
/// architecture changes that leave them in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKey {
    Input(Feature),
    Hidden { layer: usize, index: usize },
    Output,
}

impl NodeKey {
    /// (column, index) in the network's grids and matrices: column 0 holds the input features,
    /// 1.. the hidden layers, the last the output. `None` if the node is not in the network.
    pub fn locate(self, network: &Network) -> Option<(usize, usize)> {
        match self {
            NodeKey::Input(f) => network
                .features
                .iter()
                .position(|g| *g == f)
                .map(|i| (0, i)),
            NodeKey::Hidden { layer, index } => {
                let sizes = network.hidden_sizes();
                (layer < sizes.len() && index < sizes[layer]).then_some((layer + 1, index))
            }
            NodeKey::Output => Some((network.layers.len(), 0)),
        }
    }

    /// The key of node `index` of `column`.
    pub fn at(network: &Network, column: usize, index: usize) -> NodeKey {
        if column == 0 {
            NodeKey::Input(network.features[index])
        } else if column == network.layers.len() {
            NodeKey::Output
        } else {
            NodeKey::Hidden {
                layer: column - 1,
                index,
            }
        }
    }

    /// Every node of the network, column by column.
    pub fn all(network: &Network) -> Vec<NodeKey> {
        network
            .shape()
            .iter()
            .enumerate()
            .flat_map(|(column, &count)| (0..count).map(move |i| (column, i)))
            .map(|(column, index)| NodeKey::at(network, column, index))
            .collect()
    }

    /// Every edge (source, target) of the network.
    pub fn all_edges(network: &Network) -> Vec<(NodeKey, NodeKey)> {
        let shape = network.shape();
        let mut edges = Vec::new();
        for column in 1..shape.len() {
            for to in 0..shape[column] {
                for from in 0..shape[column - 1] {
                    edges.push((
                        NodeKey::at(network, column - 1, from),
                        NodeKey::at(network, column, to),
                    ));
                }
            }
        }
        edges
    }

    /// How a student would name the node.
    pub fn title(self) -> String {
        match self {
            NodeKey::Input(f) => format!("Input {}", f.label()),
            NodeKey::Hidden { layer, index } => {
                format!("Neuron {} of hidden layer {}", index + 1, layer + 1)
            }
            NodeKey::Output => "Output neuron".into(),
        }
    }
}

/// A node of the network on screen.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct Neuron {
    pub key: NodeKey,
}

/// A feature in the palette, switched on or off by the player.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct FeatureChip {
    pub feature: Feature,
}

/// A weighted link between two nodes.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    pub source: NodeKey,
    pub target: NodeKey,
}

/// The edge's source neuron entity (Bevy keeps the reverse list in [`OutgoingEdges`]).
#[derive(Component, Debug)]
#[relationship(relationship_target = OutgoingEdges)]
pub struct EdgeSource(pub Entity);

/// The edges leaving a neuron; despawned with it.
#[derive(Component, Debug, Default)]
#[relationship_target(relationship = EdgeSource, linked_spawn)]
pub struct OutgoingEdges(Vec<Entity>);

/// The edge's target neuron entity.
#[derive(Component, Debug)]
#[relationship(relationship_target = IncomingEdges)]
pub struct EdgeTarget(pub Entity);

/// The edges entering a neuron; despawned with it.
#[derive(Component, Debug, Default)]
#[relationship_target(relationship = EdgeTarget, linked_spawn)]
pub struct IncomingEdges(Vec<Entity>);

/// The central region of the window where the network is drawn, in logical pixels (top-left
/// origin, y down), kept up to date by the UI's panel layout.
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
pub struct NetworkViewport {
    pub min: Vec2,
    pub size: Vec2,
}

impl Default for NetworkViewport {
    fn default() -> Self {
        Self {
            min: Vec2::new(300.0, 56.0),
            size: Vec2::new(640.0, 620.0),
        }
    }
}

impl NetworkViewport {
    /// World position (origin at the viewport centre, y up) to window position (y down).
    pub fn world_to_window(&self, world: Vec2) -> Vec2 {
        self.min + Vec2::new(world.x + self.size.x / 2.0, self.size.y / 2.0 - world.y)
    }

    /// Window position to world position.
    pub fn window_to_world(&self, window: Vec2) -> Vec2 {
        let local = window - self.min;
        Vec2::new(local.x - self.size.x / 2.0, self.size.y / 2.0 - local.y)
    }

    pub fn contains_window_point(&self, window: Vec2) -> bool {
        let local = window - self.min;
        local.x >= 0.0 && local.y >= 0.0 && local.x <= self.size.x && local.y <= self.size.y
    }
}

/// How heatmaps are drawn.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Default)]
pub struct DisplayOptions {
    /// Show only the sign of outputs (the Playground's "discretize output").
    pub discretize: bool,
    /// Draw the test points in the output view.
    pub show_test_data: bool,
}

/// The entities currently mirroring the network, by key.
#[derive(Resource, Debug, Default)]
pub struct NetworkEntities {
    pub neurons: std::collections::HashMap<NodeKey, Entity>,
    pub edges: std::collections::HashMap<(NodeKey, NodeKey), Entity>,
    pub chips: std::collections::HashMap<Feature, Entity>,
    /// The experiment's shape version and view size the entities were laid out for.
    pub synced: Option<(u64, Vec<Feature>, Vec<usize>, Vec2)>,
    pub layout: layout::Layout,
}
