//! `neural-sandbox class-bench`: a class of simulated students against a running server. First
//! every student writes progress at a steady pace (a real class: each student every few seconds),
//! then a number of clients write back to back (the most the server acknowledges). Latency is
//! measured from sending to the acknowledgement, which the server gives only once the write is
//! durable.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use serde_json::json;

use super::ServerError;
use super::client::Connection;

#[derive(Debug, Args, Clone)]
pub struct ClassBenchArgs {
    /// The server (`neural-sandbox serve`) to measure.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Simulated students in the class.
    #[arg(long, default_value_t = 1000)]
    pub students: usize,
    /// In the steady phase, each student writes once every this many seconds.
    #[arg(long, default_value_t = 10.0)]
    pub every: f64,
    /// Students per class (a course is many classes; each class's joins are rate-limited).
    #[arg(long, default_value_t = 30)]
    pub class_size: usize,
    /// Connections writing back to back in the flat-out phase.
    #[arg(long, default_value_t = 40)]
    pub clients: usize,
    /// Seconds of each phase.
    #[arg(long, default_value_t = 20.0)]
    pub seconds: f64,
    /// The server's admin key, if it has one.
    #[arg(long)]
    pub admin_key: Option<String>,
    /// Print the figures as JSON.
    #[arg(long)]
    pub json: bool,
}

/// What one phase measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PhaseFigures {
    pub phase: String,
    pub acknowledged: usize,
    pub failed: usize,
    pub writes_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

fn figures(phase: &str, mut latencies: Vec<f64>, failed: usize, seconds: f64) -> PhaseFigures {
    latencies.sort_by(f64::total_cmp);
    let at = |q: f64| {
        if latencies.is_empty() {
            f64::NAN
        } else {
            latencies[((latencies.len() - 1) as f64 * q).round() as usize]
        }
    };
    PhaseFigures {
        phase: phase.to_string(),
        acknowledged: latencies.len(),
        failed,
        writes_per_second: latencies.len() as f64 / seconds,
        p50_ms: at(0.5),
        p99_ms: at(0.99),
        max_ms: latencies.last().copied().unwrap_or(f64::NAN),
    }
}

async fn write_once(
    connection: &mut Connection,
    key: &str,
    level: usize,
    epochs: u64,
) -> Result<f64, String> {
    let body = json!({
        "level": format!("bench-{}", level % 10),
        "stars": (epochs % 4),
        "score": (epochs % 1000) as f64 / 1000.0,
        "epochs": epochs,
    });
    let started = Instant::now();
    let answer = connection
        .json("PUT", "/api/progress", Some(key), &body)
        .await?;
    if answer.status != 200 {
        return Err(format!("{}: {}", answer.status, answer.text()));
    }
    Ok(started.elapsed().as_secs_f64() * 1000.0)
}

