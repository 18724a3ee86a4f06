//! What the game is doing, in a few numbers, for scripts, tests and the web page: each mode
//! writes its own fields; `dev::automation` (natively) and `web` (in the browser) publish them.

use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Status>();
}

/// The current mode's status as JSON fields (screen, epoch, losses...), replaced by the active
/// mode every frame.
#[derive(Resource, Debug, Default, Clone)]
pub struct Status {
    pub fields: serde_json::Map<String, serde_json::Value>,
}

impl Status {
    pub fn set(&mut self, key: &str, value: impl Into<serde_json::Value>) {
        self.fields.insert(key.to_string(), value.into());
    }
}

/// Remembers where a widget is drawn (its centre), for scripts and tests that click it like a
/// player: published as the status's `buttons`.
/// Where a widget is (its response), for scripts and tests that click it like a player.
pub fn remember(
    buttons: &mut serde_json::Map<String, serde_json::Value>,
    name: &str,
    response: &bevy_egui::egui::Response,
) {
    remember_button(buttons, name, response.rect);
}

pub fn remember_button(
    buttons: &mut serde_json::Map<String, serde_json::Value>,
    name: &str,
    rect: bevy_egui::egui::Rect,
) {
    let c = rect.center();
    // Centre, then size (a test checks that controls are finger-sized on a phone).
    buttons.insert(
        name.to_string(),
        serde_json::json!([c.x, c.y, rect.width(), rect.height()]),
    );
}
