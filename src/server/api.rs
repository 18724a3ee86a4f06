//! The class API: JSON over HTTP, keys as `Authorization: Bearer KEY`. Keys are checked before
//! a body is read (the key extractors come first in every handler): 401 for a missing or unknown
//! key, 403 for a key without the right. Errors are `{"error": "..."}` and never carry SQL or paths.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection};
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::store::{Assignment, ClassRow, LevelResult, StoreError, StudentRow};
use super::{AppState, keys};

/// The most characters of a name (a class's or a student's).
pub const MAX_NAME_CHARS: usize = 60;
/// The most bytes of a JSON request.
pub const MAX_JSON_BYTES: usize = 16 * 1024;
/// The most assignments of a class.
pub const MAX_ASSIGNMENTS: usize = 100;

/// An answer that is not a success: its status and a message for a person.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }

    fn bad(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        // The details (SQL, paths) go to the server's log; the client learns only that it failed.
        eprintln!("class server: database error: {}", e.0);
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the class database did not answer; nothing was changed, try again",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(json!({ "error": self.message }))).into_response();
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        }
        response
    }
}

type ApiResult<T> = Result<T, ApiError>;

fn bearer(parts: &Parts) -> ApiResult<String> {
    let value = parts.headers.get(header::AUTHORIZATION).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "this needs a key: Authorization: Bearer KEY",
        )
    })?;
    let value = value
        .to_str()
        .map_err(|_| ApiError::new(StatusCode::UNAUTHORIZED, "the key is not readable"))?;
    let key = value.strip_prefix("Bearer ").ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "the key must be sent as Authorization: Bearer KEY",
        )
    })?;
    if key.len() > 200 {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "this key is not known here",
        ));
    }
    Ok(key.trim().to_string())
}

fn unknown_key() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "this key is not known here")
}

/// A request made with a teacher's key: the teacher's class.
pub struct Teacher(pub ClassRow);

impl FromRequestParts<AppState> for Teacher {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let key = bearer(parts)?;
        if key.starts_with(keys::TEACHER_PREFIX) {
            return match state.store.class_of_teacher(&key).await? {
                Some(class) => Ok(Teacher(class)),
                None => Err(unknown_key()),
            };
        }
        if key.starts_with(keys::STUDENT_PREFIX)
            && state.store.student_of_key(&key).await?.is_some()
        {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "a student's key cannot do this; it needs the teacher's key",
            ));
        }
        Err(unknown_key())
    }
}

/// A request made with a student's key: the student.
pub struct Student(pub StudentRow);

impl FromRequestParts<AppState> for Student {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let key = bearer(parts)?;
        if key.starts_with(keys::STUDENT_PREFIX) {
            return match state.store.student_of_key(&key).await? {
                Some(student) => Ok(Student(student)),
                None => Err(unknown_key()),
            };
        }
        if key.starts_with(keys::TEACHER_PREFIX)
            && state.store.class_of_teacher(&key).await?.is_some()
        {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "a teacher's key cannot do this; it needs a student's key",
            ));
        }
        Err(unknown_key())
    }
}

/// A student's write: the student, within their allowance of writes.
pub struct StudentWrite(pub StudentRow);

impl FromRequestParts<AppState> for StudentWrite {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let Student(student) = Student::from_request_parts(parts, state).await?;
        if !state.limits.may_write(&student.id.to_string()) {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too many writes in a short time; the game sends them again in a moment",
            ));
        }
        Ok(StudentWrite(student))
    }
}

/// The class in the path must be the teacher's own.
fn own_class(teacher: &ClassRow, code: &str) -> ApiResult<()> {
    match keys::normalise_class_code(code) {
        Some(code) if code == teacher.code => Ok(()),
        _ => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "this key belongs to another class",
        )),
    }
}

fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> ApiResult<T> {
    match body {
        Ok(Json(value)) => Ok(value),
        Err(JsonRejection::BytesRejection(_)) => Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the request is too big (at most {} KB)",
                MAX_JSON_BYTES / 1024
            ),
        )),
        Err(rejection) => Err(ApiError::new(
            rejection.status(),
            crate::limits::tidy_message(&rejection.body_text()),
        )),
    }
}

