//! The class server (`neural-sandbox serve`) against real databases over real sockets: the API on
//! a SQLite file and on a PostgreSQL cluster this test starts, a server killed with SIGKILL while
//! students write, and two server processes sharing one PostgreSQL.

mod postgres;

use std::io::BufRead;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

use neural_sandbox::server::client::{Answer, Connection};
use neural_sandbox::server::rate::{Allowance, RateLimits};
use neural_sandbox::server::store::Store;
use neural_sandbox::server::{AppState, router};
use serde_json::{Value, json};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A server in this process on a free port: its address and its store.
async fn serve_here(url: &str, limits: RateLimits, admin_key: Option<&str>) -> (SocketAddr, Store) {
    let store = Store::open(url)
        .await
        .unwrap_or_else(|e| panic!("{url}: {}", e.0));
    let state = AppState {
        store: store.clone(),
        limits,
        admin_key: admin_key.map(str::to_string),
        max_upload_bytes: 64 * 1024,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router(state, None)).await });
    (address, store)
}

fn generous() -> RateLimits {
    RateLimits::new(
        Allowance {
            burst: 20,
            per_second: 1,
        },
        Allowance {
            burst: 200,
            per_second: 20,
        },
        Allowance {
            burst: 50,
            per_second: 1,
        },
    )
}

async fn post(c: &mut Connection, path: &str, key: Option<&str>, body: Value) -> Answer {
    c.json("POST", path, key, &body).await.unwrap()
}

async fn put(c: &mut Connection, path: &str, key: Option<&str>, body: Value) -> Answer {
    c.json("PUT", path, key, &body).await.unwrap()
}

async fn get(c: &mut Connection, path: &str, key: Option<&str>) -> Answer {
    c.send("GET", path, key, None).await.unwrap()
}

fn field(answer: &Answer, name: &str) -> String {
    answer.json()[name]
        .as_str()
        .unwrap_or_else(|| panic!("no {name} in {}", answer.text()))
        .to_string()
}

fn assert_status(answer: &Answer, status: u16, what: &str) {
    assert_eq!(answer.status, status, "{what}: {}", answer.text());
}

