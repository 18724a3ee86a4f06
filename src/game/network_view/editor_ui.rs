//! The weight and bias editor: opens at the pointer on one click, the text already selected;
//! Enter applies, Esc cancels. The current value stays live beside it while training runs.

use bevy_egui::egui;

use super::editing::{EditTarget, WeightEditor};
use super::{NetworkView, ViewEdit};
use crate::experiment::Edit;
use crate::game::notices::Notices;

/// Draws the open editor over view `view_entity` (showing `view`'s live value) and turns what
/// is typed into a [`ViewEdit`].
pub fn show(
    ctx: &egui::Context,
    editor: &mut WeightEditor,
    view_entity: bevy::prelude::Entity,
    view: &NetworkView,
    edits: &mut Vec<ViewEdit>,
    notices: &mut Notices,
) {
    let Some(target) = editor.target else {
        return;
    };
    let network = &view.network;
    let (title, current) = match target {
        EditTarget::Weight { source, target } => match network.weight(source, target) {
            Some((w, _)) => (
                format!("Weight {} → {}", source.short_name(), target.short_name()),
                w,
            ),
            None => {
                editor.close();
                return;
            }
        },
        EditTarget::Bias(node) => match network.bias(node) {
            Some(b) => (format!("Bias of {}", node.short_name()), b),
            None => {
                editor.close();
                return;
            }
        },
    };
    let id = egui::Id::new("weight editor text");
    // The click that opened the editor must not also close it.
    let opening = editor.just_opened;
    let mut apply = None;
    let mut close = false;
    let anchor = egui::pos2(editor.anchor.x + 10.0, editor.anchor.y + 10.0);
    let area = egui::Area::new("weight editor".into())
        .fixed_pos(anchor)
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.label(egui::RichText::new(&title).strong());
                ui.horizontal(|ui| {
                    let output = egui::TextEdit::singleline(&mut editor.text)
                        .id(id)
                        .desired_width(90.0)
                        .show(ui);
                    if editor.just_opened {
                        output.response.request_focus();
                        let mut state = output.state.clone();
                        let end = editor.text.chars().count();
                        state
                            .cursor
                            .set_char_range(Some(egui::text::CCursorRange::two(
                                egui::text::CCursor::new(0),
                                egui::text::CCursor::new(end),
                            )));
                        state.store(ui.ctx(), id);
                        editor.just_opened = false;
                    }
                    let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
                    let escape = ui.input(|i| i.key_pressed(egui::Key::Escape));
                    if escape {
                        close = true;
                    } else if enter || ui.button("Set").clicked() {
                        apply = Some(editor.text.trim().replace(',', "."));
                    }
                });
                ui.label(
                    egui::RichText::new(format!("now {current:.4}   Enter sets · Esc cancels"))
                        .small()
                        .weak(),
                );
            });
        });
    // A click elsewhere closes the editor, as a popup does.
    if area.response.clicked_elsewhere() && !opening {
        close = true;
    }
    if let Some(text) = apply {
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() => {
                let edit = match target {
                    EditTarget::Weight { source, target } => Edit::SetWeight {
                        source,
                        target,
                        value,
                    },
                    EditTarget::Bias(node) => Edit::SetBias { node, value },
                };
                edits.push(ViewEdit {
                    view: view_entity,
                    edit,
                });
                close = true;
            }
            _ => notices.refused(format!(
                "\"{text}\" is not a number: type one like 0.5 or -1.2."
            )),
        }
    }
    if close {
        editor.close();
    }
}
