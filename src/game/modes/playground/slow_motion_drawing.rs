//! Backprop step by step, drawn over the network: the example's values on the neurons, the error
//! flowing back along the edges (coloured by the way each weight will move, as thick as its
//! gradient) and each weight's change after the update.

use super::slow_motion::{Phase, Run};
use crate::experiment::slow_motion::BatchTrace;
use crate::game::network_view::{NodeKey, ViewEntities, ViewRect};
use crate::game::theme::palette;
use bevy::prelude::*;
use bevy_egui::egui;

/// The node at the start (input `i`) and end (neuron `j`) of a link into `layer`.
pub(super) fn link_keys(
    trace: &BatchTrace,
    layer: usize,
    neuron: usize,
    input: usize,
) -> (NodeKey, NodeKey) {
    let last = trace.before.layers.len() - 1;
    let from = if layer == 0 {
        NodeKey::Input(trace.before.features[input])
    } else {
        NodeKey::Hidden {
            layer: layer - 1,
            index: input,
        }
    };
    (from, node_key(last, layer, neuron))
}

pub(super) fn node_key(last: usize, layer: usize, neuron: usize) -> NodeKey {
    if layer == last {
        NodeKey::Output(neuron)
    } else {
        NodeKey::Hidden {
            layer,
            index: neuron,
        }
    }
}

/// A number that may be tiny, readable either way.
pub(super) fn small(v: f64) -> String {
    if v != 0.0 && v.abs() < 1e-3 {
        format!("{v:+.3e}")
    } else {
        format!("{v:+.6}")
    }
}

pub(super) fn rgb(color: [u8; 3]) -> egui::Color32 {
    egui::Color32::from_rgb(color[0], color[1], color[2])
}

pub(super) fn signed_color(v: f64) -> egui::Color32 {
    if v >= 0.0 {
        rgb(palette::POSITIVE)
    } else {
        rgb(palette::NEGATIVE)
    }
}

