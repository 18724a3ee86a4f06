//! Share links: the sandbox's configuration in the page's URL (`#cfg=...`). On the web the address
//! bar always holds the current configuration and "Copy link" puts it on the clipboard; opening
//! such a link restores it. Natively, `--link URL` does the same.

use bevy::prelude::*;

use crate::data::Data;
use crate::experiment::Experiment;
use crate::presets::Preset;

/// A link given at start: a configuration to open, the student's points it carries and what to
/// say about it; or why it was refused. Links of the real TensorFlow Playground are read too.
pub fn start_from_link(link: &str) -> Result<(Preset, Option<Data>, Vec<String>), String> {
    if crate::experiment::playground_link::looks_like_playground_link(link) {
        let read = crate::experiment::playground_link::parse(
            link,
            crate::experiment::playground_link::FALLBACK_SEED,
        )
        .map_err(|errors| {
            format!(
                "This Playground link cannot be opened: {}.",
                errors.join("; ")
            )
        })?;
        let preset = Preset {
            name: "playground-link",
            title: "TensorFlow Playground link",
            lesson: "A link from TensorFlow Playground, with the page's own data and first weights.",
            config: read.config,
        };
        return Ok((preset, None, read.notes));
    }
    let fragment = link.split_once('#').map_or(link, |(_, f)| f);
    crate::share::decode_with_points(fragment).map(|(config, points)| {
        let preset = Preset {
            name: "link",
            title: "Shared link",
            lesson: "A configuration someone shared.",
            config,
        };
        (preset, points, Vec::new())
    })
}

/// The fragment for the experiment: its configuration, and its own points when it trains on the
/// student's data and they fit in a link; else also why they were left out.
pub fn fragment_for(experiment: &Experiment) -> (String, Option<String>) {
    let config = experiment.config();
    if experiment.data_from_file().is_none() {
        return (crate::share::encode(config), None);
    }
    match crate::share::encode_with_points(config, experiment.data()) {
        Ok(fragment) => (fragment, None),
        Err(why) => (crate::share::encode(config), Some(why)),
    }
}

/// The link for the experiment: the page's address with its fragment (on the web), or just the
/// fragment (natively, where there is no page); and why its points were left out, if they were.
pub fn link_for(experiment: &Experiment) -> (String, Option<String>) {
    let (fragment, left_out) = fragment_for(experiment);
    let link = match page_address() {
        Some(base) => format!("{base}#{fragment}"),
        None => format!("#{fragment}"),
    };
    (link, left_out)
}

#[cfg(target_arch = "wasm32")]
pub fn page_address() -> Option<String> {
    let location = web_sys::window()?.location();
    let href = location.href().ok()?;
    Some(href.split('#').next().unwrap_or(&href).to_string())
}

#[cfg(not(target_arch = "wasm32"))]
pub fn page_address() -> Option<String> {
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
    mut last: Local<Option<(crate::experiment::ExperimentConfig, Option<Data>)>>,
) {
    let e = &sim.experiment;
    let own = e.data_from_file().map(|_| e.data());
    if last
        .as_ref()
        .is_some_and(|(config, data)| config == e.config() && data.as_ref() == own)
    {
        return;
    }
    *last = Some((e.config().clone(), own.cloned()));
    let Some(window) = web_sys::window() else {
        return;
    };
    let fragment = format!("#{}", fragment_for(e).0);
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&fragment));
    }
}
