//! What a file may ask of us, checked before memory is taken: one bounded reader for every file
//! the CLI and the game open (regular files only, a size limit per kind), the paths a file names
//! kept inside its own folder, and the sane maxima of what files declare (pictures, models,
//! rows). The browser hands the game bytes instead of paths; [`check_len`] applies the same
//! limits to those.
//!
//! The limits are far above anything a lesson, a student's drawing or CNN Explainer's Tiny VGG
//! needs, and far below what would hurt a school laptop: every one of them keeps a file's
//! memory within a few hundred MB at most.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Rows of a data file (`--data`, the points a student draws, GAN Lab's `--real` and
/// `--noise` samples): the Playground's datasets have 500, a drawing a few hundred.
pub const MAX_DATA_ROWS: usize = 100_000;
/// A picture's width or height, and its pixels in all (a 24-megapixel phone photo opens).
pub const MAX_PICTURE_SIDE: u32 = 16_384;
pub const MAX_PICTURE_PIXELS: u64 = 32_000_000;
/// What decoding a picture may allocate (RGBA of the largest picture, with room to spare).
pub const MAX_PICTURE_DECODE_BYTES: u64 = 256 * 1024 * 1024;
/// A CNN's parameters (CNN Explainer's Tiny VGG has 19,920; the mini nets fewer), and the
/// numbers one image leaves behind in all its layers (Tiny VGG: about 170,000).
pub const MAX_CNN_PARAMETERS: usize = 1_000_000;
pub const MAX_CNN_ACTIVATIONS: usize = 16_000_000;
/// A CNN's layers, a side of its input and of any map, and its channels, filters and units.
pub const MAX_CNN_LAYERS: usize = 256;
pub const MAX_CNN_SIDE: usize = 4096;
pub const MAX_CNN_CHANNELS: usize = 4096;
pub const MAX_CNN_UNITS: usize = 1_000_000;
/// The epoch a saved model or experiment may claim: more than any computer trains (a million
/// epochs a second for 30 years), and far from where counting would wrap.
pub const MAX_EPOCH: u64 = 1_000_000_000_000_000;
/// How much of a bad value a message quotes.
pub const QUOTE_CHARS: usize = 80;

/// The kinds of files, each with its size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `x1,x2,label[,split]` points, or GAN Lab's real points and noise.
    Data,
    /// A `--config` RON file.
    Config,
    /// A Playground network (`--weights`).
    Network,
    /// A whole saved experiment (settings, points, weights, history).
    Experiment,
    /// A GAN model: ours, or GAN Lab's JSON.
    GanModel,
    /// GAN Lab's `.weights.bin`.
    GanWeights,
    /// A TensorFlow.js `model.json` (ours carries its weights inline).
    CnnModel,
    /// One TensorFlow.js weight shard.
    CnnWeights,
    /// A PNG or JPEG.
    Picture,
    /// A level file, or a levels folder's `index.ron`.
    Level,
    /// The game's progress save.
    Progress,
    /// A file the game opens before it knows what it is (dropped onto the window): the
    /// largest of all the kinds; the kind's own limit is checked once it is known.
    Any,
}

const MIB: u64 = 1024 * 1024;

impl FileKind {
    /// The most bytes a file of this kind may have.
    pub const fn max_bytes(self) -> u64 {
        match self {
            // 100,000 rows of three full-precision numbers and a split fit in 16 MB.
            FileKind::Data => 16 * MIB,
            FileKind::Config | FileKind::Level => MIB,
            FileKind::Network => 4 * MIB,
            // The points (up to the data limit) and the history, as JSON. JSON files are
            // parsed into a tree that can take 20 to 40 times the file for a list of small
            // numbers: these limits keep that tree within a few hundred MB.
            FileKind::Experiment => 8 * MIB,
            // Ours holds two networks of at most 6 layers of 100 neurons (about 2 MB as JSON).
            FileKind::GanModel | FileKind::GanWeights => 4 * MIB,
            // Inline weights are base64: 4/3 of the largest model's 4 MB of float32.
            FileKind::CnnModel => 8 * MIB,
            FileKind::CnnWeights => (MAX_CNN_PARAMETERS as u64) * 4,
            FileKind::Picture => 32 * MIB,
            FileKind::Progress => 4 * MIB,
            FileKind::Any => MAX_ANY_FILE_BYTES,
        }
    }

