//! An experiment: configuration, data, network, epoch and history. The one source of truth that
//! the CLI drives headlessly and the game mirrors into entities.

pub mod config;

pub use config::{ConfigErrors, ExperimentConfig, FieldError, Limits};

use crate::data::csv_file::DataFile;
use crate::data::{CoreRng, Data, Problem, generators, seeded_rng, streams};
use crate::nn::weights_file::LoadedNetwork;
use crate::nn::{
    EditError, GridEvaluator, InputMatrix, Network, NeuronGrids, TrainSettings, Trainer,
};

/// Loss and accuracy after an epoch (epoch 0 is before any training).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpochStats {
    pub epoch: u64,
    pub train_loss: f64,
    pub test_loss: f64,
    /// `None` for regression.
    pub train_accuracy: Option<f64>,
    pub test_accuracy: Option<f64>,
}

/// Training blew up: the loss stopped being a finite number.
#[derive(Debug, Clone, PartialEq)]
pub struct Divergence {
    pub epoch: u64,
    /// What became non-finite, for the message: "infinite" or "not a number".
    pub what: &'static str,
}

impl Divergence {
    /// The message the player and the CLI see.
    pub fn message(&self) -> String {
        format!(
            "Training diverged at epoch {}: the loss became {}. Lower the learning rate and press Reset.",
            self.epoch, self.what
        )
    }
}

/// What [`Experiment::apply_config`] had to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConfigChange {
    pub data_regenerated: bool,
    pub network_rebuilt: bool,
}

/// Where the data came from.
#[derive(Debug, Clone, PartialEq)]
enum DataSource {
    Generated,
    /// A data file: never regenerated.
    File(String),
}

/// A configured, trainable experiment.
#[derive(Debug, Clone)]
pub struct Experiment {
    config: ExperimentConfig,
    data: Data,
    source: DataSource,
    network: Network,
    /// The weights of the last reset, replayed by [`Experiment::reset`] when the config asks.
    initial_network: Network,
    trainer: Trainer,
    train_set: InputMatrix,
    test_set: InputMatrix,
    epoch: u64,
    history: Vec<EpochStats>,
    divergence: Option<Divergence>,
    /// Which draw of initial weights this is (reset without replay draws the next one).
    weight_draw: u64,
    reshuffle_rng: CoreRng,
    dropout_rng: CoreRng,
    /// Weights of neurons and links added by architecture edits.
    edit_rng: CoreRng,
    order: Vec<usize>,
    /// Bumped whenever any weight or bias changes: the game redraws heatmaps only then.
    weights_version: u64,
    /// Bumped whenever the shape (features, layers, neurons) changes.
    shape_version: u64,
}

impl Experiment {
    /// An experiment on generated data.
    pub fn new(config: ExperimentConfig) -> Result<Self, ConfigErrors> {
        config.validate(true)?;
        let data = Data::generate(
            config.dataset,
            config.noise,
            config.train_ratio,
            config.seed,
        );
        Ok(Self::assemble(config, data, DataSource::Generated))
    }

    /// An experiment on the data of a file. The labels must fit the problem type.
    pub fn with_data_file(config: ExperimentConfig, file: &DataFile) -> Result<Self, ConfigErrors> {
        config.validate(false)?;
        file.check_problem(config.problem())
            .map_err(|e| ConfigErrors::single("data", &file.name, e.to_string()))?;
        Ok(Self::assemble(
            config,
            file.data.clone(),
            DataSource::File(file.name.clone()),
        ))
    }

    /// An experiment on given data (tests, tools).
    pub fn with_data(config: ExperimentConfig, data: Data) -> Result<Self, ConfigErrors> {
        config.validate(false)?;
        if data.train.is_empty() || data.test.is_empty() {
            return Err(ConfigErrors::single(
                "data",
                format!(
                    "{} train / {} test points",
                    data.train.len(),
                    data.test.len()
                ),
                "at least one training and one test point",
            ));
        }
        Ok(Self::assemble(
            config,
            data,
            DataSource::File("data".into()),
        ))
    }

