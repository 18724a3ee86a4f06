//! The network as plain data: layers of weights and biases, their shapes and their edits (the
//! forward pass is in `batch` and `kernel`).

use ndarray::{Array1, Array2};
use rand::{Rng, RngExt};

use crate::data::Uniform01;
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
            weights: standard(weights),
            biases,
            dead,
        }
    }

    /// A layer initialised the Playground's way: weights `U(-0.5, 0.5)` drawn neuron by neuron,
    /// link by link, biases 0.1; or everything 0 with `init_zero`.
    pub fn random<R: Uniform01 + ?Sized>(
        inputs: usize,
        neurons: usize,
        activation: Activation,
        init_zero: bool,
        rng: &mut R,
    ) -> Self {
        let weights = Array2::from_shape_fn((neurons, inputs), |_| {
            if init_zero { 0.0 } else { rng.next_f64() - 0.5 }
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

    /// Whether every array is in the row-major, contiguous layout the training and grid kernels
    /// read as plain slices (every edit keeps it so; see [`Network::check_layout`]).
    pub fn has_standard_layout(&self) -> bool {
        self.weights.is_standard_layout()
            && self.dead.is_standard_layout()
            && self.biases.as_slice().is_some()
            && self.dead.dim() == self.weights.dim()
            && self.biases.len() == self.weights.nrows()
    }
}

/// The same array in row-major contiguous order (a no-op when it already is).
fn standard<T: Clone>(array: Array2<T>) -> Array2<T> {
    if array.is_standard_layout() {
        array
    } else {
        array.as_standard_layout().into_owned()
    }
}

/// A copy of `array` with `column` inserted before column `at`, in standard layout.
fn with_column<T: Clone>(array: &Array2<T>, at: usize, column: &[T]) -> Array2<T> {
    let (rows, cols) = array.dim();
    Array2::from_shape_fn((rows, cols + 1), |(j, i)| match i.cmp(&at) {
        std::cmp::Ordering::Less => array[[j, i]].clone(),
        std::cmp::Ordering::Equal => column[j].clone(),
        std::cmp::Ordering::Greater => array[[j, i - 1]].clone(),
    })
}

/// A copy of `array` with `row` appended, in standard layout.
fn with_row<T: Clone>(array: &Array2<T>, row: &[T]) -> Array2<T> {
    let (rows, cols) = array.dim();
    Array2::from_shape_fn((rows + 1, cols), |(j, i)| {
        if j < rows {
            array[[j, i]].clone()
        } else {
            row[i].clone()
        }
    })
}

/// A copy of `array` keeping only `keep` along `axis`, in standard layout.
fn keeping<T: Clone>(array: &Array2<T>, axis: usize, keep: &[usize]) -> Array2<T> {
    standard(array.select(ndarray::Axis(axis), keep))
}

/// A network: input features, then hidden layers, then the output layer (one neuron for two
/// classes or regression, one per class with several classes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Network {
    pub features: Vec<Feature>,
    /// Hidden layers followed by the output layer.
    pub layers: Vec<Layer>,
}

impl Network {
    /// Builds a network with one output neuron and random (or zero) initial weights.
    ///
    /// `hidden_activations` has one entry per hidden layer.
    pub fn random<R: Uniform01 + ?Sized>(
        features: &[Feature],
        hidden: &[usize],
        hidden_activations: &[Activation],
        output_activation: Activation,
        init_zero: bool,
        rng: &mut R,
    ) -> Self {
        Self::random_with_outputs(
            features,
            hidden,
            hidden_activations,
            1,
            output_activation,
            init_zero,
            rng,
        )
    }

    /// Builds a network with `outputs` output neurons. Weights are drawn layer by layer, neuron
    /// by neuron, link by link (the Playground's order).
    pub fn random_with_outputs<R: Uniform01 + ?Sized>(
        features: &[Feature],
        hidden: &[usize],
        hidden_activations: &[Activation],
        outputs: usize,
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
        layers.push(Layer::random(
            inputs,
            outputs.max(1),
            output_activation,
            init_zero,
            rng,
        ));
        Self {
            features: features.to_vec(),
            layers,
        }
    }

    /// Number of output neurons.
    pub fn outputs(&self) -> usize {
        self.layers.last().map_or(0, |l| l.neurons())
    }

    /// Whether every layer is in the layout the fast paths need and the shapes chain up
    /// (inputs = features, then each layer's inputs = the previous layer's neurons).
    pub fn check_layout(&self) -> Result<(), String> {
        let mut inputs = self.features.len();
        if self.layers.is_empty() {
            return Err("a network needs an output layer".into());
        }
        for (k, layer) in self.layers.iter().enumerate() {
            if !layer.has_standard_layout() {
                return Err(format!("layer {k} is not stored row-major and contiguous"));
            }
            if layer.inputs() != inputs {
                return Err(format!(
                    "layer {k} has {} inputs, the layer before has {inputs} outputs",
                    layer.inputs()
                ));
            }
            if layer.neurons() == 0 {
                return Err(format!("layer {k} has no neuron"));
            }
            inputs = layer.neurons();
        }
        Ok(())
    }

    /// After every edit, in debug builds: the arrays are where the fast paths expect them.
    fn debug_check(&self) {
        debug_assert_eq!(
            self.check_layout(),
            Ok(()),
            "an edit broke the network's layout"
        );
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
        l.weights = with_row(&l.weights, &row);
        l.dead = with_row(&l.dead, &vec![false; inputs]);
        l.biases = ndarray::concatenate![ndarray::Axis(0), l.biases.view(), ndarray::array![0.1]];
        let column: Vec<f64> = (0..self.layers[layer + 1].neurons())
            .map(|_| rng.random::<f64>() - 0.5)
            .collect();
        let next = &mut self.layers[layer + 1];
        let at = next.inputs();
        next.weights = with_column(&next.weights, at, &column);
        next.dead = with_column(&next.dead, at, &vec![false; column.len()]);
        self.debug_check();
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
        l.weights = keeping(&l.weights, 0, &keep_rows);
        l.dead = keeping(&l.dead, 0, &keep_rows);
        l.biases = l.biases.select(ndarray::Axis(0), &keep_rows);
        let next = &mut self.layers[layer + 1];
        next.weights = keeping(&next.weights, 1, &keep_rows);
        next.dead = keeping(&next.dead, 1, &keep_rows);
        self.debug_check();
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
        self.debug_check();
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
        self.debug_check();
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
        first.weights = with_column(&first.weights, position, &column);
        first.dead = with_column(&first.dead, position, &vec![false; column.len()]);
        self.debug_check();
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
        first.weights = keeping(&first.weights, 1, &keep);
        first.dead = keeping(&first.dead, 1, &keep);
        self.debug_check();
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
            let source = self.key_at(layer, i).short_name();
            body.push_str(&format!("{:.2}*{source}", w.abs()));
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
        } else if l.activation.is_layer_wide() {
            format!("{name}_{}(..., {body}, ...)", neuron + 1)
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
