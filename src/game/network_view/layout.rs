//! Where every node of the network goes in the network view (pure geometry, no ECS).

use bevy::prelude::*;

use super::{NodeKey, ViewOptions};
use crate::data::Feature;
use crate::nn::Network;

/// The smallest scale a view draws its neurons at (a view of many neurons in little room).
pub const MIN_SCALE: f32 = 0.15;

/// Room a non-editable view needs at `scale` for `rows` neurons in its widest column.
pub fn height_needed(rows: usize, scale: f32) -> f32 {
    let header = 24.0 * scale + 8.0;
    let tray = 8.0;
    header + tray + 20.0 + rows.max(8) as f32 * (NEURON_SIZE + 6.0) * scale
}

/// Side of a neuron's square, in logical pixels.
pub const NEURON_SIZE: f32 = 38.0;
/// Side of the output neuron.
pub const OUTPUT_SIZE: f32 = 46.0;
/// Side of a feature chip in the palette.
pub const CHIP_SIZE: f32 = 30.0;

/// The positions of everything in the network view, for a network and a view size.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    pub view_size: Vec2,
    /// Centre of every node, keyed by node.
    pub nodes: Vec<(NodeKey, Vec2)>,
    /// Centre of every palette chip.
    pub chips: Vec<(Feature, Vec2)>,
    /// x of each column: inputs, hidden layers, output.
    pub columns: Vec<f32>,
    /// Where the palette column is.
    pub palette_x: f32,
    /// Top of the tallest column (headers with +/- go above it).
    pub top: f32,
    /// Vertical distance between neighbouring nodes.
    pub spacing: f32,
    /// Height of the handles above the hidden layers (dragged out to remove a layer).
    pub grip_y: f32,
    /// The parts tray along the bottom: a new layer, a new neuron.
    pub tray: Vec<(TrayKind, Vec2)>,
    /// Where dropping removes what is dragged (the tray's bin).
    pub bin: Rect,
    /// The network: dropping inside adds or moves; outside removes.
    pub band: Rect,
    /// Size of the neurons relative to the standard one.
    pub node_scale: f32,
}

/// What a tile of the parts tray gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrayKind {
    Layer,
    Neuron,
}

/// Size of a tray tile.
pub const TILE_SIZE: Vec2 = Vec2::new(112.0, 34.0);
/// Size of a layer's handle.
pub const GRIP_SIZE: Vec2 = Vec2::new(46.0, 12.0);
/// The narrowest the tray's bin gets while there is room (its label fits).
const BIN_MIN_WIDTH: f32 = 110.0;
/// Half the width of a column's drop zone.
pub const COLUMN_HALF_WIDTH: f32 = 38.0;

impl Layout {
    /// Lays out `network` in a view of `size` logical pixels centred on the origin (y up). An
    /// editable view keeps room for the feature palette on the left and the parts tray below.
    pub fn compute(network: &Network, size: Vec2, options: &ViewOptions) -> Self {
        let size = size.max(Vec2::new(160.0, 120.0));
        let scale = options.scale.clamp(MIN_SCALE, 2.0);
        let editable = options.editable;
        let hidden = network.hidden_sizes();
        let left = -size.x / 2.0;
        let right = size.x / 2.0;
        let palette_x = left + 34.0;
        let input_x = if editable {
            left + 150.0
        } else {
            left + 44.0 * scale + 20.0
        };
        let output_x = right - 60.0 * scale;
        let mut columns = vec![input_x];
        let gaps = hidden.len() + 1;
        for k in 0..hidden.len() {
            columns.push(input_x + (output_x - input_x) * (k + 1) as f32 / gaps as f32);
        }
        columns.push(output_x);

        // Eight neurons (or seven chips) must fit between the column headers and the tray.
        let header = if editable { 78.0 } else { 24.0 * scale + 8.0 };
        let tray = if editable { 64.0 } else { 8.0 };
        let usable = size.y - header - tray - 20.0;
        let neuron = NEURON_SIZE * scale;
        // Room for eight rows, or for the widest column when it has more (small scales).
        let rows = hidden
            .iter()
            .copied()
            .chain([network.features.len()])
            .max()
            .unwrap_or(1)
            .max(8) as f32;
        let spacing = (usable / rows).clamp(neuron + 6.0 * scale, 70.0 * scale);
        let center_y = (size.y / 2.0 - header + (-size.y / 2.0 + tray)) / 2.0;
        let column_y = |count: usize, k: usize| -> f32 {
            center_y + spacing * ((count as f32 - 1.0) / 2.0 - k as f32)
        };

        let mut nodes = Vec::new();
        for (k, f) in network.features.iter().enumerate() {
            nodes.push((
                NodeKey::Input(*f),
                Vec2::new(input_x, column_y(network.features.len(), k)),
            ));
        }
        for (layer, &count) in hidden.iter().enumerate() {
            for index in 0..count {
                nodes.push((
                    NodeKey::Hidden { layer, index },
                    Vec2::new(columns[layer + 1], column_y(count, index)),
                ));
            }
        }
        let outputs = network.outputs();
        let output_spacing = if outputs > 1 {
            spacing.max(OUTPUT_SIZE * scale + 6.0)
        } else {
            spacing
        };
        for k in 0..outputs {
            let y = center_y + output_spacing * ((outputs as f32 - 1.0) / 2.0 - k as f32);
            nodes.push((NodeKey::Output(k), Vec2::new(output_x, y)));
        }

        let chips = if editable {
            chip_places(usable, center_y, palette_x)
        } else {
            Vec::new()
        };
        let top = center_y + spacing * 3.5 + neuron / 2.0;
        let tray_y = -size.y / 2.0 + tray / 2.0 + 4.0;
        let (tray_tiles, bin) = tray_places(input_x, (left, right), tray_y, editable);
        let band = Rect::new(
            input_x - COLUMN_HALF_WIDTH - 12.0,
            -size.y / 2.0 + tray + 6.0,
            output_x + COLUMN_HALF_WIDTH + 12.0,
            size.y / 2.0,
        );
        Self {
            view_size: size,
            nodes,
            chips,
            columns,
            palette_x,
            top,
            spacing,
            grip_y: top + 12.0,
            tray: tray_tiles,
            bin,
            band,
            node_scale: scale,
        }
    }

