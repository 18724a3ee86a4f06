//! `neural-sandbox serve`: the class server. It serves the web build, the teacher's page and the
//! class API (see `api`), on SQLite or PostgreSQL (see `store`). It keeps nothing between requests
//! but its rate-limit counters, so several processes can share one PostgreSQL behind a balancer.
//! No Bevy: it builds with `--no-default-features --features server`.

pub mod api;
pub mod bench;
pub mod client;
pub mod keys;
mod pages;
pub mod rate;
pub mod store;

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use clap::Args;

use rate::{Allowance, RateLimits};
use store::Store;

/// `neural-sandbox serve`.
#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// Where to listen. 0.0.0.0:8080 lets the classroom in; put HTTPS in front of it (README).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// The web build to serve (web/build.sh makes it). Without one, the API still runs and the
    /// page at / says how to build it.
    #[arg(long, default_value = "dist")]
    pub dist: PathBuf,
    /// sqlite://PATH (made if missing) or postgres://USER:PASSWORD@HOST/NAME. By default a SQLite
    /// file in the game's data folder.
    #[arg(long)]
    pub database: Option<String>,
    /// If given, making a class needs this key (Authorization: Bearer KEY).
    #[arg(long, env = "NEURAL_SANDBOX_ADMIN_KEY", hide_env_values = true)]
    pub admin_key: Option<String>,
    /// The biggest file a student may hand in, in MB.
    #[arg(long, default_value_t = 64)]
    pub max_upload_mb: u64,
    /// Writes a student may make at once (progress and work), then WRITES_PER_SECOND a second.
    #[arg(long, default_value_t = 60)]
    pub write_burst: u32,
    #[arg(long, default_value_t = 5)]
    pub writes_per_second: u32,
    /// Students who may join a class at once, then JOINS_PER_SECOND a second.
    #[arg(long, default_value_t = 400)]
    pub join_burst: u32,
    #[arg(long, default_value_t = 20)]
    pub joins_per_second: u32,
}

/// What every request can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub limits: RateLimits,
    pub admin_key: Option<String>,
    pub max_upload_bytes: usize,
}

/// The database a server uses when none is named: a file beside the game's saved progress.
pub fn default_database() -> String {
    let file = crate::progress::FileStore::default_dir().join("class.sqlite");
    format!("sqlite://{}", file.display())
}

/// The routes, over a store.
pub fn router(state: AppState, dist: Option<PathBuf>) -> Router {
    let json_limit = DefaultBodyLimit::max(api::MAX_JSON_BYTES);
    let api = Router::new()
        .route("/api/health", get(api::health))
        .route("/api/classes", post(api::create_class))
        .route("/api/classes/{code}", get(api::class_name))
        .route("/api/classes/{code}/join", post(api::join))
        .route("/api/classes/{code}/report", get(api::report))
        .route("/api/classes/{code}/report.csv", get(api::report_csv))
        .route("/api/classes/{code}/students", get(api::students))
        .route(
            "/api/classes/{code}/students/{id}/key",
            post(api::renew_key),
        )
        .route("/api/classes/{code}/work", get(api::work_list))
        .route("/api/classes/{code}/work/{id}", get(api::work_file))
        .route(
            "/api/classes/{code}/assignments",
            get(api::get_assignments).put(api::put_assignments),
        )
        .route("/api/me", get(api::me))
        .route("/api/progress", put(api::put_progress))
        .route("/api/qr.svg", get(pages::qr_code))
        .layer(json_limit)
        .route(
            "/api/work",
            post(api::hand_in).layer(DefaultBodyLimit::max(state.max_upload_bytes)),
        )
        .route("/teacher", get(pages::teacher_page));
    let app = match dist {
        Some(dist) => api.fallback_service(
            tower_http::services::ServeDir::new(dist)
                .precompressed_br()
                .precompressed_gzip(),
        ),
        None => api.fallback(pages::no_web_build),
    };
    app.with_state(state)
}

/// Starts the server and runs until Ctrl-C (or SIGTERM).
/// Why `serve` or `class-bench` stopped: an option that cannot work (the command line's exit
/// code 2) or a failure on the way (1).
#[derive(Debug, Clone, PartialEq)]
pub enum ServerError {
    BadInput(String),
    Failed(String),
}

pub fn run_serve(args: &ServeArgs, out: &mut dyn std::io::Write) -> Result<(), ServerError> {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            return Err(ServerError::Failed(format!(
                "cannot start the server's threads: {e}"
            )));
        }
    };
    let database = args.database.clone().unwrap_or_else(default_database);
    let dist = args
        .dist
        .join("index.html")
        .is_file()
        .then(|| args.dist.clone());
    runtime.block_on(async {
        let store = match Store::open(&database).await {
            Ok(store) => store,
            Err(e) => {
                return Err(ServerError::Failed(format!(
                    "cannot open the class database: {}",
                    e.0
                )));
            }
        };
        let listener = match tokio::net::TcpListener::bind(args.addr).await {
            Ok(listener) => listener,
            Err(e) => {
                return Err(ServerError::Failed(format!(
                    "cannot listen on {}: {e}",
                    args.addr
                )));
            }
        };
        let address = listener.local_addr().unwrap_or(args.addr);
        let state = AppState {
            store: store.clone(),
            limits: RateLimits::new(
                Allowance {
                    burst: args.write_burst,
                    per_second: args.writes_per_second,
                },
                Allowance {
                    burst: args.join_burst,
                    per_second: args.joins_per_second,
                },
                // New classes: a course's classes made in one go by a script, not an endless stream.
                Allowance {
                    burst: 200,
                    per_second: 2,
                },
            ),
            admin_key: args.admin_key.clone().filter(|k| !k.trim().is_empty()),
            max_upload_bytes: (args.max_upload_mb.clamp(1, 1024) * 1024 * 1024) as usize,
        };
        let limits = state.limits.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                limits.forget_idle();
            }
        });
        let web = match &dist {
            Some(dist) => format!("the web build from {}", dist.display()),
            None => format!(
                "no web build ({} has no index.html: run web/build.sh)",
                args.dist.display()
            ),
        };
        // The first line says where it listens (a test or a script reads the port from it).
        let _ = writeln!(out, "listening on http://{address}");
        let _ = writeln!(
            out,
            "database: {}; serving {web}",
            describe_database(&database)
        );
        let _ = writeln!(out, "teacher's page: http://{address}/teacher");
        let _ = out.flush();
        let app = router(state, dist);
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await;
        store.close().await;
        match served {
            Ok(()) => Ok(()),
            Err(e) => Err(ServerError::Failed(format!("the server stopped: {e}"))),
        }
    })
}

/// The database's URL without its password, for the log.
fn describe_database(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…{}", &url[..scheme], &url[at..]),
        _ => url.to_string(),
    }
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_log_never_shows_a_password() {
        assert_eq!(
            super::describe_database("postgres://class:secret@db.school/class"),
            "postgres://…@db.school/class"
        );
        assert_eq!(
            super::describe_database("sqlite:///tmp/a.db"),
            "sqlite:///tmp/a.db"
        );
    }
}
