//! The player's class on a class server (`neural-sandbox serve`): a class link (`?class=CODE` in
//! the page's address, `--class URL` natively) asks for a name once and joins; from then on every
//! improved level result and every handed-in file is queued in the save (`crate::class`) and sent
//! in order whenever the server answers, so a dropped network loses nothing.

mod hand_in_ui;
mod http;
mod join_ui;

pub use hand_in_ui::{CurrentWork, hand_in_items};

use std::collections::VecDeque;

use bevy::prelude::*;

use crate::class::{Answered, ClassPlace, answered};
use crate::game::files::{FileRequest, OpenedFile};
use crate::game::notices::Notices;
use crate::game::save::SavedProgress;
use http::{Outgoing, Purpose, Reply};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<ClassLink>()
        .add_systems(PostStartup, open_class_link)
        .add_systems(
            Update,
            (
                receive_replies,
                queue_results,
                hand_in_opened_files,
                queue_handed_in_work,
                send_next,
            )
                .chain(),
        );
    join_ui::plugin(app);
}

/// The class link the game was opened with: the server's origin, the code, and a key a teacher
/// made for a student who lost their place.
#[derive(Debug, Clone, PartialEq)]
pub struct Invite {
    pub server: String,
    pub code: String,
    pub key: Option<String>,
}

/// The class plugin's state: a pending invitation, the join window, and the sender.
#[derive(Resource, Debug, Default)]
pub struct ClassLink {
    /// A class link not yet joined (the join window shows while it is `Some`).
    pub invite: Option<Invite>,
    /// The name typed in the join window.
    pub name: String,
    /// Waiting for the server to answer a join.
    pub joining: bool,
    /// Why the last join did not work.
    pub join_error: Option<String>,
    /// A queued item is on its way (of this generation of the place).
    in_flight: bool,
    /// Replaced places (a new join) ignore the answers meant for the old one.
    generation: u64,
    /// No sending before this time (seconds since start): the server did not answer.
    retry_at: f64,
    failures: u32,
    /// The server no longer knows the key: sending stops until the player joins again.
    pub key_refused: bool,
    /// What the last failure was, for the title and the page's state.
    pub last_problem: Option<String>,
    /// Where the join window's controls are (published for scripts that click them).
    pub buttons: serde_json::Map<String, serde_json::Value>,
    /// Handed-in files too big to keep in the save while offline (a recording): sent from memory
    /// after the saved queue, and tried again while the game runs. Each is also in the player's
    /// exports folder or downloads, so closing the game before it goes loses no work.
    from_memory: VecDeque<(String, Vec<u8>)>,
    /// Where the answers arrive.
    inbox: http::Inbox,
}

/// The purpose of a file the player opens to hand in (a recording from their downloads).
pub const HAND_IN_PURPOSE: &str = "hand-in";

/// The most bytes of files waiting in memory: a few recordings at their largest.
pub const MAX_FROM_MEMORY_BYTES: usize = 3 * crate::game::recording::MAX_BYTES;

impl ClassLink {
    /// Files waiting to be sent from memory.
    pub fn sending_from_memory(&self) -> usize {
        self.from_memory.len()
    }

    /// Starts from a class link (the page's address or `--class`).
    pub fn from_link(link: &str) -> Result<Invite, String> {
        let (server, code, key) = crate::class::parse_class_link(link)?;
        Ok(Invite { server, code, key })
    }
}

/// The class link the game was opened with (set by `run`): opens the join window unless this
/// player is already in that class.
#[derive(Resource, Debug, Clone, Default)]
pub struct ClassLinkOpened(pub Option<String>);

fn open_class_link(
    opened: Option<Res<ClassLinkOpened>>,
    mut link: ResMut<ClassLink>,
    saved: Option<ResMut<SavedProgress>>,
) {
    let Some(text) = opened.and_then(|o| o.0.clone()) else {
        return;
    };
    let Some(mut saved) = saved else { return };
    match ClassLink::from_link(&text) {
        Ok(invite) => {
            let joined =
                saved.progress.class.as_ref().is_some_and(|place| {
                    place.server == invite.server && place.code == invite.code
                });
            match &invite.key {
                // A teacher's link for a student who lost their place: the place is theirs at
                // once; the server says whose.
                Some(key) => {
                    saved.progress.class = Some(ClassPlace {
                        server: invite.server.clone(),
                        code: invite.code.clone(),
                        student_key: key.clone(),
                        ..Default::default()
                    });
                    saved.save();
                    link.generation += 1;
                    http::send(
                        &link.inbox,
                        Outgoing {
                            purpose: Purpose::WhoAmI,
                            server: invite.server,
                            request: crate::class::Request {
                                method: "GET",
                                path: "/api/me".into(),
                                content_type: "application/json",
                                body: Vec::new(),
                            },
                            key: Some(key.clone()),
                        },
                    );
                }
                None if joined => {}
                None => link.invite = Some(invite),
            }
        }
        Err(e) => link.last_problem = Some(e),
    }
}

