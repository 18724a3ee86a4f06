//! GAN model files. Ours: `{"generator": {"layers": [...]}, "discriminator": {...},
//! "settings": {...}, "epoch": N}`, where `layers[k].weights[j][i]` is the weight from input `i`
//! to neuron `j` (as in the network files of `train`); every setting is optional when loading.
//! And GAN Lab's own saved models (a `.json` with its settings and a weights manifest, and a
//! `.weights.bin` of little-endian float32, each matrix `[in, out]`), which open as they are.

use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use super::{Distribution, Gan, GanLoss, GanSettings, NoiseKind};
use crate::nn::{Activation, Layer, Network, OptimizerKind};

#[derive(Debug, Clone, Serialize, Deserialize)]
struct NetworkJson {
    layers: Vec<LayerJson>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct LayerJson {
    weights: Vec<Vec<f64>>,
    biases: Vec<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelJson {
    generator: NetworkJson,
    discriminator: NetworkJson,
    #[serde(default)]
    settings: serde_json::Value,
    #[serde(default)]
    epoch: u64,
}

/// A model read from a file, ready to be opened.
#[derive(Debug, Clone)]
pub struct LoadedModel {
    pub settings: GanSettings,
    pub generator: Network,
    pub discriminator: Network,
    pub epoch: u64,
}

impl LoadedModel {
    /// A run that starts from this model.
    pub fn into_gan(self) -> Result<Gan, String> {
        let mut gan = Gan::new(self.settings).map_err(|e| e.to_string())?;
        gan.set_networks(self.generator, self.discriminator, self.epoch)?;
        Ok(gan)
    }
}

fn to_json(network: &Network) -> NetworkJson {
    NetworkJson {
        layers: network
            .layers
            .iter()
            .map(|l| LayerJson {
                weights: l.weights.rows().into_iter().map(|r| r.to_vec()).collect(),
                biases: l.biases.to_vec(),
            })
            .collect(),
    }
}

/// The model as JSON.
pub fn model_to_json(gan: &Gan) -> String {
    let file = ModelJson {
        generator: to_json(&gan.generator),
        discriminator: to_json(&gan.discriminator),
        settings: serde_json::to_value(gan.settings()).expect("settings serialise"),
        epoch: gan.epoch(),
    };
    serde_json::to_string_pretty(&file).expect("a model serialises")
}

/// A network of the file, its activations set by GAN Lab's architecture (ReLU hidden layers, the
/// given output).
fn from_json(
    json: NetworkJson,
    inputs: usize,
    output: Activation,
    what: &str,
) -> Result<Network, String> {
    if json.layers.len() < 2 {
        return Err(format!(
            "{what}: at least two layers (a ReLU layer and the output)"
        ));
    }
    let count = json.layers.len();
    let mut previous = inputs;
    let mut layers = Vec::new();
    for (k, layer) in json.layers.into_iter().enumerate() {
        let neurons = layer.weights.len();
        if neurons == 0 || layer.biases.len() != neurons {
            return Err(format!(
                "{what}.layers[{k}]: {} rows of weights and {} biases (one of each per neuron, at least one)",
                neurons,
                layer.biases.len()
            ));
        }
        for (j, row) in layer.weights.iter().enumerate() {
            if row.len() != previous {
                return Err(format!(
                    "{what}.layers[{k}].weights[{j}] has {} values, expected {previous}",
                    row.len()
                ));
            }
            if row.iter().any(|w| !w.is_finite()) {
                return Err(format!("{what}.layers[{k}].weights[{j}]: not all numbers"));
            }
        }
        let flat: Vec<f64> = layer.weights.into_iter().flatten().collect();
        let weights = Array2::from_shape_vec((neurons, previous), flat)
            .map_err(|e| format!("{what}.layers[{k}]: {e}"))?;
        let activation = if k + 1 == count {
            output
        } else {
            Activation::Relu
        };
        layers.push(Layer::new(
            activation,
            weights,
            Array1::from_vec(layer.biases),
        ));
        previous = neurons;
    }
    Ok(Network {
        features: crate::data::Feature::ALL[..inputs].to_vec(),
        layers,
    })
}

/// Reads one of our model files. Settings left out take the defaults, and the architecture
/// (layers, neurons, noise dimensions) is read from the networks themselves.
pub fn parse_model(text: &str, file: &str) -> Result<LoadedModel, String> {
    let error = |e: String| format!("{file}: {e}");
    let json: ModelJson =
        serde_json::from_str(crate::limits::without_bom(text)).map_err(|e| error(e.to_string()))?;
    let noise_dims = json
        .generator
        .layers
        .first()
        .and_then(|l| l.weights.first())
        .map_or(0, |row| row.len());
    let mut settings: GanSettings = if json.settings.is_null() {
        GanSettings::default()
    } else {
        serde_json::from_value(json.settings.clone())
            .map_err(|e| error(format!("settings: {e}")))?
    };
    settings.noise_dims = noise_dims;
    let generator =
        from_json(json.generator, noise_dims, Activation::Tanh, "generator").map_err(&error)?;
    let discriminator =
        from_json(json.discriminator, 2, Activation::Sigmoid, "discriminator").map_err(&error)?;
    if discriminator.outputs() != 1 || generator.outputs() != 2 {
        return Err(error(
            "the generator has 2 outputs (x, y) and the discriminator 1 (real or fake)".into(),
        ));
    }
    shape_settings(&mut settings, &generator, &discriminator).map_err(&error)?;
    settings.validate().map_err(|e| error(e.to_string()))?;
    Ok(LoadedModel {
        settings,
        generator,
        discriminator,
        epoch: json.epoch,
    })
}

/// Layers and neurons from the networks; all ReLU layers of a network must have one width.
fn shape_settings(settings: &mut GanSettings, g: &Network, d: &Network) -> Result<(), String> {
    for (network, layers, neurons, what) in [
        (
            g,
            &mut settings.g_layers,
            &mut settings.g_neurons,
            "generator",
        ),
        (
            d,
            &mut settings.d_layers,
            &mut settings.d_neurons,
            "discriminator",
        ),
    ] {
        let hidden = network.hidden_sizes();
        if hidden.iter().any(|&n| n != hidden[0]) {
            return Err(format!(
                "the {what}'s ReLU layers must all have the same number of neurons ({hidden:?})"
            ));
        }
        *layers = hidden.len() - 1;
        *neurons = hidden[0];
    }
    Ok(())
}

/// Reads GAN Lab's saved model: its `.json` (settings, epoch, weights manifest) and the bytes of
/// its `.weights.bin`.
pub fn parse_ganlab(json: &str, weights: &[u8], file: &str) -> Result<LoadedModel, String> {
    let error = |e: String| format!("{file}: {e}");
    let root: serde_json::Value =
        serde_json::from_str(crate::limits::without_bom(json)).map_err(|e| error(e.to_string()))?;
    let topology = &root["modelTopology"];
    let config = &topology["config"];
    let text = |key: &str| config[key].as_str().unwrap_or_default().to_string();
    let number = |key: &str| config[key].as_f64();
    let mut settings = GanSettings::default();
    if let Some(name) = topology["shape_name"].as_str() {
        settings = GanSettings::preset(
            name.parse::<Distribution>()
                .map_err(|e| error(format!("shape_name: {e}")))?,
        );
    }
    let noise = text("selectedNoiseType");
    settings.noise = if noise.contains("Uniform") {
        NoiseKind::Uniform
    } else {
        NoiseKind::Normal
    };
    // Counts are checked as read (a cast would turn 1e20 into 18446744073709551615), against
    // GAN Lab's own ranges.
    let count = |key: &str, min: u64, max: u64, into: &mut usize| {
        if let Some(n) = number(key) {
            *into = crate::limits::whole_number(n, min, max, key).map_err(&error)? as usize;
        }
        Ok::<(), String>(())
    };
    count("noiseSize", 1, 2, &mut settings.noise_dims)?;
    count("numGeneratorLayers", 0, 5, &mut settings.g_layers)?;
    count("numDiscriminatorLayers", 0, 5, &mut settings.d_layers)?;
    count("numGeneratorNeurons", 1, 100, &mut settings.g_neurons)?;
    count("numDiscriminatorNeurons", 1, 100, &mut settings.d_neurons)?;
    count("kDSteps", 0, 10, &mut settings.k_d)?;
    count("kGSteps", 0, 10, &mut settings.k_g)?;
    if let Some(lr) = number("dLearningRate") {
        settings.learning_rate_d = lr;
    }
    if let Some(lr) = number("gLearningRate") {
        settings.learning_rate_g = lr;
    }
    let optimizer = |name: String| {
        if name.eq_ignore_ascii_case("adam") {
            OptimizerKind::Adam
        } else {
            OptimizerKind::Sgd
        }
    };
    settings.optimizer_d = optimizer(text("dOptimizerType"));
    settings.optimizer_g = optimizer(text("gOptimizerType"));
    settings.loss = if text("lossType").starts_with("LeastSq") {
        GanLoss::LeastSquares
    } else {
        GanLoss::Log
    };
    settings.validate().map_err(|e| error(e.to_string()))?;
    let epoch = match topology["iter_count"].as_f64() {
        Some(n) => crate::limits::whole_number(n, 0, crate::limits::MAX_EPOCH, "iter_count")
            .map_err(&error)?,
        None => 0,
    };
    // The weights, in the manifest's order, each [in, out].
    let specs = root["weightsManifest"][0]["weights"]
        .as_array()
        .ok_or_else(|| error("no weightsManifest[0].weights".into()))?;
    let mut offset = 0usize;
    let mut tensors: std::collections::HashMap<String, (Vec<usize>, Vec<f64>)> =
        std::collections::HashMap::new();
    for spec in specs {
        let name = spec["name"].as_str().unwrap_or_default().to_string();
        let shape: Vec<usize> = spec["shape"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_u64())
                    .map(|v| v as usize)
                    .collect()
            })
            .unwrap_or_default();
        if spec["dtype"].as_str() != Some("float32") {
            return Err(error(format!(
                "{}: only float32 weights can be read",
                crate::limits::quote(&name)
            )));
        }
        // The declared size is checked against the bytes there are before anything is taken.
        let end = shape
            .iter()
            .try_fold(4usize, |n, &d| n.checked_mul(d))
            .and_then(|bytes| offset.checked_add(bytes))
            .filter(|&end| end <= weights.len())
            .ok_or_else(|| {
                error(format!(
                    "{} has shape {shape:?}: more than the {} bytes of the weights file",
                    crate::limits::quote(&name),
                    weights.len()
                ))
            })?;
        let bytes = weights.get(offset..end).ok_or_else(|| {
            error(format!(
                "the weights file has {} bytes, the manifest needs more ({name} ends at {end})",
                weights.len()
            ))
        })?;
        let values = bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64)
            .collect();
        tensors.insert(name, (shape, values));
        offset = end;
    }
    let network = |prefix: &str, count: usize, inputs: usize, output: Activation| {
        let mut layers = Vec::new();
        let mut previous = inputs;
        for k in 0..count {
            let (w_shape, w) = tensors
                .get(&format!("{prefix}-{}", 2 * k))
                .ok_or_else(|| error(format!("{prefix}-{} is missing", 2 * k)))?;
            let (_, b) = tensors
                .get(&format!("{prefix}-{}", 2 * k + 1))
                .ok_or_else(|| error(format!("{prefix}-{} is missing", 2 * k + 1)))?;
            if w_shape.len() != 2 || w_shape[0] != previous || b.len() != w_shape[1] {
                return Err(error(format!(
                    "{prefix}-{}: shape {w_shape:?} does not follow the layer before ({previous} outputs)",
                    2 * k
                )));
            }
            let out = w_shape[1];
            // GAN Lab stores [in, out]; ours is [out, in].
            let weights = Array2::from_shape_fn((out, previous), |(j, i)| w[i * out + j]);
            let activation = if k + 1 == count {
                output
            } else {
                Activation::Relu
            };
            layers.push(Layer::new(activation, weights, Array1::from_vec(b.clone())));
            previous = out;
        }
        Ok::<Network, String>(Network {
            features: crate::data::Feature::ALL[..inputs].to_vec(),
            layers,
        })
    };
    let generator = network(
        "g",
        settings.g_layers + 2,
        settings.noise_dims,
        Activation::Tanh,
    )?;
    let discriminator = network("d", settings.d_layers + 2, 2, Activation::Sigmoid)?;
    Ok(LoadedModel {
        settings,
        generator,
        discriminator,
        epoch,
    })
}

