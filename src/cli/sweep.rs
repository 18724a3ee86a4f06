//! `neural-sandbox sweep`: a grid of `train` runs, every combination of the values given, each
//! with several seeds, run in parallel and summed up per variant (mean and spread of the final
//! losses and accuracies, best first).
//!
//! Each run is an ordinary `train` run: its flags are put together as text and read by the
//! `train` command's own parser, so every setting means exactly what it means there and a value
//! `train` refuses is refused here, before anything runs. Runs are independent and their results
//! are gathered in grid order, so the table and the CSV are the same whatever `--threads` is.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Parser};
use rayon::prelude::*;

use super::{Outcome, TrainArgs, check_output_path, is_standard_output, write_file};
use crate::experiment::compare::mean_sd;

/// `neural-sandbox sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Epochs per run.
    #[arg(long, default_value_t = 500)]
    pub epochs: u64,
    /// Runs per variant, with seeds S, S+1, ... (S from --seed, else 0): the table shows their
    /// mean and standard deviation.
    #[arg(long, default_value_t = 1)]
    pub seeds: u64,
    /// Worker threads (default: every core). The results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Write one row per variant (its settings, then the results) to this CSV file.
    #[arg(long, value_name = "OUT.csv")]
    pub csv: Option<PathBuf>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// A base configuration (RON), as for `train`; the flags below override it.
    #[arg(long, value_name = "FILE.ron")]
    pub config: Option<String>,
    /// TensorFlow Playground links, as for `train`, separated by spaces (a link has commas). A
    /// link fixes its data and initial weights, so --seeds cannot repeat it with others.
    #[arg(long, value_name = "URL")]
    pub playground_url: Option<String>,
    /// Values to try, separated by commas: e.g. spiral,xor.
    #[arg(long)]
    pub dataset: Option<String>,
    #[arg(long)]
    pub problem: Option<String>,
    #[arg(long)]
    pub classes: Option<String>,
    /// Feature sets, separated by ';' (a set is itself a comma list): 'x1,x2;x1,x2,x1_sq'.
    #[arg(long)]
    pub features: Option<String>,
    /// Architectures, separated by ';' (one is a comma list): '4,2;8,8;8'.
    #[arg(long)]
    pub layers: Option<String>,
    #[arg(long)]
    pub activation: Option<String>,
    /// Per-layer activation lists, separated by ';': 'relu,tanh;tanh,tanh'.
    #[arg(long)]
    pub layer_activations: Option<String>,
    /// Learning rates: 0.003,0.03,0.3.
    #[arg(long)]
    pub lr: Option<String>,
    #[arg(long)]
    pub batch: Option<String>,
    #[arg(long)]
    pub reg: Option<String>,
    #[arg(long)]
    pub reg_rate: Option<String>,
    #[arg(long)]
    pub noise: Option<String>,
    #[arg(long)]
    pub ratio: Option<String>,
    /// The first seed of each variant's runs (see --seeds); several values sweep it instead.
    #[arg(long)]
    pub seed: Option<String>,
    #[arg(long)]
    pub optimizer: Option<String>,
    #[arg(long)]
    pub momentum: Option<String>,
    #[arg(long)]
    pub loss: Option<String>,
    #[arg(long)]
    pub dropout: Option<String>,
    /// Data files (CSV, as for `train --data`), separated by commas.
    #[arg(long)]
    pub data: Option<String>,
    /// Starting networks (JSON, as for `train --weights`), separated by commas.
    #[arg(long)]
    pub weights: Option<String>,
    /// Start every run from all-zero weights.
    #[arg(long)]
    pub init_zero: bool,
    /// Shuffle the training order every epoch, in every run.
    #[arg(long)]
    pub reshuffle: bool,
    /// Run only the K-th of N slices of the runs (K from 1 to N), for a cluster: `auto/N` takes
    /// K from a Kubernetes Indexed Job (JOB_COMPLETION_INDEX + 1) or a SLURM job array
    /// (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN + 1). --csv then gets each run's result;
    /// `sweep merge` joins the slices into the whole sweep's CSV.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    #[command(subcommand)]
    pub command: Option<SweepCommand>,
}

