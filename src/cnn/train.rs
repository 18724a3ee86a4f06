//! Training a [`CnnModel`]: mini-batches in a seeded order, SGD (with momentum) or Adam, and
//! the evaluation a student watches (loss, accuracy, confusion matrix, mistakes).
//!
//! Natively the images of a batch run on every core (rayon); each image's gradient is computed
//! on its own and the gradients are then added in the batch's order, so the result is the same
//! bits whatever the number of threads. The browser build runs the same code on one thread.

use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use super::images::ImageSet;
use super::{CnnModel, cross_entropy};

/// How the weights move.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum CnnOptimizer {
    Sgd { learning_rate: f32, momentum: f32 },
    Adam { learning_rate: f32 },
}

impl Default for CnnOptimizer {
    /// Adam at 0.005: on the shapes, plain SGD learns slowly or dies (measured, see CNN.md).
    fn default() -> Self {
        Self::Adam {
            learning_rate: 0.005,
        }
    }
}

impl CnnOptimizer {
    pub fn learning_rate(&self) -> f32 {
        match *self {
            Self::Sgd { learning_rate, .. } | Self::Adam { learning_rate } => learning_rate,
        }
    }

    pub fn with_learning_rate(self, learning_rate: f32) -> Self {
        match self {
            Self::Sgd { momentum, .. } => Self::Sgd {
                learning_rate,
                momentum,
            },
            Self::Adam { .. } => Self::Adam { learning_rate },
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Sgd { .. } => "sgd",
            Self::Adam { .. } => "adam",
        }
    }
}

/// The results of one pass over a set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Evaluation {
    pub loss: f64,
    pub accuracy: f64,
}

/// One finished epoch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CnnEpochRecord {
    pub epoch: u64,
    pub train: Evaluation,
    pub test: Evaluation,
}

/// Each image's predicted class and its probability, in the set's order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Predictions {
    pub predicted: Vec<usize>,
    pub confidence: Vec<f32>,
    pub loss: Vec<f32>,
}

impl Predictions {
    /// Adds the predictions of the images that follow.
    pub fn append(&mut self, more: Predictions) {
        self.predicted.extend(more.predicted);
        self.confidence.extend(more.confidence);
        self.loss.extend(more.loss);
    }

    pub fn evaluation(&self, set: &ImageSet) -> Evaluation {
        let n = self.predicted.len().max(1) as f64;
        let loss = self.loss.iter().map(|&l| f64::from(l)).sum::<f64>() / n;
        let right = self
            .predicted
            .iter()
            .zip(&set.labels)
            .filter(|(p, l)| p == l)
            .count();
        Evaluation {
            loss,
            accuracy: right as f64 / n,
        }
    }

    /// rows: true class, columns: predicted class.
    pub fn confusion(&self, set: &ImageSet) -> Vec<Vec<usize>> {
        let k = set.class_names.len();
        let mut matrix = vec![vec![0; k]; k];
        for (&p, &l) in self.predicted.iter().zip(&set.labels) {
            if l < k && p < k {
                matrix[l][p] += 1;
            }
        }
        matrix
    }

    /// The indices of the wrongly classified images, the most confident mistakes first.
    pub fn mistakes(&self, set: &ImageSet) -> Vec<usize> {
        let mut wrong: Vec<usize> = (0..self.predicted.len())
            .filter(|&i| self.predicted[i] != set.labels[i])
            .collect();
        wrong.sort_by(|&a, &b| self.confidence[b].total_cmp(&self.confidence[a]));
        wrong
    }
}

/// Runs `f` over `0..count` on every core natively, on this thread in the browser; results in
/// index order either way.
fn map_indices<T: Send>(count: usize, f: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        use rayon::prelude::*;
        (0..count).into_par_iter().map(f).collect()
    }
    #[cfg(target_arch = "wasm32")]
    {
        (0..count).map(f).collect()
    }
}

fn argmax(values: &[f32]) -> usize {
    values
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i)
}

