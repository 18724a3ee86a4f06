//! A student's place in a class on a class server (`neural-sandbox serve`): who they are there,
//! and what waits to be sent. It is kept in the progress save, so it outlives the game and the
//! network: results and handed-in work are queued first and sent, in order, whenever the server
//! answers (offline first). No Bevy and no network here: the game sends, this decides what.

use std::collections::{BTreeMap, VecDeque};

use base64::Engine;
use serde::{Deserialize, Serialize};

/// The most items waiting; beyond it the oldest results give way (the newest say more).
pub const MAX_WAITING: usize = 500;
/// The most bytes of handed-in work kept waiting offline: local storage holds about 5 MB, and a
/// file grows by a third in base64. A bigger file is sent only while the server answers.
pub const MAX_WAITING_WORK_BYTES: usize = 2 * 1024 * 1024;

/// Where a student belongs and what waits to be sent.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ClassPlace {
    /// The server's origin, `http://host:port` (on the web, the page's own).
    pub server: String,
    pub code: String,
    pub class_name: String,
    pub student: String,
    pub student_key: String,
    pub waiting: VecDeque<Waiting>,
    /// What was last queued per level (stars, epochs): a level is sent again only when it improves.
    pub queued: BTreeMap<String, (u32, u64)>,
}

/// One request waiting to be sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Waiting {
    Result {
        level: String,
        stars: u32,
        score: f64,
        epochs: u64,
        /// Which of the level's stars were earned, in order.
        #[serde(default)]
        earned: Vec<bool>,
    },
    Work {
        file_name: String,
        base64: String,
    },
}

/// A request as the network sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: &'static str,
    pub path: String,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Waiting {
    pub fn request(&self) -> Request {
        match self {
            Waiting::Result {
                level,
                stars,
                score,
                epochs,
                earned,
            } => Request {
                method: "PUT",
                path: "/api/progress".into(),
                content_type: "application/json",
                body: serde_json::json!({ "level": level, "stars": stars, "score": score, "epochs": epochs, "earned": earned })
                    .to_string()
                    .into_bytes(),
            },
            Waiting::Work { file_name, base64 } => work_request(
                file_name,
                base64::engine::general_purpose::STANDARD
                    .decode(base64)
                    .unwrap_or_default(),
            ),
        }
    }

    /// In words, for the player.
    pub fn describe(&self) -> String {
        match self {
            Waiting::Result { level, .. } => format!("your result on {level}"),
            Waiting::Work { file_name, .. } => file_name.clone(),
        }
    }
}

/// Handing in a file: its bytes, its name in the address.
pub fn work_request(file_name: &str, bytes: Vec<u8>) -> Request {
    Request {
        method: "POST",
        path: format!("/api/work?name={}", percent_encode(file_name)),
        content_type: "application/octet-stream",
        body: bytes,
    }
}

/// A text as a URL's query value or RFC 5987 parameter: unreserved characters kept, every other
/// byte as `%XX`.
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// What the server said to a sent item, and what to do with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answered {
    /// Kept by the server: take it off the queue.
    Kept,
    /// The server will never take it (refused as bad): take it off and tell the player.
    Refused,
    /// Not now (no network, the server down or busy): keep it and try again later.
    Later,
    /// The key is no longer valid (the teacher made a new one): keep it, stop, tell the player.
    KeyRefused,
}

/// How an HTTP status is treated.
pub fn answered(status: Option<u16>) -> Answered {
    match status {
        Some(200..=299) => Answered::Kept,
        Some(401 | 403) => Answered::KeyRefused,
        Some(408 | 429) | Some(500..=599) | None => Answered::Later,
        Some(_) => Answered::Refused,
    }
}

/// A level's result as the save keeps it (`Progress::class_results` makes them): what is sent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LevelResult<'a> {
    pub level: &'a str,
    /// Which of the level's stars were earned.
    pub stars: &'a [bool],
    pub solved: bool,
    pub best_epoch: Option<u64>,
}

impl LevelResult<'_> {
    fn star_count(&self) -> u32 {
        self.stars.iter().filter(|s| **s).count() as u32
    }
}

/// A result the class server kept for this student (`/api/me`'s `best`): the level, the stars
/// earned and the epoch it was solved at.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptResult {
    pub level: String,
    pub earned: Vec<bool>,
    pub epochs: Option<u64>,
}

/// The results in `/api/me`'s `best` (anything else in it is skipped).
pub fn kept_results(best: &serde_json::Value) -> Vec<KeptResult> {
    best.as_array()
        .into_iter()
        .flatten()
        .filter_map(|result| {
            let level = result["level"].as_str()?.to_string();
            let earned = result["earned"]
                .as_array()
                .into_iter()
                .flatten()
                .take(3)
                .map(|e| e.as_bool() == Some(true))
                .collect();
            let epochs = result["epochs"].as_u64().filter(|&e| e > 0);
            Some(KeptResult {
                level,
                earned,
                epochs,
            })
        })
        .collect()
}

