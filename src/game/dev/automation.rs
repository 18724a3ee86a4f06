//! Scripted runs: `--screenshot PATH --after-frames N`, `--quit-after-frames N` and
//! `--dump-state PATH` (the game's state as JSON, every 20 frames and on exit), for tests and CI.
//! The state is the active mode's [`Status`] plus what the main network view shows and where its
//! pieces are on screen (for scripted mouse input).

use std::path::PathBuf;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};

use crate::game::args::DevArgs;
use crate::game::network_view::edges::EdgeShape;
use crate::game::network_view::{
    Edge, FeatureChip, InView, NetworkView, Neuron, PrimaryView, ViewEntities, ViewRect,
};
use crate::game::screens::Screen;
use crate::game::status::Status;

#[derive(Resource, Debug, Clone)]
struct Script {
    screenshot: Option<PathBuf>,
    after_frames: u32,
    quit_after_frames: Option<u32>,
    dump_state: Option<PathBuf>,
    frames: u32,
    screenshot_requested: bool,
}

pub fn plugin(app: &mut App, args: &DevArgs) {
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

/// Writes the state every 20 frames (so a script can watch it) and when the game exits.
fn dump_state(
    mut exits: MessageReader<AppExit>,
    script: Res<Script>,
    state: Res<State<Screen>>,
    status: Res<Status>,
    views: Query<(Entity, &NetworkView, &ViewRect, &ViewEntities), With<PrimaryView>>,
    neurons: Query<&InView, With<Neuron>>,
    edges: Query<(&InView, &EdgeShape), With<Edge>>,
    chips: Query<&InView, With<FeatureChip>>,
) {
    let exiting = exits.read().count() > 0;
    if !exiting && !script.frames.is_multiple_of(20) {
        return;
    }
    let Some(path) = &script.dump_state else {
        return;
    };
    let mut dump = status.fields.clone();
    dump.insert("screen".into(), format!("{:?}", state.get()).into());
    dump.insert("frames".into(), script.frames.into());
    // Every view's neurons (a mode may show several networks).
    dump.insert("all_neuron_entities".into(), neurons.iter().count().into());
    if let Ok((root, view, rect, entities)) = views.single() {
        let mine = |v: &InView| v.0 == root;
        let network = &view.network;
        dump.insert(
            "features".into(),
            network
                .features
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .into(),
        );
        dump.insert("hidden_layers".into(), network.hidden_sizes().into());
        dump.insert(
            "neuron_entities".into(),
            neurons.iter().filter(|v| mine(v)).count().into(),
        );
        dump.insert(
            "edge_entities".into(),
            edges.iter().filter(|(v, _)| mine(v)).count().into(),
        );
        dump.insert(
            "drawn_edges".into(),
            edges
                .iter()
                .filter(|(v, s)| mine(v) && s.width_quarters > 0)
                .count()
                .into(),
        );
        dump.insert(
            "feature_chips".into(),
            chips.iter().filter(|v| mine(v)).count().into(),
        );
        dump.insert(
            "viewport".into(),
            vec![rect.min.x, rect.min.y, rect.size.x, rect.size.y].into(),
        );
        dump.insert(
            "positions".into(),
            crate::game::network_view::positions_json(rect, &entities.layout),
        );
    }
    match serde_json::to_string_pretty(&serde_json::Value::Object(dump)) {
        Ok(text) => {
            // Written beside and renamed, so a reader never sees half a file.
            let partial = path.with_extension("partial");
            let written =
                std::fs::write(&partial, text).and_then(|_| std::fs::rename(&partial, path));
            if let Err(e) = written {
                tracing::error!("--dump-state {}: {e}", path.display());
            }
        }
        Err(e) => tracing::error!("--dump-state: {e}"),
    }
}