/// A name as typed: kept as it is (quotes, `<`, `&` and all: it is escaped wherever it is shown),
/// but not empty, not over 60 characters and without control characters.
pub fn check_name(name: &str, what: &str) -> ApiResult<String> {
    if name.trim().is_empty() {
        return Err(ApiError::bad(format!("the {what} is empty")));
    }
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(ApiError::bad(format!(
            "the {what} has {chars} characters; at most {MAX_NAME_CHARS}"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(ApiError::bad(format!(
            "the {what} has a control character (a line break or tab?)"
        )));
    }
    Ok(name.to_string())
}

/// A level's id as the game names it: letters, digits and dashes.
fn check_level_id(level: &str) -> ApiResult<()> {
    let ok = !level.is_empty()
        && level.len() <= 64
        && level
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ApiError::bad(format!(
            "level {} is not a level's id (letters, digits and dashes, at most 64)",
            crate::limits::quote(level)
        )))
    }
}

#[derive(Deserialize)]
pub struct NameBody {
    name: String,
}

pub async fn create_class(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<NameBody>, JsonRejection>,
) -> ApiResult<Response> {
    if let Some(admin) = &state.admin_key {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        match given {
            None => {
                return Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "making a class needs this server's admin key",
                ));
            }
            Some(given) if keys::hash_key(given.trim()) != keys::hash_key(admin) => {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "this is not the server's admin key",
                ));
            }
            Some(_) => {}
        }
    }
    let body = json_body(body)?;
    let name = check_name(&body.name, "class's name")?;
    if !state.limits.may_create_class() {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too many new classes in a short time; try again in a minute",
        ));
    }
    let (code, teacher_key) = state.store.create_class(&name).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "code": code, "teacher_key": teacher_key, "name": name })),
    )
        .into_response())
}

pub async fn class_name(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<Response> {
    let class = find_class(&state, &code).await?;
    Ok(Json(json!({ "code": class.code, "name": class.name })).into_response())
}

async fn find_class(state: &AppState, code: &str) -> ApiResult<ClassRow> {
    let not_found = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "there is no class with this code; check it with your teacher",
        )
    };
    let code = keys::normalise_class_code(code).ok_or_else(not_found)?;
    state
        .store
        .class_named_by(&code)
        .await?
        .ok_or_else(not_found)
}

pub async fn join(
    State(state): State<AppState>,
    Path(code): Path<String>,
    body: Result<Json<NameBody>, JsonRejection>,
) -> ApiResult<Response> {
    let class = find_class(&state, &code).await?;
    let body = json_body(body)?;
    let name = check_name(&body.name, "name")?;
    if !state.limits.may_join(&class.code) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "many students are joining this class at once; try again in a few seconds",
        ));
    }
    let (student_id, student_key) = state.store.join(&class.code, &name).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "student_key": student_key,
            "student_id": student_id,
            "name": name,
            "class": { "code": class.code, "name": class.name },
        })),
    )
        .into_response())
}

pub async fn me(State(state): State<AppState>, Student(student): Student) -> ApiResult<Response> {
    let class = state.store.class_named_by(&student.class_code).await?;
    let best = state.store.best_results_of(student.id).await?;
    let assignments = state.store.assignments(&student.class_code).await?;
    Ok(Json(json!({
        "student": student.name,
        "student_id": student.id,
        "class": class.map(|c| json!({ "code": c.code, "name": c.name })),
        "best": best,
        "assignments": assignments,
    }))
    .into_response())
}

#[derive(Deserialize)]
pub struct ProgressBody {
    level: String,
    stars: i64,
    score: f64,
    epochs: i64,
    /// Which of the level's stars were earned, in order (optional).
    #[serde(default)]
    earned: Vec<bool>,
}

