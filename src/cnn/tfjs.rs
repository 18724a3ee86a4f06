//! TensorFlow.js layers models (`model.json` with its weight shards), the format CNN Explainer's
//! Tiny VGG is stored in: read any sequential model of convolution, activation, max-pool,
//! flatten and dense layers, and write ours in the same layout.
//!
//! Our own files are one JSON file: the same topology and weights manifest, with the weights
//! inline (`weightsData`, base64 of the little-endian float32s) instead of in a shard, so a
//! trained model is one download in the browser.

use base64::Engine;
use serde_json::{Value, json};

use super::{CnnActivation, CnnModel, Layer, LayerSpec, Padding, Shape};

/// CNN Explainer's ten Tiny-ImageNet classes, in its model's output order. Its model file does
/// not name them.
pub const TINY_VGG_CLASSES: [&str; 10] = [
    "lifeboat",
    "ladybug",
    "pizza",
    "bell pepper",
    "school bus",
    "koala",
    "espresso",
    "red panda",
    "orange",
    "sport car",
];

/// A model's topology, read, with the weights still to come.
#[derive(Debug, Clone)]
pub struct Topology {
    /// The layers with zero parameters.
    pub model: CnnModel,
    /// Each weight group: the shard files and the (name, element count) of its weights in order.
    pub groups: Vec<WeightGroup>,
    /// The weights when the file carries them itself (our format).
    pub inline_weights: Option<Vec<u8>>,
    /// Whether the file named the classes.
    pub named_classes: bool,
}

#[derive(Debug, Clone)]
pub struct WeightGroup {
    pub paths: Vec<String>,
    pub weights: Vec<(String, Vec<usize>)>,
}

fn field<'a>(value: &'a Value, names: &[&str]) -> Option<&'a Value> {
    names.iter().find_map(|n| value.get(*n))
}

/// A size the file declares, checked against `max` before anything is laid out for it (and
/// before it could wrap in the browser's 32-bit `usize`).
fn declared(value: u64, max: usize, what: &str) -> Result<usize, String> {
    usize::try_from(value)
        .ok()
        .filter(|&v| v <= max)
        .ok_or_else(|| format!("{what} {value} is more than {max}, the most a model may have"))
}

fn pair(value: Option<&Value>, default: usize, what: &str) -> Result<usize, String> {
    let max = crate::limits::MAX_CNN_SIDE;
    match value {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Number(n)) => n
            .as_u64()
            .ok_or_else(|| format!("{what} is not a whole number"))
            .and_then(|n| declared(n, max, what)),
        Some(Value::Array(items)) => {
            let values: Vec<u64> = items.iter().filter_map(Value::as_u64).collect();
            match values.as_slice() {
                [a, b] if a == b => declared(*a, max, what),
                [a] => declared(*a, max, what),
                [a, b] => Err(format!("{what} {a}x{b}: only square {what}s are supported")),
                _ => Err(format!("{what} is not a pair of whole numbers")),
            }
        }
        _ => Err(format!("{what} is not a number")),
    }
}

fn activation(name: Option<&Value>, layer: &str) -> Result<Option<CnnActivation>, String> {
    let name = name.and_then(Value::as_str).unwrap_or("linear");
    if name == "linear" {
        return Ok(None);
    }
    CnnActivation::parse(name).map(Some).ok_or_else(|| {
        format!(
            "layer {layer}: activation {name:?} is not supported (relu, tanh, sigmoid or linear)"
        )
    })
}

