//! Scripted runs: `--screenshot PATH --after-frames N`, `--quit-after-frames N` and
//! `--dump-state PATH` (the game's state as JSON when it exits), for tests and CI.

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
    .add_systems(Last, (run_script, dump_state_on_exit).chain());
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
}

fn dump_state_on_exit(
    mut exits: MessageReader<AppExit>,
    script: Res<Script>,
    screen: Res<State<Screen>>,
    sim: Res<Simulation>,
    entities: Res<NetworkEntities>,
    neurons: Query<(), With<Neuron>>,
    edges: Query<&EdgeShape, With<Edge>>,
    chips: Query<(), With<FeatureChip>>,
    viewport: Res<crate::game::network_view::NetworkViewport>,
) {
    if exits.read().count() == 0 {
        return;
    }
    let Some(path) = &script.dump_state else {
        return;
    };
    let experiment = &sim.experiment;
    let latest = experiment.latest();
    let dump = StateDump {
        screen: format!("{:?}", screen.get()),
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
    };
    let _ = entities;
    match serde_json::to_string_pretty(&dump) {
        Ok(text) => {
            if let Err(e) = std::fs::write(path, text) {
                error!("--dump-state {}: {e}", path.display());
            }
        }
        Err(e) => error!("--dump-state: {e}"),
    }
}
