//! Turning a picture into a model's input, the way CNN Explainer does it, without its bugs: an
//! image already of the input's size is used as it is; any other is scaled (bilinear) so that
//! its shorter side is one pixel longer than the input's, then the middle is cut out. Values
//! are divided by 255; a one-channel model gets the luminance.

use super::Shape;

/// Decodes a PNG or JPEG file's bytes and prepares it for a model with input `shape`.
pub fn image_for_model(bytes: &[u8], shape: Shape) -> Result<Vec<f32>, String> {
    let decoded = image::load_from_memory(bytes).map_err(|e| match e {
        image::ImageError::Unsupported(_) => {
            "not a picture this game can read (PNG or JPEG)".to_string()
        }
        other => format!("cannot read the picture: {other}"),
    })?;
    let rgb = decoded.to_rgb8();
    let (width, height) = rgb.dimensions();
    Ok(pixels_for_model(
        rgb.as_raw(),
        width as usize,
        height as usize,
        shape,
    ))
}

/// `rgb` holds width x height RGB bytes.
pub fn pixels_for_model(rgb: &[u8], width: usize, height: usize, shape: Shape) -> Vec<f32> {
    let (target_h, target_w) = (shape.height, shape.width);
    let fitted: Vec<u8> = if width == target_w && height == target_h {
        rgb.to_vec()
    } else {
        // Shorter side to the input's longer side + 1, as CNN Explainer scales to 65 for 64.
        let side = target_h.max(target_w) as f64 + 1.0;
        let scale = side / width.min(height).max(1) as f64;
        let new_w = ((width as f64 * scale).round() as u32).max(target_w as u32);
        let new_h = ((height as f64 * scale).round() as u32).max(target_h as u32);
        let source = image::RgbImage::from_raw(width as u32, height as u32, rgb.to_vec())
            .unwrap_or_else(|| image::RgbImage::new(1, 1));
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