/// Sends a join for the invitation with the typed name.
pub fn join(link: &mut ClassLink) {
    let Some(invite) = link.invite.clone() else {
        return;
    };
    link.joining = true;
    link.join_error = None;
    http::send(
        &link.inbox,
        Outgoing {
            purpose: Purpose::Join,
            server: invite.server.clone(),
            request: crate::class::Request {
                method: "POST",
                path: format!("/api/classes/{}/join", invite.code),
                content_type: "application/json",
                body: serde_json::json!({ "name": link.name })
                    .to_string()
                    .into_bytes(),
            },
            key: None,
        },
    );
}

fn receive_replies(
    mut link: ResMut<ClassLink>,
    saved: Option<ResMut<SavedProgress>>,
    mut notices: ResMut<Notices>,
    time: Res<Time>,
) {
    let replies = link.inbox.take();
    let Some(mut saved) = saved else { return };
    for reply in replies {
        match reply.purpose.clone() {
            Purpose::Join => joined(&mut link, &mut saved, &reply),
            Purpose::WhoAmI => {
                if let Some(place) = saved.progress.class.as_mut()
                    && reply.status == Some(200)
                {
                    let me: serde_json::Value =
                        serde_json::from_slice(&reply.body).unwrap_or_default();
                    place.student = me["student"].as_str().unwrap_or_default().to_string();
                    place.class_name = me["class"]["name"].as_str().unwrap_or_default().to_string();
                    // The stars this student earned elsewhere come back here.
                    saved.progress.restore_class_results(&me["best"]);
                    saved.save();
                } else {
                    link.last_problem = Some(reply.error());
                }
            }
            Purpose::Waiting(generation) if generation == link.generation => {
                link.in_flight = false;
                let Some(place) = saved.progress.class.as_mut() else {
                    continue;
                };
                match answered(reply.status) {
                    Answered::Kept => {
                        place.waiting.pop_front();
                        link.failures = 0;
                        link.last_problem = None;
                        saved.save();
                    }
                    Answered::Refused => {
                        let what = place.waiting.pop_front().map(|w| w.describe());
                        saved.save();
                        notices.refused(format!(
                            "The class server did not take {}: {}",
                            what.unwrap_or_default(),
                            reply.error()
                        ));
                    }
                    answer => retry_later(&mut link, &reply, answer, &mut notices, &time),
                }
            }
            Purpose::FromMemory(generation) if generation == link.generation => {
                link.in_flight = false;
                let name = link.from_memory.front().map(|(name, _)| name.clone());
                match answered(reply.status) {
                    Answered::Kept => {
                        link.from_memory.pop_front();
                        link.failures = 0;
                        link.last_problem = None;
                        notices.info(format!(
                            "Handed in: {} reached your class.",
                            name.unwrap_or_default()
                        ));
                    }
                    Answered::Refused => {
                        link.from_memory.pop_front();
                        notices.refused(format!(
                            "The class server did not take {}: {}",
                            name.unwrap_or_default(),
                            reply.error()
                        ));
                    }
                    answer => retry_later(&mut link, &reply, answer, &mut notices, &time),
                }
            }
            Purpose::Waiting(_) | Purpose::FromMemory(_) => {}
        }
    }
}

/// An item the server could not take now ([`Answered::Later`]), or with a key it no longer
/// knows: it stays where it is.
fn retry_later(
    link: &mut ClassLink,
    reply: &Reply,
    answer: Answered,
    notices: &mut Notices,
    time: &Time,
) {
    link.last_problem = Some(reply.error());
    if answer == Answered::KeyRefused {
        link.key_refused = true;
        notices.refused(
            "The class server no longer knows you: ask your teacher for a new link. Nothing is lost; it waits here.",
        );
    } else {
        // Try again after a pause that grows to half a minute.
        link.failures = (link.failures + 1).min(5);
        link.retry_at = time.elapsed_secs_f64() + f64::from(1u32 << link.failures);
    }
}

fn joined(link: &mut ClassLink, saved: &mut SavedProgress, reply: &Reply) {
    link.joining = false;
    let Some(invite) = link.invite.clone() else {
        return;
    };
    if reply.status != Some(201) {
        link.join_error = Some(match reply.status {
            Some(404) => format!(
                "There is no class {} on this server: check the link with your teacher.",
                invite.code
            ),
            _ => reply.error(),
        });
        return;
    }
    let answer: serde_json::Value = serde_json::from_slice(&reply.body).unwrap_or_default();
    let place = ClassPlace {
        server: invite.server,
        code: invite.code,
        class_name: answer["class"]["name"].as_str().unwrap_or_default().into(),
        student: answer["name"].as_str().unwrap_or_default().into(),
        student_key: answer["student_key"].as_str().unwrap_or_default().into(),
        ..Default::default()
    };
    // What was earned before joining goes to the class too.
    saved.progress.class = Some(place);
    saved.progress.queue_class_results();
    saved.save();
    link.invite = None;
    link.key_refused = false;
    link.in_flight = false;
    link.generation += 1;
}

