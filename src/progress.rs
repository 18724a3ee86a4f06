//! Saved progress: stars and best results per level, and the last sandbox settings.
//!
//! Saving is atomic (a temporary file renamed over the old one), so a game killed mid-write
//! leaves the previous save intact. A missing save starts fresh; a corrupt one starts fresh with
//! a warning and is kept beside, renamed, for whoever wants to look at it.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::experiment::ExperimentConfig;
use crate::level::{Level, Outcome};

/// The save format's version (newer formats are refused rather than misread).
pub const FORMAT_VERSION: u32 = 1;

/// Everything the game remembers between runs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Progress {
    pub version: u32,
    pub levels: BTreeMap<String, LevelRecord>,
    /// The sandbox as it was left.
    pub sandbox: Option<ExperimentConfig>,
}

/// The best a player did on one level.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LevelRecord {
    pub solved: bool,
    /// Every star earned at least once, by position in the level's list.
    pub stars: Vec<bool>,
    /// The fewest epochs a win took.
    pub best_epoch: Option<u64>,
}

impl LevelRecord {
    pub fn star_count(&self) -> usize {
        self.stars.iter().filter(|s| **s).count()
    }
}

impl Progress {
    pub fn new() -> Self {
        Self {
            version: FORMAT_VERSION,
            ..Self::default()
        }
    }

    /// Merges a finished attempt: stars and best results only ever improve.
    pub fn record(&mut self, level: &Level, outcome: &Outcome) {
        let record = self.levels.entry(level.id.clone()).or_default();
        if record.stars.len() < outcome.stars.len() {
            record.stars.resize(outcome.stars.len(), false);
        }
        for (kept, earned) in record.stars.iter_mut().zip(&outcome.stars) {
            *kept |= *earned;
        }
        if let Some(epoch) = outcome.solved_at {
            record.solved = true;
            record.best_epoch = Some(record.best_epoch.map_or(epoch, |b| b.min(epoch)));
        }
    }

    pub fn is_solved(&self, id: &str) -> bool {
        self.levels.get(id).is_some_and(|r| r.solved)
    }

    /// A level is open when every level before it (by order) is solved.
    pub fn is_unlocked(&self, levels_in_order: &[&Level], index: usize) -> bool {
        levels_in_order[..index]
            .iter()
            .all(|l| self.is_solved(&l.id))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("progress always serialises")
    }

    /// Reads a save; an error says what is wrong with it.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let progress: Progress = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if progress.version > FORMAT_VERSION {
            return Err(format!(
                "saved by a newer version of the game (format {}, this one reads {FORMAT_VERSION})",
                progress.version
            ));
        }
        Ok(progress)
    }
}

/// Where a save lives: a file natively, local storage on the web.
pub trait SaveStore {
    /// The saved text, `None` if there is no save yet.
    fn read(&self) -> Result<Option<String>, String>;
    /// Replaces the save, atomically.
    fn write(&self, text: &str) -> Result<(), String>;
    /// Keeps a corrupt save aside; returns where it went.
    fn quarantine(&self, text: &str) -> Result<String, String>;
}

/// Loads the progress; a missing save starts fresh, a corrupt one starts fresh with a warning
/// (the returned string) after being kept aside.
pub fn load(store: &dyn SaveStore) -> (Progress, Option<String>) {
    match store.read() {
        Ok(None) => (Progress::new(), None),
        Ok(Some(text)) => match Progress::from_json(&text) {
            Ok(progress) => (progress, None),
            Err(why) => {
                let kept = match store.quarantine(&text) {
                    Ok(place) => format!("a copy was kept as {place}"),
                    Err(e) => format!("and could not be copied aside: {e}"),
                };
                (
                    Progress::new(),
                    Some(format!(
                        "Your saved progress could not be read ({why}), so the game starts fresh; {kept}."
                    )),
                )
            }
        },
        Err(e) => (
            Progress::new(),
            Some(format!(
                "Your saved progress could not be opened ({e}), so the game starts fresh."
            )),
        ),
    }
}

/// A save file on disk.
#[derive(Debug, Clone)]
pub struct FileStore {
    pub path: PathBuf,
}

impl FileStore {
    pub fn new(dir: &Path) -> Self {
        Self {
            path: dir.join("progress.json"),
        }
    }

