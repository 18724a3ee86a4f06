//! Issue 25: what a file, a link or a flag holds can never abort the program, hang it, fill its
//! memory, make it read outside where it should, or silently lose or overwrite data.
//!
//! Every case is built here, at test time, in a temporary folder (nothing big is committed:
//! a 2 GB file is sparse, a picture bomb is a few hundred bytes that declare a billion
//! pixels). The command-line cases run the real binary, each as its own process with a
//! time limit and an address-space limit, and measure its peak memory; the kinds of file that
//! only the game opens (experiments, saves, links) go through the same core functions the
//! game calls. Each case says its outcome: refused (exit code 2 and a message naming the
//! problem) or a safe success, and what must hold afterwards.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

mod cases;

/// How long one case may take: a few seconds, however hostile the input.
const TIME_LIMIT: Duration = Duration::from_secs(10);
/// The most memory one case may take (peak resident set).
const MEMORY_LIMIT_MB: u64 = 400;
/// The address space a case may reserve at all: past it an allocation fails (an abort, which
/// the case reports) rather than the machine swapping.
const ADDRESS_SPACE_LIMIT: u64 = 6 * 1024 * 1024 * 1024;

/// What a case must end in.
#[derive(Debug, Clone)]
pub enum Expect {
    /// Exit code 2, the message on standard error containing every one of these.
    Refused(Vec<String>),
    /// Exit code 0 (and standard output containing each of these).
    Done(Vec<String>),
    /// This exit code, standard error containing each of these.
    Exit(i32, Vec<String>),
}

/// A check after the run (a file unchanged, nothing written where it should not be).
type After = Box<dyn Fn(&RunResult) -> Result<(), String>>;

pub struct Case {
    pub kind: &'static str,
    pub name: String,
    pub args: Vec<OsString>,
    /// Run through `sh -c` with standard output closed.
    pub close_stdout: bool,
    pub expect: Expect,
    pub after: Option<After>,
}

impl Case {
    pub fn new(
        kind: &'static str,
        name: impl Into<String>,
        args: &[&dyn AsArg],
        expect: Expect,
    ) -> Self {
        Self {
            kind,
            name: name.into(),
            args: args.iter().map(|a| a.as_arg()).collect(),
            close_stdout: false,
            expect,
            after: None,
        }
    }

    pub fn then(mut self, after: impl Fn(&RunResult) -> Result<(), String> + 'static) -> Self {
        self.after = Some(Box::new(after));
        self
    }
}

/// Strings and paths as arguments.
pub trait AsArg {
    fn as_arg(&self) -> OsString;
}

impl AsArg for &str {
    fn as_arg(&self) -> OsString {
        OsString::from(self)
    }
}

impl AsArg for String {
    fn as_arg(&self) -> OsString {
        OsString::from(self)
    }
}

impl AsArg for PathBuf {
    fn as_arg(&self) -> OsString {
        self.clone().into_os_string()
    }
}

pub fn refused(needles: &[&str]) -> Expect {
    Expect::Refused(needles.iter().map(|s| s.to_string()).collect())
}

pub fn done(needles: &[&str]) -> Expect {
    Expect::Done(needles.iter().map(|s| s.to_string()).collect())
}

#[derive(Debug)]
pub struct RunResult {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub peak_mb: u64,
    pub elapsed: Duration,
    pub timed_out: bool,
}

