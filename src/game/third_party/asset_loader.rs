//! bevy_asset_loader: the loading screen waits for the collections registered here, then moves
//! to the title (also when loading fails: the level select then says why).

use bevy::prelude::*;
use bevy_asset_loader::prelude::*;

use crate::game::levels::assets::LevelAssets;
use crate::game::screens::Screen;

pub(crate) fn plugin(app: &mut App) {
    app.add_loading_state(
        LoadingState::new(Screen::Loading)
            .continue_to_state(Screen::Title)
            .on_failure_continue_to_state(Screen::Title)
            .load_collection::<LevelAssets>(),
    );
}
