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
    app.insert_resource(LevelsFolder(std::path::PathBuf::from(&path)));
    app.insert_resource(LevelsFolderProblem(given_folder_problem(dir)));
    app.register_asset_source(SOURCE, AssetSourceBuilder::platform_default(&path, None));
}

/// Why a levels folder given on the command line is not the one read (its index is missing,
/// or is a device, a FIFO or a folder: reading it could hang or never end), shown with the
/// level list's problems.
#[derive(Resource, Debug, Clone, Default)]
pub struct LevelsFolderProblem(pub Option<String>);

fn given_folder_problem(dir: Option<&std::path::Path>) -> Option<String> {
    let index = dir?.join(INDEX_FILE);
    let why = match std::fs::metadata(&index) {
        Ok(m) if m.is_file() => return None,
        Ok(m) if m.is_dir() => "is a folder".to_string(),
        Ok(_) => "is not a regular file".to_string(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "does not exist".to_string(),
        Err(e) => e.to_string(),
    };
    Some(format!(
        "--levels-dir: {} {why}, so the game's own levels are listed instead",
        index.display()
    ))
}

/// The folder the `levels://` source reads (natively: each level is checked there before it is
/// read, see [`read_levels`]).
#[derive(Resource, Debug, Clone)]
pub struct LevelsFolder(pub std::path::PathBuf);

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
    let folder = app
        .world()
        .get_resource::<LevelsFolder>()
        .map(|f| f.0.clone())
        .unwrap_or_else(|| std::path::PathBuf::from(SOURCE));
    app.init_asset::<LevelPack>()
        .register_asset_loader(LevelPackLoader { folder });
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
struct LevelPackLoader {
    /// Where the levels are natively (unused on the web, where the server is asked).
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    folder: std::path::PathBuf,
}

/// Reads at most a level file's size from `reader`: a level linked to an endless stream (or
/// a server that never stops sending) ends in a message, not in all of memory.
async fn read_bounded(reader: &mut dyn Reader) -> Result<Vec<u8>, String> {
    use bevy::tasks::futures_lite::AsyncReadExt;
    let limit = crate::limits::FileKind::Level.max_bytes() as usize;
    let mut bytes = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let read = reader.read(&mut chunk).await.map_err(|e| e.to_string())?;
        if read == 0 {
            return Ok(bytes);
        }
        bytes.extend_from_slice(&chunk[..read]);
        if bytes.len() > limit {
            return Err(format!(
                "more than {}, the most a level file may have",
                crate::limits::size_in_words(limit as u64)
            ));
        }
    }
}

/// The files the index lists, natively one after the other through the load context (which
/// records them as dependencies, for hot reloading).
#[cfg(not(target_arch = "wasm32"))]
async fn read_levels(
    names: &[String],
    folder: &std::path::Path,
    context: &mut LoadContext<'_>,
) -> Vec<Result<Vec<u8>, String>> {
    let mut contents = Vec::with_capacity(names.len());
    for name in names {
        // Only a regular file of a level's size inside the folder (not a link out of it, a
        // device or a FIFO) is read.
        let checked = crate::limits::inside_folder(folder, name, INDEX_FILE).and_then(|path| {
            let metadata = std::fs::metadata(&path).map_err(|e| e.to_string())?;
            if !metadata.is_file() {
                return Err("not a regular file".to_string());
            }
            crate::limits::check_len(metadata.len(), crate::limits::FileKind::Level, name)
        });
        if let Err(e) = checked {
            contents.push(Err(e));
            continue;
        }
        let read = context.read_asset_bytes(format!("{SOURCE}://{name}")).await;
        contents.push(read.map_err(|e| e.to_string()));
    }
    contents
}

/// On the web, all requests at once: one after the other, each costs a round trip, a second
/// in all on a school network with 40 ms latency.
#[cfg(target_arch = "wasm32")]
async fn read_levels(
    names: &[String],
    _folder: &std::path::Path,
    _context: &mut LoadContext<'_>,
) -> Vec<Result<Vec<u8>, String>> {
    use bevy::asset::io::AssetReader;
    use bevy::asset::io::wasm::HttpWasmAssetReader;
    let reader = HttpWasmAssetReader::new(SOURCE);
    let reads = names.iter().map(|name| {
        let reader = &reader;
        async move {
            let mut file = reader
                .read(std::path::Path::new(name))
                .await
                .map_err(|e| e.to_string())?;
            read_bounded(&mut file).await
        }
    });
    join_all(reads.collect()).await
}

/// Runs the futures together and returns their outputs in order.
#[cfg(target_arch = "wasm32")]
async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    use std::task::Poll;
    let mut futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    Poll::Ready(value) => *output = Some(value),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

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
        let shown = format!("levels/{INDEX_FILE}");
        let read = read_bounded(reader).await.map_err(|message| LevelError {
            file: shown.clone(),
            line: 0,
            message,
        });
        let read = read.and_then(|bytes| parse_index(&String::from_utf8_lossy(&bytes), &shown));
        let (names, problems) = match read {
            Ok(names) => (names, Vec::new()),
            Err(e) => (Vec::new(), vec![e]),
        };
        let mut levels = Vec::with_capacity(names.len());
        let mut texts = Vec::with_capacity(names.len());
        let contents = read_levels(&names, &self.folder, context).await;
        for (name, read) in names.iter().zip(contents) {
            let file = format!("levels/{name}");
            let (level, text) = match read {
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
