//! The network as plain data: layers of weights and biases, and the forward pass.

use ndarray::{Array1, Array2};
use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

use super::functions::Activation;
use crate::data::Feature;

/// A fully connected layer: `weights[[j, i]]` is the weight from node `i` of the previous layer
/// (or input feature `i`) to neuron `j` of this one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layer {
    pub activation: Activation,
    pub weights: Array2<f64>,
    pub biases: Array1<f64>,
    /// Links killed by the L1 rule (weight crossed zero): skipped by training until a reset.
    pub dead: Array2<bool>,
}

impl Layer {
    /// A layer with the given parameters and no dead links.
    pub fn new(activation: Activation, weights: Array2<f64>, biases: Array1<f64>) -> Self {
        let dead = Array2::from_elem(weights.dim(), false);
        Self {
            activation,
            weights,
            biases,
            dead,
        }
    }

    /// A layer initialised the Playground's way: weights `U(-0.5, 0.5)` drawn neuron by neuron,
    /// link by link, biases 0.1; or everything 0 with `init_zero`.
    pub fn random<R: Rng + ?Sized>(
        inputs: usize,
        neurons: usize,
        activation: Activation,
        init_zero: bool,
        rng: &mut R,
    ) -> Self {
        let weights = Array2::from_shape_fn((neurons, inputs), |_| {
            if init_zero {
                0.0
            } else {
                rng.random::<f64>() - 0.5
            }
        });
        let bias = if init_zero { 0.0 } else { 0.1 };
        Self::new(activation, weights, Array1::from_elem(neurons, bias))
    }

    pub fn inputs(&self) -> usize {
        self.weights.ncols()
    }

    pub fn neurons(&self) -> usize {
        self.weights.nrows()
    }

    /// Computes total inputs and outputs for one input vector. The sum runs bias first, then
    /// inputs in order, as the Playground's `updateOutput` does.
    #[inline]
    pub fn forward(&self, input: &[f64], totals: &mut [f64], outputs: &mut [f64]) {
        let n_in = input.len();
        debug_assert_eq!(n_in, self.inputs());
        let weights = self
            .weights
            .as_slice()
            .expect("layer weights are stored contiguously");
        let biases = self
            .biases
            .as_slice()
            .expect("layer biases are stored contiguously");
        for ((total, row), &bias) in totals
            .iter_mut()
            .zip(weights.chunks_exact(n_in))
            .zip(biases)
        {
            let mut sum = bias;
            for (&w, &a) in row.iter().zip(input) {
                sum += w * a;
            }
            *total = sum;
        }
        self.activation.apply_slice(totals, outputs);
    }
}

/// A network: input features, then hidden layers, then one output neuron.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Network {
    pub features: Vec<Feature>,
    /// Hidden layers followed by the output layer (always one neuron).
    pub layers: Vec<Layer>,
}

impl Network {
    /// Builds a network with random (or zero) initial weights.
    ///
    /// `hidden_activations` has one entry per hidden layer.
    pub fn random<R: Rng + ?Sized>(
        features: &[Feature],
        hidden: &[usize],
        hidden_activations: &[Activation],
        output_activation: Activation,
        init_zero: bool,
        rng: &mut R,
    ) -> Self {
        assert_eq!(hidden.len(), hidden_activations.len());
        let mut layers = Vec::with_capacity(hidden.len() + 1);
        let mut inputs = features.len();
        for (&neurons, &activation) in hidden.iter().zip(hidden_activations) {
            layers.push(Layer::random(inputs, neurons, activation, init_zero, rng));
            inputs = neurons;
        }
        layers.push(Layer::random(inputs, 1, output_activation, init_zero, rng));
        Self {
            features: features.to_vec(),
            layers,
        }
    }

    /// Sizes of the hidden layers.
    pub fn hidden_sizes(&self) -> Vec<usize> {
        let n = self.layers.len().saturating_sub(1);
        self.layers[..n].iter().map(|l| l.neurons()).collect()
    }

    /// Number of nodes per column: inputs, hidden layers, output.
    pub fn shape(&self) -> Vec<usize> {
        std::iter::once(self.features.len())
            .chain(self.layers.iter().map(|l| l.neurons()))
            .collect()
    }

    pub fn output_layer(&self) -> &Layer {
        self.layers.last().expect("a network has an output layer")
    }

    /// Number of trainable parameters (weights and biases).
    pub fn parameter_count(&self) -> usize {
        self.layers
            .iter()
            .map(|l| l.weights.len() + l.biases.len())
            .sum()
    }

    /// Number of hidden neurons.
    pub fn hidden_neuron_count(&self) -> usize {
        self.hidden_sizes().iter().sum()
    }

    /// Whether every parameter is a finite number.
    pub fn is_finite(&self) -> bool {
        self.layers.iter().all(|l| {
            l.weights.iter().all(|w| w.is_finite()) && l.biases.iter().all(|b| b.is_finite())
        })
    }

