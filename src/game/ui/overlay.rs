//! Overlays on the network view: +/- neurons above each hidden layer, explanations of whatever is
//! hovered, the divergence banner, and notices.

use bevy::prelude::*;
use bevy_egui::egui;

use super::SandboxUi;
use crate::game::network_view::edges::edge_weight;
use crate::game::network_view::{Edge, NodeKey};
use crate::game::notices::NoticeKind;
use crate::game::sim::SimAction;

pub fn show(ctx: &egui::Context, s: &mut SandboxUi) {
    layer_headers(ctx, s);
    if s.drag.active.is_some() {
        drag_verdict(ctx, s);
    } else {
        explain_hovered(ctx, s);
    }
    divergence_banner(ctx, s);
    notices(ctx, s);
}

/// Above each hidden layer: its neuron count with - and + buttons; and captions over the columns.
fn layer_headers(ctx: &egui::Context, s: &mut SandboxUi) {
    let layout = &s.entities.layout;
    if layout.columns.is_empty() {
        return;
    }
    let config = s.sim.experiment.config();
    let max = config.limits.max_neurons_per_layer;
    let header_y = layout.top + 26.0;
    for (layer, &count) in config.hidden_layers.iter().enumerate() {
        let Some(&x) = layout.columns.get(layer + 1) else {
            continue;
        };
        let at = s.viewport.world_to_window(Vec2::new(x, header_y));
        let mut add = false;
        let mut remove = false;
        egui::Area::new(egui::Id::new(("layer header", layer)))
            .fixed_pos(egui::pos2(at.x, at.y))
            .pivot(egui::Align2::CENTER_CENTER)
            .order(egui::Order::Foreground)
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    // Tight, so that six layers' headers fit side by side.
                    ui.spacing_mut().item_spacing.x = 2.0;
                    ui.spacing_mut().button_padding = egui::vec2(4.0, 0.0);
                    remove = ui
                        .add_enabled(count > 1, egui::Button::new("−").small())
                        .on_hover_text("Remove the last neuron of this layer.")
                        .on_disabled_hover_text("A layer needs at least one neuron.")
                        .clicked();
                    ui.label(egui::RichText::new(format!("{count}")).strong())
                        .on_hover_text(format!(
                            "Hidden layer {}: {count} neuron{}",
                            layer + 1,
                            if count == 1 { "" } else { "s" }
                        ));
                    add = ui
                        .add_enabled(count < max, egui::Button::new("+").small())
                        .on_hover_text("Add a neuron to this layer.")
                        .on_disabled_hover_text(format!("A layer holds at most {max} neurons."))
                        .clicked();
                });
            });
        if add {
            s.actions.write(SimAction::AddNeuron { layer });
        }
        if remove {
            s.actions.write(SimAction::RemoveNeuron { layer });
        }
    }
    let captions = [
        (layout.palette_x, "FEATURES"),
        (layout.columns[0], "INPUTS"),
        (*layout.columns.last().unwrap_or(&0.0), "OUTPUT"),
    ];
    for (k, (x, text)) in captions.into_iter().enumerate() {
        let at = s.viewport.world_to_window(Vec2::new(x, layout.top + 52.0));
        egui::Area::new(egui::Id::new(("caption", k)))
            .fixed_pos(egui::pos2(at.x, at.y))
            .pivot(egui::Align2::CENTER_CENTER)
            .order(egui::Order::Background)
            .interactable(false)
            .show(ctx, |ui| {
                ui.label(
                    egui::RichText::new(text)
                        .small()
                        .strong()
                        .color(egui::Color32::from_gray(110)),
                );
            });
    }
}

/// A card near the pointer saying what the hovered thing is, with live numbers.
fn explain_hovered(ctx: &egui::Context, s: &SandboxUi) {
    let network = s.sim.experiment.network();
    let text: Option<(String, String)> = if let Some(key) = s.hovered.0 {
        key.locate(network).map(|(column, index)| {
            let body = match key {
                NodeKey::Input(f) => format!("{}\n{}\nIts heatmap is shown large on the right.\nDrag it off the network to remove it.", f.name(), f.description()),
                _ => {
                    let formula = network.neuron_formula(column - 1, index).unwrap_or_default();
                    let bias = network.layers[column - 1].biases[index];
                    format!("{formula}\nbias {bias:.3} (click the small square to edit it)\nIts heatmap is shown large on the right.\nDrag it off the network to remove it.")
                }
            };
            (key.title(), body)
        })
    } else if let Some(entity) = s.hovered_edge.0 {
        s.edges.get(entity).ok().and_then(|edge: &Edge| {
            let (weight, dead) = edge_weight(network, edge)?;
            let name = |k: NodeKey| match k {
                NodeKey::Input(f) => f.name().to_string(),
                NodeKey::Hidden { layer, index } => format!("h{}_{}", layer + 1, index + 1),
                NodeKey::Output => "output".into(),
            };
            let mut body = format!("from {} to {}", name(edge.source), name(edge.target));
            if dead {
                body.push_str(
                    "\nDead link: L1 pushed this weight to exactly 0; it stays 0 until Reset.",
                );
            } else {
                body.push_str(&format!(
                    "\n{} weight: the source's output is multiplied by this.",
                    if weight >= 0.0 {
                        "Positive (blue)"
                    } else {
                        "Negative (orange)"
                    }
                ));
            }
            body.push_str("\nClick to type a new value.");
            Some((format!("Weight {weight:.3}"), body))
        })
    } else {
        s.hovered_chip.0.map(|f| {
            let on = network.features.contains(&f);
            (
                format!("Feature {}", f.label()),
                format!(
                    "{}\nClick to switch it {}{}.",
                    f.description(),
                    if on { "off" } else { "on" },
                    if on {
                        ""
                    } else {
                        ", or drag it onto the input column"
                    }
                ),
            )
        })
    };
    let Some((title, body)) = text else { return };
    let Some(pointer) = ctx.pointer_hover_pos() else {
        return;
    };
    egui::Area::new("hover card".into())
        .fixed_pos(pointer + egui::vec2(16.0, 12.0))
        .order(egui::Order::Tooltip)
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_max_width(320.0);
                ui.label(egui::RichText::new(title).strong());
                ui.label(egui::RichText::new(body).monospace().size(12.0));
            });
        });
}

