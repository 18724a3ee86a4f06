//! The detail under the overview, down to one multiply-add: for a convolution the input
//! channels, each with its own kernel, their intermediate maps, and the sum plus bias that makes
//! the output map, with the kernel window stepping every 250 ms (hover the output to move it)
//! and the numbers of the current step; the same for an activation and a max-pool; the softmax
//! with its terms; and the hyperparameter playground. Kernels can be edited by hand.

use bevy_egui::egui;

use super::detail_parts::{Detail, mark_chosen, small_map};
use super::kernel_views::{kernel_editor, kernel_grid};
use super::maps::{channel, diverging};
use super::other_details::{hyperparameter_view, softmax_view};
use super::sim::{CnnAction, CnnSim};
use super::ui::{CnnScreen, remember};
use crate::cnn::{CnnModel, ConvGeometry, Layer, Shape};

fn window_box(
    painter: &egui::Painter,
    rect: egui::Rect,
    width: usize,
    height: usize,
    top: isize,
    left: isize,
    size: usize,
) {
    let cell = egui::vec2(rect.width() / width as f32, rect.height() / height as f32);
    let r = egui::Rect::from_min_size(
        rect.min + egui::vec2(left as f32 * cell.x, top as f32 * cell.y),
        egui::vec2(cell.x * size as f32, cell.y * size as f32),
    );
    painter.rect_stroke(
        r,
        0.0,
        egui::Stroke::new(2.0, egui::Color32::from_rgb(250, 190, 45)),
        egui::StrokeKind::Outside,
    );
}

fn number_grid(ui: &mut egui::Ui, id: &str, values: &[f32], size: usize) {
    egui::Grid::new(id)
        .spacing(egui::vec2(4.0, 1.0))
        .show(ui, |ui| {
            for row in 0..size {
                for col in 0..size {
                    ui.monospace(format!("{:>6.2}", values[row * size + col]));
                }
                ui.end_row();
            }
        });
}

/// The detail of the chosen layer; what the player changed comes back as actions.
pub fn show(
    ui: &mut egui::Ui,
    sim: &CnnSim,
    screen: &mut CnnScreen,
    dt: f32,
    actions: &mut Vec<CnnAction>,
) {
    let Some(mut detail) = screen.detail.take() else {
        return;
    };
    let mut keep = true;
    ui.horizontal(|ui| {
        let close = ui.button("Close");
        remember(&mut screen.buttons, "close_detail", &close);
        if close.clicked() {
            keep = false;
        }
        if detail.softmax.is_none() && detail.hyper.is_none() {
            let label = if detail.playing { "⏸" } else { "▶" };
            if ui
                .button(label)
                .on_hover_text("Play or pause the sliding window")
                .clicked()
            {
                detail.playing = !detail.playing;
            }
        }
        if ui.button("Hyperparameter playground").clicked() {
            detail = Detail::hyperparameters();
        }
    });
    if let Some(class) = detail.softmax {
        softmax_view(ui, sim, class);
    } else if let Some(hyper) = detail.hyper.as_mut() {
        hyperparameter_view(ui, hyper);
    } else if detail.layer < sim.model().layers.len() {
        layer_view(ui, sim, &mut screen.buttons, &mut detail, dt, actions);
    } else {
        keep = false;
    }
    if keep {
        screen.detail = Some(detail);
    }
}

/// What every part of a layer's detail reads: the layer, its input and output maps, and the
/// output pixel shown.
struct Step<'a> {
    model: &'a CnnModel,
    layer: &'a Layer,
    in_shape: Shape,
    out_shape: Shape,
    /// Every channel of the layer's input.
    input_all: &'a [f32],
    /// The shown output map.
    output: &'a [f32],
    /// The output pixel: row, column.
    at: (usize, usize),
}

/// What a layer does, in a sentence.
fn explanation(layer: &Layer) -> &'static str {
    match layer {
        Layer::Conv { .. } => {
            "A convolution slides each kernel over its input channel; at every position it multiplies the window by the kernel and adds the products. The channels' results are summed with the bias: one output map per filter."
        }
        Layer::Activation { function, .. } => match function {
            crate::cnn::CnnActivation::Relu => {
                "ReLU keeps positive values and turns negative ones into 0, pixel by pixel: max(0, x)."
            }
            _ => "The activation bends every value on its own, pixel by pixel.",
        },
        Layer::MaxPool { .. } => {
            "Max-pooling keeps the largest value of each window: the map halves in size and keeps where features were strongest."
        }
        _ => "",
    }
}

