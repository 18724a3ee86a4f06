//! The CNN mode's run: the images, the network being trained (or a model the player opened),
//! the image being looked at and every layer's maps for it. Training goes batch by batch inside
//! a time budget per frame (natively each batch uses every core), and the test set is evaluated
//! a slice per frame, so frames keep coming while the network learns.

use bevy::ecs::component::Mutable;
use bevy::prelude::*;

use super::CnnStage;
use crate::cnn::images::{ImageDataset, ImageSet};
use crate::cnn::train::{CnnOptimizer, CnnTraining, Predictions};
use crate::cnn::{Activations, CnnModel, MiniSpec, Padding, Shape};
use crate::game::notices::Notices;
use crate::level::cnn::CnnLevelSetup;

pub(super) fn plugin(app: &mut App) {
    app.add_message::<CnnAction>()
        .configure_sets(
            Update,
            (CnnSet::Apply, CnnSet::Train)
                .chain()
                .run_if(in_state(CnnStage)),
        )
        .add_systems(OnEnter(CnnStage), open_first_run);
}

/// Ordering of the mode's systems within a frame.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum CnnSet {
    /// Player actions change the run.
    Apply,
    /// Training, the rates and the maps.
    Train,
}

/// A change the player asks of the CNN: every panel, view, key and opened file writes one, and
/// [`apply_actions`] makes it or says why not.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum CnnAction {
    /// Train (true) or pause.
    Play(bool),
    /// One batch now; pauses training.
    Step,
    /// New weights from the seed; the history starts again.
    Reset,
    /// New images: another dataset, class count or seed (the network starts afresh).
    Images {
        dataset: ImageDataset,
        classes: usize,
        seed: u64,
    },
    /// Another network shape.
    Network(MiniSpec),
    /// Another optimiser or batch size (training goes on).
    Optimizer {
        optimizer: CnnOptimizer,
        batch_size: usize,
    },
    /// A model from a file, shown instead of the trained network.
    OpenModel { model: Box<CnnModel>, name: String },
    /// Back to the network this mode trains.
    CloseModel,
    /// A picture (in the shown model's input size) to look at: the drawing pad's or a file's.
    Picture { pixels: Vec<f32>, name: String },
    /// The drawing joins the training set as this class.
    AddDrawing(usize),
    /// Which image the views show.
    Show(Shown),
    /// One weight of the shown model, edited by hand (the kernel editor).
    SetParameter { index: usize, value: f32 },
}

/// What a level being played says about the run. The level run, a resource of its own beside
/// the sim, answers; the sim knows no level, and a free run has [`NoLevel`].
pub trait CnnRules {
    /// Why this action is refused now, if it is.
    fn refusal(&self, sim: &CnnSim, action: &CnnAction) -> Option<String>;
    /// Whether training may go on.
    fn allows_training(&self) -> bool;
    /// After every epoch and every hand edit: the level is judged (a verdict stops training).
    fn judge(&mut self, sim: &mut CnnSim);
}

/// The free run: nothing is refused, nothing judged.
pub struct NoLevel;

/// The rules of the level being played, or the free run's.
pub fn rules_or_free<'a, L: CnnRules>(
    level: Option<&'a mut L>,
    free: &'a mut NoLevel,
) -> &'a mut dyn CnnRules {
    match level {
        Some(level) => level,
        None => free,
    }
}

impl CnnRules for NoLevel {
    fn refusal(&self, _: &CnnSim, _: &CnnAction) -> Option<String> {
        None
    }
    fn allows_training(&self) -> bool {
        true
    }
    fn judge(&mut self, _: &mut CnnSim) {}
}