/// Every image's prediction.
pub fn predict_all(model: &CnnModel, set: &ImageSet) -> Predictions {
    predict_range(model, set, 0..set.len())
}

/// The predictions of the images in `range`.
pub fn predict_range(
    model: &CnnModel,
    set: &ImageSet,
    range: std::ops::Range<usize>,
) -> Predictions {
    let start = range.start;
    let results = map_indices(range.len(), |k| {
        let i = start + k;
        let p = model.predict(set.image(i));
        let (best, &confidence) = p
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .unwrap_or((0, &0.0));
        (best, confidence, cross_entropy(&p, set.labels[i]))
    });
    Predictions {
        predicted: results.iter().map(|r| r.0).collect(),
        confidence: results.iter().map(|r| r.1).collect(),
        loss: results.iter().map(|r| r.2).collect(),
    }
}

pub fn evaluate(model: &CnnModel, set: &ImageSet) -> Evaluation {
    predict_all(model, set).evaluation(set)
}

/// A training run: the model, its optimiser's state and where it is in the epoch.
#[derive(Debug, Clone, PartialEq)]
pub struct CnnTraining {
    pub model: CnnModel,
    pub optimizer: CnnOptimizer,
    pub batch_size: usize,
    pub seed: u64,
    /// Finished epochs.
    pub epoch: u64,
    /// Batches taken in all.
    pub steps: u64,
    /// Images used so far in the current epoch.
    pub position: usize,
    order: Vec<usize>,
    first_moment: Vec<f32>,
    second_moment: Vec<f32>,
    /// The last step's gradient (mean over its batch), for the gradient views.
    pub last_gradient: Vec<f32>,
    /// The last step's change of each parameter.
    pub last_update: Vec<f32>,
    /// The current epoch so far: loss summed over its images, how many were right, how many.
    running: (f64, usize, usize),
    pub history: Vec<CnnEpochRecord>,
}

impl CnnTraining {
    pub fn new(model: CnnModel, optimizer: CnnOptimizer, batch_size: usize, seed: u64) -> Self {
        let n = model.params.len();
        Self {
            model,
            optimizer,
            batch_size: batch_size.max(1),
            seed,
            epoch: 0,
            steps: 0,
            position: 0,
            order: Vec::new(),
            first_moment: vec![0.0; n],
            second_moment: vec![0.0; n],
            last_gradient: vec![0.0; n],
            last_update: vec![0.0; n],
            running: (0.0, 0, 0),
            history: Vec::new(),
        }
    }

    /// The training images of the current epoch so far: their mean loss and accuracy, each
    /// measured as the image was trained on (Keras reports an epoch's training figures so).
    pub fn running(&self) -> Option<Evaluation> {
        let (loss, right, count) = self.running;
        (count > 0).then(|| Evaluation {
            loss: loss / count as f64,
            accuracy: right as f64 / count as f64,
        })
    }

    /// Trains on the next batch; returns true when it finished an epoch (the caller evaluates
    /// and calls [`finish_epoch`](Self::finish_epoch)).
    pub fn step(&mut self, train: &ImageSet) -> bool {
        if train.is_empty() {
            return false;
        }
        if self.position == 0 || self.position >= train.len() || self.order.len() != train.len() {
            self.order = (0..train.len()).collect();
            let mut rng = crate::data::seeded_rng(
                self.seed ^ self.epoch.wrapping_mul(0x9E37_79B9),
                crate::data::streams::CNN_SHUFFLE,
            );
            self.order.shuffle(&mut rng);
            self.position = 0;
        }
        let end = (self.position + self.batch_size).min(train.len());
        let batch = self.order[self.position..end].to_vec();
        let (loss, right) = self.train_batch_counting(train, &batch);
        self.running.0 += loss * batch.len() as f64;
        self.running.1 += right;
        self.running.2 += batch.len();
        self.position = end;
        self.position >= train.len()
    }

    /// One optimiser step on these images; returns their mean loss.
    pub fn train_batch(&mut self, set: &ImageSet, batch: &[usize]) -> f64 {
        self.train_batch_counting(set, batch).0
    }

