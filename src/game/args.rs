//! The game's command-line options (`neural-sandbox` with no subcommand). The web build has no
//! command line and starts from the defaults (and the page's address). Each mode reads the
//! options that concern it.

use std::path::PathBuf;

/// Options for the game.
#[derive(Debug, Clone, Default)]
#[cfg_attr(not(target_arch = "wasm32"), derive(clap::Args))]
pub struct GameArgs {
    /// Start in the sandbox with this preset instead of the title screen
    /// (default, perceptron, xor, circle, spiral-max, spiral-deep).
    #[cfg_attr(not(target_arch = "wasm32"), arg(long))]
    pub preset: Option<String>,
    /// Open this mode instead of the title screen: playground (the default title screen), gan or cnn.
    #[cfg_attr(not(target_arch = "wasm32"), arg(long, value_name = "MODE"))]
    pub mode: Option<String>,
    /// Train this many epochs before the first frame (with --preset).
    #[cfg_attr(not(target_arch = "wasm32"), arg(long, default_value_t = 0))]
    pub train_epochs: u64,
    /// Start training at once (with --preset or --mode gan).
    #[cfg_attr(not(target_arch = "wasm32"), arg(long))]
    pub play: bool,
    /// Training speed: epochs per second in the Playground, epochs per frame in the GAN mode, or
    /// "max".
    #[cfg_attr(not(target_arch = "wasm32"), arg(long, value_name = "N|max"))]
    pub speed: Option<String>,
    /// Where progress and settings are saved (default: the platform's config folder).
    #[cfg_attr(not(target_arch = "wasm32"), arg(long, value_name = "DIR"))]
    pub save_dir: Option<PathBuf>,
    /// Open the sandbox with the configuration of a share link (the whole URL or its `#cfg=...`).
    #[cfg_attr(not(target_arch = "wasm32"), arg(long, value_name = "URL"))]
    pub link: Option<String>,
    /// Join a class on a class server with its link (http://SERVER/?class=CODE): your results
    /// and handed-in work go to your teacher (kept here first while the server is away).
    #[cfg_attr(not(target_arch = "wasm32"), arg(long, value_name = "URL"))]
    pub class: Option<String>,
    /// Play the levels of this folder (with its index.ron) instead of the shipped ones.
    #[cfg_attr(not(target_arch = "wasm32"), arg(long, value_name = "DIR"))]
    pub levels_dir: Option<PathBuf>,
    /// Window size, e.g. 1280x720.
    #[cfg_attr(not(target_arch = "wasm32"), arg(long, value_name = "WxH"))]
    pub window: Option<String>,
    #[cfg_attr(not(target_arch = "wasm32"), command(flatten))]
    pub dev: DevArgs,
}

/// Tools for scripts, tests and performance work (see `game::dev`).
#[derive(Debug, Clone, Default)]
#[cfg_attr(not(target_arch = "wasm32"), derive(clap::Args))]
#[cfg_attr(
    not(target_arch = "wasm32"),
    command(next_help_heading = "Scripting and diagnostics")
)]
pub struct DevArgs {
    /// Save a screenshot to PATH and quit (after --after-frames frames).
    #[cfg_attr(not(target_arch = "wasm32"), arg(long, value_name = "PATH"))]
    pub screenshot: Option<PathBuf>,
    /// Frames to render before the screenshot.
    #[cfg_attr(not(target_arch = "wasm32"), arg(long, default_value_t = 60))]
    pub after_frames: u32,
    /// Write the game's state (screen, network shape, epoch, losses, positions on screen) as
    /// JSON to PATH, every 20 frames and on exit.
    #[cfg_attr(not(target_arch = "wasm32"), arg(long, value_name = "PATH"))]
    pub dump_state: Option<PathBuf>,
    /// Quit after this many frames.
    #[cfg_attr(not(target_arch = "wasm32"), arg(long))]
    pub quit_after_frames: Option<u32>,
    /// Log frame time and the game's own work per frame every second.
    #[cfg_attr(not(target_arch = "wasm32"), arg(long))]
    pub diagnostics: bool,
}

impl DevArgs {
    /// Whether any of the tools is asked for.
    pub fn any(&self) -> bool {
        self.screenshot.is_some()
            || self.dump_state.is_some()
            || self.quit_after_frames.is_some()
            || self.diagnostics
    }
}

/// "1280x720" to (1280, 720) (the page sets the size in the browser).
#[cfg(not(target_arch = "wasm32"))]
pub fn parse_window_size(text: &str) -> Result<(u32, u32), String> {
    let bad = || {
        format!(
            "--window {text}: expected WIDTHxHEIGHT, e.g. 1280x720 or 390x844 (a phone), at least 320x480"
        )
    };
    let (w, h) = text.split_once(['x', 'X']).ok_or_else(bad)?;
    let w: u32 = w.trim().parse().map_err(|_| bad())?;
    let h: u32 = h.trim().parse().map_err(|_| bad())?;
    if w < 320 || h < 480 || w > 8192 || h > 8192 {
        return Err(bad());
    }
    Ok((w, h))
}