fn layer_view(
    ui: &mut egui::Ui,
    sim: &CnnSim,
    buttons: &mut serde_json::Map<String, serde_json::Value>,
    detail: &mut Detail,
    dt: f32,
    actions: &mut Vec<CnnAction>,
) {
    let model = sim.model();
    let layer = &model.layers[detail.layer];
    let in_shape = model.layer_input(detail.layer);
    let out_shape = model.shapes[detail.layer];
    detail.map = detail.map.min(out_shape.channels.saturating_sub(1));
    detail.input_channel = detail
        .input_channel
        .min(in_shape.channels.saturating_sub(1));
    detail.at = (
        detail.at.0.min(out_shape.height - 1),
        detail.at.1.min(out_shape.width - 1),
    );
    detail.advance(dt, out_shape);
    let input_all: &[f32] = if detail.layer == 0 {
        &sim.acts.input
    } else {
        &sim.acts.outputs[detail.layer - 1]
    };
    let output = channel(&sim.acts.outputs[detail.layer], out_shape, detail.map);
    let step = Step {
        model,
        layer,
        in_shape,
        out_shape,
        input_all,
        output: &output,
        at: detail.at,
    };
    ui.small(explanation(layer));
    let avail = ui.available_rect_before_wrap();
    let side = (avail.height() - 40.0).clamp(60.0, 140.0);
    // The maps, then the arithmetic (the window, the kernel and its presets) beside them, or
    // under them where the column is narrow (a tablet with both side panels open): beside, the
    // kernel's presets were cut off behind the right panel.
    let narrow = ui.available_width() < 2.0 * side + 440.0;
    let layout = if narrow {
        egui::Layout::top_down(egui::Align::Min)
    } else {
        egui::Layout::left_to_right(egui::Align::Min)
    };
    ui.with_layout(layout, |ui| {
        let source_channel = match layer {
            Layer::Conv { .. } => detail.input_channel,
            _ => detail.map,
        };
        let input_map = step_maps(ui, &step, detail, side, source_channel);
        ui.vertical(|ui| match layer {
            Layer::Conv { .. } => conv_step(ui, &step, sim, buttons, detail, input_map, actions),
            Layer::Activation { .. } => activation_step(ui, &step, detail.map, input_map),
            Layer::MaxPool { .. } => pool_step(ui, &step, detail.map, input_map),
            _ => {}
        });
    });
    if matches!(layer, Layer::Conv { .. }) {
        channel_contributions(ui, &step, detail);
        kernel_grid(ui, sim, detail, detail.layer);
    }
}

/// The input map (the window on it is drawn by each layer's step) and the output map with the
/// current pixel; hovering the output moves the window. Returns where the input map is.
fn step_maps(
    ui: &mut egui::Ui,
    step: &Step,
    detail: &mut Detail,
    side: f32,
    source_channel: usize,
) -> (egui::Painter, egui::Rect) {
    let (in_shape, out_shape, (oy, ox)) = (step.in_shape, step.out_shape, step.at);
    let source = channel(step.input_all, in_shape, source_channel);
    let in_scale = source.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    let out_scale = step.output.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    let (rect, painter, out_rect, out_painter, response) = ui
        .horizontal_top(|ui| {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(side, side), egui::Sense::hover());
            let painter = ui.painter_at(rect.expand(3.0));
            let (out_rect, response) =
                ui.allocate_exact_size(egui::vec2(side, side), egui::Sense::hover());
            let out_painter = ui.painter_at(out_rect.expand(3.0));
            (rect, painter, out_rect, out_painter, response)
        })
        .inner;
    small_map(
        &painter,
        rect,
        &source,
        in_shape.width,
        in_shape.height,
        |v| diverging(v, in_scale),
    );
    small_map(
        &out_painter,
        out_rect,
        step.output,
        out_shape.width,
        out_shape.height,
        |v| diverging(v, out_scale),
    );
    window_box(
        &out_painter,
        out_rect,
        out_shape.width,
        out_shape.height,
        oy as isize,
        ox as isize,
        1,
    );
    if let Some(pos) = response.hover_pos() {
        let col = ((pos.x - out_rect.min.x) / out_rect.width() * out_shape.width as f32) as usize;
        let row = ((pos.y - out_rect.min.y) / out_rect.height() * out_shape.height as f32) as usize;
        detail.at = (row.min(out_shape.height - 1), col.min(out_shape.width - 1));
        detail.playing = false;
    }
    (painter, rect)
}

