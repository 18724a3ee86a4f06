//! Small egui pieces shared by every mode's panels.

use super::form_factor::ScreenClass;
use bevy::prelude::*;
use bevy_egui::egui;

/// A panel section's heading: small capitals in grey, as in the Playground.
pub fn section_heading(ui: &mut egui::Ui, title: &str) {
    ui.label(
        egui::RichText::new(title)
            .strong()
            .size(13.0)
            .color(egui::Color32::from_gray(90)),
    );
}

/// A section heading with some space above and a rule below.
pub fn section(ui: &mut egui::Ui, title: &str) {
    ui.add_space(6.0);
    section_heading(ui, title);
    ui.separator();
}

/// Formats a count with thousands separators, zero-padded to six digits as the Playground's
/// epoch counter.
pub fn with_commas(n: u64) -> String {
    group_thousands(&format!("{n:06}"))
}

/// A count with thousands separators and no padding: 475,552.
pub fn thousands(n: u64) -> String {
    group_thousands(&n.to_string())
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A card centred on `center` (window coordinates), above the world. On a small screen it is
/// narrowed to fit, kept on the screen, and scrolls when taller than the screen.
pub fn card(
    ctx: &egui::Context,
    center: Vec2,
    id: &str,
    width: f32,
    add: impl FnOnce(&mut egui::Ui),
) {
    let screen = ctx.content_rect();
    let width = width.min(screen.width() - 56.0).max(120.0);
    let half = width / 2.0 + 20.0;
    let x = center.x.clamp(
        screen.min.x + half,
        (screen.max.x - half).max(screen.min.x + half),
    );
    egui::Area::new(egui::Id::new(id))
        .fixed_pos(egui::pos2(x, center.y))
        .pivot(egui::Align2::CENTER_CENTER)
        .order(egui::Order::Foreground)
        .constrain(true)
        .show(ctx, |ui| {
            egui::Frame::window(ui.style())
                .inner_margin(egui::Margin::same(18))
                .show(ui, |ui| {
                    ui.set_width(width);
                    // An area lays its content out in last frame's size (at first egui's
                    // default, 400 px tall), and a scroll area never outgrows the space it is
                    // given: without this the card stayed 400 px tall and a tablet's briefing
                    // hid its Start button below the fold. Now it grows to fit the screen.
                    let max_height = screen.height() - 80.0;
                    ui.set_max_height(max_height);
                    egui::ScrollArea::vertical()
                        .max_height(max_height)
                        .show(ui, add);
                });
        });
}

/// A small button, or a finger-sized one when the screen is touched or small (the style's
/// interaction size says which).
pub fn small_button(ui: &mut egui::Ui, text: impl Into<egui::WidgetText>) -> egui::Response {
    ui.add(compact(egui::Button::new(text), ui))
}

/// `button` made small unless controls are finger-sized.
pub fn compact<'a>(button: egui::Button<'a>, ui: &egui::Ui) -> egui::Button<'a> {
    if ui.spacing().interact_size.y >= super::form_factor::FINGER {
        button
    } else {
        button.small()
    }
}

/// A red banner with white text, centred at the top of an area.
pub fn banner(ctx: &egui::Context, id: &str, at: Vec2, max_width: f32, text: &str) {
    egui::Area::new(egui::Id::new(id))
        .fixed_pos(egui::pos2(at.x, at.y))
        .pivot(egui::Align2::CENTER_TOP)
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            egui::Frame::new()
                .fill(egui::Color32::from_rgb(190, 45, 35))
                .corner_radius(6)
                .inner_margin(egui::Margin::symmetric(14, 10))
                .show(ui, |ui| {
                    ui.set_max_width(max_width);
                    ui.label(
                        egui::RichText::new(text)
                            .color(egui::Color32::WHITE)
                            .strong()
                            .size(15.0),
                    );
                });
        });
}

/// The speed keys: = (or +) one choice faster, - one slower, clamped at the ends; `None` when
/// neither was pressed. An unknown current choice counts as `fallback`.
pub fn speed_key_choice<T: PartialEq + Copy>(
    keys: &ButtonInput<KeyCode>,
    choices: &[T],
    current: T,
    fallback: usize,
) -> Option<T> {
    let faster = keys.just_pressed(KeyCode::Equal) || keys.just_pressed(KeyCode::NumpadAdd);
    let slower = keys.just_pressed(KeyCode::Minus) || keys.just_pressed(KeyCode::NumpadSubtract);
    if !(faster || slower) || choices.is_empty() {
        return None;
    }
    let at = choices
        .iter()
        .position(|c| *c == current)
        .unwrap_or(fallback);
    let next = if faster {
        (at + 1).min(choices.len() - 1)
    } else {
        at.saturating_sub(1)
    };
    Some(choices[next])
}