/// Makes the player's changes under the rules of the level being played (`L`, the level run's
/// resource), if one is; a refused one becomes a notice at once, on the CNN screen.
pub fn apply_actions<L: CnnRules + Resource + Component<Mutability = Mutable>>(
    mut actions: MessageReader<CnnAction>,
    sim: Option<ResMut<CnnSim>>,
    level: Option<ResMut<L>>,
    mut notices: ResMut<Notices>,
) {
    let Some(mut sim) = sim else {
        actions.clear();
        return;
    };
    let (mut level, mut free) = (level, NoLevel);
    let rules = rules_or_free(level.as_deref_mut(), &mut free);
    for action in actions.read() {
        apply(&mut sim, rules, action.clone(), &mut notices);
    }
}

/// One action on the run.
pub fn apply(sim: &mut CnnSim, rules: &mut dyn CnnRules, action: CnnAction, notices: &mut Notices) {
    if let Some(why) = rules.refusal(sim, &action) {
        notices.refused(why);
        return;
    }
    let done = match action {
        CnnAction::Play(on) => {
            if on && !sim.can_train() {
                Err("An opened model is not trained here: close it to train the network.".into())
            } else {
                sim.playing = on;
                Ok(())
            }
        }
        CnnAction::Step => {
            sim.playing = false;
            sim.step_once(rules);
            Ok(())
        }
        CnnAction::Reset => {
            sim.playing = false;
            sim.rebuild()
        }
        CnnAction::Images {
            dataset,
            classes,
            seed,
        } => sim.regenerate(dataset, classes, seed),
        CnnAction::Network(spec) => sim
            .set_spec(spec)
            .map_err(|e| format!("That network does not fit: {e}")),
        CnnAction::Optimizer {
            optimizer,
            batch_size,
        } => sim.set_optimizer(optimizer, batch_size),
        CnnAction::OpenModel { model, name } => {
            sim.open_model(*model, name);
            Ok(())
        }
        CnnAction::CloseModel => {
            sim.close_model();
            Ok(())
        }
        CnnAction::Picture { pixels, name } => {
            sim.show_picture(pixels, name);
            Ok(())
        }
        CnnAction::AddDrawing(label) => sim.add_drawing(label).map(|()| {
            notices.info(format!(
                "Added as {}: {} training images now.",
                sim.train.class_names.get(label).map_or("?", String::as_str),
                sim.train.len()
            ));
        }),
        CnnAction::Show(shown) => {
            sim.show(shown);
            Ok(())
        }
        CnnAction::SetParameter { index, value } => {
            sim.set_parameter(index, value);
            rules.judge(sim);
            Ok(())
        }
    };
    if let Err(why) = done {
        notices.refused(why);
    }
}

/// Images classified to time an opened model (Tiny VGG: about 25 ms in a browser, once).
const INFERENCE_TIMING_RUNS: u32 = 10;
/// Test images evaluated per slice while an epoch's results are gathered.
const EVAL_SLICE: usize = 25;

/// Which image the views show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Test(usize),
    /// The player's drawing or opened picture.
    Custom,
}

/// Where the shown model comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelSource {
    /// The mini Tiny VGG this mode trains.
    Trained,
    /// A model file the player opened (CNN Explainer's Tiny VGG, say).
    Opened(String),
}

#[derive(Resource)]
pub struct CnnSim {
    pub dataset: ImageDataset,
    pub classes: usize,
    pub seed: u64,
    pub spec: MiniSpec,
    pub optimizer: CnnOptimizer,
    pub batch_size: usize,
    pub train: ImageSet,
    pub test: ImageSet,
    pub training: CnnTraining,
    pub source: ModelSource,
    /// The model the views show: the trained one, or the opened one.
    pub opened: Option<CnnModel>,
    pub playing: bool,
    pub shown: Shown,
    /// The drawing or picture, in the shown model's input size.
    pub custom: Vec<f32>,
    pub custom_name: String,
    /// The shown image's maps, and a counter that moves when they change.
    pub acts: Activations,
    pub acts_version: u64,
    /// The test set's predictions at the last finished epoch.
    pub predictions: Predictions,
    evaluating: Option<(Predictions, usize)>,
    /// Training images per second of play over the last second (what the player gets), the
    /// same per second of training time (the engine's speed), and the last frame's training time.
    pub images_per_s: f64,
    pub training_images_per_s: f64,
    pub train_ms_last_frame: f64,
    /// For an opened model: milliseconds to classify one image, timed when it opened.
    pub inference_ms: Option<f64>,
    /// The weights changed since the maps were computed.
    pub(super) weights_changed: bool,
    /// Seconds since the maps were last recomputed while training.
    pub(super) since_refresh: f32,
}