/// Every promise of the API, on one database.
async fn api_suite(url: &str) {
    let (address, store) = serve_here(url, generous(), None).await;
    let mut c = Connection::open(address).await.unwrap();

    let health = get(&mut c, "/api/health", None).await;
    assert_status(&health, 200, "health");

    // Classes, and students joining them; names kept exactly as typed.
    let class_name = "Year 10 <b>&</b> \"Tuesday\"";
    let a = post(&mut c, "/api/classes", None, json!({ "name": class_name })).await;
    assert_status(&a, 201, "a new class");
    let (code_a, teacher_a) = (field(&a, "code"), field(&a, "teacher_key"));
    assert_eq!(code_a.len(), 8);
    assert!(
        teacher_a.len() > 40 && teacher_a.starts_with("nst_"),
        "{teacher_a}"
    );
    let b = post(
        &mut c,
        "/api/classes",
        None,
        json!({ "name": "Other class" }),
    )
    .await;
    let (code_b, teacher_b) = (field(&b, "code"), field(&b, "teacher_key"));
    assert_ne!(code_a, code_b);

    let ana_name = "Ana <script>alert(1)</script> & co";
    let ana = post(
        &mut c,
        &format!("/api/classes/{code_a}/join"),
        None,
        json!({ "name": ana_name }),
    )
    .await;
    assert_status(&ana, 201, "Ana joins");
    let ana_key = field(&ana, "student_key");
    let ana_id = ana.json()["student_id"].as_i64().unwrap();
    assert!(ana_id < 1 << 53, "ids fit JavaScript's numbers");
    let bo = post(
        &mut c,
        &format!("/api/classes/{code_a}/join"),
        None,
        json!({ "name": "=Bo" }),
    )
    .await;
    let bo_key = field(&bo, "student_key");
    // Lower case codes are the same class.
    let cy = post(
        &mut c,
        &format!("/api/classes/{}/join", code_b.to_lowercase()),
        None,
        json!({ "name": "Cy" }),
    )
    .await;
    assert_status(&cy, 201, "joining with a lower-case code");
    let cy_key = field(&cy, "student_key");

    for (body, status, what) in [
        (
            json!({ "name": "x".repeat(61) }),
            400,
            "a 61-character name",
        ),
        (json!({ "name": "   " }), 400, "an empty name"),
        (json!({ "name": "a\nb" }), 400, "a name with a line break"),
        (json!({ "nom": "a" }), 422, "no name"),
    ] {
        assert_status(
            &post(&mut c, &format!("/api/classes/{code_a}/join"), None, body).await,
            status,
            what,
        );
    }
    assert_status(
        &post(
            &mut c,
            "/api/classes/AAAAAAAA/join",
            None,
            json!({ "name": "x" }),
        )
        .await,
        404,
        "an unknown class",
    );
    assert_status(
        &post(
            &mut c,
            "/api/classes/'%20OR%201=1/join",
            None,
            json!({ "name": "x" }),
        )
        .await,
        404,
        "a code that is SQL",
    );
    let class = get(&mut c, &format!("/api/classes/{code_a}"), None).await;
    assert_eq!(class.json()["name"], class_name);

    // Keys are checked before the body: a missing or unknown key is 401 even with a huge or
    // broken body; a key without the right is 403.
    // Over the 16 KB limit, yet small enough to sit in the socket's buffers: the server answers
    // before reading it and closes, and a bigger body would race that close.
    let huge = "x".repeat(20_000).into_bytes();
    let answer = c
        .send(
            "PUT",
            "/api/progress",
            None,
            Some(("application/json", huge.clone())),
        )
        .await
        .unwrap();
    assert_status(&answer, 401, "no key and a huge body");
    let answer = c
        .send(
            "PUT",
            "/api/progress",
            Some("nss_unknown"),
            Some(("application/json", b"{".to_vec())),
        )
        .await
        .unwrap();
    assert_status(&answer, 401, "an unknown key and a broken body");
    let result = json!({ "level": "perceptron", "stars": 2, "score": 0.9, "epochs": 120 });
    assert_status(
        &put(&mut c, "/api/progress", Some(&teacher_a), result.clone()).await,
        403,
        "a teacher's key writing progress",
    );
    let answer = c
        .send(
            "PUT",
            "/api/progress",
            Some(&ana_key),
            Some(("application/json", huge)),
        )
        .await
        .unwrap();
    assert_status(&answer, 413, "a body over the limit");

    // Progress: always the key's own student, the best kept, every result in the history.
    let mut sneaky = result.clone();
    sneaky["student_id"] = json!(999);
    sneaky["student"] = json!("=Bo");
    let kept = put(&mut c, "/api/progress", Some(&ana_key), sneaky).await;
    assert_status(&kept, 200, "a result");
    for (stars, score, epochs, best) in [
        (1, 0.99, 12, (2, 0.9, 120)),   // fewer stars: not better
        (2, 0.95, 500, (2, 0.95, 500)), // a higher score
        (2, 0.95, 300, (2, 0.95, 300)), // the same in fewer epochs
        (2, 0.5, 10, (2, 0.95, 300)),
    ] {
        let answer = put(
            &mut c,
            "/api/progress",
            Some(&ana_key),
            json!({ "level": "perceptron", "stars": stars, "score": score, "epochs": epochs }),
        )
        .await;
        let kept = &answer.json()["best"];
        assert_eq!(
            (
                kept["stars"].as_i64().unwrap(),
                kept["score"].as_f64().unwrap(),
                kept["epochs"].as_i64().unwrap()
            ),
            best
        );
    }
    assert_eq!(store.history_length(ana_id).await.unwrap(), 5);
    put(
        &mut c,
        "/api/progress",
        Some(&bo_key),
        json!({ "level": "xor", "stars": 2, "score": 0.97, "epochs": 88, "earned": [true, false, true] }),
    )
    .await;
    let bo_best = get(&mut c, "/api/me", Some(&bo_key)).await.json();
    assert_eq!(
        bo_best["best"][0]["earned"],
        json!([true, false, true]),
        "the stars themselves are kept"
    );
    let too_many =
        json!({ "level": "xor", "stars": 1, "score": 1, "epochs": 1, "earned": [true, true] });
    assert_status(
        &put(&mut c, "/api/progress", Some(&bo_key), too_many).await,
        400,
        "more earned stars than stars",
    );
    put(
        &mut c,
        "/api/progress",
        Some(&cy_key),
        json!({ "level": "xor", "stars": 1, "score": 0.5, "epochs": 9 }),
    )
    .await;
    for (body, what) in [
        (
            json!({ "level": "perceptron", "stars": 4, "score": 1, "epochs": 1 }),
            "4 stars",
        ),
        (
            json!({ "level": "../x", "stars": 1, "score": 1, "epochs": 1 }),
            "a level that is a path",
        ),
        (
            json!({ "level": "p", "stars": 1, "score": 1e13, "epochs": 1 }),
            "a score of 10^13",
        ),
        (
            json!({ "level": "p", "stars": 1, "score": 1, "epochs": -1 }),
            "negative epochs",
        ),
    ] {
        assert_status(
            &put(&mut c, "/api/progress", Some(&ana_key), body).await,
            400,
            what,
        );
    }
    let answer = c
        .send(
            "PUT",
            "/api/progress",
            Some(&ana_key),
            Some((
                "application/json",
                br#"{"level":"p","stars":1,"score":1e400,"epochs":1}"#.to_vec(),
            )),
        )
        .await
        .unwrap();
    assert!(
        answer.status == 400 || answer.status == 422,
        "a score of 1e400: {}",
        answer.text()
    );
    assert!(answer.json()["error"].is_string());

    // The report: the teacher's own class only, names as given.
    let report = get(
        &mut c,
        &format!("/api/classes/{code_a}/report"),
        Some(&teacher_a),
    )
    .await;
    assert_status(&report, 200, "the report");
    let rows = report.json();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    let ana_row = rows
        .iter()
        .find(|r| r["student"] == ana_name)
        .expect("Ana's row");
    assert_eq!(ana_row["student_id"], ana_id);
    assert_eq!(
        (
            ana_row["level"].as_str(),
            ana_row["stars"].as_i64(),
            ana_row["epochs"].as_i64()
        ),
        (Some("perceptron"), Some(2), Some(300))
    );
    assert!(ana_row["updated"].as_str().unwrap().ends_with('Z'));
    assert!(
        rows.iter().all(|r| r["student"] != "Cy"),
        "another class's student in the report"
    );
    for (key, status, what) in [
        (Some(teacher_b.as_str()), 403, "another class's teacher"),
        (Some(ana_key.as_str()), 403, "a student's key"),
        (None, 401, "no key"),
        (Some("nst_guess"), 401, "an unknown teacher's key"),
    ] {
        assert_status(
            &get(&mut c, &format!("/api/classes/{code_a}/report"), key).await,
            status,
            what,
        );
        assert_status(
            &get(&mut c, &format!("/api/classes/{code_a}/report.csv"), key).await,
            status,
            what,
        );
    }
    let csv = get(
        &mut c,
        &format!("/api/classes/{code_a}/report.csv"),
        Some(&teacher_a),
    )
    .await
    .text();
    assert!(
        csv.starts_with("student,student_id,level,stars,score,epochs,updated\n"),
        "{csv}"
    );
    assert!(
        csv.contains(&format!("{ana_name},{ana_id},perceptron,2,0.95,300,")),
        "{csv}"
    );
    assert!(
        csv.contains("'=Bo,"),
        "a name a spreadsheet would run is quoted: {csv}"
    );

    // Handed-in work.
    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec();
    let sent = c
        .send(
            "POST",
            "/api/work?name=../../my%20net%22.gif",
            Some(&ana_key),
            Some(("image/gif", gif.clone())),
        )
        .await
        .unwrap();
    assert_status(&sent, 201, "a GIF handed in");
    let work_id = field(&sent, "id");
    assert_eq!(field(&sent, "file_name"), "my net\".gif");
    let fake = c
        .send(
            "POST",
            "/api/work?name=x.gif",
            Some(&ana_key),
            Some(("image/gif", b"<html>".to_vec())),
        )
        .await
        .unwrap();
    assert_status(&fake, 400, "a GIF that is not one");
    let big = c
        .send(
            "POST",
            "/api/work?name=x.webm",
            Some(&ana_key),
            Some(("video/webm", vec![0x1a; 100_000])),
        )
        .await
        .unwrap();
    assert_status(&big, 413, "a file over the limit");
    assert!(
        big.json()["error"].as_str().unwrap().contains("too big"),
        "{}",
        big.text()
    );
    let nothing = c
        .send(
            "POST",
            "/api/work?name=x.gif",
            Some(&teacher_a),
            Some(("image/gif", gif.clone())),
        )
        .await
        .unwrap();
    assert_status(&nothing, 403, "a teacher handing in");
    let listed = get(
        &mut c,
        &format!("/api/classes/{code_a}/work"),
        Some(&teacher_a),
    )
    .await
    .json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["student"], ana_name);
    let file = get(
        &mut c,
        &format!("/api/classes/{code_a}/work/{work_id}"),
        Some(&teacher_a),
    )
    .await;
    assert_eq!(file.body, gif);
    let disposition = file.headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment;")
            && disposition.contains("filename*=UTF-8''my%20net%22.gif"),
        "{disposition}"
    );
    assert_status(
        &get(
            &mut c,
            &format!("/api/classes/{code_a}/work/{work_id}"),
            Some(&teacher_b),
        )
        .await,
        403,
        "another teacher's download",
    );
    assert_status(
        &get(
            &mut c,
            &format!("/api/classes/{code_b}/work/{work_id}"),
            Some(&teacher_b),
        )
        .await,
        404,
        "another class's file through one's own class",
    );
    assert_status(
        &get(
            &mut c,
            &format!("/api/classes/{code_a}/work"),
            Some(&ana_key),
        )
        .await,
        403,
        "a student listing the work",
    );

    // Assignments.
    let assigned = put(&mut c, &format!("/api/classes/{code_a}/assignments"), Some(&teacher_a), json!({ "assignments": [{ "level": "xor", "note": "by <Friday>" }, { "level": "circle" }] })).await;
    assert_status(&assigned, 200, "assignments");
    assert_status(
        &put(
            &mut c,
            &format!("/api/classes/{code_a}/assignments"),
            Some(&ana_key),
            json!({ "assignments": [] }),
        )
        .await,
        403,
        "a student assigning",
    );
    assert_status(
        &put(
            &mut c,
            &format!("/api/classes/{code_a}/assignments"),
            Some(&teacher_a),
            json!({ "assignments": [{ "level": "xor" }, { "level": "xor" }] }),
        )
        .await,
        400,
        "a level twice",
    );
    let seen = get(
        &mut c,
        &format!("/api/classes/{code_a}/assignments"),
        Some(&ana_key),
    )
    .await
    .json();
    assert_eq!(
        seen,
        json!([{ "level": "xor", "note": "by <Friday>" }, { "level": "circle", "note": "" }])
    );
    assert_status(
        &get(
            &mut c,
            &format!("/api/classes/{code_a}/assignments"),
            Some(&cy_key),
        )
        .await,
        403,
        "another class's student",
    );

    // A student on a new computer: their own results and the class's assignments; a new key
    // from the teacher, after which the old one is refused.
    let me = get(&mut c, "/api/me", Some(&ana_key)).await.json();
    assert_eq!(me["student"], ana_name);
    assert_eq!(
        me["best"],
        json!([{ "level": "perceptron", "stars": 2, "score": 0.95, "epochs": 300, "earned": [] }])
    );
    assert_eq!(me["assignments"].as_array().unwrap().len(), 2);
    let renewed = post(
        &mut c,
        &format!("/api/classes/{code_a}/students/{ana_id}/key"),
        Some(&teacher_a),
        json!({}),
    )
    .await;
    assert_status(&renewed, 200, "a new key");
    let new_key = field(&renewed, "student_key");
    assert_status(
        &get(&mut c, "/api/me", Some(&ana_key)).await,
        401,
        "the old key",
    );
    assert_eq!(
        get(&mut c, "/api/me", Some(&new_key)).await.json()["best"],
        me["best"]
    );
    assert_status(
        &post(
            &mut c,
            &format!("/api/classes/{code_b}/students/{ana_id}/key"),
            Some(&teacher_b),
            json!({}),
        )
        .await,
        404,
        "another class's student's key",
    );

    // Students of a class who join together are let in; a student's bursts pass; beyond the
    // allowance, 429 with Retry-After (Bo has written twice above: 20 in all).
    for _ in 0..18 {
        assert_status(
            &put(
                &mut c,
                "/api/progress",
                Some(&bo_key),
                json!({ "level": "xor", "stars": 1, "score": 0.1, "epochs": 1 }),
            )
            .await,
            200,
            "a burst",
        );
    }
    let refused = put(
        &mut c,
        "/api/progress",
        Some(&bo_key),
        json!({ "level": "xor", "stars": 1, "score": 0.1, "epochs": 1 }),
    )
    .await;
    assert_status(&refused, 429, "past the allowance");
    assert_eq!(refused.headers["retry-after"], "2");
    assert_status(
        &put(
            &mut c,
            "/api/progress",
            Some(&new_key),
            json!({ "level": "xor", "stars": 1, "score": 0.1, "epochs": 1 }),
        )
        .await,
        200,
        "another student meanwhile",
    );
    store.close().await;
}

