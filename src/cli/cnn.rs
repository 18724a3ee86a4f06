//! `neural-sandbox cnn`: classify pictures with a TensorFlow.js model (CNN Explainer's Tiny VGG
//! or ours), train the mini Tiny VGG on shapes or digits, and measure both.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};

use super::{Outcome, check_distinct_files, check_output_path, is_standard_output};
use crate::cnn::images::ImageDataset;
use crate::cnn::train::{CnnOptimizer, CnnTraining};
use crate::cnn::{CnnActivation, CnnModel, MiniSpec, Padding, tfjs};

#[derive(Debug, Subcommand)]
pub enum CnnCommand {
    /// Print each class's probability for each picture (PNG or JPEG).
    #[command(allow_negative_numbers = true)]
    Classify(ClassifyArgs),
    /// Train the mini Tiny VGG; one row per epoch:
    /// epoch,train_loss,test_loss,train_accuracy,test_accuracy.
    #[command(allow_negative_numbers = true)]
    Train(Box<CnnTrainArgs>),
    /// Training images/s and inference ms/image for the mini net (and a model given with --model).
    #[command(allow_negative_numbers = true)]
    Bench(CnnBenchArgs),
}

#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// A TensorFlow.js layers model (its weight shards beside it), or one saved by `cnn train`.
    #[arg(long, value_name = "model.json")]
    pub model: PathBuf,
    /// The pictures.
    #[arg(required = true, value_name = "IMAGE")]
    pub images: Vec<PathBuf>,
    /// The class names, in the model's output order, when its file does not name them.
    #[arg(long, value_name = "a,b,...")]
    pub classes: Option<String>,
    /// One JSON object per picture: {"image": path, "probabilities": {class: p, ...}}.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CnnTrainArgs {
    #[arg(long, default_value = "shapes")]
    pub dataset: ImageDataset,
    /// How many classes (shapes: 2 to 10, the first five by default; digits: 2 to 10).
    #[arg(long)]
    pub classes: Option<usize>,
    #[arg(long, default_value_t = 3)]
    pub epochs: u64,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Blocks of two convolutions and a max-pool, 1 to 3.
    #[arg(long, default_value_t = 2)]
    pub blocks: usize,
    /// Filters per convolution, 1 to 16.
    #[arg(long, default_value_t = 8)]
    pub filters: usize,
    /// Kernel size, 1 to 7.
    #[arg(long, default_value_t = 3)]
    pub kernel: usize,
    /// valid or same (digits need same: 8x8 is too small for valid).
    #[arg(long)]
    pub padding: Option<String>,
    /// relu, tanh, sigmoid or linear.
    #[arg(long, default_value = "relu")]
    pub activation: String,
    /// adam or sgd.
    #[arg(long, default_value = "adam")]
    pub optimizer: String,
    #[arg(long, default_value_t = 0.005)]
    pub learning_rate: f32,
    #[arg(long, default_value_t = 16)]
    pub batch_size: usize,
    /// Write the rows to this CSV file too.
    #[arg(long, value_name = "OUT.csv")]
    pub csv: Option<PathBuf>,
    /// Write the trained model (TensorFlow.js layout, weights inline) to this file.
    #[arg(long, value_name = "M.json")]
    pub save_model: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CnnBenchArgs {
    /// Also measure this model's inference (CNN Explainer's Tiny VGG, for example).
    #[arg(long, value_name = "model.json")]
    pub model: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
    /// Seconds spent measuring each figure.
    #[arg(long, default_value_t = 2.0)]
    pub seconds: f64,
}

pub fn run(command: &CnnCommand, out: &mut dyn Write) -> Outcome {
    match command {
        CnnCommand::Classify(args) => classify(args, out),
        CnnCommand::Train(args) => train(args, out),
        CnnCommand::Bench(args) => bench(args, out),
    }
}

fn write_or_fail(out: &mut dyn Write, text: &str) -> Outcome {
    match out.write_all(text.as_bytes()) {
        Ok(()) => Outcome::Done,
        Err(e) => Outcome::Failed(format!("cannot write to standard output: {e}")),
    }
}

fn open_model(path: &std::path::Path, classes: Option<&str>) -> Result<CnnModel, String> {
    let mut model = tfjs::read_model(path)?;
    if let Some(list) = classes {
        let names: Vec<String> = list.split(',').map(|s| s.trim().to_string()).collect();
        if names.len() != model.classes() || names.iter().any(String::is_empty) {
            return Err(format!(
                "--classes names {} classes, the model has {}",
                names.len(),
                model.classes()
            ));
        }
        // Each probability is printed under its class's name: two classes of one name would
        // lose one of them.
        if let Some((k, name)) = names
            .iter()
            .enumerate()
            .find(|(k, name)| names[..*k].contains(name))
        {
            return Err(format!(
                "--classes names {} twice (classes {} and {}): every class needs its own name",
                crate::limits::quote(name),
                names.iter().position(|n| n == name).unwrap_or(0) + 1,
                k + 1
            ));
        }
        model.class_names = names;
    }
    Ok(model)
}

