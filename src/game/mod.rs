//! The Bevy game: an app shell (screens, theme, saves, notices, the third-party plugins), shared
//! views (the network view, plots) and one folder per mode under `modes/`. Shared pieces never
//! import a mode; modes build on the shared pieces. One small plugin per file.

pub(crate) mod args;
pub(crate) mod camera;
pub(crate) mod class;
#[cfg(feature = "dev")]
pub(crate) mod dev;
pub(crate) mod files;
pub(crate) mod frame_budget;
pub(crate) mod levels;
pub(crate) mod modes;
pub(crate) mod network_view;
pub(crate) mod notices;
pub(crate) mod plots;
pub(crate) mod recording;
pub(crate) mod save;
pub(crate) mod screens;
pub(crate) mod status;
pub mod testing;
pub(crate) mod theme;
pub(crate) mod third_party;
pub(crate) mod training_rate;
#[cfg(target_arch = "wasm32")]
pub(crate) mod web;

use bevy::prelude::*;

pub use args::GameArgs;

/// Where the game keeps the player's progress (the command line's `--save-dir`, else the
/// platform's place; tests keep it in memory).
#[derive(Resource, Debug, Clone, Default)]
pub struct StartOptions {
    pub save_location: Option<save::SaveLocation>,
}

/// Runs the game until the window closes. A bad option is refused before the window opens (the
/// error says which and why).
#[cfg(not(target_arch = "wasm32"))]
pub fn run(args: GameArgs) -> Result<(), String> {
    let playground =
        modes::playground::start::PlaygroundStart::from_args(&args, args.link.as_deref())?;
    let gan = modes::gan::start::GanStart::from_args(&args)?;
    let resolution = match args.window.as_deref().map(args::parse_window_size) {
        Some(size) => size?,
        None => (1280, 760),
    };
    let class_link = match args.class.as_deref() {
        Some(link) => {
            class::ClassLink::from_link(link)?;
            class::ClassLinkOpened(Some(link.to_string()))
        }
        None => class::ClassLinkOpened(None),
    };
    #[cfg(not(feature = "dev"))]
    if args.dev.any() {
        return Err(
            "--screenshot, --dump-state, --quit-after-frames and --diagnostics are tools for \
             scripts and tests: build with them with `cargo run --release --features dev -- ...`"
                .into(),
        );
    }
    run_app(args, playground, gan, resolution, class_link);
    Ok(())
}

/// Runs the game in the page (a share link in the address opens its sandbox).
#[cfg(target_arch = "wasm32")]
pub fn run(args: GameArgs) {
    web::install_panic_hook();
    // A class link's `#student_key=...` is the class plugin's, not a share link.
    let link = web::page_fragment().filter(|f| !f.starts_with("#student_key="));
    let playground = modes::playground::start::PlaygroundStart::from_args(&args, link.as_deref())
        .unwrap_or_default();
    let gan = modes::gan::start::GanStart::from_args(&args).unwrap_or_default();
    // A class link: the page's own address with `?class=CODE`.
    let class_link = class::ClassLinkOpened(web::page_class_link());
    run_app(args, playground, gan, (1280, 760), class_link);
}

fn run_app(
    args: GameArgs,
    playground: modes::playground::start::PlaygroundStart,
    gan: modes::gan::start::GanStart,
    resolution: (u32, u32),
    class_link: class::ClassLinkOpened,
) {
    let mut app = App::new();
    // The levels' asset source must exist before the asset plugin starts.
    levels::register_source(&mut app, args.levels_dir.as_deref());
    app.add_plugins(third_party::default_plugins(resolution));
    app.insert_resource(StartOptions {
        save_location: args.save_dir.clone().map(save::SaveLocation::Folder),
    });
    app.insert_resource(class_link);
    app.insert_resource(playground);
    app.insert_resource(gan);
    app.insert_resource(modes::cnn::start::CnnStart::from_args(&args));
    third_party::egui::add_to(&mut app);
    add_game_plugins(&mut app, args.dev.diagnostics);
    #[cfg(feature = "dev")]
    dev::automation::plugin(&mut app, &args.dev);
    app.run();
}

/// Everything of the game except windowing and rendering setup: also used by headless tests.
pub fn add_game_plugins(app: &mut App, log_diagnostics: bool) {
    app.init_resource::<StartOptions>();
    #[cfg(feature = "dev")]
    dev::diagnostics::plugin(app, log_diagnostics);
    #[cfg(not(feature = "dev"))]
    let _ = log_diagnostics;
    app.add_plugins((
        third_party::asset_loader::plugin,
        files::plugin,
        frame_budget::plugin,
        training_rate::plugin,
        notices::plugin,
        save::plugin,
        status::plugin,
        levels::plugin,
        theme::plugin,
        screens::plugin,
        camera::plugin,
        network_view::plugin,
        modes::plugin,
        recording::plugin,
        class::plugin,
    ));
    #[cfg(target_arch = "wasm32")]
    app.add_plugins(web::plugin);
}

/// The headless app's clock: each `update` is one frame of a 60 fps game.
pub const HEADLESS_FRAMES_PER_SECOND: f64 = 60.0;

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
            std::time::Duration::from_secs_f64(1.0 / HEADLESS_FRAMES_PER_SECOND),
        ));
    add_game_plugins(&mut app, false);
    app
}
