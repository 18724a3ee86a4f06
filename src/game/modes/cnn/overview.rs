//! CNN Explainer's overview: a column per layer (the input's channels, then every convolution,
//! activation and pool with all its maps, then the classes), labels with shapes, links to the
//! previous layer on hover, and a click opens that map's detail.

use bevy_egui::egui;

use super::detail_parts::Detail;
use super::maps::{ColorRange, SALIENCY};
use super::sim::CnnSim;
use super::ui::{CnnScreen, remember};
use crate::cnn::{CnnModel, Layer};
use crate::game::theme::palette;

/// A column of the overview: the input (None) or a layer's output.
struct Column {
    layer: Option<usize>,
    label: String,
    channels: usize,
}

/// Where the overview's maps are: the columns, each map's rectangle, the map size.
struct Grid {
    columns: Vec<Column>,
    positions: Vec<Vec<egui::Rect>>,
    area: egui::Rect,
    map_size: f32,
    column_width: f32,
}

/// What the pointer did to the maps this frame: (column, channel).
#[derive(Default)]
struct MapPointer {
    hovered: Option<(usize, usize)>,
    clicked: Option<(usize, usize)>,
}

/// The columns: the input, then every layer before the flatten and the dense layers.
fn columns(model: &CnnModel) -> Vec<Column> {
    let mut columns = vec![Column {
        layer: None,
        label: format!("input\n{}", model.input),
        channels: model.input.channels,
    }];
    for (i, layer) in model.layers.iter().enumerate() {
        if matches!(layer, Layer::Flatten { .. } | Layer::Dense { .. }) {
            continue;
        }
        columns.push(Column {
            layer: Some(i),
            label: format!("{}\n{}", layer.name(), model.shapes[i]),
            channels: model.shapes[i].channels,
        });
    }
    columns
}

pub fn show(ui: &mut egui::Ui, rect: egui::Rect, sim: &CnnSim, screen: &mut CnnScreen) {
    let model = sim.model();
    let mut child = ui.new_child(egui::UiBuilder::new().max_rect(rect));
    let ui = &mut child;
    toolbar(ui, sim, screen);
    let top = ui.cursor().min.y + 58.0;
    let area = egui::Rect::from_min_max(egui::pos2(rect.min.x, top), rect.max);
    let output_width = 120.0;
    let columns = columns(model);
    let column_width = ((area.width() - output_width) / columns.len() as f32).max(24.0);
    let painter = ui.painter_at(rect);
    let max_channels = columns.iter().map(|c| c.channels).max().unwrap_or(1);
    // One size for every map, so that the columns line up like CNN Explainer's.
    let map_size = ((area.height() - 10.0) / max_channels as f32 - 4.0)
        .min(column_width - 10.0)
        .clamp(6.0, 64.0);
    let mut grid = Grid {
        columns,
        positions: Vec::new(),
        area,
        map_size,
        column_width,
    };
    let pointer = draw_maps(ui, &painter, &mut grid, screen);
    if screen.saliency {
        draw_saliency(&painter, &grid, screen);
    }
    if let Some(hovered) = pointer.hovered {
        hover_links(ui, &painter, model, &grid, hovered, screen);
    }
    draw_receptive_field(
        ui,
        &painter,
        model,
        &grid,
        pointer.hovered,
        screen.detail.as_ref(),
    );
    if let Some((col, c)) = pointer.clicked
        && let Some(layer) = grid.columns[col].layer
    {
        screen.detail = Some(Detail::new(layer, c));
    }
    class_bars(ui, &painter, sim, &grid, output_width, screen);
}

/// The colour range, saliency and what is shown.
fn toolbar(ui: &mut egui::Ui, sim: &CnnSim, screen: &mut CnnScreen) {
    ui.horizontal(|ui| {
        ui.label("Colour range:");
        for r in ColorRange::ALL {
            ui.selectable_value(&mut screen.range, r, r.name())
                .on_hover_text("Each map on its own range, each layer on one, or the whole network on one; symmetric around 0.");
        }
        ui.separator();
        ui.checkbox(&mut screen.saliency, "saliency")
            .on_hover_text("Which pixels of the input change the predicted class's loss the most (the gradient's size).");
        ui.separator();
        ui.small(format!("showing {}", match sim.shown {
            super::sim::Shown::Test(i) => format!("test image {}", i + 1),
            super::sim::Shown::Custom => sim.custom_name.clone(),
        }));
    });
}