impl ClassPlace {
    /// Queues every level whose result improved since it was last queued; how many.
    pub fn queue_results<'a>(
        &mut self,
        results: impl IntoIterator<Item = LevelResult<'a>>,
    ) -> usize {
        let mut added = 0;
        for record in results {
            let id = record.level.to_string();
            let stars = record.star_count();
            if stars == 0 && !record.solved {
                continue;
            }
            let epochs = record.best_epoch.unwrap_or(0);
            let now = (stars, epochs);
            let better = match self.queued.get(&id) {
                None => true,
                Some(&(s, e)) => stars > s || (stars == s && epochs < e),
            };
            if better {
                self.queued.insert(id.clone(), now);
                // The score is the share of the level's stars earned (levels have 1 to 3 stars).
                let score = if record.stars.is_empty() {
                    0.0
                } else {
                    stars as f64 / record.stars.len() as f64
                };
                self.push(Waiting::Result {
                    level: id.clone(),
                    stars: stars.min(3),
                    score,
                    epochs,
                    earned: record.stars.iter().take(3).copied().collect(),
                });
                added += 1;
            }
        }
        added
    }

    /// Queues a file to hand in; refuses one too big to keep while offline (it can still be
    /// sent straight away: see `MAX_WAITING_WORK_BYTES`).
    pub fn queue_work(&mut self, file_name: &str, bytes: &[u8]) -> Result<(), String> {
        let waiting_bytes: usize = self
            .waiting
            .iter()
            .map(|w| match w {
                Waiting::Work { base64, .. } => base64.len() * 3 / 4,
                Waiting::Result { .. } => 0,
            })
            .sum();
        if waiting_bytes + bytes.len() > MAX_WAITING_WORK_BYTES {
            return Err(format!(
                "{file_name} ({}) is too big to keep until the class server answers (at most {} waiting)",
                crate::limits::size_in_words(bytes.len() as u64),
                crate::limits::size_in_words(MAX_WAITING_WORK_BYTES as u64)
            ));
        }
        self.push(Waiting::Work {
            file_name: file_name.to_string(),
            base64: base64::engine::general_purpose::STANDARD.encode(bytes),
        });
        Ok(())
    }

    fn push(&mut self, item: Waiting) {
        self.waiting.push_back(item);
        while self.waiting.len() > MAX_WAITING {
            // The oldest result gives way; work is never dropped here (its bytes are bounded).
            match self
                .waiting
                .iter()
                .position(|w| matches!(w, Waiting::Result { .. }))
            {
                Some(at) => {
                    self.waiting.remove(at);
                }
                None => break,
            }
        }
    }

    /// A level's result counts as sent (the server already has it: it came back from it).
    pub fn mark_sent(&mut self, level: &str, stars: u32, epochs: u64) {
        self.queued.insert(level.to_string(), (stars, epochs));
    }

    /// The title's line: the class, the student, and what still waits (with `also_sending` files
    /// the game sends from memory, too big to keep in the save).
    pub fn status_line(&self, also_sending: usize) -> String {
        match self.waiting.len() + also_sending {
            0 => format!(
                "Class {} ({}) as {}: everything is sent",
                self.class_name, self.code, self.student
            ),
            n => format!(
                "Class {} ({}) as {}: {n} waiting to be sent",
                self.class_name, self.code, self.student
            ),
        }
    }
}

