//! The web build's window onto the game for tests and teachers' tools: every few frames the
//! active mode's status (screen, epoch, shape, losses, speed, last notices) and the levels found
//! are written as JSON to `window.neuralSandboxState`.

use bevy::prelude::*;

use crate::game::levels::LevelCatalog;
use crate::game::screens::Screen;
use crate::game::status::Status;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Last, publish_state);
}

/// Panics go to the browser's console (where the page and its tests look for them): the web
/// build has no log subscriber, whose size would buy nothing else.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("neural-sandbox {info}").into());
    }));
}

/// The link the page was opened with (`#cfg=...`), if any.
pub fn page_fragment() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    (!hash.is_empty()).then_some(hash)
}

/// The page's address if it is a class link (`?class=CODE`; the server is the page's own).
pub fn page_class_link() -> Option<String> {
    let href = web_sys::window()?.location().href().ok()?;
    let query = href.split('#').next()?.split_once('?')?.1;
    query
        .split('&')
        .any(|pair| pair.starts_with("class="))
        .then_some(href)
}

fn publish_state(
    screen: Res<State<Screen>>,
    status: Res<Status>,
    catalog: Res<LevelCatalog>,
    notices: Res<crate::game::notices::Notices>,
    class: Res<crate::game::class::ClassLink>,
    saved: Option<Res<crate::game::save::SavedProgress>>,
    mut frame: Local<u64>,
) {
    *frame += 1;
    if *frame % 5 != 1 {
        return;
    }
    let mut state = status.fields.clone();
    state.insert("frames".into(), (*frame).into());
    state.insert("screen".into(), format!("{:?}", screen.get()).into());
    state.insert("levels".into(), catalog.levels().len().into());
    let problems =
        catalog.problems.len() + catalog.entries.iter().filter(|e| e.level.is_err()).count();
    state.insert("level_problems".into(), problems.into());
    // What the player was last told could not be done (a refused file, a bad link).
    state.insert("last_refusal".into(), notices.last_refusal().into());
    state.extend(crate::game::class::status_fields(&class, saved.as_deref()));
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(
            &window,
            &wasm_bindgen::JsValue::from_str("neuralSandboxState"),
            &wasm_bindgen::JsValue::from_str(&serde_json::Value::Object(state).to_string()),
        );
    }
}