    /// The kind in words, for messages.
    pub fn what(self) -> &'static str {
        match self {
            FileKind::Data => "a data file",
            FileKind::Config => "a configuration file",
            FileKind::Network => "a network file",
            FileKind::Experiment => "an experiment file",
            FileKind::GanModel => "a GAN model file",
            FileKind::GanWeights => "a GAN weights file",
            FileKind::CnnModel => "a model file",
            FileKind::CnnWeights => "a weights file",
            FileKind::Picture => "a picture",
            FileKind::Level => "a level file",
            FileKind::Progress => "a progress save",
            FileKind::Any => "a file the game opens",
        }
    }
}

/// The largest file of any kind: what the game reads before it knows what a file is for.
pub const MAX_ANY_FILE_BYTES: u64 = 64 * MIB;

/// A size in words: "16 MB", "1.5 KB", "12 bytes".
pub fn size_in_words(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KB * KB * KB {
        format!("{:.1} GB", b / (KB * KB * KB))
    } else if b >= KB * KB {
        let mb = b / (KB * KB);
        if mb.fract() == 0.0 {
            format!("{mb:.0} MB")
        } else {
            format!("{mb:.1} MB")
        }
    } else if b >= KB {
        format!("{:.1} KB", b / KB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Refuses `len` bytes of `kind` over its limit; `name` is the file as shown to the player.
pub fn check_len(len: u64, kind: FileKind, name: &str) -> Result<(), String> {
    let limit = kind.max_bytes();
    if len > limit {
        return Err(format!(
            "{name}: {} is too big for {} (at most {})",
            size_in_words(len),
            kind.what(),
            size_in_words(limit)
        ));
    }
    Ok(())
}

/// Reads a whole file of `kind`: only a regular file (not a folder, a device such as /dev/zero,
/// or a FIFO, which would never end or never answer), and at most the kind's limit, checked
/// before reading and again while reading (a file that grows meanwhile is cut off and refused).
pub fn read_bytes(path: &Path, kind: FileKind) -> Result<Vec<u8>, String> {
    let limit = kind.max_bytes();
    let shown = path.display().to_string();
    let cannot = |e: std::io::Error| format!("{shown}: cannot read: {}", io_reason(&e));
    // Looked at before opening: opening a FIFO for reading waits for a writer.
    let metadata = std::fs::metadata(path).map_err(cannot)?;
    check_regular(&metadata, &shown)?;
    let file = open_without_waiting(path).map_err(cannot)?;
    // And again through the open file, in case the path changed in between.
    let metadata = file.metadata().map_err(cannot)?;
    check_regular(&metadata, &shown)?;
    if metadata.len() > limit {
        return Err(too_big(&shown, metadata.len(), limit, kind));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > limit {
        return Err(too_big(&shown, bytes.len() as u64, limit, kind));
    }
    Ok(bytes)
}

fn too_big(shown: &str, len: u64, limit: u64, kind: FileKind) -> String {
    format!(
        "{shown}: {} is too big for {} (at most {})",
        size_in_words(len),
        kind.what(),
        size_in_words(limit)
    )
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn check_regular(metadata: &std::fs::Metadata, shown: &str) -> Result<(), String> {
    if metadata.is_file() {
        return Ok(());
    }
    let what = if metadata.is_dir() {
        "a folder"
    } else {
        special_kind(metadata)
    };
    Err(format!("{shown}: is {what}, not a file"))
}

#[cfg(unix)]
fn special_kind(metadata: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = metadata.file_type();
    if t.is_fifo() {
        "a pipe (FIFO)"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn special_kind(_metadata: &std::fs::Metadata) -> &'static str {
    "not a regular file"
}

#[cfg(unix)]
fn open_without_waiting(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_without_waiting(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// Reads a text file of `kind` (UTF-8, a byte-order mark at its start dropped).
pub fn read_text(path: &Path, kind: FileKind) -> Result<String, String> {
    let bytes = read_bytes(path, kind)?;
    text_of(bytes, kind, &path.display().to_string())
}

/// Bytes as the text of a file of `kind`: UTF-8 without its byte-order mark, or a message
/// that says what the file seems to be instead.
pub fn text_of(bytes: Vec<u8>, kind: FileKind, name: &str) -> Result<String, String> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        }),
        Err(e) => {
            let looks = binary_kind(e.as_bytes())
                .map(|k| format!(" (it looks like {k})"))
                .unwrap_or_default();
            Err(format!(
                "{name}: is not text{looks}, so it cannot be {}",
                kind.what()
            ))
        }
    }
}

/// Drops a byte-order mark at the start of a text (Notepad writes one).
pub fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// What binary bytes seem to be, from their first bytes.
pub fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG") {
        Some("a PNG picture")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("a JPEG picture")
    } else if bytes.starts_with(b"GIF8") {
        Some("a GIF picture")
    } else if bytes.starts_with(b"PK\x03\x04") {
        Some("a ZIP archive")
    } else if bytes.starts_with(b"%PDF") {
        Some("a PDF document")
    } else if bytes.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        Some("a WebM video")
    } else {
        None
    }
}

/// The file a file names (a model's weights, a level in an index), found inside the naming
/// file's own `folder`: `name` must be relative, without `..`, and must not be (or pass
/// through) a link that leaves the folder.
pub fn inside_folder(folder: &Path, name: &str, naming: &str) -> Result<PathBuf, String> {
    let refuse = |why: &str| {
        format!(
            "{naming}: the file it names, {}, {why}: only files in its own folder are read",
            quote(name)
        )
    };
    let relative = Path::new(name);
    if name.is_empty() {
        return Err(refuse("is empty"));
    }
    if relative.is_absolute() || name.starts_with(['/', '\\']) || name.contains(':') {
        return Err(refuse("is an absolute path"));
    }
    for part in relative.components() {
        match part {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir => return Err(refuse("goes up a folder (..)")),
            Component::RootDir | Component::Prefix(_) => {
                return Err(refuse("is an absolute path"));
            }
        }
    }
    if name.contains('\\') {
        return Err(refuse("has a backslash in it"));
    }
    let path = folder.join(relative);
    // Links are followed only where they stay in the folder.
    if let (Ok(real_folder), Ok(real_path)) = (folder.canonicalize(), path.canonicalize())
        && !real_path.starts_with(&real_folder)
    {
        return Err(refuse("is a link to somewhere outside its folder"));
    }
    Ok(path)
}

/// A value for a message: quoted, at most [`QUOTE_CHARS`] characters of it, then "...".
pub fn quote(value: &str) -> String {
    let mut chars = value.chars();
    let shown: String = chars.by_ref().take(QUOTE_CHARS).collect();
    if chars.next().is_some() {
        format!("\"{shown}...\" ({} characters)", value.chars().count())
    } else {
        format!("\"{shown}\"")
    }
}

/// A message cut to a length people read (a parser's error may repeat a whole field).
pub fn shorten_message(message: &str, max_chars: usize) -> String {
    let count = message.chars().count();
    if count <= max_chars {
        return message.to_string();
    }
    let shown: String = message.chars().take(max_chars).collect();
    format!("{shown}... ({count} characters in all)")
}

/// The longest line a message may have.
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// A message as the player reads it: every quoted part and every unbroken run of characters
/// longer than [`QUOTE_CHARS`] cut to that (a parser's error may quote a 5 MB field), every
/// bracketed part tidied the same way inside and cut if it is still long (a list of 10,000
/// layers), and the whole at most [`MAX_MESSAGE_CHARS`].
pub fn tidy_message(message: &str) -> String {
    let chars: Vec<char> = message.chars().collect();
    shorten_message(&tidy_chars(&chars, 0), MAX_MESSAGE_CHARS)
}

/// How deep brackets are looked into (deeper ones are cut whole).
const TIDY_DEPTH: usize = 4;

fn tidy_chars(chars: &[char], depth: usize) -> String {
    const CLOSERS: [char; 5] = ['"', '`', ']', ')', '}'];
    let limit = QUOTE_CHARS + 8;
    let mut out = String::with_capacity(chars.len().min(MAX_MESSAGE_CHARS * 4));
    // The last search for each closer (from where, what it found): the next one after a later
    // start is the same, so a message of many unclosed brackets is still read once.
    let mut searched: [Option<(usize, Option<usize>)>; 5] = [None; 5];
    let mut next_closer = |kind: usize, from: usize| -> Option<usize> {
        if let Some((start, found)) = searched[kind]
            && from >= start
            && found.is_none_or(|p| from <= p)
        {
            return found;
        }
        let found = chars[from..]
            .iter()
            .position(|&d| d == CLOSERS[kind])
            .map(|p| from + p);
        searched[kind] = Some((from, found));
        found
    };
    let cut = |out: &mut String, part: &[char], close: Option<char>| {
        out.extend(&part[..QUOTE_CHARS]);
        out.push_str("...");
        if let Some(close) = close {
            out.push(close);
        }
        out.push_str(&format!(" ({} characters)", part.len()));
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let kind = match c {
            '"' => Some(0),
            '`' => Some(1),
            '[' => Some(2),
            '(' => Some(3),
            '{' => Some(4),
            _ => None,
        };
        // A quoted or bracketed span, if it is closed.
        if let Some(kind) = kind
            && let Some(end) = next_closer(kind, i + 1)
        {
            let part = &chars[i..=end];
            let close = CLOSERS[kind];
            if part.len() <= limit {
                out.extend(part);
            } else if kind >= 2 && depth < TIDY_DEPTH {
                // Brackets: what is inside may be words worth keeping.
                let inner = tidy_chars(&part[1..part.len() - 1], depth + 1);
                if inner.chars().count() <= 3 * QUOTE_CHARS {
                    out.push(c);
                    out.push_str(&inner);
                    out.push(close);
                } else {
                    cut(&mut out, part, Some(close));
                }
            } else {
                cut(&mut out, part, Some(close));
            }
            i = end + 1;
            continue;
        }
        // A run of characters up to the next space.
        let end = chars[i..]
            .iter()
            .position(|d| d.is_whitespace())
            .map_or(chars.len(), |p| i + p.max(1));
        let part = &chars[i..end];
        if part.len() > limit {
            cut(&mut out, part, None);
        } else {
            out.extend(part);
        }
        i = end;
    }
    out
}

/// A number as read from a file, checked to be a whole number from `min` to `max` before it
/// is turned into a count: `1e20` stays `1e20` in the message, not what a cast would make it.
pub fn whole_number(value: f64, min: u64, max: u64, what: &str) -> Result<u64, String> {
    if value.is_finite() && value.fract() == 0.0 && value >= min as f64 && value <= max as f64 {
        Ok(value as u64)
    } else {
        Err(format!(
            "{what} {} must be a whole number from {min} to {max}",
            quote_number(value)
        ))
    }
}

/// A number for a message: as written, but a long one in scientific notation.
pub fn quote_number(value: f64) -> String {
    let plain = value.to_string();
    if plain.len() > 24 {
        format!("{value:e}")
    } else {
        plain
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_and_everything_else_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.csv");
        std::fs::write(&file, "\u{feff}x1,x2,label\n").unwrap();
        assert_eq!(
            read_text(&file, FileKind::Data).unwrap(),
            "x1,x2,label\n",
            "the byte-order mark is dropped"
        );
        let folder = read_bytes(dir.path(), FileKind::Data).unwrap_err();
        assert!(folder.contains("is a folder"), "{folder}");
        let missing = read_bytes(&dir.path().join("none"), FileKind::Data).unwrap_err();
        assert!(missing.contains("no such file"), "{missing}");
        #[cfg(unix)]
        {
            let zero = read_bytes(Path::new("/dev/zero"), FileKind::Data).unwrap_err();
            assert!(zero.contains("is a device"), "{zero}");
            let fifo = dir.path().join("fifo");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if made.is_ok_and(|s| s.success()) {
                let e = read_bytes(&fifo, FileKind::Level).unwrap_err();
                assert!(e.contains("a pipe (FIFO)"), "{e}");
            }
            let link = dir.path().join("zero.ron");
            std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
            let e = read_bytes(&link, FileKind::Level).unwrap_err();
            assert!(e.contains("is a device"), "{e}");
        }
    }

    #[test]
    fn a_file_over_its_kinds_limit_is_refused_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.ron");
        // A sparse file: 2 GB declared, nothing written, nothing read.
        let file = std::fs::File::create(&big).unwrap();
        file.set_len(2 * 1024 * MIB).unwrap();
        let e = read_bytes(&big, FileKind::Config).unwrap_err();
        assert!(
            e.contains("2.0 GB is too big for a configuration file (at most 1 MB)"),
            "{e}"
        );
        assert!(check_len(MIB + 1, FileKind::Level, "x.ron").is_err());
        assert!(check_len(MIB, FileKind::Level, "x.ron").is_ok());
        // Within the limit by a byte, read whole.
        file.set_len(MIB).unwrap();
        assert_eq!(
            read_bytes(&big, FileKind::Config).unwrap().len(),
            MIB as usize
        );
    }

    #[test]
    fn named_files_stay_in_their_folder() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("model");
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join("w.bin"), b"1234").unwrap();
        std::fs::write(dir.path().join("secret.bin"), b"secret").unwrap();
        assert_eq!(
            inside_folder(&folder, "w.bin", "model.json").unwrap(),
            folder.join("w.bin")
        );
        assert!(inside_folder(&folder, "./w.bin", "m").is_ok());
        for (name, why) in [
            ("../secret.bin", "goes up a folder"),
            ("sub/../../secret.bin", "goes up a folder"),
            ("/etc/passwd", "absolute path"),
            ("C:\\x.bin", "absolute path"),
            ("", "is empty"),
        ] {
            let e = inside_folder(&folder, name, "model.json").unwrap_err();
            assert!(e.contains(why), "{name}: {e}");
            assert!(e.starts_with("model.json: "), "{e}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.bin"), folder.join("out.bin"))
                .unwrap();
            let e = inside_folder(&folder, "out.bin", "model.json").unwrap_err();
            assert!(e.contains("outside its folder"), "{e}");
            std::os::unix::fs::symlink("w.bin", folder.join("in.bin")).unwrap();
            assert!(inside_folder(&folder, "in.bin", "model.json").is_ok());
        }
    }

    #[test]
    fn messages_quote_a_little_of_a_value() {
        assert_eq!(quote("abc"), "\"abc\"");
        let long = "x".repeat(5_000_000);
        let q = quote(&long);
        assert!(q.len() < 120, "{q}");
        assert!(q.contains("5000000 characters"), "{q}");
        let m = shorten_message(&"y".repeat(1000), 200);
        assert!(m.chars().count() < 240, "{m}");
        assert_eq!(shorten_message("short", 200), "short");
    }

    #[test]
    fn tidy_messages_cut_long_quotes_lists_and_runs() {
        let plain = "data.csv: line 3: column 2: x2 \"abc\" is not a number";
        assert_eq!(tidy_message(plain), plain);
        let field = format!(
            "unknown variant `{}`, expected one of `a`, `b`",
            "z".repeat(5_000_000)
        );
        let tidy = tidy_message(&field);
        assert!(tidy.len() < 250, "{tidy}");
        assert!(tidy.starts_with("unknown variant `zzz"), "{tidy}");
        assert!(tidy.ends_with("expected one of `a`, `b`"), "{tidy}");
        let layers: Vec<String> = (0..10_000).map(|_| "8".to_string()).collect();
        let list = format!("hidden layers [{}] are too many", layers.join(", "));
        let tidy = tidy_message(&list);
        assert!(tidy.len() < 200 && tidy.ends_with("are too many"), "{tidy}");
        let number = format!("--noise {}: invalid digit", "9".repeat(309)); // (the run: the number and its colon)
        let tidy = tidy_message(&number);
        assert!(
            tidy.len() < 150 && tidy.contains("(310 characters)"),
            "{tidy}"
        );
        let many_words = "word ".repeat(10_000);
        assert!(tidy_message(&many_words).chars().count() < MAX_MESSAGE_CHARS + 40);
        // Many unclosed brackets are read in one pass, and cut like any long run.
        let brackets = "(".repeat(1_000_000);
        assert!(tidy_message(&brackets).len() < 200);
        // An unclosed quote is not a span: the words after it are kept.
        assert_eq!(tidy_message("a \"b c"), "a \"b c");
    }

    #[test]
    fn whole_numbers_are_checked_as_read() {
        assert_eq!(whole_number(3.0, 0, 10, "kDSteps"), Ok(3));
        let e = whole_number(1e20, 0, 10, "kDSteps").unwrap_err();
        assert_eq!(
            e,
            "kDSteps 100000000000000000000 must be a whole number from 0 to 10"
        );
        let e = whole_number(1e300, 0, 10, "kDSteps").unwrap_err();
        assert!(e.contains("1e300"), "{e}");
        assert!(whole_number(f64::NAN, 0, 10, "k").is_err());
        assert!(whole_number(2.5, 0, 10, "k").is_err());
        assert!(whole_number(-1.0, 0, 10, "k").is_err());
    }

    #[test]
    fn binary_files_say_what_they_look_like() {
        let e = text_of(
            b"\x89PNG\r\n\x1a\n\xff\xfe".to_vec(),
            FileKind::CnnModel,
            "cat.png",
        )
        .unwrap_err();
        assert_eq!(
            e,
            "cat.png: is not text (it looks like a PNG picture), so it cannot be a model file"
        );
    }
}