/// A drop-down menu of the top bar: a button that opens a panel of items below it. Unlike egui's
/// own menus it never closes in the frame that opened it, so a click whose press and release fall
/// in one slow frame (software rendering, a tablet) still opens it; it closes when an item asks
/// (`add_contents` returns true), on a click outside it, on the button again, or on Escape.
pub fn drop_menu(
    ui: &mut egui::Ui,
    label: &str,
    add_contents: impl FnOnce(&mut egui::Ui) -> bool,
) -> egui::Response {
    let id = ui.make_persistent_id(("drop menu", label));
    let mut open = ui.data(|d| d.get_temp::<bool>(id).unwrap_or(false));
    let response = ui.add(egui::Button::new(label).selected(open));
    let toggled = response.clicked();
    if toggled {
        open = !open;
    }
    if open {
        let area = egui::Area::new(id.with("items"))
            .order(egui::Order::Foreground)
            .fixed_pos(response.rect.left_bottom() + egui::vec2(0.0, 4.0))
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style())
                    .show(ui, |ui| {
                        ui.set_min_width(180.0);
                        // Items read as a menu's lines, not as buttons.
                        ui.style_mut().visuals.button_frame = false;
                        add_contents(ui)
                    })
                    .inner
            });
        let chosen = area.inner;
        let clicked_outside = !toggled
            && ui.input(|i| {
                i.pointer.any_click()
                    && i.pointer.interact_pos().is_some_and(|p| {
                        !area.response.rect.contains(p) && !response.rect.contains(p)
                    })
            });
        if chosen || clicked_outside || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            open = false;
        }
    }
    ui.data_mut(|d| d.insert_temp(id, open));
    response
}

/// Whether a mode's settings panel shows: always on a desktop, on a tablet unless folded away,
/// on a phone once opened (`shown` is the player's choice, `None` until they make one).
pub fn settings_open(shown: Option<bool>, class: ScreenClass) -> bool {
    match class {
        ScreenClass::Wide => true,
        ScreenClass::Tablet => shown.unwrap_or(true),
        ScreenClass::Phone => shown.unwrap_or(false),
    }
}

/// The ☰ button that opens or folds a mode's settings on a small screen.
pub fn settings_toggle(
    ui: &mut egui::Ui,
    shown: &mut Option<bool>,
    class: ScreenClass,
) -> egui::Response {
    let open = settings_open(*shown, class);
    let toggle = ui
        .add(egui::Button::new(egui::RichText::new("☰").size(20.0)).selected(open))
        .on_hover_text(if open {
            "Fold the settings away."
        } else {
            "Show the settings."
        });
    if toggle.clicked() {
        *shown = Some(!open);
    }
    toggle
}

/// On a phone a mode's settings slide over its view as a sheet (the view is too narrow to share
/// its width); "Done" folds it away. Returns where "Done" is.
pub fn settings_sheet(
    ctx: &egui::Context,
    id: &str,
    over: egui::Rect,
    shown: &mut Option<bool>,
    add: impl FnOnce(&mut egui::Ui),
) -> egui::Rect {
    let width = over.width().min(340.0);
    egui::Area::new(egui::Id::new(id))
        .order(egui::Order::Foreground)
        .fixed_pos(over.min)
        .show(ctx, |ui| {
            egui::Frame::side_top_panel(ui.style())
                .stroke(egui::Stroke::new(1.0, egui::Color32::from_gray(200)))
                .show(ui, |ui| {
                    ui.set_width(width - 16.0);
                    ui.set_height(over.height() - 16.0);
                    let done = ui.button("Done");
                    if done.clicked() {
                        *shown = Some(false);
                    }
                    egui::ScrollArea::vertical()
                        .max_height(over.height() - 80.0)
                        .show(ui, add);
                    done.rect
                })
                .inner
        })
        .inner
}

/// A mode's run bar: one centred row on a desktop; on a small screen the row wraps onto a
/// second line rather than running off the screen.
pub fn bar_row(ui: &mut egui::Ui, class: ScreenClass, add: impl FnOnce(&mut egui::Ui)) {
    if class == ScreenClass::Wide {
        ui.horizontal_centered(add);
    } else {
        ui.add_space(4.0);
        ui.horizontal_wrapped(add);
        ui.add_space(2.0);
    }
}

/// The run bar's panel: a fixed height on a desktop, as tall as its rows elsewhere.
pub fn bar_panel(id: &str, class: ScreenClass) -> egui::Panel {
    let panel = egui::Panel::top(egui::Id::new(id));
    if class == ScreenClass::Wide {
        panel.exact_size(46.0)
    } else {
        panel.resizable(false)
    }
}

/// Whether Ctrl (or Cmd on a Mac) is held: the modifier of every shortcut.
pub fn command_held(keys: &ButtonInput<KeyCode>) -> bool {
    keys.any_pressed([
        KeyCode::ControlLeft,
        KeyCode::ControlRight,
        KeyCode::SuperLeft,
        KeyCode::SuperRight,
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn epoch_counter_is_zero_padded_with_commas() {
        assert_eq!(super::with_commas(0), "000,000");
        assert_eq!(super::with_commas(1234), "001,234");
        assert_eq!(super::with_commas(12_345_678), "12,345,678");
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(48_672), "48,672");
        assert_eq!(super::thousands(5_603_140), "5,603,140");
    }
}
