//! The web build's window onto the game for tests and teachers' tools: every few frames the
//! state (screen, epoch, shape, losses, speed, last notice) is written as JSON to
//! `window.neuralSandboxState`.

use bevy::prelude::*;

use crate::game::notices::Notices;
use crate::game::screens::Screen;
use crate::game::sim::Simulation;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Last, publish_state);
}

/// The link the page was opened with (`#cfg=...`), if any.
pub fn page_fragment() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    (!hash.is_empty()).then_some(hash)
}

fn publish_state(
    screen: Res<State<Screen>>,
    sim: Res<Simulation>,
    notices: Res<Notices>,
    catalog: Res<crate::game::levels::LevelCatalog>,
    mut frame: Local<u64>,
) {
    *frame += 1;
    if *frame % 5 != 1 {
        return;
    }
    let experiment = &sim.experiment;
    let latest = experiment.latest();
    let state = serde_json::json!({
        "frames": *frame,
        "screen": format!("{:?}", screen.get()),
        "epoch": experiment.epoch(),
        "playing": sim.playing,
        "epochs_per_second": sim.measured_rate,
        "dataset": experiment.config().dataset.name(),
        "learning_rate": experiment.config().learning_rate,
        "features": experiment.network().features.iter().map(|f| f.name()).collect::<Vec<_>>(),
        "hidden_layers": experiment.network().hidden_sizes(),
        "test_loss": latest.test_loss,
        "test_accuracy": latest.test_accuracy,
        "notices": notices.items.iter().map(|n| n.text.clone()).collect::<Vec<_>>(),
        "levels": catalog.levels().len(),
        "level_problems": catalog.problems.len() + catalog.entries.iter().filter(|e| e.level.is_err()).count(),
    });
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(
            &window,
            &wasm_bindgen::JsValue::from_str("neuralSandboxState"),
            &wasm_bindgen::JsValue::from_str(&state.to_string()),
        );
    }
}
