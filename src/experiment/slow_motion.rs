//! Backpropagation in slow motion: one batch of training examples, each traced through the
//! network (every neuron's total input and output, the output's error, every neuron's share of
//! the error, every weight's gradient), then the very update normal training makes for that
//! batch, applied by the experiment's own trainer.
//!
//! The trace follows the trainer's arithmetic step for step (the forward pass is the trainer's
//! kernel; the backward pass adds in the same order), so the gradients shown are the ones the
//! update uses: a test checks that the update is exactly `-learning rate x mean gradient`.

use super::Experiment;
use crate::nn::{Activation, Network, forward_batch};

/// What happened to one training example.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleTrace {
    /// Its row in the training set.
    pub row: usize,
    /// The point and its label.
    pub x1: f64,
    pub x2: f64,
    pub label: f64,
    /// The feature values fed to the first layer.
    pub inputs: Vec<f64>,
    /// Per layer (hidden layers, then the output layer), per neuron: total input and output.
    pub totals: Vec<Vec<f64>>,
    pub outputs: Vec<Vec<f64>>,
    /// The example's loss.
    pub loss: f64,
    /// Per layer, per neuron: d(loss)/d(total input), the neuron's share of the error.
    pub deltas: Vec<Vec<f64>>,
}

impl ExampleTrace {
    /// What layer `layer` receives: the features for the first, else the layer before's outputs.
    pub fn layer_inputs(&self, layer: usize) -> &[f64] {
        if layer == 0 {
            &self.inputs
        } else {
            &self.outputs[layer - 1]
        }
    }

    /// d(loss)/d(weight) of the link from input `input` into neuron `neuron` of `layer`, for
    /// this example.
    pub fn weight_gradient(&self, layer: usize, neuron: usize, input: usize) -> f64 {
        self.deltas[layer][neuron] * self.layer_inputs(layer)[input]
    }

    /// The network's output (the first output neuron; every output for several classes).
    pub fn prediction(&self) -> &[f64] {
        self.outputs.last().map_or(&[], |o| o.as_slice())
    }
}

/// One batch: every example's trace, and the network before and after the update.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchTrace {
    pub examples: Vec<ExampleTrace>,
    pub before: Network,
    pub after: Network,
    /// Examples left over from the last epoch that joined this update (the Playground carries an
    /// unfinished batch over to the next epoch).
    pub carried_over: usize,
    pub learning_rate: f64,
}

impl BatchTrace {
    /// The batch's mean gradient of one weight: what the update steps against.
    pub fn mean_weight_gradient(&self, layer: usize, neuron: usize, input: usize) -> f64 {
        let mut sum = 0.0;
        for e in &self.examples {
            sum += e.weight_gradient(layer, neuron, input);
        }
        sum / self.examples.len().max(1) as f64
    }

    /// How much the update moved one weight.
    pub fn weight_change(&self, layer: usize, neuron: usize, input: usize) -> f64 {
        self.after.layers[layer].weights[[neuron, input]]
            - self.before.layers[layer].weights[[neuron, input]]
    }
}