#[derive(Debug, clap::Subcommand)]
pub enum SweepCommand {
    /// Join the slices of a sweep run with --shard into exactly the CSV the whole sweep writes
    /// (ranks recomputed), and print its table.
    Merge(MergeArgs),
}

/// `neural-sandbox sweep merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The slices' CSV files (any order), every slice of one sweep.
    #[arg(required = true, value_name = "SLICE.csv")]
    pub slices: Vec<PathBuf>,
    /// Write the whole sweep's CSV here (`-`: standard output, instead of the table).
    #[arg(long, value_name = "OUT.csv")]
    pub csv: Option<PathBuf>,
}

/// `train`'s flags, read from text by `train`'s own parser.
#[derive(Debug, Parser)]
#[command(no_binary_name = true)]
struct OneRun {
    #[command(flatten)]
    train: TrainArgs,
}

/// The most runs one sweep may ask for (variants times seeds).
pub const MAX_RUNS: usize = 10_000;

/// The settings a sweep varies, in the order of its CSV's columns.
pub const SWEEP_FLAGS: [&str; 22] = [
    "config",
    "playground-url",
    "dataset",
    "problem",
    "classes",
    "features",
    "layers",
    "activation",
    "layer-activations",
    "lr",
    "batch",
    "reg",
    "reg-rate",
    "noise",
    "ratio",
    "seed",
    "optimizer",
    "momentum",
    "loss",
    "dropout",
    "data",
    "weights",
];

impl SweepArgs {
    /// Every sweepable setting given: its flag, and its values. Lists (layers, features,
    /// per-layer activations) are separated by ';', everything else by ','.
    fn axes(&self) -> Result<Vec<(&'static str, Vec<String>)>, String> {
        let given = [
            ("config", &self.config, ','),
            ("playground-url", &self.playground_url, ' '),
            ("dataset", &self.dataset, ','),
            ("problem", &self.problem, ','),
            ("classes", &self.classes, ','),
            ("features", &self.features, ';'),
            ("layers", &self.layers, ';'),
            ("activation", &self.activation, ','),
            ("layer-activations", &self.layer_activations, ';'),
            ("lr", &self.lr, ','),
            ("batch", &self.batch, ','),
            ("reg", &self.reg, ','),
            ("reg-rate", &self.reg_rate, ','),
            ("noise", &self.noise, ','),
            ("ratio", &self.ratio, ','),
            ("seed", &self.seed, ','),
            ("optimizer", &self.optimizer, ','),
            ("momentum", &self.momentum, ','),
            ("loss", &self.loss, ','),
            ("dropout", &self.dropout, ','),
            ("data", &self.data, ','),
            ("weights", &self.weights, ','),
        ];
        let mut axes = Vec::new();
        for (flag, value, separator) in given {
            let Some(value) = value else { continue };
            let values: Vec<String> = value
                .split(separator)
                .map(|v| v.trim().to_string())
                .collect();
            if values.iter().any(String::is_empty) {
                return Err(format!(
                    "--{flag} {value:?} has an empty value (values are separated by '{separator}')"
                ));
            }
            axes.push((flag, values));
        }
        Ok(axes)
    }
}

/// One combination of the swept values.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// (flag, value) for every setting given, in the order of [`SweepArgs`].
    pub settings: Vec<(&'static str, String)>,
}

impl Variant {
    /// Every setting, for messages: "--dataset spiral --lr abc".
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .settings
            .iter()
            .map(|(flag, value)| format!("--{flag} {value}"))
            .collect();
        parts.join(" ")
    }

    /// The settings that differ between variants, for the table: "lr 0.03, activation tanh".
    fn label(&self, swept: &[&'static str]) -> String {
        let parts: Vec<String> = self
            .settings
            .iter()
            .filter(|(flag, _)| swept.contains(flag))
            .map(|(flag, value)| format!("{flag} {value}"))
            .collect();
        if parts.is_empty() {
            "(the one variant)".into()
        } else {
            parts.join(", ")
        }
    }
}

