//! Keys: Space play/pause, S or Right step, R reset, Esc back to the title.

use bevy::prelude::*;
use bevy_egui::input::egui_wants_any_keyboard_input;

use crate::game::screens::Screen;
use crate::game::sim::SimAction;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        sandbox_keys
            .run_if(in_state(Screen::Sandbox))
            .run_if(not(egui_wants_any_keyboard_input))
            .before(crate::game::sim::SimSet::Apply),
    );
}

pub fn sandbox_keys(
    keys: Res<ButtonInput<KeyCode>>,
    mut actions: MessageWriter<SimAction>,
    mut next: ResMut<NextState<Screen>>,
) {
    if keys.just_pressed(KeyCode::Space) {
        actions.write(SimAction::TogglePlay);
    }
    if keys.just_pressed(KeyCode::KeyS) || keys.just_pressed(KeyCode::ArrowRight) {
        actions.write(SimAction::Step);
    }
    if keys.just_pressed(KeyCode::KeyR) {
        actions.write(SimAction::Reset);
    }
    if keys.just_pressed(KeyCode::Escape) {
        next.set(Screen::Title);
    }
}