/// Traces one example through `network` with the trainer's arithmetic.
fn trace_example(network: &Network, experiment: &Experiment, row: usize) -> ExampleTrace {
    let set = &experiment.train_set;
    let inputs = set.row(row).to_vec();
    let label = set.labels[row];
    let pass = forward_batch(network, &inputs, 1);
    let totals = pass.totals.clone();
    let outputs = pass.outputs.clone();
    let loss_kind = experiment.config.effective_loss();
    let last = network.layers.len() - 1;
    let mut deltas: Vec<Vec<f64>> = outputs.iter().map(|o| vec![0.0; o.len()]).collect();
    let output_activation = network.layers[last].activation;
    if outputs[last].len() == 1 {
        deltas[last][0] = loss_kind.output_input_derivative(
            output_activation,
            outputs[last][0],
            totals[last][0],
            label,
        );
    } else {
        loss_kind.output_gradient(
            output_activation,
            &outputs[last],
            &totals[last],
            label,
            &mut deltas[last],
        );
    }
    for l in (1..=last).rev() {
        // dE/d(output) of layer l-1: this layer's deltas back along the weights, in neuron order.
        let n_in = network.layers[l].inputs();
        let mut output_ders = vec![0.0; n_in];
        for (j, row) in network.layers[l].weights.rows().into_iter().enumerate() {
            let d = deltas[l][j];
            for (o, &w) in output_ders.iter_mut().zip(row.iter()) {
                *o += w * d;
            }
        }
        let activation: Activation = network.layers[l - 1].activation;
        for (k, od) in output_ders.into_iter().enumerate() {
            deltas[l - 1][k] = od * activation.derivative(totals[l - 1][k], outputs[l - 1][k]);
        }
    }
    let loss = loss_kind.value_of(&outputs[last], &totals[last], label);
    let example = experiment.data.train.get(row);
    ExampleTrace {
        row,
        x1: example.map_or(f64::NAN, |e| e.x1),
        x2: example.map_or(f64::NAN, |e| e.x2),
        label,
        inputs,
        totals,
        outputs,
        loss,
        deltas,
    }
}

impl Experiment {
    /// The training rows of the batch that starts at `position` of the epoch's order (the last
    /// batch may be shorter).
    pub fn batch_rows(&self, position: usize) -> Vec<usize> {
        let count = self.train_set.len();
        let batch = self.config.batch_size.max(1);
        let start = position.min(count);
        let end = (start + batch).min(count);
        (start..end)
            .map(|p| {
                if self.config.reshuffle_each_epoch {
                    self.order.get(p).copied().unwrap_or(p)
                } else {
                    p
                }
            })
            .collect()
    }

