//! The command line: `train`, `sweep`, `bench`, `levels`, `gan`, `cnn`, and (with no subcommand) the game. Native
//! only: the web build starts the game directly.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};

pub mod cnn;
pub mod sweep;
pub mod sweep_shard;

use crate::data::csv_file::read_data_file;
use crate::data::{DatasetKind, Feature, Problem};
use crate::experiment::{EpochStats, Experiment, ExperimentConfig};
use crate::nn::weights_file::{network_to_json, read_network};
use crate::nn::{Activation, Loss, OptimizerKind, Regularization};

#[derive(Debug, Parser)]
#[command(
    name = "neural-sandbox",
    version,
    about = "Learn how neural networks learn: build, train and watch them. With no subcommand, the game starts."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of the game (no subcommand).
    #[cfg(feature = "game")]
    #[command(flatten)]
    pub game: crate::game::GameArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train a network headlessly and print (or write) its losses.
    #[command(allow_negative_numbers = true)]
    Train(Box<TrainArgs>),
    /// Train a grid of variants (every combination of the values given, e.g. --lr 0.003,0.03
    /// --activation tanh,relu --layers '4,2;8,8'), several seeds each, in parallel; print them
    /// best first with the mean and spread of their final losses and accuracies.
    #[command(allow_negative_numbers = true, args_conflicts_with_subcommands = true)]
    Sweep(Box<sweep::SweepArgs>),
    /// Measure training and heatmap speed on the Playground's comparison networks.
    #[command(allow_negative_numbers = true)]
    Bench(BenchArgs),
    /// Check or solve challenge level files.
    #[command(subcommand)]
    Levels(LevelsCommand),
    /// GAN Lab's model: train a generator against a discriminator on 2-D points.
    #[command(subcommand)]
    Gan(GanCommand),
    /// CNN Explainer's kind of network: classify pictures, train on shapes or digits, measure.
    #[command(subcommand)]
    Cnn(cnn::CnnCommand),
    /// The class server: the web game, the teacher's page and the class API, on SQLite or
    /// PostgreSQL.
    #[cfg(feature = "server")]
    Serve(Box<crate::server::ServeArgs>),
    /// Simulated students against a running class server: writes per second and latency.
    #[cfg(feature = "server")]
    ClassBench(crate::server::bench::ClassBenchArgs),
}

#[derive(Debug, Subcommand)]
pub enum GanCommand {
    /// Train headlessly; print and write one row per epoch:
    /// epoch,d_loss,g_loss,kl,js,js_precise (d_loss halved as GAN Lab shows it).
    #[command(allow_negative_numbers = true)]
    Train(Box<GanTrainArgs>),
    /// GAN epochs per second on each preset (single-threaded).
    #[command(allow_negative_numbers = true)]
    Bench(BenchArgs),
}

/// `neural-sandbox gan train`.
#[derive(Debug, Args)]
pub struct GanTrainArgs {
    /// gaussians, line, ring or disjoint: the data and GAN Lab's settings for it.
    #[arg(long, default_value = "gaussians")]
    pub preset: crate::gan::Distribution,
    /// Start from GAN Lab's settings, or from the tuned ones (see `crate::gan::GanSettings::tuned`).
    #[arg(long)]
    pub tuned: bool,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long, default_value_t = 1000)]
    pub epochs: u64,
    /// uniform or normal; or a CSV file of noise (header z1 or z1,z2) for an exact replay, as
    /// with --noise-file.
    #[arg(long, value_name = "KIND|Z.csv")]
    pub noise: Option<NoiseArg>,
    /// 1 or 2.
    #[arg(long)]
    pub noise_dims: Option<usize>,
    /// ReLU layers after the first, 0 to 5 (GAN Lab's "hidden layers").
    #[arg(long)]
    pub g_layers: Option<usize>,
    #[arg(long)]
    pub d_layers: Option<usize>,
    /// Neurons per ReLU layer, 1 to 100.
    #[arg(long)]
    pub g_neurons: Option<usize>,
    #[arg(long)]
    pub d_neurons: Option<usize>,
    /// log, least_squares, hinge, saturating_log.
    #[arg(long)]
    pub loss: Option<crate::gan::GanLoss>,
    /// sgd or adam.
    #[arg(long)]
    pub optimizer_g: Option<OptimizerKind>,
    #[arg(long)]
    pub optimizer_d: Option<OptimizerKind>,
    #[arg(long)]
    pub lr_g: Option<f64>,
    #[arg(long)]
    pub lr_d: Option<f64>,
    /// Discriminator steps per epoch, 0 to 10.
    #[arg(long)]
    pub k_d: Option<usize>,
    /// Generator steps per epoch, 0 to 10.
    #[arg(long)]
    pub k_g: Option<usize>,
    #[arg(long)]
    pub batch: Option<usize>,
    /// Write the rows to this CSV file as training goes.
    #[arg(long, value_name = "OUT.csv")]
    pub csv: Option<PathBuf>,
    /// Write the trained model (both networks and every setting) to this JSON file.
    #[arg(long, value_name = "M.json")]
    pub save_model: Option<PathBuf>,
    /// Start from a saved model: ours, or GAN Lab's (its .json, with the .weights.bin beside it).
    #[arg(long, value_name = "M.json")]
    pub load_model: Option<PathBuf>,
    /// Take the real points from this CSV (header x,y), 150 rows per discriminator step, in
    /// order, wrapping.
    #[arg(long, value_name = "R.csv")]
    pub real: Option<PathBuf>,
    /// Take the noise from this CSV (header z1 or z1,z2), 150 rows per step, in order, wrapping.
    #[arg(long, value_name = "Z.csv", conflicts_with = "noise")]
    pub noise_file: Option<PathBuf>,
    /// Only the summary, not every row.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum LevelsCommand {
    /// Validate every level file; print each error with its line; exit non-zero on any.
    Check {
        /// The levels folder (with its index.ron).
        #[arg(default_value = "levels")]
        dir: PathBuf,
    },
    /// Train each level's reference solution and its unchanged start, and report the goal and
    /// the stars; exit non-zero if a solution misses its goal or a start already meets it.
    Solve {
        #[arg(default_value = "levels")]
        dir: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Seconds spent measuring each figure.
    #[arg(long, default_value_t = 1.0)]
    pub seconds: f64,
}

