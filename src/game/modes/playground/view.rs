//! What the workbench's network view is and how it is drawn: its root, where it starts, the
//! display options. A leaf: the experiment, the mirror, the level run and the panels all read it.

use bevy::prelude::*;

use crate::game::theme::form_factor::ScreenClass;
use crate::game::theme::widgets;

/// The view root of the workbench's network.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlaygroundView(pub Entity);

/// Where the network view is before the panels are laid out (the panels update it every frame).
pub const DEFAULT_RECT: (Vec2, Vec2) = (Vec2::new(292.0, 46.0), Vec2::new(652.0, 714.0));

/// How the output view is drawn.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Default)]
pub struct DisplayOptions {
    /// Show only the predicted class (the Playground's "discretize output").
    pub discretize: bool,
    /// Draw the test points in the output view.
    pub show_test_data: bool,
    /// Whether the settings are shown on a small screen (None: the screen's own default, open
    /// on a tablet, folded away on a phone; a desktop always shows them).
    pub settings_shown: Option<bool>,
}

impl DisplayOptions {
    /// Whether the settings panel is showing on a screen of this class.
    pub fn settings_open(&self, class: ScreenClass) -> bool {
        widgets::settings_open(self.settings_shown, class)
    }
}
