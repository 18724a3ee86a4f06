//! The class database: SQLite (a file, nothing to install) or PostgreSQL (for several server
//! processes), through sqlx's `Any` driver so that every query is written once. Queries are
//! parameterised (`$1`, which both databases read); the schema is `migrations/`, applied at start.

use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};

use super::keys;

/// Which database a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database behind the API. Cloning shares the pool.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    pub backend: Backend,
    /// SQLite takes one writer at a time and makes the others wait in its busy handler, which
    /// sleeps; queueing writers here instead keeps the latency even. (PostgreSQL needs no such
    /// lock: it is `None` there.) One lock per process: a SQLite file is for one `serve` process.
    sqlite_writer: Option<std::sync::Arc<tokio::sync::Mutex<()>>>,
}

/// Why a request could not be answered by the database. The details go to the server's log only.
#[derive(Debug)]
pub struct StoreError(pub String);

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError(e.to_string())
    }
}

impl From<String> for StoreError {
    fn from(e: String) -> Self {
        StoreError(e)
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A class as its teacher sees it.
#[derive(Clone, Debug)]
pub struct ClassRow {
    pub code: String,
    pub name: String,
}

/// A student as the key that writes for them names them.
#[derive(Clone, Debug)]
pub struct StudentRow {
    pub id: i64,
    pub class_code: String,
    pub name: String,
}

/// One result: what a student sends, and what is kept as their best.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LevelResult {
    pub level: String,
    pub stars: i64,
    pub score: f64,
    /// The epoch the level was solved at (0: not solved).
    pub epochs: i64,
    /// Which of the level's stars were earned, in the level's order (may be empty).
    #[serde(default)]
    pub earned: Vec<bool>,
}

/// One line of a class's report.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ReportRow {
    pub student: String,
    pub student_id: i64,
    pub level: String,
    pub stars: i64,
    pub score: f64,
    pub epochs: i64,
    /// When the best result was sent (ISO 8601, UTC).
    pub updated: String,
}

/// A student of a class, with or without results.
#[derive(Clone, Debug, serde::Serialize)]
pub struct StudentSummary {
    pub student: String,
    pub student_id: i64,
    pub joined: String,
    pub last_seen: String,
    pub last_seen_ms: i64,
}

/// A handed-in file, without its bytes.
#[derive(Clone, Debug, serde::Serialize)]
pub struct WorkRow {
    pub id: String,
    pub student: String,
    pub student_id: i64,
    pub kind: String,
    pub file_name: String,
    pub size: i64,
    pub sent: String,
}