/// Every combination, the last setting varying fastest.
pub fn grid(axes: &[(&'static str, Vec<String>)]) -> Vec<Variant> {
    let mut variants = vec![Variant {
        settings: Vec::new(),
    }];
    for (flag, values) in axes {
        variants = variants
            .into_iter()
            .flat_map(|v| {
                values.iter().map(move |value| {
                    let mut settings = v.settings.clone();
                    settings.push((*flag, value.clone()));
                    Variant { settings }
                })
            })
            .collect();
    }
    variants
}

/// The final figures of one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunResult {
    pub train_loss: f64,
    pub test_loss: f64,
    pub train_accuracy: Option<f64>,
    pub test_accuracy: Option<f64>,
    /// Whether the loss stopped being a number.
    pub diverged: bool,
}

/// A variant's runs summed up.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantResult {
    pub variant: Variant,
    pub runs: Vec<RunResult>,
}

impl VariantResult {
    pub fn diverged(&self) -> usize {
        self.runs.iter().filter(|r| r.diverged).count()
    }
    pub fn test_loss(&self) -> (f64, Option<f64>) {
        mean_sd(&self.runs.iter().map(|r| r.test_loss).collect::<Vec<_>>())
    }
    pub fn train_loss(&self) -> (f64, Option<f64>) {
        mean_sd(&self.runs.iter().map(|r| r.train_loss).collect::<Vec<_>>())
    }
    pub fn test_accuracy(&self) -> Option<(f64, Option<f64>)> {
        let values: Option<Vec<f64>> = self.runs.iter().map(|r| r.test_accuracy).collect();
        values.map(|v| mean_sd(&v))
    }
    pub fn train_accuracy(&self) -> Option<(f64, Option<f64>)> {
        let values: Option<Vec<f64>> = self.runs.iter().map(|r| r.train_accuracy).collect();
        values.map(|v| mean_sd(&v))
    }
    /// The order of the table: variants whose every run stayed finite first, by mean test loss.
    fn rank_key(&self) -> (bool, f64) {
        let (mean, _) = self.test_loss();
        let broken = self.diverged() > 0 || !mean.is_finite();
        (broken, if broken { f64::INFINITY } else { mean })
    }
}

/// Reads one run's flags with `train`'s parser.
fn train_args(variant: &Variant, seed: Option<u64>, args: &SweepArgs) -> Result<TrainArgs, String> {
    let mut argv = Vec::new();
    for (flag, value) in &variant.settings {
        if *flag == "seed" && seed.is_some() {
            continue;
        }
        argv.push(format!("--{flag}"));
        argv.push(value.clone());
    }
    if let Some(seed) = seed {
        argv.push("--seed".into());
        argv.push(seed.to_string());
    }
    argv.push("--epochs".into());
    argv.push(args.epochs.to_string());
    argv.push("--quiet".into());
    if args.init_zero {
        argv.push("--init-zero".into());
    }
    if args.reshuffle {
        argv.push("--reshuffle".into());
    }
    OneRun::try_parse_from(&argv).map(|r| r.train).map_err(|e| {
        // clap's first line says what is wrong; its usage lines are about `train`.
        let text = e.to_string();
        let first = text
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("error: ");
        format!("{first} (in the variant {})", variant.describe())
    })
}

/// Trains one run to the end (or until it diverges).
pub fn run_one(train: &TrainArgs) -> Result<RunResult, String> {
    let mut experiment = train.experiment()?;
    let mut trained = 0;
    while trained < train.epochs {
        if experiment.step(1) == 0 || experiment.divergence().is_some() {
            break;
        }
        trained += 1;
    }
    let latest = experiment.latest();
    Ok(RunResult {
        train_loss: latest.train_loss,
        test_loss: latest.test_loss,
        train_accuracy: latest.train_accuracy,
        test_accuracy: latest.test_accuracy,
        diverged: experiment.divergence().is_some(),
    })
}

