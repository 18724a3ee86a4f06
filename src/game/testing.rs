//! What the tests may reach inside the game, and nothing more: the headless app, each mode's
//! model resource, its actions and its level run, the messages a player's files and level
//! choices arrive as, and what a test reads back (notices, status, saves, the network view's
//! entities). Every other module of the game is its own (`pub(crate)`).

pub use super::class::{ClassLink, ClassLinkOpened, HAND_IN_PURPOSE, join, status_fields};
pub use super::files::{FileRequest, OpenedFile};
pub use super::levels::{LevelCatalog, LevelCommand, LevelPhase, LevelsAvailable};
pub use super::notices::Notices;
pub use super::recording::Recorder;
pub use super::save::{SaveLocation, SavedProgress};
pub use super::screens::Screen;
pub use super::status::Status;
pub use super::theme::palette;
pub use super::training_rate::TrainingRate;
pub use super::{GameArgs, headless_app, headless_app_with};

/// The network view: its root, its entities and what they show.
pub mod network_view {
    pub use crate::game::network_view::heatmaps::ViewHeatmaps;
    pub use crate::game::network_view::hover::ViewHover;
    pub use crate::game::network_view::layout::{Layout, TrayKind};
    pub use crate::game::network_view::tray::{LayerGrip, TrayTile};
    pub use crate::game::network_view::{
        Edge, EdgeSource, EdgeTarget, FeatureChip, InView, NetworkView, Neuron, NodeKey,
        ViewEntities, ViewKeysShifted, ViewOptions, ViewRect, view_root,
    };
}

/// The Playground mode.
pub mod playground {
    #[cfg(not(target_arch = "wasm32"))]
    pub use crate::game::modes::playground::background::Background;
    pub use crate::game::modes::playground::compare::CompareRuns;
    pub use crate::game::modes::playground::experiment_files::EXPERIMENT_PURPOSE;
    pub use crate::game::modes::playground::level_run::{LevelRun, Phase};
    pub use crate::game::modes::playground::own_data::{DATA_PURPOSE, OwnData};
    pub use crate::game::modes::playground::share::link_for;
    pub use crate::game::modes::playground::sim::{SimAction, Simulation, TrainingSpeed, Undo};
    pub use crate::game::modes::playground::start::PlaygroundStart;
    pub use crate::game::modes::playground::view::PlaygroundView;
}

/// The GAN mode.
pub mod gan {
    pub use crate::game::modes::gan::level_run::GanLevelRun;
    pub use crate::game::modes::gan::model_files::{PURPOSE, WEIGHTS_PURPOSE};
    pub use crate::game::modes::gan::sim::{GanAction, GanSim, GanSpeed};
    pub use crate::game::modes::gan::views::GanViews;
}

/// The CNN mode.
pub mod cnn {
    pub use crate::game::modes::cnn::level_run::CnnLevelRun;
    pub use crate::game::modes::cnn::sim::{CnnAction, CnnRules, CnnSim, ModelSource, Shown};
}