/// Makes classes of `class_size` students and joins the students (through `clients`
/// connections); their keys.
pub async fn join_classes(
    addr: SocketAddr,
    students: usize,
    class_size: usize,
    clients: usize,
    admin_key: Option<&str>,
) -> Result<Vec<String>, String> {
    let mut connection = Connection::open(addr).await?;
    let mut codes = Vec::new();
    for class in 0..students.div_ceil(class_size.max(1)) {
        let made = connection
            .json(
                "POST",
                "/api/classes",
                admin_key,
                &json!({ "name": format!("class-bench {class}") }),
            )
            .await?;
        if made.status != 201 {
            return Err(format!("no class: {} {}", made.status, made.text()));
        }
        codes.push(made.json()["code"].as_str().unwrap_or_default().to_string());
    }
    let codes = Arc::new(codes);
    let mut joiners = Vec::new();
    let per_client = students.div_ceil(clients.max(1));
    for client in 0..clients.max(1) {
        let codes = codes.clone();
        let range = (client * per_client)..((client + 1) * per_client).min(students);
        joiners.push(tokio::spawn(async move {
            let mut connection = Connection::open(addr).await?;
            let mut keys = Vec::new();
            for student in range {
                let code = &codes[student / class_size.max(1)];
                let answer = connection
                    .json(
                        "POST",
                        &format!("/api/classes/{code}/join"),
                        None,
                        &json!({ "name": format!("student {student}") }),
                    )
                    .await?;
                if answer.status != 201 {
                    return Err(format!("join refused: {} {}", answer.status, answer.text()));
                }
                keys.push(
                    answer.json()["student_key"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                );
            }
            Ok::<_, String>(keys)
        }));
    }
    let mut keys = Vec::new();
    for joiner in joiners {
        keys.extend(joiner.await.map_err(|e| e.to_string())??);
    }
    Ok(keys)
}

/// `clients` connections write for `seconds`, writes dealt round-robin to them: back to back, or
/// (with `interval`) the n-th write at n * `interval` seconds, so that the server sees a class's
/// pace whatever the number of connections. Latencies (ms) of the acknowledged writes, the
/// number that failed, and the seconds it took.
async fn measure(
    addr: SocketAddr,
    keys: Arc<Vec<String>>,
    clients: usize,
    seconds: f64,
    interval: Option<f64>,
) -> Result<(Vec<f64>, usize, f64), String> {
    let started = Instant::now();
    let clients = clients.max(1);
    let mut workers = Vec::new();
    for client in 0..clients {
        let keys = keys.clone();
        workers.push(tokio::spawn(async move {
            let mut connection = Connection::open(addr).await?;
            let (mut latencies, mut failed) = (Vec::new(), 0);
            let mut write = client;
            loop {
                if let Some(interval) = interval {
                    let due = Duration::from_secs_f64(write as f64 * interval);
                    if due.as_secs_f64() >= seconds {
                        break;
                    }
                    tokio::time::sleep(due.saturating_sub(started.elapsed())).await;
                } else if started.elapsed().as_secs_f64() >= seconds {
                    break;
                }
                let key = &keys[write % keys.len()];
                match write_once(&mut connection, key, write, write as u64).await {
                    Ok(ms) => latencies.push(ms),
                    Err(_) => failed += 1,
                }
                write += clients;
            }
            Ok::<_, String>((latencies, failed))
        }));
    }
    let (mut latencies, mut failed) = (Vec::new(), 0);
    for worker in workers {
        let (l, f) = worker.await.map_err(|e| e.to_string())??;
        latencies.extend(l);
        failed += f;
    }
    Ok((latencies, failed, started.elapsed().as_secs_f64()))
}

pub fn run_class_bench(
    args: &ClassBenchArgs,
    out: &mut dyn std::io::Write,
) -> Result<(), ServerError> {
    if args.students == 0 || args.clients == 0 || args.students > 100_000 || args.clients > 1000 {
        return Err(ServerError::BadInput(
            "--students 1 to 100000 and --clients 1 to 1000".into(),
        ));
    }
    if !(args.seconds > 0.0 && args.seconds <= 3600.0 && args.every > 0.0 && args.every <= 3600.0) {
        return Err(ServerError::BadInput(
            "--seconds and --every must be more than 0 and at most 3600".into(),
        ));
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return Err(ServerError::Failed(format!("cannot start threads: {e}"))),
    };
    let measured = runtime.block_on(async {
        let keys = join_classes(
            args.addr,
            args.students,
            args.class_size,
            args.clients,
            args.admin_key.as_deref(),
        )
        .await?;
        let keys = Arc::new(keys);
        let students = keys.len();
        let (latencies, failed, _) = measure(
            args.addr,
            keys.clone(),
            args.clients,
            args.seconds,
            Some(args.every / students as f64),
        )
        .await?;
        let steady = figures(
            &format!(
                "steady: {students} students, one write each every {} s",
                args.every
            ),
            latencies,
            failed,
            args.seconds,
        );
        let (latencies, failed, elapsed) =
            measure(args.addr, keys, args.clients, args.seconds, None).await?;
        let flat = figures(
            &format!("flat out: {} clients", args.clients),
            latencies,
            failed,
            elapsed,
        );
        Ok::<_, String>(vec![steady, flat])
    });
    let phases = match measured {
        Ok(phases) => phases,
        Err(e) => return Err(ServerError::Failed(e)),
    };
    let written = if args.json {
        writeln!(out, "{}", json!({ "phases": phases }))
    } else {
        let mut text = format!(
            "{:<48} {:>8} {:>7} {:>9} {:>8} {:>8} {:>8}\n",
            "phase", "acked", "failed", "writes/s", "p50 ms", "p99 ms", "max ms"
        );
        for p in &phases {
            text += &format!(
                "{:<48} {:>8} {:>7} {:>9.0} {:>8.1} {:>8.1} {:>8.1}\n",
                p.phase,
                p.acknowledged,
                p.failed,
                p.writes_per_second,
                p.p50_ms,
                p.p99_ms,
                p.max_ms
            );
        }
        write!(out, "{text}")
    };
    match written {
        Ok(()) => Ok(()),
        Err(e) => Err(ServerError::Failed(format!(
            "cannot write the figures: {e}"
        ))),
    }
}
