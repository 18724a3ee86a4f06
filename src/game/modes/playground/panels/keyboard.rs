//! Keys: Space play/pause, S or Right step, R reset, Esc back to the title, Ctrl+Z undo,
//! Ctrl+Shift+Z (or Ctrl+Y) redo, = faster and - slower, Ctrl+Q quit.

use bevy::prelude::*;
use bevy_egui::input::egui_wants_any_keyboard_input;

use crate::game::modes::playground::{SimAction, SimSet, Simulation, TrainingSpeed, Workbench};
use crate::game::screens::Screen;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Update, quit_keys.run_if(not(egui_wants_any_keyboard_input)));
    app.add_systems(
        Update,
        sandbox_keys
            .run_if(in_state(Workbench))
            .run_if(not(egui_wants_any_keyboard_input))
            .before(SimSet::Apply),
    );
}

pub fn sandbox_keys(
    keys: Res<ButtonInput<KeyCode>>,
    mut actions: MessageWriter<SimAction>,
    mut next: ResMut<NextState<Screen>>,
    screen: Res<State<Screen>>,
    sim: Res<Simulation>,
    own: Option<Res<crate::game::modes::playground::own_data::OwnData>>,
) {
    if keys.just_pressed(KeyCode::Space) {
        actions.write(SimAction::TogglePlay);
    }
    if keys.just_pressed(KeyCode::KeyS) || keys.just_pressed(KeyCode::ArrowRight) {
        actions.write(SimAction::Step);
    }
    let command_held = crate::game::theme::widgets::command_held(&keys);
    // = (or +) faster, - slower: the speed choices in order.
    if let Some(next) =
        crate::game::theme::widgets::speed_key_choice(&keys, &TrainingSpeed::CHOICES, sim.speed, 5)
    {
        actions.write(SimAction::SetSpeed(next));
    }
    if keys.just_pressed(KeyCode::KeyR) && !command_held {
        actions.write(SimAction::Reset);
    }
    if keys.just_pressed(KeyCode::Escape) {
        next.set(if *screen.get() == Screen::Level {
            Screen::LevelSelect
        } else {
            Screen::Title
        });
    }
    let shift = keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]);
    // While drawing, Ctrl+Z belongs to the drawing (see own_data).
    let drawing = own.as_ref().is_some_and(|o| o.drawing_mode);
    if command_held && keys.just_pressed(KeyCode::KeyZ) && !drawing {
        actions.write(if shift {
            SimAction::Redo
        } else {
            SimAction::Undo
        });
    }
    if command_held && keys.just_pressed(KeyCode::KeyY) {
        actions.write(SimAction::Redo);
    }
}

/// Ctrl+Q (or Cmd+Q) quits from any screen.
fn quit_keys(keys: Res<ButtonInput<KeyCode>>, mut exit: MessageWriter<AppExit>) {
    let command = crate::game::theme::widgets::command_held(&keys);
    if command && keys.just_pressed(KeyCode::KeyQ) {
        exit.write(AppExit::Success);
    }
}
