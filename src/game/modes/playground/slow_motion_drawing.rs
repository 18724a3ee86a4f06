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

/// What every part of the drawing reads: the traced batch, the phase, the example it is at, and
/// where the nodes are on screen.
struct Drawing<'a> {
    painter: egui::Painter,
    trace: &'a BatchTrace,
    phase: Phase,
    example: Option<&'a crate::experiment::slow_motion::ExampleTrace>,
    rect: &'a ViewRect,
    entities: &'a ViewEntities,
    /// The output layer's index.
    last: usize,
}

const INK: egui::Color32 = egui::Color32::from_gray(40);

/// An edge under the pointer: how far, and its numbers.
type Hovered = Option<(f32, String, egui::Pos2)>;

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
    let phase = run.phase();
    let drawing = Drawing {
        painter: ctx.layer_painter(egui::LayerId::new(
            egui::Order::Middle,
            egui::Id::new("slow motion"),
        )),
        trace,
        phase,
        example: match phase {
            Phase::Forward { example, .. }
            | Phase::Error { example }
            | Phase::Backward { example, .. } => Some(&trace.examples[example]),
            Phase::Update => None,
        },
        rect,
        entities,
        last: trace.before.layers.len() - 1,
    };
    // Edges: which layer's links, and the number each carries.
    let edge_layers: Vec<usize> = match phase {
        Phase::Forward { layer, .. } | Phase::Backward { layer, .. } => vec![layer],
        Phase::Error { .. } => Vec::new(),
        Phase::Update => (0..=drawing.last).collect(),
    };
    let mut hovered: Hovered = None;
    for l in edge_layers {
        drawing.edges(l, time, ctx.pointer_hover_pos(), &mut hovered);
    }
    if let Some(e) = drawing.example {
        drawing.neuron_values(e);
    }
    if let Some((_, text, at)) = hovered {
        edge_tip(ctx, &drawing.painter, text, at);
    }
}

impl Drawing<'_> {
    fn to_screen(&self, key: NodeKey) -> Option<egui::Pos2> {
        self.entities.layout.position(key).map(|p| {
            let w = self.rect.local_to_window(p);
            egui::pos2(w.x, w.y)
        })
    }

    fn value_tag(&self, at: egui::Pos2, text: String, color: egui::Color32) {
        let painter = &self.painter;
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
    }

    /// The number an edge into layer `l` carries in this phase: weight times value forward, the
    /// gradient backward, the change at the update.
    fn edge_value(&self, l: usize, j: usize, i: usize) -> f64 {
        match (self.phase, self.example) {
            (Phase::Forward { .. }, Some(e)) => {
                self.trace.before.layers[l].weights[[j, i]] * e.layer_inputs(l)[i]
            }
            (Phase::Backward { .. }, Some(e)) => e.weight_gradient(l, j, i),
            _ => self.trace.weight_change(l, j, i),
        }
    }

    /// Layer `l`'s links, each as thick as its share of the largest number and coloured by its
    /// sign, with dots running along; the one nearest the pointer goes into `hovered`.
    fn edges(&self, l: usize, time: f32, pointer: Option<egui::Pos2>, hovered: &mut Hovered) {
        let layer = &self.trace.before.layers[l];
        let backwards = matches!(self.phase, Phase::Backward { .. });
        let mut largest = 0.0f64;
        for j in 0..layer.neurons() {
            for i in 0..layer.inputs() {
                largest = largest.max(self.edge_value(l, j, i).abs());
            }
        }
        for j in 0..layer.neurons() {
            for i in 0..layer.inputs() {
                let (from, to) = link_keys(self.trace, l, j, i);
                let (Some(a), Some(b)) = (self.to_screen(from), self.to_screen(to)) else {
                    continue;
                };
                let v = self.edge_value(l, j, i);
                let share = if largest > 0.0 {
                    (v.abs() / largest) as f32
                } else {
                    0.0
                };
                // Small numbers stay thin and faint, so the large ones stand out in a big network.
                let width = 0.6 + 5.5 * share;
                // Backwards, the colour is the way the weight will move (against the gradient).
                let color = signed_color(if backwards { -v } else { v });
                self.painter.line_segment(
                    [a, b],
                    egui::Stroke::new(width, color.gamma_multiply(0.25 + 0.65 * share.sqrt())),
                );
                // Dots run along the edge: forward from input to neuron, backward the other way.
                let t = (time * 0.8 + (i * 7 + j * 3) as f32 * 0.13).fract();
                let t = if backwards { 1.0 - t } else { t };
                if self.phase != Phase::Update {
                    self.painter
                        .circle_filled(a + (b - a) * t, 2.0 + 2.5 * share.sqrt(), color);
                }
                if let Some(p) = pointer {
                    let ab = b - a;
                    let along = ((p - a).dot(ab) / ab.length_sq().max(1e-6)).clamp(0.0, 1.0);
                    let distance = (a + ab * along - p).length();
                    if distance < 6.0 && hovered.as_ref().is_none_or(|(d, _, _)| distance < *d) {
                        *hovered = Some((distance, self.edge_text(l, j, i, v), p));
                    }
                }
            }
        }
    }

    /// The numbers of one edge, for its tip.
    fn edge_text(&self, l: usize, j: usize, i: usize, v: f64) -> String {
        let trace = self.trace;
        let w = trace.before.layers[l].weights[[j, i]];
        match (self.phase, self.example) {
            (Phase::Forward { .. }, Some(e)) => {
                format!("weight {w:.4} x value {:.4} = {v:.4}", e.layer_inputs(l)[i])
            }
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
        }
    }

    /// The example's values on the neurons (the error's shares going back), and the label and
    /// loss at the error.
    fn neuron_values(&self, e: &crate::experiment::slow_motion::ExampleTrace) {
        let (trace, phase, last) = (self.trace, self.phase, self.last);
        for (f, _) in trace.before.features.iter().enumerate() {
            if let Some(at) = self.to_screen(NodeKey::Input(trace.before.features[f])) {
                self.value_tag(at, format!("{:.3}", e.inputs[f]), INK);
            }
        }
        let shown_layers = match phase {
            Phase::Forward { layer, .. } => layer + 1,
            _ => last + 1,
        };
        for l in 0..shown_layers {
            for (j, out) in e.outputs[l].iter().enumerate() {
                let Some(at) = self.to_screen(node_key(last, l, j)) else {
                    continue;
                };
                let going_back = matches!(phase, Phase::Backward { layer, .. } if l >= layer);
                let (text, color) = if going_back {
                    (
                        format!("share {:+.4}", e.deltas[l][j]),
                        signed_color(-e.deltas[l][j]),
                    )
                } else {
                    (format!("{out:.3}"), INK)
                };
                self.painter.circle_stroke(
                    at,
                    22.0,
                    egui::Stroke::new(2.5, egui::Color32::from_rgb(250, 191, 46)),
                );
                self.value_tag(at, text, color);
            }
        }
        if let Phase::Error { .. } = phase
            && let Some(at) = self.to_screen(NodeKey::Output(0))
        {
            let painter = &self.painter;
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
}

/// The hovered edge's numbers, in a tip over everything.
fn edge_tip(ctx: &egui::Context, painter: &egui::Painter, text: String, at: egui::Pos2) {
    let galley = painter.layout(text, egui::FontId::proportional(12.0), INK, 320.0);
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
    top.galley(r.min + egui::vec2(5.0, 3.0), galley, INK);
}