    fn assemble(config: ExperimentConfig, data: Data, source: DataSource) -> Self {
        let network = build_network(&config, 0);
        let mut experiment = Self {
            trainer: Trainer::new(&network),
            train_set: InputMatrix::default(),
            test_set: InputMatrix::default(),
            initial_network: network.clone(),
            network,
            data,
            source,
            epoch: 0,
            history: Vec::new(),
            divergence: None,
            weight_draw: 0,
            reshuffle_rng: seeded_rng(config.seed, streams::RESHUFFLE),
            dropout_rng: seeded_rng(config.seed, streams::DROPOUT),
            edit_rng: seeded_rng(config.seed, streams::EDITS),
            order: Vec::new(),
            weights_version: 0,
            shape_version: 0,
            config,
        };
        experiment.rebuild_sets();
        experiment.restart_history();
        experiment
    }

    /// Replaces the network by one read from a file: its features and layer sizes become the
    /// configuration's; the activations stay the configuration's. The epoch restarts at 0.
    pub fn set_initial_network(&mut self, loaded: LoadedNetwork) -> Result<(), ConfigErrors> {
        let mut config = self.config.clone();
        config.features = loaded.features.clone();
        config.hidden_layers = loaded.hidden_sizes();
        if config
            .layer_activations
            .as_ref()
            .is_some_and(|l| l.len() != config.hidden_layers.len())
        {
            config.layer_activations = None;
        }
        config.validate(self.source == DataSource::Generated)?;
        let network = loaded.into_network(&config.hidden_activations(), config.output_activation());
        self.config = config;
        self.install_network(network);
        Ok(())
    }

    fn install_network(&mut self, network: Network) {
        self.initial_network = network.clone();
        self.network = network;
        self.trainer = Trainer::new(&self.network);
        self.rebuild_sets();
        self.shape_version += 1;
        self.restart_history();
    }

    /// Feature values of every point, computed once per data and feature change.
    fn rebuild_sets(&mut self) {
        self.train_set = InputMatrix::new(&self.network.features, &self.data.train);
        self.test_set = InputMatrix::new(&self.network.features, &self.data.test);
        self.order = (0..self.data.train.len()).collect();
    }

    fn restart_history(&mut self) {
        self.epoch = 0;
        self.divergence = None;
        self.history.clear();
        self.trainer.clear();
        self.weights_version += 1;
        let stats = self.measure();
        self.history.push(stats);
    }

    fn measure(&mut self) -> EpochStats {
        let loss = self.config.loss;
        let train = self.trainer.evaluate(&self.network, &self.train_set, loss);
        let test = self.trainer.evaluate(&self.network, &self.test_set, loss);
        EpochStats {
            epoch: self.epoch,
            train_loss: train.loss,
            test_loss: test.loss,
            train_accuracy: train.accuracy,
            test_accuracy: test.accuracy,
        }
    }

    /// The hyperparameters of an epoch, from the configuration.
    pub fn train_settings(&self) -> TrainSettings {
        TrainSettings {
            learning_rate: self.config.learning_rate,
            regularization: self.config.regularization,
            regularization_rate: self.config.regularization_rate,
            batch_size: self.config.batch_size,
            loss: self.config.loss,
            optimizer: self.config.optimizer,
            momentum: self.config.momentum,
            dropout: self.config.dropout,
        }
    }

    /// Trains up to `epochs` epochs; stops early (and stays stopped until a reset) if training
    /// diverges. Returns how many epochs ran.
    pub fn step(&mut self, epochs: u64) -> u64 {
        let settings = self.train_settings();
        let mut done = 0;
        while done < epochs && self.divergence.is_none() {
            self.train_one_epoch(&settings);
            done += 1;
        }
        done
    }

    /// Trains one epoch without computing the losses (for benchmarks; the history is not updated).
    pub fn train_epoch_only(&mut self) {
        let settings = self.train_settings();
        self.run_trainer(&settings);
    }

    /// One pass of the trainer over the training set, in the fixed (or reshuffled) order.
    fn run_trainer(&mut self, settings: &TrainSettings) {
        let order = self
            .config
            .reshuffle_each_epoch
            .then_some(self.order.as_slice());
        self.trainer.train_epoch(
            &mut self.network,
            &self.train_set,
            order,
            settings,
            &mut self.dropout_rng,
        );
    }

    fn train_one_epoch(&mut self, settings: &TrainSettings) {
        if self.config.reshuffle_each_epoch {
            generators::shuffle(&mut self.order, &mut self.reshuffle_rng);
        }
        self.run_trainer(settings);
        self.epoch += 1;
        self.weights_version += 1;
        let stats = self.measure();
        self.history.push(stats);
        let losses = [stats.train_loss, stats.test_loss];
        if losses.iter().any(|l| !l.is_finite()) || !self.network.is_finite() {
            let what = if losses.iter().any(|l| l.is_nan()) {
                "not a number"
            } else {
                "infinite"
            };
            self.divergence = Some(Divergence {
                epoch: self.epoch,
                what,
            });
        }
    }

