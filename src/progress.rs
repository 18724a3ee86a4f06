//! Saved progress: stars and best results per level, and the last sandbox settings.
//!
//! Saving is atomic (a temporary file renamed over the old one), so a game killed mid-write
//! leaves the previous save intact (and the leftover temporary file is cleaned up next time).
//! A missing save starts fresh. A save is read part by part: a part that cannot be read (a newer
//! version's sandbox settings, say) falls back to its default with a warning and the rest is
//! kept; the level stars are never lost because one setting cannot be read. Whenever anything
//! could not be read, the file is first copied aside, under a name no other copy has.

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
    /// The class this player joined on a class server, and what waits to be sent to it.
    pub class: Option<crate::class::ClassPlace>,
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
        self.record_stars(&level.id, &outcome.stars, outcome.solved_at);
    }

    /// Every level's result, as the player's class is sent them.
    pub fn class_results(&self) -> impl Iterator<Item = crate::class::LevelResult<'_>> {
        self.levels
            .iter()
            .map(|(level, record)| crate::class::LevelResult {
                level,
                stars: &record.stars,
                solved: record.solved,
                best_epoch: record.best_epoch,
            })
    }

    /// Queues the improved results for the player's class, if they joined one; how many.
    pub fn queue_class_results(&mut self) -> usize {
        let Some(mut place) = self.class.take() else {
            return 0;
        };
        let added = place.queue_results(self.class_results());
        self.class = Some(place);
        added
    }

    /// Takes back the results the class server kept for this student (a game on a new computer,
    /// or a wiped browser, with the teacher's new link): each level's earned stars and the epoch it
    /// was solved at merge in, and count as already sent. How many levels.
    pub fn restore_class_results(&mut self, best: &serde_json::Value) -> usize {
        let kept = crate::class::kept_results(best);
        for result in &kept {
            self.record_stars(&result.level, &result.earned, result.epochs);
            if let (Some(record), Some(place)) = (self.levels.get(&result.level), &mut self.class) {
                place.mark_sent(
                    &result.level,
                    record.star_count() as u32,
                    record.best_epoch.unwrap_or(0),
                );
            }
        }
        kept.len()
    }

    /// Merges a finished attempt of any mode's level: its stars, and the epoch it was solved at.
    pub fn record_stars(&mut self, id: &str, stars: &[bool], solved_at: Option<u64>) {
        let record = self.levels.entry(id.to_string()).or_default();
        if record.stars.len() < stars.len() {
            record.stars.resize(stars.len(), false);
        }
        for (kept, earned) in record.stars.iter_mut().zip(stars) {
            *kept |= *earned;
        }
        if let Some(epoch) = solved_at {
            record.solved = true;
            record.best_epoch = Some(record.best_epoch.map_or(epoch, |b| b.min(epoch)));
        }
    }

    pub fn is_solved(&self, id: &str) -> bool {
        self.levels.get(id).is_some_and(|r| r.solved)
    }

    /// A level is open when every level before it (by order, in its mode) is solved.
    pub fn is_unlocked(&self, ids_in_order: &[&str], index: usize) -> bool {
        ids_in_order[..index.min(ids_in_order.len())]
            .iter()
            .all(|id| self.is_solved(id))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("progress always serialises")
    }

    /// Reads a save strictly (every part must be readable, the version not newer).
    pub fn from_json(text: &str) -> Result<Self, String> {
        let read = Self::read_parts(text)?;
        match read.problems.first() {
            None => Ok(read.progress),
            Some(problem) => Err(problem.clone()),
        }
    }

    /// Reads a save part by part: what cannot be read falls back to its default and is listed
    /// in `problems`. Only a text that is not a save at all (not a JSON object) is an error.
    pub fn read_parts(text: &str) -> Result<ReadProgress, String> {
        let value: serde_json::Value =
            serde_json::from_str(crate::limits::without_bom(text)).map_err(|e| e.to_string())?;
        let serde_json::Value::Object(mut fields) = value else {
            return Err("it is not a saved game (not a JSON object)".into());
        };
        let mut problems = Vec::new();
        let version = match fields.remove("version") {
            None => FORMAT_VERSION,
            Some(v) => match v.as_u64() {
                Some(n) => n.min(u32::MAX as u64) as u32,
                None => {
                    problems.push(format!("its version {v} is not a number"));
                    FORMAT_VERSION
                }
            },
        };
        if version > FORMAT_VERSION {
            problems.push(format!(
                "it was saved by a newer version of the game (format {version}, this one reads {FORMAT_VERSION}); what this version understands is kept"
            ));
        }
        let mut levels = BTreeMap::new();
        match fields.remove("levels") {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::Object(records)) => {
                for (id, record) in records {
                    match serde_json::from_value::<LevelRecord>(record) {
                        Ok(record) => {
                            levels.insert(id, record);
                        }
                        Err(e) => problems.push(format!("the record of level \"{id}\" ({e})")),
                    }
                }
            }
            Some(other) => problems.push(format!(
                "the level records ({other} is not a list of levels)"
            )),
        }
        let sandbox = match fields.remove("sandbox") {
            None | Some(serde_json::Value::Null) => None,
            Some(value) => match serde_json::from_value::<ExperimentConfig>(value) {
                Ok(config) if config.validate(true).is_ok() => Some(config),
                Ok(config) => {
                    let why = config
                        .validate(true)
                        .err()
                        .map(|e| e.to_string())
                        .unwrap_or_default();
                    problems.push(format!(
                        "the sandbox settings ({why}): the sandbox starts from its defaults"
                    ));
                    None
                }
                Err(e) => {
                    problems.push(format!(
                        "the sandbox settings ({e}): the sandbox starts from its defaults"
                    ));
                    None
                }
            },
        };
        let class = match fields.remove("class") {
            None | Some(serde_json::Value::Null) => None,
            Some(value) => match serde_json::from_value::<crate::class::ClassPlace>(value) {
                Ok(place) => Some(place),
                Err(e) => {
                    problems.push(format!(
                        "the class you joined ({e}): open the class link again to join"
                    ));
                    None
                }
            },
        };
        Ok(ReadProgress {
            progress: Progress {
                version: FORMAT_VERSION,
                levels,
                sandbox,
                class,
            },
            problems,
        })
    }
}