#[test]
fn the_api_keeps_its_promises_on_sqlite() {
    let folder = tempfile::tempdir().unwrap();
    // The folder is made if missing.
    let url = format!("sqlite://{}/new/class.sqlite", folder.path().display());
    runtime().block_on(api_suite(&url));
    assert!(folder.path().join("new/class.sqlite").is_file());
}

#[test]
fn the_api_keeps_its_promises_on_postgres() {
    let Some(cluster) = postgres::Cluster::start_or_say_why() else {
        return;
    };
    runtime().block_on(api_suite(&cluster.url("api")));
}

#[test]
fn making_a_class_can_need_the_admin_key() {
    let folder = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/class.sqlite", folder.path().display());
    runtime().block_on(async {
        let (address, store) = serve_here(&url, generous(), Some("admin-secret")).await;
        let mut c = Connection::open(address).await.unwrap();
        assert_status(
            &post(&mut c, "/api/classes", None, json!({ "name": "x" })).await,
            401,
            "no admin key",
        );
        assert_status(
            &post(
                &mut c,
                "/api/classes",
                Some("wrong"),
                json!({ "name": "x" }),
            )
            .await,
            403,
            "a wrong admin key",
        );
        assert_status(
            &post(
                &mut c,
                "/api/classes",
                Some("admin-secret"),
                json!({ "name": "x" }),
            )
            .await,
            201,
            "the admin key",
        );
        store.close().await;
    });
}

