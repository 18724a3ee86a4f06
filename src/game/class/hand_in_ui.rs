//! "Hand in", the same three items in every mode: what is on screen now (the Playground's
//! experiment, the GAN's model, the CNN's network), the last recording, and any file the player
//! chooses (a recording from their downloads). Each becomes a [`FileRequest::HandIn`], which the
//! class plugin queues and sends.

use bevy::prelude::*;
use bevy_egui::egui;

use crate::game::files::FileRequest;
use crate::game::recording::Recorder;
use crate::game::status::remember_button;

/// What the mode hands in as "this": its label in the menu and the file it makes when chosen.
pub struct CurrentWork<'a> {
    pub label: &'a str,
    pub tip: &'a str,
    pub file: &'a dyn Fn() -> (String, Vec<u8>),
}

/// The hand-in items, for a mode's menu; true when one was chosen. Buttons are remembered as
/// "Hand in experiment" (or model, network: `current.label`'s last word), "Hand in recording" and
/// "Hand in file".
pub fn hand_in_items(
    ui: &mut egui::Ui,
    current: Option<CurrentWork>,
    recorder: &mut Recorder,
    files: &mut MessageWriter<FileRequest>,
    buttons: &mut serde_json::Map<String, serde_json::Value>,
) -> bool {
    let mut chosen = false;
    if let Some(current) = current {
        let r = ui.button(current.label).on_hover_text(current.tip);
        let last_word = current.label.rsplit(' ').next().unwrap_or(current.label);
        remember_button(buttons, &format!("Hand in {last_word}"), r.rect);
        if r.clicked() {
            let (name, bytes) = (current.file)();
            files.write(FileRequest::HandIn { name, bytes });
            chosen = true;
        }
    }
    let r = ui
        .add_enabled(
            recorder.has_recording() && !recorder.is_recording(),
            egui::Button::new("Hand in the recording"),
        )
        .on_hover_text("Sends your last recording (Record, then Stop) to your teacher.")
        .on_disabled_hover_text("Record first: Record, explain, then Stop recording.");
    remember_button(buttons, "Hand in recording", r.rect);
    if r.clicked() {
        recorder.hand_in_requested = true;
        chosen = true;
    }
    let r = ui
        .button("Hand in a file…")
        .on_hover_text("Choose a file to send to your teacher: a recording (.gif or .webm) from your downloads, an experiment or a model (.json), or a level (.ron).");
    remember_button(buttons, "Hand in file", r.rect);
    if r.clicked() {
        files.write(FileRequest::Open {
            purpose: super::HAND_IN_PURPOSE,
            accept: ".gif,.webm,.json,.ron",
            title: "Hand in a file to your class".into(),
            multiple: false,
        });
        chosen = true;
    }
    chosen
}
