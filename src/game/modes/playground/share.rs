//! Share links: the sandbox's configuration in the page's URL (`#cfg=...`). On the web the address
//! bar always holds the current configuration and "Copy link" puts it on the clipboard; opening
//! such a link restores it. Natively, `--link URL` does the same.

use bevy::prelude::*;

use crate::experiment::ExperimentConfig;
use crate::presets::Preset;

/// A link given at start: a configuration to open, or why it was refused.
pub fn start_from_link(link: &str) -> Result<Preset, String> {
    let fragment = link.split_once('#').map_or(link, |(_, f)| f);
    crate::share::decode(fragment).map(|config| Preset {
        name: "link",
        title: "Shared link",
        lesson: "A configuration someone shared.",
        config,
    })
}

/// The link for a configuration: the page's address with the configuration as its fragment
/// (on the web), or just the fragment (natively, where there is no page).
pub fn link_for(config: &ExperimentConfig) -> String {
    let fragment = crate::share::encode(config);
    match page_address() {
        Some(base) => format!("{base}#{fragment}"),
        None => format!("#{fragment}"),
    }
}

#[cfg(target_arch = "wasm32")]
fn page_address() -> Option<String> {
    let location = web_sys::window()?.location();
    let href = location.href().ok()?;
    Some(href.split('#').next().unwrap_or(&href).to_string())
}

#[cfg(not(target_arch = "wasm32"))]
fn page_address() -> Option<String> {
    None
}

/// Copies text to the clipboard where the platform lets the game do it. Returns whether it did.
pub fn copy_to_clipboard(text: &str) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        if let Some(window) = web_sys::window() {
            let _promise = window.navigator().clipboard().write_text(text);
            return true;
        }
        false
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = text;
        false
    }
}

/// Keeps the address bar's fragment in step with the sandbox (web only), so the address itself
/// is always a link to what is on screen.
pub(super) fn plugin(app: &mut App) {
    #[cfg(target_arch = "wasm32")]
    app.add_systems(
        Last,
        mirror_config_in_address.run_if(in_state(crate::game::screens::Screen::Sandbox)),
    );
    let _ = app;
}

#[cfg(target_arch = "wasm32")]
fn mirror_config_in_address(
    sim: Res<super::Simulation>,
    mut last: Local<Option<ExperimentConfig>>,
) {
    let config = sim.experiment.config();
    if last.as_ref() == Some(config) {
        return;
    }
    *last = Some(config.clone());
    let Some(window) = web_sys::window() else {
        return;
    };
    let fragment = format!("#{}", crate::share::encode(config));
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&fragment));
    }
}