/// A comma-separated list on the command line (a wrapper, so that clap takes it as one value).
#[derive(Debug, Clone, PartialEq)]
pub struct CommaList<T>(pub Vec<T>);

fn parse_list<T: std::str::FromStr>(text: &str) -> Result<Vec<T>, String>
where
    T::Err: std::fmt::Display,
{
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|part| part.trim().parse::<T>().map_err(|e| e.to_string()))
        .collect()
}

fn parse_layers(text: &str) -> Result<CommaList<usize>, String> {
    parse_list::<usize>(text).map(CommaList).map_err(|_| {
        format!(
            "\"{text}\" is not a list of neuron counts like 8,8 (or \"none\" for no hidden layer)"
        )
    })
}

fn parse_features(text: &str) -> Result<CommaList<Feature>, String> {
    parse_list(text).map(CommaList)
}

fn parse_activations(text: &str) -> Result<CommaList<Activation>, String> {
    parse_list(text).map(CommaList)
}

/// `neural-sandbox train`: every configuration field as a flag (flags override `--config`).
#[derive(Debug, Args, Default)]
pub struct TrainArgs {
    /// Read the configuration from a RON file; flags given as well override its fields.
    #[arg(long, value_name = "FILE.ron")]
    pub config: Option<PathBuf>,
    /// Open a TensorFlow Playground link (the address of a playground.tensorflow.org page): its
    /// settings, and the same data and initial weights as the page makes; flags given as well
    /// override it. Prints the loss curve (epoch,train_loss,test_loss) as the page draws it.
    #[arg(long, value_name = "URL", conflicts_with = "config")]
    pub playground_url: Option<String>,
    /// circle, xor, gauss, spiral, reg-plane, reg-gauss, blobs, spiral-arms, pie.
    #[arg(long)]
    pub dataset: Option<DatasetKind>,
    /// classification or regression (default: the dataset's, or inferred from --data labels).
    #[arg(long)]
    pub problem: Option<Problem>,
    /// Number of classes, 2 to 6 (blobs, spiral-arms and pie; with --data, inferred from labels
    /// 0..k-1). Three or more use one output per class with softmax.
    #[arg(long)]
    pub classes: Option<usize>,
    /// Input features, e.g. x1,x2,x1_sq,x2_sq,x1_x2,sin_x1,sin_x2.
    #[arg(long, value_parser = parse_features)]
    pub features: Option<CommaList<Feature>>,
    /// Neurons per hidden layer, e.g. 8,8 ("none" for no hidden layer).
    #[arg(long, value_parser = parse_layers)]
    pub layers: Option<CommaList<usize>>,
    /// relu, tanh, sigmoid, linear.
    #[arg(long)]
    pub activation: Option<Activation>,
    /// One activation per hidden layer, e.g. relu,tanh.
    #[arg(long, value_parser = parse_activations)]
    pub layer_activations: Option<CommaList<Activation>>,
    /// Learning rate (the Playground offers 0.00001 to 10).
    #[arg(long)]
    pub lr: Option<f64>,
    /// Examples per weight update, 1 to 30.
    #[arg(long)]
    pub batch: Option<usize>,
    /// none, l1, l2.
    #[arg(long)]
    pub reg: Option<Regularization>,
    /// Regularisation rate, 0 to 10.
    #[arg(long)]
    pub reg_rate: Option<f64>,
    /// Noise, 0 to 50 (percent).
    #[arg(long)]
    pub noise: Option<u32>,
    /// Percentage of the points used for training, 10 to 90.
    #[arg(long)]
    pub ratio: Option<u32>,
    /// Seed of the data and the initial weights.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Start from all-zero weights.
    #[arg(long)]
    pub init_zero: bool,
    /// Shuffle the training order every epoch.
    #[arg(long)]
    pub reshuffle: bool,
    /// sgd, momentum, adam.
    #[arg(long)]
    pub optimizer: Option<OptimizerKind>,
    /// Momentum coefficient (with --optimizer momentum).
    #[arg(long)]
    pub momentum: Option<f64>,
    /// square or cross-entropy.
    #[arg(long)]
    pub loss: Option<Loss>,
    /// Dropout probability for hidden neurons, 0 to 0.9.
    #[arg(long)]
    pub dropout: Option<f64>,
    /// Epochs to train.
    #[arg(long, default_value_t = 500)]
    pub epochs: u64,
    /// Write one row per epoch (epoch 0 first) to this CSV file.
    #[arg(long, value_name = "OUT.csv")]
    pub csv: Option<PathBuf>,
    /// Use the points of this CSV file (header x1,x2,label[,split]; without split about half the rows are test data) instead of generated data.
    #[arg(long, value_name = "FILE.csv")]
    pub data: Option<PathBuf>,
    /// Start from the network in this JSON file (its features and layers replace --features/--layers).
    #[arg(long, value_name = "FILE.json")]
    pub weights: Option<PathBuf>,
    /// Write the trained network to this JSON file (same format as --weights).
    #[arg(long, value_name = "FILE.json")]
    pub save_network: Option<PathBuf>,
    /// Write the data used (training rows, then test rows) to this CSV file (same format as --data).
    #[arg(long, value_name = "FILE.csv")]
    pub save_data: Option<PathBuf>,
    /// Write the full configuration used to this RON file (for --config).
    #[arg(long, value_name = "FILE.ron")]
    pub save_config: Option<PathBuf>,
    /// No progress bar and no summary.
    #[arg(long)]
    pub quiet: bool,
}

/// How a command ended, for the process exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// Bad input: the message says what and where. Exit code 2.
    BadInput(String),
    /// Training diverged. Exit code 3.
    Diverged(String),
    /// Output could not be written (standard output closed, a disk full). Exit code 1.
    Failed(String),
}

impl TrainArgs {
    /// The `--playground-url` link, read; an error names every parameter that cannot be used.
    pub fn playground_link(
        &self,
    ) -> Result<Option<crate::experiment::playground_link::PlaygroundLink>, String> {
        let Some(url) = &self.playground_url else {
            return Ok(None);
        };
        crate::experiment::playground_link::parse(
            url,
            crate::experiment::playground_link::FALLBACK_SEED,
        )
        .map(Some)
        .map_err(|errors| {
            format!(
                "--playground-url: this link cannot be opened: {}",
                errors.join("; ")
            )
        })
    }