/// A convolution's step: the window times the kernel (editable) for one channel, what the last
/// training step did to that kernel, and the sum over the channels plus the bias.
fn conv_step(
    ui: &mut egui::Ui,
    step: &Step,
    sim: &CnnSim,
    buttons: &mut serde_json::Map<String, serde_json::Value>,
    detail: &mut Detail,
    (painter, rect): (egui::Painter, egui::Rect),
    actions: &mut Vec<CnnAction>,
) {
    let Layer::Conv {
        kernel,
        stride,
        padding,
        filters,
        weights,
        bias,
        ..
    } = step.layer
    else {
        return;
    };
    let (model, in_shape, out_shape, input_all, (oy, ox)) = (
        step.model,
        step.in_shape,
        step.out_shape,
        step.input_all,
        step.at,
    );
    let source_channel = detail.input_channel;
    let g = ConvGeometry::new(in_shape, out_shape, *kernel, *stride, *padding);
    window_box(
        &painter,
        rect,
        in_shape.width,
        in_shape.height,
        (oy * stride) as isize - g.pad_top as isize,
        (ox * stride) as isize - g.pad_left as isize,
        *kernel,
    );
    let mut window = vec![0.0; kernel * kernel];
    let mut taps = vec![0.0; kernel * kernel];
    for ky in 0..*kernel {
        for kx in 0..*kernel {
            if let Some((y, x)) = g.source(oy, ox, ky, kx) {
                window[ky * kernel + kx] = input_all[in_shape.index(y, x, source_channel)];
            }
            taps[ky * kernel + kx] = model.params[weights.start
                + ((ky * kernel + kx) * in_shape.channels + source_channel) * filters
                + detail.map];
        }
    }
    let channel_sum: f32 = window.iter().zip(&taps).map(|(a, b)| a * b).sum();
    ui.horizontal(|ui| {
        ui.label(format!(
            "channel {} of {}",
            source_channel + 1,
            in_shape.channels
        ));
        if ui.small_button("←").clicked() {
            detail.input_channel = (source_channel + in_shape.channels - 1) % in_shape.channels;
        }
        if ui.small_button("→").clicked() {
            detail.input_channel = (source_channel + 1) % in_shape.channels;
        }
    });
    ui.horizontal_top(|ui| {
        number_grid(ui, "cnn window", &window, *kernel);
        ui.label("×");
        kernel_editor(
            ui,
            sim,
            buttons,
            weights.start,
            *kernel,
            in_shape.channels,
            *filters,
            source_channel,
            detail.map,
            actions,
        );
        ui.label(format!("= {channel_sum:.3}"));
    });
    // What the last training step did to this kernel: its gradient and its
    // change, each 3x3 cell coloured (blue up, orange down).
    if sim.opened.is_none() && sim.training.steps > 0 {
        let tap_params: Vec<usize> = (0..kernel * kernel)
            .map(|t| {
                weights.start + (t * in_shape.channels + source_channel) * filters + detail.map
            })
            .collect();
        last_training_step(ui, sim, &tap_params, *kernel);
    }
    let b = model.params[bias.start + detail.map];
    let value = step.output[oy * out_shape.width + ox];
    ui.label(format!(
        "Sum over the {} channels {:.3} + bias {b:.3} = {value:.3}\n(output pixel {}, {})",
        in_shape.channels,
        value - b,
        oy + 1,
        ox + 1
    ));
}

/// What the last training step did to one kernel (its parameters `tap_params`, row by row):
/// its gradient and its change, each cell coloured (blue up, orange down).
fn last_training_step(ui: &mut egui::Ui, sim: &CnnSim, tap_params: &[usize], kernel: usize) {
    let pick = |values: &[f32]| -> Vec<f32> { tap_params.iter().map(|&i| values[i]).collect() };
    let gradient = pick(&sim.training.last_gradient);
    let update = pick(&sim.training.last_update);
    ui.horizontal(|ui| {
        for (name, values) in [("last gradient", gradient), ("last update", update)] {
            let scale = values.iter().fold(0.0f32, |m, v| m.max(v.abs()));
            let (rect, response) =
                ui.allocate_exact_size(egui::vec2(42.0, 42.0), egui::Sense::hover());
            small_map(ui.painter(), rect, &values, kernel, kernel, |v| {
                diverging(v, scale)
            });
            response.on_hover_text(
                values
                    .iter()
                    .map(|v| format!("{v:+.2e}"))
                    .collect::<Vec<_>>()
                    .join("  "),
            );
            ui.small(format!("{name}\n(max {scale:.1e})"));
        }
    });
}

