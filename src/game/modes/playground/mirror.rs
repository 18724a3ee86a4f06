//! The workbench's network on screen: the view is spawned when the workbench opens, told the
//! experiment's network whenever it changes, and the mode's status is published for scripts.

use bevy::prelude::*;

use super::Workbench;
use super::sim::{Rules, SimSet, Simulation};
use super::view::{DEFAULT_RECT, DisplayOptions, PlaygroundView};
use crate::game::network_view::{NetworkView, PrimaryView, ViewOptions, ViewRect, view_root};
use crate::game::notices::Notices;
use crate::game::screens::Screen;
use crate::game::status::Status;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Workbench), spawn_view)
        .add_systems(OnExit(Workbench), |mut commands: Commands| {
            commands.remove_resource::<PlaygroundView>()
        })
        .add_systems(
            Update,
            (mirror_experiment, publish_status)
                .in_set(SimSet::Mirror)
                .run_if(in_state(Workbench)),
        );
}

fn spawn_view(mut commands: Commands, sim: Res<Simulation>) {
    let mut view = NetworkView::new(sim.experiment.network().clone(), ViewOptions::default());
    view.shape_version = u64::MAX;
    let root = commands
        .spawn((
            view_root(view, ViewRect::new(DEFAULT_RECT.0, DEFAULT_RECT.1)),
            PrimaryView,
            DespawnOnExit(Workbench),
        ))
        .id();
    commands.insert_resource(PlaygroundView(root));
}

/// Versions that differ between experiments: the generation in the high bits.
fn version(generation: u64, version: u64) -> u64 {
    (generation << 40) ^ version
}

/// Writes what the view must show: the network when its shape or weights changed, the rules,
/// and the live state (divergence, discretised output, training speed).
fn mirror_experiment(
    sim: Res<Simulation>,
    rules: Res<Rules>,
    display: Res<DisplayOptions>,
    view: Option<Res<PlaygroundView>>,
    mut views: Query<&mut NetworkView>,
) {
    let Some(view) = view else { return };
    let Ok(mut shown) = views.get_mut(view.0) else {
        return;
    };
    let e = &sim.experiment;
    let shape_version = version(sim.generation, e.shape_version());
    let weights_version = version(sim.generation, e.weights_version());
    if shown.shape_version != shape_version || shown.weights_version != weights_version {
        shown.network = e.network().clone();
        shown.shape_version = shape_version;
        shown.weights_version = weights_version;
    }
    if shown.limits != e.config().limits {
        shown.limits = e.config().limits;
    }
    if shown.rules != rules.0 {
        shown.rules = rules.0.clone();
    }
    let diverged = e.divergence().is_some();
    if shown.diverged != diverged {
        shown.diverged = diverged;
    }
    if shown.discretize != display.discretize {
        shown.discretize = display.discretize;
    }
    let rate = if sim.playing {
        sim.measured_rate as f32
    } else {
        0.0
    };
    if shown.training_rate != rate {
        shown.training_rate = rate;
    }
}

/// The mode's numbers for `--dump-state` and the web page.
fn publish_status(
    sim: Res<Simulation>,
    notices: Res<Notices>,
    screen: Res<State<Screen>>,
    own: Res<super::own_data::OwnData>,
    buttons: Res<super::buttons::WorkbenchButtons>,
    level: Option<Res<super::level_run::LevelRun>>,
    views: Query<
        (
            &crate::game::network_view::ViewRect,
            &crate::game::network_view::ViewEntities,
        ),
        With<crate::game::network_view::PrimaryView>,
    >,
    form: Res<crate::game::theme::form_factor::FormFactor>,
    mut status: ResMut<Status>,
) {
    let e = &sim.experiment;
    let latest = e.latest();
    let c = e.config();
    status.fields.clear();
    status.set("mode", "playground");
    status.set("screen", format!("{:?}", screen.get()));
    status.set("epoch", e.epoch());
    status.set("playing", sim.playing);
    status.set("epochs_per_second", sim.measured_rate);
    status.set("dataset", c.dataset.name());
    status.set("own_data", e.data_from_file());
    status.set("drawing", own.drawing_mode);
    status.set("drawn_points", own.drawing.len());
    status.set("buttons", serde_json::Value::Object(buttons.0.clone()));
    status.set("level_id", level.as_ref().map(|run| run.level.id.clone()));
    status.set("train_points", e.data().train.len());
    status.set("test_points", e.data().test.len());
    status.set("classes", c.classes);
    status.set("learning_rate", c.learning_rate);
    status.set(
        "features",
        e.network()
            .features
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>(),
    );
    status.set("hidden_layers", e.network().hidden_sizes());
    status.set("layout", form.class.name());
    status.set("finger_sized", form.finger_sized());
    if let Ok((rect, entities)) = views.single() {
        status.set(
            "positions",
            crate::game::network_view::positions_json(rect, &entities.layout),
        );
    }
    status.set("train_loss", latest.train_loss);
    status.set("test_loss", latest.test_loss);
    status.set("test_accuracy", latest.test_accuracy);
    status.set("diverged_at", e.divergence().map(|d| d.epoch));
    status.set(
        "notices",
        notices
            .items
            .iter()
            .map(|n| n.text.clone())
            .collect::<Vec<_>>(),
    );
}