/// Draws the phase over the network view: values on neurons, coloured edges with running dots,
/// and the numbers of the edge under the pointer.
pub(super) fn draw_on_network(
    ctx: &egui::Context,
    run: &Run,
    rect: &ViewRect,
    entities: &ViewEntities,
    time: f32,
) {
    let trace = &run.trace;
    let layout = &entities.layout;
    let last = trace.before.layers.len() - 1;
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Middle,
        egui::Id::new("slow motion"),
    ));
    let to_screen = |key: NodeKey| {
        layout.position(key).map(|p| {
            let w = rect.local_to_window(p);
            egui::pos2(w.x, w.y)
        })
    };
    let value_tag = |at: egui::Pos2, text: String, color: egui::Color32| {
        let galley = painter.layout_no_wrap(text, egui::FontId::proportional(12.0), color);
        let r = egui::Rect::from_center_size(
            at + egui::vec2(0.0, -28.0),
            galley.size() + egui::vec2(8.0, 4.0),
        );
        painter.rect_filled(r, 4.0, egui::Color32::from_white_alpha(235));
        painter.rect_stroke(
            r,
            4.0,
            egui::Stroke::new(1.0, color),
            egui::StrokeKind::Inside,
        );
        painter.galley(r.min + egui::vec2(4.0, 2.0), galley, color);
    };
    let ink = egui::Color32::from_gray(40);
    let phase = run.phase();
    let example = match phase {
        Phase::Forward { example, .. }
        | Phase::Error { example }
        | Phase::Backward { example, .. } => Some(&trace.examples[example]),
        Phase::Update => None,
    };
    // Edges: which layer's links, and the number each carries.
    let (edge_layers, backwards): (Vec<usize>, bool) = match phase {
        Phase::Forward { layer, .. } => (vec![layer], false),
        Phase::Error { .. } => (Vec::new(), false),
        Phase::Backward { layer, .. } => (vec![layer], true),
        Phase::Update => ((0..=last).collect(), false),
    };
    let pointer = ctx.pointer_hover_pos();
    let mut hovered: Option<(f32, String, egui::Pos2)> = None;
    for &l in &edge_layers {
        let layer = &trace.before.layers[l];
        let value = |j: usize, i: usize| match (phase, example) {
            (Phase::Forward { .. }, Some(e)) => layer.weights[[j, i]] * e.layer_inputs(l)[i],
            (Phase::Backward { .. }, Some(e)) => e.weight_gradient(l, j, i),
            _ => trace.weight_change(l, j, i),
        };
        let mut largest = 0.0f64;
        for j in 0..layer.neurons() {
            for i in 0..layer.inputs() {
                largest = largest.max(value(j, i).abs());
            }
        }
        for j in 0..layer.neurons() {
            for i in 0..layer.inputs() {
                let (from, to) = link_keys(trace, l, j, i);
                let (Some(a), Some(b)) = (to_screen(from), to_screen(to)) else {
                    continue;
                };
                let v = value(j, i);
                let share = if largest > 0.0 {
                    (v.abs() / largest) as f32
                } else {
                    0.0
                };
                // Small numbers stay thin and faint, so the large ones stand out in a big network.
                let width = 0.6 + 5.5 * share;
                // Backwards, the colour is the way the weight will move (against the gradient).
                let color = signed_color(if backwards { -v } else { v });
                painter.line_segment(
                    [a, b],
                    egui::Stroke::new(width, color.gamma_multiply(0.25 + 0.65 * share.sqrt())),
                );
                // Dots run along the edge: forward from input to neuron, backward the other way.
                let t = (time * 0.8 + (i * 7 + j * 3) as f32 * 0.13).fract();
                let t = if backwards { 1.0 - t } else { t };
                if run.phase() != Phase::Update {
                    painter.circle_filled(a + (b - a) * t, 2.0 + 2.5 * share.sqrt(), color);
                }
                if let Some(p) = pointer {
                    let ab = b - a;
                    let along = ((p - a).dot(ab) / ab.length_sq().max(1e-6)).clamp(0.0, 1.0);
                    let distance = (a + ab * along - p).length();
                    if distance < 6.0 && hovered.as_ref().is_none_or(|(d, _, _)| distance < *d) {
                        let w = layer.weights[[j, i]];
                        let text = match (phase, example) {
                            (Phase::Forward { .. }, Some(e)) => format!(
                                "weight {w:.4} x value {:.4} = {v:.4}",
                                e.layer_inputs(l)[i]
                            ),
                            (Phase::Backward { .. }, Some(e)) => format!(
                                "gradient = share of the error {} x value {:.4} = {}\n(weight {w:.4})",
                                small(e.deltas[l][j]),
                                e.layer_inputs(l)[i],
                                small(v)
                            ),
                            _ => format!(
                                "weight {w:.8} -> {:.8}\nchange {}\nmean gradient {}",
                                trace.after.layers[l].weights[[j, i]],
                                small(v),
                                small(trace.mean_weight_gradient(l, j, i))
                            ),
                        };
                        hovered = Some((distance, text, p));
                    }
                }
            }
        }
    }
    // Neuron values.
    if let Some(e) = example {
        for (f, _) in trace.before.features.iter().enumerate() {
            if let Some(at) = to_screen(NodeKey::Input(trace.before.features[f])) {
                value_tag(at, format!("{:.3}", e.inputs[f]), ink);
            }
        }
        let shown_layers = match phase {
            Phase::Forward { layer, .. } => layer + 1,
            _ => last + 1,
        };
        for l in 0..shown_layers {
            for (j, out) in e.outputs[l].iter().enumerate() {
                let Some(at) = to_screen(node_key(last, l, j)) else {
                    continue;
                };
                let text = match phase {
                    Phase::Backward { layer, .. } if l >= layer => {
                        format!("share {:+.4}", e.deltas[l][j])
                    }
                    _ => format!("{out:.3}"),
                };
                let color = if matches!(phase, Phase::Backward { layer, .. } if l >= layer) {
                    signed_color(-e.deltas[l][j])
                } else {
                    ink
                };
                painter.circle_stroke(
                    at,
                    22.0,
                    egui::Stroke::new(2.5, egui::Color32::from_rgb(250, 191, 46)),
                );
                value_tag(at, text, color);
            }
        }
        if let Phase::Error { .. } = phase
            && let Some(at) = to_screen(NodeKey::Output(0))
        {
            let text = format!("label {}  ·  loss {:.4}", e.label, e.loss);
            let galley = painter.layout_no_wrap(
                text,
                egui::FontId::proportional(13.0),
                egui::Color32::WHITE,
            );
            let r = egui::Rect::from_center_size(
                at + egui::vec2(0.0, 34.0),
                galley.size() + egui::vec2(10.0, 6.0),
            );
            painter.rect_filled(r, 5.0, rgb(palette::NEGATIVE));
            painter.galley(r.min + egui::vec2(5.0, 3.0), galley, egui::Color32::WHITE);
        }
    }
    if let Some((_, text, at)) = hovered {
        let galley = painter.layout(text, egui::FontId::proportional(12.0), ink, 320.0);
        let r = egui::Rect::from_min_size(
            at + egui::vec2(14.0, 10.0),
            galley.size() + egui::vec2(10.0, 6.0),
        );
        let top = ctx.layer_painter(egui::LayerId::new(
            egui::Order::Tooltip,
            egui::Id::new("slow motion tip"),
        ));
        top.rect_filled(r, 4.0, egui::Color32::from_white_alpha(245));
        top.rect_stroke(
            r,
            4.0,
            egui::Stroke::new(1.0, egui::Color32::from_gray(150)),
            egui::StrokeKind::Inside,
        );
        top.galley(r.min + egui::vec2(5.0, 3.0), galley, ink);
    }
}
