//! Lessons made by teachers: a level (the same RON format as `levels/`) built from a sandbox's
//! configuration and a few choices, and a link that carries it (`#lesson=` and the RON text,
//! base64url). A link is read strictly: too long, not base64, not text, not a valid level, or a
//! level that claims the id of a shipped level opens nothing, and the reason is given.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::{Goal, Level, Solution, Star};
use crate::data::Feature;
use crate::experiment::{ExperimentConfig, Palette, Setting};

/// The fragment key of a lesson link.
pub const LESSON_PREFIX: &str = "lesson=";
/// Every lesson's id starts so, so that a lesson never shares the saved stars of a shipped level.
pub const ID_PREFIX: &str = "lesson-";
/// Longest lesson link read (a lesson is a couple of kilobytes).
pub const MAX_LINK_CHARS: usize = 24_000;
/// Most epochs a lesson may give.
pub const MAX_EPOCH_BUDGET: u64 = 100_000;

/// What the teacher chooses; the start is the sandbox as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct LessonDraft {
    pub title: String,
    /// Paragraphs, separated by blank lines.
    pub briefing: String,
    /// One hint per line.
    pub hints: String,
    /// What students should take away (shown when they win).
    pub lesson: String,
    pub goal: Goal,
    pub epoch_budget: u64,
    /// The settings students may change.
    pub settings: Vec<Setting>,
    /// The features they may drag in.
    pub features: Vec<Feature>,
    pub max_hidden_layers: usize,
    pub max_neurons_per_layer: usize,
}

impl Default for LessonDraft {
    fn default() -> Self {
        Self {
            title: String::new(),
            briefing: String::new(),
            hints: String::new(),
            lesson: String::new(),
            goal: Goal::TestAccuracy {
                at_least: 0.9,
                after_epoch: 0,
            },
            epoch_budget: 500,
            settings: vec![
                Setting::Features,
                Setting::Architecture,
                Setting::LearningRate,
                Setting::Activation,
            ],
            features: Feature::ALL.to_vec(),
            max_hidden_layers: 6,
            max_neurons_per_layer: 8,
        }
    }
}

/// An id from a title: lowercase letters and digits joined by dashes, after `lesson-`.
pub fn id_from_title(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug: String = slug.chars().take(40).collect();
    format!(
        "{ID_PREFIX}{}",
        if slug.is_empty() { "untitled" } else { &slug }
    )
}

/// The level a draft makes from a start, and its file text; or every problem with it, in words.
pub fn make_lesson(
    draft: &LessonDraft,
    start: &ExperimentConfig,
) -> Result<(Level, String), Vec<String>> {
    let paragraphs: Vec<String> = draft
        .briefing
        .split("\n\n")
        .map(|p| p.trim().replace('\n', " "))
        .filter(|p| !p.is_empty())
        .collect();
    let hints: Vec<String> = draft
        .hints
        .lines()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .collect();
    let mut start = start.clone();
    // A lesson starts from the sandbox's settings, not from its Playground link's random stream
    // (a level is rebuilt from its own seed).
    start.playground_seed = None;
    let mut palette = Palette {
        settings: draft.settings.clone(),
        features: draft.features.clone(),
        max_hidden_layers: draft.max_hidden_layers,
        max_neurons_per_layer: draft.max_neurons_per_layer,
        ..Palette::default()
    };
    // The starting features are always offered.
    for f in &start.features {
        if !palette.features.contains(f) {
            palette.features.push(*f);
        }
    }
    palette.max_hidden_layers = palette.max_hidden_layers.max(start.hidden_layers.len());
    palette.max_neurons_per_layer = palette
        .max_neurons_per_layer
        .max(start.hidden_layers.iter().copied().max().unwrap_or(1));
    let mut stars = vec![Star::Goal];
    if draft.epoch_budget >= 4 {
        stars.push(Star::WithinEpochs(draft.epoch_budget / 2));
    }
    let level = Level {
        mode: None,
        id: id_from_title(&draft.title),
        title: draft.title.trim().to_string(),
        order: 1000,
        briefing: paragraphs,
        hints,
        lesson: draft.lesson.trim().to_string(),
        start,
        palette,
        goal: draft.goal,
        epoch_budget: draft.epoch_budget,
        stars,
        solution: Solution {
            explanation: "The lesson's own start, as the teacher set it.".into(),
            ..Solution::default()
        },
    };
    let text = ron::ser::to_string_pretty(&level, ron::ser::PrettyConfig::default())
        .map_err(|e| vec![format!("the lesson could not be written: {e}")])?;
    // The file must read back as a level: the same checks as every level file.
    let read = check_lesson(&text, "lesson")?;
    Ok((read, text))
}

fn check_lesson(text: &str, file: &str) -> Result<Level, Vec<String>> {
    let level = Level::parse(text, file)
        .map_err(|errors| errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>())?;
    let mut problems = Vec::new();
    if !level.id.starts_with(ID_PREFIX) {
        problems.push(format!(
            "its id \"{}\" does not start with \"{ID_PREFIX}\" (a lesson cannot take a level's place)",
            level.id
        ));
    }
    if level.epoch_budget == 0 || level.epoch_budget > MAX_EPOCH_BUDGET {
        problems.push(format!(
            "its epoch budget {} is not 1 to {MAX_EPOCH_BUDGET}",
            level.epoch_budget
        ));
    }
    if level.title.is_empty() {
        problems.push("it has no title".into());
    }
    if problems.is_empty() {
        Ok(level)
    } else {
        Err(problems)
    }
}