/// Every column's label and maps; what the pointer does to them.
fn draw_maps(
    ui: &egui::Ui,
    painter: &egui::Painter,
    grid: &mut Grid,
    screen: &mut CnnScreen,
) -> MapPointer {
    let (area, map_size, column_width) = (grid.area, grid.map_size, grid.column_width);
    let mut pointer = MapPointer::default();
    for (col, column) in grid.columns.iter().enumerate() {
        let x = area.min.x + col as f32 * column_width + (column_width - map_size) / 2.0;
        let total = column.channels as f32 * (map_size + 4.0);
        let y0 = area.min.y + ((area.height() - total) / 2.0).max(0.0);
        // Name over shape, every other column a line higher, so that neighbours never overlap.
        let lift = if col % 2 == 1 { 24.0 } else { 0.0 };
        painter.text(
            egui::pos2(
                area.min.x + (col as f32 + 0.5) * column_width,
                area.min.y - 2.0 - lift,
            ),
            egui::Align2::CENTER_BOTTOM,
            &column.label,
            egui::FontId::proportional(9.5),
            egui::Color32::from_gray(70),
        );
        let key_col = column.layer.map_or(0, |l| l + 1);
        let mut rects = Vec::new();
        for c in 0..column.channels {
            let r = egui::Rect::from_min_size(
                egui::pos2(x, y0 + c as f32 * (map_size + 4.0)),
                egui::vec2(map_size, map_size),
            );
            if let Some(texture) = screen.maps.texture((key_col, c)) {
                painter.image(
                    texture,
                    r,
                    egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                    egui::Color32::WHITE,
                );
            }
            painter.rect_stroke(
                r,
                0.0,
                egui::Stroke::new(0.5, egui::Color32::from_gray(150)),
                egui::StrokeKind::Outside,
            );
            let response = ui.interact(r, ui.id().with(("cnn map", col, c)), egui::Sense::click());
            if col == 1 && c == 0 {
                remember(&mut screen.buttons, "first_conv_map", &response);
            }
            if response.hovered() {
                pointer.hovered = Some((col, c));
            }
            if response.clicked() {
                pointer.clicked = Some((col, c));
            }
            rects.push(r);
        }
        grid.positions.push(rects);
    }
    pointer
}

/// The saliency map under the input.
fn draw_saliency(painter: &egui::Painter, grid: &Grid, screen: &CnnScreen) {
    if let Some(texture) = screen.maps.texture(SALIENCY)
        && let Some(last) = grid.positions[0].last()
    {
        let r = last.translate(egui::vec2(0.0, grid.map_size + 14.0));
        painter.image(
            texture,
            r,
            egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
            egui::Color32::WHITE,
        );
        painter.text(
            r.center_bottom() + egui::vec2(0.0, 2.0),
            egui::Align2::CENTER_TOP,
            "saliency",
            egui::FontId::proportional(9.0),
            egui::Color32::from_gray(70),
        );
    }
}

/// Links from a hovered map to the maps it reads (every channel for a convolution, its own
/// channel for an activation or a pool), and what it is.
fn hover_links(
    ui: &egui::Ui,
    painter: &egui::Painter,
    model: &CnnModel,
    grid: &Grid,
    (col, c): (usize, usize),
    screen: &CnnScreen,
) {
    let (columns, positions) = (&grid.columns, &grid.positions);
    let response_rect = positions[col][c];
    painter.rect_stroke(
        response_rect,
        0.0,
        egui::Stroke::new(2.0, palette::to_egui([250, 190, 45])),
        egui::StrokeKind::Outside,
    );
    if col > 0 {
        let sources: Vec<usize> = match columns[col].layer.map(|l| &model.layers[l]) {
            Some(Layer::Conv { .. }) => (0..columns[col - 1].channels).collect(),
            _ => vec![c],
        };
        for s in sources {
            if let Some(from) = positions[col - 1].get(s) {
                painter.line_segment(
                    [from.right_center(), response_rect.left_center()],
                    egui::Stroke::new(1.0, egui::Color32::from_rgba_unmultiplied(80, 80, 80, 120)),
                );
            }
        }
    }
    let key = (columns[col].layer.map_or(0, |l| l + 1), c);
    let what = match columns[col].layer {
        None => format!("input channel {}", c + 1),
        Some(l) => format!(
            "{} · map {} · colours up to ±{:.3}",
            model.layers[l].name(),
            c + 1,
            screen.maps.scale(key)
        ),
    };
    ui.ctx().debug_painter().text(
        ui.ctx().pointer_latest_pos().unwrap_or_default() + egui::vec2(12.0, 12.0),
        egui::Align2::LEFT_TOP,
        format!("{what}\nclick for the detail"),
        egui::FontId::proportional(11.0),
        egui::Color32::from_gray(30),
    );
}

