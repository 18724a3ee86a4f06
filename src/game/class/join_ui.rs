//! The join window: a class link was opened, so the player types their name once and joins.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::ClassLink;
use crate::game::screens::Screen;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        join_window.run_if(not(in_state(Screen::Loading))),
    );
}

fn join_window(mut contexts: EguiContexts, mut link: ResMut<ClassLink>) -> Result {
    let Some(invite) = link.invite.clone() else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    let mut join = false;
    let mut later = false;
    egui::Window::new("Join your class")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        // Over the title's card (an area drawn in the same pass, in no fixed order).
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            ui.set_max_width(360.0);
            ui.label(format!(
                "Your teacher's link opens class {} on {}. Type your name once: your stars and \
                 the work you hand in go to your teacher.",
                invite.code, invite.server
            ));
            ui.add_space(6.0);
            let field = ui.add(
                egui::TextEdit::singleline(&mut link.name)
                    .hint_text("your name")
                    .char_limit(60)
                    .desired_width(260.0),
            );
            crate::game::status::remember_button(&mut link.buttons, "class_name", field.rect);
            if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                join = true;
            }
            if let Some(why) = &link.join_error {
                ui.colored_label(egui::Color32::from_rgb(170, 40, 30), why);
            }
            ui.horizontal(|ui| {
                let ready = !link.name.trim().is_empty() && !link.joining;
                let button = ui.add_enabled(
                    ready,
                    egui::Button::new(if link.joining { "Joining…" } else { "Join" })
                        .min_size(egui::vec2(96.0, 32.0)),
                );
                crate::game::status::remember_button(&mut link.buttons, "class_join", button.rect);
                join |= button.clicked();
                let not_now = ui.add(egui::Button::new("Not now").min_size(egui::vec2(96.0, 32.0)));
                later = not_now.clicked();
            });
        });
    if join && !link.name.trim().is_empty() && !link.joining {
        super::join(&mut link);
    }
    if later {
        link.invite = None;
        link.join_error = None;
    }
    Ok(())
}