    /// The side of a node's square in this layout.
    pub fn node_size(&self, key: NodeKey) -> f32 {
        node_size(key) * self.node_scale
    }

    pub fn position(&self, key: NodeKey) -> Option<Vec2> {
        self.nodes.iter().find(|(k, _)| *k == key).map(|(_, p)| *p)
    }

    pub fn chip(&self, feature: Feature) -> Option<Vec2> {
        self.chips
            .iter()
            .find(|(f, _)| *f == feature)
            .map(|(_, p)| *p)
    }
}

/// Where the feature chips stand in the palette on the left (editable views).
fn chip_places(usable: f32, center_y: f32, palette_x: f32) -> Vec<(Feature, Vec2)> {
    let chip_spacing = (usable / 7.0).clamp(CHIP_SIZE + 14.0, 62.0);
    Feature::ALL
        .iter()
        .enumerate()
        .map(|(k, f)| {
            let y = center_y + chip_spacing * (3.0 - k as f32);
            (*f, Vec2::new(palette_x, y))
        })
        .collect()
}

/// The tray's tiles (a layer, a neuron) and the bin beside them, at the foot of the view.
fn tray_places(
    input_x: f32,
    (left, right): (f32, f32),
    tray_y: f32,
    editable: bool,
) -> (Vec<(TrayKind, Vec2)>, Rect) {
    // The tiles start under the inputs; in a narrow view (a phone) they move left so that
    // the bin keeps room for its label.
    let after_first_tile = 2.0 * (TILE_SIZE.x + 16.0) - TILE_SIZE.x / 2.0 + BIN_MIN_WIDTH;
    let first_tile_x = (input_x + 40.0)
        .min(right - 10.0 - after_first_tile)
        .max(left + 8.0 + TILE_SIZE.x / 2.0);
    let tray_tiles = if editable {
        vec![
            (TrayKind::Layer, Vec2::new(first_tile_x, tray_y)),
            (
                TrayKind::Neuron,
                Vec2::new(first_tile_x + TILE_SIZE.x + 16.0, tray_y),
            ),
        ]
    } else {
        Vec::new()
    };
    let bin_left = first_tile_x + 2.0 * (TILE_SIZE.x + 16.0) - TILE_SIZE.x / 2.0;
    let bin = Rect::new(
        bin_left,
        tray_y - TILE_SIZE.y / 2.0,
        (right - 10.0).max(bin_left + 10.0),
        tray_y + TILE_SIZE.y / 2.0,
    );
    (tray_tiles, bin)
}

/// The side of a node's square at the standard scale.
pub fn node_size(key: NodeKey) -> f32 {
    match key {
        NodeKey::Output(_) => OUTPUT_SIZE,
        _ => NEURON_SIZE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::{Experiment, ExperimentConfig};

    #[test]
    fn every_node_has_a_distinct_place_inside_the_view() {
        let config = ExperimentConfig {
            features: Feature::ALL.to_vec(),
            hidden_layers: vec![8; 6],
            ..ExperimentConfig::default()
        };
        let e = Experiment::new(config).unwrap();
        let size = Vec2::new(640.0, 520.0);
        let layout = Layout::compute(e.network(), size, &ViewOptions::default());
        assert_eq!(layout.nodes.len(), 7 + 48 + 1);
        for (i, (_, a)) in layout.nodes.iter().enumerate() {
            assert!(
                a.x.abs() <= size.x / 2.0 && a.y.abs() <= size.y / 2.0,
                "{a}"
            );
            for (_, b) in &layout.nodes[i + 1..] {
                assert!(a.distance(*b) >= NEURON_SIZE, "{a} {b}");
            }
        }
        assert_eq!(layout.columns.len(), 8);
        assert!(layout.columns.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn several_outputs_and_small_read_only_views_fit() {
        let config = ExperimentConfig {
            dataset: crate::data::DatasetKind::Blobs,
            classes: 6,
            hidden_layers: vec![8, 8],
            ..ExperimentConfig::default()
        };
        let e = Experiment::new(config).unwrap();
        let options = ViewOptions {
            editable: false,
            scale: 0.6,
            ..ViewOptions::default()
        };
        let size = Vec2::new(320.0, 260.0);
        let layout = Layout::compute(e.network(), size, &options);
        assert_eq!(layout.nodes.len(), 2 + 16 + 6);
        assert!(layout.chips.is_empty() && layout.tray.is_empty());
        for (key, p) in &layout.nodes {
            let half = layout.node_size(*key) / 2.0;
            assert!(p.x.abs() + half <= size.x / 2.0, "{key:?} at {p}");
        }
    }
}