fn classify(args: &ClassifyArgs, out: &mut dyn Write) -> Outcome {
    let model = match open_model(&args.model, args.classes.as_deref()) {
        Ok(m) => m,
        Err(e) => return Outcome::BadInput(e),
    };
    let mut text = String::new();
    for path in &args.images {
        let pixels =
            crate::limits::read_bytes(path, crate::limits::FileKind::Picture).and_then(|bytes| {
                crate::cnn::preprocess::image_for_model(&bytes, model.input)
                    .map_err(|e| format!("{}: {e}", path.display()))
            });
        let pixels = match pixels {
            Ok(p) => p,
            Err(e) => return Outcome::BadInput(e),
        };
        let p = model.predict(&pixels);
        if args.json {
            let probabilities: serde_json::Map<String, serde_json::Value> = model
                .class_names
                .iter()
                .zip(&p)
                .map(|(name, &v)| (name.clone(), serde_json::json!(v)))
                .collect();
            text.push_str(
                &serde_json::json!({"image": path.display().to_string(), "probabilities": probabilities})
                    .to_string(),
            );
            text.push('\n');
        } else {
            text.push_str(&format!("{}\n", path.display()));
            let mut order: Vec<usize> = (0..p.len()).collect();
            order.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
            for c in order {
                text.push_str(&format!(
                    "  {:<16} {:>7.3} %\n",
                    model.class_names[c],
                    100.0 * p[c]
                ));
            }
        }
    }
    write_or_fail(out, &text)
}

/// The mini net's settings from the flags, checked.
pub fn mini_spec(args: &CnnTrainArgs) -> Result<(MiniSpec, CnnOptimizer), String> {
    let activation = CnnActivation::parse(&args.activation).ok_or_else(|| {
        format!(
            "--activation {}: relu, tanh, sigmoid or linear",
            args.activation
        )
    })?;
    let padding = match args.padding.as_deref() {
        None if args.dataset == ImageDataset::Digits => Padding::Same,
        None | Some("valid") => Padding::Valid,
        Some("same") => Padding::Same,
        Some(other) => return Err(format!("--padding {other}: valid or same")),
    };
    if !(1..=7).contains(&args.kernel) {
        return Err(format!("--kernel {}: 1 to 7", args.kernel));
    }
    if !(args.learning_rate.is_finite() && args.learning_rate > 0.0 && args.learning_rate <= 10.0) {
        return Err(format!(
            "--learning-rate {}: more than 0 and at most 10",
            args.learning_rate
        ));
    }
    if !(1..=1024).contains(&args.batch_size) {
        return Err(format!("--batch-size {}: 1 to 1024", args.batch_size));
    }
    let optimizer = match args.optimizer.as_str() {
        "adam" => CnnOptimizer::Adam {
            learning_rate: args.learning_rate,
        },
        "sgd" => CnnOptimizer::Sgd {
            learning_rate: args.learning_rate,
            momentum: 0.9,
        },
        other => return Err(format!("--optimizer {other}: adam or sgd")),
    };
    Ok((
        MiniSpec {
            blocks: args.blocks,
            filters: args.filters,
            kernel: args.kernel,
            padding,
            activation,
        },
        optimizer,
    ))
}