/// A class link: `http://host:port/?class=CODE` (also with a `#student_key=KEY` a teacher made for
/// a student who lost their place). The server's origin, the code, and the key if there is one.
pub fn parse_class_link(link: &str) -> Result<(String, String, Option<String>), String> {
    let link = link.trim();
    let bad = || {
        format!(
            "{} is not a class link (http://SERVER/?class=CODE)",
            crate::limits::quote(link)
        )
    };
    let rest = link
        .strip_prefix("http://")
        .map(|r| ("http://", r))
        .or_else(|| link.strip_prefix("https://").map(|r| ("https://", r)));
    let (scheme, rest) = rest.ok_or_else(bad)?;
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..host_end];
    if host.is_empty() || host.contains('@') {
        return Err(bad());
    }
    let after = &rest[host_end..];
    let (before_fragment, fragment) = after.split_once('#').unwrap_or((after, ""));
    let query = before_fragment
        .split_once('?')
        .map(|(_, q)| q)
        .unwrap_or("");
    let code = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("class="))
        .and_then(|c| {
            let c = c.trim().to_ascii_uppercase();
            (c.len() == 8 && c.bytes().all(|b| b.is_ascii_alphanumeric())).then_some(c)
        })
        .ok_or_else(bad)?;
    let key = fragment
        .split('&')
        .find_map(|pair| pair.strip_prefix("student_key="))
        .filter(|k| {
            k.len() < 200
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
        .map(str::to_string);
    Ok((format!("{scheme}{host}"), code, key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::{LevelRecord, Progress};

    fn progress(levels: &[(&str, &[bool], Option<u64>)]) -> Progress {
        let mut progress = Progress::new();
        for (id, stars, epoch) in levels {
            progress.levels.insert(
                id.to_string(),
                LevelRecord {
                    solved: epoch.is_some(),
                    stars: stars.to_vec(),
                    best_epoch: *epoch,
                },
            );
        }
        progress
    }

    #[test]
    fn a_level_is_queued_once_and_again_only_when_it_improves() {
        let mut place = ClassPlace::default();
        assert_eq!(
            place.queue_results(
                progress(&[
                    ("xor", &[true, false, false], Some(90)),
                    ("spiral", &[false], None)
                ])
                .class_results()
            ),
            1
        );
        assert_eq!(
            place.queue_results(
                progress(&[("xor", &[true, false, false], Some(90))]).class_results()
            ),
            0
        );
        assert_eq!(
            place.queue_results(
                progress(&[("xor", &[true, false, false], Some(60))]).class_results()
            ),
            1
        );
        assert_eq!(
            place
                .queue_results(progress(&[("xor", &[true, true, true], Some(80))]).class_results()),
            1
        );
        assert_eq!(place.waiting.len(), 3);
        let Waiting::Result {
            stars,
            score,
            epochs,
            ..
        } = place.waiting[2].clone()
        else {
            panic!()
        };
        assert_eq!((stars, score, epochs), (3, 1.0, 80));
        let request = place.waiting[0].request();
        assert_eq!(
            (request.method, request.path.as_str()),
            ("PUT", "/api/progress")
        );
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body["level"], "xor");
        assert!(place.status_line(0).contains("3 waiting"));
        assert!(place.status_line(1).contains("4 waiting"));
    }

    #[test]
    fn work_waits_within_its_bound_and_keeps_its_bytes() {
        let mut place = ClassPlace::default();
        place.queue_work("my net.json", b"{\"x\": 1}").unwrap();
        let request = place.waiting[0].request();
        assert_eq!(request.path, "/api/work?name=my%20net.json");
        assert_eq!(request.body, b"{\"x\": 1}");
        let big = vec![0u8; MAX_WAITING_WORK_BYTES];
        assert!(
            place
                .queue_work("big.webm", &big)
                .unwrap_err()
                .contains("too big")
        );
        for i in 0..MAX_WAITING + 10 {
            place.push(Waiting::Result {
                level: format!("l{i}"),
                stars: 1,
                score: 0.0,
                epochs: 0,
                earned: vec![true],
            });
        }
        assert_eq!(place.waiting.len(), MAX_WAITING);
        assert!(
            matches!(place.waiting[0], Waiting::Work { .. }),
            "work is never dropped for results"
        );
    }

    #[test]
    fn answers_decide_what_stays_queued() {
        assert_eq!(answered(Some(201)), Answered::Kept);
        assert_eq!(answered(Some(400)), Answered::Refused);
        assert_eq!(answered(Some(413)), Answered::Refused);
        assert_eq!(answered(Some(401)), Answered::KeyRefused);
        assert_eq!(answered(Some(429)), Answered::Later);
        assert_eq!(answered(Some(503)), Answered::Later);
        assert_eq!(answered(None), Answered::Later);
    }

    #[test]
    fn class_links_are_read_strictly() {
        assert_eq!(
            parse_class_link("http://10.0.0.5:8080/?class=k7pc37c4").unwrap(),
            ("http://10.0.0.5:8080".into(), "K7PC37C4".into(), None)
        );
        assert_eq!(
            parse_class_link("https://class.school/?x=1&class=K7PC37C4#student_key=nss_abc-_9")
                .unwrap(),
            (
                "https://class.school".into(),
                "K7PC37C4".into(),
                Some("nss_abc-_9".into())
            )
        );
        for bad in [
            "",
            "class=K7PC37C4",
            "ftp://x/?class=K7PC37C4",
            "http:///?class=K7PC37C4",
            "http://a@b/?class=K7PC37C4",
            "http://x/?class=K7",
            "http://x/",
        ] {
            assert!(parse_class_link(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn results_kept_by_the_server_come_back_as_the_stars_themselves() {
        let mut progress = Progress::new();
        progress.class = Some(ClassPlace::default());
        let best = serde_json::json!([
            { "level": "xor", "stars": 2, "score": 0.6, "epochs": 90, "earned": [true, false, true] },
            { "level": "circle", "stars": 1, "score": 0.3, "epochs": 0, "earned": [false, true] },
            { "stars": 1 },
        ]);
        assert_eq!(progress.restore_class_results(&best), 2);
        assert_eq!(progress.levels["xor"].stars, vec![true, false, true]);
        assert_eq!(progress.levels["xor"].best_epoch, Some(90));
        assert!(progress.is_solved("xor") && !progress.is_solved("circle"));
        assert_eq!(
            progress.queue_class_results(),
            0,
            "what came from the server is not sent back"
        );
    }

    #[test]
    fn a_place_survives_the_save() {
        let mut place = ClassPlace {
            code: "K7PC37C4".into(),
            student: "Ana <b>".into(),
            ..Default::default()
        };
        place.queue_results(progress(&[("xor", &[true], Some(9))]).class_results());
        let mut saved = Progress::new();
        saved.class = Some(place.clone());
        let read = Progress::from_json(&saved.to_json()).unwrap();
        assert_eq!(read.class, Some(place));
    }
}