/// Reads the topology and the weights manifest of a `model.json`.
pub fn parse_topology(text: &str) -> Result<Topology, String> {
    let root: Value = serde_json::from_str(crate::limits::without_bom(text))
        .map_err(|e| format!("not JSON: {e}"))?;
    let topology = root
        .get("modelTopology")
        .ok_or("no modelTopology: this is not a TensorFlow.js layers model")?;
    let config = field(topology, &["model_config"]).unwrap_or(topology);
    let class = config
        .get("class_name")
        .and_then(Value::as_str)
        .unwrap_or("");
    if class != "Sequential" {
        return Err(format!(
            "a {class:?} model: only Sequential models (layers one after another) can be opened"
        ));
    }
    let layers_value = config
        .get("config")
        .and_then(|c| {
            if c.is_array() {
                Some(c)
            } else {
                c.get("layers")
            }
        })
        .and_then(Value::as_array)
        .ok_or("the model lists no layers")?;

    if layers_value.len() > crate::limits::MAX_CNN_LAYERS {
        return Err(format!(
            "{} layers: at most {} in a model",
            layers_value.len(),
            crate::limits::MAX_CNN_LAYERS
        ));
    }
    let mut input: Option<Shape> = None;
    let mut specs = Vec::new();
    let mut ended_in_softmax = false;
    for (index, layer) in layers_value.iter().enumerate() {
        let class = layer
            .get("class_name")
            .and_then(Value::as_str)
            .unwrap_or("?");
        let cfg = layer.get("config").cloned().unwrap_or(Value::Null);
        let name = cfg
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| format!("layer_{}", index + 1), str::to_string);
        if input.is_none()
            && let Some(shape) =
                field(&cfg, &["batch_input_shape", "batchInputShape"]).and_then(Value::as_array)
        {
            let dims: Vec<Option<u64>> = shape.iter().map(Value::as_u64).collect();
            match dims.as_slice() {
                [_, Some(h), Some(w), Some(c)] => {
                    use crate::limits::{MAX_CNN_CHANNELS, MAX_CNN_SIDE};
                    input = Some(Shape::new(
                        declared(*h, MAX_CNN_SIDE, "the input's height")?,
                        declared(*w, MAX_CNN_SIDE, "the input's width")?,
                        declared(*c, MAX_CNN_CHANNELS, "the input's channels")?,
                    ));
                }
                _ => {
                    return Err(format!(
                        "the input shape {} is not an image (height, width, channels)",
                        crate::limits::quote(&Value::Array(shape.clone()).to_string())
                    ));
                }
            }
        }
        if ended_in_softmax {
            return Err(format!("layer {name} comes after the softmax"));
        }
        if let Some(format) = cfg.get("data_format").and_then(Value::as_str)
            && format != "channels_last"
        {
            return Err(format!(
                "layer {name}: {format} (only channels_last is supported)"
            ));
        }
        match class {
            "InputLayer" => {}
            // Dropout does nothing when classifying.
            "Dropout" => {}
            "Conv2D" => {
                if pair(cfg.get("dilation_rate"), 1, "dilation")? != 1 {
                    return Err(format!(
                        "layer {name}: dilated convolutions are not supported"
                    ));
                }
                if cfg.get("use_bias").and_then(Value::as_bool) == Some(false) {
                    return Err(format!(
                        "layer {name}: a convolution without bias is not supported"
                    ));
                }
                let padding = match cfg.get("padding").and_then(Value::as_str) {
                    Some("same") => Padding::Same,
                    None | Some("valid") => Padding::Valid,
                    Some(other) => {
                        return Err(format!("layer {name}: padding {other:?} is not supported"));
                    }
                };
                specs.push(LayerSpec::Conv {
                    name: name.clone(),
                    kernel: pair(cfg.get("kernel_size"), 0, "kernel")?,
                    stride: pair(cfg.get("strides"), 1, "stride")?,
                    padding,
                    filters: declared(
                        cfg.get("filters").and_then(Value::as_u64).unwrap_or(0),
                        crate::limits::MAX_CNN_CHANNELS,
                        &format!("layer {name}: filters"),
                    )?,
                });
                if let Some(function) = activation(cfg.get("activation"), &name)? {
                    specs.push(LayerSpec::Activation {
                        name: format!("{name}_{}", function.name()),
                        function,
                    });
                }
            }
            "Activation" | "ReLU" => {
                let function = if class == "ReLU" {
                    Some(CnnActivation::Relu)
                } else if cfg.get("activation").and_then(Value::as_str) == Some("softmax") {
                    ended_in_softmax = true;
                    None
                } else {
                    activation(cfg.get("activation"), &name)?
                };
                if let Some(function) = function {
                    specs.push(LayerSpec::Activation { name, function });
                }
            }
            "MaxPooling2D" | "MaxPool2D" => {
                let size = pair(cfg.get("pool_size"), 2, "pool size")?;
                if cfg.get("padding").and_then(Value::as_str) == Some("same") {
                    return Err(format!(
                        "layer {name}: max-pool with same padding is not supported"
                    ));
                }
                specs.push(LayerSpec::MaxPool {
                    name,
                    size,
                    stride: pair(cfg.get("strides"), size, "stride")?,
                });
            }
            "Flatten" => specs.push(LayerSpec::Flatten { name }),
            "Dense" => {
                if cfg.get("use_bias").and_then(Value::as_bool) == Some(false) {
                    return Err(format!(
                        "layer {name}: a dense layer without bias is not supported"
                    ));
                }
                specs.push(LayerSpec::Dense {
                    name: name.clone(),
                    units: declared(
                        cfg.get("units").and_then(Value::as_u64).unwrap_or(0),
                        crate::limits::MAX_CNN_UNITS,
                        &format!("layer {name}: units"),
                    )?,
                });
                if cfg.get("activation").and_then(Value::as_str) == Some("softmax") {
                    ended_in_softmax = true;
                } else if let Some(function) = activation(cfg.get("activation"), &name)? {
                    specs.push(LayerSpec::Activation {
                        name: format!("{name}_{}", function.name()),
                        function,
                    });
                }
            }
            other => {
                return Err(format!(
                    "layer {name} is a {}: only Conv2D, Activation, MaxPooling2D, Flatten, Dense and Dropout layers are supported",
                    crate::limits::quote(other)
                ));
            }
        }
    }
    // A last dense layer without a softmax still gets one: we show class probabilities.
    if matches!(specs.last(), Some(LayerSpec::Activation { .. })) && !ended_in_softmax {
        return Err(
            "the model must end in a dense layer (its logits become the class probabilities)"
                .into(),
        );
    }
    let input =
        input.ok_or("the first layer does not say the input's shape (batch_input_shape)")?;

    let names_field = field(&root, &["classNames", "class_names"]).or_else(|| {
        root.get("userDefinedMetadata")
            .and_then(|m| field(m, &["classNames", "class_names"]))
    });
    let file_names: Option<Vec<String>> = names_field.and_then(Value::as_array).map(|a| {
        a.iter()
            .map(|v| v.as_str().unwrap_or("?").to_string())
            .collect()
    });
    let model = CnnModel::from_specs(input, &specs, file_names.clone().unwrap_or_default())
        .map_err(|e| e.to_string())?;
    let named_classes = file_names.is_some_and(|n| n.len() == model.classes());

    let mut groups = Vec::new();
    for group in root
        .get("weightsManifest")
        .and_then(Value::as_array)
        .ok_or("no weightsManifest: the file does not say where its weights are")?
    {
        let paths = group
            .get("paths")
            .and_then(Value::as_array)
            .map(|p| {
                p.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let mut weights = Vec::new();
        for w in group
            .get("weights")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = w
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string();
            let dtype = w.get("dtype").and_then(Value::as_str).unwrap_or("float32");
            if dtype != "float32" || w.get("quantization").is_some() {
                return Err(format!(
                    "weight {name} is stored as {dtype}{}: only float32 weights are supported",
                    if w.get("quantization").is_some() {
                        " (quantized)"
                    } else {
                        ""
                    }
                ));
            }
            let shape: Vec<usize> = w
                .get("shape")
                .and_then(Value::as_array)
                .map(|s| {
                    s.iter()
                        .map(|d| {
                            declared(
                                d.as_u64().unwrap_or(0),
                                crate::limits::MAX_CNN_PARAMETERS,
                                &format!("weight {}: a side of", crate::limits::quote(&name)),
                            )
                        })
                        .collect::<Result<Vec<usize>, String>>()
                })
                .transpose()?
                .unwrap_or_default();
            weights.push((name, shape));
        }
        groups.push(WeightGroup { paths, weights });
    }
    // Everything the manifest declares, in numbers, before any byte of it is read.
    let mut declared_total = 0usize;
    for group in &groups {
        declared_total = declared_total
            .checked_add(group.size_in_bytes()? / 4)
            .filter(|&n| n <= crate::limits::MAX_CNN_PARAMETERS)
            .ok_or_else(|| {
                format!(
                    "the weights manifest declares more than {} numbers, the most a model may have",
                    crate::limits::MAX_CNN_PARAMETERS
                )
            })?;
    }
    let inline_weights = match root.get("weightsData").and_then(Value::as_str) {
        Some(data) => Some(
            base64::engine::general_purpose::STANDARD
                .decode(data)
                .map_err(|e| format!("the inline weights are not base64: {e}"))?,
        ),
        None => None,
    };
    Ok(Topology {
        model,
        groups,
        inline_weights,
        named_classes,
    })
}

