//! The weight and bias editor: opens at the pointer on one click, the text already selected;
//! Enter applies, Esc cancels. The current value stays live beside it while training runs.

use bevy_egui::egui;

use super::SandboxUi;
use crate::game::network_view::NodeKey;
use crate::game::network_view::editing::EditTarget;
use crate::game::sim::SimAction;

pub fn show(ctx: &egui::Context, s: &mut SandboxUi) {
    let Some(target) = s.editor.target else {
        return;
    };
    let network = s.sim.experiment.network();
    let (title, current) = match target {
        EditTarget::Weight { source, target } => {
            let edge = crate::game::network_view::Edge { source, target };
            let Some((w, _)) = crate::game::network_view::edges::edge_weight(network, &edge) else {
                s.editor.close();
                return;
            };
            (format!("Weight {} → {}", short(source), short(target)), w)
        }
        EditTarget::Bias(node) => {
            let Some((column, index)) = node.locate(network).filter(|(c, _)| *c > 0) else {
                s.editor.close();
                return;
            };
            (
                format!("Bias of {}", short(node)),
                network.layers[column - 1].biases[index],
            )
        }
    };
    let id = egui::Id::new("weight editor text");
    // The click that opened the editor must not also close it.
    let opening = s.editor.just_opened;
    let mut apply = None;
    let mut close = false;
    let anchor = egui::pos2(s.editor.anchor.x + 10.0, s.editor.anchor.y + 10.0);
    let area = egui::Area::new("weight editor".into())
        .fixed_pos(anchor)
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.label(egui::RichText::new(&title).strong());
                ui.horizontal(|ui| {
                    let output = egui::TextEdit::singleline(&mut s.editor.text)
                        .id(id)
                        .desired_width(90.0)
                        .show(ui);
                    if s.editor.just_opened {
                        output.response.request_focus();
                        let mut state = output.state.clone();
                        let end = s.editor.text.chars().count();
                        state
                            .cursor
                            .set_char_range(Some(egui::text::CCursorRange::two(
                                egui::text::CCursor::new(0),
                                egui::text::CCursor::new(end),
                            )));
                        state.store(ui.ctx(), id);
                        s.editor.just_opened = false;
                    }
                    let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
                    let escape = ui.input(|i| i.key_pressed(egui::Key::Escape));
                    if escape {
                        close = true;
                    } else if enter || ui.button("Set").clicked() {
                        apply = Some(s.editor.text.trim().replace(',', "."));
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
                let action = match target {
                    EditTarget::Weight { source, target } => SimAction::SetWeight {
                        source,
                        target,
                        value,
                    },
                    EditTarget::Bias(node) => SimAction::SetBias { node, value },
                };
                s.actions.write(action);
                close = true;
            }
            _ => s.notices.refused(format!(
                "\"{text}\" is not a number: type one like 0.5 or -1.2."
            )),
        }
    }
    if close {
        s.editor.close();
    }
}

fn short(key: NodeKey) -> String {
    match key {
        NodeKey::Input(f) => f.name().to_string(),
        NodeKey::Hidden { layer, index } => format!("h{}_{}", layer + 1, index + 1),
        NodeKey::Output => "output".into(),
    }
}