fn train(args: &CnnTrainArgs, out: &mut dyn Write) -> Outcome {
    let outputs = [(&args.csv, "--csv"), (&args.save_model, "--save-model")];
    for (path, flag) in outputs {
        if let Some(path) = path
            && !(flag == "--csv" && is_standard_output(path))
            && let Err(e) = check_output_path(path, flag)
        {
            return Outcome::BadInput(e);
        }
    }
    if let Err(e) = check_distinct_files(&[], &outputs) {
        return Outcome::BadInput(e);
    }
    let (spec, optimizer) = match mini_spec(args) {
        Ok(s) => s,
        Err(e) => return Outcome::BadInput(e),
    };
    let classes = args.classes.unwrap_or(match args.dataset {
        ImageDataset::Shapes => 5,
        ImageDataset::Digits => 10,
    });
    let (train_set, test_set) = match args.dataset.generate(classes, args.seed) {
        Ok(sets) => sets,
        Err(e) => return Outcome::BadInput(format!("--classes {e}")),
    };
    let model = match spec.build(train_set.shape, train_set.class_names.clone(), args.seed) {
        Ok(m) => m,
        Err(e) => return Outcome::BadInput(format!("the network does not fit the images: {e}")),
    };
    let mut training = CnnTraining::new(model, optimizer, args.batch_size, args.seed);
    super::watch_for_interrupt();
    let mut rows = String::from("epoch,train_loss,test_loss,train_accuracy,test_accuracy\n");
    if let Outcome::Failed(e) = write_or_fail(out, &rows) {
        return Outcome::Failed(e);
    }
    for _ in 0..args.epochs {
        if super::stop_requested() {
            break;
        }
        let r = training.run_epoch(&train_set, &test_set);
        let row = format!(
            "{},{},{},{},{}\n",
            r.epoch, r.train.loss, r.test.loss, r.train.accuracy, r.test.accuracy
        );
        if let Outcome::Failed(e) = write_or_fail(out, &row) {
            return Outcome::Failed(e);
        }
        rows.push_str(&row);
    }
    // (`--csv -`: the rows were printed already.)
    if let Some(path) = &args.csv
        && !is_standard_output(path)
        && let Err(e) = std::fs::write(path, &rows)
    {
        return Outcome::Failed(format!("--csv {}: {e}", path.display()));
    }
    if let Some(path) = &args.save_model
        && let Err(e) = std::fs::write(path, tfjs::to_json(&training.model))
    {
        return Outcome::Failed(format!("--save-model {}: {e}", path.display()));
    }
    if training.model.params.iter().any(|v| !v.is_finite()) {
        return Outcome::Diverged(
            "the weights became infinite or NaN: lower --learning-rate".into(),
        );
    }
    Outcome::Done
}

/// One measured figure.
#[derive(Debug, serde::Serialize)]
pub struct CnnBenchRow {
    pub model: String,
    pub threads: usize,
    pub train_images_per_s: Option<f64>,
    pub inference_ms_per_image: f64,
}

fn bench(args: &CnnBenchArgs, out: &mut dyn Write) -> Outcome {
    if !(args.seconds.is_finite() && args.seconds > 0.0 && args.seconds <= 600.0) {
        return Outcome::BadInput(format!(
            "--seconds {} must be more than 0 and at most 600",
            args.seconds
        ));
    }
    let budget = Duration::from_secs_f64(args.seconds);
    let (train_set, _) = match ImageDataset::Shapes.generate(5, 0) {
        Ok(s) => s,
        Err(e) => return Outcome::Failed(e),
    };
    let mini = match MiniSpec::default().build(train_set.shape, train_set.class_names.clone(), 0) {
        Ok(m) => m,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut rows = Vec::new();
    let mut thread_counts = vec![1];
    if cores > 1 {
        thread_counts.push(cores);
    }
    for &threads in &thread_counts {
        let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(p) => p,
            Err(e) => return Outcome::Failed(e.to_string()),
        };
        let images_per_s = pool.install(|| {
            let mut training = CnnTraining::new(mini.clone(), CnnOptimizer::default(), 16, 0);
            let start = Instant::now();
            let mut images = 0usize;
            while start.elapsed() < budget {
                training.step(&train_set);
                images += 16;
            }
            images as f64 / start.elapsed().as_secs_f64()
        });
        rows.push(CnnBenchRow {
            model: "mini Tiny VGG, 28x28 shapes, batch 16".into(),
            threads,
            train_images_per_s: Some(images_per_s),
            inference_ms_per_image: inference_ms(&mini, budget),
        });
    }
    if let Some(path) = &args.model {
        let model = match tfjs::read_model(path) {
            Ok(m) => m,
            Err(e) => return Outcome::BadInput(e),
        };
        rows.push(CnnBenchRow {
            model: path.display().to_string(),
            threads: 1,
            train_images_per_s: None,
            inference_ms_per_image: inference_ms(&model, budget),
        });
    }
    let text = if args.json {
        serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n"
    } else {
        let mut t = format!(
            "{:<44} {:>8} {:>16} {:>14}\n",
            "model", "threads", "train images/s", "inference ms"
        );
        for r in &rows {
            t.push_str(&format!(
                "{:<44} {:>8} {:>16} {:>14.3}\n",
                r.model,
                r.threads,
                r.train_images_per_s
                    .map_or("-".into(), |v| format!("{v:.0}")),
                r.inference_ms_per_image
            ));
        }
        t
    };
    write_or_fail(out, &text)
}

/// Forward passes of one image at a time on this thread, the way a student classifies.
fn inference_ms(model: &CnnModel, budget: Duration) -> f64 {
    let image: Vec<f32> = (0..model.input.len())
        .map(|i| (i % 7) as f32 / 7.0)
        .collect();
    let start = Instant::now();
    let mut count = 0u32;
    while start.elapsed() < budget || count < 3 {
        std::hint::black_box(model.predict(std::hint::black_box(&image)));
        count += 1;
    }
    start.elapsed().as_secs_f64() * 1000.0 / f64::from(count)
}