/// Runs the binary in `cwd` with limits, measuring its peak memory with `wait4`.
fn run(case: &Case, cwd: &Path) -> RunResult {
    use std::os::unix::process::CommandExt;
    let bin = env!("CARGO_BIN_EXE_neural-sandbox");
    let mut command = if case.close_stdout {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg("exec \"$0\" \"$@\" >&-")
            .arg(bin)
            .args(&case.args);
        c
    } else {
        let mut c = Command::new(bin);
        c.args(&case.args);
        c
    };
    command
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(if case.close_stdout {
            Stdio::null()
        } else {
            Stdio::piped()
        })
        .stderr(Stdio::piped());
    // SAFETY: between fork and exec only setrlimit is called, which is async-signal-safe.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: ADDRESS_SPACE_LIMIT,
                rlim_max: ADDRESS_SPACE_LIMIT,
            };
            libc::setrlimit(libc::RLIMIT_AS, &limit);
            Ok(())
        });
    }
    let start = Instant::now();
    // Reaped by `wait4` below (which also reports its peak memory), not by `Child::wait`.
    #[allow(clippy::zombie_processes)]
    let mut child = command.spawn().expect("the binary starts");
    let pid = child.id() as libc::pid_t;
    // The pipes are read on threads while the process runs (a full pipe would block it).
    let mut out_pipe = child.stdout.take();
    let mut err_pipe = child.stderr.take();
    let out_reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(p) = out_pipe.as_mut() {
            let _ = std::io::Read::read_to_end(p, &mut text);
        }
        text
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(p) = err_pipe.as_mut() {
            let _ = std::io::Read::read_to_end(p, &mut text);
        }
        text
    });
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut timed_out = false;
    loop {
        // SAFETY: waits for our own child; status and usage are valid for writing.
        let done = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if done == pid {
            break;
        }
        if start.elapsed() > TIME_LIMIT {
            timed_out = true;
            let _ = child.kill();
            // SAFETY: as above, now blocking until the killed child is reaped.
            unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let elapsed = start.elapsed();
    let code = if libc::WIFEXITED(status) {
        Some(libc::WEXITSTATUS(status))
    } else {
        None
    };
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    RunResult {
        code,
        stdout,
        stderr,
        // ru_maxrss is in kilobytes on Linux. Through `sh -c ... exec`, it is the binary's.
        peak_mb: usage.ru_maxrss as u64 / 1024,
        elapsed,
        timed_out,
    }
}

/// What is wrong with a run, or nothing.
fn judge(case: &Case, r: &RunResult) -> Result<(), String> {
    if r.timed_out {
        return Err(format!("still running after {TIME_LIMIT:?}: killed"));
    }
    if r.peak_mb > MEMORY_LIMIT_MB {
        return Err(format!("took {} MB (at most {MEMORY_LIMIT_MB})", r.peak_mb));
    }
    let Some(code) = r.code else {
        return Err(format!(
            "ended by a signal (an abort?); stderr: {}",
            r.stderr
        ));
    };
    for line in r.stderr.lines().chain(r.stdout.lines()) {
        if line.chars().count() > 1200 {
            return Err(format!("a line of {} characters", line.chars().count()));
        }
    }
    if r.stderr.contains("panicked") || r.stderr.contains("memory allocation") {
        return Err(format!("panicked or aborted: {}", r.stderr));
    }
    // (`levels check` prints each problem, and the summary on standard error.)
    let both = format!("{}\n{}", r.stderr, r.stdout);
    let (want, needles, text) = match &case.expect {
        Expect::Refused(n) => (2, n, &both),
        Expect::Done(n) => (0, n, &r.stdout),
        Expect::Exit(c, n) => (*c, n, &r.stderr),
    };
    if code != want {
        return Err(format!(
            "exit code {code}, expected {want}; stderr: {}",
            r.stderr.trim()
        ));
    }
    for needle in needles {
        if !text.contains(needle.as_str()) {
            return Err(format!(
                "the output does not say {needle:?}: {}",
                text.trim()
            ));
        }
    }
    if let Some(after) = &case.after {
        after(r)?;
    }
    Ok(())
}

/// A case for the kinds of input only the game opens: the core function it calls, and what
/// it must say (`Ok` for a safe success, `Err` containing the needle for a refusal).
pub struct CoreCase {
    pub kind: &'static str,
    pub name: String,
    pub outcome: Result<(), String>,
    pub want_error: Option<&'static str>,
}

#[test]
fn hostile_inputs_are_refused_with_messages_or_handled_safely() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = cases::Fixtures::make(dir.path());
    let process_cases = cases::process_cases(&fixtures);
    let core_cases = cases::core_cases(&fixtures);

    let mut failures = Vec::new();
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut slowest = (Duration::ZERO, String::new());
    let mut heaviest = (0, String::new());
    let started = Instant::now();
    for case in &process_cases {
        *counts.entry(case.kind).or_default() += 1;
        let r = run(case, &fixtures.work);
        if r.elapsed > slowest.0 {
            slowest = (r.elapsed, case.name.clone());
        }
        if r.peak_mb > heaviest.0 {
            heaviest = (r.peak_mb, case.name.clone());
        }
        if let Err(why) = judge(case, &r) {
            failures.push(format!("[{}] {}: {why}", case.kind, case.name));
        }
    }
    for case in &core_cases {
        *counts.entry(case.kind).or_default() += 1;
        let verdict = match (&case.outcome, case.want_error) {
            (Ok(()), None) => Ok(()),
            (Err(e), Some(needle)) if e.contains(needle) && e.chars().count() <= 1200 => Ok(()),
            (Err(e), Some(needle)) => Err(format!("the message does not say {needle:?}: {e}")),
            (Err(e), None) => Err(format!("refused: {e}")),
            (Ok(()), Some(needle)) => {
                Err(format!("accepted; expected a refusal saying {needle:?}"))
            }
        };
        if let Err(why) = verdict {
            failures.push(format!("[{}] {}: {why}", case.kind, case.name));
        }
    }
    let total = process_cases.len() + core_cases.len();
    println!(
        "{total} hostile cases in {:.1} s ({} as processes); by kind: {counts:?}",
        started.elapsed().as_secs_f64(),
        process_cases.len()
    );
    println!(
        "slowest: {} ({:.2} s); heaviest: {} ({} MB)",
        slowest.1,
        slowest.0.as_secs_f64(),
        heaviest.1,
        heaviest.0
    );
    assert!(total >= 150, "only {total} cases");
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// JSON of a TensorFlow.js layers model: one convolution on an `h`x`w`x`c` input, a flatten
/// and a dense layer; the weights in `paths` (or `manifest` given whole).
pub fn tfjs_model(input: [u64; 3], filters: u64, units: u64, paths: &[&str]) -> serde_json::Value {
    let [h, w, c] = input;
    let out = h.saturating_sub(2) * w.saturating_sub(2) * filters;
    json!({
        "modelTopology": {"class_name": "Sequential", "config": {"name": "s", "layers": [
            {"class_name": "Conv2D", "config": {"name": "c", "filters": filters,
                "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid",
                "batch_input_shape": [null, h, w, c], "activation": "relu"}},
            {"class_name": "Flatten", "config": {"name": "f"}},
            {"class_name": "Dense", "config": {"name": "d", "units": units, "activation": "softmax"}}
        ]}},
        "weightsManifest": [{"paths": paths, "weights": [
            {"name": "c/kernel", "shape": [3, 3, c, filters], "dtype": "float32"},
            {"name": "c/bias", "shape": [filters], "dtype": "float32"},
            {"name": "d/kernel", "shape": [out, units], "dtype": "float32"},
            {"name": "d/bias", "shape": [units], "dtype": "float32"}
        ]}]
    })
}
