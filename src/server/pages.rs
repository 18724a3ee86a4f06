//! The pages the server itself serves: the teacher's page, a note where the web build is missing,
//! and join links as QR codes.

use axum::extract::Query;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

/// The teacher's page: one file, its script inline, nothing fetched from elsewhere (a school's
/// network may block other hosts).
pub async fn teacher_page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            // The page only talks to this server; nothing else runs in it.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; script-src 'unsafe-inline' 'self'; style-src 'unsafe-inline' 'self'; img-src 'self' data:",
            ),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        include_str!("teacher.html"),
    )
        .into_response()
}

pub async fn no_web_build() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(
            "<!doctype html><meta charset=utf-8><title>Neural Sandbox class server</title>\
             <body style=\"font-family:sans-serif;max-width:40em;margin:3em auto\">\
             <h1>Neural Sandbox class server</h1>\
             <p>The class API runs, but this server has no web build of the game to serve.</p>\
             <p>Build it with <code>web/build.sh</code> (it writes <code>dist/</code>), then start \
             <code>neural-sandbox serve --dist dist</code>.</p>\
             <p>Teachers: <a href=\"/teacher\">the teacher's page</a>.</p></body>",
        ),
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct QrQuery {
    text: String,
}

/// A QR code of a short text (a join link) as SVG.
pub async fn qr_code(Query(query): Query<QrQuery>) -> Response {
    if query.text.is_empty() || query.text.len() > 300 {
        return (
            StatusCode::BAD_REQUEST,
            "a QR code holds a link of 1 to 300 characters",
        )
            .into_response();
    }
    match qrcode::QrCode::new(query.text.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .quiet_zone(true)
                .build();
            (
                [
                    (header::CONTENT_TYPE, "image/svg+xml"),
                    (header::CACHE_CONTROL, "max-age=86400"),
                ],
                svg,
            )
                .into_response()
        }
        Err(e) => (
            StatusCode::BAD_REQUEST,
            format!("no QR code for this text: {e}"),
        )
            .into_response(),
    }
}