    /// New initial weights (or the same ones again with `replay_initial_weights`), epoch 0.
    pub fn reset(&mut self) {
        if !self.config.replay_initial_weights {
            self.weight_draw += 1;
            self.initial_network = build_network(&self.config, self.weight_draw);
        }
        self.network = self.initial_network.clone();
        self.network.revive_links();
        self.trainer = Trainer::new(&self.network);
        self.reshuffle_rng = seeded_rng(self.config.seed ^ self.weight_draw, streams::RESHUFFLE);
        self.dropout_rng = seeded_rng(self.config.seed ^ self.weight_draw, streams::DROPOUT);
        self.order = (0..self.data.train.len()).collect();
        self.restart_history();
    }

    /// New data from a new seed, keeping the weights and the epoch (the Playground's "regenerate").
    /// Does nothing for data from a file.
    pub fn regenerate_data(&mut self, seed: u64) {
        if self.source != DataSource::Generated {
            return;
        }
        self.config.seed = seed;
        self.regenerate_same_seed();
    }

    fn regenerate_same_seed(&mut self) {
        let c = &self.config;
        self.data = Data::generate(c.dataset, c.noise, c.train_ratio, c.seed);
        self.rebuild_sets();
        // The current point of the history is re-measured on the new data.
        let stats = self.measure();
        if let Some(last) = self.history.last_mut() {
            *last = stats;
        }
    }

    /// Applies a new configuration with as little disruption as possible: data settings
    /// regenerate the data, shape settings rebuild the network, and everything else (learning
    /// rate, activation, regularisation, batch size, optimiser) applies live, keeping the weights.
    pub fn apply_config(&mut self, new: ExperimentConfig) -> Result<ConfigChange, ConfigErrors> {
        new.validate(self.source == DataSource::Generated)?;
        let old = std::mem::replace(&mut self.config, new);
        let c = &self.config;
        let mut change = ConfigChange::default();
        let data_changed = self.source == DataSource::Generated
            && (old.dataset != c.dataset
                || old.noise != c.noise
                || old.train_ratio != c.train_ratio
                || old.seed != c.seed);
        let shape_changed = old.features != c.features
            || old.hidden_layers != c.hidden_layers
            || old.init_zero != c.init_zero
            || old.problem() != c.problem()
            || old.loss != c.loss;
        if data_changed {
            self.regenerate_same_seed();
            change.data_regenerated = true;
        }
        if shape_changed || (data_changed && old.dataset != self.config.dataset) {
            self.weight_draw += 1;
            let network = build_network(&self.config, self.weight_draw);
            self.install_network(network);
            change.network_rebuilt = true;
        } else {
            // Live: activations are properties of the layers; the rest is read every epoch.
            let activations = self.config.hidden_activations();
            let mut touched = false;
            for (layer, activation) in self.network.layers.iter_mut().zip(activations) {
                touched |= layer.activation != activation;
                layer.activation = activation;
            }
            for (layer, activation) in self
                .initial_network
                .layers
                .iter_mut()
                .zip(self.config.hidden_activations())
            {
                layer.activation = activation;
            }
            if touched {
                self.weights_version += 1;
                let stats = self.measure();
                if let Some(last) = self.history.last_mut() {
                    *last = stats;
                }
            }
            if old.reshuffle_each_epoch != self.config.reshuffle_each_epoch {
                self.order = (0..self.data.train.len()).collect();
            }
        }
        Ok(change)
    }

    /// Replaces the network's parameters (weight and bias edits, architecture edits made by the
    /// game). The shape must fit the limits; the history continues from the current epoch.
    pub fn replace_network(&mut self, network: Network) -> Result<(), ConfigErrors> {
        let mut config = self.config.clone();
        config.features = network.features.clone();
        config.hidden_layers = network.hidden_sizes();
        let activations: Vec<_> = network.layers[..network.layers.len() - 1]
            .iter()
            .map(|l| l.activation)
            .collect();
        config.layer_activations = if activations.iter().all(|a| *a == config.activation) {
            None
        } else {
            Some(activations)
        };
        config.validate(self.source == DataSource::Generated)?;
        let shape_changed =
            network.shape() != self.network.shape() || network.features != self.network.features;
        self.config = config;
        self.network = network;
        self.weights_version += 1;
        if shape_changed {
            self.trainer = Trainer::new(&self.network);
            self.rebuild_sets();
            self.shape_version += 1;
            self.initial_network = self.network.clone();
        }
        // A changed network means a training run that diverged may run again.
        self.divergence = None;
        let stats = self.measure();
        if let Some(last) = self.history.last_mut() {
            *last = stats;
        }
        Ok(())
    }