/// An activation's step: the function of one input value.
fn activation_step(
    ui: &mut egui::Ui,
    step: &Step,
    map: usize,
    (painter, rect): (egui::Painter, egui::Rect),
) {
    let Layer::Activation { function, .. } = step.layer else {
        return;
    };
    let (in_shape, input_all, (oy, ox)) = (step.in_shape, step.input_all, step.at);
    window_box(
        &painter,
        rect,
        in_shape.width,
        in_shape.height,
        oy as isize,
        ox as isize,
        1,
    );
    let x = input_all[in_shape.index(oy, ox, map)];
    ui.label(format!(
        "{}({x:.3}) = {:.3}",
        function.name(),
        function.apply(x)
    ));
}

/// A max-pool's step: the largest value of the window.
fn pool_step(
    ui: &mut egui::Ui,
    step: &Step,
    map: usize,
    (painter, rect): (egui::Painter, egui::Rect),
) {
    let Layer::MaxPool { size, stride, .. } = step.layer else {
        return;
    };
    let (in_shape, out_shape, input_all, output, (oy, ox)) = (
        step.in_shape,
        step.out_shape,
        step.input_all,
        step.output,
        step.at,
    );
    window_box(
        &painter,
        rect,
        in_shape.width,
        in_shape.height,
        (oy * stride) as isize,
        (ox * stride) as isize,
        *size,
    );
    let mut window = vec![0.0; size * size];
    for dy in 0..*size {
        for dx in 0..*size {
            window[dy * size + dx] =
                input_all[in_shape.index(oy * stride + dy, ox * stride + dx, map)];
        }
    }
    ui.horizontal_top(|ui| {
        ui.label("max of");
        number_grid(ui, "cnn pool window", &window, *size);
        ui.label(format!("= {:.3}", output[oy * out_shape.width + ox]));
    });
}

/// The elastic view's middle row: every input channel's own contribution to this map.
fn channel_contributions(ui: &mut egui::Ui, step: &Step, detail: &mut Detail) {
    let Layer::Conv {
        kernel,
        stride,
        padding,
        filters,
        weights,
        bias,
        ..
    } = step.layer
    else {
        return;
    };
    let (model, in_shape, out_shape, input_all) =
        (step.model, step.in_shape, step.out_shape, step.input_all);
    ui.small("Each input channel convolved with its own kernel (the intermediate maps, the window on each); their values at the window, summed with the bias, make the output pixel.");
    let g = ConvGeometry::new(in_shape, out_shape, *kernel, *stride, *padding);
    let (oy, ox) = detail.at;
    let mut contributions = Vec::new();
    ui.horizontal_wrapped(|ui| {
        for c in 0..in_shape.channels.min(16) {
            let mut map = vec![0.0f32; out_shape.height * out_shape.width];
            for oy in 0..out_shape.height {
                for ox in 0..out_shape.width {
                    let mut sum = 0.0;
                    for ky in 0..*kernel {
                        for kx in 0..*kernel {
                            if let Some((y, x)) = g.source(oy, ox, ky, kx) {
                                sum += input_all[in_shape.index(y, x, c)]
                                    * model.params[weights.start
                                        + ((ky * kernel + kx) * in_shape.channels + c) * filters
                                        + detail.map];
                            }
                        }
                    }
                    map[oy * out_shape.width + ox] = sum;
                }
            }
            let scale = map.iter().fold(0.0f32, |m, v| m.max(v.abs()));
            let here = map[oy * out_shape.width + ox];
            contributions.push(here);
            let response = ui
                .vertical(|ui| {
                    let (rect, response) =
                        ui.allocate_exact_size(egui::vec2(40.0, 40.0), egui::Sense::click());
                    small_map(
                        ui.painter(),
                        rect,
                        &map,
                        out_shape.width,
                        out_shape.height,
                        |v| diverging(v, scale),
                    );
                    window_box(
                        ui.painter(),
                        rect,
                        out_shape.width,
                        out_shape.height,
                        oy as isize,
                        ox as isize,
                        1,
                    );
                    ui.small(format!("{here:+.2}"));
                    (rect, response)
                })
                .inner;
            let (rect, response) = response;
            if c == detail.input_channel {
                mark_chosen(ui.painter(), rect);
            }
            if response
                .on_hover_text(format!("channel {}: click for its numbers", c + 1))
                .clicked()
            {
                detail.input_channel = c;
            }
        }
    });
    if in_shape.channels <= 16 {
        let b = model.params[bias.start + detail.map];
        let terms: Vec<String> = contributions.iter().map(|v| format!("{v:+.2}")).collect();
        ui.small(format!(
            "{} {b:+.2} (bias) = {:.3}",
            terms.join(" "),
            contributions.iter().sum::<f32>() + b
        ));
    }
}
