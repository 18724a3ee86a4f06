//! Opening models and pictures: a TensorFlow.js `model.json` (natively its shards are read
//! from beside it; in the browser they are chosen with it, or the page asks for them next), one of our own
//! model files, or a PNG or JPEG picture (also by dropping it onto the window).

use bevy::prelude::*;

use super::CnnStage;
use super::sim::{CnnAction, CnnSim};
use crate::game::files::{FileRequest, OpenedFile};
use crate::game::notices::Notices;

pub const MODEL_PURPOSE: &str = "cnn-model";
pub const WEIGHTS_PURPOSE: &str = "cnn-weights";
pub const PICTURE_PURPOSE: &str = "cnn-picture";

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<PendingTopology>().add_systems(
        Update,
        receive_files.run_if(in_state(CnnStage).and_then(resource_exists::<CnnSim>)),
    );
}

/// A model.json waiting for its weights (in the browser, files come one at a time).
#[derive(Resource, Default)]
pub struct PendingTopology(Option<(crate::cnn::tfjs::Topology, String)>);

fn is_picture(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".png", ".jpg", ".jpeg"].iter().any(|e| lower.ends_with(e))
}

fn receive_files(
    mut opened: MessageReader<OpenedFile>,
    mut pending: ResMut<PendingTopology>,
    sim: Res<CnnSim>,
    mut actions: MessageWriter<CnnAction>,
    mut requests: MessageWriter<FileRequest>,
    mut notices: ResMut<Notices>,
) {
    for file in opened.read() {
        let dropped = file.purpose == "dropped";
        if file.purpose == PICTURE_PURPOSE || (dropped && is_picture(&file.name)) {
            match crate::cnn::preprocess::image_for_model(&file.bytes, sim.model().input) {
                Ok(pixels) => {
                    actions.write(CnnAction::Picture {
                        pixels,
                        name: file.name.clone(),
                    });
                    notices.info(format!(
                        "{}: scaled and cropped to the model's {} input.",
                        file.name,
                        sim.model().input
                    ));
                }
                Err(e) => notices.refused(format!("{}: {e}", file.name)),
            }
            continue;
        }
        if file.purpose == WEIGHTS_PURPOSE {
            let Some((topology, name)) = pending.0.take() else {
                continue;
            };
            let bytes = file.bytes.clone();
            let mut once = Some(bytes);
            match topology.with_weights(|_| once.take().ok_or_else(|| "the model has more than one weights file: only one can be opened in the browser".to_string())) {
                Ok(model) => open(&mut actions, &mut notices, model, name),
                Err(e) => notices.refused(format!("Cannot open the model: {e}")),
            }
            continue;
        }
        let is_model = file.purpose == MODEL_PURPOSE
            || (dropped && file.name.to_ascii_lowercase().ends_with(".json"));
        if !is_model {
            continue;
        }
        if let Some(path) = &file.path {
            match crate::cnn::tfjs::read_model(path) {
                Ok(model) => open(&mut actions, &mut notices, model, file.name.clone()),
                Err(e) => notices.refused(format!("Cannot open the model: {e}")),
            }
            continue;
        }
        use crate::limits::{FileKind, check_len, text_of};
        let text = check_len(file.bytes.len() as u64, FileKind::CnnModel, &file.name)
            .and_then(|_| text_of(file.bytes.clone(), FileKind::CnnModel, &file.name));
        let text = match text {
            Ok(t) => t,
            Err(e) => {
                notices.refused(format!("Cannot open the model: {e}"));
                continue;
            }
        };
        match crate::cnn::tfjs::parse_topology(&text) {
            Ok(topology) if topology.inline_weights.is_some() => {
                match topology.with_weights(|_| Err(String::new())) {
                    Ok(model) => open(&mut actions, &mut notices, model, file.name.clone()),
                    Err(e) => notices.refused(format!("Cannot open the model: {e}")),
                }
            }
            Ok(topology) if !file.companions.is_empty() => {
                let read_shard = |path: &str| {
                    file.companion(path).map(<[u8]>::to_vec).ok_or_else(|| {
                        format!("its weights file {path} was not among the files chosen")
                    })
                };
                match topology.with_weights(read_shard) {
                    Ok(model) => open(&mut actions, &mut notices, model, file.name.clone()),
                    Err(e) => notices.refused(format!("Cannot open the model: {e}")),
                }
            }
            Ok(topology) => {
                let shards = topology.shard_paths().join(", ");
                pending.0 = Some((topology, file.name.clone()));
                requests.write(FileRequest::Open {
                    purpose: WEIGHTS_PURPOSE,
                    accept: ".bin",
                    title: format!("Now its weights: {shards}"),
                    multiple: false,
                });
                notices.info(format!(
                    "{}: now choose its weights file, {shards} (or choose both files together).",
                    file.name
                ));
            }
            Err(e) => notices.refused(format!("Cannot open the model: {}: {e}", file.name)),
        }
    }
}

fn open(
    actions: &mut MessageWriter<CnnAction>,
    notices: &mut Notices,
    model: crate::cnn::CnnModel,
    name: String,
) {
    notices.info(format!(
        "{name}: {} layers, {} parameters, {} classes.",
        model.layers.len(),
        model.parameter_count(),
        model.classes()
    ));
    actions.write(CnnAction::OpenModel {
        model: Box::new(model),
        name,
    });
}