#[test]
fn a_whole_class_joins_at_once_and_the_next_wave_waits() {
    let folder = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/class.sqlite", folder.path().display());
    runtime().block_on(async {
        let limits = RateLimits::new(
            Allowance {
                burst: 60,
                per_second: 5,
            },
            Allowance {
                burst: 200,
                per_second: 1,
            },
            Allowance {
                burst: 5,
                per_second: 1,
            },
        );
        let (address, store) = serve_here(&url, limits, None).await;
        let mut c = Connection::open(address).await.unwrap();
        let code = field(
            &post(&mut c, "/api/classes", None, json!({ "name": "big" })).await,
            "code",
        );
        let mut joiners = Vec::new();
        for group in 0..8 {
            let code = code.clone();
            joiners.push(tokio::spawn(async move {
                let mut c = Connection::open(address).await.unwrap();
                let mut statuses = Vec::new();
                for i in 0..25 {
                    let answer = post(
                        &mut c,
                        &format!("/api/classes/{code}/join"),
                        None,
                        json!({ "name": format!("s{group}-{i}") }),
                    )
                    .await;
                    statuses.push(answer.status);
                }
                statuses
            }));
        }
        let mut statuses = Vec::new();
        for joiner in joiners {
            statuses.extend(joiner.await.unwrap());
        }
        assert!(
            statuses.iter().all(|s| *s == 201),
            "a class of 200 joining at once: {statuses:?}"
        );
        let other = post(&mut c, "/api/classes", None, json!({ "name": "x" })).await;
        let other_teacher = field(&other, "teacher_key");
        let students = get(
            &mut c,
            &format!("/api/classes/{code}/students"),
            Some(&other_teacher),
        )
        .await;
        assert_status(&students, 403, "another class's students");
        let next = post(
            &mut c,
            &format!("/api/classes/{code}/join"),
            None,
            json!({ "name": "one too many" }),
        )
        .await;
        assert_status(&next, 429, "the 201st join within a second");
        store.close().await;
    });
}