impl WeightGroup {
    /// The bytes the group's weights take, as declared (checked: no product may wrap).
    pub fn size_in_bytes(&self) -> Result<usize, String> {
        let too_many = || {
            format!(
                "the weights manifest declares more than {} numbers, the most a model may have",
                crate::limits::MAX_CNN_PARAMETERS
            )
        };
        let mut total = 0usize;
        for (_, shape) in &self.weights {
            let count = shape
                .iter()
                .try_fold(1usize, |n, &d| n.checked_mul(d))
                .filter(|&n| n <= crate::limits::MAX_CNN_PARAMETERS)
                .ok_or_else(too_many)?;
            total = total
                .checked_add(count)
                .filter(|&n| n <= crate::limits::MAX_CNN_PARAMETERS)
                .ok_or_else(too_many)?;
        }
        Ok(total * 4)
    }
}

/// The layer a weight belongs to and whether it is the kernel: "conv_1_1/kernel" or
/// "sequential/conv_1_1/kernel:0".
fn weight_target(name: &str) -> Option<(&str, bool)> {
    let name = name.split(':').next()?;
    let mut parts = name.rsplit('/');
    let kind = parts.next()?;
    let layer = parts.next()?;
    match kind {
        "kernel" => Some((layer, true)),
        "bias" => Some((layer, false)),
        _ => None,
    }
}

