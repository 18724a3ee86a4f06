//! Saving and opening the sandbox's whole experiment (settings, data, weights, history) as one
//! file: natively into the exports folder and by the open box or a dropped `.json`, in the
//! browser as a download and a file input. See [`crate::experiment::file`].

use bevy::prelude::*;

use super::sim::{SimAction, Simulation};
use crate::experiment::file::{from_json, to_json};
use crate::game::files::{FileRequest, OpenedFile};
use crate::game::notices::Notices;
use crate::game::screens::Screen;

/// The purpose of the open request for an experiment file.
pub const EXPERIMENT_PURPOSE: &str = "playground-experiment";

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        receive_experiments
            .run_if(in_state(Screen::Sandbox))
            .before(super::sim::SimSet::Apply),
    );
}

/// Asks to save the experiment.
pub fn save_request(sim: &Simulation) -> FileRequest {
    let (name, bytes) = experiment_file(sim);
    FileRequest::Save {
        name,
        bytes,
        mime: "application/json",
    }
}

/// The experiment as a file: its name and bytes.
pub fn experiment_file(sim: &Simulation) -> (String, Vec<u8>) {
    let name = format!(
        "experiment-{}-epoch-{}.json",
        sim.experiment.config().dataset.name(),
        sim.experiment.epoch()
    );
    (name, to_json(&sim.experiment).into_bytes())
}

/// Asks for an experiment file to open.
pub fn open_request() -> FileRequest {
    FileRequest::Open {
        purpose: EXPERIMENT_PURPOSE,
        accept: ".json,application/json",
        title: "Open an experiment (.json)".into(),
        multiple: false,
    }
}

/// An opened (or dropped) experiment replaces the sandbox's; a damaged or newer one is refused
/// with the reason and nothing changes.
fn receive_experiments(
    mut opened: MessageReader<OpenedFile>,
    mut actions: MessageWriter<SimAction>,
    mut notices: ResMut<Notices>,
) {
    for file in opened.read() {
        let dropped_json =
            file.purpose == "dropped" && file.name.to_ascii_lowercase().ends_with(".json");
        if file.purpose != EXPERIMENT_PURPOSE && !dropped_json {
            continue;
        }
        let Ok(text) = std::str::from_utf8(&file.bytes) else {
            notices.refused(format!(
                "{}: not a text file (an experiment is JSON). Nothing was changed.",
                file.name
            ));
            continue;
        };
        match from_json(text, &file.name) {
            Ok(experiment) => {
                let said = format!(
                    "{}: opened at epoch {}, with its data, weights and history.",
                    file.name,
                    experiment.epoch()
                );
                actions.write(SimAction::replace_with(experiment, vec![said]));
            }
            Err(e) => notices.refused(format!("{e}. Nothing was changed.")),
        }
    }
}
