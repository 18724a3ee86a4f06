//! The Playground's colours: -1 orange, 0 grey, +1 blue, and the heatmap scale between them.

use bevy::prelude::*;

/// Value -1 (the "negative" class, orange).
pub const NEGATIVE: [u8; 3] = [0xf5, 0x93, 0x22];
/// Value 0 (light grey).
pub const NEUTRAL: [u8; 3] = [0xe8, 0xea, 0xeb];
/// Value +1 (the "positive" class, blue).
pub const POSITIVE: [u8; 3] = [0x08, 0x77, 0xbd];
/// Drawn instead of the scale when training diverged.
pub const DIVERGED: [u8; 3] = [0xb4, 0xb4, 0xb4];

/// Heatmaps use this many discrete shades, as the Playground does.
pub const SHADES: usize = 31;
/// The Playground paints its heatmaps semi-transparent over white.
pub const HEATMAP_ALPHA: u8 = 160;

pub const BACKGROUND: Color = Color::srgb(0.969, 0.969, 0.969);
pub const INK: Color = Color::srgb(0.16, 0.17, 0.19);
pub const MUTED_INK: Color = Color::srgb(0.45, 0.47, 0.5);
pub const NEURON_BORDER: Color = Color::srgb(0.3, 0.31, 0.33);
pub const HIGHLIGHT: Color = Color::srgb(0.98, 0.75, 0.18);
pub const DROP_OK: Color = Color::srgb(0.2, 0.65, 0.35);
pub const DROP_REFUSED: Color = Color::srgb(0.85, 0.25, 0.2);

fn lerp(a: [u8; 3], b: [u8; 3], t: f32) -> [u8; 3] {
    let mix = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * t).round() as u8;
    [mix(a[0], b[0]), mix(a[1], b[1]), mix(a[2], b[2])]
}

/// The sRGB colour of a value on the Playground's scale, clamped to [-1, 1]. NaN is neutral.
pub fn scale_color(value: f32) -> [u8; 3] {
    if value.is_nan() {
        return DIVERGED;
    }
    let v = value.clamp(-1.0, 1.0);
    if v < 0.0 {
        lerp(NEUTRAL, NEGATIVE, -v)
    } else {
        lerp(NEUTRAL, POSITIVE, v)
    }
}

/// The heatmap shade of a value: one of 31 steps, or only the sign when `discretize` is on.
pub fn heatmap_color(value: f32, discretize: bool) -> [u8; 3] {
    if value.is_nan() {
        return DIVERGED;
    }
    if discretize {
        return if value > 0.0 { POSITIVE } else { NEGATIVE };
    }
    let step = 2.0 / (SHADES - 1) as f32;
    let quantized = ((value.clamp(-1.0, 1.0) + 1.0) / step).round() * step - 1.0;
    scale_color(quantized)
}

/// As a Bevy colour.
pub fn to_color(rgb: [u8; 3]) -> Color {
    Color::srgb_u8(rgb[0], rgb[1], rgb[2])
}

/// As an egui colour.
pub fn to_egui(rgb: [u8; 3]) -> bevy_egui::egui::Color32 {
    bevy_egui::egui::Color32::from_rgb(rgb[0], rgb[1], rgb[2])
}

/// Writes a grid of values (row-major, `size` x `size`) as RGBA pixels, semi-transparent over
/// white like the Playground's canvases, or grey when training diverged.
pub fn paint_heatmap(values: &[f32], discretize: bool, diverged: bool, pixels: &mut [u8]) {
    for (value, px) in values.iter().zip(pixels.chunks_exact_mut(4)) {
        let rgb = if diverged {
            DIVERGED
        } else {
            heatmap_color(*value, discretize)
        };
        // Pre-blend over white so the texture itself is opaque (cheaper, and identical on screen).
        let a = HEATMAP_ALPHA as f32 / 255.0;
        for c in 0..3 {
            px[c] = (rgb[c] as f32 * a + 255.0 * (1.0 - a)).round() as u8;
        }
        px[3] = 255;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_and_middle_of_the_scale() {
        assert_eq!(scale_color(-1.0), NEGATIVE);
        assert_eq!(scale_color(0.0), NEUTRAL);
        assert_eq!(scale_color(1.0), POSITIVE);
        assert_eq!(scale_color(5.0), POSITIVE);
        assert_eq!(heatmap_color(0.3, true), POSITIVE);
        assert_eq!(heatmap_color(-0.01, true), NEGATIVE);
        let shades: std::collections::HashSet<_> = (0..1000)
            .map(|k| heatmap_color(k as f32 / 500.0 - 1.0, false))
            .collect();
        assert_eq!(shades.len(), SHADES);
    }
}
