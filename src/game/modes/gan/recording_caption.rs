//! What a recording of the GAN says about itself (burned in when "Captions" is on): the data, both
//! networks, the training settings and where the run stands.

use bevy::prelude::*;

use super::GanStage;
use super::sim::GanSim;
use crate::game::recording::{Recorder, RecordingCaption};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Update, describe.run_if(in_state(GanStage)));
}

/// The caption for the GAN's run.
pub fn caption(sim: &GanSim) -> String {
    let gan = &sim.gan;
    let s = gan.settings();
    let latest = gan
        .history()
        .last()
        .map(|r| {
            format!(
                " · discriminator loss {:.3} · generator loss {:.3} · KL {:.3} · JS {:.3}",
                r.d_loss, r.g_loss, r.kl, r.js
            )
        })
        .unwrap_or_default();
    format!(
        "GAN on {} · {}-D {} noise · generator {} x {} ReLU, discriminator {} x {} ReLU\n{} loss · generator {} {}, discriminator {} {} · {} D and {} G steps per epoch · batch {}\nepoch {}{latest}",
        s.distribution.name(),
        s.noise_dims,
        s.noise.name(),
        s.g_layers + 1,
        s.g_neurons,
        s.d_layers + 1,
        s.d_neurons,
        s.loss.name(),
        s.optimizer_g.name(),
        s.learning_rate_g,
        s.optimizer_d.name(),
        s.learning_rate_d,
        s.k_d,
        s.k_g,
        s.batch_size,
        gan.epoch(),
    )
}

fn describe(sim: Res<GanSim>, recorder: Res<Recorder>, mut text: ResMut<RecordingCaption>) {
    if recorder.is_recording() {
        text.0 = caption(&sim);
    }
}