/// While dragging: what dropping here would do, or why it is refused.
fn drag_verdict(ctx: &egui::Context, s: &SandboxUi) {
    use crate::game::network_view::drop_plan::Verdict;
    let Some(active) = &s.drag.active else { return };
    let (text, fill, ink) = match &active.plan.verdict {
        Verdict::Accept(text) => (
            text.as_str(),
            egui::Color32::from_rgb(226, 244, 230),
            egui::Color32::from_rgb(20, 100, 45),
        ),
        Verdict::Refuse(text) => (
            text.as_str(),
            egui::Color32::from_rgb(253, 236, 234),
            egui::Color32::from_rgb(150, 30, 20),
        ),
        Verdict::Nothing(text) if !text.is_empty() => (
            text.as_str(),
            egui::Color32::from_gray(245),
            egui::Color32::from_gray(70),
        ),
        Verdict::Nothing(_) => return,
    };
    let at = s.viewport.world_to_window(active.at);
    egui::Area::new("drag verdict".into())
        .fixed_pos(egui::pos2(at.x + 22.0, at.y + 18.0))
        .order(egui::Order::Tooltip)
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::new()
                .fill(fill)
                .stroke(egui::Stroke::new(1.0, ink))
                .corner_radius(4)
                .inner_margin(egui::Margin::symmetric(8, 5))
                .show(ui, |ui| {
                    ui.label(egui::RichText::new(text).color(ink).strong());
                });
        });
}

fn divergence_banner(ctx: &egui::Context, s: &SandboxUi) {
    let Some(divergence) = s.sim.experiment.divergence() else {
        return;
    };
    let at = s.viewport.min + Vec2::new(s.viewport.size.x / 2.0, 14.0);
    egui::Area::new("divergence banner".into())
        .fixed_pos(egui::pos2(at.x, at.y))
        .pivot(egui::Align2::CENTER_TOP)
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            egui::Frame::new()
                .fill(egui::Color32::from_rgb(190, 45, 35))
                .corner_radius(6)
                .inner_margin(egui::Margin::symmetric(14, 10))
                .show(ui, |ui| {
                    ui.set_max_width(s.viewport.size.x - 40.0);
                    ui.label(
                        egui::RichText::new(divergence.message())
                            .color(egui::Color32::WHITE)
                            .strong()
                            .size(15.0),
                    );
                });
        });
}

fn notices(ctx: &egui::Context, s: &mut SandboxUi) {
    let delta = s.time.delta_secs();
    s.notices.tick(delta);
    if s.notices.items.is_empty() {
        return;
    }
    let at = s.viewport.min + Vec2::new(s.viewport.size.x / 2.0, s.viewport.size.y - 12.0);
    egui::Area::new("notices".into())
        .fixed_pos(egui::pos2(at.x, at.y))
        .pivot(egui::Align2::CENTER_BOTTOM)
        .order(egui::Order::Foreground)
        .interactable(false)
        .show(ctx, |ui| {
            for notice in &s.notices.items {
                let (fill, ink) = match notice.kind {
                    NoticeKind::Info => (
                        egui::Color32::from_rgb(235, 242, 250),
                        egui::Color32::from_rgb(20, 60, 110),
                    ),
                    NoticeKind::Refused => (
                        egui::Color32::from_rgb(253, 236, 234),
                        egui::Color32::from_rgb(150, 30, 20),
                    ),
                };
                egui::Frame::new()
                    .fill(fill)
                    .corner_radius(4)
                    .inner_margin(egui::Margin::symmetric(10, 6))
                    .show(ui, |ui| {
                        ui.label(egui::RichText::new(&notice.text).color(ink));
                    });
            }
        });
}