    /// Clears the L1 dead-link marks (a reset brings links back).
    pub fn revive_links(&mut self) {
        for layer in &mut self.layers {
            layer.dead.fill(false);
        }
    }

    /// The output for one point of the plane (allocates; for tests and tools, not hot loops).
    pub fn predict(&self, x1: f64, x2: f64) -> f64 {
        let mut input: Vec<f64> = self.features.iter().map(|f| f.value(x1, x2)).collect();
        for layer in &self.layers {
            let mut totals = vec![0.0; layer.neurons()];
            let mut outputs = vec![0.0; layer.neurons()];
            layer.forward(&input, &mut totals, &mut outputs);
            input = outputs;
        }
        input[0]
    }

    /// Adds a neuron at the end of hidden layer `layer`: new links get fresh Playground-style
    /// weights; every other weight is kept.
    pub fn add_neuron<R: Rng + ?Sized>(
        &mut self,
        layer: usize,
        rng: &mut R,
    ) -> Result<(), EditError> {
        self.check_hidden(layer)?;
        let inputs = self.layers[layer].inputs();
        let row: Vec<f64> = (0..inputs).map(|_| rng.random::<f64>() - 0.5).collect();
        let l = &mut self.layers[layer];
        l.weights
            .push_row(ndarray::ArrayView1::from(&row))
            .expect("a row of the layer's width");
        l.biases = ndarray::concatenate![ndarray::Axis(0), l.biases.view(), ndarray::array![0.1]];
        l.dead
            .push_row(ndarray::ArrayView1::from(&vec![false; inputs]))
            .expect("a row of the layer's width");
        let column: Vec<f64> = (0..self.layers[layer + 1].neurons())
            .map(|_| rng.random::<f64>() - 0.5)
            .collect();
        let next = &mut self.layers[layer + 1];
        next.weights
            .push_column(ndarray::ArrayView1::from(&column))
            .expect("a column of the next layer's height");
        next.dead
            .push_column(ndarray::ArrayView1::from(&vec![false; column.len()]))
            .expect("a column of the next layer's height");
        Ok(())
    }

    /// Removes neuron `index` of hidden layer `layer` and its links; a layer keeps at least one.
    pub fn remove_neuron(&mut self, layer: usize, index: usize) -> Result<(), EditError> {
        self.check_hidden(layer)?;
        let n = self.layers[layer].neurons();
        if index >= n {
            return Err(EditError::NoSuchNeuron { layer, index });
        }
        if n == 1 {
            return Err(EditError::LastNeuron(layer));
        }
        let keep_rows: Vec<usize> = (0..n).filter(|&j| j != index).collect();
        let l = &mut self.layers[layer];
        l.weights = l.weights.select(ndarray::Axis(0), &keep_rows);
        l.dead = l.dead.select(ndarray::Axis(0), &keep_rows);
        l.biases = l.biases.select(ndarray::Axis(0), &keep_rows);
        let next = &mut self.layers[layer + 1];
        next.weights = next.weights.select(ndarray::Axis(1), &keep_rows);
        next.dead = next.dead.select(ndarray::Axis(1), &keep_rows);
        Ok(())
    }

    /// Inserts a hidden layer of `neurons` at position `at` (0 = right after the inputs). Its own
    /// links and those of the layer after it are new; the rest keep their weights.
    pub fn insert_layer<R: Rng + ?Sized>(
        &mut self,
        at: usize,
        neurons: usize,
        activation: Activation,
        rng: &mut R,
    ) -> Result<(), EditError> {
        if at >= self.layers.len() {
            return Err(EditError::NoSuchLayer(at));
        }
        if neurons == 0 {
            return Err(EditError::EmptyLayer);
        }
        let inputs = if at == 0 {
            self.features.len()
        } else {
            self.layers[at - 1].neurons()
        };
        let layer = Layer::random(inputs, neurons, activation, false, rng);
        self.layers.insert(at, layer);
        self.reinitialise_inputs_of(at + 1, neurons, rng);
        Ok(())
    }

    /// Removes hidden layer `layer`; the layer after it gets new links to the layer before.
    pub fn remove_layer<R: Rng + ?Sized>(
        &mut self,
        layer: usize,
        rng: &mut R,
    ) -> Result<(), EditError> {
        self.check_hidden(layer)?;
        self.layers.remove(layer);
        let inputs = if layer == 0 {
            self.features.len()
        } else {
            self.layers[layer - 1].neurons()
        };
        self.reinitialise_inputs_of(layer, inputs, rng);
        Ok(())
    }