/// A level or lesson the teacher assigned.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Assignment {
    pub level: String,
    #[serde(default)]
    pub note: String,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Store {
    /// Opens (and creates, for SQLite) the database a URL names, and brings its schema up to date.
    pub async fn open(url: &str) -> StoreResult<Store> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if let Some(path) = url.strip_prefix("sqlite://") {
            let path = path.split('?').next().unwrap_or(path);
            if path.is_empty() {
                return Err(StoreError(
                    "sqlite:// needs a file: sqlite://class.db".into(),
                ));
            }
            if let Some(folder) = std::path::Path::new(path).parent()
                && !folder.as_os_str().is_empty()
            {
                std::fs::create_dir_all(folder).map_err(|e| {
                    StoreError(format!("cannot make the folder {}: {e}", folder.display()))
                })?;
            }
            (Backend::Sqlite, format!("sqlite://{path}?mode=rwc"))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_string())
        } else {
            return Err(StoreError(
                "the database must be sqlite://PATH or postgres://USER@HOST/NAME".into(),
            ));
        };
        let options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 16 })
            .acquire_timeout(std::time::Duration::from_secs(10));
        let options = if backend == Backend::Sqlite {
            options.after_connect(|connection, _| {
                Box::pin(async move {
                    // WAL lets readers go on while one writer commits; synchronous=FULL makes a
                    // commit wait for the disk, so an acknowledged write survives a power cut as
                    // well as a killed process.
                    connection
                        .execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;",
                        )
                        .await?;
                    Ok(())
                })
            })
        } else {
            options
        };
        let pool = options.connect(&url).await?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| StoreError(format!("the schema could not be brought up to date: {e}")))?;
        Ok(Store {
            pool,
            backend,
            sqlite_writer: (backend == Backend::Sqlite)
                .then(|| std::sync::Arc::new(tokio::sync::Mutex::new(()))),
        })
    }

    async fn writer(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match &self.sqlite_writer {
            Some(lock) => Some(lock.lock().await),
            None => None,
        }
    }

    pub async fn create_class(&self, name: &str) -> StoreResult<(String, String)> {
        let _writer = self.writer().await;
        let key = keys::new_key(keys::TEACHER_PREFIX)?;
        // A new code until one is free (with 10^11 codes, a second try is already rare).
        for _ in 0..8 {
            let code = keys::new_class_code()?;
            let inserted = sqlx::query(
                "INSERT INTO classes (code, name, teacher_key_hash, created_ms) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (code) DO NOTHING",
            )
            .bind(&code)
            .bind(name)
            .bind(keys::hash_key(&key))
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
            if inserted.rows_affected() == 1 {
                return Ok((code, key));
            }
        }
        Err(StoreError("no free class code after 8 tries".into()))
    }

    /// The class with this code.
    pub async fn class_named_by(&self, code: &str) -> StoreResult<Option<ClassRow>> {
        self.class_where("code", code).await
    }

    /// The class whose teacher has this key.
    pub async fn class_of_teacher(&self, key: &str) -> StoreResult<Option<ClassRow>> {
        self.class_where("teacher_key_hash", &keys::hash_key(key))
            .await
    }

    /// `column` is one of the two above, never a caller's text.
    async fn class_where(
        &self,
        column: &'static str,
        value: &str,
    ) -> StoreResult<Option<ClassRow>> {
        let row = sqlx::query(&format!(
            "SELECT code, name FROM classes WHERE {column} = $1"
        ))
        .bind(value)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| ClassRow {
            code: r.get(0),
            name: r.get(1),
        }))
    }

    pub async fn student_of_key(&self, key: &str) -> StoreResult<Option<StudentRow>> {
        let row = sqlx::query("SELECT id, class_code, name FROM students WHERE key_hash = $1")
            .bind(keys::hash_key(key))
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| StudentRow {
            id: r.get(0),
            class_code: r.get(1),
            name: r.get(2),
        }))
    }

    /// A new student in a class: their id and key.
    pub async fn join(&self, code: &str, name: &str) -> StoreResult<(i64, String)> {
        let _writer = self.writer().await;
        let key = keys::new_key(keys::STUDENT_PREFIX)?;
        let id = keys::new_id()?;
        let now = now_ms();
        sqlx::query(
            "INSERT INTO students (id, class_code, name, key_hash, joined_ms, last_seen_ms) \
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(id)
        .bind(code)
        .bind(name)
        .bind(keys::hash_key(&key))
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok((id, key))
    }

    /// A new key for a student of the class (the old one stops working): how a teacher lets a
    /// student go on from another computer or a wiped browser.
    pub async fn renew_student_key(
        &self,
        code: &str,
        student_id: i64,
    ) -> StoreResult<Option<String>> {
        let _writer = self.writer().await;
        let key = keys::new_key(keys::STUDENT_PREFIX)?;
        let changed =
            sqlx::query("UPDATE students SET key_hash = $1 WHERE id = $2 AND class_code = $3")
                .bind(keys::hash_key(&key))
                .bind(student_id)
                .bind(code)
                .execute(&self.pool)
                .await?;
        Ok((changed.rows_affected() == 1).then_some(key))
    }

    /// Keeps a result in the student's history and, if it is better, as their best; returns the
    /// best. One transaction: committed (durably) before the answer, or not at all.
    pub async fn record_result(
        &self,
        student_id: i64,
        result: &LevelResult,
    ) -> StoreResult<LevelResult> {
        let _writer = self.writer().await;
        let now = now_ms();
        let mut transaction = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO result_history (id, student_id, level, stars, score, epochs, sent_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(keys::new_id()?)
        .bind(student_id)
        .bind(&result.level)
        .bind(result.stars)
        .bind(result.score)
        .bind(result.epochs)
        .bind(now)
        .execute(&mut *transaction)
        .await?;
        sqlx::query(
            "INSERT INTO best_results (student_id, level, stars, score, epochs, earned, updated_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (student_id, level) DO UPDATE SET stars = excluded.stars, \
             score = excluded.score, epochs = excluded.epochs, earned = excluded.earned, \
             updated_ms = excluded.updated_ms \
             WHERE excluded.stars > best_results.stars \
             OR (excluded.stars = best_results.stars AND (excluded.score > best_results.score \
             OR (excluded.score = best_results.score AND excluded.epochs < best_results.epochs)))",
        )
        .bind(student_id)
        .bind(&result.level)
        .bind(result.stars)
        .bind(result.score)
        .bind(result.epochs)
        .bind(earned_text(&result.earned))
        .bind(now)
        .execute(&mut *transaction)
        .await?;
        sqlx::query("UPDATE students SET last_seen_ms = $1 WHERE id = $2")
            .bind(now)
            .bind(student_id)
            .execute(&mut *transaction)
            .await?;
        let best = sqlx::query(
            "SELECT level, stars, score, epochs, earned FROM best_results WHERE student_id = $1 AND level = $2",
        )
        .bind(student_id)
        .bind(&result.level)
        .fetch_one(&mut *transaction)
        .await?;
        transaction.commit().await?;
        Ok(level_result(&best))
    }

    /// A student's best results, for a game that opens on a new computer.
    pub async fn best_results_of(&self, student_id: i64) -> StoreResult<Vec<LevelResult>> {
        let rows = sqlx::query(
            "SELECT level, stars, score, epochs, earned FROM best_results WHERE student_id = $1 ORDER BY level",
        )
        .bind(student_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(level_result).collect())
    }

    /// How many results a student has sent (their history).
    pub async fn history_length(&self, student_id: i64) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COUNT(*) FROM result_history WHERE student_id = $1")
            .bind(student_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.get(0))
    }

    pub async fn report(&self, code: &str) -> StoreResult<Vec<ReportRow>> {
        let rows = sqlx::query(
            "SELECT s.name, s.id, b.level, b.stars, b.score, b.epochs, b.updated_ms \
             FROM students s JOIN best_results b ON b.student_id = s.id \
             WHERE s.class_code = $1 ORDER BY s.name, s.id, b.level",
        )
        .bind(code)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| ReportRow {
                student: r.get(0),
                student_id: r.get(1),
                level: r.get(2),
                stars: r.get(3),
                score: r.get(4),
                epochs: r.get(5),
                updated: iso_time(r.get(6)),
            })
            .collect())
    }

    pub async fn students(&self, code: &str) -> StoreResult<Vec<StudentSummary>> {
        let rows = sqlx::query(
            "SELECT name, id, joined_ms, last_seen_ms FROM students WHERE class_code = $1 \
             ORDER BY name, id",
        )
        .bind(code)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| StudentSummary {
                student: r.get(0),
                student_id: r.get(1),
                joined: iso_time(r.get(2)),
                last_seen: iso_time(r.get(3)),
                last_seen_ms: r.get(3),
            })
            .collect())
    }

    pub async fn hand_in(
        &self,
        student_id: i64,
        kind: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> StoreResult<i64> {
        let _writer = self.writer().await;
        let id = keys::new_id()?;
        let now = now_ms();
        let mut transaction = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO handed_in (id, student_id, kind, file_name, size, bytes, sent_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(student_id)
        .bind(kind)
        .bind(file_name)
        .bind(bytes.len() as i64)
        .bind(bytes)
        .bind(now)
        .execute(&mut *transaction)
        .await?;
        sqlx::query("UPDATE students SET last_seen_ms = $1 WHERE id = $2")
            .bind(now)
            .bind(student_id)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(id)
    }

    pub async fn work(&self, code: &str) -> StoreResult<Vec<WorkRow>> {
        let rows = sqlx::query(
            "SELECT w.id, s.name, s.id, w.kind, w.file_name, w.size, w.sent_ms \
             FROM handed_in w JOIN students s ON s.id = w.student_id \
             WHERE s.class_code = $1 ORDER BY w.sent_ms DESC, w.id",
        )
        .bind(code)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| WorkRow {
                // As text: JavaScript's numbers hold 53 bits of the 63.
                id: r.get::<i64, _>(0).to_string(),
                student: r.get(1),
                student_id: r.get(2),
                kind: r.get(3),
                file_name: r.get(4),
                size: r.get(5),
                sent: iso_time(r.get(6)),
            })
            .collect())
    }

    /// One handed-in file of the class: its name, kind and bytes.
    pub async fn work_file(
        &self,
        code: &str,
        id: i64,
    ) -> StoreResult<Option<(String, String, Vec<u8>)>> {
        let row = sqlx::query(
            "SELECT w.file_name, w.kind, w.bytes FROM handed_in w JOIN students s ON s.id = w.student_id \
             WHERE s.class_code = $1 AND w.id = $2",
        )
        .bind(code)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| (r.get(0), r.get(1), r.get(2))))
    }

    pub async fn set_assignments(&self, code: &str, assignments: &[Assignment]) -> StoreResult<()> {
        let _writer = self.writer().await;
        let now = now_ms();
        let mut transaction = self.pool.begin().await?;
        sqlx::query("DELETE FROM assignments WHERE class_code = $1")
            .bind(code)
            .execute(&mut *transaction)
            .await?;
        for (position, assignment) in assignments.iter().enumerate() {
            sqlx::query(
                "INSERT INTO assignments (class_code, level, note, position, assigned_ms) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(code)
            .bind(&assignment.level)
            .bind(&assignment.note)
            .bind(position as i64)
            .bind(now)
            .execute(&mut *transaction)
            .await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    pub async fn assignments(&self, code: &str) -> StoreResult<Vec<Assignment>> {
        let rows = sqlx::query(
            "SELECT level, note FROM assignments WHERE class_code = $1 ORDER BY position",
        )
        .bind(code)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| Assignment {
                level: r.get(0),
                note: r.get(1),
            })
            .collect())
    }

    /// Closes the pool (waits for the connections to finish).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn level_result(row: &AnyRow) -> LevelResult {
    LevelResult {
        level: row.get(0),
        stars: row.get(1),
        score: row.get(2),
        epochs: row.get(3),
        earned: row.get::<String, _>(4).chars().map(|c| c == '1').collect(),
    }
}

fn earned_text(earned: &[bool]) -> String {
    earned.iter().map(|&e| if e { '1' } else { '0' }).collect()
}

/// Milliseconds since 1970 as `2026-12-05T10:04:31Z` (the civil calendar from a day count, after
/// Howard Hinnant's `civil_from_days`).
pub fn iso_time(ms: i64) -> String {
    let seconds = ms.div_euclid(1000);
    let (days, in_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::iso_time;

    #[test]
    fn times_read_as_dates() {
        assert_eq!(iso_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_time(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(iso_time(1_796_428_540_000), "2026-12-04T23:55:40Z");
        assert_eq!(iso_time(-1000), "1969-12-31T23:59:59Z");
    }
}
