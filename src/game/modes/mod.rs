//! The modes of the game, one folder each, built on the shared pieces (screens, the network
//! view, plots, notices, saves). Only this module knows them all.

pub mod cnn;
pub mod gan;
pub mod playground;

use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.add_plugins((playground::plugin, gan::plugin, cnn::plugin));
}