/// The worker threads a sweep starts: as asked (else one per core), but never more than there
/// are runs, nor more than four per core (a sweep's runs never wait on anything but a core).
pub fn worker_threads(asked: Option<usize>, runs: usize, cores: usize) -> usize {
    asked
        .unwrap_or(cores)
        .min(runs.max(1))
        .min(cores.max(1) * 4)
        .max(1)
}

/// A sweep's runs, in grid order (each variant's runs one after another), every one's flags
/// read and checked.
pub struct Plan {
    pub variants: Vec<Variant>,
    /// Each run: its variant, its number among the variant's runs, and its flags.
    pub jobs: Vec<(usize, usize, TrainArgs)>,
    /// What makes two sweeps the same: every run's settings, seeds and epochs.
    pub id: String,
}

/// Builds the grid and reads every run's flags, before anything trains.
pub fn plan(args: &SweepArgs) -> Result<Plan, Outcome> {
    if args.seeds == 0 || args.seeds > 100 {
        return Err(Outcome::BadInput(format!(
            "--seeds {} must be 1 to 100",
            args.seeds
        )));
    }
    if args.threads == Some(0) {
        return Err(Outcome::BadInput("--threads must be at least 1".into()));
    }
    let axes = args.axes().map_err(Outcome::BadInput)?;
    let seed_values = axes
        .iter()
        .find(|(flag, _)| *flag == "seed")
        .map(|(_, values)| values.clone());
    if args.playground_url.is_some() && args.seeds > 1 {
        return Err(Outcome::BadInput(
            "--seeds with --playground-url: the link's own seed fixes the data and the initial \
             weights, so every run would be the same (sweep links with other seed= values instead)"
                .into(),
        ));
    }
    if seed_values.as_ref().is_some_and(|v| v.len() > 1) && args.seeds > 1 {
        return Err(Outcome::BadInput(
            "give either several --seed values or --seeds N, not both".into(),
        ));
    }
    let variants = grid(&axes);
    let runs = variants.len() * args.seeds as usize;
    if runs > MAX_RUNS {
        return Err(Outcome::BadInput(format!(
            "{} variants x {} seeds = {runs} runs; at most {MAX_RUNS}",
            variants.len(),
            args.seeds
        )));
    }
    // Every run's flags are read before anything trains, so a bad value stops the sweep at once.
    let mut jobs = Vec::with_capacity(runs);
    let mut identity = format!(
        "epochs {} seeds {} init_zero {} reshuffle {}",
        args.epochs, args.seeds, args.init_zero, args.reshuffle
    );
    for (index, variant) in variants.iter().enumerate() {
        identity.push('\n');
        identity.push_str(&variant.describe());
        // With --seeds N, the runs take the seeds S..S+N-1 (S: --seed, else train's default);
        // with one run per variant, its settings are exactly those given.
        let first_seed = match &seed_values {
            Some(values) => values[0].parse::<u64>().map_err(|_| {
                Outcome::BadInput(format!("--seed {:?} is not a whole number", values[0]))
            })?,
            None => crate::experiment::ExperimentConfig::default().seed,
        };
        for k in 0..args.seeds {
            let seed = (args.seeds > 1).then_some(first_seed.wrapping_add(k));
            jobs.push((
                index,
                k as usize,
                train_args(variant, seed, args).map_err(Outcome::BadInput)?,
            ));
        }
    }
    Ok(Plan {
        variants,
        jobs,
        id: fingerprint(&identity),
    })
}

