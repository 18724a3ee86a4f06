//! `--mode cnn`: the game opens straight on the CNN mode (for scripts and screenshots),
//! training at once with `--play`.

use bevy::prelude::*;

use super::CnnStage;
use super::sim::CnnAction;
use crate::game::GameArgs;
use crate::game::screens::Screen;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<CnnStart>()
        .add_systems(Update, skip_title.run_if(in_state(Screen::Title)))
        .add_systems(OnEnter(CnnStage), apply.after(super::sim::open_first_run));
}

#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct CnnStart {
    pub open: bool,
    pub play: bool,
}

impl CnnStart {
    /// The mode's name was checked with the other modes' options (see `GanStart::from_args`).
    pub fn from_args(args: &GameArgs) -> Self {
        let open = args
            .mode
            .as_deref()
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("cnn"));
        Self {
            open,
            play: open && args.play,
        }
    }
}

fn skip_title(start: Res<CnnStart>, mut next: ResMut<NextState<Screen>>) {
    if start.open {
        next.set(Screen::Cnn);
    }
}

fn apply(mut start: ResMut<CnnStart>, mut actions: MessageWriter<CnnAction>) {
    if !start.open {
        return;
    }
    start.open = false;
    if start.play {
        actions.write(CnnAction::Play(true));
    }
}
