//! What egui draws over each network view: the labels of its pieces, a header with - and + above
//! each hidden layer, column captions, an explanation of whatever is hovered (with live numbers),
//! the verdict of a drag, and the weight editor.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::drag::ViewDrag;
use super::drop_plan::Verdict;
use super::editing::WeightEditor;
use super::hover::ViewHover;
use super::labels::WorldLabel;
use super::{Edge, InView, NetworkView, NodeKey, ViewEdit, ViewEntities, ViewRect};
use crate::experiment::Edit;
use crate::game::camera::ScreenSpace;
use crate::game::notices::Notices;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(EguiPrimaryContextPass, draw_overlays);
}

fn draw_overlays(
    mut contexts: EguiContexts,
    views: Query<(
        Entity,
        &NetworkView,
        &ViewRect,
        &ViewEntities,
        &ViewHover,
        &ViewDrag,
    )>,
    rects: Query<&ViewRect>,
    labels: Query<(
        &WorldLabel,
        &GlobalTransform,
        &InView,
        Option<&InheritedVisibility>,
    )>,
    edges: Query<&Edge>,
    space: Res<ScreenSpace>,
    mut editor: ResMut<WeightEditor>,
    mut notices: ResMut<Notices>,
    mut edit_messages: MessageWriter<ViewEdit>,
) -> Result {
    if views.is_empty() {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?.clone();
    super::labels::show(&ctx, &space, &labels, &rects);
    let mut edits = Vec::new();
    for (root, view, rect, entities, hover, drag) in &views {
        if view.options.editable {
            layer_headers(&ctx, root, view, rect, entities, &mut edits);
        }
        captions(&ctx, root, rect, entities);
        match &drag.active {
            Some(active) => drag_verdict(&ctx, rect, active.at, &active.plan.verdict),
            None => explain_hovered(&ctx, view, hover, &edges),
        }
        if editor.view == Some(root) {
            super::editor_ui::show(&ctx, &mut editor, root, view, &mut edits, &mut notices);
        }
    }
    edit_messages.write_batch(edits);
    Ok(())
}

/// Above each hidden layer: its neuron count with - and + buttons.
fn layer_headers(
    ctx: &egui::Context,
    root: Entity,
    view: &NetworkView,
    rect: &ViewRect,
    entities: &ViewEntities,
    edits: &mut Vec<ViewEdit>,
) {
    let layout = &entities.layout;
    if layout.columns.is_empty() {
        return;
    }
    let max = view.limits.max_neurons_per_layer;
    let header_y = layout.top + 26.0;
    for (layer, count) in view.network.hidden_sizes().into_iter().enumerate() {
        let Some(&x) = layout.columns.get(layer + 1) else {
            continue;
        };
        let at = rect.local_to_window(Vec2::new(x, header_y));
        let mut add = false;
        let mut remove = false;
        egui::Area::new(egui::Id::new(("layer header", root, layer)))
            .fixed_pos(egui::pos2(at.x, at.y))
            .pivot(egui::Align2::CENTER_CENTER)
            // Under menus and the phone's settings sheet, which open over the network.
            .order(egui::Order::Middle)
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
            edits.push(ViewEdit {
                view: root,
                edit: Edit::AddNeuron { layer },
            });
        }
        if remove {
            edits.push(ViewEdit {
                view: root,
                edit: Edit::RemoveNeuron {
                    layer,
                    index: count - 1,
                },
            });
        }
    }
}

/// Captions over the palette, the inputs and the outputs.
fn captions(ctx: &egui::Context, root: Entity, rect: &ViewRect, entities: &ViewEntities) {
    let layout = &entities.layout;
    let Some(&output_x) = layout.columns.last() else {
        return;
    };
    let mut captions = vec![(layout.columns[0], "INPUTS"), (output_x, "OUTPUT")];
    if !layout.chips.is_empty() {
        captions.push((layout.palette_x, "FEATURES"));
    }
    let y = (layout.top + 52.0).min(layout.view_size.y / 2.0 - 8.0);
    for (k, (x, text)) in captions.into_iter().enumerate() {
        let at = rect.local_to_window(Vec2::new(x, y));
        egui::Area::new(egui::Id::new(("caption", root, k)))
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
fn explain_hovered(
    ctx: &egui::Context,
    view: &NetworkView,
    hover: &ViewHover,
    edges: &Query<&Edge>,
) {
    let network = &view.network;
    let drag_hint = if view.options.editable {
        "\nDrag it off the network to remove it."
    } else {
        ""
    };
    let text: Option<(String, String)> = if let Some(key) = hover.node {
        network.locate(key).map(|(column, index)| {
            let body = match key {
                NodeKey::Input(f) => format!(
                    "{}\n{}\nIts heatmap is shown large.{drag_hint}",
                    f.name(),
                    f.description()
                ),
                NodeKey::Output(k) if view.classes() > 2 => format!(
                    "{}\nThe probability of class {}: softmax of its sum against the other outputs.\nIts heatmap is shown large.",
                    network.neuron_formula(column - 1, index).unwrap_or_default(),
                    k + 1
                ),
                _ => {
                    let formula = network.neuron_formula(column - 1, index).unwrap_or_default();
                    let bias = network.bias(key).unwrap_or(f64::NAN);
                    let edit = if view.options.editable {
                        " (click the small square to edit it)"
                    } else {
                        ""
                    };
                    let remove = if matches!(key, NodeKey::Hidden { .. }) {
                        drag_hint
                    } else {
                        ""
                    };
                    format!(
                        "{formula}\nbias {bias:.3}{edit}\nIts heatmap is shown large.{remove}"
                    )
                }
            };
            (key.title(), body)
        })
    } else if let Some(entity) = hover.edge {
        edges.get(entity).ok().and_then(|edge: &Edge| {
            let (weight, dead) = network.weight(edge.source, edge.target)?;
            let mut body = format!(
                "from {} to {}",
                edge.source.short_name(),
                edge.target.short_name()
            );
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
            if view.options.editable {
                body.push_str("\nClick to type a new value.");
            }
            Some((format!("Weight {weight:.3}"), body))
        })
    } else {
        hover.chip.map(|f| {
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
fn drag_verdict(ctx: &egui::Context, rect: &ViewRect, at: Vec2, verdict: &Verdict) {
    let (text, fill, ink) = match verdict {
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
    let at = rect.local_to_window(at);
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
