//! Heatmaps: every neuron's output over the plane, recomputed at most once per frame and only
//! when the weights (or the display) changed, painted into each neuron's texture and into the
//! view's large image (the output, or the node under the pointer).
//!
//! With several classes, each output neuron shows the probability of its class in its colour,
//! and the large image shows the winning class at every point, shaded by confidence.

use bevy::platform::time::Instant;
use bevy::prelude::*;

use super::hover::ViewHover;
use super::neurons::{BiasMarker, THUMBNAIL_SIZE};
use super::{InView, NetworkView, Neuron, NodeKey, ViewSet};
use crate::game::frame_budget::WorkTimings;
use crate::game::theme::palette;
use crate::nn::{GridEvaluator, NeuronGrids};

/// The large output view's grid, as in the Playground.
pub const OUTPUT_GRID: usize = 100;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Update, refresh_heatmaps.in_set(ViewSet::Paint));
}

/// What a view's heatmaps were last drawn from.
#[derive(Debug, Clone, PartialEq)]
struct Drawn {
    weights_version: u64,
    shape_version: u64,
    discretize: bool,
    diverged: bool,
    dimmed: bool,
    shown: NodeKey,
    neurons: usize,
}

/// A view's heatmaps: the evaluator of its grids and the large image.
#[derive(Component, Default)]
pub struct ViewHeatmaps {
    evaluator: Option<GridEvaluator>,
    drawn: Option<Drawn>,
    reduced: Vec<f32>,
    winners: Vec<(u8, f32)>,
    /// The large image: the output, or the hovered node.
    pub output_image: Option<Handle<Image>>,
    /// Which node the large image shows.
    pub shown: Option<NodeKey>,
    /// How many times the grids were evaluated (tests check "only when needed").
    pub evaluations: u64,
}

impl ViewHeatmaps {
    /// The last evaluated grids (every node), if any.
    pub fn grids(&self) -> Option<&NeuronGrids> {
        self.evaluator.as_ref().map(|e| e.grids())
    }
}

pub fn refresh_heatmaps(
    mut views: Query<(Entity, &NetworkView, &ViewHover, &mut ViewHeatmaps)>,
    mut images: ResMut<Assets<Image>>,
    neurons: Query<(&Neuron, &InView, &Sprite)>,
    mut markers: Query<(&ChildOf, &mut Sprite), (With<BiasMarker>, Without<Neuron>)>,
    parents: Query<&Neuron>,
    mut timings: ResMut<WorkTimings>,
) {
    for (root, view, hover, mut state) in &mut views {
        let network = &view.network;
        let shown = hover
            .node
            .filter(|k| network.locate(*k).is_some())
            .unwrap_or(NodeKey::OUTPUT);
        let count = neurons.iter().filter(|(_, v, _)| v.0 == root).count();
        let wanted = Drawn {
            weights_version: view.weights_version,
            shape_version: view.shape_version,
            discretize: view.discretize,
            diverged: view.diverged,
            dimmed: view.dimmed,
            shown,
            neurons: count,
        };
        if state.drawn.as_ref() == Some(&wanted) {
            continue;
        }
        let start = Instant::now();
        let state = &mut *state;
        let needs_evaluation = state.drawn.as_ref().is_none_or(|d| {
            d.weights_version != wanted.weights_version || d.shape_version != wanted.shape_version
        });
        let evaluator = state.evaluator.get_or_insert_with(|| {
            let (lo, hi) = view.options.domain;
            GridEvaluator::with_domain(view.options.output_grid, lo, hi)
        });
        if needs_evaluation {
            evaluator.evaluate(network);
            state.evaluations += 1;
        }
        let grids = evaluator.grids();
        let paint = Paint {
            view,
            grids,
            classes: view.classes(),
            // A dimmed view is painted grey, as a diverged one is.
            diverged: view.diverged || view.dimmed,
        };
        if view.options.heatmaps {
            paint.neuron_thumbnails(root, &neurons, &mut images, &mut state.reduced);
        }
        let size = grids.size;
        let image_handle = state
            .output_image
            .get_or_insert_with(|| images.add(palette::blank_heatmap(size)))
            .clone();
        if let Some(mut image) = images.get_mut(&image_handle)
            && let Some(data) = image.data.as_mut()
        {
            paint.large_image(shown, hover.node.is_none(), &mut state.winners, data);
        }
        state.shown = Some(shown);
        colour_bias_markers(
            root,
            network,
            paint.diverged,
            &neurons,
            &mut markers,
            &parents,
        );
        state.drawn = Some(wanted);
        timings.heatmaps += start.elapsed();
    }
}