    /// The configuration: the `--config` file (or the defaults), then every flag on top.
    pub fn config(&self) -> Result<ExperimentConfig, String> {
        let mut c = match &self.config {
            _ if self.playground_url.is_some() => self.playground_link()?.unwrap().config,
            Some(path) => {
                let text = crate::limits::read_text(path, crate::limits::FileKind::Config)?;
                ExperimentConfig::from_ron(&text, &path.display().to_string())?
            }
            None => ExperimentConfig::default(),
        };
        macro_rules! set {
            ($flag:expr, $field:expr) => {
                if let Some(v) = $flag.clone() {
                    $field = v;
                }
            };
        }
        set!(self.dataset, c.dataset);
        if self.problem.is_some() {
            c.problem = self.problem;
        }
        set!(self.classes, c.classes);
        set!(self.features.as_ref().map(|l| l.0.clone()), c.features);
        set!(self.layers.as_ref().map(|l| l.0.clone()), c.hidden_layers);
        set!(self.activation, c.activation);
        if self.layer_activations.is_some() {
            c.layer_activations = self.layer_activations.as_ref().map(|l| l.0.clone());
        }
        set!(self.lr, c.learning_rate);
        set!(self.batch, c.batch_size);
        set!(self.reg, c.regularization);
        set!(self.reg_rate, c.regularization_rate);
        set!(self.noise, c.noise);
        set!(self.ratio, c.train_ratio);
        set!(self.seed, c.seed);
        set!(self.optimizer, c.optimizer);
        set!(self.momentum, c.momentum);
        set!(self.loss, c.loss);
        set!(self.dropout, c.dropout);
        c.init_zero |= self.init_zero;
        c.reshuffle_each_epoch |= self.reshuffle;
        Ok(c)
    }

    /// Builds the experiment the flags describe: data file, initial network, configuration.
    pub fn experiment(&self) -> Result<Experiment, String> {
        let mut config = self.config()?;
        let mut experiment = match &self.data {
            Some(path) => {
                let file = read_data_file(path).map_err(|e| e.to_string())?;
                let inferred = file.inferred_classes();
                if config.problem.is_none()
                    && let Some((line, label)) = file.too_many_classes()
                {
                    return Err(format!(
                        "{}: line {line}: label {label} would be class {} of {}: a classification has at most {} classes (labels 0 to {}); give --problem regression to fit the labels as numbers",
                        path.display(),
                        label + 1.0,
                        file.highest_label() + 1.0,
                        crate::data::MAX_CLASSES,
                        crate::data::MAX_CLASSES - 1
                    ));
                }
                if config.problem.is_none() {
                    config.problem = Some(if inferred.is_some() {
                        Problem::Classification
                    } else {
                        Problem::Regression
                    });
                }
                if self.classes.is_none()
                    && config.problem == Some(Problem::Classification)
                    && let Some(k) = inferred
                {
                    config.classes = k;
                }
                Experiment::with_data_file(config, &file).map_err(|e| e.to_string())?
            }
            None => Experiment::new(config).map_err(|e| e.to_string())?,
        };
        if let Some(path) = &self.weights {
            let loaded = read_network(path).map_err(|e| e.to_string())?;
            experiment
                .set_initial_network(loaded)
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(experiment)
    }
}

/// The header of the loss curve `--playground-url` prints.
pub const PLAYGROUND_CURVE_HEADER: &str = "epoch,train_loss,test_loss";

/// One line of that curve: the epoch and the two losses the Playground's chart draws.
pub fn playground_curve_row(s: &EpochStats) -> String {
    format!("{},{},{}", s.epoch, s.train_loss, s.test_loss)
}

/// The CSV header of `--csv`.
pub const HISTORY_HEADER: &str = "epoch,train_loss,test_loss,train_accuracy,test_accuracy";

/// One `--csv` row (accuracies empty for regression).
pub fn history_row(s: &EpochStats) -> String {
    let acc = |a: Option<f64>| a.map(|v| v.to_string()).unwrap_or_default();
    format!(
        "{},{},{},{},{}",
        s.epoch,
        s.train_loss,
        s.test_loss,
        acc(s.train_accuracy),
        acc(s.test_accuracy)
    )
}

/// `-` as an output file means standard output, as for Unix tools.
pub fn is_standard_output(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Where a path leads, for comparing two of them: the file itself if it exists (links
/// followed), else its folder's real place and its name.
fn real_place(path: &Path) -> PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match (folder.canonicalize(), path.file_name()) {
        (Ok(real), Some(name)) => real.join(name),
        _ => path.to_path_buf(),
    }
}

/// Refuses, before anything runs, an output that is also an input (it would overwrite the
/// student's file) and two outputs to one file (one would be lost).
pub fn check_distinct_files(
    inputs: &[(&Option<PathBuf>, &str)],
    outputs: &[(&Option<PathBuf>, &str)],
) -> Result<(), String> {
    let given = |list: &[(&Option<PathBuf>, &str)]| -> Vec<(PathBuf, String)> {
        list.iter()
            .filter_map(|(path, flag)| path.as_ref().map(|p| (p.clone(), flag.to_string())))
            .filter(|(p, flag)| !(flag == "--csv" && is_standard_output(p)))
            .collect()
    };
    let inputs = given(inputs);
    let outputs = given(outputs);
    for (k, (out_path, out_flag)) in outputs.iter().enumerate() {
        let place = real_place(out_path);
        if let Some((_, in_flag)) = inputs.iter().find(|(p, _)| real_place(p) == place) {
            return Err(format!(
                "{out_flag} {} is also the {in_flag} file: writing it would overwrite what is read; choose another name",
                out_path.display()
            ));
        }
        if let Some((_, other_flag)) = outputs[..k].iter().find(|(p, _)| real_place(p) == place) {
            return Err(format!(
                "{other_flag} and {out_flag} both write {}: one would be lost; choose two names",
                out_path.display()
            ));
        }
    }
    Ok(())
}

/// Whether the process's standard output is open. Rust's standard output quietly drops what is
/// written to a closed one, so a command would "succeed" having printed nothing.
///
/// Rust's runtime opens `/dev/null` (for reading and writing) in place of a standard output that
/// was closed when the program started, so "closed" is either no descriptor 1 at all, or
/// `/dev/null` opened that way; a `> /dev/null` of the shell opens it for writing only, and is
/// a place to write like any other.
pub fn standard_output_is_open() -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: F_GETFL only asks about descriptor 1; it reads and changes no memory.
        #[allow(unsafe_code)]
        let flags = unsafe { libc::fcntl(1, libc::F_GETFL) };
        if flags == -1 {
            return false;
        }
        let opened_for_both = flags & libc::O_ACCMODE == libc::O_RDWR;
        let is_null = match (
            std::fs::metadata("/proc/self/fd/1"),
            std::fs::metadata("/dev/null"),
        ) {
            (Ok(out), Ok(null)) => out.rdev() == null.rdev() && out.dev() == null.dev(),
            _ => false,
        };
        !(opened_for_both && is_null)
    }
    #[cfg(not(unix))]
    {
        true
    }
}

