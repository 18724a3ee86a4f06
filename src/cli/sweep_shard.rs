//! A sweep over a cluster: `sweep ... --shard K/N` runs only the K-th of N slices of the runs
//! (the same runs with the same seeds whatever N is: run `j` of the grid belongs to slice
//! `j % N + 1`), and writes each run's result; `sweep merge` joins the slices into exactly the
//! CSV the unsplit sweep writes. A slice's first line names the sweep (a fingerprint of every
//! run's settings, seeds and epochs) and the slice, so slices of different sweeps, a slice
//! given twice or a missing slice are refused rather than merged into something wrong.
//!
//! Each run's numbers are written in full (Rust's shortest text that reads back as the same
//! double), so the merged means, spreads and ranks are the same bits as the unsplit sweep's.

use std::io::Write;
use std::path::PathBuf;

use super::sweep::{
    MergeArgs, RunResult, SWEEP_FLAGS, SweepArgs, SweepCommand, Variant, VariantResult,
};
use super::{Outcome, check_output_path, is_standard_output, write_file};

/// `neural-sandbox sweep`: `merge`, one slice (`--shard`), or the whole sweep here.
pub fn run_sweep(args: &SweepArgs, out: &mut dyn Write) -> Outcome {
    if let Some(SweepCommand::Merge(merge)) = &args.command {
        return run_merge(merge, out);
    }
    if let Some(shard) = &args.shard {
        return run_slice(args, shard, out);
    }
    super::sweep::run_whole(args, out)
}

/// One slice of N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// From 1.
    pub index: usize,
    pub count: usize,
}

/// The most slices a sweep may be cut into.
pub const MAX_SHARDS: usize = 10_000;

impl Shard {
    /// Whether run `job` (counted from 0 in grid order) is this slice's.
    pub fn has(&self, job: usize) -> bool {
        job % self.count == self.index - 1
    }
}

/// Reads `K/N`, or `auto/N` with K from the job engine's variables (`var` reads one).
pub fn parse_shard(text: &str, var: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
    let wrong = || {
        format!(
            "--shard {}: expected K/N (K from 1 to N, N at most {MAX_SHARDS}) or auto/N",
            crate::limits::quote(text)
        )
    };
    let (k, n) = text.split_once('/').ok_or_else(wrong)?;
    let count: usize = n.trim().parse().map_err(|_| wrong())?;
    if !(1..=MAX_SHARDS).contains(&count) {
        return Err(wrong());
    }
    let index = if k.trim() == "auto" {
        auto_index(&var)?
    } else {
        k.trim().parse::<usize>().map_err(|_| wrong())?
    };
    if !(1..=count).contains(&index) {
        return Err(format!(
            "--shard {}: slice {index} of {count} does not exist (slices are 1 to {count})",
            crate::limits::quote(text)
        ));
    }
    Ok(Shard { index, count })
}

/// K for `auto`: a Kubernetes Indexed Job counts its pods from 0 in JOB_COMPLETION_INDEX; a
/// SLURM job array numbers its tasks from SLURM_ARRAY_TASK_MIN (often 0 or 1).
fn auto_index(var: &impl Fn(&str) -> Option<String>) -> Result<usize, String> {
    let number =
        |name: &str| -> Result<Option<i64>, String> {
            match var(name) {
                None => Ok(None),
                Some(v) => v.trim().parse::<i64>().map(Some).map_err(|_| {
                    format!("{name}={} is not a whole number", crate::limits::quote(&v))
                }),
            }
        };
    if let Some(index) = number("JOB_COMPLETION_INDEX")? {
        return usize::try_from(index + 1)
            .map_err(|_| format!("JOB_COMPLETION_INDEX={index} is negative"));
    }
    if let Some(task) = number("SLURM_ARRAY_TASK_ID")? {
        let min = number("SLURM_ARRAY_TASK_MIN")?.ok_or(
            "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_MIN is not (SLURM sets both)",
        )?;
        return usize::try_from(task - min + 1).map_err(|_| {
            format!("SLURM_ARRAY_TASK_ID={task} is below SLURM_ARRAY_TASK_MIN={min}")
        });
    }
    Err("--shard auto/N: neither JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (a SLURM job array) is set; give the slice as K/N".into())
}

