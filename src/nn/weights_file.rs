//! Network files: `{"features": ["x1","x2"], "layers": [{"weights": [[...]], "biases": [...]}]}`.
//!
//! `layers[k].weights[j][i]` is the weight from node `i` of the previous layer (the inputs, in the
//! order of `features`, for k = 0) to neuron `j`; the last layer is the output layer (one neuron,
//! or one per class).

use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use super::functions::Activation;
use super::network::{Layer, Network};
use crate::data::Feature;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct NetworkFile {
    features: Vec<String>,
    layers: Vec<LayerFile>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct LayerFile {
    weights: Vec<Vec<f64>>,
    biases: Vec<f64>,
}

/// Why a network file could not be used; the message names the file and the field or line.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("{file}: {what}")]
pub struct NetworkFileError {
    pub file: String,
    pub what: String,
}

/// Parameters read from a network file, before activations are chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedNetwork {
    pub features: Vec<Feature>,
    /// (weights[j][i], biases[j]) per layer, the output layer last.
    pub layers: Vec<(Array2<f64>, Array1<f64>)>,
}

impl LoadedNetwork {
    /// Sizes of the hidden layers.
    pub fn hidden_sizes(&self) -> Vec<usize> {
        let n = self.layers.len().saturating_sub(1);
        self.layers[..n].iter().map(|(_, b)| b.len()).collect()
    }

    /// Builds the network with one activation per hidden layer and the output activation.
    pub fn into_network(self, hidden: &[Activation], output: Activation) -> Network {
        let count = self.layers.len();
        let layers = self
            .layers
            .into_iter()
            .enumerate()
            .map(|(k, (w, b))| {
                let activation = if k + 1 == count {
                    output
                } else {
                    hidden.get(k).copied().unwrap_or(Activation::Tanh)
                };
                Layer::new(activation, w, b)
            })
            .collect();
        Network {
            features: self.features,
            layers,
        }
    }
}

/// Parses and checks a network file's text; `file` names it in messages.
pub fn parse_network(text: &str, file: &str) -> Result<LoadedNetwork, NetworkFileError> {
    let error = |what: String| NetworkFileError {
        file: file.to_string(),
        what,
    };
    let parsed: NetworkFile =
        serde_json::from_str(crate::limits::without_bom(text)).map_err(|e| error(e.to_string()))?;
    let mut features = Vec::with_capacity(parsed.features.len());
    for (k, name) in parsed.features.iter().enumerate() {
        let feature: Feature = name
            .parse()
            .map_err(|e| error(format!("features[{k}]: {e}")))?;
        if features.contains(&feature) {
            return Err(error(format!("features[{k}]: \"{name}\" is listed twice")));
        }
        features.push(feature);
    }
    if features.is_empty() {
        return Err(error(
            "features: the network needs at least one input feature".into(),
        ));
    }
    if parsed.layers.is_empty() {
        return Err(error(
            "layers: the network needs at least the output layer".into(),
        ));
    }
    let mut previous = features.len();
    let mut layers = Vec::with_capacity(parsed.layers.len());
    let count = parsed.layers.len();
    for (k, layer) in parsed.layers.into_iter().enumerate() {
        let neurons = layer.weights.len();
        if neurons == 0 {
            return Err(error(format!(
                "layers[{k}].weights: a layer needs at least one neuron"
            )));
        }
        if k + 1 == count && !(neurons == 1 || (3..=crate::data::MAX_CLASSES).contains(&neurons)) {
            return Err(error(format!(
                "layers[{k}]: the last layer is the output: 1 neuron, or one per class (3 to {}), not {neurons}",
                crate::data::MAX_CLASSES
            )));
        }
        if layer.biases.len() != neurons {
            return Err(error(format!(
                "layers[{k}].biases has {} values but layers[{k}].weights has {neurons} rows (one per neuron)",
                layer.biases.len()
            )));
        }
        for (j, row) in layer.weights.iter().enumerate() {
            if row.len() != previous {
                let source = if k == 0 {
                    format!("one per feature: {}", features.len())
                } else {
                    format!("one per neuron of layers[{}]: {previous}", k - 1)
                };
                return Err(error(format!(
                    "layers[{k}].weights[{j}] has {} values, expected {source}",
                    row.len()
                )));
            }
        }
        let flat: Vec<f64> = layer.weights.into_iter().flatten().collect();
        let weights = Array2::from_shape_vec((neurons, previous), flat)
            .map_err(|e| error(format!("layers[{k}].weights: {e}")))?;
        layers.push((weights, Array1::from_vec(layer.biases)));
        previous = neurons;
    }
    Ok(LoadedNetwork { features, layers })
}

/// Reads a network file from disk.
pub fn read_network(path: &std::path::Path) -> Result<LoadedNetwork, NetworkFileError> {
    let file = path.display().to_string();
    let text = crate::limits::read_text(path, crate::limits::FileKind::Network).map_err(|e| {
        NetworkFileError {
            file: file.clone(),
            // The reader's message names the file itself.
            what: e
                .strip_prefix(&format!("{file}: "))
                .unwrap_or(&e)
                .to_string(),
        }
    })?;
    parse_network(&text, &file)
}

/// The network in the file format, pretty-printed JSON.
pub fn network_to_json(network: &Network) -> String {
    let file = NetworkFile {
        features: network
            .features
            .iter()
            .map(|f| f.name().to_string())
            .collect(),
        layers: network
            .layers
            .iter()
            .map(|l| LayerFile {
                weights: l.weights.rows().into_iter().map(|r| r.to_vec()).collect(),
                biases: l.biases.to_vec(),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&file).expect("a network always serialises")
}
