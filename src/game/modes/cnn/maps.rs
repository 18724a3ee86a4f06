//! The maps as textures: every channel of the input and of every layer's output, coloured on a
//! diverging scale (orange below zero, blue above, as the Playground), the input in greys (or in
//! its channel's colour). Rebuilt only when the shown image or the weights change.
//!
//! Each map is a Bevy image shown through egui as a user texture (the way the GAN mode's plot
//! is): rewriting an image's pixels updates it in place. egui's own managed textures, set anew
//! ten times a second while training, came out blank here natively.

use std::collections::HashMap;

use bevy::asset::RenderAssetUsages;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
use bevy_egui::egui;

use super::sim::CnnSim;
use crate::cnn::images::ImageSet;
use crate::game::theme::palette;

/// How a map's colours are scaled: CNN Explainer's three choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorRange {
    /// Each map on its own range.
    #[default]
    Unit,
    /// All maps of a layer on one range.
    Module,
    /// All maps of the network on one range.
    Global,
}

impl ColorRange {
    pub const ALL: [ColorRange; 3] = [Self::Unit, Self::Module, Self::Global];
    pub fn name(self) -> &'static str {
        match self {
            Self::Unit => "unit",
            Self::Module => "module",
            Self::Global => "global",
        }
    }
}

/// Column 0 is the input, column i + 1 layer i's output; the saliency map is [`SALIENCY`].
pub type MapKey = (usize, usize);
pub const SALIENCY: MapKey = (usize::MAX, 0);

/// What making the maps' images needs.
pub struct MapOutput<'a, 'w, 's> {
    pub images: &'a mut Assets<Image>,
    pub contexts: &'a mut bevy_egui::EguiContexts<'w, 's>,
}

#[derive(Default)]
pub struct MapTextures {
    version: u64,
    range: ColorRange,
    saliency: bool,
    textures: HashMap<MapKey, (Handle<Image>, egui::TextureId)>,
    /// The largest magnitude each map is coloured against.
    pub scales: HashMap<MapKey, f32>,
    thumbs: HashMap<usize, egui::TextureHandle>,
    thumbs_of: (usize, usize),
    signature: Vec<crate::cnn::Shape>,
}

/// One channel of a height x width x channels tensor.
pub fn channel(values: &[f32], shape: crate::cnn::Shape, c: usize) -> Vec<f32> {
    (0..shape.height * shape.width)
        .map(|p| values[p * shape.channels + c])
        .collect()
}

fn max_abs(values: &[f32]) -> f32 {
    values
        .iter()
        .filter(|v| v.is_finite())
        .fold(0.0f32, |m, v| m.max(v.abs()))
}

pub fn diverging(value: f32, scale: f32) -> egui::Color32 {
    palette::to_egui(palette::scale_color(if scale > 0.0 {
        value / scale
    } else {
        0.0
    }))
}

fn input_color(value: f32, channel: usize, channels: usize) -> egui::Color32 {
    let v = (value.clamp(0.0, 1.0) * 255.0) as u8;
    match (channels, channel) {
        (3, 0) => egui::Color32::from_rgb(v, 0, 0),
        (3, 1) => egui::Color32::from_rgb(0, v, 0),
        (3, 2) => egui::Color32::from_rgb(0, 0, v),
        _ => egui::Color32::from_gray(v),
    }
}

impl MapTextures {
    pub fn texture(&self, key: MapKey) -> Option<egui::TextureId> {
        self.textures.get(&key).map(|(_, id)| *id)
    }

    pub fn scale(&self, key: MapKey) -> f32 {
        self.scales.get(&key).copied().unwrap_or(1.0)
    }

    fn put(
        &mut self,
        out: &mut MapOutput,
        key: MapKey,
        width: usize,
        height: usize,
        pixels: Vec<egui::Color32>,
    ) {
        let bytes: Vec<u8> = pixels.iter().flat_map(|c| c.to_array()).collect();
        if let Some((handle, _)) = self.textures.get(&key)
            && let Some(mut image) = out.images.get_mut(handle)
            && image.width() as usize == width
            && image.height() as usize == height
        {
            image.data = Some(bytes);
            return;
        }
        let mut image = Image::new_fill(
            Extent3d {
                width: width as u32,
                height: height as u32,
                depth_or_array_layers: 1,
            },
            TextureDimension::D2,
            &[0, 0, 0, 255],
            TextureFormat::Rgba8UnormSrgb,
            RenderAssetUsages::MAIN_WORLD | RenderAssetUsages::RENDER_WORLD,
        );
        image.sampler = bevy::image::ImageSampler::nearest();
        image.data = Some(bytes);
        let handle = out.images.add(image);
        let id = out
            .contexts
            .add_image(bevy_egui::EguiTextureHandle::Strong(handle.clone()));
        self.textures.insert(key, (handle, id));
    }

