//! The layer detail's state (which layer, map and window, and the kernel grid shown) and the
//! small drawing helpers its views share.

use bevy_egui::egui;

use crate::cnn::Shape;

/// Seconds between two steps of the window, as CNN Explainer.
pub const STEP_SECONDS: f32 = 0.25;

#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub layer: usize,
    /// The output map (filter) shown.
    pub map: usize,
    /// The input channel whose numbers are shown for a convolution.
    pub input_channel: usize,
    /// The output pixel the window is on (row, col).
    pub at: (usize, usize),
    pub playing: bool,
    timer: f32,
    /// The class clicked in the output column: the softmax view.
    pub softmax: Option<usize>,
    /// The hyperparameter playground: input, padding, kernel, stride.
    pub hyper: Option<(usize, usize, usize, usize)>,
    /// What the grid of all the layer's kernels shows.
    pub kernels: KernelGrid,
}

/// The whole layer's kernels at a glance: their weights, or what the last training step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KernelGrid {
    #[default]
    Weights,
    Gradient,
    Update,
}

impl KernelGrid {
    pub(super) const ALL: [KernelGrid; 3] = [
        KernelGrid::Weights,
        KernelGrid::Gradient,
        KernelGrid::Update,
    ];

    pub(super) fn label(self) -> &'static str {
        match self {
            KernelGrid::Weights => "weights",
            KernelGrid::Gradient => "last gradient",
            KernelGrid::Update => "last update",
        }
    }
}

impl Detail {
    pub fn new(layer: usize, map: usize) -> Self {
        Self {
            layer,
            map,
            input_channel: 0,
            at: (0, 0),
            playing: true,
            timer: 0.0,
            softmax: None,
            hyper: None,
            kernels: KernelGrid::Weights,
        }
    }

    pub fn softmax(class: usize) -> Self {
        Self {
            softmax: Some(class),
            ..Self::new(0, 0)
        }
    }

    pub fn hyperparameters() -> Self {
        Self {
            hyper: Some((7, 0, 3, 1)),
            ..Self::new(0, 0)
        }
    }

    /// Moves the window one step (row by row) when playing.
    pub fn advance(&mut self, dt: f32, output: Shape) {
        if !self.playing || output.height == 0 || output.width == 0 {
            return;
        }
        self.timer += dt;
        while self.timer >= STEP_SECONDS {
            self.timer -= STEP_SECONDS;
            let (row, col) = self.at;
            self.at = if col + 1 < output.width {
                (row, col + 1)
            } else {
                ((row + 1) % output.height, 0)
            };
        }
    }
}

pub(super) fn small_map(
    painter: &egui::Painter,
    rect: egui::Rect,
    values: &[f32],
    width: usize,
    height: usize,
    color: impl Fn(f32) -> egui::Color32,
) {
    let cell = egui::vec2(rect.width() / width as f32, rect.height() / height as f32);
    for row in 0..height {
        for col in 0..width {
            let r = egui::Rect::from_min_size(
                rect.min + egui::vec2(col as f32 * cell.x, row as f32 * cell.y),
                cell,
            );
            painter.rect_filled(r, 0.0, color(values[row * width + col]));
        }
    }
    painter.rect_stroke(
        rect,
        0.0,
        egui::Stroke::new(0.5, egui::Color32::GRAY),
        egui::StrokeKind::Outside,
    );
}

/// The yellow frame around the channel or kernel whose numbers are shown.
pub(super) fn mark_chosen(painter: &egui::Painter, rect: egui::Rect) {
    painter.rect_stroke(
        rect,
        0.0,
        egui::Stroke::new(2.0, egui::Color32::from_rgb(250, 190, 45)),
        egui::StrokeKind::Outside,
    );
}
