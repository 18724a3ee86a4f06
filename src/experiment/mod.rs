//! An experiment: configuration, data, network, epoch and history. The one source of truth that
//! the CLI drives headlessly and the game mirrors into entities.

pub mod compare;
pub mod config;
pub mod file;
pub mod history;
pub mod playground_link;
pub mod rules;
pub mod slow_motion;
pub mod undo;

pub use config::{ConfigErrors, ExperimentConfig, FieldError, Limits};
pub use history::History;
pub use rules::{Edit, EditRules, KeyShift, NEW_LAYER_NEURONS, Palette, Setting};
pub use undo::{Snapshot, UndoHistory};

use crate::data::csv_file::DataFile;
use crate::data::{CoreRng, Data, Problem, generators, seeded_rng, streams};
use crate::nn::weights_file::LoadedNetwork;
use crate::nn::{GridEvaluator, InputMatrix, Network, NeuronGrids, TrainSettings, Trainer};

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
    /// The message the player sees in the game.
    pub fn message(&self) -> String {
        format!(
            "Training diverged at epoch {}: the loss became {}. Lower the learning rate and press Reset.",
            self.epoch, self.what
        )
    }

    /// The message of the command line (which has no Reset button).
    pub fn cli_message(&self) -> String {
        format!(
            "Training diverged at epoch {}: the loss became {}. Lower the learning rate (--lr) and run again.",
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
    history: History,
    divergence: Option<Divergence>,
    /// Bumped whenever the history starts over (new weights, a reset): who watches the history
    /// (a level's goal) knows that a new attempt began.
    run: u64,
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
        let data = generate_data(&config);
        Ok(Self::assemble(config, data, DataSource::Generated))
    }

    /// An experiment on the data of a file. The labels must fit the problem type and the number
    /// of classes.
    pub fn with_data_file(config: ExperimentConfig, file: &DataFile) -> Result<Self, ConfigErrors> {
        config.validate(false)?;
        file.check_problem(config.problem(), config.classes)
            .map_err(|e| ConfigErrors::single("data", &file.name, e.to_string()))?;
        let data = file.data_for(config.problem(), config.classes);
        Ok(Self::assemble(
            config,
            data,
            DataSource::File(file.name.clone()),
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
            history: History::default(),
            divergence: None,
            run: 0,
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
        let outputs = loaded.layers.last().map_or(0, |(_, b)| b.len());
        if outputs != self.config.output_count() {
            return Err(ConfigErrors::single(
                "layers",
                format!("{outputs} output neurons"),
                format!(
                    "{} (one per class with 3 or more classes, else 1)",
                    self.config.output_count()
                ),
            ));
        }
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
        self.run += 1;
        self.trainer.clear();
        self.weights_version += 1;
        let stats = self.measure();
        self.history.push(stats);
        self.note_divergence();
    }

    /// Measures the current network again and puts the result in place of the newest entry.
    fn remeasure(&mut self) {
        let stats = self.measure();
        if let Some(last) = self.history.latest_mut() {
            *last = stats;
        }
        self.note_divergence();
    }

    fn measure(&mut self) -> EpochStats {
        let loss = self.config.effective_loss();
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
            loss: self.config.effective_loss(),
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
        self.note_divergence();
    }

    /// Whether the current network has blown up: a loss that is not a finite number, or a weight
    /// that is not. A network that is finite again (an undo, a reset) may train again; one that
    /// diverged earlier keeps its first epoch of divergence.
    fn note_divergence(&mut self) {
        let stats = self.latest();
        let losses = [stats.train_loss, stats.test_loss];
        if losses.iter().all(|l| l.is_finite()) && self.network.is_finite() {
            self.divergence = None;
        } else if self.divergence.is_none() {
            let what = if losses.iter().any(|l| l.is_nan()) || !self.network.is_finite() {
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
        self.restart_from_initial();
    }

    /// Starts again from the `draw`th set of initial weights of this configuration (0 is the
    /// first): the same data, other weights, as another seed of the same run.
    pub fn redraw_weights(&mut self, draw: u64) {
        self.weight_draw = draw;
        self.initial_network = build_network(&self.config, draw);
        self.restart_from_initial();
    }

    fn restart_from_initial(&mut self) {
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
        // The Playground draws a new seed string here; ours leaves its stream for our own.
        self.config.playground_seed = None;
        self.regenerate_same_seed();
    }

    fn regenerate_same_seed(&mut self) {
        self.data = generate_data(&self.config);
        self.rebuild_sets();
        // The current point of the history is re-measured on the new data.
        self.remeasure();
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
                || old.seed != c.seed
                || old.classes != c.classes);
        let shape_changed = old.features != c.features
            || old.hidden_layers != c.hidden_layers
            || old.init_zero != c.init_zero
            || old.problem() != c.problem()
            || old.output_count() != c.output_count()
            || old.effective_loss() != c.effective_loss();
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
                self.remeasure();
            }
            if old.reshuffle_each_epoch != self.config.reshuffle_each_epoch {
                self.order = (0..self.data.train.len()).collect();
            }
        }
        Ok(change)
    }

    /// Replaces the network (a network opened by the player, an undo). Its shape must fit the
    /// limits; the epoch and history continue, the current point re-measured.
    pub fn replace_network(&mut self, network: Network) -> Result<(), ConfigErrors> {
        let mut config = self.config.clone();
        shape_into_config(&network, &mut config);
        config.validate(self.source == DataSource::Generated)?;
        if network.outputs() != config.output_count() {
            return Err(ConfigErrors::single(
                "network",
                format!("{} outputs", network.outputs()),
                format!("{} outputs for this problem", config.output_count()),
            ));
        }
        network.check_layout().map_err(|why| {
            ConfigErrors::single("network", "its layers", format!("consistent layers: {why}"))
        })?;
        self.install_edited(network);
        Ok(())
    }

    /// Puts an edited network in place: the configuration's shape follows it, and the trainer
    /// and input sets are rebuilt if the shape changed. The epoch and history continue.
    fn install_edited(&mut self, network: Network) {
        let shape_changed =
            network.shape() != self.network.shape() || network.features != self.network.features;
        self.network = network;
        shape_into_config(&self.network, &mut self.config);
        self.weights_version += 1;
        if shape_changed {
            self.trainer = Trainer::new(&self.network);
            self.rebuild_sets();
            self.shape_version += 1;
            self.initial_network = self.network.clone();
        }
        // A changed network may train again, unless it still holds numbers that are not
        // (`remeasure` decides).
        self.remeasure();
    }

    /// Makes an edit by hand if `rules` allow it (and the limits): the network changes in place,
    /// keeping every weight that still has a place; new links get fresh random weights. The epoch
    /// and history continue. Returns how node keys moved, or why the edit was refused (then
    /// nothing changed).
    pub fn apply_edit(
        &mut self,
        edit: &Edit,
        rules: &EditRules,
    ) -> Result<Option<KeyShift>, String> {
        if let Some(reason) = rules.refusal(&self.network, self.config.limits, edit) {
            return Err(reason);
        }
        let mut network = self.network.clone();
        let rng = &mut self.edit_rng;
        let new_layer_size = NEW_LAYER_NEURONS.min(self.config.limits.max_neurons_per_layer);
        let result = match *edit {
            Edit::InsertLayer { at } => {
                network.insert_layer(at, new_layer_size, self.config.activation, rng)
            }
            Edit::RemoveLayer { layer } => network.remove_layer(layer, rng),
            Edit::AddNeuron { layer } => network.add_neuron(layer, rng),
            Edit::RemoveNeuron { layer, index } => network.remove_neuron(layer, index),
            Edit::AddFeature(f) => network.add_feature(f, rng),
            Edit::RemoveFeature(f) => network.remove_feature(f),
            Edit::SetWeight {
                source,
                target,
                value,
            } => {
                network.set_weight(source, target, value);
                Ok(())
            }
            Edit::SetBias { node, value } => {
                network.set_bias(node, value);
                Ok(())
            }
        };
        result.map_err(|e| e.to_string())?;
        self.install_edited(network);
        Ok(edit.key_shift())
    }

    /// What this experiment did after `epoch` (for a copy trained on another thread to report).
    pub fn progress_since(&self, epoch: u64) -> TrainingProgress {
        TrainingProgress {
            network: self.network.clone(),
            epoch: self.epoch,
            history: self.history.since(epoch).to_vec(),
            divergence: self.divergence.clone(),
        }
    }

    /// Shows what a copy trained elsewhere did: its network, epoch, history and divergence.
    /// (The copy itself, with its trainer's state, takes this one's place when it stops.)
    pub fn show_progress(&mut self, progress: TrainingProgress) {
        for stats in progress.history {
            if stats.epoch > self.epoch {
                self.history.push(stats);
                self.epoch = stats.epoch;
            }
        }
        self.epoch = progress.epoch;
        self.network = progress.network;
        self.divergence = progress.divergence;
        self.weights_version += 1;
    }

    /// Says the weights changed (whoever shows them redraws).
    pub fn mark_changed(&mut self) {
        self.weights_version += 1;
    }

    /// The state an undo goes back to.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            network: self.network.clone(),
        }
    }

    /// Puts back a snapshot's network, weights and shape in one step; the epoch and history
    /// continue (an undo does not give back epochs). Refused, changing nothing, if the snapshot
    /// no longer fits (another number of outputs, limits it breaks).
    pub fn restore(&mut self, snapshot: &Snapshot) -> Result<(), String> {
        self.replace_network(snapshot.network.clone())
            .map_err(|e| format!("That step cannot be undone any more: {e}"))
    }

    /// Checks that every part agrees with every other: the network's layout and shape, the
    /// configuration's shape fields, the input sets, the history. For tests of long random
    /// sequences of actions; `Err` names the first disagreement.
    pub fn check_consistency(&self) -> Result<(), String> {
        let n = &self.network;
        n.check_layout()?;
        let c = &self.config;
        let fail = |what: String| Err(what);
        if c.features != n.features {
            return fail(format!(
                "config features {:?} vs network {:?}",
                c.features, n.features
            ));
        }
        if c.hidden_layers != n.hidden_sizes() {
            return fail(format!(
                "config layers {:?} vs network {:?}",
                c.hidden_layers,
                n.hidden_sizes()
            ));
        }
        if n.outputs() != c.output_count() {
            return fail(format!(
                "{} outputs, {} expected",
                n.outputs(),
                c.output_count()
            ));
        }
        if n.output_layer().activation != c.output_activation() {
            return fail(format!(
                "output activation {} vs {}",
                n.output_layer().activation,
                c.output_activation()
            ));
        }
        for (set, examples, name) in [
            (&self.train_set, &self.data.train, "train"),
            (&self.test_set, &self.data.test, "test"),
        ] {
            if set.width != n.features.len() || set.len() != examples.len() {
                return fail(format!(
                    "the {name} set does not match the data and features"
                ));
            }
        }
        if self.latest().epoch != self.epoch {
            return fail(format!(
                "history ends at {} but the epoch is {}",
                self.latest().epoch,
                self.epoch
            ));
        }
        c.validate(self.source == DataSource::Generated)
            .map_err(|e| format!("the configuration is invalid: {e}"))
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

    pub fn data(&self) -> &Data {
        &self.data
    }

    /// Replaces the data with the player's own (drawn, or opened from a file), keeping the
    /// weights and the epoch as the Playground's "regenerate" does, so the boundary follows the
    /// points as they are drawn; the current point of the history is re-measured. The labels
    /// must fit the problem and the classes, and each set needs a point. Refused, nothing
    /// changes.
    pub fn use_own_data(&mut self, data: Data, name: &str) -> Result<(), ConfigErrors> {
        if data.train.is_empty() || data.test.is_empty() {
            return Err(ConfigErrors::single(
                "data",
                name,
                "at least one training point and one test point",
            ));
        }
        let limit = crate::data::csv_file::MAX_VALUE;
        if let Some(e) = data
            .train
            .iter()
            .chain(&data.test)
            .find(|e| e.x1.abs() > limit || e.x2.abs() > limit || e.label.abs() > limit)
        {
            return Err(ConfigErrors::single(
                "data",
                format!("a point at {}, {} labelled {}", e.x1, e.x2, e.label),
                format!("numbers from -{limit:e} to {limit:e}"),
            ));
        }
        let count = data.train.len() + data.test.len();
        if count > crate::limits::MAX_DATA_ROWS {
            return Err(ConfigErrors::single(
                "data",
                format!("{count} points"),
                format!("at most {} points", crate::limits::MAX_DATA_ROWS),
            ));
        }
        if let Some(e) = data
            .train
            .iter()
            .chain(&data.test)
            .find(|e| !(e.x1.is_finite() && e.x2.is_finite() && e.label.is_finite()))
        {
            return Err(ConfigErrors::single(
                "data",
                name,
                format!(
                    "finite numbers (a point is at {}, {} labelled {})",
                    e.x1, e.x2, e.label
                ),
            ));
        }
        let file = DataFile {
            name: name.to_string(),
            train_lines: (1..=data.train.len() as u64).collect(),
            test_lines: (1..=data.test.len() as u64)
                .map(|n| n + data.train.len() as u64)
                .collect(),
            data,
        };
        file.check_problem(self.config.problem(), self.config.classes)
            .map_err(|e| ConfigErrors::single("data", name, e.to_string()))?;
        self.data = file.data_for(self.config.problem(), self.config.classes);
        self.source = DataSource::File(name.to_string());
        self.rebuild_sets();
        self.remeasure();
        Ok(())
    }

    /// Puts back a saved run's history (oldest first, the last entry the current epoch) on the
    /// current network; the last entry is re-measured, so it matches the weights and data.
    pub fn restore_history(&mut self, history: &[EpochStats]) -> Result<(), String> {
        let Some(last) = history.last() else {
            return Err("the history is empty".into());
        };
        if history.windows(2).any(|w| w[1].epoch <= w[0].epoch) {
            return Err("the history's epochs do not increase".into());
        }
        if last.epoch > crate::limits::MAX_EPOCH {
            return Err(format!(
                "epoch {} is more than {}, the most an experiment may have trained",
                last.epoch,
                crate::limits::MAX_EPOCH
            ));
        }
        self.history.clear();
        for stats in history {
            self.history.push(*stats);
        }
        self.epoch = last.epoch;
        self.divergence = None;
        self.remeasure();
        Ok(())
    }

    /// Back to the configuration's generated dataset (its seed), keeping the weights.
    pub fn use_generated_data(&mut self) {
        self.source = DataSource::Generated;
        self.regenerate_same_seed();
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

    /// The history, epoch 0 first: every epoch of a short run; in a long one, the newest epochs
    /// and older ones at an even spacing (see [`History`]).
    pub fn history(&self) -> &[EpochStats] {
        self.history.entries()
    }

    /// The entries of the epochs after `epoch`.
    pub fn history_since(&self, epoch: u64) -> &[EpochStats] {
        self.history.since(epoch)
    }

    /// Counts the times the history started over (reset, new network).
    pub fn run_number(&self) -> u64 {
        self.run
    }

    /// The newest entry of the history.
    pub fn latest(&self) -> EpochStats {
        *self
            .history
            .latest()
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

/// What a copy of an experiment trained elsewhere (on another thread) did since it was last
/// asked: enough for the original to show it, without the trainer's inner state.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingProgress {
    pub network: Network,
    pub epoch: u64,
    /// The history entries after the epoch the copy was asked about.
    pub history: Vec<EpochStats>,
    pub divergence: Option<Divergence>,
}

/// The network a configuration describes, from its seed and the given draw of weights.
///
/// With a Playground seed, the weights continue the page's random stream after the data, as the
/// page draws them; each further draw is the next network from the same stream, as pressing the
/// page's reset button again would make.
pub fn build_network(config: &ExperimentConfig, draw: u64) -> Network {
    let build = |rng: &mut dyn crate::data::Uniform01| {
        Network::random_with_outputs(
            &config.features,
            &config.hidden_layers,
            &config.hidden_activations(),
            config.output_count(),
            config.output_activation(),
            config.init_zero,
            rng,
        )
    };
    match &config.playground_seed {
        Some(seed) => {
            let (_, mut rng) =
                Data::generate_playground(config.dataset, config.noise, config.train_ratio, seed);
            let mut network = build(&mut rng);
            for _ in 0..draw {
                network = build(&mut rng);
            }
            network
        }
        None => build(&mut seeded_rng(
            config.seed.wrapping_add(draw),
            streams::WEIGHTS,
        )),
    }
}

/// The generated data a configuration describes.
fn generate_data(config: &ExperimentConfig) -> Data {
    if let Some(seed) = &config.playground_seed {
        return Data::generate_playground(config.dataset, config.noise, config.train_ratio, seed).0;
    }
    Data::generate_with_classes(
        config.dataset,
        config.noise,
        config.train_ratio,
        config.seed,
        config.classes,
    )
}

/// Writes the network's shape (features, hidden layers, their activations) into the
/// configuration: the network is the one source of its shape.
fn shape_into_config(network: &Network, config: &mut ExperimentConfig) {
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
}

#[cfg(test)]
mod tests;
