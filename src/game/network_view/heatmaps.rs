//! Heatmaps: every neuron's output over the plane, recomputed at most once per frame and only
//! when the weights (or the display) changed, painted into each neuron's texture and into the
//! large output view.

use bevy::platform::time::Instant;
use bevy::prelude::*;

use super::neurons::{BiasMarker, THUMBNAIL_SIZE, blank_heatmap};
use super::{DisplayOptions, Neuron, NodeKey};
use crate::game::diagnostics::WorkTimings;
use crate::game::screens::Workbench;
use crate::game::sim::{SimSet, Simulation};
use crate::game::theme::palette;
use crate::nn::{GridEvaluator, NeuronGrids};

/// The large output view's grid, as in the Playground.
pub const OUTPUT_GRID: usize = 100;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<HoveredNode>()
        .add_systems(Startup, create_state)
        .add_systems(
            Update,
            refresh_heatmaps
                .in_set(SimSet::Mirror)
                .after(super::neurons::sync_entities)
                .run_if(in_state(Workbench)),
        );
}

/// The node under the pointer: its heatmap is shown large in the output view.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq)]
pub struct HoveredNode(pub Option<NodeKey>);

/// What the heatmaps were last drawn from.
#[derive(Debug, Clone, PartialEq)]
struct Drawn {
    weights_version: u64,
    shape_version: u64,
    display: DisplayOptions,
    diverged: bool,
    shown: NodeKey,
    neurons: usize,
}

#[derive(Resource)]
pub struct HeatmapState {
    evaluator: GridEvaluator,
    drawn: Option<Drawn>,
    reduced: Vec<f32>,
    /// The large view: the output, or the hovered node.
    pub output_image: Handle<Image>,
    /// Which node the large view shows.
    pub shown: NodeKey,
    /// How many times the grids were evaluated (tests check "only when needed").
    pub evaluations: u64,
}

impl HeatmapState {
    /// The last evaluated grids (every node, 100 x 100).
    pub fn grids(&self) -> &NeuronGrids {
        self.evaluator.grids()
    }
}

fn create_state(mut commands: Commands, mut images: ResMut<Assets<Image>>) {
    commands.insert_resource(HeatmapState {
        evaluator: GridEvaluator::new(OUTPUT_GRID),
        drawn: None,
        reduced: Vec::new(),
        output_image: images.add(blank_heatmap(OUTPUT_GRID)),
        shown: NodeKey::Output,
        evaluations: 0,
    });
}

pub fn refresh_heatmaps(
    sim: Res<Simulation>,
    state: Option<ResMut<HeatmapState>>,
    display: Res<DisplayOptions>,
    hovered: Res<HoveredNode>,
    mut images: ResMut<Assets<Image>>,
    neurons: Query<(&Neuron, &Sprite)>,
    mut markers: Query<(&ChildOf, &mut Sprite), (With<BiasMarker>, Without<Neuron>)>,
    parents: Query<&Neuron>,
    mut timings: ResMut<WorkTimings>,
) {
    let Some(mut state) = state else { return };
    let experiment = &sim.experiment;
    let network = experiment.network();
    let shown = hovered
        .0
        .filter(|k| k.locate(network).is_some())
        .unwrap_or(NodeKey::Output);
    let wanted = Drawn {
        weights_version: experiment.weights_version(),
        shape_version: experiment.shape_version(),
        display: *display,
        diverged: experiment.divergence().is_some(),
        shown,
        neurons: neurons.iter().count(),
    };
    if state.drawn.as_ref() == Some(&wanted) {
        return;
    }
    let start = Instant::now();
    let needs_evaluation = state.drawn.as_ref().is_none_or(|d| {
        d.weights_version != wanted.weights_version || d.shape_version != wanted.shape_version
    });
    let state = &mut *state;
    if needs_evaluation {
        state.evaluator.evaluate(network);
        state.evaluations += 1;
    }
    let grids = state.evaluator.grids();
    let discretize = display.discretize;
    let diverged = wanted.diverged;

    for (neuron, sprite) in &neurons {
        let Some((column, index)) = neuron.key.locate(network) else {
            continue;
        };
        let Some(grid) = grids.node(column, index) else {
            continue;
        };
        NeuronGrids::reduce(grid, grids.size, THUMBNAIL_SIZE, &mut state.reduced);
        if let Some(mut image) = images.get_mut(&sprite.image)
            && let Some(data) = image.data.as_mut()
            && data.len() == state.reduced.len() * 4
        {
            // Only the output is discretised, as in the Playground.
            let sign_only = discretize && neuron.key == NodeKey::Output;
            palette::paint_heatmap(&state.reduced, sign_only, diverged, data);
        }
    }

    if let Some((column, index)) = shown.locate(network)
        && let Some(grid) = grids.node(column, index)
        && let Some(mut image) = images.get_mut(&state.output_image)
        && let Some(data) = image.data.as_mut()
    {
        palette::paint_heatmap(grid, discretize, diverged, data);
    }
    state.shown = shown;

    for (parent, mut sprite) in &mut markers {
        if let Ok(neuron) = parents.get(parent.parent())
            && let Some((column, index)) = neuron.key.locate(network)
            && column > 0
        {
            let bias = network.layers[column - 1].biases[index];
            let rgb = if diverged || !bias.is_finite() {
                palette::DIVERGED
            } else {
                palette::scale_color(bias as f32)
            };
            sprite.color = palette::to_color(rgb);
        }
    }
    state.drawn = Some(wanted);
    timings.heatmaps += start.elapsed();
}
