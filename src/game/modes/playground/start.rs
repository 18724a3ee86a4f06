//! How the Playground opens when the game starts: a preset (`--preset`) or a share link (`--link`,
//! or the page's address on the web) opens the sandbox straight away, possibly trained and playing.

use bevy::prelude::*;

use super::TrainingSpeed;
use super::sim::Simulation;
use crate::game::GameArgs;
use crate::game::screens::Screen;
use crate::presets::Preset;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<PlaygroundStart>().add_systems(
        Update,
        (skip_title, start_lesson).run_if(in_state(Screen::Title)),
    );
}

/// What the command line (or the page's link) asked of the Playground, used once.
#[derive(Resource, Debug, Clone, Default)]
pub struct PlaygroundStart {
    /// Open the sandbox directly with this preset.
    pub preset: Option<Preset>,
    /// Epochs to train the preset before the first frame.
    pub train_epochs: u64,
    /// A share link that could not be opened: said in the sandbox, which opens with defaults.
    pub link_error: Option<String>,
    /// A lesson from a link, to start as a level when the level list is ready.
    pub lesson: Option<crate::level::Level>,
    /// What to say about the link (parameters of a Playground link that were not used).
    pub link_notes: Vec<String>,
    /// The student's own points a link carried, trained on instead of generated data.
    pub link_points: Option<crate::data::Data>,
    /// Start training at once (with a preset).
    pub play: bool,
    pub speed: Option<TrainingSpeed>,
}

impl PlaygroundStart {
    /// Reads the options; a bad one is refused with a message before the window opens. A bad
    /// link is not refused: the default sandbox opens and says why.
    pub fn from_args(args: &GameArgs, link: Option<&str>) -> Result<Self, String> {
        // A lesson link opens its level once the level list is loaded.
        let (lesson, link) = match link {
            Some(l) if crate::level::lesson::is_lesson_link(l) => {
                (Some(crate::level::lesson::read_link(l)), None)
            }
            other => (None, other),
        };
        let (lesson, lesson_error) = match lesson {
            Some(Ok(level)) => (Some(level), None),
            Some(Err(why)) => (None, Some(why)),
            None => (None, None),
        };
        let (link_preset, link_points, link_error, link_notes) =
            match link.map(super::share::start_from_link) {
                Some(Ok((preset, points, notes))) => (Some(preset), points, None, notes),
                Some(Err(why)) => (
                    crate::presets::preset("default"),
                    None,
                    Some(why),
                    Vec::new(),
                ),
                None => (None, None, None, Vec::new()),
            };
        let preset = match args.preset.as_deref() {
            Some(name) => Some(crate::presets::preset(name).ok_or_else(|| {
                let names: Vec<_> = crate::presets::presets().iter().map(|p| p.name).collect();
                format!("unknown preset \"{name}\" (allowed: {})", names.join(", "))
            })?),
            None => link_preset,
        };
        Ok(Self {
            preset,
            train_epochs: args.train_epochs,
            link_error: link_error.or(lesson_error),
            link_notes,
            lesson,
            link_points: if args.preset.is_some() {
                None
            } else {
                link_points
            },
            play: args.play,
            speed: parse_speed(args.speed.as_deref())?,
        })
    }
}

/// `--speed`: epochs per second (1 to 100000) or "max".
pub fn parse_speed(text: Option<&str>) -> Result<Option<TrainingSpeed>, String> {
    match text {
        None => Ok(None),
        Some(text) if text.eq_ignore_ascii_case("max") => Ok(Some(TrainingSpeed::Max)),
        Some(text) => match text.parse::<u32>() {
            Ok(n) if (1..=100_000).contains(&n) => Ok(Some(TrainingSpeed::PerSecond(n))),
            _ => Err(format!(
                "--speed {text}: expected epochs per second (1 to 100000) or \"max\""
            )),
        },
    }
}

/// A lesson link: its level joins the list and starts, once the list is loaded.
fn start_lesson(
    mut start: ResMut<PlaygroundStart>,
    mut catalog: ResMut<crate::game::levels::LevelCatalog>,
    mut commands: MessageWriter<crate::game::levels::LevelCommand>,
) {
    if start.lesson.is_none() || catalog.levels().is_empty() {
        return;
    }
    if let Some(level) = start.lesson.take() {
        super::lessons::open_lesson(level, &mut catalog, &mut commands);
    }
}

/// A preset (or a link) opens the sandbox straight away.
fn skip_title(start: Res<PlaygroundStart>, mut next: ResMut<NextState<Screen>>) {
    if start.preset.is_some() || start.link_error.is_some() {
        next.set(Screen::Sandbox);
    }
}

/// Puts the preset on the workbench once, possibly trained and playing.
pub fn apply(
    mut start: ResMut<PlaygroundStart>,
    mut sim: ResMut<Simulation>,
    mut notices: ResMut<crate::game::notices::Notices>,
) {
    if let Some(why) = start.link_error.take() {
        notices.refused(format!("{why} The default sandbox opened instead."));
    }
    for note in std::mem::take(&mut start.link_notes) {
        notices.info(note);
    }
    let Some(preset) = start.preset.take() else {
        return;
    };
    match Simulation::new(preset.config) {
        Ok(mut fresh) => {
            if let Some(points) = start.link_points.take()
                && let Err(e) = fresh.experiment.use_own_data(points, "the link's points")
            {
                notices.refused(format!(
                    "This link's points cannot be used ({e}); the generated data opened instead."
                ));
            }
            fresh.speed = start.speed.unwrap_or(sim.speed);
            fresh.experiment.step(start.train_epochs);
            fresh.playing = start.play;
            *sim = fresh;
        }
        Err(e) => tracing::error!("preset {}: {e}", preset.name),
    }
}