pub async fn put_progress(
    State(state): State<AppState>,
    StudentWrite(student): StudentWrite,
    body: Result<Json<ProgressBody>, JsonRejection>,
) -> ApiResult<Response> {
    // Whatever the body says, the result is the key's own student's: the body names no student.
    let body = json_body(body)?;
    check_level_id(&body.level)?;
    if !(0..=3).contains(&body.stars) {
        return Err(ApiError::bad(format!(
            "stars {} must be 0 to 3",
            body.stars
        )));
    }
    if !body.score.is_finite() || body.score.abs() > 1e12 {
        return Err(ApiError::bad("the score must be a number within ±10^12"));
    }
    if !(0..=crate::limits::MAX_EPOCH as i64).contains(&body.epochs) {
        return Err(ApiError::bad(format!(
            "epochs {} must be 0 to 10^15",
            body.epochs
        )));
    }
    if body.earned.len() > 3 || body.earned.iter().filter(|e| **e).count() as i64 > body.stars {
        return Err(ApiError::bad(
            "earned lists at most 3 stars, and no more earned ones than stars",
        ));
    }
    let result = LevelResult {
        level: body.level,
        stars: body.stars,
        score: body.score,
        epochs: body.epochs,
        earned: body.earned,
    };
    let best = state.store.record_result(student.id, &result).await?;
    Ok(Json(json!({ "kept": true, "best": best })).into_response())
}

#[derive(Deserialize)]
pub struct WorkQuery {
    name: Option<String>,
}

/// What a handed-in file is, from its name and its bytes (both must agree); refuses anything else.
pub fn kind_of_work(name: &str, bytes: &[u8]) -> ApiResult<&'static str> {
    let lower = name.to_ascii_lowercase();
    let text = || {
        std::str::from_utf8(bytes)
            .map_err(|_| ApiError::bad(format!("{}: is not text", crate::limits::quote(name))))
    };
    if lower.ends_with(".gif") {
        if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            return Ok("recording");
        }
        return Err(ApiError::bad(format!(
            "{}: is not a GIF",
            crate::limits::quote(name)
        )));
    }
    if lower.ends_with(".webm") {
        if bytes.starts_with(&[0x1a, 0x45, 0xdf, 0xa3]) {
            return Ok("recording");
        }
        return Err(ApiError::bad(format!(
            "{}: is not a WebM video",
            crate::limits::quote(name)
        )));
    }
    if lower.ends_with(".json") {
        // One of the game's three JSON files: the Playground's experiment, the GAN's model or
        // the CNN's network (each as the game itself reads it).
        let text = text()?;
        let experiment = match crate::experiment::file::from_json(text, name) {
            Ok(_) => return Ok("experiment"),
            Err(e) => e,
        };
        if crate::gan::file::parse_model(text, name).is_ok() {
            return Ok("gan model");
        }
        if crate::cnn::tfjs::parse_own(text).is_ok() {
            return Ok("cnn model");
        }
        return Err(ApiError::bad(format!(
            "not an experiment, GAN model or CNN network file: {}",
            crate::limits::tidy_message(&experiment)
        )));
    }
    if lower.ends_with(".ron") {
        let text = text()?;
        crate::level::AnyLevel::parse(text, name).map_err(|errors| {
            let first = errors.first().map(|e| e.to_string()).unwrap_or_default();
            ApiError::bad(format!(
                "not a level file: {}",
                crate::limits::tidy_message(&first)
            ))
        })?;
        return Ok("level");
    }
    Err(ApiError::bad(format!(
        "{}: hand in an experiment or a model (.json), a recording (.gif or .webm) or a level (.ron)",
        crate::limits::quote(name)
    )))
}

/// A file name as it will be kept: its last part, without control characters, at most 100
/// characters.
pub fn tidy_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let kept: String = last.chars().filter(|c| !c.is_control()).take(100).collect();
    if kept.trim().is_empty() || kept == "." || kept == ".." {
        "work".into()
    } else {
        kept
    }
}

pub async fn hand_in(
    State(state): State<AppState>,
    StudentWrite(student): StudentWrite,
    Query(query): Query<WorkQuery>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let name = tidy_file_name(query.name.as_deref().unwrap_or(""));
    let bytes = body.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the file is too big to hand in (at most {})",
                crate::limits::size_in_words(state.max_upload_bytes as u64)
            ),
        )
    })?;
    if bytes.is_empty() {
        return Err(ApiError::bad("the file is empty"));
    }
    let kind = kind_of_work(&name, &bytes)?;
    let id = state.store.hand_in(student.id, kind, &name, &bytes).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id.to_string(), "kind": kind, "file_name": name, "size": bytes.len() })),
    )
        .into_response())
}