/// The receptive field: the input pixels the unit under the pointer (or the detail's window)
/// depends on, outlined on every input channel.
fn draw_receptive_field(
    ui: &egui::Ui,
    painter: &egui::Painter,
    model: &CnnModel,
    grid: &Grid,
    hovered: Option<(usize, usize)>,
    detail: Option<&Detail>,
) {
    let (columns, positions, area) = (&grid.columns, &grid.positions, grid.area);
    let unit = match hovered {
        Some((col, c)) if col > 0 => columns[col].layer.and_then(|layer| {
            let shape = model.shapes[layer];
            let rect = positions[col][c];
            let pos = ui.ctx().pointer_latest_pos()?;
            let x = ((pos.x - rect.min.x) / rect.width() * shape.width as f32) as usize;
            let y = ((pos.y - rect.min.y) / rect.height() * shape.height as f32) as usize;
            Some((layer, y.min(shape.height - 1), x.min(shape.width - 1)))
        }),
        _ => detail
            .filter(|d| d.softmax.is_none() && d.hyper.is_none() && d.layer < model.layers.len())
            .map(|d| (d.layer, d.at.0, d.at.1)),
    };
    if let Some((layer, row, col)) = unit {
        let (top, left, bottom, right) = model.receptive_field(layer, row, col);
        let input = model.input;
        for r in &positions[0] {
            let cell = egui::vec2(
                r.width() / input.width as f32,
                r.height() / input.height as f32,
            );
            let field = egui::Rect::from_min_max(
                r.min + egui::vec2(left as f32 * cell.x, top as f32 * cell.y),
                r.min + egui::vec2((right + 1) as f32 * cell.x, (bottom + 1) as f32 * cell.y),
            );
            painter.rect_stroke(
                field,
                0.0,
                egui::Stroke::new(1.5, egui::Color32::from_rgb(250, 190, 45)),
                egui::StrokeKind::Outside,
            );
        }
        painter.text(
            positions[0].last().map_or(area.min, |r| r.left_bottom()) + egui::vec2(0.0, 3.0),
            egui::Align2::LEFT_TOP,
            format!("receptive field {}x{}", bottom - top + 1, right - left + 1),
            egui::FontId::proportional(9.0),
            egui::Color32::from_gray(70),
        );
    }
}

/// The classes, with the softmax's probabilities; a click opens the softmax's detail.
fn class_bars(
    ui: &egui::Ui,
    painter: &egui::Painter,
    sim: &CnnSim,
    grid: &Grid,
    output_width: f32,
    screen: &mut CnnScreen,
) {
    let (area, positions, model) = (grid.area, &grid.positions, sim.model());
    let p = &sim.acts.probabilities;
    let classes = p.len();
    let x = area.max.x - output_width + 6.0;
    let row = ((area.height() - 10.0) / classes.max(1) as f32).min(26.0);
    let y0 = area.min.y + (area.height() - row * classes as f32) / 2.0;
    painter.text(
        egui::pos2(x + 50.0, area.min.y - 2.0),
        egui::Align2::CENTER_BOTTOM,
        format!("output ({classes})"),
        egui::FontId::proportional(9.5),
        egui::Color32::from_gray(70),
    );
    let best = p
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i);
    for (i, &v) in p.iter().enumerate() {
        let r = egui::Rect::from_min_size(
            egui::pos2(x, y0 + i as f32 * row),
            egui::vec2(output_width - 10.0, row - 3.0),
        );
        painter.rect_filled(r, 2.0, egui::Color32::from_gray(235));
        let mut bar = r;
        bar.set_width(r.width() * v.clamp(0.0, 1.0));
        painter.rect_filled(
            bar,
            2.0,
            palette::to_egui(if i == best {
                palette::POSITIVE
            } else {
                [150, 170, 190]
            }),
        );
        painter.text(
            r.left_center() + egui::vec2(3.0, 0.0),
            egui::Align2::LEFT_CENTER,
            format!("{} {:.0}%", model.class_names[i], 100.0 * v),
            egui::FontId::proportional(10.0),
            egui::Color32::from_gray(20),
        );
        let response = ui.interact(r, ui.id().with(("cnn class", i)), egui::Sense::click());
        if i == 0 {
            remember(&mut screen.buttons, "first_class", &response);
        }
        if response.clicked() {
            screen.detail = Some(Detail::softmax(i));
        }
        // Links from the last maps to the class bars: the flatten and dense layers.
        if response.hovered()
            && let Some(last) = positions.last()
        {
            for from in last {
                painter.line_segment(
                    [from.right_center(), r.left_center()],
                    egui::Stroke::new(0.6, egui::Color32::from_rgba_unmultiplied(80, 80, 80, 90)),
                );
            }
        }
    }
}