/// The fragment (without `#`) of a link that opens the lesson.
pub fn link_fragment(text: &str) -> String {
    format!("{LESSON_PREFIX}{}", URL_SAFE_NO_PAD.encode(text))
}

/// Whether a link is a lesson link.
pub fn is_lesson_link(link: &str) -> bool {
    let fragment = link.trim();
    let fragment = fragment.split_once('#').map_or(fragment, |(_, f)| f);
    fragment.starts_with(LESSON_PREFIX)
}

/// Reads a lesson link (the whole address or its fragment) into its level, or says why not.
pub fn read_link(link: &str) -> Result<Level, String> {
    let link = link.trim();
    if link.len() > MAX_LINK_CHARS {
        return Err(format!(
            "This lesson link is too long ({} characters; a lesson takes a few thousand).",
            link.len()
        ));
    }
    let fragment = link.split_once('#').map_or(link, |(_, f)| f);
    let Some(encoded) = fragment.strip_prefix(LESSON_PREFIX) else {
        return Err("This is not a lesson link.".into());
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(encoded.trim_end_matches('='))
        .map_err(|_| {
            "This lesson link is damaged (not valid base64); ask for it again.".to_string()
        })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| "This lesson link is damaged (not text); ask for it again.".to_string())?;
    check_lesson(&text, "lesson link")
        .map_err(|problems| format!("This lesson cannot open: {}.", problems.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::DatasetKind;

    fn draft() -> LessonDraft {
        LessonDraft {
            title: "Circles & lines!".into(),
            briefing: "First paragraph.\n\nSecond\nparagraph.".into(),
            hints: "Add a layer.\n\n  Try x1².  ".into(),
            lesson: "Layers make new features.".into(),
            ..LessonDraft::default()
        }
    }

    fn start() -> ExperimentConfig {
        ExperimentConfig {
            dataset: DatasetKind::Circle,
            hidden_layers: vec![],
            ..ExperimentConfig::default()
        }
    }

    #[test]
    fn a_lesson_is_a_level_and_its_link_opens_it() {
        let (level, text) = make_lesson(&draft(), &start()).unwrap();
        assert_eq!(level.id, "lesson-circles-lines");
        assert_eq!(
            level.briefing,
            vec!["First paragraph.", "Second paragraph."]
        );
        assert_eq!(level.hints, vec!["Add a layer.", "Try x1²."]);
        assert_eq!(level.start.dataset, DatasetKind::Circle);
        assert!(level.palette.allows(Setting::Architecture));
        assert!(!level.palette.allows(Setting::Regularization));
        // The file is a level file like those in levels/.
        assert_eq!(Level::parse(&text, "x.ron").unwrap(), level);
        let link = format!("https://example.org/play/#{}", link_fragment(&text));
        assert!(is_lesson_link(&link));
        assert_eq!(read_link(&link).unwrap(), level);
    }

    #[test]
    fn a_bad_draft_says_what_is_wrong() {
        let mut d = draft();
        d.title = String::new();
        d.briefing = String::new();
        assert!(make_lesson(&d, &start()).is_err());
        let mut d = draft();
        d.epoch_budget = 0;
        assert!(
            make_lesson(&d, &start())
                .unwrap_err()
                .iter()
                .any(|p| p.contains("budget"))
        );
    }

    #[test]
    fn malformed_or_hostile_links_open_nothing() {
        let (_, text) = make_lesson(&draft(), &start()).unwrap();
        let cases = [
            ("#lesson=%%%".to_string(), "base64"),
            (
                format!("#lesson={}", URL_SAFE_NO_PAD.encode([0xff, 0xfe, 0x00])),
                "not text",
            ),
            (
                format!("#lesson={}", URL_SAFE_NO_PAD.encode("(id: \"x\")")),
                "cannot open",
            ),
            (
                format!(
                    "#{}",
                    link_fragment(&text.replace("lesson-circles-lines", "02-xor"))
                ),
                "does not start",
            ),
            (
                format!(
                    "#{}",
                    link_fragment(&text.replace("epoch_budget: 500", "epoch_budget: 99999999999"))
                ),
                "budget",
            ),
            (
                format!("#lesson={}", "A".repeat(MAX_LINK_CHARS)),
                "too long",
            ),
            ("#cfg=abc".to_string(), "not a lesson"),
        ];
        for (link, expected) in cases {
            let why = read_link(&link).unwrap_err();
            assert!(why.contains(expected), "{expected}: {why}");
        }
    }

    /// A lesson made in the game (Make a lesson…, saved as a file) reads back through a link.
    #[test]
    fn a_lesson_made_in_the_game_opens_from_its_link() {
        let text = include_str!("../../tests/fixtures/lessons/lesson-fence-in-the-blue-points.ron");
        let level = read_link(&format!("#{}", link_fragment(text))).unwrap();
        assert_eq!(level.id, "lesson-fence-in-the-blue-points");
        assert_eq!(level.epoch_budget, 500);
    }

    #[test]
    fn ids_are_slugs() {
        assert_eq!(id_from_title("  Über XOR -- 2 "), "lesson-ber-xor-2");
        assert_eq!(id_from_title("???"), "lesson-untitled");
    }
}