/// Reads a model file from disk: ours (`.json` with both networks), or GAN Lab's (`.json` with a
/// weights manifest, its `.weights.bin` beside it).
pub fn read_model(path: &std::path::Path) -> Result<LoadedModel, String> {
    use crate::limits::{FileKind, inside_folder, read_bytes, read_text};
    let shown = path.display().to_string();
    let text = read_text(path, FileKind::GanModel)?;
    if text.contains("\"weightsManifest\"") {
        let root: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{shown}: {e}"))?;
        let bin = root["weightsManifest"][0]["paths"][0]
            .as_str()
            .ok_or_else(|| format!("{shown}: weightsManifest[0].paths[0] is missing"))?;
        // The weights are looked for beside the model, whatever folder the manifest names (GAN
        // Lab's own files disagree on it).
        let bin_name = std::path::Path::new(bin)
            .file_name()
            .ok_or_else(|| format!("{shown}: weightsManifest[0].paths[0] names no file"))?;
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => std::path::Path::new("."),
        };
        let bin_path = inside_folder(folder, &bin_name.to_string_lossy(), &shown)?;
        let bytes = read_bytes(&bin_path, FileKind::GanWeights)
            .map_err(|e| format!("{e} (the weights beside the model)"))?;
        parse_ganlab(&text, &bytes, &shown)
    } else {
        parse_model(&text, &shown)
    }
}