/// The first line of a slice's CSV.
fn slice_line(head: &SliceHead) -> String {
    format!(
        "# neural-sandbox sweep {}, slice {}/{}, {} variants, {} seeds, {} runs, {} epochs",
        head.id,
        head.shard.index,
        head.shard.count,
        head.variants,
        head.seeds,
        head.runs,
        head.epochs
    )
}

fn quoted(value: &str) -> String {
    if value.contains([',', '"', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// `sweep ... --shard K/N`: this slice's runs, written to --csv for `sweep merge`.
pub fn run_slice(args: &SweepArgs, shard_text: &str, out: &mut dyn Write) -> Outcome {
    let shard = match parse_shard(shard_text, |name| std::env::var(name).ok()) {
        Ok(s) => s,
        Err(e) => return Outcome::BadInput(e),
    };
    let Some(path) = &args.csv else {
        return Outcome::BadInput(
            "--shard writes its runs' results for `sweep merge`: give --csv SLICE.csv".into(),
        );
    };
    if !is_standard_output(path)
        && let Err(e) = check_output_path(path, "--csv")
    {
        return Outcome::BadInput(e);
    }
    let plan = match super::sweep::plan(args) {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let mine: Vec<usize> = (0..plan.jobs.len()).filter(|&j| shard.has(j)).collect();
    let runs: Vec<&super::TrainArgs> = mine.iter().map(|&j| &plan.jobs[j].2).collect();
    let results = match super::sweep::execute(&runs, args.threads, args.quiet) {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    let flags: Vec<&str> = plan
        .variants
        .first()
        .map(|v| v.settings.iter().map(|(flag, _)| *flag).collect())
        .unwrap_or_default();
    let head = SliceHead {
        id: plan.id.clone(),
        shard,
        variants: plan.variants.len(),
        seeds: args.seeds,
        runs: plan.jobs.len(),
        epochs: args.epochs,
    };
    let mut text = slice_line(&head) + "\n";
    let mut header = vec!["job".to_string(), "variant".into(), "run".into()];
    header.extend(flags.iter().map(|f| f.replace('-', "_")));
    header.extend(
        [
            "train_loss",
            "test_loss",
            "train_accuracy",
            "test_accuracy",
            "diverged",
        ]
        .map(String::from),
    );
    text.push_str(&header.join(","));
    text.push('\n');
    for (&job, result) in mine.iter().zip(results) {
        let (variant, number, _) = &plan.jobs[job];
        let run = match result {
            Ok(run) => run,
            Err(e) => {
                return Outcome::BadInput(format!(
                    "{e} (in the variant {})",
                    plan.variants[*variant].describe()
                ));
            }
        };
        let mut row = vec![job.to_string(), variant.to_string(), number.to_string()];
        row.extend(
            plan.variants[*variant]
                .settings
                .iter()
                .map(|(_, value)| quoted(value)),
        );
        let optional = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        row.extend([
            run.train_loss.to_string(),
            run.test_loss.to_string(),
            optional(run.train_accuracy),
            optional(run.test_accuracy),
            run.diverged.to_string(),
        ]);
        text.push_str(&row.join(","));
        text.push('\n');
    }
    let written = if is_standard_output(path) {
        write!(out, "{text}")
            .and_then(|_| out.flush())
            .map_err(|e| format!("cannot write to standard output: {e}"))
    } else {
        write_file(path, &text).and_then(|_| {
            if args.quiet {
                return Ok(());
            }
            writeln!(
                out,
                "slice {}/{} of sweep {}: {} of {} runs written to {} (join the slices with `neural-sandbox sweep merge`)",
                shard.index,
                shard.count,
                plan.id,
                mine.len(),
                plan.jobs.len(),
                path.display()
            )
            .map_err(|e| format!("cannot write to standard output: {e}"))
        })
    };
    match written {
        Ok(()) => Outcome::Done,
        Err(e) => Outcome::Failed(e),
    }
}

/// What a slice's first line says.
#[derive(Debug, Clone, PartialEq)]
struct SliceHead {
    id: String,
    shard: Shard,
    variants: usize,
    seeds: u64,
    runs: usize,
    epochs: u64,
}

fn read_head(line: &str, file: &str) -> Result<SliceHead, String> {
    let wrong = || {
        format!(
            "{file}: line 1 is not a sweep slice's (\"# neural-sandbox sweep ID, slice K/N, ...\"): write slices with `sweep ... --shard K/N --csv FILE`"
        )
    };
    let rest = line
        .strip_prefix("# neural-sandbox sweep ")
        .ok_or_else(wrong)?;
    let parts: Vec<&str> = rest.split(", ").collect();
    let [id, slice, variants, seeds, runs, epochs] = parts.as_slice() else {
        return Err(wrong());
    };
    let (k, n) = slice
        .strip_prefix("slice ")
        .and_then(|s| s.split_once('/'))
        .ok_or_else(wrong)?;
    let number = |text: &str, suffix: &str| -> Result<u64, String> {
        text.strip_suffix(suffix)
            .and_then(|t| t.parse().ok())
            .ok_or_else(wrong)
    };
    let runs = number(runs, " runs")?;
    let variants = number(variants, " variants")?;
    // (Checked before any list is laid out for them.)
    if runs > super::sweep::MAX_RUNS as u64 || variants > runs {
        return Err(format!(
            "{file}: line 1: {runs} runs of {variants} variants: a sweep has at most {} runs",
            super::sweep::MAX_RUNS
        ));
    }
    let shard = Shard {
        index: k.parse().map_err(|_| wrong())?,
        count: n.parse().map_err(|_| wrong())?,
    };
    if !(1..=MAX_SHARDS).contains(&shard.count) || !(1..=shard.count).contains(&shard.index) {
        return Err(wrong());
    }
    Ok(SliceHead {
        id: id.to_string(),
        shard,
        variants: variants as usize,
        seeds: number(seeds, " seeds")?,
        runs: runs as usize,
        epochs: number(epochs, " epochs")?,
    })
}

/// Joins the slices (name, text) into the whole sweep's results, in grid order.
pub fn merge(slices: &[(String, String)]) -> Result<Vec<VariantResult>, String> {
    let mut heads: Vec<(SliceHead, &str)> = Vec::new();
    for (name, text) in slices {
        let first = text.lines().next().unwrap_or("");
        heads.push((read_head(first, name)?, name));
    }
    let Some((first, first_name)) = heads.first().cloned() else {
        return Err("no slices to merge".into());
    };
    for (position, (head, name)) in heads.iter().enumerate() {
        if head.id != first.id
            || head.shard.count != first.shard.count
            || (head.variants, head.runs) != (first.variants, first.runs)
        {
            return Err(format!(
                "{name} is slice {}/{} of sweep {}, but {first_name} is slice {}/{} of sweep {}: these are slices of different sweeps",
                head.shard.index,
                head.shard.count,
                head.id,
                first.shard.index,
                first.shard.count,
                first.id
            ));
        }
        if let Some((_, other)) = heads[..position]
            .iter()
            .find(|(h, _)| h.shard.index == head.shard.index)
        {
            return Err(format!(
                "{name} and {other} are both slice {}/{}: give each slice once",
                head.shard.index, head.shard.count
            ));
        }
    }
    let missing: Vec<String> = (1..=first.shard.count)
        .filter(|k| !heads.iter().any(|(h, _)| h.shard.index == *k))
        .map(|k| k.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "slice{} {} of {} of sweep {} {} missing: merge every slice",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            first.shard.count,
            first.id,
            if missing.len() == 1 { "is" } else { "are" }
        ));
    }
    let mut variants: Vec<Option<Variant>> = vec![None; first.variants];
    let mut runs: Vec<Option<(usize, usize, RunResult)>> = vec![None; first.runs];
    for (name, text) in slices {
        let head = read_head(text.lines().next().unwrap_or(""), name)?;
        read_rows(text, name, &head, &mut variants, &mut runs)?;
    }
    if let Some(job) = runs.iter().position(Option::is_none) {
        return Err(format!(
            "run {job} of sweep {} is in no slice: a slice was cut short",
            first.id
        ));
    }
    let mut grouped: Vec<VariantResult> = Vec::with_capacity(variants.len());
    for (index, variant) in variants.into_iter().enumerate() {
        let variant =
            variant.ok_or_else(|| format!("variant {index} of sweep {} has no runs", first.id))?;
        grouped.push(VariantResult {
            variant,
            runs: Vec::new(),
        });
    }
    let mut all: Vec<(usize, usize, RunResult)> = runs.into_iter().flatten().collect();
    all.sort_by_key(|(variant, number, _)| (*variant, *number));
    for (variant, _, run) in all {
        grouped[variant].runs.push(run);
    }
    Ok(grouped)
}

/// One slice's rows into the sweep's variants and runs, each checked.
fn read_rows(
    text: &str,
    name: &str,
    head: &SliceHead,
    variants: &mut [Option<Variant>],
    runs: &mut [Option<(usize, usize, RunResult)>],
) -> Result<(), String> {
    let body = text.split_once('\n').map_or("", |(_, rest)| rest);
    let mut reader = csv::ReaderBuilder::new().from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("{name}: line 2: {e}"))?
        .iter()
        .map(str::to_string)
        .collect();
    let flags: Vec<&'static str> = header
        .iter()
        .skip(3)
        .take(header.len().saturating_sub(8))
        .map(|column| {
            SWEEP_FLAGS
                .iter()
                .find(|f| f.replace('-', "_") == *column)
                .copied()
                .ok_or_else(|| {
                    format!(
                        "{name}: line 2: {} is not a setting a sweep varies",
                        crate::limits::quote(column)
                    )
                })
        })
        .collect::<Result<_, _>>()?;
    for record in reader.records() {
        let record = record.map_err(|e| format!("{name}: {e}"))?;
        let line = record.position().map_or(0, |p| p.line() + 1);
        let bad = |what: &str| format!("{name}: line {line}: {what}");
        if record.len() != header.len() {
            return Err(bad("not as many values as the header has columns"));
        }
        let whole = |k: usize| record[k].parse::<usize>().map_err(|_| bad(&header[k]));
        let (job, variant, number) = (whole(0)?, whole(1)?, whole(2)?);
        if job >= runs.len() || variant >= variants.len() || !head.shard.has(job) {
            return Err(bad(&format!(
                "run {job} of variant {variant} does not belong to slice {}/{} of this sweep",
                head.shard.index, head.shard.count
            )));
        }
        let settings: Vec<(&'static str, String)> = flags
            .iter()
            .enumerate()
            .map(|(i, flag)| (*flag, record[3 + i].to_string()))
            .collect();
        let this = Variant { settings };
        match &variants[variant] {
            Some(known) if *known != this => {
                return Err(bad(&format!(
                    "variant {variant} has other settings here than in another slice"
                )));
            }
            _ => variants[variant] = Some(this),
        }
        let at = 3 + flags.len();
        let float = |k: usize| -> Result<f64, String> {
            record[at + k].parse().map_err(|_| bad(&header[at + k]))
        };
        let optional = |k: usize| -> Result<Option<f64>, String> {
            if record[at + k].is_empty() {
                Ok(None)
            } else {
                float(k).map(Some)
            }
        };
        let run = RunResult {
            train_loss: float(0)?,
            test_loss: float(1)?,
            train_accuracy: optional(2)?,
            test_accuracy: optional(3)?,
            diverged: record[at + 4].parse().map_err(|_| bad("diverged"))?,
        };
        if runs[job].replace((variant, number, run)).is_some() {
            return Err(bad(&format!("run {job} is there twice")));
        }
    }
    Ok(())
}

/// `sweep merge`.
pub fn run_merge(args: &MergeArgs, out: &mut dyn Write) -> Outcome {
    if let Some(path) = &args.csv
        && !is_standard_output(path)
    {
        if let Err(e) = check_output_path(path, "--csv") {
            return Outcome::BadInput(e);
        }
        let inputs: Vec<(Option<PathBuf>, &str)> = args
            .slices
            .iter()
            .map(|p| (Some(p.clone()), "slice"))
            .collect();
        let inputs: Vec<(&Option<PathBuf>, &str)> = inputs.iter().map(|(p, f)| (p, *f)).collect();
        if let Err(e) = super::check_distinct_files(&inputs, &[(&args.csv, "--csv")]) {
            return Outcome::BadInput(e);
        }
    }
    let mut slices = Vec::new();
    for path in &args.slices {
        match crate::limits::read_text(path, crate::limits::FileKind::Data) {
            Ok(text) => slices.push((path.display().to_string(), text)),
            Err(e) => return Outcome::BadInput(e),
        }
    }
    let results = match merge(&slices) {
        Ok(r) => r,
        Err(e) => return Outcome::BadInput(e),
    };
    let csv = super::sweep::csv(&results);
    match &args.csv {
        Some(path) if is_standard_output(path) => {
            return match write!(out, "{csv}").and_then(|_| out.flush()) {
                Ok(()) => Outcome::Done,
                Err(e) => Outcome::Failed(format!("cannot write to standard output: {e}")),
            };
        }
        Some(path) => {
            if let Err(e) = write_file(path, &csv) {
                return Outcome::Failed(e);
            }
        }
        None => {}
    }
    let Some(head) = slices
        .first()
        .and_then(|(name, text)| read_head(text.lines().next().unwrap_or(""), name).ok())
    else {
        return Outcome::BadInput("no slices to merge".into());
    };
    if let Err(e) = writeln!(out, "merged {} slices of sweep {}", slices.len(), head.id) {
        return Outcome::Failed(format!("cannot write to standard output: {e}"));
    }
    super::sweep::print_summary(&results, head.seeds, head.epochs, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_read_from_the_flag_or_the_job_engine() {
        let none = |_: &str| None;
        assert_eq!(parse_shard("2/3", none), Ok(Shard { index: 2, count: 3 }));
        for bad in ["0/3", "4/3", "x/3", "3", "1/0", "1/100000", "/"] {
            assert!(parse_shard(bad, none).is_err(), "{bad}");
        }
        let kubernetes = |name: &str| (name == "JOB_COMPLETION_INDEX").then(|| "0".to_string());
        assert_eq!(parse_shard("auto/3", kubernetes).unwrap().index, 1);
        let slurm = |name: &str| match name {
            "SLURM_ARRAY_TASK_ID" => Some("7".to_string()),
            "SLURM_ARRAY_TASK_MIN" => Some("5".to_string()),
            _ => None,
        };
        assert_eq!(parse_shard("auto/3", slurm).unwrap().index, 3);
        let e = parse_shard("auto/3", none).unwrap_err();
        assert!(e.contains("JOB_COMPLETION_INDEX"), "{e}");
        let past = |name: &str| (name == "JOB_COMPLETION_INDEX").then(|| "3".to_string());
        assert!(
            parse_shard("auto/3", past)
                .unwrap_err()
                .contains("does not exist")
        );
        // Every run is in exactly one slice, whatever N.
        for n in 1..7 {
            for job in 0..50 {
                let owners = (1..=n)
                    .filter(|&k| Shard { index: k, count: n }.has(job))
                    .count();
                assert_eq!(owners, 1);
            }
        }
    }

    #[test]
    fn slice_heads_are_read_back_and_fingerprints_differ() {
        let head = SliceHead {
            id: "00ff".into(),
            shard: Shard { index: 2, count: 5 },
            variants: 12,
            seeds: 2,
            runs: 24,
            epochs: 100,
        };
        assert_eq!(read_head(&slice_line(&head), "a.csv").unwrap(), head);
        assert!(read_head("epoch,loss", "a.csv").is_err());
        assert_ne!(
            crate::cli::sweep::fingerprint("a"),
            crate::cli::sweep::fingerprint("b")
        );
        assert_eq!(crate::cli::sweep::fingerprint("a").len(), 16);
    }
}