    /// One optimiser step; their mean loss and how many were classified right before it.
    fn train_batch_counting(&mut self, set: &ImageSet, batch: &[usize]) -> (f64, usize) {
        let model = &self.model;
        let per_image = map_indices(batch.len(), |i| {
            let index = batch[i];
            let acts = model.forward(set.image(index));
            let mut gradient = vec![0.0f32; model.params.len()];
            let loss = model.backward(&acts, set.labels[index], &mut gradient);
            let right = argmax(&acts.probabilities) == set.labels[index];
            (loss, gradient, right)
        });
        let right = per_image.iter().filter(|r| r.2).count();
        let scale = 1.0 / batch.len().max(1) as f32;
        let gradient = &mut self.last_gradient;
        gradient.fill(0.0);
        let mut loss = 0.0f64;
        for (l, g, _) in &per_image {
            loss += f64::from(*l);
            for (sum, v) in gradient.iter_mut().zip(g) {
                *sum += v;
            }
        }
        for g in gradient.iter_mut() {
            *g *= scale;
        }
        self.steps += 1;
        apply_update(
            self.optimizer,
            self.steps,
            &mut self.model.params,
            &self.last_gradient,
            &mut self.first_moment,
            &mut self.second_moment,
            &mut self.last_update,
        );
        (loss / batch.len().max(1) as f64, right)
    }

    /// Records the epoch just finished, with the test set's predictions made after it, and
    /// starts the next.
    pub fn finish_epoch_with(
        &mut self,
        test: &ImageSet,
        predictions: &Predictions,
    ) -> CnnEpochRecord {
        let record = CnnEpochRecord {
            epoch: self.epoch + 1,
            train: self.running().unwrap_or_default(),
            test: predictions.evaluation(test),
        };
        self.epoch += 1;
        self.position = 0;
        self.running = (0.0, 0, 0);
        self.history.push(record);
        record
    }

    /// A whole epoch, evaluated on the test set.
    pub fn run_epoch(&mut self, train: &ImageSet, test: &ImageSet) -> CnnEpochRecord {
        while !self.step(train) {}
        let predictions = predict_all(&self.model, test);
        self.finish_epoch_with(test, &predictions)
    }

    /// Starts the optimiser afresh (after the student edits weights by hand or changes it).
    pub fn reset_optimizer_state(&mut self) {
        self.first_moment.fill(0.0);
        self.second_moment.fill(0.0);
    }
}

/// SGD with momentum (v = m v - lr g; w += v) or Adam (TensorFlow's defaults: beta 0.9 and
/// 0.999, epsilon 1e-7, bias-corrected).
fn apply_update(
    optimizer: CnnOptimizer,
    step: u64,
    params: &mut [f32],
    gradient: &[f32],
    first: &mut [f32],
    second: &mut [f32],
    update: &mut [f32],
) {
    match optimizer {
        CnnOptimizer::Sgd {
            learning_rate,
            momentum,
        } => {
            for i in 0..params.len() {
                first[i] = momentum * first[i] - learning_rate * gradient[i];
                update[i] = first[i];
                params[i] += first[i];
            }
        }
        CnnOptimizer::Adam { learning_rate } => {
            const BETA1: f32 = 0.9;
            const BETA2: f32 = 0.999;
            const EPSILON: f32 = 1e-7;
            let t = step.min(i32::MAX as u64) as i32;
            let correction1 = 1.0 - BETA1.powi(t);
            let correction2 = 1.0 - BETA2.powi(t);
            for i in 0..params.len() {
                let g = gradient[i];
                first[i] = BETA1 * first[i] + (1.0 - BETA1) * g;
                second[i] = BETA2 * second[i] + (1.0 - BETA2) * g * g;
                let m = first[i] / correction1;
                let v = second[i] / correction2;
                let delta = -learning_rate * m / (v.sqrt() + EPSILON);
                update[i] = delta;
                params[i] += delta;
            }
        }
    }
}