/// What commands write to when standard output is closed: every write fails, and says why.
pub struct ClosedOutput;

impl Write for ClosedOutput {
    fn write(&mut self, _buf: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::new(
            std::io::ErrorKind::BrokenPipe,
            "standard output is closed (or is /dev/null opened for reading and writing, which \
             is how a closed one reaches a program; give --quiet to print nothing, or send the \
             output to a file)",
        ))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn write_file(path: &Path, contents: &str) -> Result<(), String> {
    std::fs::write(path, contents).map_err(|e| format!("{}: cannot write: {e}", path.display()))
}

/// Checks that a file can be written at `path` before any long work: its folder exists and takes
/// a new file, and the path is not a folder. Nothing is left behind.
pub fn check_output_path(path: &Path, flag: &str) -> Result<(), String> {
    let shown = path.display();
    if path.is_dir() {
        return Err(format!("{flag} {shown}: is a folder, not a file"));
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        return Err(format!(
            "{flag} {shown}: the folder {} does not exist",
            folder.display()
        ));
    }
    let probe = folder.join(format!(".neural-sandbox-write-test-{}", std::process::id()));
    match std::fs::File::create(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(format!(
            "{flag} {shown}: cannot write in {}: {e}",
            folder.display()
        )),
    }
}

fn percent(a: Option<f64>) -> String {
    a.map(|v| format!("{:.1}%", v * 100.0))
        .unwrap_or_else(|| "n/a".into())
}

/// Set by Ctrl-C while a command trains: it stops after the current epoch and writes what it has.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C handler once per process and clears the flag.
fn watch_for_interrupt() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        // Without a handler (another one is installed), Ctrl-C just ends the process.
        let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
    });
    INTERRUPTED.store(false, Ordering::SeqCst);
}

/// Whether Ctrl-C asked a command to stop.
fn stop_requested() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// The epoch history written as training goes, so that a long run loses nothing if stopped.
struct HistoryCsv {
    path: PathBuf,
    writer: std::io::BufWriter<std::fs::File>,
}

impl HistoryCsv {
    fn create(path: &Path, first: &EpochStats) -> Result<Self, String> {
        let file = std::fs::File::create(path)
            .map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
        let mut csv = Self {
            path: path.to_path_buf(),
            writer: std::io::BufWriter::new(file),
        };
        csv.line(HISTORY_HEADER)?;
        csv.line(&history_row(first))?;
        Ok(csv)
    }

    fn line(&mut self, text: &str) -> Result<(), String> {
        writeln!(self.writer, "{text}")
            .map_err(|e| format!("{}: cannot write: {e}", self.path.display()))
    }

    fn finish(mut self) -> Result<(), String> {
        self.writer
            .flush()
            .map_err(|e| format!("{}: cannot write: {e}", self.path.display()))
    }
}

/// Runs `train`, printing the summary to `out`.
#[cfg(feature = "server")]
impl From<crate::server::ServerError> for Outcome {
    fn from(error: crate::server::ServerError) -> Self {
        match error {
            crate::server::ServerError::BadInput(why) => Outcome::BadInput(why),
            crate::server::ServerError::Failed(why) => Outcome::Failed(why),
        }
    }
}