impl Topology {
    /// Fills the weights from the group's shard bytes (read by `read_shard`, given a path from
    /// the manifest) or from the inline weights.
    pub fn with_weights(
        self,
        mut read_shard: impl FnMut(&str) -> Result<Vec<u8>, String>,
    ) -> Result<CnnModel, String> {
        let mut model = self.model;
        let mut filled = vec![false; model.layers.len() * 2];
        let mut inline_offset = 0usize;
        for group in &self.groups {
            let size = group.size_in_bytes()?;
            let bytes = match &self.inline_weights {
                Some(all) => {
                    let slice = inline_offset
                        .checked_add(size)
                        .and_then(|end| all.get(inline_offset..end))
                        .ok_or("the inline weights are shorter than the manifest says")?
                        .to_vec();
                    inline_offset += size;
                    slice
                }
                None => {
                    // Shard by shard, never more than the manifest declares (a manifest may
                    // name one big file ten thousand times).
                    let mut bytes = Vec::new();
                    for path in &group.paths {
                        bytes.extend(read_shard(path)?);
                        if bytes.len() > size {
                            return Err(format!(
                                "the weights files have more than the {size} bytes the manifest describes"
                            ));
                        }
                    }
                    bytes
                }
            };
            let mut offset = 0usize;
            for (name, shape) in &group.weights {
                // (Checked to fit by `size_in_bytes`.)
                let count: usize = shape.iter().product();
                let chunk = bytes.get(offset..offset + count * 4).ok_or_else(|| {
                    format!(
                        "the weights file is too short: {} bytes, but {name} needs bytes {} to {}",
                        bytes.len(),
                        offset,
                        offset + count * 4
                    )
                })?;
                offset += count * 4;
                let (layer_name, is_kernel) = weight_target(name)
                    .ok_or_else(|| format!("weight {name}: not a kernel or a bias"))?;
                let (index, layer) = model
                    .layers
                    .iter()
                    .enumerate()
                    .find(|(_, l)| l.name() == layer_name)
                    .ok_or_else(|| format!("weight {name}: the model has no layer {layer_name}"))?;
                let (w, b) = layer
                    .parameters()
                    .ok_or_else(|| format!("weight {name}: layer {layer_name} has no weights"))?;
                let target = if is_kernel { w } else { b };
                if target.len() != count {
                    return Err(format!(
                        "weight {name} has shape {shape:?} ({count} numbers) but layer {layer_name} needs {}",
                        target.len()
                    ));
                }
                for (dst, src) in model.params[target].iter_mut().zip(chunk.chunks_exact(4)) {
                    *dst = f32::from_le_bytes([src[0], src[1], src[2], src[3]]);
                }
                filled[index * 2 + usize::from(!is_kernel)] = true;
            }
            if offset != bytes.len() && self.inline_weights.is_none() {
                return Err(format!(
                    "the weights file has {} bytes, the manifest describes {offset}",
                    bytes.len()
                ));
            }
        }
        for (index, layer) in model.layers.iter().enumerate() {
            if layer.parameters().is_some() && !(filled[index * 2] && filled[index * 2 + 1]) {
                return Err(format!("layer {} has no weights in the file", layer.name()));
            }
        }
        if model.params.iter().any(|v| !v.is_finite()) {
            return Err("the weights contain NaN or infinite numbers".into());
        }
        if !self.named_classes && is_tiny_vgg(&model) {
            model.class_names = TINY_VGG_CLASSES.iter().map(|s| s.to_string()).collect();
        }
        Ok(model)
    }

    /// The shard files the weights need (none for our own files).
    pub fn shard_paths(&self) -> Vec<String> {
        if self.inline_weights.is_some() {
            return Vec::new();
        }
        self.groups.iter().flat_map(|g| g.paths.clone()).collect()
    }
}

/// CNN Explainer's Tiny VGG: its layer names, 64x64x3 in, ten classes out.
pub fn is_tiny_vgg(model: &CnnModel) -> bool {
    let names: Vec<&str> = model.layers.iter().map(Layer::name).collect();
    model.input == Shape::new(64, 64, 3)
        && model.classes() == 10
        && names.first() == Some(&"conv_1_1")
        && names.contains(&"conv_2_2")
        && names.last() == Some(&"output")
}