/// A save read part by part.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadProgress {
    pub progress: Progress,
    /// The parts that could not be read, in words.
    pub problems: Vec<String>,
}

/// Where a save lives: a file natively, local storage on the web.
pub trait SaveStore {
    /// The saved text, `None` if there is no save yet.
    fn read(&self) -> Result<Option<String>, String>;
    /// Replaces the save, atomically.
    fn write(&self, text: &str) -> Result<(), String>;
    /// Keeps a corrupt save aside, never over an earlier copy; returns where it went.
    fn quarantine(&self, text: &str) -> Result<String, String>;
    /// Removes what an interrupted write left behind.
    fn clean_up(&self) {}
}

/// Loads the progress: a missing save starts fresh; unreadable parts fall back to their
/// defaults and the rest is kept; a text that is no save at all starts fresh. Either way the
/// file is first copied aside, and the returned warning says what happened.
pub fn load(store: &dyn SaveStore) -> (Progress, Option<String>) {
    store.clean_up();
    match store.read() {
        Ok(None) => (Progress::new(), None),
        Ok(Some(text)) => match Progress::read_parts(&text) {
            Ok(read) if read.problems.is_empty() => (read.progress, None),
            Ok(read) => {
                let kept = match store.quarantine(&text) {
                    Ok(place) => format!("The file as it was is kept as {place}."),
                    Err(e) => format!("It could not be copied aside: {e}."),
                };
                (
                    read.progress,
                    Some(format!(
                        "Part of your saved progress could not be read: {}. Everything else was kept. {kept}",
                        read.problems.join("; ")
                    )),
                )
            }
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
        if !self.path.exists() && std::fs::symlink_metadata(&self.path).is_err() {
            return Ok(None);
        }
        let bytes = crate::limits::read_bytes(&self.path, crate::limits::FileKind::Progress)?;
        Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
    }

    fn write(&self, text: &str) -> Result<(), String> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        // Write beside, flush to disk, then rename over: the old save stays whole until the new
        // one is complete, whenever the game is killed.
        let temp = self.temp_path();
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
        // `create_new` never replaces a file: a second copy in the same second gets a suffix.
        for n in 1..1000 {
            let name = if n == 1 {
                format!("progress.corrupt-{stamp}.json")
            } else {
                format!("progress.corrupt-{stamp}-{n}.json")
            };
            let aside = self.path.with_file_name(name);
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&aside)
            {
                Ok(mut file) => {
                    file.write_all(text.as_bytes())
                        .and_then(|_| file.sync_all())
                        .map_err(|e| format!("{}: {e}", aside.display()))?;
                    return Ok(aside.display().to_string());
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(format!("{}: {e}", aside.display())),
            }
        }
        Err("too many copies of unreadable saves already".into())
    }

    fn clean_up(&self) {
        // A temporary file is only ever left by a write that did not finish: the real save is
        // whole, the temporary one is not worth keeping.
        let _ = std::fs::remove_file(self.temp_path());
    }
}