pub fn run_train(args: &TrainArgs, out: &mut dyn Write) -> Outcome {
    let mut experiment = match args.experiment() {
        Ok(e) => e,
        Err(message) => return Outcome::BadInput(message),
    };
    let outputs = [
        (&args.csv, "--csv"),
        (&args.save_network, "--save-network"),
        (&args.save_data, "--save-data"),
        (&args.save_config, "--save-config"),
    ];
    for (path, flag) in outputs {
        if let Some(path) = path
            && !(flag == "--csv" && is_standard_output(path))
            && let Err(e) = check_output_path(path, flag)
        {
            return Outcome::BadInput(e);
        }
    }
    let inputs = [
        (&args.config, "--config"),
        (&args.data, "--data"),
        (&args.weights, "--weights"),
    ];
    if let Err(e) = check_distinct_files(&inputs, &outputs) {
        return Outcome::BadInput(e);
    }
    if args.csv.as_deref().is_some_and(is_standard_output) && args.playground_url.is_some() {
        return Outcome::BadInput(
            "--csv - and --playground-url both print their rows to standard output: give --csv a file name"
                .into(),
        );
    }
    if let Some(path) = &args.save_config
        && let Err(e) = write_file(path, &experiment.config().to_ron())
    {
        return Outcome::Failed(e);
    }
    if let Some(path) = &args.save_data {
        let mut bytes = Vec::new();
        let written = crate::data::csv_file::write_data(experiment.data(), &mut bytes)
            .map_err(|e| e.to_string())
            .and_then(|_| write_file(path, &String::from_utf8_lossy(&bytes)));
        if let Err(e) = written {
            return Outcome::Failed(e);
        }
    }
    // `--csv -`: the rows go to standard output, and the summary after them as comments.
    let csv_to_output = args.csv.as_deref().is_some_and(is_standard_output);
    let mut csv = match &args.csv {
        Some(path) if !csv_to_output => match HistoryCsv::create(path, &experiment.latest()) {
            Ok(csv) => Some(csv),
            Err(e) => return Outcome::Failed(e),
        },
        _ => None,
    };
    if csv_to_output {
        let first = format!("{HISTORY_HEADER}\n{}", history_row(&experiment.latest()));
        if let Err(e) = writeln!(out, "{first}") {
            return Outcome::Failed(format!("cannot write to standard output: {e}"));
        }
    }
    // With a Playground link, its notes and the loss curve as the page draws it.
    let curve = match args.playground_link() {
        Ok(Some(link)) => {
            let mut lines: Vec<String> = link.notes.iter().map(|n| format!("# {n}")).collect();
            lines.push(PLAYGROUND_CURVE_HEADER.to_string());
            lines.push(playground_curve_row(&experiment.latest()));
            if let Err(e) = lines.iter().try_for_each(|l| writeln!(out, "{l}")) {
                return Outcome::Failed(format!("cannot write to standard output: {e}"));
            }
            true
        }
        Ok(None) => false,
        Err(e) => return Outcome::BadInput(e),
    };
    watch_for_interrupt();
    let mut progress = Progress::new(args.epochs, args.quiet || curve || csv_to_output);
    let start = Instant::now();
    let mut trained = 0;
    let mut interrupted = false;
    while trained < args.epochs {
        if experiment.step(1) == 0 {
            break;
        }
        trained += 1;
        let latest = experiment.latest();
        if let Some(csv) = csv.as_mut()
            && let Err(e) = csv.line(&history_row(&latest))
        {
            return Outcome::Failed(e);
        }
        if csv_to_output && let Err(e) = writeln!(out, "{}", history_row(&latest)) {
            return Outcome::Failed(format!("cannot write to standard output: {e}"));
        }
        if curve && let Err(e) = writeln!(out, "{}", playground_curve_row(&latest)) {
            return Outcome::Failed(format!("cannot write to standard output: {e}"));
        }
        progress.update(trained, latest.test_loss);
        if experiment.divergence().is_some() {
            break;
        }
        if INTERRUPTED.load(Ordering::Relaxed) {
            interrupted = true;
            break;
        }
    }
    progress.finish();
    let elapsed = start.elapsed();
    if let Some(csv) = csv
        && let Err(e) = csv.finish()
    {
        return Outcome::Failed(e);
    }
    let mut notes = Vec::new();
    if let Some(path) = &args.save_network {
        if experiment.network().is_finite() {
            if let Err(e) = write_file(path, &network_to_json(experiment.network())) {
                return Outcome::Failed(e);
            }
        } else {
            notes.push(format!(
                "{} was not written: the weights are no longer numbers (they could not be read back).",
                path.display()
            ));
        }
    }
    if interrupted {
        notes.push(format!(
            "Stopped by Ctrl-C after {trained} of {} epochs; everything above was written.",
            args.epochs
        ));
    }
    if !args.quiet {
        let mut summary = Vec::new();
        let _ = write_summary(&experiment, trained, elapsed, &mut summary);
        let summary = String::from_utf8_lossy(&summary);
        // After the curve or the rows, the summary is comments, so the output stays one CSV
        // table.
        let comment = if curve || csv_to_output { "# " } else { "" };
        let written = summary
            .lines()
            .chain(notes.iter().map(String::as_str))
            .try_for_each(|line| writeln!(out, "{comment}{line}"))
            .and_then(|_| out.flush());
        if let Err(e) = written {
            return Outcome::Failed(format!("cannot write to standard output: {e}"));
        }
    }
    match experiment.divergence() {
        Some(d) => {
            let mut message = d.cli_message();
            for n in &notes {
                message.push(' ');
                message.push_str(n);
            }
            Outcome::Diverged(message)
        }
        None => Outcome::Done,
    }
}

fn write_summary(
    experiment: &Experiment,
    trained: u64,
    elapsed: Duration,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let c = experiment.config();
    let data = experiment
        .data_from_file()
        .map(str::to_string)
        .unwrap_or_else(|| match &c.playground_seed {
            Some(seed) => format!(
                "{} (noise {}, the Playground's seed {seed})",
                c.dataset, c.noise
            ),
            None => format!("{} (noise {}, seed {})", c.dataset, c.noise, c.seed),
        });
    let features: Vec<_> = c.features.iter().map(|f| f.name()).collect();
    writeln!(
        out,
        "data      {data}: {} train / {} test points, {}",
        experiment.data().train.len(),
        experiment.data().test.len(),
        c.problem()
    )?;
    let classes = if c.is_multi_class() {
        format!(", {} classes", c.classes)
    } else {
        String::new()
    };
    writeln!(
        out,
        "network   {} -> {:?} -> {}, {} hidden, {} output, {} parameters{classes}",
        features.join(","),
        c.hidden_layers,
        experiment.network().outputs(),
        c.activation,
        experiment.network().output_layer().activation,
        experiment.network().parameter_count()
    )?;
    writeln!(
        out,
        "training  lr {}, batch {}, {} {}, {}, {} loss",
        c.learning_rate,
        c.batch_size,
        c.regularization,
        c.regularization_rate,
        c.optimizer,
        c.effective_loss()
    )?;
    let s = experiment.latest();
    writeln!(
        out,
        "epoch {}   train loss {:.4}   test loss {:.4}   train accuracy {}   test accuracy {}",
        s.epoch,
        s.train_loss,
        s.test_loss,
        percent(s.train_accuracy),
        percent(s.test_accuracy)
    )?;
    let secs = elapsed.as_secs_f64();
    writeln!(
        out,
        "time      {trained} epochs in {:.3} s ({:.0} epochs/s)",
        secs,
        trained as f64 / secs.max(1e-9)
    )?;
    if let Some(d) = experiment.divergence() {
        writeln!(out, "{}", d.cli_message())?;
    }
    Ok(())
}

/// Runs `bench`.
pub fn run_bench(args: &BenchArgs, out: &mut dyn Write) -> Outcome {
    if !(args.seconds.is_finite() && args.seconds > 0.0 && args.seconds <= 600.0) {
        return Outcome::BadInput(format!(
            "--seconds {} must be more than 0 and at most 600",
            args.seconds
        ));
    }
    let report = crate::bench::run(Duration::from_secs_f64(args.seconds));
    let text = if args.json {
        report.to_json()
    } else {
        report.to_table()
    };
    match writeln!(out, "{text}") {
        Ok(()) => Outcome::Done,
        Err(e) => Outcome::Failed(format!("cannot write to standard output: {e}")),
    }
}