/// Opens a `model.json` natively, its shards read from beside it.
pub fn read_model(path: &std::path::Path) -> Result<CnnModel, String> {
    use crate::limits::{FileKind, inside_folder, read_bytes, read_text};
    let shown = path.display().to_string();
    let text = read_text(path, FileKind::CnnModel)?;
    let topology = parse_topology(&text).map_err(|e| format!("{shown}: {e}"))?;
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    topology
        .with_weights(|shard| {
            let file = inside_folder(folder, shard, &shown)?;
            read_bytes(&file, FileKind::CnnWeights)
        })
        .map_err(|e| {
            // A shard's messages name their file already (a path in the model's folder).
            if e.starts_with(&shown) || e.starts_with(&folder.display().to_string()) {
                e
            } else {
                format!("{shown}: {e}")
            }
        })
}

/// Our file: the TensorFlow.js topology and manifest, the weights inline, the class names.
pub fn to_json(model: &CnnModel) -> String {
    let mut layers = Vec::new();
    let mut manifest = Vec::new();
    let input = model.input;
    let mut first = true;
    let mut input_shape = || {
        let shape = first.then(|| json!([null, input.height, input.width, input.channels]));
        first = false;
        shape
    };
    for layer in &model.layers {
        let mut entry = match layer {
            Layer::Conv {
                name,
                kernel,
                stride,
                padding,
                filters,
                ..
            } => json!({"class_name": "Conv2D", "config": {"name": name, "filters": filters,
                "kernel_size": [kernel, kernel], "strides": [stride, stride], "padding": padding.name(),
                "data_format": "channels_last", "dilation_rate": [1, 1], "activation": "linear", "use_bias": true}}),
            Layer::Activation { name, function } => {
                json!({"class_name": "Activation", "config": {"name": name, "activation": function.name()}})
            }
            Layer::MaxPool { name, size, stride } => {
                json!({"class_name": "MaxPooling2D", "config": {"name": name,
                "pool_size": [size, size], "strides": [stride, stride], "padding": "valid", "data_format": "channels_last"}})
            }
            Layer::Flatten { name } => {
                json!({"class_name": "Flatten", "config": {"name": name, "data_format": "channels_last"}})
            }
            Layer::Dense { name, units, .. } => {
                json!({"class_name": "Dense", "config": {"name": name,
                "units": units, "activation": "linear", "use_bias": true}})
            }
        };
        if let Some(shape) = input_shape() {
            entry["config"]["batch_input_shape"] = shape;
        }
        if let Some((w, b)) = layer.parameters() {
            let kernel_shape = match layer {
                Layer::Conv {
                    kernel, filters, ..
                } => {
                    vec![
                        *kernel,
                        *kernel,
                        w.len() / (kernel * kernel * filters),
                        *filters,
                    ]
                }
                Layer::Dense { units, .. } => vec![w.len() / units, *units],
                _ => unreachable!("only conv and dense have weights"),
            };
            manifest.push(json!({"name": format!("{}/kernel", layer.name()), "shape": kernel_shape, "dtype": "float32"}));
            manifest.push(json!({"name": format!("{}/bias", layer.name()), "shape": [b.len()], "dtype": "float32"}));
        }
        layers.push(entry);
    }
    // The softmax is part of every model here; say so for TensorFlow.js.
    if let Some(last) = layers.last_mut() {
        last["config"]["activation"] = json!("softmax");
    }
    let mut bytes = Vec::with_capacity(model.params.len() * 4);
    for v in &model.params {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    let root = json!({
        "format": "layers-model",
        "generatedBy": "Neural Sandbox",
        "modelTopology": {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}},
        "weightsManifest": [{"paths": [], "weights": manifest}],
        "weightsData": base64::engine::general_purpose::STANDARD.encode(bytes),
        "classNames": model.class_names,
    });
    serde_json::to_string_pretty(&root).unwrap_or_default()
}

/// Opens one of our own files (weights inline) or fails with what is missing.
pub fn parse_own(text: &str) -> Result<CnnModel, String> {
    let topology = parse_topology(text)?;
    if topology.inline_weights.is_none() {
        return Err(format!(
            "its weights are in separate files ({}): open it with them",
            topology.shard_paths().join(", ")
        ));
    }
    topology.with_weights(|_| unreachable_shard())
}

fn unreachable_shard() -> Result<Vec<u8>, String> {
    Err("the file's weights are inline".into())
}