    /// Adds an input feature in the Playground's column order; its links get fresh weights.
    pub fn add_feature<R: Rng + ?Sized>(
        &mut self,
        feature: Feature,
        rng: &mut R,
    ) -> Result<(), EditError> {
        if self.features.contains(&feature) {
            return Err(EditError::FeatureAlreadyIn(feature));
        }
        let position = self
            .features
            .iter()
            .position(|f| f.index() > feature.index())
            .unwrap_or(self.features.len());
        self.features.insert(position, feature);
        let first = &mut self.layers[0];
        let column: Vec<f64> = (0..first.neurons())
            .map(|_| rng.random::<f64>() - 0.5)
            .collect();
        let (rows, cols) = first.weights.dim();
        let mut weights = Array2::zeros((rows, cols + 1));
        let mut dead = Array2::from_elem((rows, cols + 1), false);
        for j in 0..rows {
            for i in 0..=cols {
                let (w, d) = match i.cmp(&position) {
                    std::cmp::Ordering::Less => (first.weights[[j, i]], first.dead[[j, i]]),
                    std::cmp::Ordering::Equal => (column[j], false),
                    std::cmp::Ordering::Greater => {
                        (first.weights[[j, i - 1]], first.dead[[j, i - 1]])
                    }
                };
                weights[[j, i]] = w;
                dead[[j, i]] = d;
            }
        }
        first.weights = weights;
        first.dead = dead;
        Ok(())
    }

    /// Removes an input feature and its links; the network keeps at least one.
    pub fn remove_feature(&mut self, feature: Feature) -> Result<(), EditError> {
        let Some(position) = self.features.iter().position(|f| *f == feature) else {
            return Err(EditError::FeatureNotIn(feature));
        };
        if self.features.len() == 1 {
            return Err(EditError::LastFeature);
        }
        self.features.remove(position);
        let keep: Vec<usize> = (0..=self.features.len())
            .filter(|&i| i != position)
            .collect();
        let first = &mut self.layers[0];
        first.weights = first.weights.select(ndarray::Axis(1), &keep);
        first.dead = first.dead.select(ndarray::Axis(1), &keep);
        Ok(())
    }

    /// Whether `layer` is a hidden layer of this network.
    fn check_hidden(&self, layer: usize) -> Result<(), EditError> {
        if layer + 1 >= self.layers.len() {
            Err(EditError::NoSuchLayer(layer))
        } else {
            Ok(())
        }
    }

    /// New random input weights for layer `layer`, which now has `inputs` inputs.
    fn reinitialise_inputs_of<R: Rng + ?Sized>(
        &mut self,
        layer: usize,
        inputs: usize,
        rng: &mut R,
    ) {
        let l = &mut self.layers[layer];
        let neurons = l.neurons();
        l.weights = Array2::from_shape_fn((neurons, inputs), |_| rng.random::<f64>() - 0.5);
        l.dead = Array2::from_elem((neurons, inputs), false);
    }

    /// A neuron's formula with live numbers, e.g. `tanh(0.81*x1 - 1.20*x2 + 0.10)`.
    /// `layer` indexes `layers` (0 = first hidden layer).
    pub fn neuron_formula(&self, layer: usize, neuron: usize) -> Option<String> {
        let l = self.layers.get(layer)?;
        if neuron >= l.neurons() {
            return None;
        }
        let source_name = |i: usize| -> String {
            if layer == 0 {
                self.features
                    .get(i)
                    .map(|f| f.name().to_string())
                    .unwrap_or_default()
            } else {
                format!("h{}_{}", layer, i + 1)
            }
        };
        let mut body = String::new();
        for i in 0..l.inputs() {
            let w = l.weights[[neuron, i]];
            if l.dead[[neuron, i]] {
                continue;
            }
            let sign = if w < 0.0 { '-' } else { '+' };
            if body.is_empty() {
                if w < 0.0 {
                    body.push('-');
                }
            } else {
                body.push_str(&format!(" {sign} "));
            }
            body.push_str(&format!("{:.2}*{}", w.abs(), source_name(i)));
        }
        let b = l.biases[neuron];
        if body.is_empty() {
            body = format!("{b:.2}");
        } else {
            body.push_str(&format!(
                " {} {:.2}",
                if b < 0.0 { '-' } else { '+' },
                b.abs()
            ));
        }
        let name = l.activation.formula_name();
        Some(if name.is_empty() {
            body
        } else {
            format!("{name}({body})")
        })
    }
}

/// Why an architecture edit could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("there is no hidden layer {}", .0 + 1)]
    NoSuchLayer(usize),
    #[error("hidden layer {} has no neuron {}", .layer + 1, .index + 1)]
    NoSuchNeuron { layer: usize, index: usize },
    #[error("a layer needs at least one neuron; remove the whole layer instead")]
    LastNeuron(usize),
    #[error("a layer needs at least one neuron")]
    EmptyLayer,
    #[error("{} is already an input", .0.label())]
    FeatureAlreadyIn(Feature),
    #[error("{} is not an input", .0.label())]
    FeatureNotIn(Feature),
    #[error("the network needs at least one input feature")]
    LastFeature,
}