impl CnnSim {
    pub fn new(
        dataset: ImageDataset,
        classes: usize,
        seed: u64,
        spec: MiniSpec,
    ) -> Result<Self, String> {
        let (train, test) = dataset.generate(classes, seed)?;
        let model = spec
            .build(train.shape, train.class_names.clone(), seed)
            .map_err(|e| e.to_string())?;
        let optimizer = CnnOptimizer::default();
        let custom = vec![0.0; train.shape.len()];
        let mut sim = Self {
            dataset,
            classes,
            seed,
            spec,
            optimizer,
            batch_size: 16,
            training: CnnTraining::new(model, optimizer, 16, seed),
            train,
            test,
            source: ModelSource::Trained,
            opened: None,
            playing: false,
            shown: Shown::Test(0),
            custom,
            custom_name: "your drawing".into(),
            acts: Activations::default(),
            acts_version: 0,
            predictions: Predictions::default(),
            evaluating: None,
            images_per_s: 0.0,
            training_images_per_s: 0.0,
            train_ms_last_frame: 0.0,
            inference_ms: None,
            weights_changed: false,
            since_refresh: 0.0,
        };
        sim.predictions = crate::cnn::train::predict_all(&sim.training.model, &sim.test);
        sim.refresh_maps();
        Ok(sim)
    }

    /// The model the views show.
    pub fn model(&self) -> &CnnModel {
        self.opened.as_ref().unwrap_or(&self.training.model)
    }

    /// Whether this network is trained here (an opened model is only looked at). A level may
    /// forbid training too: ask its rules.
    pub fn can_train(&self) -> bool {
        self.opened.is_none()
    }

    /// The settings as a level sees them.
    pub fn setup(&self) -> CnnLevelSetup {
        CnnLevelSetup {
            dataset: self.dataset,
            classes: self.classes,
            seed: self.seed,
            spec: self.spec,
            optimizer: self.optimizer,
            batch_size: self.batch_size,
        }
    }

    /// Puts a level's settings in place (its start or its answer), with new weights.
    pub fn set_level_setup(&mut self, setup: &CnnLevelSetup) -> Result<(), String> {
        if (setup.dataset, setup.classes, setup.seed) != (self.dataset, self.classes, self.seed) {
            self.regenerate(setup.dataset, setup.classes, setup.seed)?;
        }
        self.spec = setup.spec;
        self.set_optimizer(setup.optimizer, setup.batch_size)?;
        self.playing = false;
        self.rebuild()
    }

    /// The image the views show.
    pub fn image(&self) -> &[f32] {
        match self.shown {
            Shown::Test(i) if self.opened.is_none() && i < self.test.len() => self.test.image(i),
            _ => &self.custom,
        }
    }

    /// The shown image's true class, when it has one.
    pub fn shown_label(&self) -> Option<usize> {
        match self.shown {
            Shown::Test(i) if self.opened.is_none() => self.test.labels.get(i).copied(),
            _ => None,
        }
    }

    pub fn refresh_maps(&mut self) {
        let image = self.image().to_vec();
        self.acts = self.model().forward(&image);
        self.acts_version += 1;
        self.weights_changed = false;
        self.since_refresh = 0.0;
    }

    pub fn show(&mut self, shown: Shown) {
        self.shown = shown;
        self.refresh_maps();
    }

