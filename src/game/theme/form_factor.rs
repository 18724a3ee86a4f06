//! The shape of the screen the game is on: a wide desktop window, a tablet (1024x768 landscape),
//! or a phone held upright (390x844). Every screen lays itself out from [`FormFactor`]; on small
//! screens and once a finger has touched the screen, controls grow to finger size (44 px).

use bevy::input::touch::TouchInput;
use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use bevy_egui::{EguiContexts, egui};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<FormFactor>()
        .add_systems(PreUpdate, measure_screen);
}

/// The smallest side a control has under a finger (Apple's and Google's guidance: 44 px).
pub const FINGER: f32 = 44.0;

/// Widths (logical pixels) at which the layout changes.
const TABLET_BELOW: f32 = 1200.0;
const PHONE_BELOW: f32 = 720.0;

/// Which layout the screens use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScreenClass {
    /// A desktop window: every panel open side by side.
    #[default]
    Wide,
    /// A tablet or small laptop: the settings panel can fold away, menus gather in one.
    Tablet,
    /// A phone upright: the network on top, the output below, settings in a sheet.
    Phone,
}

impl ScreenClass {
    /// Its name in the published state.
    pub fn name(self) -> &'static str {
        match self {
            Self::Wide => "wide",
            Self::Tablet => "tablet",
            Self::Phone => "phone",
        }
    }

    /// The class for a window of `width` logical pixels.
    pub fn for_width(width: f32) -> Self {
        if width < PHONE_BELOW {
            Self::Phone
        } else if width < TABLET_BELOW {
            Self::Tablet
        } else {
            Self::Wide
        }
    }
}

/// The screen's class and whether it is touched, updated every frame.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Default)]
pub struct FormFactor {
    pub class: ScreenClass,
    /// The window's size in logical pixels.
    pub size: Vec2,
    /// Whether a touch has been seen (controls then stay finger-sized on any screen).
    pub touched: bool,
}

impl FormFactor {
    /// Whether controls are drawn at least [`FINGER`] pixels tall.
    pub fn finger_sized(&self) -> bool {
        self.touched || self.class != ScreenClass::Wide
    }
}

fn measure_screen(
    windows: Query<&Window, With<PrimaryWindow>>,
    mut touches: MessageReader<TouchInput>,
    mut form: ResMut<FormFactor>,
) {
    let touched = form.touched || touches.read().next().is_some();
    // Without a window (headless tests) the layout stays the desktop one.
    let Ok(window) = windows.single() else {
        if touched != form.touched {
            form.touched = touched;
        }
        return;
    };
    let size = Vec2::new(window.width(), window.height());
    let next = FormFactor {
        class: ScreenClass::for_width(size.x),
        size,
        touched,
    };
    // Only a real change marks the resource changed (screens re-lay out on change).
    form.set_if_neq(next);
}

/// Finger-sized controls: buttons, boxes, sliders and menus at least [`FINGER`] tall, and a
/// little more room between them, so that a tap lands where it was meant.
pub(super) fn size_controls_for_fingers(
    mut contexts: EguiContexts,
    form: Res<FormFactor>,
    mut applied: Local<Option<bool>>,
) -> Result {
    let wanted = form.finger_sized();
    if *applied == Some(wanted) {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    let mut style = (*ctx.global_style()).clone();
    if wanted {
        style.spacing.interact_size = egui::vec2(FINGER, FINGER);
        style.spacing.button_padding = egui::vec2(12.0, 8.0);
        style.spacing.item_spacing = egui::vec2(8.0, 8.0);
        style.spacing.slider_width = 84.0;
        style.spacing.icon_width = 22.0;
        style.spacing.icon_width_inner = 14.0;
        style.spacing.combo_height = 400.0;
        style.spacing.scroll.bar_width = 12.0;
    } else {
        let normal = egui::style::Spacing::default();
        style.spacing.interact_size = normal.interact_size;
        style.spacing.button_padding = egui::vec2(8.0, 4.0);
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.slider_width = normal.slider_width;
        style.spacing.icon_width = normal.icon_width;
        style.spacing.icon_width_inner = normal.icon_width_inner;
        style.spacing.combo_height = normal.combo_height;
        style.spacing.scroll = normal.scroll;
    }
    ctx.set_global_style(style);
    *applied = Some(wanted);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_screens_of_the_issue_get_their_own_class() {
        assert_eq!(ScreenClass::for_width(1280.0), ScreenClass::Wide);
        assert_eq!(ScreenClass::for_width(1024.0), ScreenClass::Tablet);
        assert_eq!(ScreenClass::for_width(390.0), ScreenClass::Phone);
        let phone = FormFactor {
            class: ScreenClass::Phone,
            size: Vec2::new(390.0, 844.0),
            touched: false,
        };
        assert!(phone.finger_sized());
        let desk = FormFactor {
            class: ScreenClass::Wide,
            ..phone
        };
        assert!(!desk.finger_sized());
        assert!(
            FormFactor {
                touched: true,
                ..desk
            }
            .finger_sized()
        );
    }
}