/// Trains the given runs on `threads` worker threads (capped, see [`worker_threads`]); their
/// results in the same order.
pub fn execute(
    runs: &[&TrainArgs],
    threads: Option<usize>,
    quiet: bool,
) -> Result<Vec<Result<RunResult, String>>, Outcome> {
    let bar = if quiet {
        indicatif::ProgressBar::hidden()
    } else {
        let bar = indicatif::ProgressBar::new(runs.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} runs, {eta} left")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    };
    let work = || -> Vec<Result<RunResult, String>> {
        runs.par_iter()
            .map(|train| {
                let result = run_one(train);
                bar.inc(1);
                result
            })
            .collect()
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let used = worker_threads(threads, runs.len(), cores);
    if let Some(asked) = threads
        && asked > used
        && !quiet
    {
        eprintln!(
            "note: --threads {asked} capped to {used} ({} run{} on {cores} core{}): more threads would only wait",
            runs.len(),
            if runs.len() == 1 { "" } else { "s" },
            if cores == 1 { "" } else { "s" },
        );
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(used)
        .build()
        .map_err(|e| Outcome::Failed(format!("cannot start the worker threads: {e}")))?;
    let results = pool.install(work);
    bar.finish_and_clear();
    Ok(results)
}

/// Each variant with its runs' results (`results[k]` is run `runs[k]` = (variant, number)).
pub fn group(
    variants: Vec<Variant>,
    runs: &[(usize, usize)],
    results: Vec<Result<RunResult, String>>,
) -> Result<Vec<VariantResult>, Outcome> {
    let mut grouped: Vec<VariantResult> = variants
        .into_iter()
        .map(|variant| VariantResult {
            variant,
            runs: Vec::new(),
        })
        .collect();
    let mut ordered: Vec<(usize, usize, Result<RunResult, String>)> = runs
        .iter()
        .zip(results)
        .map(|(&(variant, number), result)| (variant, number, result))
        .collect();
    ordered.sort_by_key(|(variant, number, _)| (*variant, *number));
    for (index, _, result) in ordered {
        let run = result.map_err(|e| {
            Outcome::BadInput(format!(
                "{e} (in the variant {})",
                grouped[index].variant.describe()
            ))
        })?;
        grouped[index].runs.push(run);
    }
    Ok(grouped)
}

/// Builds the grid, checks every run's settings, runs them all; results in grid order.
pub fn run_grid(args: &SweepArgs) -> Result<Vec<VariantResult>, Outcome> {
    let plan = plan(args)?;
    let runs: Vec<&TrainArgs> = plan.jobs.iter().map(|(_, _, train)| train).collect();
    let results = execute(&runs, args.threads, args.quiet)?;
    let numbers: Vec<(usize, usize)> = plan.jobs.iter().map(|&(v, k, _)| (v, k)).collect();
    group(plan.variants, &numbers, results)
}

/// The flags whose values differ between variants.
fn swept_flags(results: &[VariantResult]) -> Vec<&'static str> {
    let Some(first) = results.first() else {
        return Vec::new();
    };
    first
        .variant
        .settings
        .iter()
        .enumerate()
        .filter(|(i, (_, value))| results.iter().any(|r| &r.variant.settings[*i].1 != value))
        .map(|(_, (flag, _))| *flag)
        .collect()
}

/// The variants best first (ties keep grid order).
pub fn ranking(results: &[VariantResult]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..results.len()).collect();
    order.sort_by(|&a, &b| {
        let (ka, kb) = (results[a].rank_key(), results[b].rank_key());
        ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1)).then(a.cmp(&b))
    });
    order
}

fn spread(value: (f64, Option<f64>), digits: usize) -> String {
    match value.1 {
        Some(sd) => format!("{:.digits$} ± {sd:.digits$}", value.0),
        None => format!("{:.digits$}", value.0),
    }
}