impl GanTrainArgs {
    /// The settings: the preset (GAN Lab's or tuned), a loaded model's, then every flag on top.
    pub fn settings(&self, base: Option<crate::gan::GanSettings>) -> crate::gan::GanSettings {
        let mut s = base.unwrap_or_else(|| {
            if self.tuned {
                crate::gan::GanSettings::tuned(self.preset)
            } else {
                crate::gan::GanSettings::preset(self.preset)
            }
        });
        s.seed = self.seed;
        macro_rules! set {
            ($flag:expr, $field:expr) => {
                if let Some(v) = $flag {
                    $field = v;
                }
            };
        }
        if let Some(NoiseArg::Kind(kind)) = &self.noise {
            s.noise = *kind;
        }
        set!(self.noise_dims, s.noise_dims);
        set!(self.g_layers, s.g_layers);
        set!(self.d_layers, s.d_layers);
        set!(self.g_neurons, s.g_neurons);
        set!(self.d_neurons, s.d_neurons);
        set!(self.loss, s.loss);
        set!(self.optimizer_g, s.optimizer_g);
        set!(self.optimizer_d, s.optimizer_d);
        set!(self.lr_g, s.learning_rate_g);
        set!(self.lr_d, s.learning_rate_d);
        set!(self.k_d, s.k_d);
        set!(self.k_g, s.k_g);
        set!(self.batch, s.batch_size);
        s
    }
}

/// Reads rows of numbers from a CSV file whose header names exactly `columns`.
fn read_columns(path: &Path, columns: &[&[&str]]) -> Result<(Vec<f64>, usize), String> {
    let shown = path.display();
    let bytes = crate::limits::read_bytes(path, crate::limits::FileKind::Data)?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes.as_slice());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("{shown}: {e}"))?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let Some(wanted) = columns
        .iter()
        .find(|c| c.len() == header.len() && c.iter().zip(&header).all(|(a, b)| *a == b))
    else {
        let names: Vec<String> = columns.iter().map(|c| c.join(",")).collect();
        return Err(format!(
            "{shown}: line 1: the header must be {} (found: {})",
            names.join(" or "),
            crate::limits::shorten_message(&header.join(","), crate::limits::QUOTE_CHARS)
        ));
    };
    let mut values = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("{shown}: {e}"))?;
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != wanted.len() {
            return Err(format!(
                "{shown}: line {line}: {} values, the header has {}",
                record.len(),
                wanted.len()
            ));
        }
        for (name, text) in wanted.iter().zip(record.iter()) {
            let v: f64 = text
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite())
                .ok_or_else(|| {
                    format!(
                        "{shown}: line {line}: {name} {} is not a number",
                        crate::limits::quote(text)
                    )
                })?;
            if v.abs() > crate::data::csv_file::MAX_VALUE {
                return Err(format!(
                    "{shown}: line {line}: {name} {} is too large (at most {:e} either way)",
                    crate::limits::quote(text),
                    crate::data::csv_file::MAX_VALUE
                ));
            }
            values.push(v);
        }
        if values.len() / wanted.len() > crate::limits::MAX_DATA_ROWS {
            return Err(format!(
                "{shown}: more than {} rows (the most a samples file may have)",
                crate::limits::MAX_DATA_ROWS
            ));
        }
    }
    if values.is_empty() {
        return Err(format!("{shown}: no rows"));
    }
    Ok((values, wanted.len()))
}

/// `gan train --noise`: a kind of noise, or a file of noise vectors.
#[derive(Debug, Clone, PartialEq)]
pub enum NoiseArg {
    Kind(crate::gan::NoiseKind),
    File(PathBuf),
}

impl std::str::FromStr for NoiseArg {
    type Err = String;

    /// A kind's name is a kind; anything else is taken as a file (which must then be read).
    fn from_str(text: &str) -> Result<Self, String> {
        match text.parse::<crate::gan::NoiseKind>() {
            Ok(kind) => Ok(NoiseArg::Kind(kind)),
            Err(_) if text.trim().is_empty() => {
                Err("expected uniform, normal or a CSV file of noise".into())
            }
            Err(_) => Ok(NoiseArg::File(PathBuf::from(text))),
        }
    }
}

/// The header of `gan train`'s rows.
pub const GAN_HEADER: &str = "epoch,d_loss,g_loss,kl,js,js_precise";

fn gan_row(r: &crate::gan::EpochRecord) -> String {
    format!(
        "{},{},{},{},{},{}",
        r.epoch, r.d_loss, r.g_loss, r.kl, r.js, r.js_precise
    )
}

