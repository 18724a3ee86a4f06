//! A convolution's kernels in the layer detail: the grid of all of them, and one kernel to edit by
//! hand or to fill with a classic filter (blur, sharpen, edges).

use super::detail_parts::{Detail, KernelGrid, mark_chosen, small_map};
use super::maps::diverging;
use super::sim::{CnnAction, CnnSim};
use super::ui::remember;
use crate::cnn::Layer;
use bevy_egui::egui;

/// Every kernel of a convolution at once (a column per filter, a row per input channel): its
/// weights, or the last training step's gradient or change, each coloured on the layer's own
/// scale so the filters that learn most stand out. A click opens that filter and channel.
pub(super) fn kernel_grid(
    ui: &mut egui::Ui,
    sim: &CnnSim,
    detail: &mut Detail,
    layer_index: usize,
) {
    let model = sim.model();
    let Layer::Conv {
        kernel,
        filters,
        weights,
        ..
    } = &model.layers[layer_index]
    else {
        return;
    };
    let channels = model.layer_input(layer_index).channels;
    let trained_here = sim.opened.is_none() && sim.training.steps > 0;
    ui.horizontal(|ui| {
        ui.small("All the layer's kernels:");
        for grid in KernelGrid::ALL {
            let allowed = grid == KernelGrid::Weights || trained_here;
            if ui
                .add_enabled(
                    allowed,
                    egui::Button::selectable(detail.kernels == grid, grid.label()).small(),
                )
                .on_disabled_hover_text("Train the network a step first")
                .clicked()
            {
                detail.kernels = grid;
            }
        }
    });
    let source: &[f32] = match detail.kernels {
        KernelGrid::Weights => &model.params,
        KernelGrid::Gradient if trained_here => &sim.training.last_gradient,
        KernelGrid::Update if trained_here => &sim.training.last_update,
        _ => &model.params,
    };
    let values = &source[weights.clone()];
    let scale = values.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    let (shown_filters, shown_channels) = ((*filters).min(16), channels.min(16));
    let tile = 18.0f32;
    egui::Grid::new("cnn kernel grid")
        .spacing(egui::vec2(3.0, 3.0))
        .min_col_width(tile)
        .min_row_height(tile)
        .show(ui, |ui| {
            for c in 0..shown_channels {
                for f in 0..shown_filters {
                    let taps: Vec<f32> = (0..kernel * kernel)
                        .map(|t| values[(t * channels + c) * filters + f])
                        .collect();
                    let (rect, response) =
                        ui.allocate_exact_size(egui::vec2(tile, tile), egui::Sense::click());
                    small_map(ui.painter(), rect, &taps, *kernel, *kernel, |v| {
                        diverging(v, scale)
                    });
                    if f == detail.map && c == detail.input_channel {
                        mark_chosen(ui.painter(), rect);
                    }
                    if response
                        .on_hover_text(format!("filter {}, channel {}", f + 1, c + 1))
                        .clicked()
                    {
                        detail.map = f;
                        detail.input_channel = c;
                    }
                }
                ui.end_row();
            }
        });
    ui.small(format!(
        "Colours on the layer's scale: ±{scale:.2e}{}",
        if *filters > 16 || channels > 16 {
            " (the first 16 filters and channels)"
        } else {
            ""
        }
    ));
}

/// The k x k kernel of (input channel, filter), editable, with classic filters to pick.
pub(super) fn kernel_editor(
    ui: &mut egui::Ui,
    sim: &CnnSim,
    buttons: &mut serde_json::Map<String, serde_json::Value>,
    start: usize,
    kernel: usize,
    channels: usize,
    filters: usize,
    c: usize,
    f: usize,
    actions: &mut Vec<CnnAction>,
) {
    let index = |ky: usize, kx: usize| start + ((ky * kernel + kx) * channels + c) * filters + f;
    ui.vertical(|ui| {
        let mut changes = Vec::new();
        egui::Grid::new("cnn kernel")
            .spacing(egui::vec2(2.0, 1.0))
            .show(ui, |ui| {
                for ky in 0..kernel {
                    for kx in 0..kernel {
                        let i = index(ky, kx);
                        let mut v = sim.model().params[i];
                        if ui
                            .add(egui::DragValue::new(&mut v).speed(0.01).max_decimals(3))
                            .changed()
                        {
                            changes.push((i, v));
                        }
                    }
                    ui.end_row();
                }
            });
        ui.horizontal_wrapped(|ui| {
            for (name, pattern) in KERNELS {
                let preset = crate::game::theme::widgets::small_button(ui, name)
                    .on_hover_text("Put this classic filter into the kernel");
                remember(buttons, &format!("kernel {name}"), &preset);
                if preset.clicked() {
                    for ky in 0..kernel {
                        for kx in 0..kernel {
                            changes.push((
                                index(ky, kx),
                                pattern(
                                    ky as isize - (kernel / 2) as isize,
                                    kx as isize - (kernel / 2) as isize,
                                    kernel,
                                ),
                            ));
                        }
                    }
                }
            }
        });
        actions.extend(
            changes
                .into_iter()
                .map(|(index, value)| CnnAction::SetParameter { index, value }),
        );
    });
}

pub(super) type Pattern = fn(isize, isize, usize) -> f32;

pub(super) const KERNELS: [(&str, Pattern); 4] = [
    ("blur", |_, _, k| 1.0 / (k * k) as f32),
    ("sharpen", |y, x, _| {
        if y == 0 && x == 0 {
            5.0
        } else if y.abs() + x.abs() == 1 {
            -1.0
        } else {
            0.0
        }
    }),
    ("vertical edge", |_, x, _| x.signum() as f32),
    ("horizontal edge", |y, _, _| y.signum() as f32),
];