/// The table, best first.
pub fn table(results: &[VariantResult]) -> String {
    let swept = swept_flags(results);
    let order = ranking(results);
    let labels: Vec<String> = results.iter().map(|r| r.variant.label(&swept)).collect();
    let width = labels.iter().map(String::len).max().unwrap_or(0).max(7);
    let mut text = format!(
        "{:>4}  {:<width$}  {:>17}  {:>17}  {:>17}\n",
        "rank", "variant", "test loss", "train loss", "test accuracy"
    );
    for (rank, &i) in order.iter().enumerate() {
        let r = &results[i];
        let accuracy = r
            .test_accuracy()
            .map(|(m, sd)| spread((100.0 * m, sd.map(|s| 100.0 * s)), 1) + " %")
            .unwrap_or_else(|| "-".into());
        let mut line = format!(
            "{:>4}  {:<width$}  {:>17}  {:>17}  {:>17}",
            rank + 1,
            labels[i],
            spread(r.test_loss(), 4),
            spread(r.train_loss(), 4),
            accuracy
        );
        if r.diverged() > 0 {
            line.push_str(&format!(
                "  diverged in {} of {} runs",
                r.diverged(),
                r.runs.len()
            ));
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// One row per variant in grid order: its settings, then the results. Nothing that varies
/// between two runs of the same sweep (no timings), so the file is the same for any --threads.
pub fn csv(results: &[VariantResult]) -> String {
    let Some(first) = results.first() else {
        return String::new();
    };
    let mut text: Vec<String> = first
        .variant
        .settings
        .iter()
        .map(|(flag, _)| flag.replace('-', "_"))
        .collect();
    text.extend(
        [
            "runs",
            "diverged",
            "rank",
            "test_loss_mean",
            "test_loss_sd",
            "train_loss_mean",
            "train_loss_sd",
            "test_accuracy_mean",
            "test_accuracy_sd",
            "train_accuracy_mean",
            "train_accuracy_sd",
        ]
        .map(String::from),
    );
    let mut out = text.join(",") + "\n";
    let order = ranking(results);
    let mut rank = vec![0; results.len()];
    for (position, &i) in order.iter().enumerate() {
        rank[i] = position + 1;
    }
    let number = |v: f64| v.to_string();
    let pair = |v: Option<(f64, Option<f64>)>| match v {
        Some((m, sd)) => [number(m), sd.map(number).unwrap_or_default()],
        None => [String::new(), String::new()],
    };
    for (i, r) in results.iter().enumerate() {
        let mut row: Vec<String> = r
            .variant
            .settings
            .iter()
            .map(|(_, value)| {
                if value.contains([',', '"']) {
                    format!("\"{}\"", value.replace('"', "\"\""))
                } else {
                    value.clone()
                }
            })
            .collect();
        row.push(r.runs.len().to_string());
        row.push(r.diverged().to_string());
        row.push(rank[i].to_string());
        row.extend(pair(Some(r.test_loss())));
        row.extend(pair(Some(r.train_loss())));
        row.extend(pair(r.test_accuracy()));
        row.extend(pair(r.train_accuracy()));
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// The whole sweep in this process (`sweep_shard::run_sweep` sends slices and merges elsewhere).
pub fn run_whole(args: &SweepArgs, out: &mut dyn Write) -> Outcome {
    if let Some(path) = &args.csv
        && !is_standard_output(path)
        && let Err(e) = check_output_path(path, "--csv")
    {
        return Outcome::BadInput(e);
    }
    let results = match run_grid(args) {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    if let Some(path) = &args.csv {
        // `--csv -`: the CSV alone goes to standard output, instead of the table.
        if is_standard_output(path) {
            return match write!(out, "{}", csv(&results)).and_then(|_| out.flush()) {
                Ok(()) => Outcome::Done,
                Err(e) => Outcome::Failed(format!("cannot write to standard output: {e}")),
            };
        }
        if let Err(e) = write_file(path, &csv(&results)) {
            return Outcome::Failed(e);
        }
    }
    print_summary(&results, args.seeds, args.epochs, out)
}

/// "N variants x S seeds = R runs of E epochs", then the table.
pub fn print_summary(
    results: &[VariantResult],
    seeds: u64,
    epochs: u64,
    out: &mut dyn Write,
) -> Outcome {
    let runs: usize = results.iter().map(|r| r.runs.len()).sum();
    let written = write!(
        out,
        "{} variant{} x {} seed{} = {runs} runs of {} epochs\n{}",
        results.len(),
        if results.len() == 1 { "" } else { "s" },
        seeds,
        if seeds == 1 { "" } else { "s" },
        epochs,
        table(results)
    )
    .and_then(|_| out.flush());
    match written {
        Ok(()) => Outcome::Done,
        Err(e) => Outcome::Failed(format!("cannot write to standard output: {e}")),
    }
}

/// A short, stable name for a sweep's identity text (FNV-1a, 64 bits: this tells sweeps
/// apart, it guards nothing).
pub fn fingerprint(identity: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in identity.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}