/// Runs `gan train`.
pub fn run_gan_train(args: &GanTrainArgs, out: &mut dyn Write) -> Outcome {
    use crate::gan::model::Sources;
    let outputs = [(&args.csv, "--csv"), (&args.save_model, "--save-model")];
    for (path, flag) in outputs {
        if let Some(path) = path
            && !(flag == "--csv" && is_standard_output(path))
            && let Err(e) = check_output_path(path, flag)
        {
            return Outcome::BadInput(e);
        }
    }
    let noise_path = match &args.noise {
        Some(NoiseArg::File(path)) => Some(path.clone()),
        _ => args.noise_file.clone(),
    };
    let inputs = [
        (&args.load_model, "--load-model"),
        (&args.real, "--real"),
        (&noise_path, "--noise"),
    ];
    if let Err(e) = check_distinct_files(&inputs, &outputs) {
        return Outcome::BadInput(e);
    }
    let loaded = match &args.load_model {
        Some(path) => match crate::gan::file::read_model(path) {
            Ok(model) => Some(model),
            Err(e) => return Outcome::BadInput(e),
        },
        None => None,
    };
    let mut settings = args.settings(loaded.as_ref().map(|m| m.settings.clone()));
    let real = match &args.real {
        Some(path) => match read_columns(path, &[&["x", "y"]]) {
            Ok((values, _)) => Some(values),
            Err(e) => return Outcome::BadInput(e),
        },
        None => None,
    };
    let noise_file = match &args.noise {
        Some(NoiseArg::File(path)) => Some(path),
        _ => args.noise_file.as_ref(),
    };
    let noise = match noise_file {
        Some(path) => match read_columns(path, &[&["z1"], &["z1", "z2"]]) {
            Ok((values, width)) => {
                settings.noise_dims = width;
                Some(values)
            }
            Err(e) => return Outcome::BadInput(e),
        },
        None => None,
    };
    let mut gan = match crate::gan::Gan::with_sources(settings, Sources { real, noise }) {
        Ok(gan) => gan,
        Err(e) => return Outcome::BadInput(e.to_string()),
    };
    if let Some(model) = loaded
        && let Err(e) = gan.set_networks(model.generator, model.discriminator, model.epoch)
    {
        return Outcome::BadInput(e);
    }
    let Some(end) = gan
        .epoch()
        .checked_add(args.epochs)
        .filter(|&e| e <= crate::limits::MAX_EPOCH)
    else {
        return Outcome::BadInput(format!(
            "--epochs {}: from epoch {} that passes {}, the most epochs a run counts",
            args.epochs,
            gan.epoch(),
            crate::limits::MAX_EPOCH
        ));
    };
    // `--csv -`: the rows are printed (once), even with --quiet.
    let csv_to_output = args.csv.as_deref().is_some_and(is_standard_output);
    let mut csv = match &args.csv {
        Some(path) if !csv_to_output => match std::fs::File::create(path) {
            Ok(file) => Some(std::io::BufWriter::new(file)),
            Err(e) => return Outcome::Failed(format!("{}: cannot write: {e}", path.display())),
        },
        _ => None,
    };
    let print_rows = !args.quiet || csv_to_output;
    watch_for_interrupt();
    let mut emit = |line: &str, csv: &mut Option<std::io::BufWriter<std::fs::File>>| {
        if let Some(file) = csv.as_mut() {
            writeln!(file, "{line}").map_err(|e| format!("--csv: cannot write: {e}"))?;
        }
        if print_rows {
            writeln!(out, "{line}").map_err(|e| format!("cannot write to standard output: {e}"))?;
        }
        Ok::<(), String>(())
    };
    let mut result =
        emit(GAN_HEADER, &mut csv).and_then(|_| emit(&gan_row(&gan.latest()), &mut csv));
    while result.is_ok() && gan.epoch() < end {
        gan.train_epoch(true);
        result = emit(&gan_row(&gan.latest()), &mut csv);
        if !gan.is_finite() || INTERRUPTED.load(Ordering::Relaxed) {
            break;
        }
    }
    if let Err(e) = result {
        return Outcome::Failed(e);
    }
    if let Some(mut file) = csv
        && let Err(e) = file.flush()
    {
        return Outcome::Failed(format!("--csv: cannot write: {e}"));
    }
    if !gan.is_finite() {
        return Outcome::Diverged(format!(
            "Training diverged at epoch {}: the weights are no longer numbers. Lower --lr-g or --lr-d and run again.{}",
            gan.epoch(),
            if args.save_model.is_some() {
                " The model was not written."
            } else {
                ""
            }
        ));
    }
    if let Some(path) = &args.save_model
        && let Err(e) = write_file(path, &crate::gan::file::model_to_json(&gan))
    {
        return Outcome::Failed(e);
    }
    if args.quiet && !csv_to_output {
        let last = gan.latest();
        let (floor, precise_floor) = gan.noise_floor();
        let summary = format!(
            "epoch {}   d_loss {:.4}   g_loss {:.4}   js {:.4} (noise floor {floor:.3})   js_precise {:.4} (noise floor {precise_floor:.3})",
            last.epoch, last.d_loss, last.g_loss, last.js, last.js_precise
        );
        if let Err(e) = writeln!(out, "{summary}") {
            return Outcome::Failed(format!("cannot write to standard output: {e}"));
        }
    }
    Outcome::Done
}

/// Runs `gan bench`.
pub fn run_gan_bench(args: &BenchArgs, out: &mut dyn Write) -> Outcome {
    if !(args.seconds.is_finite() && args.seconds > 0.0 && args.seconds <= 600.0) {
        return Outcome::BadInput(format!(
            "--seconds {} must be more than 0 and at most 600",
            args.seconds
        ));
    }
    let report = crate::bench::gan(Duration::from_secs_f64(args.seconds));
    let text = if args.json {
        serde_json::to_string_pretty(&report).expect("a report serialises")
    } else {
        let mut t = format!(
            "{:<12} {:>14} {:>22}\n",
            "preset", "epochs/s", "epochs/s, measured"
        );
        for r in &report {
            t.push_str(&format!(
                "{:<12} {:>14.0} {:>22.0}\n",
                r.preset, r.epochs_per_s, r.measured_epochs_per_s
            ));
        }
        t
    };
    match writeln!(out, "{text}") {
        Ok(()) => Outcome::Done,
        Err(e) => Outcome::Failed(format!("cannot write to standard output: {e}")),
    }
}

/// Runs `levels check`.
pub fn run_levels_check(dir: &Path, out: &mut dyn Write) -> Outcome {
    let (files, problems) = crate::level::load_dir(dir);
    let mut count = 0;
    let mut errors: Vec<String> = problems.iter().map(|e| e.to_string()).collect();
    for f in &files {
        match &f.level {
            Ok(_) => count += 1,
            Err(list) => errors.extend(list.iter().map(|e| e.to_string())),
        }
    }
    let mut text = String::new();
    for e in &errors {
        text.push_str(e);
        text.push('\n');
    }
    if errors.is_empty() {
        text.push_str(&format!("ok: {count} levels in {}\n", dir.display()));
    }
    if let Err(e) = out.write_all(text.as_bytes()) {
        return Outcome::Failed(format!("cannot write to standard output: {e}"));
    }
    if errors.is_empty() {
        Outcome::Done
    } else {
        Outcome::BadInput(format!(
            "{} problem(s) in the levels of {}",
            errors.len(),
            dir.display()
        ))
    }
}

