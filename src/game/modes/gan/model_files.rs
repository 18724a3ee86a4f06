//! Opening and saving models: ours (both networks and the settings in one JSON file) and GAN
//! Lab's pretrained ones (a JSON manifest and a `.weights.bin` beside it; in the browser both are
//! chosen together, or the page asks for the weights file second).

use bevy::prelude::*;

use super::GanStage;
use super::sim::GanAction;
use crate::game::files::{FileRequest, OpenedFile};
use crate::game::notices::Notices;

/// The purpose of an open request for a model, and of the second one for GAN Lab's weights.
pub const PURPOSE: &str = "gan-model";
pub const WEIGHTS_PURPOSE: &str = "gan-weights";

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<PendingManifest>()
        .add_systems(Update, receive_models.run_if(in_state(GanStage)));
}

/// A GAN Lab manifest waiting for its weights file (in the browser, where files come one by one).
#[derive(Resource, Debug, Default)]
pub struct PendingManifest(Option<(String, String)>);

/// What to do with a file: the model it holds, or a request for its weights.
enum Reading {
    Model(Box<crate::gan::file::LoadedModel>),
    NeedsWeights { manifest: String, weights: String },
}

fn read(file: &OpenedFile) -> Result<Reading, String> {
    let name = &file.name;
    if let Some(path) = &file.path {
        // Natively, the weights are read from beside the manifest.
        return crate::gan::file::read_model(path).map(|m| Reading::Model(Box::new(m)));
    }
    use crate::limits::{FileKind, check_len, text_of};
    check_len(file.bytes.len() as u64, FileKind::GanModel, name)?;
    let text = text_of(file.bytes.clone(), FileKind::GanModel, name)?;
    if text.contains("\"weightsManifest\"") {
        let root: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{name}: {e}"))?;
        let weights = root["weightsManifest"][0]["paths"][0]
            .as_str()
            .unwrap_or("the .weights.bin file")
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        return Ok(Reading::NeedsWeights {
            manifest: text,
            weights,
        });
    }
    crate::gan::file::parse_model(&text, name).map(|m| Reading::Model(Box::new(m)))
}

fn receive_models(
    mut opened: MessageReader<OpenedFile>,
    mut pending: ResMut<PendingManifest>,
    mut actions: MessageWriter<GanAction>,
    mut requests: MessageWriter<FileRequest>,
    mut notices: ResMut<Notices>,
) {
    for file in opened.read() {
        let is_model = file.purpose == PURPOSE
            || (file.purpose == "dropped" && file.name.to_ascii_lowercase().ends_with(".json"));
        if file.purpose == WEIGHTS_PURPOSE {
            let Some((manifest, name)) = pending.0.take() else {
                continue;
            };
            let checked = crate::limits::check_len(
                file.bytes.len() as u64,
                crate::limits::FileKind::GanWeights,
                &file.name,
            );
            match checked
                .and_then(|_| crate::gan::file::parse_ganlab(&manifest, &file.bytes, &name))
            {
                Ok(model) => {
                    actions.write(GanAction::Open {
                        model: Box::new(model),
                        name,
                    });
                }
                Err(e) => notices.refused(format!("Cannot open the model: {e}")),
            }
            continue;
        }
        if !is_model {
            continue;
        }
        match read(file) {
            Ok(Reading::Model(model)) => {
                actions.write(GanAction::Open {
                    model,
                    name: file.name.clone(),
                });
            }
            Ok(Reading::NeedsWeights { manifest, weights }) if !file.companions.is_empty() => {
                let Some(bytes) = file.companion(&weights) else {
                    notices.refused(format!(
                        "Cannot open the model: its weights file {weights} was not among the files chosen"
                    ));
                    continue;
                };
                match crate::gan::file::parse_ganlab(&manifest, bytes, &file.name) {
                    Ok(model) => {
                        actions.write(GanAction::Open {
                            model: Box::new(model),
                            name: file.name.clone(),
                        });
                    }
                    Err(e) => notices.refused(format!("Cannot open the model: {e}")),
                }
            }
            Ok(Reading::NeedsWeights { manifest, weights }) => {
                pending.0 = Some((manifest, file.name.clone()));
                requests.write(FileRequest::Open {
                    purpose: WEIGHTS_PURPOSE,
                    accept: ".bin",
                    title: format!("Now its weights: {weights}"),
                    multiple: false,
                });
                notices.info(format!(
                    "{} is one of GAN Lab's models: now choose its weights file, {weights}.",
                    file.name
                ));
            }
            Err(e) => notices.refused(format!("Cannot open the model: {e}")),
        }
    }
}