    /// Rebuilds every map when the shown maps or the colour choice changed.
    pub fn update(&mut self, out: &mut MapOutput, sim: &CnnSim, range: ColorRange, saliency: bool) {
        if self.version == sim.acts_version
            && self.range == range
            && self.saliency == saliency
            && !self.textures.is_empty()
        {
            return;
        }
        self.version = sim.acts_version;
        self.range = range;
        self.saliency = saliency;
        self.scales.clear();
        let model = sim.model();
        // Textures are updated in place (a new one shows only from the next frame, so making
        // them anew at every refresh would leave the maps blank while training); they are
        // dropped only when the network's shape changes.
        let signature: Vec<crate::cnn::Shape> = std::iter::once(model.input)
            .chain(model.shapes.iter().copied())
            .collect();
        if signature != self.signature {
            for (handle, _) in self.textures.values() {
                out.contexts.remove_image(handle.id());
            }
            self.textures.clear();
            self.signature = signature;
        }
        let acts = &sim.acts;
        let input = model.input;
        for c in 0..input.channels {
            let values = channel(&acts.input, input, c);
            let pixels = values
                .iter()
                .map(|&v| input_color(v, c, input.channels))
                .collect();
            self.put(out, (0, c), input.width, input.height, pixels);
        }
        // The global range covers every layer's maps.
        let global = acts
            .outputs
            .iter()
            .zip(&model.shapes)
            .filter(|(_, s)| s.height > 1)
            .map(|(o, _)| max_abs(o))
            .fold(0.0f32, f32::max);
        for (layer, (layer_out, shape)) in acts.outputs.iter().zip(&model.shapes).enumerate() {
            if shape.height <= 1 && shape.width <= 1 {
                continue;
            }
            let module = max_abs(layer_out);
            for c in 0..shape.channels {
                let values = channel(layer_out, *shape, c);
                let scale = match range {
                    ColorRange::Unit => max_abs(&values),
                    ColorRange::Module => module,
                    ColorRange::Global => global,
                };
                self.scales.insert((layer + 1, c), scale);
                let pixels = values.iter().map(|&v| diverging(v, scale)).collect();
                self.put(out, (layer + 1, c), shape.width, shape.height, pixels);
            }
        }
        if saliency {
            // How much each pixel moves the predicted class's loss: |d loss / d pixel|, summed
            // over the channels.
            let predicted = acts
                .probabilities
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map_or(0, |(i, _)| i);
            let gradient = model.input_gradient(&acts.input, predicted);
            let per_pixel: Vec<f32> = gradient
                .chunks(input.channels)
                .map(|c| c.iter().map(|v| v.abs()).sum())
                .collect();
            let scale = max_abs(&per_pixel);
            self.scales.insert(SALIENCY, scale);
            let pixels = per_pixel
                .iter()
                .map(|&v| {
                    let t = if scale > 0.0 { (v / scale).sqrt() } else { 0.0 };
                    let c = (255.0 * (1.0 - t)) as u8;
                    egui::Color32::from_rgb(255, c, c / 2)
                })
                .collect();
            self.put(out, SALIENCY, input.width, input.height, pixels);
        }
    }

    /// A small picture of image `index` of `set` (the mistakes gallery).
    pub fn thumbnail(
        &mut self,
        ctx: &egui::Context,
        set: &ImageSet,
        index: usize,
    ) -> egui::TextureId {
        let identity = (set.pixels.as_ptr() as usize, set.len());
        if self.thumbs_of != identity {
            self.thumbs.clear();
            self.thumbs_of = identity;
        }
        let shape = set.shape;
        self.thumbs
            .entry(index)
            .or_insert_with(|| {
                let image = set.image(index);
                let pixels = (0..shape.height * shape.width)
                    .map(|p| {
                        let v: f32 = image[p * shape.channels..][..shape.channels]
                            .iter()
                            .sum::<f32>()
                            / shape.channels as f32;
                        egui::Color32::from_gray((v.clamp(0.0, 1.0) * 255.0) as u8)
                    })
                    .collect();
                ctx.load_texture(
                    format!("cnn thumb {index}"),
                    egui::ColorImage::new([shape.width, shape.height], pixels),
                    egui::TextureOptions::NEAREST,
                )
            })
            .id()
    }
}