/// A `serve` process: its address, read from the first line it prints.
struct ServeProcess {
    child: Child,
    address: SocketAddr,
}

impl ServeProcess {
    fn start(database: &str) -> ServeProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_neural-sandbox"))
            .args([
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--dist",
                "/nonexistent",
                "--database",
                database,
            ])
            .args(["--write-burst", "1000", "--writes-per-second", "1000"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let address = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("serve said {line:?}"))
            .parse()
            .unwrap();
        ServeProcess { child, address }
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Students write (each write a level of its own) until the server goes away; the writes it
/// acknowledged, per student key.
async fn write_until_gone(address: SocketAddr, keys: &[String]) -> Vec<(String, String)> {
    let mut writers = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let key = key.clone();
        writers.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            let Ok(mut c) = Connection::open(address).await else {
                return acknowledged;
            };
            for n in 0.. {
                let level = format!("w{i}-{n}");
                let body = json!({ "level": level, "stars": 1, "score": 0.5, "epochs": n });
                match c.json("PUT", "/api/progress", Some(&key), &body).await {
                    Ok(answer) if answer.status == 200 => acknowledged.push((key.clone(), level)),
                    Ok(answer) => panic!("{}: {}", answer.status, answer.text()),
                    Err(_) => break,
                }
            }
            acknowledged
        }));
    }
    let mut acknowledged = Vec::new();
    for writer in writers {
        acknowledged.extend(writer.await.unwrap());
    }
    acknowledged
}

