//! Charts shared by the modes: loss curves over epochs (egui_plot), decimated so that a run of
//! any length costs the same to draw.

use bevy_egui::egui;
use egui_plot::{Legend, Line, Plot, PlotPoints};

/// A chart shows at most this many points per curve, however long the run.
pub const CHART_POINTS: usize = 400;

/// Every `stride`-th point of `points` and the last one: at most [`CHART_POINTS`].
pub fn decimate<T: Copy>(points: &[T]) -> Vec<T> {
    if points.is_empty() {
        return Vec::new();
    }
    let stride = points.len().div_ceil(CHART_POINTS).max(1);
    let mut out: Vec<T> = points.iter().step_by(stride).copied().collect();
    if !(points.len() - 1).is_multiple_of(stride) {
        out.push(points[points.len() - 1]);
    }
    out
}

/// One curve of a chart.
pub struct Curve {
    pub name: String,
    pub points: Vec<[f64; 2]>,
    pub color: egui::Color32,
}

/// A line chart of curves over epochs, not zoomable (it follows the run).
pub fn line_chart(ui: &mut egui::Ui, id: &str, height: f32, curves: Vec<Curve>) {
    chart(ui, id, height, curves, true);
}

/// The same without a legend, for many curves whose colours are named elsewhere.
pub fn line_chart_unlabelled(ui: &mut egui::Ui, id: &str, height: f32, curves: Vec<Curve>) {
    chart(ui, id, height, curves, false);
}

fn chart(ui: &mut egui::Ui, id: &str, height: f32, curves: Vec<Curve>, legend: bool) {
    let plot = Plot::new(id).height(height);
    let plot = if legend {
        plot.legend(Legend::default())
    } else {
        plot
    };
    plot.allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .include_y(0.0)
        .show(ui, |plot| {
            for curve in curves {
                let points: Vec<[f64; 2]> = curve
                    .points
                    .into_iter()
                    .filter(|p| p[1].is_finite())
                    .collect();
                plot.line(Line::new(curve.name, PlotPoints::from(points)).color(curve.color));
            }
        });
}

#[cfg(test)]
mod tests {
    #[test]
    fn decimation_keeps_the_ends_and_the_budget() {
        let points: Vec<u32> = (0..10_001).collect();
        let kept = super::decimate(&points);
        assert!(kept.len() <= super::CHART_POINTS + 1);
        assert_eq!(kept[0], 0);
        assert_eq!(*kept.last().unwrap(), 10_000);
        assert_eq!(super::decimate(&[7u32]), vec![7]);
    }
}