impl FileStore {
    /// Where a save is written before it is renamed over the real one.
    pub fn temp_path(&self) -> PathBuf {
        self.path.with_extension("json.tmp")
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
        // A save from the future keeps what this version understands, and says so.
        std::fs::write(&store.path, "{\"version\": 99}").unwrap();
        assert!(load(&store).1.unwrap().contains("newer version"));
    }

    #[test]
    fn an_unreadable_part_never_costs_the_stars() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        // A newer version: a sandbox setting this version does not know, a field it ignores.
        let newer = r#"{
            "version": 7,
            "levels": {"circle": {"solved": true, "stars": [true, true, false], "best_epoch": 88, "medal": "gold"},
                       "xor": {"solved": "perhaps"}},
            "sandbox": {"dataset": "spiral", "wormholes": 3},
            "themes": ["dark"]
        }"#;
        std::fs::write(&store.path, newer).unwrap();
        let (progress, warning) = load(&store);
        let circle = &progress.levels["circle"];
        assert!(circle.solved && circle.stars == vec![true, true, false]);
        assert_eq!(circle.best_epoch, Some(88));
        assert!(
            !progress.levels.contains_key("xor"),
            "the one unreadable record"
        );
        assert_eq!(
            progress.sandbox, None,
            "the sandbox falls back to its defaults"
        );
        let warning = warning.unwrap();
        for part in [
            "newer version",
            "sandbox settings",
            "wormholes",
            "level \"xor\"",
            "kept as",
        ] {
            assert!(warning.contains(part), "{part}: {warning}");
        }
        // The file as it was is kept aside, and a second unreadable load keeps a second copy.
        let (_, again) = load(&store);
        assert!(again.is_some());
        let copies: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("progress.corrupt-")
            })
            .collect();
        assert_eq!(copies.len(), 2, "a backup never overwrites an earlier one");
        for copy in copies {
            assert_eq!(std::fs::read_to_string(copy.path()).unwrap(), newer);
        }
    }

    #[test]
    fn a_leftover_temporary_file_is_cleaned_up() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        std::fs::write(store.temp_path(), "{\"version\": 1, \"lev").unwrap();
        let _ = load(&store);
        assert!(!store.temp_path().exists());
    }

    #[test]
    fn a_full_disk_or_a_read_only_folder_fails_with_a_reason() {
        // A full disk: the temporary file is the kernel's /dev/full, where every write fails.
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        std::os::unix::fs::symlink("/dev/full", store.temp_path()).unwrap();
        let e = store.write(&Progress::new().to_json()).unwrap_err();
        assert!(e.contains("No space left on device"), "{e}");
        // A folder nobody may write in, not even root: sysfs.
        let store = FileStore::new(std::path::Path::new("/sys/kernel"));
        let e = store.write(&Progress::new().to_json()).unwrap_err();
        assert!(e.contains("/sys/kernel"), "{e}");
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