    /// Traces the examples of `rows`, then trains on exactly them with the experiment's own
    /// trainer (one update when they fill a batch), and re-measures the current point of the
    /// history. The epoch does not advance: this is a look inside one step of training.
    /// Refused with dropout, whose random masks would make the picture differ from the numbers.
    pub fn train_traced(&mut self, rows: &[usize]) -> Result<BatchTrace, String> {
        if self.config.dropout > 0.0 {
            return Err(
                "Slow motion shows training without dropout: set dropout to 0 first.".into(),
            );
        }
        if rows.is_empty() || rows.iter().any(|&r| r >= self.train_set.len()) {
            return Err("There is no such training example.".into());
        }
        let before = self.network.clone();
        let examples = rows
            .iter()
            .map(|&row| trace_example(&before, self, row))
            .collect();
        let carried_over = self.trainer.pending_examples();
        let mut settings = self.train_settings();
        // Exactly these examples make one batch: the update comes after the last of them.
        settings.batch_size = rows.len() + carried_over;
        self.trainer.train_epoch(
            &mut self.network,
            &self.train_set,
            Some(rows),
            &settings,
            &mut self.dropout_rng,
        );
        self.weights_version += 1;
        self.remeasure();
        Ok(BatchTrace {
            examples,
            before,
            after: self.network.clone(),
            carried_over,
            learning_rate: settings.learning_rate,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DatasetKind, Feature};
    use crate::experiment::ExperimentConfig;
    use crate::nn::Regularization;

    fn experiment(
        regularization: Regularization,
        features: Vec<Feature>,
        hidden: Vec<usize>,
    ) -> Experiment {
        Experiment::new(ExperimentConfig {
            dataset: DatasetKind::Spiral,
            features,
            hidden_layers: hidden,
            batch_size: 10,
            learning_rate: 0.1,
            regularization,
            regularization_rate: 0.01,
            seed: 4,
            ..ExperimentConfig::default()
        })
        .unwrap()
    }

    /// Stepping through a batch gives exactly the weights of one normal training step, and the
    /// update is exactly the learning rate times the mean of the gradients shown.
    #[test]
    fn a_traced_batch_is_a_normal_training_step() {
        for (regularization, features, hidden) in [
            (Regularization::None, Feature::ALL.to_vec(), vec![8, 6, 4]),
            (Regularization::L2, vec![Feature::X1, Feature::X2], vec![5]),
            (
                Regularization::L1,
                vec![Feature::X1, Feature::SinX2],
                vec![],
            ),
        ] {
            let mut traced = experiment(regularization, features.clone(), hidden.clone());
            let mut normal = traced.clone();
            let rows = traced.batch_rows(0);
            assert_eq!(rows, (0..10).collect::<Vec<_>>());
            let trace = traced.train_traced(&rows).unwrap();
            // The normal path: the first batch of an epoch, stopped before the second.
            let mut settings = normal.train_settings();
            settings.batch_size = 10;
            normal.trainer.train_epoch(
                &mut normal.network,
                &normal.train_set,
                Some(&rows),
                &settings,
                &mut normal.dropout_rng,
            );
            assert_eq!(traced.network(), normal.network(), "{regularization:?}");
            assert_eq!(trace.after, normal.network);
            if regularization != Regularization::None {
                continue;
            }
            // Without a penalty, the update is the mean gradient times the learning rate, to the
            // bit: the gradients shown are the ones training used.
            let n = rows.len() as f64;
            for (l, layer) in trace.before.layers.iter().enumerate() {
                for j in 0..layer.neurons() {
                    let mut bias_sum = 0.0;
                    for e in &trace.examples {
                        bias_sum += e.deltas[l][j];
                    }
                    assert_eq!(
                        trace.after.layers[l].biases[j],
                        layer.biases[j] - 0.1 * bias_sum / n
                    );
                    for i in 0..layer.inputs() {
                        let mut sum = 0.0;
                        for e in &trace.examples {
                            sum += e.weight_gradient(l, j, i);
                        }
                        assert_eq!(
                            trace.after.layers[l].weights[[j, i]],
                            layer.weights[[j, i]] - (0.1 / n) * sum,
                            "layer {l} neuron {j} input {i}"
                        );
                    }
                }
            }
        }
    }

    /// The traced gradients are the derivatives of the loss: finite differences agree.
    #[test]
    fn traced_gradients_match_finite_differences() {
        let mut e = experiment(
            Regularization::None,
            vec![Feature::X1, Feature::X2Squared],
            vec![3, 2],
        );
        let trace = e.clone().train_traced(&[5]).unwrap();
        let example = &trace.examples[0];
        let loss_at = |network: &Network| {
            let pass = forward_batch(network, &example.inputs, 1);
            let last = pass.outputs.len() - 1;
            e.config.effective_loss().value_of(
                &pass.outputs[last],
                &pass.totals[last],
                example.label,
            )
        };
        let h = 1e-6;
        for l in 0..trace.before.layers.len() {
            for j in 0..trace.before.layers[l].neurons() {
                for i in 0..trace.before.layers[l].inputs() {
                    let mut up = trace.before.clone();
                    up.layers[l].weights[[j, i]] += h;
                    let mut down = trace.before.clone();
                    down.layers[l].weights[[j, i]] -= h;
                    let numeric = (loss_at(&up) - loss_at(&down)) / (2.0 * h);
                    let shown = example.weight_gradient(l, j, i);
                    assert!(
                        (numeric - shown).abs() < 1e-6,
                        "{l} {j} {i}: {numeric} {shown}"
                    );
                }
            }
        }
        assert!((example.loss - loss_at(&trace.before)).abs() < 1e-15);
        e.config.dropout = 0.5;
        assert!(e.train_traced(&[0]).is_err());
        e.config.dropout = 0.0;
        assert!(e.train_traced(&[]).is_err());
        assert!(e.train_traced(&[100_000]).is_err());
    }
}
