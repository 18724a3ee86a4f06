//! The Playground's colours: -1 orange, 0 grey, +1 blue, and the heatmap scale between them; and
//! for three to six classes, a palette that colour-blind students can tell apart.

use bevy::asset::RenderAssetUsages;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};

/// Value -1 (the "negative" class, orange).
pub const NEGATIVE: [u8; 3] = [0xf5, 0x93, 0x22];
/// Value 0 (light grey).
pub const NEUTRAL: [u8; 3] = [0xe8, 0xea, 0xeb];
/// Value +1 (the "positive" class, blue).
pub const POSITIVE: [u8; 3] = [0x08, 0x77, 0xbd];
/// Drawn instead of the scale when training diverged.
pub const DIVERGED: [u8; 3] = [0xb4, 0xb4, 0xb4];

/// The colours of three to six classes: Okabe and Ito's palette (orange, blue, bluish green,
/// vermillion, reddish purple, sky blue), made to stay distinct for every common kind of colour
/// blindness. Two classes keep the Playground's orange and blue.
pub const CLASS_COLORS: [[u8; 3]; 6] = [
    [0xe6, 0x9f, 0x00],
    [0x00, 0x72, 0xb2],
    [0x00, 0x9e, 0x73],
    [0xd5, 0x5e, 0x00],
    [0xcc, 0x79, 0xa7],
    [0x56, 0xb4, 0xe9],
];

/// The colour of class `class` (0-based) of `classes`.
pub fn class_color(class: usize, classes: usize) -> [u8; 3] {
    if classes <= 2 {
        if class == 0 { NEGATIVE } else { POSITIVE }
    } else {
        CLASS_COLORS[class % CLASS_COLORS.len()]
    }
}

/// A data point's colour: its label on the -1..+1 scale for two classes (and regression), its
/// class's colour for more.
pub fn label_color(label: f64, classes: usize) -> [u8; 3] {
    if classes <= 2 {
        scale_color(label as f32)
    } else {
        class_color(crate::data::label_class(label, classes), classes)
    }
}

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

/// Shades of confidence for several classes: the winning class's colour, from faint (no more
/// than chance) to full (certain).
const CONFIDENCE_SHADES: usize = 11;

/// Paints the winning class of every cell, shaded by how confident the network is: the
/// probability of the winner from chance (1/k, white) to 1 (the class's colour). With
/// `discretize`, only the winner.
pub fn paint_classes(
    winners: &[(u8, f32)],
    classes: usize,
    discretize: bool,
    diverged: bool,
    pixels: &mut [u8],
) {
    let chance = 1.0 / classes.max(2) as f32;
    let last = (CONFIDENCE_SHADES - 1) as f32;
    let white = [255, 255, 255];
    for (&(class, p), px) in winners.iter().zip(pixels.chunks_exact_mut(4)) {
        let pixel = if diverged || p.is_nan() {
            blended_pixel(DIVERGED)
        } else {
            let t = if discretize {
                1.0
            } else {
                let t = ((p - chance) / (1.0 - chance)).clamp(0.0, 1.0);
                (t * last).round() / last
            };
            blended_pixel(lerp(white, class_color(class as usize, classes), t))
        };
        px.copy_from_slice(&pixel);
    }
}

/// Paints a class's probability over a grid: white at 0 to the class's colour at 1.
pub fn paint_probability(values: &[f32], color: [u8; 3], diverged: bool, pixels: &mut [u8]) {
    let last = (SHADES - 1) as f32;
    for (value, px) in values.iter().zip(pixels.chunks_exact_mut(4)) {
        let pixel = if diverged || value.is_nan() {
            blended_pixel(DIVERGED)
        } else {
            let t = (value.clamp(0.0, 1.0) * last).round() / last;
            blended_pixel(lerp([255, 255, 255], color, t))
        };
        px.copy_from_slice(&pixel);
    }
}

/// GAN Lab's colours: real data green, fakes purple.
pub const REAL: [u8; 3] = [0x1b, 0x9e, 0x4b];
pub const FAKE: [u8; 3] = [0x8e, 0x44, 0xad];
/// The middle of the realness scale: the discriminator cannot tell (0.5).
pub const UNDECIDED: [u8; 3] = [0xdc, 0xdc, 0xdc];

/// The colour of a discriminator's output: purple ("fake", 0) through grey (0.5) to green
/// ("real", 1), as GAN Lab paints it. NaN is the diverged grey.
pub fn realness_color(p: f32) -> [u8; 3] {
    if p.is_nan() {
        return DIVERGED;
    }
    let p = p.clamp(0.0, 1.0);
    if p < 0.5 {
        lerp(FAKE, UNDECIDED, p * 2.0)
    } else {
        lerp(UNDECIDED, REAL, (p - 0.5) * 2.0)
    }
}

/// Paints a grid of discriminator outputs (0..1) on the realness scale, semi-transparent over
/// white like every heatmap.
pub fn paint_realness(values: &[f32], diverged: bool, pixels: &mut [u8]) {
    let last = (SHADES - 1) as f32;
    for (value, px) in values.iter().zip(pixels.chunks_exact_mut(4)) {
        let pixel = if diverged || value.is_nan() {
            blended_pixel(DIVERGED)
        } else {
            blended_pixel(realness_color(
                (value.clamp(0.0, 1.0) * last).round() / last,
            ))
        };
        px.copy_from_slice(&pixel);
    }
}

/// A blank (light grey) heatmap texture of `size` x `size`, filtered smoothly when scaled.
pub fn blank_heatmap(size: usize) -> Image {
    let mut image = Image::new_fill(
        Extent3d {
            width: size as u32,
            height: size as u32,
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        &[232, 234, 235, 255],
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::MAIN_WORLD | RenderAssetUsages::RENDER_WORLD,
    );
    image.sampler = bevy::image::ImageSampler::linear();
    image
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
    fn class_colours_are_distinct_and_confidence_shades_them() {
        for k in 3..=6 {
            let colours: std::collections::HashSet<_> = (0..k).map(|c| class_color(c, k)).collect();
            assert_eq!(colours.len(), k);
        }
        assert_eq!(class_color(0, 2), NEGATIVE);
        assert_eq!(class_color(1, 2), POSITIVE);
        let mut pixels = vec![0u8; 12];
        paint_classes(
            &[(2, 1.0), (2, 1.0 / 3.0), (0, 0.9)],
            3,
            false,
            false,
            &mut pixels,
        );
        assert_eq!(&pixels[..4], blended_pixel(CLASS_COLORS[2]));
        assert_eq!(
            &pixels[4..8],
            blended_pixel([255, 255, 255]),
            "chance is white"
        );
        paint_classes(&[(1, 0.4)], 3, true, false, &mut pixels[..4]);
        assert_eq!(
            &pixels[..4],
            blended_pixel(CLASS_COLORS[1]),
            "discretised: the winner"
        );
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