    /// The platform's folder for the game's settings: `$XDG_CONFIG_HOME/neural-sandbox`,
    /// `~/.config/neural-sandbox`, `%APPDATA%\neural-sandbox` or `~/Library/Application Support/neural-sandbox`.
    pub fn default_dir() -> PathBuf {
        let env = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let base = if cfg!(target_os = "windows") {
            env("APPDATA")
        } else if cfg!(target_os = "macos") {
            env("HOME").map(|h| h.join("Library/Application Support"))
        } else {
            env("XDG_CONFIG_HOME").or_else(|| env("HOME").map(|h| h.join(".config")))
        };
        base.unwrap_or_else(|| PathBuf::from("."))
            .join("neural-sandbox")
    }
}

impl SaveStore for FileStore {
    fn read(&self) -> Result<Option<String>, String> {
        match std::fs::read(&self.path) {
            Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("{}: {e}", self.path.display())),
        }
    }

    fn write(&self, text: &str) -> Result<(), String> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        // Write beside, flush to disk, then rename over: the old save stays whole until the new
        // one is complete, whenever the game is killed.
        let temp = self.path.with_extension("json.tmp");
        let written = (|| {
            let mut file = std::fs::File::create(&temp)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            std::fs::rename(&temp, &self.path)?;
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
            Ok::<(), std::io::Error>(())
        })();
        written.map_err(|e| format!("{}: {e}", self.path.display()))
    }

    fn quarantine(&self, text: &str) -> Result<String, String> {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let aside = self
            .path
            .with_file_name(format!("progress.corrupt-{stamp}.json"));
        std::fs::write(&aside, text).map_err(|e| format!("{}: {e}", aside.display()))?;
        Ok(aside.display().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::EpochStats;

    fn level() -> Level {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/levels/03-circle.ron"))
                .unwrap();
        Level::parse(&text, "circle").unwrap()
    }

    fn outcome(solved_at: Option<u64>, stars: Vec<bool>) -> Outcome {
        Outcome {
            solved_at,
            stars,
            final_stats: EpochStats {
                epoch: 0,
                train_loss: 0.0,
                test_loss: 0.0,
                train_accuracy: None,
                test_accuracy: None,
            },
        }
    }

    #[test]
    fn records_only_improve() {
        let level = level();
        let mut p = Progress::new();
        p.record(&level, &outcome(None, vec![false, false, false]));
        assert!(!p.is_solved("circle"));
        p.record(&level, &outcome(Some(120), vec![true, false, true]));
        p.record(&level, &outcome(Some(300), vec![true, true, false]));
        let r = &p.levels["circle"];
        assert!(r.solved);
        assert_eq!(r.stars, vec![true, true, true]);
        assert_eq!(r.best_epoch, Some(120));
        assert_eq!(Progress::from_json(&p.to_json()).unwrap(), p);
    }

    #[test]
    fn file_store_round_trip_missing_and_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(&dir.path().join("nested"));
        let (fresh, warning) = load(&store);
        assert_eq!(fresh, Progress::new());
        assert!(warning.is_none(), "a missing save is not an error");
        let mut p = Progress::new();
        p.record(&level(), &outcome(Some(10), vec![true, true, false]));
        p.sandbox = Some(ExperimentConfig::default());
        store.write(&p.to_json()).unwrap();
        assert_eq!(load(&store), (p.clone(), None));
        // A corrupt save: fresh start, a warning, and the bad file kept aside.
        std::fs::write(&store.path, "{\"version\": 1, \"levels\": {\"circle\": 17").unwrap();
        let (fresh, warning) = load(&store);
        assert_eq!(fresh, Progress::new());
        let warning = warning.unwrap();
        assert!(
            warning.contains("starts fresh") && warning.contains("progress.corrupt-"),
            "{warning}"
        );
        let kept: Vec<_> = std::fs::read_dir(store.path.parent().unwrap())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("progress.corrupt-")
            })
            .collect();
        assert_eq!(kept.len(), 1);
        assert!(
            std::fs::read_to_string(kept[0].path())
                .unwrap()
                .contains("17")
        );
        // A save from the future is refused, not misread.
        std::fs::write(&store.path, "{\"version\": 99}").unwrap();
        assert!(load(&store).1.unwrap().contains("newer version"));
    }

    #[test]
    fn an_interrupted_write_leaves_the_old_save_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        let mut p = Progress::new();
        p.record(&level(), &outcome(Some(50), vec![true, false, false]));
        store.write(&p.to_json()).unwrap();
        // A crash between writing the temporary file and renaming it leaves a partial temporary
        // file behind; the real save is untouched and still loads.
        std::fs::write(
            store.path.with_extension("json.tmp"),
            "{\"version\": 1, \"lev",
        )
        .unwrap();
        assert_eq!(load(&store), (p, None));
    }
}