    /// Starts training afresh with the current settings (new weights from the seed).
    pub fn rebuild(&mut self) -> Result<(), String> {
        let model = self
            .spec
            .build(self.train.shape, self.train.class_names.clone(), self.seed)
            .map_err(|e| e.to_string())?;
        self.training = CnnTraining::new(model, self.optimizer, self.batch_size, self.seed);
        self.evaluating = None;
        self.predictions = crate::cnn::train::predict_all(&self.training.model, &self.test);
        self.refresh_maps();
        Ok(())
    }

    /// New images (another dataset, class count or seed); the network starts afresh.
    pub fn regenerate(
        &mut self,
        dataset: ImageDataset,
        classes: usize,
        seed: u64,
    ) -> Result<(), String> {
        let (train, test) = dataset.generate(classes, seed)?;
        // Digits are 8x8: valid padding would shrink them to nothing; same keeps them.
        let mut spec = self.spec;
        if dataset == ImageDataset::Digits && self.dataset != ImageDataset::Digits {
            spec.padding = Padding::Same;
        }
        spec.build(train.shape, train.class_names.clone(), seed)
            .map_err(|e| format!("the network does not fit these images: {e}"))?;
        self.spec = spec;
        self.dataset = dataset;
        self.classes = classes;
        self.seed = seed;
        self.custom = vec![0.0; train.shape.len()];
        self.train = train;
        self.test = test;
        self.shown = Shown::Test(0);
        self.playing = false;
        self.rebuild()
    }

    /// A new network shape; refused (with the reason) when it does not fit the images.
    pub fn set_spec(&mut self, spec: MiniSpec) -> Result<(), String> {
        let old = self.spec;
        self.spec = spec;
        if let Err(e) = self.rebuild() {
            self.spec = old;
            return Err(e);
        }
        Ok(())
    }

    pub fn set_optimizer(
        &mut self,
        optimizer: CnnOptimizer,
        batch_size: usize,
    ) -> Result<(), String> {
        let kind_changed = optimizer.name() != self.optimizer.name();
        self.optimizer = optimizer;
        self.batch_size = batch_size.max(1);
        self.training.optimizer = optimizer;
        self.training.batch_size = self.batch_size;
        if kind_changed {
            self.training.reset_optimizer_state();
        }
        Ok(())
    }

    /// Shows an opened model; its own pictures replace the data's. Times one image through
    /// it (the mean of a few, shown beside the model's name).
    pub fn open_model(&mut self, model: CnnModel, name: String) {
        self.playing = false;
        self.custom = default_picture(model.input);
        let start = bevy::platform::time::Instant::now();
        for _ in 0..INFERENCE_TIMING_RUNS {
            std::hint::black_box(model.predict(&self.custom));
        }
        self.inference_ms =
            Some(start.elapsed().as_secs_f64() * 1000.0 / f64::from(INFERENCE_TIMING_RUNS));
        self.custom_name = "a sample picture (an orange disc)".into();
        self.opened = Some(model);
        self.source = ModelSource::Opened(name);
        self.shown = Shown::Custom;
        self.refresh_maps();
    }

    /// Back to the network this mode trains.
    pub fn close_model(&mut self) {
        self.opened = None;
        self.inference_ms = None;
        self.source = ModelSource::Trained;
        self.custom = vec![0.0; self.train.shape.len()];
        self.custom_name = "your drawing".into();
        self.shown = Shown::Test(0);
        self.refresh_maps();
    }

    /// A picture (already in the model's input size) to look at.
    pub fn show_picture(&mut self, pixels: Vec<f32>, name: String) {
        self.custom = pixels;
        self.custom_name = name;
        self.shown = Shown::Custom;
        self.refresh_maps();
    }

    /// Adds the drawing to the training set as `label`.
    pub fn add_drawing(&mut self, label: usize) -> Result<(), String> {
        if self.opened.is_some() {
            return Err("an opened model is not trained here".into());
        }
        let drawing = self.custom.clone();
        self.train.push(&drawing, label)
    }

