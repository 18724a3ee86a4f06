//! Scripted runs: `--screenshot PATH --after-frames N`, `--quit-after-frames N` and
//! `--dump-state PATH` (the game's state as JSON, every 20 frames and on exit), for tests and CI.

use std::path::PathBuf;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};
use serde::Serialize;

use crate::cli::GameArgs;
use crate::game::network_view::NetworkEntities;
use crate::game::network_view::edges::EdgeShape;
use crate::game::network_view::{Edge, FeatureChip, Neuron};
use crate::game::screens::Screen;
use crate::game::sim::Simulation;

#[derive(Resource, Debug, Clone)]
struct Script {
    screenshot: Option<PathBuf>,
    after_frames: u32,
    quit_after_frames: Option<u32>,
    dump_state: Option<PathBuf>,
    frames: u32,
    screenshot_requested: bool,
}

pub(super) fn plugin(app: &mut App, args: &GameArgs) {
    if args.screenshot.is_none() && args.quit_after_frames.is_none() && args.dump_state.is_none() {
        return;
    }
    app.insert_resource(Script {
        screenshot: args.screenshot.clone(),
        after_frames: args.after_frames,
        quit_after_frames: args.quit_after_frames,
        dump_state: args.dump_state.clone(),
        frames: 0,
        screenshot_requested: false,
    })
    .add_systems(Last, (run_script, dump_state).chain());
}

fn run_script(
    mut commands: Commands,
    mut script: ResMut<Script>,
    mut exit: MessageWriter<AppExit>,
) {
    script.frames += 1;
    if let Some(path) = script.screenshot.clone()
        && !script.screenshot_requested
        && script.frames >= script.after_frames
    {
        script.screenshot_requested = true;
        commands
            .spawn(Screenshot::primary_window())
            .observe(save_to_disk(path))
            .observe(
                |_: On<ScreenshotCaptured>, mut exit: MessageWriter<AppExit>| {
                    exit.write(AppExit::Success);
                },
            );
    }
    if script.quit_after_frames.is_some_and(|n| script.frames >= n) {
        exit.write(AppExit::Success);
    }
}

/// What `--dump-state` writes.
#[derive(Debug, Serialize)]
pub struct StateDump {
    /// Which screen was showing.
    pub screen: String,
    pub frames: u32,
    pub epoch: u64,
    pub playing: bool,
    pub features: Vec<String>,
    pub hidden_layers: Vec<usize>,
    pub neuron_entities: usize,
    pub edge_entities: usize,
    pub drawn_edges: usize,
    pub feature_chips: usize,
    pub train_loss: f64,
    pub test_loss: f64,
    pub test_accuracy: Option<f64>,
    pub diverged_at: Option<u64>,
    pub viewport: [f32; 4],
    /// Where things are on screen (window pixels), for scripted mouse input.
    pub positions: ScreenPositions,
}

/// Window coordinates of the pieces a script may want to drag.
#[derive(Debug, Serialize, Default)]
pub struct ScreenPositions {
    pub chips: std::collections::BTreeMap<String, [f32; 2]>,
    /// The centre of each column: inputs, hidden layers, output.
    pub columns: Vec<[f32; 2]>,
    pub layer_tile: [f32; 2],
    pub neuron_tile: [f32; 2],
    pub bin: [f32; 2],
}

/// Writes the state every 20 frames (so a script can watch it) and when the game exits.
fn dump_state(
    mut exits: MessageReader<AppExit>,
    script: Res<Script>,
    state: Res<State<Screen>>,
    sim: Res<Simulation>,
    entities: Res<NetworkEntities>,
    neurons: Query<(), With<Neuron>>,
    edges: Query<&EdgeShape, With<Edge>>,
    chips: Query<(), With<FeatureChip>>,
    viewport: Res<crate::game::network_view::NetworkViewport>,
) {
    let exiting = exits.read().count() > 0;
    if !exiting && !script.frames.is_multiple_of(20) {
        return;
    }
    let Some(path) = &script.dump_state else {
        return;
    };
    let experiment = &sim.experiment;
    let latest = experiment.latest();
    let dump = StateDump {
        screen: format!("{:?}", state.get()),
        frames: script.frames,
        epoch: experiment.epoch(),
        playing: sim.playing,
        features: experiment
            .network()
            .features
            .iter()
            .map(|f| f.name().to_string())
            .collect(),
        hidden_layers: experiment.network().hidden_sizes(),
        neuron_entities: neurons.iter().count(),
        edge_entities: edges.iter().count(),
        drawn_edges: edges.iter().filter(|s| s.width_quarters > 0).count(),
        feature_chips: chips.iter().count(),
        train_loss: latest.train_loss,
        test_loss: latest.test_loss,
        test_accuracy: latest.test_accuracy,
        diverged_at: experiment.divergence().map(|d| d.epoch),
        viewport: [
            viewport.min.x,
            viewport.min.y,
            viewport.size.x,
            viewport.size.y,
        ],
        positions: ScreenPositions::default(),
    };
    let to_window = |p: Vec2| {
        let w = viewport.world_to_window(p);
        [w.x, w.y]
    };
    let layout = &entities.layout;
    let tray = |kind| {
        layout
            .tray
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, p)| to_window(*p))
            .unwrap_or_default()
    };
    let mut dump = dump;
    dump.positions = ScreenPositions {
        chips: layout
            .chips
            .iter()
            .map(|(f, p)| (f.name().to_string(), to_window(*p)))
            .collect(),
        columns: layout
            .columns
            .iter()
            .map(|x| to_window(Vec2::new(*x, 0.0)))
            .collect(),
        layer_tile: tray(crate::game::network_view::layout::TrayKind::Layer),
        neuron_tile: tray(crate::game::network_view::layout::TrayKind::Neuron),
        bin: to_window(layout.bin.center()),
    };
    match serde_json::to_string_pretty(&dump) {
        Ok(text) => {
            // Written beside and renamed, so a reader never sees half a file.
            let partial = path.with_extension("partial");
            let written =
                std::fs::write(&partial, text).and_then(|_| std::fs::rename(&partial, path));
            if let Err(e) = written {
                error!("--dump-state {}: {e}", path.display());
            }
        }
        Err(e) => error!("--dump-state: {e}"),
    }
}
