//! Level files as Bevy assets, from their own asset source rooted at the top-level `levels/`
//! folder (natively a folder, on the web the same path on the server).

use bevy::asset::io::{AssetSourceBuilder, Reader};
use bevy::asset::{AssetLoader, LoadContext};
use bevy::prelude::*;
use bevy_asset_loader::prelude::*;

use crate::level::{AnyLevel, INDEX_FILE, LevelError, cross_check, parse_index};

/// The name of the asset source: paths look like `levels://01-perceptron.ron`.
pub const SOURCE: &str = "levels";

/// Registers the `levels://` asset source. Must run before the `AssetPlugin` is added.
/// `dir` overrides where the level files are (native only).
pub fn register_source(app: &mut App, dir: Option<&std::path::Path>) {
    let path = levels_dir(dir);
    app.register_asset_source(SOURCE, AssetSourceBuilder::platform_default(&path, None));
}

/// Where the levels are: the given folder, else `levels/` in the working directory, beside the
/// executable, or in the source tree (`cargo run`). On the web, `levels/` beside the page.
fn levels_dir(dir: Option<&std::path::Path>) -> String {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let mut candidates: Vec<std::path::PathBuf> =
            dir.map(|d| d.to_path_buf()).into_iter().collect();
        if let Ok(cwd) = std::env::current_dir() {
            candidates.push(cwd.join(SOURCE));
        }
        if let Some(exe_dir) = std::env::current_exe()
            .ok()
            .and_then(|e| e.parent().map(|p| p.to_path_buf()))
        {
            candidates.push(exe_dir.join(SOURCE));
        }
        candidates.push(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(SOURCE));
        let absolute = |p: std::path::PathBuf| {
            if p.is_absolute() {
                p
            } else {
                std::env::current_dir().map(|c| c.join(&p)).unwrap_or(p)
            }
        };
        candidates
            .into_iter()
            .map(absolute)
            .find(|p| p.join(INDEX_FILE).is_file())
            .unwrap_or_else(|| std::path::PathBuf::from(SOURCE))
            .display()
            .to_string()
    }
    #[cfg(target_arch = "wasm32")]
    {
        let _ = dir;
        SOURCE.to_string()
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_asset::<LevelPack>()
        .register_asset_loader(LevelPackLoader);
}

/// One level file: its level, or everything wrong with it (a broken or missing file still
/// loads, so that the level select can show the error and the other levels stay playable).
#[derive(Debug, Clone)]
pub struct LevelAsset {
    pub file: String,
    pub level: Result<AnyLevel, Vec<LevelError>>,
}

/// The index and every level it lists, read in one go.
#[derive(Asset, TypePath, Debug)]
pub struct LevelPack {
    pub levels: Vec<LevelAsset>,
    /// Problems with the index itself.
    pub problems: Vec<LevelError>,
}

/// The collection the loading screen waits for.
#[derive(AssetCollection, Resource)]
pub struct LevelAssets {
    #[asset(path = "levels://index.ron")]
    pub pack: Handle<LevelPack>,
}

#[derive(Debug, Default, TypePath)]
struct LevelPackLoader;

impl AssetLoader for LevelPackLoader {
    type Asset = LevelPack;
    type Settings = ();
    type Error = std::io::Error;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _settings: &(),
        context: &mut LoadContext<'_>,
    ) -> Result<LevelPack, std::io::Error> {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).await?;
        let shown = format!("levels/{INDEX_FILE}");
        let (names, problems) = match parse_index(&String::from_utf8_lossy(&bytes), &shown) {
            Ok(names) => (names, Vec::new()),
            Err(e) => (Vec::new(), vec![e]),
        };
        let mut levels = Vec::with_capacity(names.len());
        let mut texts = Vec::with_capacity(names.len());
        for name in names {
            let file = format!("levels/{name}");
            let (level, text) = match context.read_asset_bytes(format!("{SOURCE}://{name}")).await {
                Ok(bytes) => {
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    (AnyLevel::parse(&text, &file), text)
                }
                Err(e) => (
                    Err(vec![LevelError {
                        file: file.clone(),
                        line: 0,
                        message: format!("listed in {INDEX_FILE} but cannot be read: {e}"),
                    }]),
                    String::new(),
                ),
            };
            levels.push(LevelAsset { file, level });
            texts.push(text);
        }
        let mut problems = problems;
        problems.extend(cross_check(levels.iter().zip(&texts).filter_map(
            |(asset, text)| {
                asset
                    .level
                    .as_ref()
                    .ok()
                    .map(|l| (l, asset.file.as_str(), text.as_str()))
            },
        )));
        Ok(LevelPack { levels, problems })
    }

    fn extensions(&self) -> &[&str] {
        &["ron"]
    }
}