/// Runs `levels solve`: each level's reference solution must reach the goal within the budget,
/// and its unchanged start must not. A failure says why (how close it got, or where it diverged).
pub fn run_levels_solve(dir: &Path, out: &mut dyn Write) -> Outcome {
    let (files, problems) = crate::level::load_dir(dir);
    let mut failures = problems.len();
    let mut text = String::new();
    for e in &problems {
        text.push_str(&format!("{e}\n"));
    }
    for f in &files {
        if let Err(list) = &f.level {
            failures += 1;
            for e in list {
                text.push_str(&format!("{e}\n"));
            }
        }
    }
    let mut levels: Vec<_> = files.iter().filter_map(|f| f.level.as_ref().ok()).collect();
    levels.sort_by_key(|l| l.order());
    for any in levels {
        let line = match any {
            crate::level::AnyLevel::Playground(level) => solve_playground_level(level),
            crate::level::AnyLevel::Gan(level) => solve_gan_level(level),
            crate::level::AnyLevel::Cnn(level) => solve_cnn_level(level),
        };
        let (line, failed) = match line {
            Ok(result) => result,
            Err(e) => (format!("{}: cannot run: {e}", any.id()), true),
        };
        failures += usize::from(failed);
        text.push_str(&line);
        text.push('\n');
    }
    if let Err(e) = out.write_all(text.as_bytes()) {
        return Outcome::Failed(format!("cannot write to standard output: {e}"));
    }
    if failures == 0 {
        Outcome::Done
    } else {
        Outcome::BadInput(format!("{failures} level(s) failed"))
    }
}

/// A CNN level's line of `levels solve`, and whether it failed: the solution must solve it and
/// the start must not.
fn solve_cnn_level(level: &crate::level::cnn::CnnLevel) -> Result<(String, bool), String> {
    let solution = crate::level::cnn::play(level, true)?;
    let start = crate::level::cnn::play(level, false)?;
    let stars: String = solution
        .stars
        .iter()
        .map(|s| if *s { '*' } else { '.' })
        .collect();
    let mut failed = false;
    let verdict = match solution.judge.solved_at {
        Some(epoch) => format!(
            "solved at epoch {epoch} with {} parameters",
            solution.judge.parameters_at_solve.unwrap_or(0)
        ),
        None => {
            failed = true;
            format!(
                "NOT SOLVED in {} epochs (best test accuracy {})",
                solution.epochs,
                solution
                    .judge
                    .best_accuracy
                    .map_or("none".into(), |a| format!("{:.1} %", 100.0 * a))
            )
        }
    };
    let start_verdict = match start.judge.solved_at {
        Some(epoch) => {
            failed = true;
            format!("START ALREADY SOLVES IT at epoch {epoch}: the level needs a harder start")
        }
        None => "the start does not".into(),
    };
    Ok((
        format!("{}: {verdict}, stars {stars}; {start_verdict}", level.id),
        failed,
    ))
}

/// A Playground level's line of `levels solve`, and whether it failed.
fn solve_playground_level(level: &crate::level::Level) -> Result<(String, bool), String> {
    let solution = crate::level::play(level, level.solution_config())?;
    let start = crate::level::play(level, level.start_config())?;
    let mut failed = false;
    let stars: String = solution
        .outcome
        .stars
        .iter()
        .map(|s| if *s { '*' } else { '.' })
        .collect();
    let verdict = match solution.outcome.solved_at {
        Some(epoch) => format!("solved at epoch {epoch} of {}", level.epoch_budget),
        None => {
            failed = true;
            format!(
                "NOT SOLVED within {} epochs: {}",
                level.epoch_budget,
                solution.why_not()
            )
        }
    };
    let start_verdict = match start.outcome.solved_at {
        Some(epoch) => {
            failed = true;
            format!("START ALREADY SOLVES IT at epoch {epoch}: the level needs a harder start")
        }
        None => format!(
            "start alone: {}",
            level.goal.current(&start.outcome.final_stats)
        ),
    };
    Ok((
        format!(
            "{:>2} {:<22} {} ({}), stars [{stars}] {}/{}; {start_verdict}",
            level.order,
            level.id,
            verdict,
            level.goal.describe(),
            solution.outcome.star_count(),
            level.stars.len(),
        ),
        failed,
    ))
}

/// A GAN level's line of `levels solve`: the solution's phases must reach the goal, the start
/// alone must not.
fn solve_gan_level(level: &crate::level::gan::GanLevel) -> Result<(String, bool), String> {
    let solution = crate::level::gan::play(level, &level.solution.phases)?;
    let start = crate::level::gan::play(level, &[])?;
    let mut failed = false;
    let stars: String = solution
        .stars
        .iter()
        .map(|s| if *s { '*' } else { '.' })
        .collect();
    let verdict = match (solution.judge.solved_at, solution.judge.js_at_solve) {
        (Some(epoch), Some(js)) => format!(
            "solved at epoch {epoch} of {} (precise JS {js:.3})",
            level.epoch_budget
        ),
        _ => {
            failed = true;
            format!(
                "NOT SOLVED within {} epochs: {}",
                level.epoch_budget,
                solution.why_not()
            )
        }
    };
    let start_verdict = match start.judge.solved_at {
        Some(epoch) => {
            failed = true;
            format!("START ALREADY SOLVES IT at epoch {epoch}: the level needs a harder start")
        }
        None => format!("start alone: {}", start.why_not()),
    };
    let earned = solution.stars.iter().filter(|s| **s).count();
    Ok((
        format!(
            "{:>2} {:<22} {} ({}), stars [{stars}] {earned}/{}; {start_verdict}",
            level.order,
            level.id,
            verdict,
            level.goal.describe(),
            level.stars.len(),
        ),
        failed,
    ))
}

/// The terminal progress bar of `train`, redrawn a few times a second whatever the epoch count.
struct Progress {
    bar: indicatif::ProgressBar,
    last: Instant,
}

impl Progress {
    /// Redraws at most this often (and at least this often while epochs keep coming).
    const INTERVAL: Duration = Duration::from_millis(100);

    fn new(epochs: u64, quiet: bool) -> Self {
        let bar = if quiet {
            indicatif::ProgressBar::hidden()
        } else {
            let bar = indicatif::ProgressBar::new(epochs);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} epochs  {per_sec}  {msg}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        };
        Self {
            bar,
            last: Instant::now() - Self::INTERVAL,
        }
    }

    fn update(&mut self, position: u64, test_loss: f64) {
        if self.last.elapsed() >= Self::INTERVAL {
            self.last = Instant::now();
            self.bar.set_position(position);
            self.bar.set_message(format!("test loss {test_loss:.4}"));
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
