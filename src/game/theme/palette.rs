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
    let last = (SHADES - 1) as f32;
    let shade = ((value.clamp(-1.0, 1.0) + 1.0) * 0.5 * last).round();
    scale_color(shade / last * 2.0 - 1.0)
}

/// As a Bevy colour.
pub fn to_color(rgb: [u8; 3]) -> Color {
    Color::srgb_u8(rgb[0], rgb[1], rgb[2])
}

/// As an egui colour.
pub fn to_egui(rgb: [u8; 3]) -> bevy_egui::egui::Color32 {
    bevy_egui::egui::Color32::from_rgb(rgb[0], rgb[1], rgb[2])
}

/// A heatmap pixel: the colour pre-blended over white at the Playground's alpha, so the texture
/// itself is opaque (cheaper to draw, identical on screen).
fn blended_pixel(rgb: [u8; 3]) -> [u8; 4] {
    let a = HEATMAP_ALPHA as f32 / 255.0;
    let mix = |c: u8| (c as f32 * a + 255.0 * (1.0 - a)).round() as u8;
    [mix(rgb[0]), mix(rgb[1]), mix(rgb[2]), 255]
}

/// The 31 shades as pixels, computed once: painting is then a table lookup per pixel.
fn shade_table() -> &'static [[u8; 4]; SHADES] {
    static TABLE: std::sync::OnceLock<[[u8; 4]; SHADES]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        std::array::from_fn(|k| {
            let v = -1.0 + 2.0 * k as f32 / (SHADES - 1) as f32;
            blended_pixel(heatmap_color(v, false))
        })
    })
}

/// Writes a grid of values (row-major, `size` x `size`) as RGBA pixels, semi-transparent over
/// white like the Playground's canvases, or grey when training diverged.
pub fn paint_heatmap(values: &[f32], discretize: bool, diverged: bool, pixels: &mut [u8]) {
    let table = shade_table();
    let (negative, positive, grey) = (
        blended_pixel(NEGATIVE),
        blended_pixel(POSITIVE),
        blended_pixel(DIVERGED),
    );
    let last = (SHADES - 1) as f32;
    for (value, px) in values.iter().zip(pixels.chunks_exact_mut(4)) {
        let v = *value;
        let pixel = if diverged || v.is_nan() {
            grey
        } else if discretize {
            if v > 0.0 { positive } else { negative }
        } else {
            // The same rounding as `heatmap_color`: the nearest of the 31 shades.
            let k = ((v.clamp(-1.0, 1.0) + 1.0) * 0.5 * last).round() as usize;
            table[k.min(SHADES - 1)]
        };
        px.copy_from_slice(&pixel);
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

    #[test]
    fn painting_by_table_matches_the_colour_scale() {
        let values: Vec<f32> = (0..2001)
            .map(|k| k as f32 / 1000.0 - 1.0)
            .chain([f32::NAN, 7.0, -3.0])
            .collect();
        let mut pixels = vec![0u8; values.len() * 4];
        paint_heatmap(&values, false, false, &mut pixels);
        for (v, px) in values.iter().zip(pixels.chunks_exact(4)) {
            assert_eq!(px, blended_pixel(heatmap_color(*v, false)), "{v}");
        }
        paint_heatmap(&values, true, false, &mut pixels);
        assert_eq!(&pixels[..4], blended_pixel(NEGATIVE));
        paint_heatmap(&values, false, true, &mut pixels);
        assert_eq!(&pixels[..4], blended_pixel(DIVERGED));
    }
}
