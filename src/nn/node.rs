//! Naming the nodes of a network independently of matrix indices, and reading or writing the
//! parameter behind a node (its bias) or a pair of nodes (the weight of their link).
//!
//! A network is drawn in columns: column 0 holds the input features, columns 1.. the hidden
//! layers, the last column the output neurons. `layers[c - 1]` holds the incoming weights and the
//! biases of column `c`; this module is the one place that does that arithmetic.

use super::network::Network;
use crate::data::Feature;

/// A node of a network, stable across edits that leave it in place (an input is named by its
/// feature, so adding another feature does not rename it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKey {
    Input(Feature),
    Hidden {
        layer: usize,
        index: usize,
    },
    /// Output neuron `k` (one per class with several classes, else just 0).
    Output(usize),
}

impl NodeKey {
    /// The single output of a two-class or regression network.
    pub const OUTPUT: NodeKey = NodeKey::Output(0);

    /// Every node of the network, column by column.
    pub fn all(network: &Network) -> Vec<NodeKey> {
        network
            .shape()
            .iter()
            .enumerate()
            .flat_map(|(column, &count)| (0..count).map(move |i| (column, i)))
            .map(|(column, index)| network.key_at(column, index))
            .collect()
    }

    /// Every edge (source, target) of the network, column after column.
    pub fn all_edges(network: &Network) -> Vec<(NodeKey, NodeKey)> {
        let shape = network.shape();
        let mut edges = Vec::new();
        for column in 1..shape.len() {
            for to in 0..shape[column] {
                for from in 0..shape[column - 1] {
                    edges.push((network.key_at(column - 1, from), network.key_at(column, to)));
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
            NodeKey::Output(0) => "Output neuron".into(),
            NodeKey::Output(k) => format!("Output neuron {}", k + 1),
        }
    }

    /// A short name for formulas: `x1`, `h2_3`, `out`, `out_2`.
    pub fn short_name(self) -> String {
        match self {
            NodeKey::Input(f) => f.name().to_string(),
            NodeKey::Hidden { layer, index } => format!("h{}_{}", layer + 1, index + 1),
            NodeKey::Output(0) => "output".into(),
            NodeKey::Output(k) => format!("output_{}", k + 1),
        }
    }
}

impl Network {
    /// (column, index) of a node: column 0 holds the input features, 1.. the hidden layers, the
    /// last the outputs. `None` if the node is not in the network.
    pub fn locate(&self, key: NodeKey) -> Option<(usize, usize)> {
        match key {
            NodeKey::Input(f) => self.features.iter().position(|g| *g == f).map(|i| (0, i)),
            NodeKey::Hidden { layer, index } => {
                let hidden = self.layers.len().checked_sub(1)?;
                (layer < hidden && index < self.layers[layer].neurons())
                    .then_some((layer + 1, index))
            }
            NodeKey::Output(k) => (k < self.outputs()).then_some((self.layers.len(), k)),
        }
    }

    /// The key of node `index` of `column` (no bounds check on `index`).
    pub fn key_at(&self, column: usize, index: usize) -> NodeKey {
        if column == 0 {
            NodeKey::Input(self.features[index])
        } else if column == self.layers.len() {
            NodeKey::Output(index)
        } else {
            NodeKey::Hidden {
                layer: column - 1,
                index,
            }
        }
    }

    /// The bias of a neuron (inputs have none).
    pub fn bias(&self, key: NodeKey) -> Option<f64> {
        let (column, index) = self.locate(key)?;
        let layer = self.layers.get(column.checked_sub(1)?)?;
        layer.biases.get(index).copied()
    }

    /// The weight of the link from `source` to `target`, and whether L1 killed it. `None` unless
    /// `target` is in the column right after `source`.
    pub fn weight(&self, source: NodeKey, target: NodeKey) -> Option<(f64, bool)> {
        let (layer, to, from) = self.link(source, target)?;
        let l = &self.layers[layer];
        Some((l.weights[[to, from]], l.dead[[to, from]]))
    }

    /// Sets a neuron's bias. Returns false (and changes nothing) if there is no such neuron.
    pub fn set_bias(&mut self, key: NodeKey, value: f64) -> bool {
        let Some((column, index)) = self.locate(key).filter(|(c, _)| *c > 0) else {
            return false;
        };
        self.layers[column - 1].biases[index] = value;
        true
    }

    /// Sets a link's weight; a weight typed by hand is alive again, even if L1 had killed it.
    /// Returns false (and changes nothing) if there is no such link.
    pub fn set_weight(&mut self, source: NodeKey, target: NodeKey, value: f64) -> bool {
        let Some((layer, to, from)) = self.link(source, target) else {
            return false;
        };
        let l = &mut self.layers[layer];
        l.weights[[to, from]] = value;
        l.dead[[to, from]] = false;
        true
    }

    /// (layer, row, column) of a link's weight in `layers`.
    fn link(&self, source: NodeKey, target: NodeKey) -> Option<(usize, usize, usize)> {
        let (column, from) = self.locate(source)?;
        let (target_column, to) = self.locate(target)?;
        (target_column == column + 1).then_some((column, to, from))
    }
}
