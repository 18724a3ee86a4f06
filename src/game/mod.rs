//! The Bevy game. The core experiment lives in a resource ([`sim::Simulation`]); everything on
//! screen mirrors it. One small plugin per file.

pub mod automation;
pub mod camera;
pub mod diagnostics;
pub mod levels;
pub mod network_view;
pub mod notices;
pub mod save;
pub mod screens;
pub mod share;
pub mod sim;
pub mod theme;
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod web;

use bevy::asset::AssetMetaCheck;
use bevy::prelude::*;
use bevy::window::WindowResolution;

use crate::cli::{GameArgs, Outcome};
use crate::presets::Preset;

/// How the game was asked to start (from the command line).
#[derive(Resource, Debug, Clone, Default)]
pub struct StartOptions {
    /// Open the sandbox directly with this preset.
    pub preset: Option<Preset>,
    /// Epochs to train the preset before the first frame.
    pub train_epochs: u64,
    /// Where progress is saved (default: the platform's place).
    pub save_location: Option<save::SaveLocation>,
    /// A share link that could not be opened: said in the sandbox, which opens with defaults.
    pub link_error: Option<String>,
    /// Start training at once (with a preset).
    pub play: bool,
    pub speed: Option<sim::TrainingSpeed>,
}

/// Whether challenge levels were found (the title screen enables "Challenges").
#[derive(Resource, Debug, Clone, Copy, Default)]
pub struct LevelsAvailable(pub bool);

/// Runs the game until the window closes.
pub fn run(args: GameArgs) -> Outcome {
    // A share link (the page's address on the web, `--link` natively) opens the sandbox with its
    // configuration; a bad one opens the default sandbox and says why.
    #[cfg(target_arch = "wasm32")]
    let link = args.link.clone().or_else(web::page_fragment);
    #[cfg(not(target_arch = "wasm32"))]
    let link = args.link.clone();
    let (link_preset, link_error) = match link.as_deref().map(share::start_from_link) {
        Some(Ok(preset)) => (Some(preset), None),
        Some(Err(why)) => (crate::presets::preset("default"), Some(why)),
        None => (None, None),
    };
    let preset = match args.preset.as_deref() {
        Some(name) => match crate::presets::preset(name) {
            Some(p) => Some(p),
            None => {
                let names: Vec<_> = crate::presets::presets().iter().map(|p| p.name).collect();
                return Outcome::BadInput(format!(
                    "unknown preset \"{name}\" (allowed: {})",
                    names.join(", ")
                ));
            }
        },
        None => link_preset,
    };
    let speed = match args.speed.as_deref() {
        None => None,
        Some(text) if text.eq_ignore_ascii_case("max") => Some(sim::TrainingSpeed::Max),
        Some(text) => match text.parse::<u32>() {
            Ok(n) if (1..=100_000).contains(&n) => Some(sim::TrainingSpeed::PerSecond(n)),
            _ => {
                return Outcome::BadInput(format!(
                    "--speed {text}: expected epochs per second (1 to 100000) or \"max\""
                ));
            }
        },
    };
    let resolution = match args.window.as_deref().map(parse_window_size) {
        Some(Ok(size)) => size,
        Some(Err(e)) => return Outcome::BadInput(e),
        None => (1280, 760),
    };
    let mut app = App::new();
    // The levels' asset source must exist before the asset plugin starts.
    levels::register_source(&mut app, args.levels_dir.as_deref());
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: "Neural Sandbox".into(),
                    resolution: WindowResolution::new(resolution.0, resolution.1),
                    resizable: true,
                    canvas: Some("#bevy".into()),
                    fit_canvas_to_parent: true,
                    prevent_default_event_handling: true,
                    ..default()
                }),
                ..default()
            })
            .set(AssetPlugin {
                meta_check: AssetMetaCheck::Never,
                ..default()
            }),
    );
    app.insert_resource(StartOptions {
        preset,
        train_epochs: args.train_epochs,
        save_location: args.save_dir.clone().map(save::SaveLocation::Folder),
        link_error,
        play: args.play,
        speed,
    });
    app.add_plugins(bevy_egui::EguiPlugin::default());
    add_game_plugins(&mut app, args.diagnostics);
    automation::plugin(&mut app, &args);
    app.run();
    Outcome::Done
}

/// Everything of the game except windowing and rendering setup: also used by headless tests.
pub fn add_game_plugins(app: &mut App, log_diagnostics: bool) {
    app.init_resource::<StartOptions>()
        .init_resource::<LevelsAvailable>();
    diagnostics::plugin(app, log_diagnostics);
    app.add_plugins((
        notices::plugin,
        save::plugin,
        levels::plugin,
        theme::plugin,
        screens::plugin,
        sim::plugin,
        camera::plugin,
        network_view::plugin,
        ui::plugin,
        share::plugin,
    ));
    #[cfg(target_arch = "wasm32")]
    app.add_plugins(web::plugin);
}

/// The game without a window or renderer, on a deterministic clock (each `update` is 1/60 s):
/// for tests and headless tools. Starts on the loading screen like the real game.
pub fn headless_app() -> App {
    headless_app_with(None, save::SaveLocation::Memory)
}

/// [`headless_app`] with another levels folder and save location.
pub fn headless_app_with(levels_dir: Option<&std::path::Path>, save: save::SaveLocation) -> App {
    use bevy::time::TimeUpdateStrategy;
    let mut app = App::new();
    levels::register_source(&mut app, levels_dir);
    app.insert_resource(StartOptions {
        save_location: Some(save),
        ..StartOptions::default()
    });
    app.add_plugins((
        MinimalPlugins,
        bevy::state::app::StatesPlugin,
        AssetPlugin::default(),
        bevy::input::InputPlugin,
        bevy::diagnostic::DiagnosticsPlugin,
    ));
    app.init_asset::<Image>()
        .init_asset::<Mesh>()
        .init_resource::<bevy_egui::input::EguiWantsInput>()
        .insert_resource(TimeUpdateStrategy::ManualDuration(
            std::time::Duration::from_secs_f64(1.0 / sim::training::TICK_HZ),
        ));
    add_game_plugins(&mut app, false);
    app
}

/// "1280x720" to (1280, 720).
fn parse_window_size(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("--window {text}: expected WIDTHxHEIGHT, e.g. 1280x720, at least 800x600");
    let (w, h) = text.split_once(['x', 'X']).ok_or_else(bad)?;
    let w: u32 = w.trim().parse().map_err(|_| bad())?;
    let h: u32 = h.trim().parse().map_err(|_| bad())?;
    if w < 800 || h < 600 || w > 8192 || h > 8192 {
        return Err(bad());
    }
    Ok((w, h))
}
