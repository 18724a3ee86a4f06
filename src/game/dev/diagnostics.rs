//! `--diagnostics`: frame time and the game's own work per frame, through Bevy's diagnostics.

use std::time::Duration;

use bevy::diagnostic::{
    Diagnostic, DiagnosticPath, Diagnostics, FrameTimeDiagnosticsPlugin, LogDiagnosticsPlugin,
    RegisterDiagnostic,
};
use bevy::prelude::*;

use crate::game::frame_budget::WorkTimings;
use crate::game::training_rate::TrainingRate;

pub const TRAINING_MS: DiagnosticPath = DiagnosticPath::const_new("neural_sandbox/training_ms");
pub const HEATMAPS_MS: DiagnosticPath = DiagnosticPath::const_new("neural_sandbox/heatmaps_ms");
pub const SYNC_MS: DiagnosticPath = DiagnosticPath::const_new("neural_sandbox/entity_sync_ms");
pub const OWN_WORK_MS: DiagnosticPath = DiagnosticPath::const_new("neural_sandbox/own_work_ms");
pub const EPOCHS_PER_SECOND: DiagnosticPath =
    DiagnosticPath::const_new("neural_sandbox/epochs_per_second");

/// Always measures; logs every second when `log` is set.
pub fn plugin(app: &mut App, log: bool) {
    app.register_diagnostic(Diagnostic::new(TRAINING_MS).with_suffix(" ms"))
        .register_diagnostic(Diagnostic::new(HEATMAPS_MS).with_suffix(" ms"))
        .register_diagnostic(Diagnostic::new(SYNC_MS).with_suffix(" ms"))
        .register_diagnostic(Diagnostic::new(OWN_WORK_MS).with_suffix(" ms"))
        .register_diagnostic(Diagnostic::new(EPOCHS_PER_SECOND))
        .add_systems(Last, record_timings);
    if log {
        app.add_plugins((
            FrameTimeDiagnosticsPlugin::default(),
            LogDiagnosticsPlugin::default(),
        ));
    }
}

fn record_timings(
    mut diagnostics: Diagnostics,
    mut timings: ResMut<WorkTimings>,
    rate: Res<TrainingRate>,
) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let t = std::mem::take(&mut *timings);
    diagnostics.add_measurement(&TRAINING_MS, || ms(t.training));
    diagnostics.add_measurement(&HEATMAPS_MS, || ms(t.heatmaps));
    diagnostics.add_measurement(&SYNC_MS, || ms(t.sync));
    diagnostics.add_measurement(&OWN_WORK_MS, || ms(t.total()));
    diagnostics.add_measurement(&EPOCHS_PER_SECOND, || rate.get());
}
