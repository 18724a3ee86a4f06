//! Turning a picture into a model's input, the way CNN Explainer does it, without its bugs: an
//! image already of the input's size is used as it is; any other is scaled (bilinear) so that
//! its shorter side is one pixel longer than the input's, then the middle is cut out. Values
//! are divided by 255; a one-channel model gets the luminance.

use super::Shape;

/// Decodes a PNG or JPEG file's bytes and prepares it for a model with input `shape`. The
/// picture's size is read from its header and checked before anything is decoded (a 4 KB PNG
/// may declare a billion pixels).
pub fn image_for_model(bytes: &[u8], shape: Shape) -> Result<Vec<f32>, String> {
    use crate::limits::{
        FileKind, MAX_PICTURE_DECODE_BYTES, MAX_PICTURE_PIXELS, MAX_PICTURE_SIDE, size_in_words,
    };
    if bytes.len() as u64 > FileKind::Picture.max_bytes() {
        return Err(format!(
            "{} is too big for a picture (at most {})",
            size_in_words(bytes.len() as u64),
            size_in_words(FileKind::Picture.max_bytes())
        ));
    }
    let unreadable = || match crate::limits::binary_kind(bytes) {
        Some(kind) if !kind.contains("PNG") && !kind.contains("JPEG") => {
            format!("this is {kind}, not a picture this game can read (PNG or JPEG)")
        }
        _ => "not a picture this game can read (PNG or JPEG)".to_string(),
    };
    let reader = || {
        image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .ok()
            .filter(|r| r.format().is_some())
    };
    let too_big = || {
        format!(
            "the picture declares more pixels than can be opened (at most {MAX_PICTURE_SIDE} a side and {} million in all)",
            MAX_PICTURE_PIXELS / 1_000_000
        )
    };
    let (width, height) =
        reader()
            .ok_or_else(unreadable)?
            .into_dimensions()
            .map_err(|e| match e {
                image::ImageError::Unsupported(_) => unreadable(),
                image::ImageError::Limits(_) => too_big(),
                other => format!("cannot read the picture: {other}"),
            })?;
    if width > MAX_PICTURE_SIDE
        || height > MAX_PICTURE_SIDE
        || u64::from(width) * u64::from(height) > MAX_PICTURE_PIXELS
    {
        return Err(format!(
            "the picture is {width}x{height} pixels: at most {MAX_PICTURE_SIDE} a side and {} million in all",
            MAX_PICTURE_PIXELS / 1_000_000
        ));
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_PICTURE_SIDE);
    limits.max_image_height = Some(MAX_PICTURE_SIDE);
    limits.max_alloc = Some(MAX_PICTURE_DECODE_BYTES);
    let mut reader = reader().ok_or_else(unreadable)?;
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| match e {
        image::ImageError::Unsupported(_) => unreadable(),
        image::ImageError::Limits(_) => too_big(),
        other => format!("cannot read the picture: {other}"),
    })?;
    let rgb = decoded.into_rgb8();
    let (width, height) = rgb.dimensions();
    Ok(pixels_for_model(
        rgb.as_raw(),
        width as usize,
        height as usize,
        shape,
    ))
}

/// The most one side of a picture is scaled as against the other: a picture longer than this
/// loses its ends first (only its middle is used anyway), so that scaling a 1x1,000,000 strip
/// to 65 pixels high never asks for 65 million pixels.
pub const MAX_ASPECT: usize = 16;

/// `rgb` holds width x height RGB bytes.
pub fn pixels_for_model(rgb: &[u8], width: usize, height: usize, shape: Shape) -> Vec<f32> {
    let (target_h, target_w) = (shape.height, shape.width);
    let fitted: Vec<u8> = if width == target_w && height == target_h {
        rgb.to_vec()
    } else {
        // Shorter side to the input's longer side + 1, as CNN Explainer scales to 65 for 64.
        let mut source = image::RgbImage::from_raw(width as u32, height as u32, rgb.to_vec())
            .unwrap_or_else(|| image::RgbImage::new(1, 1));
        let (width, height) = (source.width() as usize, source.height() as usize);
        let short = width.min(height).max(1);
        if width.max(height) > short * MAX_ASPECT {
            let (keep_w, keep_h) = (
                width.min(short * MAX_ASPECT),
                height.min(short * MAX_ASPECT),
            );
            source = image::imageops::crop_imm(
                &source,
                ((width - keep_w) / 2) as u32,
                ((height - keep_h) / 2) as u32,
                keep_w as u32,
                keep_h as u32,
            )
            .to_image();
        }
        let (width, height) = (source.width() as usize, source.height() as usize);
        let side = target_h.max(target_w) as f64 + 1.0;
        let scale = side / width.min(height).max(1) as f64;
        let new_w = ((width as f64 * scale).round() as u32).max(target_w as u32);
        let new_h = ((height as f64 * scale).round() as u32).max(target_h as u32);
        let scaled =
            image::imageops::resize(&source, new_w, new_h, image::imageops::FilterType::Triangle);
        let left = (new_w - target_w as u32) / 2;
        let top = (new_h - target_h as u32) / 2;
        image::imageops::crop_imm(&scaled, left, top, target_w as u32, target_h as u32)
            .to_image()
            .into_raw()
    };
    let mut out = Vec::with_capacity(shape.len());
    for pixel in fitted.chunks_exact(3) {
        let [r, g, b] = [pixel[0], pixel[1], pixel[2]].map(|v| f32::from(v) / 255.0);
        match shape.channels {
            1 => out.push(0.299 * r + 0.587 * g + 0.114 * b),
            3 => out.extend([r, g, b]),
            c => out.extend(std::iter::repeat_n((r + g + b) / 3.0, c)),
        }
    }
    out
}