pub async fn report(
    State(state): State<AppState>,
    Teacher(class): Teacher,
    Path(code): Path<String>,
) -> ApiResult<Response> {
    own_class(&class, &code)?;
    Ok(Json(state.store.report(&class.code).await?).into_response())
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) gets a leading apostrophe.
fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

pub async fn report_csv(
    State(state): State<AppState>,
    Teacher(class): Teacher,
    Path(code): Path<String>,
) -> ApiResult<Response> {
    own_class(&class, &code)?;
    let rows = state.store.report(&class.code).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the CSV could not be written",
        )
    };
    writer
        .write_record([
            "student",
            "student_id",
            "level",
            "stars",
            "score",
            "epochs",
            "updated",
        ])
        .map_err(failed)?;
    for row in rows {
        writer
            .write_record([
                spreadsheet_safe(&row.student),
                row.student_id.to_string(),
                row.level,
                row.stars.to_string(),
                row.score.to_string(),
                row.epochs.to_string(),
                row.updated,
            ])
            .map_err(failed)?;
    }
    let bytes = writer.into_inner().map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the CSV could not be written",
        )
    })?;
    let file = format!("attachment; filename=\"class-{}.csv\"", class.code);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, file),
        ],
        bytes,
    )
        .into_response())
}

pub async fn students(
    State(state): State<AppState>,
    Teacher(class): Teacher,
    Path(code): Path<String>,
) -> ApiResult<Response> {
    own_class(&class, &code)?;
    let students = state.store.students(&class.code).await?;
    Ok(Json(json!({
        "class": { "code": class.code, "name": class.name },
        "students": students,
        "now": super::store::iso_time(super::store::now_ms()),
    }))
    .into_response())
}

pub async fn renew_key(
    State(state): State<AppState>,
    Teacher(class): Teacher,
    Path((code, student_id)): Path<(String, i64)>,
) -> ApiResult<Response> {
    own_class(&class, &code)?;
    match state
        .store
        .renew_student_key(&class.code, student_id)
        .await?
    {
        Some(key) => Ok(Json(json!({ "student_key": key })).into_response()),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "there is no such student in this class",
        )),
    }
}

pub async fn work_list(
    State(state): State<AppState>,
    Teacher(class): Teacher,
    Path(code): Path<String>,
) -> ApiResult<Response> {
    own_class(&class, &code)?;
    Ok(Json(state.store.work(&class.code).await?).into_response())
}

pub async fn work_file(
    State(state): State<AppState>,
    Teacher(class): Teacher,
    Path((code, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    own_class(&class, &code)?;
    let not_found = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "there is no such handed-in file in this class",
        )
    };
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let (name, kind, bytes) = state
        .store
        .work_file(&class.code, id)
        .await?
        .ok_or_else(not_found)?;
    let content_type = match (kind.as_str(), name.to_ascii_lowercase()) {
        ("recording", n) if n.ends_with(".gif") => "image/gif",
        ("recording", _) => "video/webm",
        ("experiment" | "gan model" | "cnn model", _) => "application/json",
        _ => "application/octet-stream",
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, attachment(&name)),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// `Content-Disposition` for a download under its own name: an ASCII fallback and the name in
/// UTF-8 (RFC 6266), so that neither a quote nor a line break in a name can break the header.
fn attachment(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = crate::class::percent_encode(name);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

pub async fn get_assignments(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> ApiResult<Response> {
    // The teacher's or a student's of the class.
    let mut parts = axum::http::Request::new(()).into_parts().0;
    parts.headers = headers;
    let code = match Teacher::from_request_parts(&mut parts, &state).await {
        Ok(Teacher(class)) => {
            own_class(&class, &code)?;
            class.code
        }
        Err(e) if e.status == StatusCode::FORBIDDEN => {
            let Student(student) = Student::from_request_parts(&mut parts, &state).await?;
            if keys::normalise_class_code(&code).as_deref() != Some(student.class_code.as_str()) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "this key belongs to another class",
                ));
            }
            student.class_code
        }
        Err(e) => return Err(e),
    };
    Ok(Json(state.store.assignments(&code).await?).into_response())
}