#[test]
fn a_server_killed_while_students_write_loses_no_acknowledged_write() {
    let folder = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}/class.sqlite", folder.path().display());
    let server = ServeProcess::start(&database);
    let address = server.address;
    let rt = runtime();
    let keys = rt.block_on(async {
        neural_sandbox::server::bench::join_classes(address, 8, 30, 4, None)
            .await
            .unwrap()
    });
    let mut server = server;
    let killer = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(1500));
        // SIGKILL: no chance to flush anything.
        server.child.kill().unwrap();
        server.child.wait().unwrap();
    });
    let acknowledged = rt.block_on(write_until_gone(address, &keys));
    killer.join().unwrap();
    assert!(
        acknowledged.len() > 20,
        "too few writes before the kill to tell: {}",
        acknowledged.len()
    );

    let again = ServeProcess::start(&database);
    rt.block_on(async {
        let mut c = Connection::open(again.address).await.unwrap();
        for key in &keys {
            let me = get(&mut c, "/api/me", Some(key)).await.json();
            let kept: std::collections::HashSet<&str> = me["best"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["level"].as_str().unwrap())
                .collect();
            let lost: Vec<_> = acknowledged
                .iter()
                .filter(|(k, l)| k == key && !kept.contains(l.as_str()))
                .collect();
            assert!(
                lost.is_empty(),
                "acknowledged but lost after SIGKILL: {lost:?}"
            );
        }
    });
    println!(
        "{} acknowledged writes all kept after SIGKILL",
        acknowledged.len()
    );
}

