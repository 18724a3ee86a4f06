//! How the GAN mode opens when the game starts with `--mode gan`: straight from the command
//! line, possibly playing at a chosen speed (for scripts, screenshots and measurements).

use bevy::prelude::*;

use super::GanStage;
use super::sim::{GanSim, GanSpeed};
use crate::game::GameArgs;
use crate::game::screens::Screen;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<GanStart>()
        .add_systems(Update, skip_title.run_if(in_state(Screen::Title)))
        .add_systems(OnEnter(GanStage), apply.after(super::sim::open_first_run));
}

/// What the command line asked of the GAN mode, used once.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct GanStart {
    pub open: bool,
    pub play: bool,
    pub speed: Option<GanSpeed>,
}

impl GanStart {
    /// Reads the options; a bad one is refused before the window opens.
    pub fn from_args(args: &GameArgs) -> Result<Self, String> {
        let open = match args.mode.as_deref().map(str::trim) {
            None => false,
            Some(m) if m.eq_ignore_ascii_case("playground") || m.eq_ignore_ascii_case("cnn") => {
                false
            }
            Some(m) if m.eq_ignore_ascii_case("gan") => true,
            Some(other) => {
                return Err(format!(
                    "--mode {other}: unknown mode (allowed: playground, gan, cnn)"
                ));
            }
        };
        if !open {
            return Ok(Self::default());
        }
        if args.preset.is_some() || args.link.is_some() {
            return Err(
                "--preset and --link open the Playground; leave them out with --mode gan".into(),
            );
        }
        let speed = match args.speed.as_deref() {
            None => None,
            Some(t) if t.eq_ignore_ascii_case("max") => Some(GanSpeed::Max),
            Some(t) => match t.parse::<u32>() {
                Ok(n) if (1..=1000).contains(&n) => Some(GanSpeed::PerFrame(n)),
                _ => {
                    return Err(format!(
                        "--speed {t}: in the GAN mode, epochs per frame (1 to 1000) or \"max\""
                    ));
                }
            },
        };
        Ok(Self {
            open,
            play: args.play,
            speed,
        })
    }
}

fn skip_title(start: Res<GanStart>, mut next: ResMut<NextState<Screen>>) {
    if start.open {
        next.set(Screen::Gan);
    }
}

fn apply(mut start: ResMut<GanStart>, sim: Option<ResMut<GanSim>>) {
    if !start.open {
        return;
    }
    start.open = false;
    if let Some(mut sim) = sim {
        if let Some(speed) = start.speed {
            sim.speed = speed;
        }
        sim.playing = start.play;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mode_option_is_read_and_bad_values_are_refused() {
        let args = |mode: &str, speed: Option<&str>| GameArgs {
            mode: Some(mode.into()),
            speed: speed.map(String::from),
            ..GameArgs::default()
        };
        let start = GanStart::from_args(&args("gan", Some("max"))).unwrap();
        assert!(start.open);
        assert_eq!(start.speed, Some(GanSpeed::Max));
        assert_eq!(
            GanStart::from_args(&args("GAN", Some("20"))).unwrap().speed,
            Some(GanSpeed::PerFrame(20))
        );
        assert!(!GanStart::from_args(&args("playground", None)).unwrap().open);
        assert!(!GanStart::from_args(&args("cnn", None)).unwrap().open);
        let e = GanStart::from_args(&args("rnn", None)).unwrap_err();
        assert!(e.contains("allowed: playground, gan, cnn"), "{e}");
        let e = GanStart::from_args(&args("gan", Some("0"))).unwrap_err();
        assert!(e.contains("epochs per frame"), "{e}");
        let mut with_preset = args("gan", None);
        with_preset.preset = Some("xor".into());
        assert!(GanStart::from_args(&with_preset).is_err());
    }
}