/// What a view's pictures are painted from this frame.
struct Paint<'a> {
    view: &'a NetworkView,
    grids: &'a NeuronGrids,
    classes: usize,
    /// Painted grey: the weights are no numbers, or the view is dimmed.
    diverged: bool,
}

impl Paint<'_> {
    /// Every neuron's own small heatmap.
    fn neuron_thumbnails(
        &self,
        root: Entity,
        neurons: &Query<(&Neuron, &InView, &Sprite)>,
        images: &mut Assets<Image>,
        reduced: &mut Vec<f32>,
    ) {
        for (neuron, in_view, sprite) in neurons {
            if in_view.0 != root {
                continue;
            }
            let Some((column, index)) = self.view.network.locate(neuron.key) else {
                continue;
            };
            let Some(grid) = self.grids.node(column, index) else {
                continue;
            };
            NeuronGrids::reduce(grid, self.grids.size, THUMBNAIL_SIZE, reduced);
            if let Some(mut image) = images.get_mut(&sprite.image)
                && let Some(data) = image.data.as_mut()
                && data.len() == reduced.len() * 4
            {
                match neuron.key {
                    NodeKey::OUTPUT if self.view.options.realness_output => {
                        palette::paint_realness(reduced, self.diverged, data)
                    }
                    NodeKey::Output(k) if self.classes > 2 => palette::paint_probability(
                        reduced,
                        palette::class_color(k, self.classes),
                        self.diverged,
                        data,
                    ),
                    // Only the output is discretised, as in the Playground.
                    key => palette::paint_heatmap(
                        reduced,
                        self.view.discretize && key == NodeKey::OUTPUT,
                        self.diverged,
                        data,
                    ),
                }
            }
        }
    }

    /// The large image: the output (with several classes, the winning class at every point),
    /// or the node under the pointer.
    fn large_image(
        &self,
        shown: NodeKey,
        nothing_hovered: bool,
        winners: &mut Vec<(u8, f32)>,
        data: &mut [u8],
    ) {
        match shown {
            NodeKey::OUTPUT if self.view.options.realness_output => {
                if let Some(grid) = self.grids.node(self.view.network.layers.len(), 0) {
                    palette::paint_realness(grid, self.diverged, data);
                }
            }
            NodeKey::Output(_) if self.classes > 2 && nothing_hovered => {
                self.grids.winning_classes(winners);
                palette::paint_classes(
                    winners,
                    self.classes,
                    self.view.discretize,
                    self.diverged,
                    data,
                );
            }
            NodeKey::Output(k) if self.classes > 2 => {
                if let Some(grid) = self.grids.node(self.view.network.layers.len(), k) {
                    palette::paint_probability(
                        grid,
                        palette::class_color(k, self.classes),
                        self.diverged,
                        data,
                    );
                }
            }
            key => {
                if let Some((column, index)) = self.view.network.locate(key)
                    && let Some(grid) = self.grids.node(column, index)
                {
                    palette::paint_heatmap(grid, self.view.discretize, self.diverged, data);
                }
            }
        }
    }
}

/// Every bias marker of the view coloured by its bias.
fn colour_bias_markers(
    root: Entity,
    network: &crate::nn::Network,
    diverged: bool,
    neurons: &Query<(&Neuron, &InView, &Sprite)>,
    markers: &mut Query<(&ChildOf, &mut Sprite), (With<BiasMarker>, Without<Neuron>)>,
    parents: &Query<&Neuron>,
) {
    for (parent, mut sprite) in markers.iter_mut() {
        let Ok(neuron) = parents.get(parent.parent()) else {
            continue;
        };
        let Some(bias) = network.bias(neuron.key) else {
            continue;
        };
        if neurons
            .get(parent.parent())
            .is_ok_and(|(_, v, _)| v.0 != root)
        {
            continue;
        }
        let rgb = if diverged || !bias.is_finite() {
            palette::DIVERGED
        } else {
            palette::scale_color(bias as f32)
        };
        sprite.color = palette::to_color(rgb);
    }
}