#[test]
fn two_servers_on_one_postgres_give_the_same_report() {
    let Some(cluster) = postgres::Cluster::start_or_say_why() else {
        return;
    };
    let url = cluster.url("two");
    let (one, two) = (ServeProcess::start(&url), ServeProcess::start(&url));
    runtime().block_on(async {
        let mut a = Connection::open(one.address).await.unwrap();
        let mut b = Connection::open(two.address).await.unwrap();
        let made = post(&mut a, "/api/classes", None, json!({ "name": "shared" })).await;
        let (code, teacher) = (field(&made, "code"), field(&made, "teacher_key"));
        let mut keys = Vec::new();
        for i in 0..6 {
            let server = if i % 2 == 0 { &mut a } else { &mut b };
            keys.push(field(
                &post(
                    server,
                    &format!("/api/classes/{code}/join"),
                    None,
                    json!({ "name": format!("s{i}") }),
                )
                .await,
                "student_key",
            ));
        }
        for (i, key) in keys.iter().enumerate() {
            for level in ["perceptron", "xor"] {
                let server = if i % 2 == 0 { &mut b } else { &mut a };
                assert_status(
                    &put(
                        server,
                        "/api/progress",
                        Some(key),
                        json!({ "level": level, "stars": 1 + i % 3, "score": i, "epochs": 10 * i }),
                    )
                    .await,
                    200,
                    "a write",
                );
            }
        }
        let from_a = get(
            &mut a,
            &format!("/api/classes/{code}/report"),
            Some(&teacher),
        )
        .await
        .json();
        let from_b = get(
            &mut b,
            &format!("/api/classes/{code}/report"),
            Some(&teacher),
        )
        .await
        .json();
        assert_eq!(from_a.as_array().unwrap().len(), 12);
        assert_eq!(from_a, from_b);
    });
}

#[test]
fn an_answer_bigger_than_the_client_reads_is_refused_not_held() {
    use std::io::{Read, Write};
    // A "server" that declares 10 MB and sends them.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\n\r\n");
            let chunk = vec![b'x'; 65536];
            for _ in 0..153 {
                if stream.write_all(&chunk).is_err() {
                    break;
                }
            }
        }
    });
    runtime().block_on(async {
        let mut c = Connection::open(address).await.unwrap();
        c.max_answer_bytes = 1024 * 1024;
        let answer = c.send("GET", "/api/me", Some("nss_x"), None).await;
        let why = answer.expect_err("a 10 MB answer read with a 1 MB limit");
        assert!(why.contains("over 1048576 bytes"), "{why}");
    });
}

/// `serve --dist` serves the web build and nothing beside it: requests that climb out of the
/// folder (plain, percent-encoded, with backslashes) find nothing, sent as raw bytes so no client
/// tidies the path first.
#[test]
fn the_web_build_is_served_and_nothing_beside_it() {
    use std::io::{Read, Write};
    let root = tempfile::tempdir().unwrap();
    let dist = root.path().join("dist");
    std::fs::create_dir(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<title>the game</title>").unwrap();
    std::fs::write(root.path().join("secret.txt"), "SECRET").unwrap();
    let url = format!("sqlite://{}/class.sqlite", root.path().display());
    let runtime = runtime();
    let address = runtime.block_on(async {
        let state = AppState {
            store: Store::open(&url).await.unwrap(),
            limits: generous(),
            admin_key: None,
            max_upload_bytes: 64 * 1024,
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router(state, Some(dist))).await });
        address
    });
    let raw_get = |path: &str| {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    };
    for path in ["/", "/index.html"] {
        let answer = raw_get(path);
        assert!(answer.starts_with("HTTP/1.1 200"), "{path}: {answer}");
        assert!(answer.contains("the game"), "{path}: {answer}");
    }
    for path in [
        "/../secret.txt",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/index.html/../../secret.txt",
        "/.%2e/secret.txt",
        &format!("/{}", root.path().join("secret.txt").display()),
    ] {
        let answer = raw_get(path);
        let status: u16 = answer[9..12].parse().unwrap();
        assert!((400..500).contains(&status), "{path}: {answer}");
        assert!(!answer.contains("SECRET"), "{path} reached a file outside");
    }
}
