//! Where the workbench's buttons are on screen (centre and size), published with the mode's state
//! so that scripts and tests can click them as a player would. Filled by the panels each frame.

use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<WorkbenchButtons>();
}

/// The workbench's buttons by name.
#[derive(Resource, Debug, Default)]
pub struct WorkbenchButtons(pub serde_json::Map<String, serde_json::Value>);