    /// Changes one weight of the shown model (hand-edited kernels) and recomputes the maps (a
    /// value that is not a number is ignored).
    pub fn set_parameter(&mut self, index: usize, value: f32) {
        let model = match self.opened.as_mut() {
            Some(m) => m,
            None => &mut self.training.model,
        };
        if let Some(p) = model.params.get_mut(index)
            && value.is_finite()
        {
            *p = value;
        }
        if self.opened.is_none() {
            self.training.reset_optimizer_state();
        }
        self.refresh_maps();
    }

    /// One batch now (the Step button).
    pub fn step_once(&mut self, rules: &mut dyn CnnRules) {
        if !self.can_train() || !rules.allows_training() {
            return;
        }
        if self.training.step(&self.train) {
            let predictions = crate::cnn::train::predict_all(&self.training.model, &self.test);
            self.record_epoch(predictions, rules);
        }
        self.refresh_maps();
    }

    /// An epoch's test results are in: kept, and the level (if any) judges them.
    fn record_epoch(&mut self, predictions: Predictions, rules: &mut dyn CnnRules) {
        self.training.finish_epoch_with(&self.test, &predictions);
        self.predictions = predictions;
        rules.judge(self);
    }

    /// Trains for up to `budget_ms`, or until a level's verdict stops training; returns the
    /// images used.
    pub fn train_for(&mut self, budget_ms: f64, rules: &mut dyn CnnRules) -> usize {
        let start = bevy::platform::time::Instant::now();
        let elapsed = || start.elapsed().as_secs_f64() * 1000.0;
        let mut images = 0;
        while elapsed() < budget_ms {
            if let Some((mut partial, next)) = self.evaluating.take() {
                let end = (next + EVAL_SLICE).min(self.test.len());
                let slice =
                    crate::cnn::train::predict_range(&self.training.model, &self.test, next..end);
                partial.append(slice);
                if end >= self.test.len() {
                    self.record_epoch(partial, rules);
                    if !self.playing {
                        break;
                    }
                } else {
                    self.evaluating = Some((partial, end));
                }
                continue;
            }
            let before = self.training.position;
            let finished = self.training.step(&self.train);
            images += self.training.position.saturating_sub(before).max(1);
            self.weights_changed = true;
            if finished {
                self.evaluating = Some((Predictions::default(), 0));
            }
        }
        images
    }

    /// Whether the epoch's test results are being gathered.
    pub fn evaluating(&self) -> bool {
        self.evaluating.is_some()
    }
}

/// A sample picture for an opened model: an orange disc on a blue-grey background (Tiny VGG
/// calls it an orange), or a white disc for a one-channel model.
pub fn default_picture(shape: Shape) -> Vec<f32> {
    let mut image = Vec::with_capacity(shape.len());
    let (h, w) = (shape.height as f32, shape.width as f32);
    for row in 0..shape.height {
        for col in 0..shape.width {
            let d = ((row as f32 - h / 2.0).powi(2) + (col as f32 - w * 0.47).powi(2)).sqrt();
            let inside = d < h * 0.31;
            let rgb = if inside {
                [0.95, 0.45 + 0.25 * row as f32 / h, 0.1]
            } else {
                [0.35, 0.42, 0.5 + 0.2 * col as f32 / w]
            };
            match shape.channels {
                3 => image.extend(rgb),
                c => image.extend(std::iter::repeat_n(if inside { 1.0 } else { 0.0 }, c)),
            }
        }
    }
    image
}

pub fn open_first_run(
    mut commands: Commands,
    existing: Option<Res<CnnSim>>,
    mut notices: ResMut<Notices>,
) {
    if existing.is_some() {
        return;
    }
    match CnnSim::new(ImageDataset::Shapes, 5, 0, MiniSpec::default()) {
        Ok(sim) => {
            commands.insert_resource(sim);
        }
        Err(e) => notices.refused(format!("The CNN mode cannot start: {e}")),
    }
}