#[derive(Deserialize)]
pub struct AssignmentsBody {
    assignments: Vec<Assignment>,
}

pub async fn put_assignments(
    State(state): State<AppState>,
    Teacher(class): Teacher,
    Path(code): Path<String>,
    body: Result<Json<AssignmentsBody>, JsonRejection>,
) -> ApiResult<Response> {
    own_class(&class, &code)?;
    let body = json_body(body)?;
    if body.assignments.len() > MAX_ASSIGNMENTS {
        return Err(ApiError::bad(format!(
            "at most {MAX_ASSIGNMENTS} assignments"
        )));
    }
    for assignment in &body.assignments {
        check_level_id(&assignment.level)?;
        if assignment.note.chars().count() > 300 {
            return Err(ApiError::bad("a note has at most 300 characters"));
        }
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = body
        .assignments
        .iter()
        .find(|a| !seen.insert(a.level.as_str()))
    {
        return Err(ApiError::bad(format!(
            "level {} is assigned twice",
            twice.level
        )));
    }
    state
        .store
        .set_assignments(&class.code, &body.assignments)
        .await?;
    Ok(Json(json!({ "assignments": body.assignments })).into_response())
}

pub async fn health(State(state): State<AppState>) -> Response {
    let database = match state.store.backend {
        super::store::Backend::Sqlite => "sqlite",
        super::store::Backend::Postgres => "postgres",
    };
    Json(json!({ "ok": true, "database": database, "version": env!("CARGO_PKG_VERSION") }))
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kept_as_typed_within_limits() {
        assert_eq!(
            check_name("<b>Ana & Bo</b>", "name").unwrap(),
            "<b>Ana & Bo</b>"
        );
        assert!(check_name("   ", "name").is_err());
        assert!(check_name(&"é".repeat(60), "name").is_ok());
        assert!(check_name(&"é".repeat(61), "name").is_err());
        assert!(check_name("a\nb", "name").is_err());
    }

    #[test]
    fn handed_in_files_are_what_their_names_say() {
        assert_eq!(kind_of_work("a.gif", b"GIF89a....").unwrap(), "recording");
        assert!(kind_of_work("a.gif", b"<html>").is_err());
        assert_eq!(
            kind_of_work("a.webm", &[0x1a, 0x45, 0xdf, 0xa3, 0]).unwrap(),
            "recording"
        );
        assert!(kind_of_work("a.json", b"{\"not\": \"an experiment\"}").is_err());
        let gan = crate::gan::Gan::new(crate::gan::GanSettings::default()).unwrap();
        let gan_file = crate::gan::file::model_to_json(&gan);
        assert_eq!(
            kind_of_work("gan.json", gan_file.as_bytes()).unwrap(),
            "gan model"
        );
        let cnn = crate::cnn::MiniSpec::default()
            .build(
                crate::cnn::Shape {
                    height: 16,
                    width: 16,
                    channels: 1,
                },
                vec!["a".into(), "b".into()],
                1,
            )
            .unwrap();
        let cnn_file = crate::cnn::tfjs::to_json(&cnn);
        assert_eq!(
            kind_of_work("cnn.json", cnn_file.as_bytes()).unwrap(),
            "cnn model"
        );
        // Cut short, neither reads.
        assert!(kind_of_work("gan.json", &gan_file.as_bytes()[..gan_file.len() / 2]).is_err());
        assert!(kind_of_work("a.exe", b"MZ").is_err());
        assert_eq!(tidy_file_name("../../etc/passwd"), "passwd");
        assert_eq!(tidy_file_name("C:\\x\\..\\"), "work");
        assert_eq!(tidy_file_name("a\nb.gif"), "ab.gif");
    }

    #[test]
    fn downloads_keep_their_names_safely() {
        let header = attachment("my \"net\"\r\n.gif");
        assert!(!header.contains('\r') && !header.contains('\n'));
        assert!(
            header.starts_with("attachment; filename=\"my _net___.gif\""),
            "{header}"
        );
        assert_eq!(spreadsheet_safe("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(spreadsheet_safe("Ana"), "Ana");
    }
}