    /// Changes the architecture in place (add or remove a neuron, layer or feature), keeping every
    /// weight that still has a place; new links get fresh random weights. The epoch and history
    /// continue. Refused (and nothing changes) if the edit is impossible or breaks a limit.
    pub fn edit_network(
        &mut self,
        edit: impl FnOnce(&mut Network, &mut CoreRng) -> Result<(), EditError>,
    ) -> Result<(), ChangeError> {
        let mut network = self.network.clone();
        edit(&mut network, &mut self.edit_rng).map_err(ChangeError::Edit)?;
        self.replace_network(network).map_err(ChangeError::Config)
    }

    /// Sets one weight (`layer` indexes the layers after the inputs) as the player typed it.
    pub fn set_weight(
        &mut self,
        layer: usize,
        to: usize,
        from: usize,
        value: f64,
    ) -> Result<(), ChangeError> {
        self.edit_network(|n, _| {
            let l = n
                .layers
                .get_mut(layer)
                .ok_or(EditError::NoSuchLayer(layer))?;
            if to >= l.neurons() || from >= l.inputs() {
                return Err(EditError::NoSuchNeuron { layer, index: to });
            }
            l.weights[[to, from]] = value;
            // A weight typed by hand is alive again, even if L1 had killed it.
            l.dead[[to, from]] = false;
            Ok(())
        })
    }

    /// Sets one neuron's bias.
    pub fn set_bias(&mut self, layer: usize, neuron: usize, value: f64) -> Result<(), ChangeError> {
        self.edit_network(|n, _| {
            let l = n
                .layers
                .get_mut(layer)
                .ok_or(EditError::NoSuchLayer(layer))?;
            let b = l.biases.get_mut(neuron).ok_or(EditError::NoSuchNeuron {
                layer,
                index: neuron,
            })?;
            *b = value;
            Ok(())
        })
    }

    /// Evaluates every neuron over the evaluator's grid.
    pub fn evaluate_grid<'a>(&self, evaluator: &'a mut GridEvaluator) -> &'a NeuronGrids {
        evaluator.evaluate(&self.network)
    }

    pub fn config(&self) -> &ExperimentConfig {
        &self.config
    }

    pub fn network(&self) -> &Network {
        &self.network
    }

    pub fn initial_network(&self) -> &Network {
        &self.initial_network
    }

    pub fn data(&self) -> &Data {
        &self.data
    }

    /// Whether the data came from a file (then it is never regenerated).
    pub fn data_from_file(&self) -> Option<&str> {
        match &self.source {
            DataSource::File(name) => Some(name),
            DataSource::Generated => None,
        }
    }

    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// One entry per epoch, starting with epoch 0.
    pub fn history(&self) -> &[EpochStats] {
        &self.history
    }

    /// The newest entry of the history.
    pub fn latest(&self) -> EpochStats {
        *self
            .history
            .last()
            .expect("the history starts with epoch 0")
    }

    pub fn divergence(&self) -> Option<&Divergence> {
        self.divergence.as_ref()
    }

    pub fn weights_version(&self) -> u64 {
        self.weights_version
    }

    pub fn shape_version(&self) -> u64 {
        self.shape_version
    }

    pub fn problem(&self) -> Problem {
        self.config.problem()
    }
}

/// Why a change to the network was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum ChangeError {
    Edit(EditError),
    Config(ConfigErrors),
}

impl std::fmt::Display for ChangeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChangeError::Edit(e) => write!(f, "{e}"),
            ChangeError::Config(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ChangeError {}

/// The network a configuration describes, from its seed and the given draw of weights.
pub fn build_network(config: &ExperimentConfig, draw: u64) -> Network {
    let mut rng = seeded_rng(config.seed.wrapping_add(draw), streams::WEIGHTS);
    Network::random(
        &config.features,
        &config.hidden_layers,
        &config.hidden_activations(),
        config.output_activation(),
        config.init_zero,
        &mut rng,
    )
}

#[cfg(test)]
mod tests;