/// Every improved level result joins the queue (the save changes whenever a level ends).
fn queue_results(saved: Option<ResMut<SavedProgress>>) {
    let Some(mut saved) = saved else { return };
    if !saved.is_changed() {
        return;
    }
    let added = saved
        .bypass_change_detection()
        .progress
        .queue_class_results();
    if added > 0 {
        saved.save();
    }
}

/// A file the player chose to hand in (from "Hand in a file…").
fn hand_in_opened_files(
    mut opened: MessageReader<OpenedFile>,
    mut files: MessageWriter<FileRequest>,
) {
    for file in opened.read().filter(|f| f.purpose == HAND_IN_PURPOSE) {
        files.write(FileRequest::HandIn {
            name: file.name.clone(),
            bytes: file.bytes.clone(),
        });
    }
}

fn queue_handed_in_work(
    mut requests: MessageReader<FileRequest>,
    saved: Option<ResMut<SavedProgress>>,
    mut link: ResMut<ClassLink>,
    mut notices: ResMut<Notices>,
) {
    let Some(mut saved) = saved else {
        requests.clear();
        return;
    };
    for request in requests.read() {
        let FileRequest::HandIn { name, bytes } = request else {
            continue;
        };
        let Some(place) = saved.progress.class.as_mut() else {
            notices.refused(
                "Join your class first: open the class link your teacher gave you, then hand in.",
            );
            continue;
        };
        match place.queue_work(name, bytes) {
            Ok(()) => {
                let class = place.class_name.clone();
                saved.save();
                notices.info(format!(
                    "Handed in to {class}: {name} (it goes as soon as the class server answers)"
                ));
            }
            // Too big to keep in the save: it goes from memory while the game runs.
            Err(_) => {
                let in_memory: usize = link.from_memory.iter().map(|(_, b)| b.len()).sum();
                if in_memory + bytes.len() > MAX_FROM_MEMORY_BYTES {
                    notices.refused(format!(
                        "Not handed in: {name} waits behind {} other files; hand it in again once they are sent.",
                        link.from_memory.len()
                    ));
                    continue;
                }
                let class = place.class_name.clone();
                link.from_memory.push_back((name.clone(), bytes.clone()));
                notices.info(format!(
                    "Handing in {name} ({}) to {class}: keep the game open until the title says everything is sent (the file is also kept on this computer).",
                    crate::limits::size_in_words(bytes.len() as u64)
                ));
            }
        }
    }
}

fn send_next(mut link: ResMut<ClassLink>, saved: Option<Res<SavedProgress>>, time: Res<Time>) {
    let Some(place) = saved.as_ref().and_then(|s| s.progress.class.as_ref()) else {
        return;
    };
    if link.in_flight || link.key_refused || time.elapsed_secs_f64() < link.retry_at {
        return;
    }
    let (purpose, request) = match (place.waiting.front(), link.from_memory.front()) {
        (Some(front), _) => (Purpose::Waiting(link.generation), front.request()),
        (None, Some((name, bytes))) => (
            Purpose::FromMemory(link.generation),
            crate::class::work_request(name, bytes.clone()),
        ),
        (None, None) => return,
    };
    link.in_flight = true;
    http::send(
        &link.inbox,
        Outgoing {
            purpose,
            server: place.server.clone(),
            request,
            key: Some(place.student_key.clone()),
        },
    );
}

/// The class fields of the page's state (tests and tools read them).
pub fn status_fields(
    link: &ClassLink,
    saved: Option<&SavedProgress>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut fields = serde_json::Map::new();
    let place = saved.and_then(|s| s.progress.class.as_ref());
    fields.insert("class_code".into(), place.map(|p| p.code.clone()).into());
    fields.insert(
        "class_student".into(),
        place.map(|p| p.student.clone()).into(),
    );
    fields.insert(
        "class_waiting".into(),
        place
            .map(|p| p.waiting.len() + link.from_memory.len())
            .into(),
    );
    fields.insert("class_join_open".into(), link.invite.is_some().into());
    fields.insert("class_join_error".into(), link.join_error.clone().into());
    fields.insert("class_problem".into(), link.last_problem.clone().into());
    if link.invite.is_some() {
        fields.insert("class_buttons".into(), link.buttons.clone().into());
    }
    fields
}
