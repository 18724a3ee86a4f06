//! The game, headless: Bevy `App`s with `MinimalPlugins` on a deterministic clock, driven through
//! the same messages and input the player produces. (One binary for every game test.)
#![cfg(feature = "game")]

use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::prelude::*;
use neural_sandbox::data::{DatasetKind, Feature};
use neural_sandbox::experiment::ExperimentConfig;
use neural_sandbox::game::testing::Notices;
use neural_sandbox::game::testing::Screen;
use neural_sandbox::game::testing::network_view::ViewHeatmaps;
use neural_sandbox::game::testing::network_view::{
    Edge, EdgeSource, EdgeTarget, FeatureChip, InView, Neuron, NodeKey, ViewEntities, ViewRect,
};
use neural_sandbox::game::testing::playground::PlaygroundView;
use neural_sandbox::game::testing::playground::Undo;
use neural_sandbox::game::testing::playground::{SimAction, Simulation, TrainingSpeed};
use neural_sandbox::nn::Activation;

#[path = "common/pictures.rs"]
mod pictures;

/// A headless game past its loading screen (the level files load from disk).
fn loaded_app() -> App {
    loaded_with(None, neural_sandbox::game::testing::SaveLocation::Memory)
}

/// The same with another levels folder and save location.
fn loaded_with(
    levels: Option<&std::path::Path>,
    save: neural_sandbox::game::testing::SaveLocation,
) -> App {
    let mut app = neural_sandbox::game::testing::headless_app_with(levels, save);
    for _ in 0..500 {
        app.update();
        if *app.world().resource::<State<Screen>>().get() != Screen::Loading {
            return app;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("the game never left the loading screen");
}

/// A headless game in the sandbox with `config`.
fn sandbox(config: ExperimentConfig) -> App {
    let mut app = loaded_app();
    app.insert_resource(Simulation::new(config).unwrap());
    app.world_mut()
        .resource_mut::<NextState<Screen>>()
        .set(Screen::Sandbox);
    run(&mut app, 3);
    app
}

fn run(app: &mut App, frames: usize) {
    for _ in 0..frames {
        app.update();
    }
}

fn act(app: &mut App, action: SimAction) {
    app.world_mut().write_message(action);
    app.update();
}

fn count<C: Component>(app: &mut App) -> usize {
    let world = app.world_mut();
    world.query_filtered::<(), With<C>>().iter(world).count()
}

fn entity_count(app: &mut App) -> usize {
    app.world_mut().query::<Entity>().iter(app.world()).count()
}

fn sim(app: &App) -> &Simulation {
    app.world().resource::<Simulation>()
}

/// The workbench's network view root.
fn playground_view(app: &App) -> Entity {
    app.world().resource::<PlaygroundView>().0
}

fn view_heatmaps(app: &App) -> &ViewHeatmaps {
    app.world()
        .get::<ViewHeatmaps>(playground_view(app))
        .expect("the workbench's view has heatmaps")
}

/// Every error of the level files the catalog lists as broken.
fn level_file_errors(catalog: &neural_sandbox::game::testing::LevelCatalog) -> Vec<String> {
    catalog
        .entries
        .iter()
        .filter_map(|e| e.level.as_ref().err())
        .flatten()
        .map(|e| e.to_string())
        .collect()
}

/// The newest refusal the player was shown ("" if none).
fn last_refusal(app: &App) -> String {
    app.world()
        .resource::<Notices>()
        .last_refusal()
        .unwrap_or_default()
        .to_string()
}

fn spiral_config() -> ExperimentConfig {
    ExperimentConfig {
        dataset: DatasetKind::Spiral,
        features: Feature::ALL.to_vec(),
        hidden_layers: vec![8, 8, 6],
        ..ExperimentConfig::default()
    }
}

/// Checks that the entities mirror the network exactly: one per node and per edge, each edge
/// between the entities of its two nodes.
fn assert_graph_matches(app: &mut App) {
    let network = sim(app).experiment.network().clone();
    let shape = network.shape();
    let nodes: usize = shape.iter().sum();
    let edges: usize = shape.windows(2).map(|w| w[0] * w[1]).sum();
    assert_eq!(
        count::<Neuron>(app),
        nodes,
        "one entity per node of {shape:?}"
    );
    assert_eq!(
        count::<Edge>(app),
        edges,
        "one entity per edge of {shape:?}"
    );
    let world = app.world_mut();
    let mut keys: Vec<NodeKey> = world
        .query::<&Neuron>()
        .iter(world)
        .map(|n| n.key)
        .collect();
    keys.sort();
    let mut expected = NodeKey::all(&network);
    expected.sort();
    assert_eq!(keys, expected);
    let mut edge_query = world.query::<(&Edge, &EdgeSource, &EdgeTarget)>();
    let pairs: Vec<_> = edge_query
        .iter(world)
        .map(|(e, s, t)| (*e, s.0, t.0))
        .collect();
    for (edge, source, target) in pairs {
        let source_key = world.get::<Neuron>(source).unwrap().key;
        let target_key = world.get::<Neuron>(target).unwrap().key;
        assert_eq!((source_key, target_key), (edge.source, edge.target));
        let (a, _) = network.locate(edge.source).unwrap();
        let (b, _) = network.locate(edge.target).unwrap();
        assert_eq!(b, a + 1, "edges join neighbouring columns");
    }
}

#[test]
fn entity_graph_matches_the_network() {
    let mut app = sandbox(spiral_config());
    assert_graph_matches(&mut app);
    assert_eq!(count::<Neuron>(&mut app), 7 + 22 + 1);
    assert_eq!(count::<Edge>(&mut app), 7 * 8 + 8 * 8 + 8 * 6 + 6);
    assert_eq!(count::<FeatureChip>(&mut app), 7);
}

#[test]
fn architecture_changes_resync_without_leaks() {
    let mut app = sandbox(ExperimentConfig::default());
    run(&mut app, 30);
    let before = entity_count(&mut app);
    for cycle in 0..100 {
        act(&mut app, SimAction::AddLayer);
        act(&mut app, SimAction::AddNeuron { layer: 2 });
        if cycle % 10 == 0 {
            assert_eq!(sim(&app).experiment.network().hidden_sizes(), vec![4, 2, 3]);
            assert_graph_matches(&mut app);
        }
        act(&mut app, SimAction::ToggleFeature(Feature::SinX1));
        act(&mut app, SimAction::RemoveLayer);
        act(&mut app, SimAction::ToggleFeature(Feature::SinX1));
    }
    // Removed entities fade out for a quarter of a second before they go.
    run(&mut app, 60);
    assert_graph_matches(&mut app);
    assert_eq!(sim(&app).experiment.network().hidden_sizes(), vec![4, 2]);
    assert_eq!(
        entity_count(&mut app),
        before,
        "no entity leaked over 100 cycles"
    );
}

#[test]
fn training_advances_epochs_at_the_chosen_speed() {
    let mut app = sandbox(ExperimentConfig::default());
    act(&mut app, SimAction::SetSpeed(TrainingSpeed::PerSecond(30)));
    act(&mut app, SimAction::TogglePlay);
    let start = sim(&app).experiment.epoch();
    run(&mut app, 120); // two seconds at 60 updates per second
    let trained = sim(&app).experiment.epoch() - start;
    assert!(
        (59..=61).contains(&trained),
        "30 epochs/s for 2 s gave {trained}"
    );

    act(&mut app, SimAction::SetSpeed(TrainingSpeed::PerSecond(1)));
    let start = sim(&app).experiment.epoch();
    run(&mut app, 180);
    let trained = sim(&app).experiment.epoch() - start;
    assert!(
        (2..=4).contains(&trained),
        "1 epoch/s for 3 s gave {trained}"
    );

    // Step trains exactly one epoch and pauses.
    let before = sim(&app).experiment.epoch();
    act(&mut app, SimAction::Step);
    run(&mut app, 30);
    assert!(!sim(&app).playing);
    assert_eq!(sim(&app).experiment.epoch(), before + 1);
}

#[test]
fn heatmaps_are_recomputed_only_when_the_weights_change() {
    let mut app = sandbox(ExperimentConfig::default());
    let evaluations = |app: &App| view_heatmaps(app).evaluations;
    let idle = evaluations(&app);
    run(&mut app, 30);
    assert_eq!(
        evaluations(&app),
        idle,
        "nothing changed, nothing recomputed"
    );
    act(&mut app, SimAction::Step);
    assert_eq!(evaluations(&app), idle + 1);
    // Many epochs in one frame still cost one evaluation per frame.
    act(
        &mut app,
        SimAction::SetSpeed(TrainingSpeed::PerSecond(1000)),
    );
    act(&mut app, SimAction::TogglePlay);
    let before = evaluations(&app);
    let epoch = sim(&app).experiment.epoch();
    run(&mut app, 10);
    assert!(sim(&app).experiment.epoch() - epoch >= 150);
    assert!(evaluations(&app) - before <= 10);
    let grids = view_heatmaps(&app).grids().unwrap();
    assert_eq!(grids.size, 100);
    assert_eq!(grids.output().len(), 100 * 100);
}

#[test]
fn divergence_shows_the_banner_state_and_reset_recovers() {
    let config = ExperimentConfig {
        dataset: DatasetKind::RegPlane,
        learning_rate: 10.0,
        activation: Activation::Relu,
        ..ExperimentConfig::default()
    };
    let mut app = sandbox(config);
    act(&mut app, SimAction::SetSpeed(TrainingSpeed::PerSecond(300)));
    act(&mut app, SimAction::TogglePlay);
    run(&mut app, 120);
    let divergence = sim(&app)
        .experiment
        .divergence()
        .cloned()
        .expect("lr 10 diverges");
    assert!(!sim(&app).playing, "training stops when it diverges");
    assert!(divergence.message().starts_with(&format!(
        "Training diverged at epoch {}: the loss became",
        divergence.epoch
    )));
    // Play is refused until Reset.
    act(&mut app, SimAction::TogglePlay);
    assert!(!sim(&app).playing);
    let mut config = sim(&app).experiment.config().clone();
    config.learning_rate = 0.01;
    act(&mut app, SimAction::Configure(Box::new(config)));
    act(&mut app, SimAction::Reset);
    assert!(sim(&app).experiment.divergence().is_none());
    act(&mut app, SimAction::TogglePlay);
    run(&mut app, 30);
    assert!(sim(&app).playing && sim(&app).experiment.epoch() > 0);
}

#[test]
fn refused_changes_say_why_and_change_nothing() {
    let mut app = sandbox(ExperimentConfig {
        hidden_layers: vec![1; 6],
        ..ExperimentConfig::default()
    });
    let shape = sim(&app).experiment.network().shape();
    act(&mut app, SimAction::AddLayer);
    act(&mut app, SimAction::RemoveNeuron { layer: 0 });
    assert_eq!(sim(&app).experiment.network().shape(), shape);
    let notices = app.world().resource::<Notices>();
    assert!(
        notices
            .items
            .iter()
            .any(|n| n.text.contains("At most 6 hidden layers"))
    );
    assert!(
        notices
            .items
            .iter()
            .any(|n| n.text.contains("at least one neuron"))
    );
    // The last feature cannot be removed.
    act(&mut app, SimAction::ToggleFeature(Feature::X1));
    act(&mut app, SimAction::ToggleFeature(Feature::X2));
    assert_eq!(sim(&app).experiment.network().features, vec![Feature::X2]);
    assert!(last_refusal(&app).contains("at least one input feature"));
}

fn press(app: &mut App, key: KeyCode, logical: Key) {
    let window = Entity::PLACEHOLDER;
    for state in [ButtonState::Pressed, ButtonState::Released] {
        app.world_mut().write_message(KeyboardInput {
            key_code: key,
            logical_key: logical.clone(),
            state,
            text: None,
            repeat: false,
            window,
        });
        app.update();
    }
}

#[test]
fn keyboard_plays_steps_resets_and_leaves() {
    let mut app = sandbox(ExperimentConfig::default());
    press(&mut app, KeyCode::Space, Key::Space);
    assert!(sim(&app).playing);
    press(&mut app, KeyCode::Space, Key::Space);
    assert!(!sim(&app).playing);
    let epoch = sim(&app).experiment.epoch();
    press(&mut app, KeyCode::KeyS, Key::Character("s".into()));
    assert_eq!(sim(&app).experiment.epoch(), epoch + 1);
    press(&mut app, KeyCode::ArrowRight, Key::ArrowRight);
    assert_eq!(sim(&app).experiment.epoch(), epoch + 2);
    press(&mut app, KeyCode::KeyR, Key::Character("r".into()));
    assert_eq!(sim(&app).experiment.epoch(), 0);
    press(&mut app, KeyCode::Escape, Key::Escape);
    run(&mut app, 2);
    assert_eq!(
        *app.world().resource::<State<Screen>>().get(),
        Screen::Title
    );
    // Leaving the sandbox takes its entities with it.
    assert_eq!(count::<Neuron>(&mut app), 0);
    assert_eq!(count::<Edge>(&mut app), 0);
}

/// The real-game tests run one at a time: each starts a software-rendered window, and the
/// drag test's timing should not depend on what else the test runner does.
static REAL_GAME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_real_game_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    REAL_GAME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs the real game (window, renderer, egui) under Xvfb with Mesa's software Vulkan.
fn run_game_under_xvfb(args: &[&str]) -> std::process::Output {
    let bin = env!("CARGO_BIN_EXE_neural-sandbox");
    // Never the player's own saved progress.
    let saves = tempfile::tempdir().unwrap();
    let output = std::process::Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24", bin])
        .args(args)
        .arg("--save-dir")
        .arg(saves.path())
        .output()
        .expect("xvfb-run is needed for the visual tests: run `sudo .ci/install.sh` (installs Xvfb and Mesa)");
    assert!(
        output.status.success(),
        "the game failed under Xvfb: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Pixels of `image` inside `area` (x0, y0, x1, y1) within `tolerance` of `rgb`.
fn count_near(
    image: &image::RgbImage,
    area: (u32, u32, u32, u32),
    rgb: [u8; 3],
    tolerance: i32,
) -> usize {
    let (x0, y0, x1, y1) = area;
    let mut n = 0;
    for y in y0..y1.min(image.height()) {
        for x in x0..x1.min(image.width()) {
            let p = image.get_pixel(x, y).0;
            if (0..3).all(|c| (p[c] as i32 - rgb[c] as i32).abs() <= tolerance) {
                n += 1;
            }
        }
    }
    n
}

/// The heatmap colour of a class as drawn: the Playground's colour at alpha 160 over white.
fn heatmap_shade(rgb: [u8; 3]) -> [u8; 3] {
    let a = 160.0 / 255.0;
    rgb.map(|c| (c as f32 * a + 255.0 * (1.0 - a)).round() as u8)
}

/// The visual test: the real game renders the sandbox with a trained spiral; the screenshot is not
/// blank and the output view holds both class colours.
#[test]
#[cfg_attr(
    not(feature = "dev"),
    ignore = "drives the game with the dev tools: --features dev"
)]
fn the_real_game_renders_a_trained_spiral() {
    let _one = one_real_game_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("sandbox.png");
    let state = dir.path().join("state.json");
    let shot_arg = shot.display().to_string();
    let state_arg = state.display().to_string();
    run_game_under_xvfb(&[
        "--preset",
        "spiral-deep",
        "--train-epochs",
        "400",
        "--window",
        "1280x760",
        "--screenshot",
        &shot_arg,
        "--after-frames",
        "30",
        "--dump-state",
        &state_arg,
    ]);
    let image = image::open(&shot)
        .expect("the screenshot was saved")
        .to_rgb8();
    assert_eq!((image.width(), image.height()), (1280, 760));
    // Not blank: many distinct colours.
    let distinct: std::collections::HashSet<[u8; 3]> =
        image.pixels().map(|p| p.0).step_by(7).collect();
    assert!(
        distinct.len() > 500,
        "only {} colours: blank?",
        distinct.len()
    );
    // The output view (right panel) shows both classes.
    use neural_sandbox::game::testing::palette::{NEGATIVE, POSITIVE};
    let output_view = (950, 170, 1280, 500);
    let orange = count_near(&image, output_view, heatmap_shade(NEGATIVE), 14);
    let blue = count_near(&image, output_view, heatmap_shade(POSITIVE), 14);
    assert!(
        orange > 5_000 && blue > 5_000,
        "orange {orange} px, blue {blue} px in the output view"
    );
    // The network view holds neuron heatmaps in both colours too.
    let network_view = (300, 60, 940, 740);
    assert!(count_near(&image, network_view, heatmap_shade(NEGATIVE), 14) > 1_000);
    assert!(count_near(&image, network_view, heatmap_shade(POSITIVE), 14) > 1_000);
    // And the state dump agrees with what was asked for.
    let dump: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert_eq!(dump["screen"], "Sandbox");
    assert_eq!(dump["epoch"], 400);
    assert_eq!(dump["neuron_entities"], 7 + 22 + 1);
    assert_eq!(dump["edge_entities"], 7 * 8 + 8 * 8 + 8 * 6 + 6);
    assert!(dump["test_accuracy"].as_f64().unwrap() > 0.8);
}

/// On a touch screen a neuron is shown large while a finger rests on it; lifting the last finger
/// leaves nothing hovered (a mouse would have moved away), so the output view shows the output
/// again.
#[test]
fn lifting_the_last_finger_leaves_nothing_hovered() {
    use bevy::input::touch::{TouchInput, TouchPhase};
    use neural_sandbox::game::testing::network_view::NodeKey;
    use neural_sandbox::game::testing::network_view::ViewHover;
    let mut app = sandbox(ExperimentConfig::default());
    let view = playground_view(&app);
    let touch = |phase, id| TouchInput {
        phase,
        position: Vec2::new(400.0, 300.0),
        window: Entity::PLACEHOLDER,
        force: None,
        id,
    };
    let hovered = |app: &App| app.world().get::<ViewHover>(view).unwrap().node;
    app.world_mut().write_message(touch(TouchPhase::Started, 1));
    app.world_mut().write_message(touch(TouchPhase::Started, 2));
    run(&mut app, 1);
    app.world_mut().get_mut::<ViewHover>(view).unwrap().node = Some(NodeKey::OUTPUT);
    // One of two fingers lifts: the other still rests on the neuron.
    app.world_mut().write_message(touch(TouchPhase::Ended, 1));
    run(&mut app, 1);
    assert_eq!(hovered(&app), Some(NodeKey::OUTPUT));
    app.world_mut().write_message(touch(TouchPhase::Ended, 2));
    run(&mut app, 1);
    assert_eq!(hovered(&app), None);
}

/// A phone held upright (390 px wide; 780 tall to fit the test's virtual screen): the network view
/// takes the width, the output view sits under it with both classes drawn, and controls are
/// finger-sized.
#[test]
#[cfg_attr(
    not(feature = "dev"),
    ignore = "drives the game with the dev tools: --features dev"
)]
fn the_real_game_fits_a_phone() {
    let _one = one_real_game_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("phone.png");
    let state = dir.path().join("state.json");
    let shot_arg = shot.display().to_string();
    let state_arg = state.display().to_string();
    run_game_under_xvfb(&[
        "--preset",
        "spiral-deep",
        "--train-epochs",
        "400",
        "--window",
        "390x780",
        "--screenshot",
        &shot_arg,
        "--after-frames",
        "30",
        "--dump-state",
        &state_arg,
    ]);
    let image = image::open(&shot)
        .expect("the screenshot was saved")
        .to_rgb8();
    assert_eq!((image.width(), image.height()), (390, 780));
    let dump: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert_eq!(dump["layout"], "phone");
    assert_eq!(dump["finger_sized"], true);
    let numbers = |v: &serde_json::Value| -> Vec<f64> {
        v.as_array()
            .unwrap_or_else(|| panic!("not a list: {v}"))
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let view = numbers(&dump["viewport"]);
    let plot = numbers(&dump["buttons"]["plot"]);
    let play = numbers(&dump["buttons"]["Play"]);
    // The network across the screen, the output plane under it and inside the window.
    assert!(
        view[2] <= 390.0 && view[2] >= 360.0 && view[3] >= 300.0,
        "network view {view:?}"
    );
    assert!(
        plot[1] >= view[1] + view[3] - 1.0,
        "output {plot:?} under the network {view:?}"
    );
    assert!(plot[0] >= 0.0 && plot[0] + plot[2] <= 390.0 && plot[1] + plot[3] <= 780.0);
    assert!(plot[2] >= 140.0, "the output plane is {} px wide", plot[2]);
    assert!(play[3] >= 44.0, "Play is {} px tall", play[3]);
    use neural_sandbox::game::testing::palette::{NEGATIVE, POSITIVE};
    let area = (
        plot[0] as u32,
        plot[1] as u32,
        (plot[0] + plot[2]) as u32,
        (plot[1] + plot[3]) as u32,
    );
    let orange = count_near(&image, area, heatmap_shade(NEGATIVE), 14);
    let blue = count_near(&image, area, heatmap_shade(POSITIVE), 14);
    assert!(
        orange > 2_000 && blue > 2_000,
        "orange {orange} px, blue {blue} px in the output plane"
    );
    assert_eq!(dump["neuron_entities"], 7 + 22 + 1);
}

mod building {
    //! Issue 4: building the network by hand, through the same pointer events Bevy's picking
    //! sends when the player drags.
    use super::*;
    use bevy::camera::NormalizedRenderTarget;
    use bevy::picking::backend::HitData;
    use bevy::picking::events::{Drag, DragEnd, DragStart, Pointer};
    use bevy::picking::pointer::{Location, PointerButton, PointerId};
    use neural_sandbox::game::testing::network_view::TrayKind;
    use neural_sandbox::game::testing::network_view::{LayerGrip, TrayTile};

    /// Where a point of the view (its local coordinates) is in the window.
    fn location(app: &App, local: Vec2) -> Location {
        let rect = *app.world().get::<ViewRect>(playground_view(app)).unwrap();
        Location {
            target: NormalizedRenderTarget::None {
                width: 1280,
                height: 760,
            },
            position: rect.local_to_window(local),
        }
    }

    /// Drags `entity` to the world point `to`, in a few moves, as the pointer would.
    fn drag(app: &mut App, entity: Entity, to: Vec2) {
        let from = app
            .world()
            .get::<Transform>(entity)
            .unwrap()
            .translation
            .truncate();
        let hit = HitData::new(Entity::PLACEHOLDER, 0.0, None, None);
        let start = location(app, from);
        app.world_mut().trigger(Pointer::new(
            PointerId::Mouse,
            start,
            DragStart {
                button: PointerButton::Primary,
                hit,
            },
            entity,
        ));
        app.update();
        for k in 1..=4 {
            let at = from + (to - from) * (k as f32 / 4.0);
            let loc = location(app, at);
            app.world_mut().trigger(Pointer::new(
                PointerId::Mouse,
                loc,
                Drag {
                    button: PointerButton::Primary,
                    distance: at - from,
                    delta: (to - from) / 4.0,
                },
                entity,
            ));
            app.update();
        }
        let end = location(app, to);
        app.world_mut().trigger(Pointer::new(
            PointerId::Mouse,
            end,
            DragEnd {
                button: PointerButton::Primary,
                distance: to - from,
            },
            entity,
        ));
        run(app, 3);
    }

    fn find<C: Component>(app: &mut App, pick: impl Fn(&C) -> bool) -> Entity {
        let world = app.world_mut();
        world
            .query::<(Entity, &C)>()
            .iter(world)
            .find(|(_, c)| pick(c))
            .map(|(e, _)| e)
            .expect("the entity is on screen")
    }

    fn layout(app: &App) -> neural_sandbox::game::testing::network_view::Layout {
        app.world()
            .get::<ViewEntities>(playground_view(app))
            .unwrap()
            .layout
            .clone()
    }

    #[test]
    fn every_course_network_can_be_built_with_the_mouse_and_undone() {
        // Start from the emptiest network: one input, no hidden layer.
        let mut app = sandbox(ExperimentConfig {
            features: vec![Feature::X1],
            hidden_layers: vec![],
            ..ExperimentConfig::default()
        });
        let start = sim(&app).experiment.network().clone();

        // X2 onto the input column: the perceptron's inputs.
        let chip = find::<FeatureChip>(&mut app, |c| c.feature == Feature::X2);
        let inputs = Vec2::new(layout(&app).columns[0], 0.0);
        drag(&mut app, chip, inputs);
        assert_eq!(
            sim(&app).experiment.network().features,
            vec![Feature::X1, Feature::X2]
        );

        // A hidden layer between the inputs and the output, then a third neuron in it: the
        // circle's network.
        let tile = find::<TrayTile>(&mut app, |t| t.kind == TrayKind::Layer);
        let l = layout(&app);
        drag(
            &mut app,
            tile,
            Vec2::new((l.columns[0] + l.columns[1]) / 2.0, 0.0),
        );
        assert_eq!(sim(&app).experiment.network().hidden_sizes(), vec![2]);
        let neuron_tile = find::<TrayTile>(&mut app, |t| t.kind == TrayKind::Neuron);
        let l = layout(&app);
        drag(&mut app, neuron_tile, Vec2::new(l.columns[1], 0.0));
        assert_eq!(sim(&app).experiment.network().hidden_sizes(), vec![3]);
        assert_graph_matches(&mut app);

        // Deeper for the spiral: a second layer after the first, filled to 4, and every feature.
        let l = layout(&app);
        drag(
            &mut app,
            tile,
            Vec2::new((l.columns[1] + l.columns[2]) / 2.0, 0.0),
        );
        for _ in 0..2 {
            let l = layout(&app);
            drag(&mut app, neuron_tile, Vec2::new(l.columns[2], 0.0));
        }
        for f in [
            Feature::X1Squared,
            Feature::X2Squared,
            Feature::X1TimesX2,
            Feature::SinX1,
            Feature::SinX2,
        ] {
            let chip = find::<FeatureChip>(&mut app, |c| c.feature == f);
            let inputs = Vec2::new(layout(&app).columns[0], 0.0);
            drag(&mut app, chip, inputs);
        }
        let network = sim(&app).experiment.network().clone();
        assert_eq!(network.hidden_sizes(), vec![3, 4]);
        assert_eq!(network.features, Feature::ALL.to_vec());
        assert_graph_matches(&mut app);

        // XOR's network with the product feature: take everything else out again by dragging
        // pieces off the network.
        let bin = layout(&app).bin.center();
        for f in [
            Feature::X1,
            Feature::X2,
            Feature::X1Squared,
            Feature::X2Squared,
            Feature::SinX1,
            Feature::SinX2,
        ] {
            let input = find::<Neuron>(&mut app, |n| n.key == NodeKey::Input(f));
            drag(&mut app, input, bin);
        }
        for _ in 0..2 {
            let grip = find::<LayerGrip>(&mut app, |g| g.layer == 0);
            drag(&mut app, grip, bin);
        }
        let network = sim(&app).experiment.network().clone();
        assert_eq!(network.features, vec![Feature::X1TimesX2]);
        assert!(network.hidden_sizes().is_empty());
        run(&mut app, 30);
        assert_graph_matches(&mut app);

        // Every step can be undone, back to the start, and redone.
        let steps = 3 + 2 + 5 + 6 + 2 + 1;
        for _ in 0..steps {
            act(&mut app, SimAction::Undo);
        }
        assert_eq!(sim(&app).experiment.network(), &start);
        act(&mut app, SimAction::Undo);
        assert_eq!(
            sim(&app).experiment.network(),
            &start,
            "nothing more to undo"
        );
        for _ in 0..steps {
            act(&mut app, SimAction::Redo);
        }
        assert_eq!(sim(&app).experiment.network(), &network);
        run(&mut app, 30);
        assert_graph_matches(&mut app);
    }

    #[test]
    fn refused_drops_say_why_and_change_nothing() {
        let mut app = sandbox(ExperimentConfig {
            hidden_layers: vec![8, 1],
            ..ExperimentConfig::default()
        });
        let before = sim(&app).experiment.network().clone();
        let neuron_tile = find::<TrayTile>(&mut app, |t| t.kind == TrayKind::Neuron);
        let l = layout(&app);
        drag(&mut app, neuron_tile, Vec2::new(l.columns[1], 0.0));
        let refusal = app
            .world()
            .resource::<Notices>()
            .last_refusal()
            .unwrap()
            .to_string();
        assert_eq!(
            refusal,
            "Hidden layer 1 already has 8 neurons, the most allowed."
        );
        // The last neuron of a layer cannot be dragged out.
        let last = find::<Neuron>(&mut app, |n| {
            n.key == NodeKey::Hidden { layer: 1, index: 0 }
        });
        let bin = layout(&app).bin.center();
        drag(&mut app, last, bin);
        let refusal = app
            .world()
            .resource::<Notices>()
            .last_refusal()
            .unwrap()
            .to_string();
        assert!(refusal.contains("at least one neuron"), "{refusal}");
        // A feature dropped on the output does nothing.
        let chip = find::<FeatureChip>(&mut app, |c| c.feature == Feature::SinX2);
        let output = Vec2::new(*l.columns.last().unwrap(), 0.0);
        drag(&mut app, chip, output);
        assert_eq!(sim(&app).experiment.network(), &before);
        assert!(!app.world().resource::<Undo>().0.can_undo());
    }

    #[test]
    fn entities_follow_their_neurons_when_a_layer_is_inserted_before_them() {
        let mut app = sandbox(ExperimentConfig::default());
        let first = find::<Neuron>(&mut app, |n| {
            n.key == NodeKey::Hidden { layer: 0, index: 1 }
        });
        act(&mut app, SimAction::InsertLayer { at: 0 });
        run(&mut app, 2);
        assert_eq!(
            app.world().get::<Neuron>(first).unwrap().key,
            NodeKey::Hidden { layer: 1, index: 1 },
            "the entity still shows the same neuron, now in the second hidden layer"
        );
        assert_graph_matches(&mut app);
        act(&mut app, SimAction::RemoveNeuronAt { layer: 1, index: 0 });
        run(&mut app, 2);
        assert_eq!(
            app.world().get::<Neuron>(first).unwrap().key,
            NodeKey::Hidden { layer: 1, index: 0 }
        );
        run(&mut app, 30);
        assert_graph_matches(&mut app);
    }

    #[test]
    fn typed_weights_and_biases_apply_and_undo() {
        let mut app = sandbox(ExperimentConfig::default());
        let source = NodeKey::Input(Feature::X2);
        let target = NodeKey::Hidden { layer: 0, index: 3 };
        act(
            &mut app,
            SimAction::SetWeight {
                source,
                target,
                value: -2.75,
            },
        );
        assert_eq!(
            sim(&app).experiment.network().layers[0].weights[[3, 1]],
            -2.75
        );
        act(
            &mut app,
            SimAction::SetBias {
                node: NodeKey::OUTPUT,
                value: 0.5,
            },
        );
        assert_eq!(sim(&app).experiment.network().layers[2].biases[0], 0.5);
        act(
            &mut app,
            SimAction::SetWeight {
                source,
                target,
                value: f64::NAN,
            },
        );
        assert!(last_refusal(&app).contains("Type a number"));
        act(&mut app, SimAction::Undo);
        act(&mut app, SimAction::Undo);
        let network = sim(&app).experiment.network();
        assert_ne!(network.layers[0].weights[[3, 1]], -2.75);
        assert_eq!(network.layers[2].biases[0], 0.1);
    }
}

/// The real end-to-end drag: the game under Xvfb, driven by xdotool like a player (mouse down on
/// the X1² chip, move, mouse up on the input column), then Ctrl+Q; the state dump shows the
/// feature was added.
#[test]
#[cfg_attr(
    not(feature = "dev"),
    ignore = "drives the game with the dev tools: --features dev"
)]
fn a_real_mouse_drag_adds_a_feature() {
    let _one = one_real_game_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("before.json");
    let first_arg = first.display().to_string();
    // First run: where are the chip and the input column on screen?
    run_game_under_xvfb(&[
        "--preset",
        "default",
        "--window",
        "1280x760",
        "--quit-after-frames",
        "15",
        "--dump-state",
        &first_arg,
    ]);
    let before: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&first).unwrap()).unwrap();
    assert_eq!(before["features"], serde_json::json!(["x1", "x2"]));
    let chip = &before["positions"]["chips"]["x1_sq"];
    let column = &before["positions"]["columns"][0];
    let (cx, cy) = (chip[0].as_f64().unwrap(), chip[1].as_f64().unwrap());
    let (tx, ty) = (column[0].as_f64().unwrap(), column[1].as_f64().unwrap());

    let after = dir.path().join("after.json");
    let bin = env!("CARGO_BIN_EXE_neural-sandbox");
    let mut moves = String::new();
    for k in 1..=8 {
        let t = k as f64 / 8.0;
        moves.push_str(&format!(
            "xdotool mousemove {} {}; sleep 0.1; ",
            (cx + (tx - cx) * t).round(),
            (cy + (ty - cy) * t).round()
        ));
    }
    // Wait for the sandbox (its first state dump), drag, then wait until the dump shows the
    // change (or give up after 20 s) and stop the game.
    let script = format!(
        r#"
        "{bin}" --preset default --window 1280x760 --dump-state "{after}" --save-dir "{saves}" &
        game=$!
        for i in $(seq 300); do grep -q Sandbox "{after}" 2>/dev/null && break; sleep 0.1; done
        wid=$(xdotool search --name "Neural Sandbox" 2>/dev/null | head -1)
        xdotool windowfocus "$wid" 2>/dev/null
        sleep 0.5
        xdotool mousemove {cx} {cy}; sleep 0.5
        xdotool mousedown 1; sleep 0.25
        {moves}
        sleep 0.5
        xdotool mouseup 1
        for i in $(seq 200); do grep -q x1_sq "{after}" 2>/dev/null && break; sleep 0.1; done
        sleep 0.5
        xdotool key ctrl+q
        for i in $(seq 50); do kill -0 $game 2>/dev/null || break; sleep 0.1; done
        kill $game 2>/dev/null
        wait $game
        true
        "#,
        after = after.display(),
        saves = dir.path().display(),
        cx = cx.round(),
        cy = cy.round(),
    );
    let output = std::process::Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24", "sh", "-c", &script])
        .output()
        .expect("xvfb-run is needed: run `sudo .ci/install.sh` (installs Xvfb, Mesa and xdotool)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let dump: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&after).expect("the game wrote its state when it quit"),
    )
    .unwrap();
    assert_eq!(
        dump["features"],
        serde_json::json!(["x1", "x2", "x1_sq"]),
        "{dump}"
    );
    assert_eq!(dump["neuron_entities"], 3 + 4 + 2 + 1);
}

mod levels {
    //! Issue 5: challenge levels, headless.
    use super::*;
    use neural_sandbox::game::testing::LevelsAvailable;
    use neural_sandbox::game::testing::playground::{LevelRun, Phase};
    use neural_sandbox::game::testing::{LevelCatalog, LevelCommand};
    use neural_sandbox::game::testing::{SaveLocation, SavedProgress};

    fn command(app: &mut App, c: LevelCommand) {
        app.world_mut().write_message(c);
        run(app, 2);
    }

    fn phase(app: &App) -> Phase {
        app.world().resource::<LevelRun>().phase.clone()
    }

    /// Plays until the run ends (won or failed), at 1000 epochs per second.
    fn play_out(app: &mut App) {
        act(app, SimAction::SetSpeed(TrainingSpeed::PerSecond(1000)));
        act(app, SimAction::TogglePlay);
        for _ in 0..3000 {
            app.update();
            if matches!(phase(app), Phase::Won(_) | Phase::Failed) {
                return;
            }
        }
        panic!("the level never ended: {:?}", phase(app));
    }

    #[test]
    fn the_shipped_levels_load_in_order_with_the_first_open() {
        let app = loaded_with(None, SaveLocation::Memory);
        assert_eq!(
            *app.world().resource::<State<Screen>>().get(),
            Screen::Title
        );
        let catalog = app.world().resource::<LevelCatalog>();
        assert!(catalog.problems.is_empty(), "{:?}", catalog.problems);
        let levels = catalog.levels();
        assert!(levels.len() >= 8);
        assert_eq!(levels[0].id, "perceptron");
        assert!(levels.windows(2).all(|w| w[0].order < w[1].order));
        assert!(app.world().resource::<LevelsAvailable>().0);
        let saved = app.world().resource::<SavedProgress>();
        let ids: Vec<&str> = levels.iter().map(|l| l.id.as_str()).collect();
        assert!(saved.progress.is_unlocked(&ids, 0));
        assert!(
            !saved.progress.is_unlocked(&ids, 1),
            "level 2 is locked until level 1 is solved"
        );
    }

    #[test]
    fn a_level_is_won_when_the_network_meets_the_goal_and_progress_is_saved() {
        let dir = tempfile::tempdir().unwrap();
        let mut app = loaded_with(None, SaveLocation::Folder(dir.path().to_path_buf()));
        command(&mut app, LevelCommand::Start("circle".into()));
        assert_eq!(
            *app.world().resource::<State<Screen>>().get(),
            Screen::Level
        );
        assert_eq!(phase(&app), Phase::Briefing);
        // The start alone does not solve it: the budget runs out.
        command(&mut app, LevelCommand::BeginPlaying);
        play_out(&mut app);
        assert_eq!(phase(&app), Phase::Failed);
        assert_eq!(
            sim(&app).experiment.epoch(),
            400,
            "training stops exactly at the budget"
        );
        // Build the answer by hand: a hidden layer of three neurons, learning rate 0.1.
        command(&mut app, LevelCommand::Retry);
        assert_eq!(phase(&app), Phase::Playing);
        act(&mut app, SimAction::AddLayer);
        act(&mut app, SimAction::AddNeuron { layer: 0 });
        let mut config = sim(&app).experiment.config().clone();
        config.learning_rate = 0.1;
        act(&mut app, SimAction::Configure(Box::new(config)));
        act(&mut app, SimAction::Reset);
        play_out(&mut app);
        let Phase::Won(outcome) = phase(&app) else {
            panic!("{:?}", phase(&app))
        };
        assert!(outcome.solved_at.unwrap() <= 400);
        assert!(
            outcome.stars[0] && outcome.stars[1],
            "goal and at most 3 neurons: {outcome:?}"
        );
        // Saved to disk, and read back by a new game.
        let record = app.world().resource::<SavedProgress>().progress.levels["circle"].clone();
        assert!(record.solved);
        let again = loaded_with(None, SaveLocation::Folder(dir.path().to_path_buf()));
        assert_eq!(
            again.world().resource::<SavedProgress>().progress.levels["circle"],
            record
        );
    }

    #[test]
    fn the_palette_is_enforced() {
        let mut app = loaded_with(None, SaveLocation::Memory);
        command(&mut app, LevelCommand::Start("perceptron".into()));
        command(&mut app, LevelCommand::BeginPlaying);
        let before = sim(&app).experiment.config().clone();
        let refusal = |app: &App| {
            app.world()
                .resource::<Notices>()
                .last_refusal()
                .unwrap_or("")
                .to_string()
        };
        act(&mut app, SimAction::AddFeature(Feature::SinX1));
        assert_eq!(refusal(&app), "sin X1 is not available in this level.");
        act(&mut app, SimAction::AddLayer);
        assert_eq!(refusal(&app), "The layers are fixed in this level.");
        let mut relu = before.clone();
        relu.activation = Activation::Relu;
        act(&mut app, SimAction::Configure(Box::new(relu)));
        assert_eq!(refusal(&app), "The activation is locked in this level.");
        let mut fast = before.clone();
        fast.learning_rate = 10.0;
        act(&mut app, SimAction::Configure(Box::new(fast)));
        assert!(refusal(&app).contains("not offered"), "{}", refusal(&app));
        assert_eq!(
            sim(&app).experiment.config(),
            &before,
            "nothing half-changed"
        );
        // What the palette allows goes through.
        act(&mut app, SimAction::AddFeature(Feature::X2));
        assert_eq!(
            sim(&app).experiment.network().features,
            vec![Feature::X1, Feature::X2]
        );
        // Leaving the level gives the sandbox back its freedom.
        app.world_mut()
            .resource_mut::<NextState<Screen>>()
            .set(Screen::Sandbox);
        run(&mut app, 3);
        act(&mut app, SimAction::AddLayer);
        assert!(!sim(&app).experiment.network().hidden_sizes().is_empty());
    }

    #[test]
    fn the_answer_solves_the_level_but_only_the_first_star_counts() {
        let mut app = loaded_with(None, SaveLocation::Memory);
        command(&mut app, LevelCommand::Start("xor".into()));
        command(&mut app, LevelCommand::BeginPlaying);
        command(&mut app, LevelCommand::Hint);
        assert_eq!(app.world().resource::<LevelRun>().hints_shown, 1);
        command(&mut app, LevelCommand::ShowAnswer);
        assert_eq!(
            sim(&app).experiment.network().features,
            vec![Feature::X1TimesX2]
        );
        play_out(&mut app);
        let Phase::Won(outcome) = phase(&app) else {
            panic!("{:?}", phase(&app))
        };
        assert_eq!(outcome.stars, vec![true, false, false]);
    }

    #[test]
    fn a_broken_level_file_is_listed_with_its_error_and_the_rest_stay_playable() {
        let dir = tempfile::tempdir().unwrap();
        let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("levels");
        for name in ["01-perceptron.ron", "02-xor.ron"] {
            std::fs::copy(shipped.join(name), dir.path().join(name)).unwrap();
        }
        std::fs::write(
            dir.path().join("03-broken.ron"),
            "(\n    id: \"broken\",\n    title: 3,\n)",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("index.ron"),
            "[\"01-perceptron.ron\", \"02-xor.ron\", \"03-broken.ron\", \"04-missing.ron\"]",
        )
        .unwrap();
        let app = loaded_with(Some(dir.path()), SaveLocation::Memory);
        let catalog = app.world().resource::<LevelCatalog>();
        assert_eq!(catalog.levels().len(), 2);
        let errors = level_file_errors(catalog);
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("levels/03-broken.ron:3:")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.contains("04-missing.ron") && e.contains("cannot be read")),
            "{errors:?}"
        );
    }

    #[test]
    fn a_corrupt_save_starts_fresh_with_a_warning_and_keeps_a_copy() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("progress.json"),
            "{\"version\": 1, \"levels\": [oops",
        )
        .unwrap();
        let app = loaded_with(None, SaveLocation::Folder(dir.path().to_path_buf()));
        let saved = app.world().resource::<SavedProgress>();
        assert!(saved.progress.levels.is_empty());
        let warning = saved.warning.clone().expect("a visible warning");
        assert!(warning.contains("starts fresh"), "{warning}");
        let copies = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with("progress.corrupt-")
            })
            .count();
        assert_eq!(copies, 1);
        assert_eq!(
            *app.world().resource::<State<Screen>>().get(),
            Screen::Title
        );
    }

    #[test]
    fn the_sandbox_comes_back_as_it_was_left() {
        let dir = tempfile::tempdir().unwrap();
        let mut app = loaded_with(None, SaveLocation::Folder(dir.path().to_path_buf()));
        app.world_mut()
            .resource_mut::<NextState<Screen>>()
            .set(Screen::Sandbox);
        run(&mut app, 3);
        let mut config = sim(&app).experiment.config().clone();
        config.dataset = DatasetKind::Spiral;
        config.learning_rate = 0.1;
        act(&mut app, SimAction::Configure(Box::new(config.clone())));
        app.world_mut()
            .resource_mut::<NextState<Screen>>()
            .set(Screen::Title);
        run(&mut app, 3);
        let mut again = loaded_with(None, SaveLocation::Folder(dir.path().to_path_buf()));
        again
            .world_mut()
            .resource_mut::<NextState<Screen>>()
            .set(Screen::Sandbox);
        run(&mut again, 3);
        let restored = sim(&again).experiment.config();
        assert_eq!(restored.dataset, DatasetKind::Spiral);
        assert_eq!(restored.learning_rate, 0.1);
    }
}

mod modes {
    //! Issue 9: two views of two networks, the mode's screen owning its training, exact undo,
    //! several classes.
    use super::*;
    use neural_sandbox::experiment::{Edit, Experiment, KeyShift};
    use neural_sandbox::game::testing::network_view::{
        NetworkView, ViewKeysShifted, ViewOptions, view_root,
    };

    /// Entities under a view root, by kind.
    fn pieces_of(app: &mut App, root: Entity) -> (usize, usize) {
        let world = app.world_mut();
        let neurons = world
            .query_filtered::<&InView, With<Neuron>>()
            .iter(world)
            .filter(|v| v.0 == root)
            .count();
        let edges = world
            .query_filtered::<&InView, With<Edge>>()
            .iter(world)
            .filter(|v| v.0 == root)
            .count();
        (neurons, edges)
    }

    fn expected_pieces(network: &neural_sandbox::nn::Network) -> (usize, usize) {
        let shape = network.shape();
        (
            shape.iter().sum(),
            shape.windows(2).map(|w| w[0] * w[1]).sum(),
        )
    }

    #[test]
    fn two_views_of_two_networks_side_by_side_without_leaks() {
        let mut app = loaded_app();
        let small = Experiment::new(ExperimentConfig::default()).unwrap();
        let big = Experiment::new(spiral_config()).unwrap();
        let spawn = |app: &mut App, network, x: f32| {
            let view = NetworkView::new(network, ViewOptions::default());
            app.world_mut()
                .spawn(view_root(
                    view,
                    ViewRect::new(Vec2::new(x, 40.0), Vec2::new(620.0, 700.0)),
                ))
                .id()
        };
        let a = spawn(&mut app, small.network().clone(), 0.0);
        let b = spawn(&mut app, big.network().clone(), 640.0);
        run(&mut app, 5);
        assert_eq!(pieces_of(&mut app, a), expected_pieces(small.network()));
        assert_eq!(pieces_of(&mut app, b), expected_pieces(big.network()));
        // Each root holds its own layout, entity maps and heatmaps.
        let layout_a = app.world().get::<ViewEntities>(a).unwrap().layout.clone();
        let layout_b = app.world().get::<ViewEntities>(b).unwrap().layout.clone();
        assert_eq!(layout_a.columns.len(), 4);
        assert_eq!(layout_b.columns.len(), 5);
        assert_eq!(app.world().get::<ViewHeatmaps>(a).unwrap().evaluations, 1);
        let before = entity_count(&mut app);

        // 100 edits to the first view's network (as its owner would make them), none to the
        // second: the second view never changes, the first always matches its network.
        let mut experiment = small;
        let rules = neural_sandbox::experiment::EditRules::default();
        let edits = [
            Edit::InsertLayer { at: 0 },
            Edit::AddNeuron { layer: 1 },
            Edit::AddFeature(Feature::SinX1),
            Edit::RemoveNeuron { layer: 1, index: 0 },
            Edit::RemoveFeature(Feature::SinX1),
            Edit::RemoveLayer { layer: 0 },
            Edit::AddNeuron { layer: 0 },
            Edit::RemoveNeuron { layer: 0, index: 4 },
            Edit::InsertLayer { at: 2 },
            Edit::RemoveLayer { layer: 2 },
        ];
        for k in 0..100 {
            let edit = edits[k % edits.len()];
            let shift = experiment.apply_edit(&edit, &rules).unwrap();
            {
                let mut view = app.world_mut().get_mut::<NetworkView>(a).unwrap();
                view.network = experiment.network().clone();
                view.shape_version += 1;
                view.weights_version += 1;
            }
            if let Some(shift) = shift {
                app.world_mut()
                    .write_message(ViewKeysShifted { view: a, shift });
            }
            run(&mut app, 2);
            if k % 9 == 0 {
                run(&mut app, 20);
                assert_eq!(
                    pieces_of(&mut app, a),
                    expected_pieces(experiment.network()),
                    "after edit {k}"
                );
            }
        }
        run(&mut app, 30);
        assert_eq!(experiment.network().hidden_sizes(), vec![4, 2]);
        assert_eq!(
            pieces_of(&mut app, a),
            expected_pieces(experiment.network())
        );
        assert_eq!(pieces_of(&mut app, b), expected_pieces(big.network()));
        assert_eq!(
            entity_count(&mut app),
            before,
            "no entity leaked over 100 edits"
        );
        // Despawning a root takes everything of its view with it.
        app.world_mut().entity_mut(a).despawn();
        run(&mut app, 2);
        assert_eq!(pieces_of(&mut app, a), (0, 0));
        assert_eq!(pieces_of(&mut app, b), expected_pieces(big.network()));
        let _ = KeyShift::LayerInserted(0);
    }

    #[test]
    fn training_runs_only_while_the_workbench_is_shown() {
        let mut app = sandbox(ExperimentConfig::default());
        act(&mut app, SimAction::TogglePlay);
        run(&mut app, 30);
        assert!(sim(&app).experiment.epoch() > 0);
        app.world_mut()
            .resource_mut::<NextState<Screen>>()
            .set(Screen::Title);
        run(&mut app, 3);
        let epoch = sim(&app).experiment.epoch();
        run(&mut app, 60);
        assert_eq!(
            sim(&app).experiment.epoch(),
            epoch,
            "nothing trains behind the title screen"
        );
    }

    #[test]
    fn undo_after_training_restores_the_weights_and_keeps_the_epoch() {
        let mut app = sandbox(ExperimentConfig::default());
        for _ in 0..50 {
            act(&mut app, SimAction::Step);
        }
        assert_eq!(sim(&app).experiment.epoch(), 50);
        let trained = sim(&app).experiment.network().clone();
        act(&mut app, SimAction::InsertLayer { at: 1 });
        assert_eq!(sim(&app).experiment.network().hidden_sizes(), vec![4, 2, 2]);
        act(&mut app, SimAction::Undo);
        assert_eq!(sim(&app).experiment.network(), &trained);
        assert_eq!(sim(&app).experiment.epoch(), 50);
        run(&mut app, 30);
        assert_graph_matches(&mut app);
    }

    /// The crash of issue 15, as a player meets it: "+" on the first hidden layer of the default
    /// sandbox, then Play.
    #[test]
    fn a_neuron_added_to_the_first_layer_then_play() {
        let mut app = sandbox(ExperimentConfig::default());
        act(&mut app, SimAction::AddNeuron { layer: 0 });
        assert_eq!(sim(&app).experiment.network().hidden_sizes(), vec![5, 2]);
        act(&mut app, SimAction::TogglePlay);
        run(&mut app, 60);
        assert!(sim(&app).playing);
        assert!(sim(&app).experiment.epoch() >= 50);
        assert!(sim(&app).experiment.latest().test_loss.is_finite());
        assert_graph_matches(&mut app);
    }

    #[test]
    fn a_four_class_spiral_shows_four_colours() {
        use neural_sandbox::game::testing::palette;
        let mut app = sandbox(ExperimentConfig {
            dataset: DatasetKind::SpiralArms,
            classes: 4,
            features: Feature::ALL.to_vec(),
            hidden_layers: vec![8, 8],
            optimizer: neural_sandbox::nn::OptimizerKind::Adam,
            learning_rate: 0.01,
            ..ExperimentConfig::default()
        });
        assert_graph_matches(&mut app);
        assert_eq!(sim(&app).experiment.network().outputs(), 4);
        for _ in 0..3 {
            act(&mut app, SimAction::Step);
        }
        act(
            &mut app,
            SimAction::SetSpeed(TrainingSpeed::PerSecond(1000)),
        );
        act(&mut app, SimAction::TogglePlay);
        run(&mut app, 40);
        assert!(sim(&app).experiment.latest().test_accuracy.unwrap() > 0.6);
        // The large image: every class's colour covers part of the plane.
        let handle = view_heatmaps(&app).output_image.clone().unwrap();
        let images = app.world().resource::<Assets<Image>>();
        let data = images.get(&handle).unwrap().data.clone().unwrap();
        for class in 0..4 {
            let full = palette::CLASS_COLORS[class];
            let a = 160.0 / 255.0;
            let shade = full.map(|c| (c as f32 * a + 255.0 * (1.0 - a)).round() as u8);
            let n = data
                .chunks_exact(4)
                .filter(|px| (0..3).all(|k| (px[k] as i32 - shade[k] as i32).abs() <= 3))
                .count();
            assert!(n > 100, "class {class}: {n} pixels of its full colour");
        }
    }
}

mod own_data {
    //! Issue 12: the student's own points in the sandbox.
    use super::*;
    use neural_sandbox::game::testing::OpenedFile;
    use neural_sandbox::game::testing::playground::{DATA_PURPOSE, OwnData};

    fn open_csv(app: &mut App, name: &str, text: &str) {
        app.world_mut().write_message(OpenedFile {
            purpose: DATA_PURPOSE,
            name: name.into(),
            bytes: text.as_bytes().to_vec(),
            path: None,
            companions: Vec::new(),
        });
        run(app, 2);
    }

    fn points(app: &App) -> usize {
        let data = sim(app).experiment.data();
        data.train.len() + data.test.len()
    }

    #[test]
    fn drawn_points_are_trained_on_and_undo_takes_back_the_last() {
        let mut app = sandbox(ExperimentConfig::default());
        let generated = sim(&app).experiment.data().clone();
        {
            let mut own = app.world_mut().resource_mut::<OwnData>();
            own.drawing_mode = true;
            // Two clusters: blue on the right, orange on the left.
            for i in 0..20 {
                own.remember();
                let label = if i % 2 == 0 { 1.0 } else { -1.0 };
                let t = f64::from(i) * 0.1;
                assert!(own.drawing.add(label * 3.0 + t, t - 1.0, label));
            }
        }
        let action = app
            .world()
            .resource::<OwnData>()
            .use_it()
            .expect("both sets have a point");
        act(&mut app, action);
        assert_eq!(points(&app), 20);
        assert_eq!(sim(&app).experiment.data_from_file(), Some("your drawing"));
        for _ in 0..100 {
            act(&mut app, SimAction::Step);
        }
        let accuracy = sim(&app).experiment.latest().test_accuracy.unwrap();
        assert!(accuracy > 0.8, "two clusters are easy: {accuracy}");
        let undone = {
            let mut own = app.world_mut().resource_mut::<OwnData>();
            assert!(own.undo());
            assert_eq!(own.drawing.len(), 19);
            own.use_it().unwrap()
        };
        act(&mut app, undone);
        assert_eq!(points(&app), 19);
        // Choosing a dataset brings back generated data.
        let mut config = sim(&app).experiment.config().clone();
        config.dataset = DatasetKind::Xor;
        act(&mut app, SimAction::Configure(Box::new(config)));
        assert_eq!(sim(&app).experiment.data_from_file(), None);
        assert_ne!(sim(&app).experiment.data(), &generated, "xor, not circle");
        assert_eq!(points(&app), generated.train.len() + generated.test.len());
    }

    fn wait_for_screen(app: &mut App, screen: Screen) {
        for _ in 0..3000 {
            app.update();
            if *app.world().resource::<State<Screen>>().get() == screen {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        panic!("never reached {screen:?}");
    }

    /// A teacher's lesson link opens its level as a challenge; a TensorFlow Playground link opens
    /// the sandbox on the page's own run (its loss before training is the page's).
    #[test]
    fn lesson_and_playground_links_open_what_they_carry() {
        use neural_sandbox::game::testing::GameArgs;
        use neural_sandbox::game::testing::playground::LevelRun;
        use neural_sandbox::game::testing::playground::PlaygroundStart;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let lesson =
            std::fs::read_to_string(root.join("lessons/lesson-fence-in-the-blue-points.ron"))
                .unwrap();
        let link = format!("#{}", neural_sandbox::level::lesson::link_fragment(&lesson));
        let mut app = neural_sandbox::game::testing::headless_app();
        app.insert_resource(PlaygroundStart::from_args(&GameArgs::default(), Some(&link)).unwrap());
        wait_for_screen(&mut app, Screen::Level);
        run(&mut app, 3);
        let run_level = &app.world().resource::<LevelRun>().level;
        assert_eq!(run_level.id, "lesson-fence-in-the-blue-points");

        let dir = root.join("playground-links/default-circle");
        let link = std::fs::read_to_string(dir.join("link.txt")).unwrap();
        let curve = std::fs::read_to_string(dir.join("playground_losses.csv")).unwrap();
        let first: Vec<f64> = curve
            .lines()
            .nth(1)
            .unwrap()
            .split(',')
            .map(|v| v.parse().unwrap())
            .collect();
        let mut app = neural_sandbox::game::testing::headless_app();
        app.insert_resource(
            PlaygroundStart::from_args(&GameArgs::default(), Some(link.trim())).unwrap(),
        );
        wait_for_screen(&mut app, Screen::Sandbox);
        run(&mut app, 3);
        let e = &sim(&app).experiment;
        assert_eq!(e.config().playground_seed.as_deref(), Some("0.80412"));
        let latest = e.latest();
        assert!((latest.train_loss - first[1]).abs() <= 1e-12 * first[1]);
        assert!((latest.test_loss - first[2]).abs() <= 1e-12 * first[2]);
    }

    #[test]
    fn a_link_carries_the_points_and_opens_on_them() {
        use neural_sandbox::game::testing::GameArgs;
        use neural_sandbox::game::testing::playground::PlaygroundStart;
        let mut drawing = neural_sandbox::data::drawing::Drawing::default();
        for i in 0..40 {
            let label = if i % 2 == 0 { 1.0 } else { -1.0 };
            drawing.add(
                label * 2.0 + f64::from(i % 5) * 0.1,
                f64::from(i) * 0.1 - 2.0,
                label,
            );
        }
        let mut theirs =
            neural_sandbox::experiment::Experiment::new(ExperimentConfig::default()).unwrap();
        theirs.use_own_data(drawing.data(), "your drawing").unwrap();
        let (link, left_out) = neural_sandbox::game::testing::playground::link_for(&theirs);
        assert_eq!(left_out, None);
        let mut app = neural_sandbox::game::testing::headless_app();
        app.insert_resource(PlaygroundStart::from_args(&GameArgs::default(), Some(&link)).unwrap());
        for _ in 0..500 {
            app.update();
            if *app.world().resource::<State<Screen>>().get() == Screen::Sandbox {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        run(&mut app, 3);
        let e = &sim(&app).experiment;
        assert_eq!(e.data_from_file(), Some("the link's points"));
        assert_eq!(e.data().train.len(), theirs.data().train.len());
        assert_eq!(e.data().test.len(), theirs.data().test.len());
        // More points than a link carries: the settings go, and the player is told.
        let mut many = neural_sandbox::data::drawing::Drawing::default();
        for i in 0..400 {
            many.add(
                f64::from(i % 20) * 0.5 - 5.0,
                f64::from(i / 20) * 0.5 - 5.0,
                1.0 - 2.0 * f64::from(i % 2),
            );
        }
        theirs.use_own_data(many.data(), "your drawing").unwrap();
        let (link, left_out) = neural_sandbox::game::testing::playground::link_for(&theirs);
        assert!(left_out.unwrap().contains("400 points"));
        assert!(!link.contains("pts="));
    }

    #[test]
    fn a_csv_opens_and_broken_ones_are_refused_with_line_and_column_keeping_everything() {
        let mut app = sandbox(ExperimentConfig::default());
        open_csv(
            &mut app,
            "mine.csv",
            "x1,x2,label,split\n1,1,1,train\n2,2,1,test\n-1,-1,0,train\n-2,-2,0,test\n",
        );
        assert_eq!(sim(&app).experiment.data_from_file(), Some("mine.csv"));
        assert_eq!(points(&app), 4);
        // 0 / 1 labels became -1 / +1, in the experiment and in the drawing.
        assert!(
            sim(&app)
                .experiment
                .data()
                .train
                .iter()
                .any(|e| e.label == -1.0)
        );
        assert_eq!(app.world().resource::<OwnData>().drawing.len(), 4);
        let before = sim(&app).experiment.data().clone();
        for (name, text, expect) in [
            (
                "broken.csv",
                "x1,x2,label\n1,1,1\n2,oops,1\n",
                "line 3: column 2",
            ),
            (
                "three.csv",
                "x1,x2,label,split\n1,1,0,train\n2,2,1,test\n3,3,2,train\n",
                "2-class",
            ),
            ("empty.csv", "", "header"),
            ("binary.csv", "\u{0}\u{1}\u{2}", "header"),
        ] {
            open_csv(&mut app, name, text);
            let refusal = last_refusal(&app);
            assert!(
                refusal.contains(name) && refusal.contains(expect),
                "{name}: {refusal}"
            );
            assert!(refusal.contains("unchanged"), "{refusal}");
            assert_eq!(
                sim(&app).experiment.data(),
                &before,
                "{name} changed nothing"
            );
            assert_eq!(app.world().resource::<OwnData>().drawing.len(), 4);
        }
        // Another class count: back to generated data (the labels would not fit).
        let mut config = sim(&app).experiment.config().clone();
        config.dataset = DatasetKind::Blobs;
        config.classes = 3;
        act(&mut app, SimAction::Configure(Box::new(config)));
        assert_eq!(sim(&app).experiment.data_from_file(), None);
        assert_eq!(sim(&app).experiment.config().classes, 3);
        run(&mut app, 5);
    }
}

mod compare {
    //! Issue 12: nine variants side by side.
    use super::*;
    use neural_sandbox::experiment::compare::{CompareSetting, ranking};
    use neural_sandbox::game::testing::playground::CompareRuns;

    #[test]
    fn nine_variants_train_side_by_side_and_the_best_becomes_the_sandbox() {
        let mut app = sandbox(ExperimentConfig {
            dataset: DatasetKind::Spiral,
            hidden_layers: vec![8, 8],
            ..ExperimentConfig::default()
        });
        let base = sim(&app).experiment.clone();
        {
            let mut compare = app.world_mut().resource_mut::<CompareRuns>();
            compare.first = CompareSetting::LearningRate;
            compare.second = Some(CompareSetting::Activation);
            compare.open = true;
            compare.start(&base).unwrap();
        }
        run(&mut app, 20);
        let compare = app.world().resource::<CompareRuns>();
        assert_eq!(compare.runs.len(), 9);
        let epochs: Vec<u64> = compare.runs.iter().map(|r| r.epoch()).collect();
        assert!(epochs[0] >= 20, "at least an epoch a frame: {epochs:?}");
        assert!(
            epochs.iter().all(|&e| e == epochs[0]),
            "all in step: {epochs:?}"
        );
        assert!(compare.runs.iter().all(|r| r.data() == base.data()));
        assert_eq!(sim(&app).experiment.epoch(), 0, "the sandbox itself waits");
        let best = compare.runs[ranking(&compare.runs)[0]].clone();
        app.world_mut()
            .write_message(SimAction::replace_with(best.clone(), Vec::new()));
        run(&mut app, 3);
        assert_eq!(sim(&app).experiment.config(), best.config());
        assert_eq!(sim(&app).experiment.network(), best.network());
        assert_eq!(sim(&app).experiment.epoch(), best.epoch());
        assert_graph_matches(&mut app);
        // Three runs of each of three variants: each variant's first run as before, the others
        // from other weights; the best run of the best variant is the one adopted.
        {
            let base = sim(&app).experiment.clone();
            let mut compare = app.world_mut().resource_mut::<CompareRuns>();
            compare.second = None;
            compare.seeds = 3;
            compare.start(&base).unwrap();
        }
        run(&mut app, 5);
        let compare = app.world().resource::<CompareRuns>();
        assert_eq!((compare.runs.len(), compare.run_seeds), (9, 3));
        assert!(
            compare
                .runs
                .iter()
                .all(|r| r.epoch() > 0 && r.data() == base.data())
        );
        assert_ne!(compare.runs[0].network(), compare.runs[1].network());
        // Leaving the sandbox pauses the variants.
        app.world_mut()
            .resource_mut::<NextState<Screen>>()
            .set(Screen::Title);
        run(&mut app, 3);
        let paused: Vec<u64> = app
            .world()
            .resource::<CompareRuns>()
            .runs
            .iter()
            .map(|r| r.epoch())
            .collect();
        run(&mut app, 10);
        let later: Vec<u64> = app
            .world()
            .resource::<CompareRuns>()
            .runs
            .iter()
            .map(|r| r.epoch())
            .collect();
        assert_eq!(paused, later);
    }
}

mod experiment_files {
    //! Issue 12: a whole experiment in one file, opened in the sandbox.
    use super::*;
    use neural_sandbox::experiment::file::to_json;
    use neural_sandbox::game::testing::OpenedFile;
    use neural_sandbox::game::testing::playground::EXPERIMENT_PURPOSE;

    fn open(app: &mut App, name: &str, bytes: Vec<u8>) {
        app.world_mut().write_message(OpenedFile {
            purpose: EXPERIMENT_PURPOSE,
            name: name.into(),
            bytes,
            path: None,
            companions: Vec::new(),
        });
        run(app, 2);
    }

    #[test]
    fn a_classmates_experiment_opens_whole_and_bad_files_change_nothing() {
        // A classmate's run: the spiral, trained 30 epochs.
        let mut theirs = neural_sandbox::experiment::Experiment::new(spiral_config()).unwrap();
        theirs.step(30);
        let text = to_json(&theirs);
        let mut app = sandbox(ExperimentConfig::default());
        open(&mut app, "theirs.json", text.clone().into_bytes());
        let e = &sim(&app).experiment;
        assert_eq!(e.config(), theirs.config());
        assert_eq!(e.network(), theirs.network());
        assert_eq!(e.epoch(), 30);
        assert_eq!(e.history(), theirs.history());
        run(&mut app, 5);
        assert_graph_matches(&mut app);
        let before = sim(&app).experiment.network().clone();
        for (name, bytes, expect) in [
            (
                "newer.json",
                text.replacen("\"version\": 1", "\"version\": 2", 1)
                    .into_bytes(),
                "newer",
            ),
            (
                "half.json",
                text.as_bytes()[..text.len() / 3].to_vec(),
                "not an experiment file",
            ),
            (
                "image.json",
                vec![0x89, 0x50, 0x4e, 0x47, 0xff],
                "not a text file",
            ),
        ] {
            open(&mut app, name, bytes);
            let refusal = last_refusal(&app);
            assert!(
                refusal.contains(name) && refusal.contains(expect),
                "{refusal}"
            );
            assert!(refusal.contains("Nothing was changed"), "{refusal}");
            assert_eq!(sim(&app).experiment.network(), &before);
        }
    }
}

mod saves {
    //! Issue 15: a save folder that cannot be written never stops the game.
    use super::*;
    use neural_sandbox::game::testing::LevelCommand;
    use neural_sandbox::game::testing::playground::{LevelRun, Phase};
    use neural_sandbox::game::testing::{SaveLocation, SavedProgress};

    #[test]
    fn a_read_only_save_folder_is_said_and_the_game_goes_on() {
        // sysfs: a folder where nobody may create a file, not even root.
        let mut app = loaded_with(None, SaveLocation::Folder("/sys/kernel".into()));
        app.world_mut()
            .write_message(LevelCommand::Start("perceptron".into()));
        run(&mut app, 2);
        app.world_mut().write_message(LevelCommand::ShowAnswer);
        run(&mut app, 2);
        act(
            &mut app,
            SimAction::SetSpeed(TrainingSpeed::PerSecond(1000)),
        );
        act(&mut app, SimAction::TogglePlay);
        for _ in 0..600 {
            app.update();
            if matches!(
                app.world().resource::<LevelRun>().phase,
                Phase::Won(_) | Phase::Failed
            ) {
                break;
            }
        }
        run(&mut app, 2);
        let saved = app.world().resource::<SavedProgress>();
        assert!(saved.progress.levels["perceptron"].solved, "kept in memory");
        assert!(saved.failure.is_some());
        let notices = app.world().resource::<Notices>();
        assert!(
            notices
                .items
                .iter()
                .any(|n| n.text.contains("not being saved")),
            "{:?}",
            notices.items
        );
        // And the game plays on.
        app.world_mut()
            .resource_mut::<NextState<Screen>>()
            .set(Screen::Sandbox);
        run(&mut app, 3);
        act(&mut app, SimAction::Step);
        assert_eq!(sim(&app).experiment.epoch(), 1);
    }
}

mod random_player {
    //! Issue 15: a player that never tires. Thousands of random actions (every control, edits
    //! at any position, drags of every piece to anywhere, refused ones included, keys, undo and
    //! redo), then checks that nothing panicked, the entities mirror the network, and nothing
    //! grows: for each network shape met twice, the same number of entities and assets.
    use super::*;
    use bevy::camera::NormalizedRenderTarget;
    use bevy::picking::backend::HitData;
    use bevy::picking::events::{Drag, DragEnd, DragStart, Pointer};
    use bevy::picking::pointer::{Location, PointerButton, PointerId};
    use neural_sandbox::game::testing::network_view::{LayerGrip, TrayTile};
    use rand::RngExt;

    fn at(x: f32, y: f32) -> Location {
        Location {
            target: NormalizedRenderTarget::None {
                width: 1280,
                height: 760,
            },
            position: Vec2::new(x, y),
        }
    }

    /// A quick drag of `entity` to the window point `to`.
    fn drag_to(app: &mut App, entity: Entity, from: Vec2, to: Vec2) {
        let hit = HitData::new(Entity::PLACEHOLDER, 0.0, None, None);
        let button = PointerButton::Primary;
        app.world_mut().trigger(Pointer::new(
            PointerId::Mouse,
            at(from.x, from.y),
            DragStart { button, hit },
            entity,
        ));
        app.world_mut().trigger(Pointer::new(
            PointerId::Mouse,
            at(to.x, to.y),
            Drag {
                button,
                distance: to - from,
                delta: to - from,
            },
            entity,
        ));
        app.world_mut().trigger(Pointer::new(
            PointerId::Mouse,
            at(to.x, to.y),
            DragEnd {
                button,
                distance: to - from,
            },
            entity,
        ));
    }

    fn draggable(app: &mut App) -> Vec<Entity> {
        let world = app.world_mut();
        let mut all: Vec<Entity> = world
            .query_filtered::<Entity, Or<(
                With<FeatureChip>,
                With<Neuron>,
                With<TrayTile>,
                With<LayerGrip>,
            )>>()
            .iter(world)
            .collect();
        all.sort();
        all
    }

    fn random_action(app: &mut App, rng: &mut neural_sandbox::data::CoreRng) {
        let feature = Feature::ALL[rng.random_range(0..Feature::ALL.len())];
        let layer = rng.random_range(0..8);
        let index = rng.random_range(0..9);
        let key = match rng.random_range(0..4) {
            0 => NodeKey::Input(feature),
            1 => NodeKey::OUTPUT,
            _ => NodeKey::Hidden { layer, index },
        };
        let other = NodeKey::Hidden {
            layer: layer + 1,
            index: rng.random_range(0..9),
        };
        let value = if rng.random_range(0..8) == 0 {
            f64::NAN
        } else {
            rng.random::<f64>() * 8.0 - 4.0
        };
        let action = match rng.random_range(0..26) {
            0 => SimAction::TogglePlay,
            1 => SimAction::Step,
            2 => SimAction::Reset,
            3 => SimAction::Regenerate,
            4 => SimAction::AddLayer,
            5 => SimAction::InsertLayer { at: layer },
            6 => SimAction::RemoveLayer,
            7 => SimAction::RemoveLayerAt { layer },
            8 | 9 => SimAction::AddNeuron { layer },
            10 => SimAction::RemoveNeuron { layer },
            11 => SimAction::RemoveNeuronAt { layer, index },
            12 | 13 => SimAction::ToggleFeature(feature),
            14 => SimAction::SetWeight {
                source: key,
                target: other,
                value,
            },
            15 => SimAction::SetBias { node: key, value },
            16 | 17 => SimAction::Undo,
            18 => SimAction::Redo,
            19 => SimAction::SetSpeed(
                TrainingSpeed::CHOICES[rng.random_range(0..TrainingSpeed::CHOICES.len())],
            ),
            20..=22 => {
                let mut c = sim(app).experiment.config().clone();
                match rng.random_range(0..8) {
                    0 => c.dataset = DatasetKind::ALL[rng.random_range(0..DatasetKind::ALL.len())],
                    1 => c.classes = rng.random_range(1..8),
                    2 => c.learning_rate = [0.001, 0.03, 0.3, 3.0, 10.0][rng.random_range(0..5)],
                    3 => c.activation = Activation::ALL[rng.random_range(0..Activation::ALL.len())],
                    4 => c.noise = rng.random_range(0..60),
                    5 => c.batch_size = rng.random_range(0..40),
                    6 => c.loss = neural_sandbox::nn::Loss::ALL[rng.random_range(0..3)],
                    _ => {
                        c.optimizer = neural_sandbox::nn::OptimizerKind::ALL[rng.random_range(0..3)]
                    }
                }
                SimAction::Configure(Box::new(c))
            }
            _ => {
                // A drag of any piece to anywhere: onto a column, the bin, the palette, off the
                // window.
                let pieces = draggable(app);
                if pieces.is_empty() {
                    return;
                }
                let entity = pieces[rng.random_range(0..pieces.len())];
                let from = Vec2::new(
                    rng.random_range(300.0..940.0),
                    rng.random_range(60.0..740.0),
                );
                let to = Vec2::new(
                    rng.random_range(-50.0..1330.0),
                    rng.random_range(-50.0..810.0),
                );
                drag_to(app, entity, from, to);
                app.update();
                return;
            }
        };
        act(app, action);
    }

    /// Counts that must come back the same whenever the network has the same shape.
    fn footprint(app: &mut App) -> (usize, usize, usize) {
        let entities = entity_count(app);
        let images = app.world().resource::<Assets<Image>>().len();
        let meshes = app.world().resource::<Assets<Mesh>>().len();
        (entities, images, meshes)
    }

    fn play(seed: u64, actions: usize) {
        let mut app = sandbox(ExperimentConfig::default());
        let mut rng = neural_sandbox::data::seeded_rng(seed, 1);
        let mut seen: std::collections::HashMap<String, (usize, usize, usize)> =
            std::collections::HashMap::new();
        let mut repeats = 0;
        let mut epochs = 0;
        for step in 0..actions {
            random_action(&mut app, &mut rng);
            if step % 50 == 49 {
                // Twice: where the player got to, then back at the Playground's default network
                // (which then recurs all along the run).
                for back_to_default in [false, true] {
                    if back_to_default {
                        act(&mut app, SimAction::Configure(Box::default()));
                    }
                    // Let fades finish, then compare.
                    act(&mut app, SimAction::Pause);
                    run(&mut app, 20);
                    assert_graph_matches(&mut app);
                    let network = sim(&app).experiment.network().clone();
                    let shape = format!("{:?} {:?}", network.features, network.shape());
                    let now = footprint(&mut app);
                    epochs += sim(&app).experiment.epoch();
                    match seen.get(&shape) {
                        Some(before) => {
                            repeats += 1;
                            assert_eq!(
                                *before, now,
                                "seed {seed}, step {step}: entities, images and meshes for {shape}"
                            )
                        }
                        None => {
                            seen.insert(shape, now);
                        }
                    }
                }
            }
        }
        eprintln!(
            "random player: {actions} actions, {} shapes met, {repeats} met again with the same footprint",
            seen.len()
        );
        // The run went places: many shapes, and some of them more than once.
        assert!(
            seen.len() >= 5 && repeats >= 3,
            "{} shapes, {repeats} repeats",
            seen.len()
        );
        assert!(epochs > 0, "it trained too");
    }

    #[test]
    fn a_random_player_never_breaks_the_game() {
        play(7, 2_000);
    }

    /// The long run, on demand: `NEURAL_SANDBOX_LONG_RUN=100000 cargo test --release --test game
    /// long_random_player_in_the_game -- --nocapture`.
    #[test]
    fn long_random_player_in_the_game() {
        let Some(actions) = std::env::var("NEURAL_SANDBOX_LONG_RUN")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
        else {
            return;
        };
        let start = std::time::Instant::now();
        play(2026, actions);
        eprintln!(
            "long random player in the game: {actions} actions without a fault in {:.0} s",
            start.elapsed().as_secs_f64()
        );
    }
}

mod background_training {
    //! Issue 16: Max speed in the sandbox trains on its own thread, and the run it hands back is
    //! exactly the run the main thread would have made.
    use super::*;
    use neural_sandbox::experiment::Experiment;
    use neural_sandbox::game::testing::playground::Background;

    #[test]
    fn max_trains_on_its_own_thread_and_hands_back_the_exact_run() {
        let config = ExperimentConfig {
            dataset: DatasetKind::Spiral,
            hidden_layers: vec![8, 8],
            ..ExperimentConfig::default()
        };
        let mut app = sandbox(config.clone());
        act(&mut app, SimAction::SetSpeed(TrainingSpeed::Max));
        act(&mut app, SimAction::TogglePlay);
        let mut shown = Vec::new();
        for _ in 0..40 {
            app.update();
            std::thread::sleep(std::time::Duration::from_millis(5));
            shown.push(sim(&app).experiment.epoch());
        }
        assert!(app.world().resource::<Background>().running());
        assert!(
            shown.windows(2).all(|w| w[0] <= w[1]) && *shown.last().unwrap() > 0,
            "the frames show the thread's progress: {shown:?}"
        );
        assert_graph_matches(&mut app);
        act(&mut app, SimAction::Pause);
        assert!(!app.world().resource::<Background>().running());
        let epoch = sim(&app).experiment.epoch();
        assert!(epoch > 0);
        let mut direct = Experiment::new(config).unwrap();
        direct.step(epoch);
        assert_eq!(direct.network(), sim(&app).experiment.network());
        let bits = |e: &Experiment| -> Vec<u64> {
            e.history().iter().map(|s| s.test_loss.to_bits()).collect()
        };
        assert_eq!(bits(&direct), bits(&sim(&app).experiment));
        // Training on goes on from exactly there.
        act(&mut app, SimAction::Step);
        direct.step(1);
        assert_eq!(direct.network(), sim(&app).experiment.network());
    }

    #[test]
    fn leaving_the_workbench_stops_the_thread() {
        let mut app = sandbox(ExperimentConfig::default());
        act(&mut app, SimAction::SetSpeed(TrainingSpeed::Max));
        act(&mut app, SimAction::TogglePlay);
        run(&mut app, 10);
        assert!(app.world().resource::<Background>().running());
        app.world_mut()
            .resource_mut::<NextState<Screen>>()
            .set(Screen::Title);
        run(&mut app, 3);
        assert!(!app.world().resource::<Background>().running());
        let epoch = sim(&app).experiment.epoch();
        std::thread::sleep(std::time::Duration::from_millis(50));
        run(&mut app, 5);
        assert_eq!(sim(&app).experiment.epoch(), epoch);
    }
}

mod gan {
    //! Issue 10: the GAN mode, headless: GAN Lab's opening trained in the background, both
    //! networks mirrored, slow motion and manual steps that equal the core's epoch, live and
    //! structural settings, blow-ups, models opened and saved, and a random player.
    use super::*;
    use neural_sandbox::game::testing::OpenedFile;
    use neural_sandbox::game::testing::gan::GanLevelRun;
    use neural_sandbox::game::testing::gan::GanViews;
    use neural_sandbox::game::testing::gan::PURPOSE;
    use neural_sandbox::game::testing::gan::{GanAction, GanSim, GanSpeed};
    use neural_sandbox::game::testing::network_view::NetworkView;
    use neural_sandbox::gan::file::model_to_json;
    use neural_sandbox::gan::{Distribution, Gan, GanLoss, GanSettings, StepKind};
    use rand::RngExt;

    fn gan_app(sim: Option<GanSim>) -> App {
        let mut app = loaded_app();
        if let Some(sim) = sim {
            app.insert_resource(sim);
        }
        app.world_mut()
            .resource_mut::<NextState<Screen>>()
            .set(Screen::Gan);
        run(&mut app, 3);
        app
    }

    /// A fresh run of GAN Lab's gaussians preset, not trained.
    fn fresh() -> GanSim {
        GanSim::with_gan(Gan::new(GanSettings::default()).unwrap(), "test")
    }

    fn gan_sim(app: &App) -> &GanSim {
        app.world().resource::<GanSim>()
    }

    fn act(app: &mut App, action: GanAction) {
        app.world_mut().write_message(action);
        app.update();
    }

    fn views(app: &App) -> (Entity, Entity) {
        let v = app.world().resource::<GanViews>();
        (
            v.generator.expect("the generator is drawn"),
            v.discriminator.expect("the discriminator is drawn"),
        )
    }

    fn neurons_of(app: &mut App, root: Entity) -> usize {
        let world = app.world_mut();
        world
            .query_filtered::<&InView, With<Neuron>>()
            .iter(world)
            .filter(|v| v.0 == root)
            .count()
    }

    fn same_weights(a: &neural_sandbox::nn::Network, b: &neural_sandbox::nn::Network) -> bool {
        a.layers.len() == b.layers.len()
            && a.layers.iter().zip(&b.layers).all(|(x, y)| {
                x.weights
                    .iter()
                    .zip(&y.weights)
                    .all(|(p, q)| p.to_bits() == q.to_bits())
                    && x.biases
                        .iter()
                        .zip(&y.biases)
                        .all(|(p, q)| p.to_bits() == q.to_bits())
            })
    }

    #[test]
    fn the_mode_opens_on_ganlabs_starting_point_trained_here() {
        let mut app = gan_app(None);
        assert!(gan_sim(&app).preparing.is_some(), "it starts by training");
        for _ in 0..2_000 {
            if gan_sim(&app).preparing.is_none() {
                break;
            }
            app.update();
        }
        let sim = gan_sim(&app);
        assert!(sim.preparing.is_none(), "the start was reached");
        assert_eq!(sim.gan.epoch(), 1931);
        assert!(!sim.playing);
        // The same as the core trained alone from the same seed, bit for bit.
        let mut core = Gan::new(GanSettings::default()).unwrap();
        for _ in 0..1931 {
            core.train_epoch(false);
        }
        assert!(same_weights(&core.generator, &sim.gan.generator));
        assert!(same_weights(&core.discriminator, &sim.gan.discriminator));
        // Measured along the way: the chart has a history, not one point.
        let measured: std::collections::HashSet<u64> = sim
            .gan
            .history()
            .iter()
            .map(|r| r.js_precise.to_bits())
            .collect();
        assert!(measured.len() > 50, "{} distinct measures", measured.len());
        run(&mut app, 3);
        let (g, d) = views(&app);
        let sim = gan_sim(&app);
        let g_expected: usize = sim.gan.generator.shape().iter().sum();
        let d_expected: usize = sim.gan.discriminator.shape().iter().sum();
        assert_eq!(neurons_of(&mut app, g), g_expected);
        assert_eq!(neurons_of(&mut app, d), d_expected);
        // Leaving and coming back keeps the run.
        app.world_mut()
            .resource_mut::<NextState<Screen>>()
            .set(Screen::Title);
        run(&mut app, 3);
        assert_eq!(neurons_of(&mut app, g), 0, "the views go with the screen");
        let epoch = gan_sim(&app).gan.epoch();
        app.world_mut()
            .resource_mut::<NextState<Screen>>()
            .set(Screen::Gan);
        run(&mut app, 3);
        assert_eq!(gan_sim(&app).gan.epoch(), epoch);
        let (g, _) = views(&app);
        assert_eq!(neurons_of(&mut app, g), g_expected);
    }

    #[test]
    fn playing_trains_at_the_chosen_speed_and_only_on_this_screen() {
        let mut app = gan_app(Some(fresh()));
        act(&mut app, GanAction::TogglePlay);
        run(&mut app, 10);
        let after = gan_sim(&app).gan.epoch();
        assert!((10..=11).contains(&after), "one epoch a frame: {after}");
        act(&mut app, GanAction::Speed(GanSpeed::PerFrame(20)));
        let before = gan_sim(&app).gan.epoch();
        run(&mut app, 5);
        // Twenty a frame, unless the frame's training budget runs out first (a slow machine
        // keeps its frame rate): never more, and at least one a frame.
        let trained = gan_sim(&app).gan.epoch() - before;
        assert!((5..=100).contains(&trained), "{trained}");
        app.world_mut()
            .resource_mut::<NextState<Screen>>()
            .set(Screen::Title);
        run(&mut app, 2);
        let away = gan_sim(&app).gan.epoch();
        run(&mut app, 10);
        assert_eq!(gan_sim(&app).gan.epoch(), away, "no training off screen");
    }

    #[test]
    fn slow_motion_walks_ten_steps_and_makes_exactly_one_epoch() {
        let mut app = gan_app(Some(fresh()));
        let mut core = Gan::new(GanSettings::default()).unwrap();
        act(&mut app, GanAction::SlowMotion(true));
        assert!(gan_sim(&app).playing);
        let (g, d) = views(&app);
        let dimmed = |app: &App, root: Entity| app.world().get::<NetworkView>(root).unwrap().dimmed;
        // The discriminator's half: the generator is greyed.
        assert!(dimmed(&app, g) && !dimmed(&app, d));
        let g_before = gan_sim(&app).gan.generator.clone();
        for _ in 0..4 {
            act(&mut app, GanAction::NextSlowStep);
        }
        assert_eq!(gan_sim(&app).slow_motion.unwrap().step, 4);
        // Step 5 trained the discriminator only.
        assert!(same_weights(&g_before, &gan_sim(&app).gan.generator));
        assert!(!same_weights(
            &core.discriminator,
            &gan_sim(&app).gan.discriminator
        ));
        assert_eq!(gan_sim(&app).gan.epoch(), 0);
        for _ in 0..5 {
            act(&mut app, GanAction::NextSlowStep);
        }
        assert_eq!(gan_sim(&app).slow_motion.unwrap().step, 9);
        assert!(
            !dimmed(&app, g) && dimmed(&app, d),
            "now the generator's turn"
        );
        core.train_epoch(true);
        assert_eq!(gan_sim(&app).gan.epoch(), 1);
        assert!(same_weights(&core.generator, &gan_sim(&app).gan.generator));
        assert!(same_weights(
            &core.discriminator,
            &gan_sim(&app).gan.discriminator
        ));
        // Time alone walks on too: 1.25 s a step at 60 frames a second.
        run(&mut app, 80);
        assert_eq!(gan_sim(&app).slow_motion.unwrap().step, 0);
        // Half way through an epoch, leaving slow motion completes it.
        for _ in 0..5 {
            act(&mut app, GanAction::NextSlowStep);
        }
        act(&mut app, GanAction::TogglePlay);
        act(&mut app, GanAction::SlowMotion(false));
        core.train_epoch(true);
        assert_eq!(gan_sim(&app).gan.epoch(), 2);
        assert!(same_weights(&core.generator, &gan_sim(&app).gan.generator));
        let (g, d) = views(&app);
        assert!(!dimmed(&app, g) && !dimmed(&app, d));
    }

    #[test]
    fn manual_steps_move_one_network_each() {
        let mut app = gan_app(Some(fresh()));
        let start = gan_sim(&app).gan.clone();
        act(&mut app, GanAction::Step(StepKind::Discriminator));
        let sim = gan_sim(&app);
        assert_eq!(sim.gan.epoch(), 1);
        assert!(same_weights(&start.generator, &sim.gan.generator));
        assert!(!same_weights(&start.discriminator, &sim.gan.discriminator));
        let d_after = sim.gan.discriminator.clone();
        act(&mut app, GanAction::Step(StepKind::Generator));
        let sim = gan_sim(&app);
        assert_eq!(sim.gan.epoch(), 2);
        assert!(same_weights(&d_after, &sim.gan.discriminator));
        assert!(!same_weights(&start.generator, &sim.gan.generator));
        act(&mut app, GanAction::Step(StepKind::Both));
        assert_eq!(gan_sim(&app).gan.epoch(), 3);
        // The view shows the stepped weights.
        run(&mut app, 2);
        let (g, _) = views(&app);
        let shown = app.world().get::<NetworkView>(g).unwrap().network.clone();
        assert!(same_weights(&shown, &gan_sim(&app).gan.generator));
    }

    #[test]
    fn live_settings_keep_the_run_and_structural_ones_start_anew() {
        let mut app = gan_app(Some(fresh()));
        act(&mut app, GanAction::Speed(GanSpeed::PerFrame(5)));
        act(&mut app, GanAction::TogglePlay);
        run(&mut app, 4);
        let epoch = gan_sim(&app).gan.epoch();
        let mut s = gan_sim(&app).gan.settings().clone();
        s.learning_rate_d = 0.01;
        s.loss = GanLoss::LeastSquares;
        s.k_d = 3;
        act(&mut app, GanAction::Settings(Box::new(s.clone())));
        assert!(gan_sim(&app).gan.epoch() >= epoch, "live: the run goes on");
        assert_eq!(gan_sim(&app).gan.settings().loss, GanLoss::LeastSquares);
        s.g_neurons = 5;
        act(&mut app, GanAction::Settings(Box::new(s.clone())));
        run(&mut app, 3);
        let sim = gan_sim(&app);
        assert!(sim.gan.epoch() < 40, "a new run");
        assert_eq!(sim.gan.generator.hidden_sizes(), vec![5, 5]);
        let (g, _) = views(&app);
        assert_eq!(neurons_of(&mut app, g), 2 + 5 + 5 + 2);
        // An impossible setting is refused with its reason and changes nothing.
        let mut bad = s.clone();
        bad.g_neurons = 0;
        act(&mut app, GanAction::Settings(Box::new(bad)));
        assert!(
            last_refusal(&app).contains("g_neurons"),
            "{}",
            last_refusal(&app)
        );
        assert_eq!(gan_sim(&app).gan.settings().g_neurons, 5);
        // Too many neurons to draw: the view gives way to a summary, and comes back.
        s.d_neurons = 100;
        act(&mut app, GanAction::Settings(Box::new(s.clone())));
        run(&mut app, 2);
        assert!(app.world().resource::<GanViews>().discriminator.is_none());
        s.d_neurons = 6;
        act(&mut app, GanAction::Settings(Box::new(s)));
        run(&mut app, 2);
        let (_, d) = views(&app);
        assert_eq!(neurons_of(&mut app, d), 2 + 6 + 6 + 1);
        // A preset per dataset, faithful or tuned; the seed is kept.
        if gan_sim(&app).playing {
            act(&mut app, GanAction::TogglePlay);
        }
        act(
            &mut app,
            GanAction::Preset {
                distribution: Distribution::Ring,
                tuned: true,
            },
        );
        let s = gan_sim(&app).gan.settings().clone();
        assert_eq!(
            s,
            GanSettings {
                seed: 1,
                ..GanSettings::tuned(Distribution::Ring)
            }
        );
        // Reset with the same seed gives the same start.
        let first = gan_sim(&app).gan.generator.clone();
        for _ in 0..3 {
            act(&mut app, GanAction::Step(StepKind::Both));
        }
        assert!(!same_weights(&first, &gan_sim(&app).gan.generator));
        act(&mut app, GanAction::Reset);
        assert_eq!(gan_sim(&app).gan.epoch(), 0);
        assert!(same_weights(&first, &gan_sim(&app).gan.generator));
    }

    #[test]
    fn a_blow_up_is_said_and_reset_recovers() {
        // GAN Lab's settings cannot make these networks blow up (ReLU units die first), so the
        // run starts from a model whose weights are absurd (1e300): the first step overflows.
        let mut app = gan_app(Some(fresh()));
        let mut model: serde_json::Value =
            serde_json::from_str(&model_to_json(&gan_sim(&app).gan)).unwrap();
        for network in ["generator", "discriminator"] {
            for layer in model[network]["layers"].as_array_mut().unwrap() {
                for row in layer["weights"].as_array_mut().unwrap() {
                    for w in row.as_array_mut().unwrap() {
                        *w = serde_json::json!(1e300);
                    }
                }
            }
        }
        open(
            &mut app,
            "absurd.json",
            model.to_string().into_bytes(),
            None,
        );
        assert_eq!(
            gan_sim(&app).origin,
            "absurd.json",
            "{}",
            last_refusal(&app)
        );
        act(&mut app, GanAction::TogglePlay);
        for _ in 0..10 {
            if gan_sim(&app).diverged_at.is_some() {
                break;
            }
            app.update();
        }
        let sim = gan_sim(&app);
        let at = sim.diverged_at.expect("a learning rate of 10 blows up");
        assert!(!sim.playing);
        assert!(last_refusal(&app).contains(&format!("blew up at epoch {at}")));
        act(&mut app, GanAction::TogglePlay);
        assert!(!gan_sim(&app).playing, "no playing a blown-up run");
        act(&mut app, GanAction::Step(StepKind::Both));
        assert_eq!(gan_sim(&app).gan.epoch(), at);
        run(&mut app, 2);
        let (g, _) = views(&app);
        assert!(app.world().get::<NetworkView>(g).unwrap().diverged);
        act(&mut app, GanAction::Reset);
        let sim = gan_sim(&app);
        assert!(sim.diverged_at.is_none() && sim.gan.is_finite());
        assert_eq!(sim.gan.epoch(), 0);
    }

    fn open(app: &mut App, name: &str, bytes: Vec<u8>, path: Option<std::path::PathBuf>) {
        app.world_mut().write_message(OpenedFile {
            purpose: PURPOSE,
            name: name.into(),
            bytes,
            path,
            companions: Vec::new(),
        });
        run(app, 2);
    }

    #[test]
    fn models_save_and_open_ours_and_ganlabs() {
        let mut app = gan_app(Some(fresh()));
        act(&mut app, GanAction::Speed(GanSpeed::PerFrame(10)));
        act(&mut app, GanAction::TogglePlay);
        run(&mut app, 5);
        act(&mut app, GanAction::TogglePlay);
        let saved = model_to_json(&gan_sim(&app).gan);
        let trained = gan_sim(&app).gan.clone();
        act(&mut app, GanAction::Reset);
        open(&mut app, "mine.json", saved.into_bytes(), None);
        let sim = gan_sim(&app);
        assert_eq!(sim.gan.epoch(), trained.epoch());
        assert!(same_weights(&trained.generator, &sim.gan.generator));
        assert_eq!(sim.origin, "mine.json");
        // A broken file is refused and the run stays.
        open(&mut app, "broken.json", b"{\"generator\": 3".to_vec(), None);
        assert!(
            last_refusal(&app).contains("broken.json"),
            "{}",
            last_refusal(&app)
        );
        assert_eq!(gan_sim(&app).gan.epoch(), trained.epoch());
        open(&mut app, "binary.json", vec![0xff, 0xfe, 0x00], None);
        assert!(last_refusal(&app).contains("binary.json: is not text"));
        // GAN Lab's pretrained model: natively from its path (weights beside it)...
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/models/ganlab-pretrained");
        let json = dir.join("pretrained_ring.json");
        let text = std::fs::read(&json).expect("GAN Lab's pretrained models in ../shared/models");
        open(
            &mut app,
            "pretrained_ring.json",
            text.clone(),
            Some(json.clone()),
        );
        let sim = gan_sim(&app);
        assert_eq!(sim.gan.epoch(), 812);
        assert_eq!(sim.gan.settings().distribution, Distribution::Ring);
        // ...and as in the browser: the manifest first, then the weights file it asks for.
        act(
            &mut app,
            GanAction::Preset {
                distribution: Distribution::Gaussians,
                tuned: false,
            },
        );
        open(&mut app, "pretrained_ring.json", text, None);
        assert_eq!(gan_sim(&app).gan.epoch(), 0, "waiting for the weights");
        let weights = std::fs::read(dir.join("pretrained_ring.weights.bin")).unwrap();
        app.world_mut().write_message(OpenedFile {
            purpose: neural_sandbox::game::testing::gan::WEIGHTS_PURPOSE,
            name: "pretrained_ring.weights.bin".into(),
            bytes: weights,
            path: None,
            companions: Vec::new(),
        });
        run(&mut app, 2);
        assert_eq!(gan_sim(&app).gan.epoch(), 812);
        assert_eq!(
            gan_sim(&app).gan.settings().distribution,
            Distribution::Ring
        );
        // ...or both chosen together in one dialog: the weights come as the manifest's companion.
        act(
            &mut app,
            GanAction::Preset {
                distribution: Distribution::Gaussians,
                tuned: false,
            },
        );
        let weights = std::fs::read(dir.join("pretrained_ring.weights.bin")).unwrap();
        app.world_mut().write_message(OpenedFile {
            purpose: PURPOSE,
            name: "pretrained_ring.json".into(),
            bytes: std::fs::read(&json).unwrap(),
            path: None,
            companions: vec![("pretrained_ring.weights.bin".into(), weights)],
        });
        run(&mut app, 2);
        assert_eq!(gan_sim(&app).gan.epoch(), 812);
    }

    #[test]
    fn a_drawing_becomes_the_real_data() {
        let mut app = gan_app(Some(fresh()));
        let points = vec![[0.2, 0.2], [0.25, 0.22], [0.8, 0.7]];
        act(&mut app, GanAction::Drawing(points.clone()));
        let sim = gan_sim(&app);
        assert_eq!(sim.gan.settings().distribution, Distribution::Drawing);
        assert_eq!(sim.gan.settings().drawing, points);
        // Every real point is near a drawn one (0.02 noise per axis).
        for p in sim.gan.shown_real().chunks_exact(2) {
            let near = points
                .iter()
                .any(|q| (q[0] - p[0]).abs() < 0.12 && (q[1] - p[1]).abs() < 0.12);
            assert!(near, "{p:?}");
        }
        // An empty drawing is refused.
        act(&mut app, GanAction::Drawing(Vec::new()));
        assert!(
            last_refusal(&app).contains("drawing"),
            "{}",
            last_refusal(&app)
        );
        assert_eq!(gan_sim(&app).gan.settings().drawing, points);
    }

    fn random_action(app: &App, rng: &mut neural_sandbox::data::CoreRng) -> Option<GanAction> {
        let mut s = gan_sim(app).gan.settings().clone();
        Some(match rng.random_range(0..22) {
            0 | 1 => GanAction::TogglePlay,
            2 => GanAction::Reset,
            3 => GanAction::Step(StepKind::Discriminator),
            4 => GanAction::Step(StepKind::Generator),
            5 => GanAction::Step(StepKind::Both),
            6 => GanAction::SlowMotion(rng.random()),
            7 => GanAction::NextSlowStep,
            8 => GanAction::Speed(GanSpeed::CHOICES[rng.random_range(0..GanSpeed::CHOICES.len())]),
            9 => GanAction::Preset {
                distribution: Distribution::ALL[rng.random_range(0..Distribution::ALL.len())],
                tuned: rng.random(),
            },
            10 => GanAction::Drawing(
                (0..rng.random_range(0..30))
                    .map(|_| [rng.random_range(-1.0..2.0), rng.random_range(-1.0..2.0)])
                    .collect(),
            ),
            11 => GanAction::Prepare(rng.random_range(0..300)),
            12 => GanAction::SkipPreparation,
            _ => {
                match rng.random_range(0..9) {
                    0 => s.g_neurons = rng.random_range(0..30),
                    1 => s.d_layers = rng.random_range(0..7),
                    2 => {
                        s.learning_rate_g =
                            [0.001, 0.1, 1.0, 10.0, 20.0, f64::NAN][rng.random_range(0..6)]
                    }
                    3 => s.learning_rate_d = [0.001, 0.1, 1.0, 10.0][rng.random_range(0..4)],
                    4 => s.loss = GanLoss::ALL[rng.random_range(0..GanLoss::ALL.len())],
                    5 => s.k_d = rng.random_range(0..12),
                    6 => s.k_g = rng.random_range(0..12),
                    7 => s.noise_dims = rng.random_range(0..4),
                    _ => s.seed = rng.random_range(0..5),
                }
                GanAction::Settings(Box::new(s))
            }
        })
    }

    /// A random player: hundreds of actions, bad ones included; nothing panics, a blown-up run
    /// never trains, and the views always mirror the networks once settled.
    #[test]
    fn a_random_player_breaks_nothing() {
        use rand::SeedableRng;
        let mut app = gan_app(Some(fresh()));
        let mut rng = neural_sandbox::data::CoreRng::seed_from_u64(7);
        for k in 0..400 {
            if let Some(action) = random_action(&app, &mut rng) {
                app.world_mut().write_message(action);
            }
            run(&mut app, 1 + k % 3);
            let sim = gan_sim(&app);
            if sim.diverged_at.is_some() {
                assert!(!sim.playing);
            } else {
                assert!(sim.gan.is_finite());
            }
            if k % 50 == 49 {
                run(&mut app, 3);
                let v = app.world().resource::<GanViews>();
                let (g, d) = (v.generator, v.discriminator);
                let sim = gan_sim(&app);
                let (gn, dn) = (sim.gan.generator.clone(), sim.gan.discriminator.clone());
                for (root, network) in [(g, gn), (d, dn)] {
                    if let Some(root) = root {
                        assert_eq!(
                            neurons_of(&mut app, root),
                            network.shape().iter().sum::<usize>(),
                            "after action {k}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_gan_level_is_briefed_locked_judged_as_the_command_line_does_and_saved() {
        use neural_sandbox::game::testing::LevelPhase;
        use neural_sandbox::game::testing::SavedProgress;
        use neural_sandbox::game::testing::{LevelCatalog, LevelCommand};
        let mut app = loaded_app();
        let level = {
            let catalog = app.world().resource::<LevelCatalog>();
            assert_eq!(catalog.gan_levels().len(), 5);
            assert_eq!(catalog.ids_of_mode("GAN")[0], "gan-two-blobs");
            catalog.find_gan("gan-two-blobs").unwrap().clone()
        };
        let command = |app: &mut App, c: LevelCommand| {
            app.world_mut().write_message(c);
            run(app, 2);
        };
        command(&mut app, LevelCommand::Start("gan-two-blobs".into()));
        run(&mut app, 2);
        assert_eq!(
            *app.world().resource::<State<Screen>>().get(),
            Screen::GanLevel
        );
        let phase = |app: &App| app.world().resource::<GanLevelRun>().phase;
        assert_eq!(phase(&app), LevelPhase::Briefing);
        act(&mut app, GanAction::TogglePlay);
        assert!(!gan_sim(&app).playing);
        assert!(
            last_refusal(&app).contains("briefing"),
            "{}",
            last_refusal(&app)
        );
        command(&mut app, LevelCommand::BeginPlaying);
        assert_eq!(phase(&app), LevelPhase::Playing);
        // The level locks the data and the noise.
        act(
            &mut app,
            GanAction::Preset {
                distribution: Distribution::Ring,
                tuned: false,
            },
        );
        assert!(last_refusal(&app).contains("data is fixed"));
        let mut s = gan_sim(&app).gan.settings().clone();
        s.noise_dims = 1;
        act(&mut app, GanAction::Settings(Box::new(s)));
        assert!(
            last_refusal(&app).contains("noise"),
            "{}",
            last_refusal(&app)
        );
        assert_eq!(gan_sim(&app).gan.settings().noise_dims, 2);
        // The answer plays to the goal at the same epoch as `levels solve`.
        command(&mut app, LevelCommand::ShowAnswer);
        act(&mut app, GanAction::Speed(GanSpeed::Max));
        for _ in 0..3_000 {
            if phase(&app) != LevelPhase::Playing {
                break;
            }
            app.update();
        }
        assert_eq!(phase(&app), LevelPhase::Won);
        let expected = neural_sandbox::level::gan::play(&level, &level.solution.phases).unwrap();
        let run_state = app.world().resource::<GanLevelRun>().clone();
        assert_eq!(run_state.judge.solved_at, expected.judge.solved_at);
        assert_eq!(gan_sim(&app).gan.epoch(), expected.judge.solved_at.unwrap());
        assert!(!gan_sim(&app).playing);
        assert_eq!(
            run_state.stars(),
            vec![true, false, false],
            "only the first star with the answer"
        );
        run(&mut app, 2);
        let saved = app.world().resource::<SavedProgress>();
        assert!(saved.progress.is_solved("gan-two-blobs"));
        // Playing on is refused: the run is over until a retry.
        act(&mut app, GanAction::TogglePlay);
        assert!(!gan_sim(&app).playing);
        command(&mut app, LevelCommand::Retry);
        assert_eq!(phase(&app), LevelPhase::Playing);
        assert_eq!(gan_sim(&app).gan.epoch(), 0);
        // The free GAN screen gets its own run back.
        app.world_mut()
            .resource_mut::<NextState<Screen>>()
            .set(Screen::Gan);
        run(&mut app, 2);
        assert!(app.world().get_resource::<GanLevelRun>().is_none());
        assert_eq!(
            gan_sim(&app).gan.settings().distribution,
            Distribution::Gaussians
        );
    }

    /// The visual test: the real game opens the GAN mode, trained to GAN Lab's start; the plot
    /// holds real (green) and fake (purple) points and both networks are drawn.
    #[test]
    #[cfg_attr(
        not(feature = "dev"),
        ignore = "drives the game with the dev tools: --features dev"
    )]
    fn the_real_game_renders_the_gan_mode() {
        let _one = one_real_game_at_a_time();
        let dir = tempfile::tempdir().unwrap();
        let shot = dir.path().join("gan.png");
        let state = dir.path().join("state.json");
        let shot_arg = shot.display().to_string();
        let state_arg = state.display().to_string();
        run_game_under_xvfb(&[
            "--mode",
            "gan",
            "--window",
            "1280x760",
            "--screenshot",
            &shot_arg,
            "--after-frames",
            "90",
            "--dump-state",
            &state_arg,
        ]);
        let image = image::open(&shot).unwrap().to_rgb8();
        let dump: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
        assert_eq!(dump["mode"], "gan");
        assert_eq!(dump["epoch"], 1931, "the opening was trained: {dump}");
        let plot = &dump["plot"];
        let (x, y, w) = (
            plot[0].as_f64().unwrap() as u32,
            plot[1].as_f64().unwrap() as u32,
            plot[2].as_f64().unwrap() as u32,
        );
        use neural_sandbox::game::testing::palette::{FAKE, REAL};
        let area = (x, y, x + w, y + w);
        let green = count_near(&image, area, REAL, 30);
        let purple = count_near(&image, area, FAKE, 30);
        assert!(
            green > 800 && purple > 300,
            "green {green} px, purple {purple} px"
        );
        // Both networks, neuron by neuron: the generator (2 + 8 + 8 + 2) and the
        // discriminator (2 + 8 + 8 + 1).
        assert_eq!(dump["all_neuron_entities"], 20 + 19);
        assert_eq!(
            dump["neuron_entities"], 19,
            "the discriminator is the primary view"
        );
    }
}

mod cnn_mode {
    use super::*;
    use neural_sandbox::cnn::images::ImageDataset;
    use neural_sandbox::game::testing::OpenedFile;
    use neural_sandbox::game::testing::cnn::{CnnSim, ModelSource, Shown};

    fn cnn_app() -> App {
        let mut app = loaded_app();
        app.world_mut()
            .resource_mut::<NextState<Screen>>()
            .set(Screen::Cnn);
        run(&mut app, 3);
        app
    }

    fn cnn(app: &App) -> &CnnSim {
        app.world().resource::<CnnSim>()
    }

    #[test]
    fn the_cnn_mode_opens_trains_and_its_maps_follow_the_weights() {
        let mut app = cnn_app();
        let first_maps = cnn(&app).acts.clone();
        assert_eq!(cnn(&app).train.len(), 2000);
        assert_eq!(first_maps.outputs.len(), cnn(&app).model().layers.len());
        app.world_mut().resource_mut::<CnnSim>().playing = true;
        // Real time passes for the training budget: run frames until an epoch has ended.
        for _ in 0..3000 {
            app.update();
            if cnn(&app).training.history.len() >= 2 {
                break;
            }
        }
        let sim = cnn(&app);
        assert!(
            sim.training.history.len() >= 2,
            "epochs: {}",
            sim.training.epoch
        );
        let last = sim.training.history.last().unwrap();
        assert!(last.test.accuracy > 0.7, "{last:?}");
        assert_ne!(
            sim.acts.outputs, first_maps.outputs,
            "the maps follow the weights"
        );
        // The predictions of the last epoch back the confusion matrix and the mistakes.
        let confusion = sim.predictions.confusion(&sim.test);
        let total: usize = confusion.iter().flatten().sum();
        assert_eq!(total, sim.test.len());
        let status = app
            .world()
            .resource::<neural_sandbox::game::testing::Status>();
        assert_eq!(status.fields["mode"], "cnn");
    }

    #[test]
    fn bad_settings_are_refused_and_keep_the_network() {
        let mut app = cnn_app();
        let mut sim = app.world_mut().resource_mut::<CnnSim>();
        sim.regenerate(ImageDataset::Digits, 10, 3).unwrap();
        assert_eq!(sim.train.shape.height, 8);
        let before = sim.spec;
        let mut spec = before;
        spec.padding = neural_sandbox::cnn::Padding::Valid;
        spec.blocks = 3;
        let error = sim.set_spec(spec).unwrap_err();
        assert!(error.contains("does not fit"), "{error}");
        assert_eq!(sim.spec, before);
        assert!(sim.regenerate(ImageDataset::Shapes, 11, 0).is_err());
        assert_eq!(sim.dataset, ImageDataset::Digits);
        // A drawing of the wrong class is refused; one of a right class is added.
        assert!(sim.add_drawing(10).is_err());
        let n = sim.train.len();
        sim.add_drawing(2).unwrap();
        assert_eq!(sim.train.len(), n + 1);
    }

    #[test]
    fn a_picture_and_a_model_file_open_and_broken_ones_are_refused() {
        let mut app = cnn_app();
        let mut png = Vec::new();
        image::RgbImage::from_pixel(40, 30, image::Rgb([255, 255, 255]))
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let file = |purpose: &'static str, name: &str, bytes: Vec<u8>| OpenedFile {
            purpose,
            name: name.into(),
            bytes,
            path: None,
            companions: Vec::new(),
        };
        app.world_mut()
            .write_message(file("cnn-picture", "white.png", png));
        run(&mut app, 2);
        assert_eq!(cnn(&app).shown, Shown::Custom);
        assert!(cnn(&app).custom.iter().all(|&v| (v - 1.0).abs() < 1e-3));
        app.world_mut()
            .write_message(file("cnn-picture", "broken.png", b"not a png".to_vec()));
        run(&mut app, 2);
        assert!(
            last_refusal(&app).contains("broken.png"),
            "{}",
            last_refusal(&app)
        );
        // Our own model file (weights inline) opens in one go.
        let own = neural_sandbox::cnn::tfjs::to_json(&cnn(&app).training.model);
        app.world_mut()
            .write_message(file("cnn-model", "mine.json", own.into_bytes()));
        run(&mut app, 2);
        assert_eq!(cnn(&app).source, ModelSource::Opened("mine.json".into()));
        app.world_mut().write_message(file(
            "cnn-model",
            "bad.json",
            b"{\"modelTopology\": 3}".to_vec(),
        ));
        run(&mut app, 2);
        assert!(last_refusal(&app).contains("Cannot open the model"));
        assert_eq!(cnn(&app).source, ModelSource::Opened("mine.json".into()));
    }

    #[test]
    fn cnn_explainers_tiny_vgg_opens_in_two_files_like_in_the_browser() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/models/cnn-explainer-tiny-vgg");
        let Ok(manifest) = std::fs::read(dir.join("model.json")) else {
            eprintln!("skipped: no Tiny VGG next to the checkout");
            return;
        };
        let weights = std::fs::read(dir.join("group1-shard1of1.bin")).unwrap();
        let mut app = cnn_app();
        let file = |purpose: &'static str, name: &str, bytes: Vec<u8>| OpenedFile {
            purpose,
            name: name.into(),
            bytes,
            path: None,
            companions: Vec::new(),
        };
        app.world_mut()
            .write_message(file("cnn-model", "model.json", manifest));
        run(&mut app, 2);
        app.world_mut()
            .write_message(file("cnn-weights", "group1-shard1of1.bin", weights));
        run(&mut app, 2);
        let sim = cnn(&app);
        assert_eq!(sim.model().parameter_count(), 19_920);
        assert!(!sim.can_train());
        // The sample picture is an orange disc; Tiny VGG calls it an orange.
        let p = &sim.acts.probabilities;
        let best = (0..p.len()).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap();
        assert_eq!(sim.model().class_names[best], "orange");
        // Chosen together in one dialog (the browser's way), the weights come as a companion.
        let mut app = cnn_app();
        let weights = std::fs::read(dir.join("group1-shard1of1.bin")).unwrap();
        let manifest = std::fs::read(dir.join("model.json")).unwrap();
        app.world_mut().write_message(OpenedFile {
            purpose: "cnn-model",
            name: "model.json".into(),
            bytes: manifest,
            path: None,
            companions: vec![("group1-shard1of1.bin".into(), weights)],
        });
        run(&mut app, 2);
        assert_eq!(cnn(&app).model().parameter_count(), 19_920);
    }
}

mod cnn_levels {
    use super::*;
    use neural_sandbox::game::testing::LevelCommand;
    use neural_sandbox::game::testing::LevelPhase;
    use neural_sandbox::game::testing::Notices;
    use neural_sandbox::game::testing::cnn::CnnLevelRun;
    use neural_sandbox::game::testing::cnn::{CnnAction, CnnRules, CnnSim};

    fn start(id: &str) -> App {
        let mut app = loaded_app();
        app.world_mut()
            .write_message(LevelCommand::Start(id.into()));
        run(&mut app, 3);
        assert_eq!(
            *app.world().resource::<State<Screen>>().get(),
            Screen::CnnLevel
        );
        app.world_mut().write_message(LevelCommand::BeginPlaying);
        run(&mut app, 2);
        app
    }

    fn level(app: &App) -> &CnnLevelRun {
        app.world().resource::<CnnLevelRun>()
    }

    /// The player's change, applied in the next frame; what it was refused for, if it was.
    fn act(app: &mut App, action: CnnAction) -> Option<String> {
        let before = app.world().resource::<Notices>().items.len();
        app.world_mut().write_message(action);
        app.update();
        let notices = app.world().resource::<Notices>();
        (notices.items.len() > before)
            .then(|| notices.last_refusal().map(str::to_string))
            .flatten()
    }

    #[test]
    fn the_edge_level_is_won_by_typing_a_vertical_edge_kernel_and_saved() {
        let mut app = start("cnn-vertical-edges");
        assert!(
            !level(&app).allows_training(),
            "nothing to train in this level"
        );
        let refused = act(&mut app, CnnAction::Play(true)).unwrap_or_default();
        assert!(refused.contains("edit the kernel"), "{refused}");
        assert!(!app.world().resource::<CnnSim>().playing);
        // The first weights of conv_1_1 filter 0, channel 0, row by row (8 filters).
        let values = [-1.0, 0.0, 1.0, -1.0, 0.0, 1.0, -1.0, 0.0, 1.0];
        for (tap, value) in values.into_iter().enumerate() {
            app.world_mut().write_message(CnnAction::SetParameter {
                index: tap * 8,
                value,
            });
        }
        app.update();
        assert_eq!(
            level(&app).phase,
            LevelPhase::Won,
            "{:?}",
            level(&app).judge
        );
        // Locked settings are refused and change nothing.
        let spec = app.world().resource::<CnnSim>().spec;
        let mut wider = spec;
        wider.filters = 4;
        let refused = act(&mut app, CnnAction::Network(wider)).unwrap_or_default();
        assert!(refused.contains("does not let you change"), "{refused}");
        assert_eq!(app.world().resource::<CnnSim>().spec, spec);
        run(&mut app, 2);
        let saved = app
            .world()
            .resource::<neural_sandbox::game::testing::SavedProgress>();
        assert!(saved.progress.levels.contains_key("cnn-vertical-edges"));
        // Back on the free screen, the free run returns (the shapes, not the level's images).
        app.world_mut()
            .resource_mut::<NextState<Screen>>()
            .set(Screen::Cnn);
        run(&mut app, 2);
        assert!(app.world().get_resource::<CnnLevelRun>().is_none());
        assert_eq!(
            app.world().resource::<CnnSim>().dataset,
            neural_sandbox::cnn::images::ImageDataset::Shapes
        );
    }

    #[test]
    fn a_level_refuses_kernel_edits_and_locked_settings_and_its_answer_trains() {
        let mut app = start("cnn-one-pixel-kernels");
        fn sim(app: &App) -> &CnnSim {
            app.world().resource::<CnnSim>()
        }
        assert_eq!(sim(&app).spec.kernel, 1);
        let before = sim(&app).training.model.params[0];
        let refused = act(
            &mut app,
            CnnAction::SetParameter {
                index: 0,
                value: 3.0,
            },
        );
        assert_eq!(sim(&app).training.model.params[0], before);
        assert!(refused.unwrap_or_default().contains("kernels"));
        let mut fewer = sim(&app).spec;
        fewer.filters = 2;
        assert!(act(&mut app, CnnAction::Network(fewer)).is_some());
        assert!(act(&mut app, CnnAction::AddDrawing(0)).is_some());
        let mut three = sim(&app).spec;
        three.kernel = 3;
        assert_eq!(act(&mut app, CnnAction::Network(three)), None);
        assert_eq!(sim(&app).spec.kernel, 3);
        app.world_mut().write_message(LevelCommand::ShowAnswer);
        run(&mut app, 2);
        assert_eq!(sim(&app).spec.kernel, 3);
        assert!(sim(&app).playing);
        assert!(level(&app).answer_shown);
    }
}

mod hostile_files {
    //! Issue 25: a hostile file opened in the game (by Open..., or dropped onto the window)
    //! shows a notice, keeps the student's work and keeps the game on its screen.
    use super::*;
    use bevy::window::FileDragAndDrop;
    use neural_sandbox::game::testing::OpenedFile;
    use neural_sandbox::game::testing::cnn::CnnSim;
    use neural_sandbox::game::testing::gan::GanSim;
    use serde_json::json;

    fn opened(purpose: &'static str, name: &str, bytes: Vec<u8>) -> OpenedFile {
        OpenedFile {
            purpose,
            name: name.into(),
            bytes,
            path: None,
            companions: Vec::new(),
        }
    }

    /// Drops a file onto the (headless) window, as the player would.
    fn drop_file(app: &mut App, path: &std::path::Path) {
        app.world_mut().write_message(FileDragAndDrop::DroppedFile {
            window: Entity::PLACEHOLDER,
            path_buf: path.to_path_buf(),
        });
        run(app, 2);
    }

    fn screen(app: &App) -> Screen {
        *app.world().resource::<State<Screen>>().get()
    }

    /// A loaded game on `screen`.
    fn on_screen(screen: Screen) -> App {
        let mut app = loaded_app();
        app.world_mut()
            .resource_mut::<NextState<Screen>>()
            .set(screen);
        run(&mut app, 3);
        app
    }

    /// Sends `file`, checks a refusal saying `needle` came, and returns it.
    fn refused(app: &mut App, file: OpenedFile, needle: &str) -> String {
        let name = file.name.clone();
        app.world_mut().write_message(file);
        run(app, 2);
        let said = last_refusal(app);
        assert!(said.contains(needle), "{name}: {said}");
        assert!(
            said.chars().count() < 1100,
            "{name}: {} characters",
            said.len()
        );
        said
    }

    /// A TensorFlow.js model declaring an `h` x `w` x `c` input.
    fn tfjs_declaring(h: u64, w: u64, c: u64, units: u64) -> Vec<u8> {
        json!({
            "modelTopology": {"class_name": "Sequential", "config": {"layers": [
                {"class_name": "Flatten", "config": {"name": "f", "batch_input_shape": [null, h, w, c]}},
                {"class_name": "Dense", "config": {"name": "d", "units": units, "activation": "softmax"}}
            ]}},
            "weightsManifest": [{"paths": ["../../secret.bin"], "weights": []}]
        })
        .to_string()
        .into_bytes()
    }

    use super::pictures::png_declaring;

    #[test]
    fn hostile_data_and_experiment_files_keep_the_sandbox_and_its_network() {
        let mut app = sandbox(spiral_config());
        act(&mut app, SimAction::Step);
        let network = sim(&app).experiment.network().clone();
        let data = sim(&app).experiment.data().clone();
        let epoch = sim(&app).experiment.epoch();

        // Data files: a 5 MB field, seven classes, too many rows, a picture.
        refused(
            &mut app,
            opened(
                "dropped",
                "field.csv",
                format!("x1,x2,label\n{},1,1\n", "7".repeat(5_000_000)).into_bytes(),
            ),
            "(5000000 characters)",
        );
        refused(
            &mut app,
            opened(
                "dropped",
                "rows.csv",
                format!("x1,x2,label\n{}", "0.5,0.5,1\n".repeat(100_001)).into_bytes(),
            ),
            "more than 100000 rows",
        );
        refused(
            &mut app,
            opened("dropped", "big.csv", vec![b' '; 17 * 1024 * 1024]),
            "is too big for a data file",
        );
        // Experiment files: an epoch at the end of counting, a newer version, deep nesting.
        let mut file: serde_json::Value = serde_json::from_str(
            &neural_sandbox::experiment::file::to_json(&sim(&app).experiment),
        )
        .unwrap();
        file["history"] = json!([[0, 0.5, 0.5, 0.5, 0.5], [u64::MAX, 0.5, 0.5, 0.5, 0.5]]);
        refused(
            &mut app,
            opened("dropped", "late.json", file.to_string().into_bytes()),
            "the most an experiment may have trained",
        );
        refused(
            &mut app,
            opened("dropped", "deep.json", "[".repeat(200_000).into_bytes()),
            "not an experiment file",
        );
        // Files dropped from disk: a device, a FIFO, a 2 GB file, a folder.
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("points.csv");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let big = dir.path().join("big.json");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(2 * 1024 * 1024 * 1024)
            .unwrap();
        for (path, needle) in [
            (std::path::PathBuf::from("/dev/zero"), "is a device"),
            (fifo, "a pipe (FIFO)"),
            (big, "is too big"),
            (dir.path().to_path_buf(), "is a folder"),
        ] {
            drop_file(&mut app, &path);
            let said = last_refusal(&app);
            assert!(said.contains(needle), "{}: {said}", path.display());
        }
        // Still the sandbox, with the same network, points and epoch; and it still trains.
        assert_eq!(screen(&app), Screen::Sandbox);
        assert_eq!(sim(&app).experiment.network(), &network);
        assert_eq!(sim(&app).experiment.data(), &data);
        assert_eq!(sim(&app).experiment.epoch(), epoch);
        act(&mut app, SimAction::Step);
        assert_eq!(sim(&app).experiment.epoch(), epoch + 1);
    }

    #[test]
    fn hostile_models_and_pictures_keep_the_cnn_mode_and_its_model() {
        let mut app = on_screen(Screen::Cnn);
        let cnn = |app: &App| app.world().resource::<CnnSim>().model().clone();
        let before = cnn(&app);
        // The model that killed the browser page: a 100000x100000x3 input.
        refused(
            &mut app,
            opened(
                "cnn-model",
                "huge.json",
                tfjs_declaring(100_000, 100_000, 3, 10),
            ),
            "the input's height 100000 is more than 4096",
        );
        refused(
            &mut app,
            opened(
                "cnn-model",
                "units.json",
                tfjs_declaring(64, 64, 3, 100_000),
            ),
            "parameters",
        );
        refused(
            &mut app,
            opened("cnn-model", "picture.json", png_declaring(8, 8)),
            "it looks like a PNG picture",
        );
        refused(
            &mut app,
            opened("cnn-picture", "bomb.png", png_declaring(100_000, 100_000)),
            "the picture is 100000x100000 pixels",
        );
        refused(
            &mut app,
            opened("dropped", "bomb2.png", png_declaring(1, 1_000_000)),
            "at most 16384 a side",
        );
        // From disk: weights named outside the model's folder are never read.
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("m")).unwrap();
        std::fs::write(dir.path().join("secret.bin"), [0u8; 808]).unwrap();
        let model = dir.path().join("m/model.json");
        std::fs::write(&model, tfjs_declaring(8, 8, 3, 2)).unwrap();
        drop_file(&mut app, &model);
        let said = last_refusal(&app);
        assert!(said.contains("goes up a folder (..)"), "{said}");
        assert!(!said.contains("808"), "{said}");
        assert_eq!(screen(&app), Screen::Cnn);
        assert_eq!(cnn(&app), before);
    }

    #[test]
    fn hostile_gan_models_keep_the_gan_mode_and_its_run() {
        let mut app = on_screen(Screen::Gan);
        // Past GAN Lab's starting point (trained while the screen opens), paused.
        for _ in 0..2000 {
            if app.world().resource::<GanSim>().preparing.is_none() {
                break;
            }
            run(&mut app, 1);
        }
        app.world_mut().resource_mut::<GanSim>().playing = false;
        run(&mut app, 1);
        let run_of = |app: &App| {
            let sim = app.world().resource::<GanSim>();
            (
                sim.gan.generator.clone(),
                sim.gan.epoch(),
                sim.generation,
                sim.origin.clone(),
            )
        };
        let before = run_of(&app);
        let ours: serde_json::Value = serde_json::from_str(
            &neural_sandbox::gan::file::model_to_json(&app.world().resource::<GanSim>().gan),
        )
        .unwrap();
        let mut late = ours.clone();
        late["epoch"] = json!(18_446_744_073_709_551_000u64);
        refused(
            &mut app,
            opened("gan-model", "late.json", late.to_string().into_bytes()),
            "is more than",
        );
        let ganlab = json!({
            "modelTopology": {"config": {"kDSteps": 1e20}},
            "weightsManifest": [{"paths": ["m.weights.bin"], "weights": []}]
        });
        let mut with_weights = opened("gan-model", "m.json", ganlab.to_string().into_bytes());
        with_weights.companions = vec![("m.weights.bin".into(), vec![0; 16])];
        refused(
            &mut app,
            with_weights,
            "kDSteps 100000000000000000000 must be",
        );
        refused(
            &mut app,
            opened("gan-model", "huge.json", vec![b' '; 17 * 1024 * 1024]),
            "is too big for a GAN model file",
        );
        assert_eq!(screen(&app), Screen::Gan);
        assert_eq!(run_of(&app), before);
    }
}

mod hostile_levels {
    //! Issue 25: a levels folder given with --levels-dir whose index or levels are devices,
    //! FIFOs or links out of the folder: the game loads, lists what is wrong, and the rest of
    //! the levels stay playable.
    use super::*;
    use neural_sandbox::game::testing::LevelCatalog;
    use neural_sandbox::game::testing::SaveLocation;

    fn mkfifo(path: &std::path::Path) {
        assert!(
            std::process::Command::new("mkfifo")
                .arg(path)
                .status()
                .unwrap()
                .success()
        );
    }

    #[test]
    fn an_index_that_is_a_device_or_a_fifo_is_reported_and_the_games_levels_load() {
        for make in [
            |index: &std::path::Path| std::os::unix::fs::symlink("/dev/zero", index).unwrap(),
            mkfifo,
        ] {
            let dir = tempfile::tempdir().unwrap();
            make(&dir.path().join("index.ron"));
            let app = loaded_with(Some(dir.path()), SaveLocation::Memory);
            let catalog = app.world().resource::<LevelCatalog>();
            assert!(
                catalog
                    .problems
                    .iter()
                    .any(|p| p.contains("is not a regular file")),
                "{:?}",
                catalog.problems
            );
            assert!(!catalog.levels().is_empty(), "the game's own levels");
        }
    }

    #[test]
    fn levels_that_are_devices_fifos_or_links_out_are_listed_as_broken() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("levels");
        std::fs::copy(
            shipped.join("01-perceptron.ron"),
            dir.path().join("01-perceptron.ron"),
        )
        .unwrap();
        std::fs::copy(
            shipped.join("02-xor.ron"),
            outside.path().join("02-xor.ron"),
        )
        .unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.ron")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("02-xor.ron"),
            dir.path().join("out.ron"),
        )
        .unwrap();
        mkfifo(&dir.path().join("pipe.ron"));
        std::fs::File::create(dir.path().join("big.ron"))
            .unwrap()
            .set_len(2 * 1024 * 1024)
            .unwrap();
        std::fs::write(
            dir.path().join("index.ron"),
            r#"["01-perceptron.ron", "zero.ron", "out.ron", "pipe.ron", "big.ron"]"#,
        )
        .unwrap();
        let app = loaded_with(Some(dir.path()), SaveLocation::Memory);
        let catalog = app.world().resource::<LevelCatalog>();
        assert_eq!(catalog.levels().len(), 1, "the perceptron stays playable");
        let errors = level_file_errors(catalog);
        for (file, why) in [
            ("zero.ron", "outside its folder"),
            ("out.ron", "outside its folder"),
            ("pipe.ron", "not a regular file"),
            ("big.ron", "is too big for a level file"),
        ] {
            assert!(
                errors.iter().any(|e| e.contains(file) && e.contains(why)),
                "{file}: {errors:?}"
            );
        }
    }
}

/// A class server in this process on a SQLite file in `folder`; its address.
#[cfg(feature = "server")]
fn class_server(folder: &std::path::Path, max_upload_bytes: usize) -> std::net::SocketAddr {
    let url = format!("sqlite://{}/class.sqlite", folder.display());
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            let store = neural_sandbox::server::store::Store::open(&url)
                .await
                .unwrap();
            let allowance = neural_sandbox::server::rate::Allowance {
                burst: 60,
                per_second: 5,
            };
            let state = neural_sandbox::server::AppState {
                store,
                limits: neural_sandbox::server::rate::RateLimits::new(
                    allowance, allowance, allowance,
                ),
                admin_key: None,
                max_upload_bytes,
            };
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, neural_sandbox::server::router(state, None))
                .await
                .unwrap();
        });
    });
    receiver.recv().unwrap()
}

/// A new class on the server: its code and the teacher's key.
#[cfg(feature = "server")]
fn new_class(client: &tokio::runtime::Runtime, address: std::net::SocketAddr) -> (String, String) {
    client.block_on(async {
        let mut c = neural_sandbox::server::client::Connection::open(address)
            .await
            .unwrap();
        let made = c
            .json(
                "POST",
                "/api/classes",
                None,
                &serde_json::json!({ "name": "7B" }),
            )
            .await
            .unwrap()
            .json();
        (
            made["code"].as_str().unwrap().to_string(),
            made["teacher_key"].as_str().unwrap().to_string(),
        )
    })
}

/// Updates the app until `done`, at most 600 frames.
#[cfg(feature = "server")]
fn run_until(app: &mut App, what: &str, done: &dyn Fn(&App) -> bool) {
    for _ in 0..600 {
        app.update();
        if done(app) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("{what} did not happen within 600 frames");
}

/// The player's place in a class, if they joined one.
#[cfg(feature = "server")]
fn class_place(app: &App) -> Option<neural_sandbox::class::ClassPlace> {
    app.world()
        .resource::<neural_sandbox::game::testing::SavedProgress>()
        .progress
        .class
        .clone()
}

/// The class link, offline first: a game joins a class on a real server (in this process, on a
/// SQLite file), its level results are queued in the save and sent; while the server does not
/// answer they wait (and survive), and go when it answers again.
#[cfg(feature = "server")]
#[test]
fn class_results_wait_offline_and_reach_the_teacher() {
    use neural_sandbox::game::testing::SavedProgress;
    use neural_sandbox::game::testing::{ClassLink, ClassLinkOpened};
    use neural_sandbox::server::client::Connection;
    use serde_json::json;

    let folder = tempfile::tempdir().unwrap();
    let address = class_server(folder.path(), 1 << 20);
    let client = tokio::runtime::Runtime::new().unwrap();
    let (code, teacher) = new_class(&client, address);
    let report = || {
        client.block_on(async {
            let mut c = Connection::open(address).await.unwrap();
            c.send(
                "GET",
                &format!("/api/classes/{code}/report"),
                Some(&teacher),
                None,
            )
            .await
            .unwrap()
            .json()
        })
    };

    let mut app = neural_sandbox::game::testing::headless_app();
    app.insert_resource(ClassLinkOpened(Some(format!(
        "http://{address}/?class={}",
        code.to_lowercase()
    ))));
    // Stars earned before joining go to the class too.
    app.update();
    app.world_mut()
        .resource_mut::<SavedProgress>()
        .record_stars("perceptron", &[true, true, false], Some(40));
    assert!(
        app.world().resource::<ClassLink>().invite.is_some(),
        "the class link opens the join window"
    );
    {
        let mut link = app.world_mut().resource_mut::<ClassLink>();
        link.name = "Ana <b>".into();
        neural_sandbox::game::testing::join(&mut link);
    }
    let place = class_place;
    run_until(&mut app, "joining", &|app| place(app).is_some());
    run_until(&mut app, "sending the first result", &|app| {
        place(app).unwrap().waiting.is_empty()
    });
    let rows = report();
    assert_eq!(rows[0]["student"], "Ana <b>");
    assert_eq!(
        (rows[0]["level"].as_str(), rows[0]["stars"].as_i64()),
        (Some("perceptron"), Some(2))
    );

    // The server goes away: a result and a handed-in file wait in the save.
    let live = place(&app).unwrap().server;
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    app.world_mut()
        .resource_mut::<SavedProgress>()
        .progress
        .class
        .as_mut()
        .unwrap()
        .server = format!("http://{dead}");
    app.world_mut()
        .resource_mut::<SavedProgress>()
        .record_stars("xor", &[true, true, true], Some(77));
    app.world_mut()
        .write_message(neural_sandbox::game::testing::FileRequest::HandIn {
            name: "bad.gif".into(),
            bytes: b"not a gif".to_vec(),
        });
    run_until(&mut app, "a failed send", &|app| {
        app.world().resource::<ClassLink>().last_problem.is_some()
    });
    for _ in 0..30 {
        app.update();
    }
    let waiting = place(&app).unwrap().waiting.len();
    assert_eq!(
        waiting, 2,
        "the result and the file wait while the server is away"
    );
    let saved_text = app.world().resource::<SavedProgress>().progress.to_json();
    assert!(
        saved_text.contains("\"xor\"") && saved_text.contains("bad.gif"),
        "they are in the save"
    );

    // It answers again: the result goes; the file, which the server refuses as no GIF, is dropped
    // with a notice (it would never be taken).
    app.world_mut()
        .resource_mut::<SavedProgress>()
        .progress
        .class
        .as_mut()
        .unwrap()
        .server = live;
    run_until(&mut app, "sending what waited", &|app| {
        place(app).unwrap().waiting.is_empty()
    });
    let rows = report();
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .any(|r| r["level"] == "xor" && r["stars"] == 3),
        "{rows}"
    );
    assert!(
        last_refusal(&app).contains("did not take bad.gif"),
        "{}",
        last_refusal(&app)
    );

    // A wiped browser: the teacher makes the student a new link; a fresh game opened with it is
    // theirs again, with the stars themselves back.
    let student_id = rows[0]["student_id"].as_i64().unwrap();
    let key = client.block_on(async {
        let mut c = Connection::open(address).await.unwrap();
        let path = format!("/api/classes/{code}/students/{student_id}/key");
        c.json("POST", &path, Some(&teacher), &json!({}))
            .await
            .unwrap()
            .json()["student_key"]
            .as_str()
            .unwrap()
            .to_string()
    });
    let mut fresh = neural_sandbox::game::testing::headless_app();
    fresh.insert_resource(ClassLinkOpened(Some(format!(
        "http://{address}/?class={code}#student_key={key}"
    ))));
    run_until(&mut fresh, "taking the place back", &|app| {
        place(app).is_some_and(|p| p.student == "Ana <b>")
    });
    let progress = fresh.world().resource::<SavedProgress>().progress.clone();
    assert_eq!(progress.levels["perceptron"].stars, vec![true, true, false]);
    assert_eq!(progress.levels["xor"].stars, vec![true, true, true]);
    assert_eq!(progress.levels["xor"].best_epoch, Some(77));
    assert!(
        fresh.world().resource::<ClassLink>().invite.is_none(),
        "no join window: the link is the student's"
    );
    for _ in 0..30 {
        fresh.update();
    }
    assert!(
        place(&fresh).unwrap().waiting.is_empty(),
        "what came back is not sent again"
    );
}

/// Handing in from every mode: the GAN's model, a CNN network chosen as a file ("Hand in a
/// file…"), and a recording too big to keep in the save while offline, which goes from memory
/// (and the title counts it until it is sent). The teacher's list shows each with its kind, and
/// the big file downloads whole.
#[cfg(feature = "server")]
#[test]
fn handed_in_models_and_big_recordings_reach_the_teacher() {
    use neural_sandbox::game::testing::{ClassLink, ClassLinkOpened, HAND_IN_PURPOSE};
    use neural_sandbox::game::testing::{FileRequest, OpenedFile};
    use neural_sandbox::server::client::Connection;

    let folder = tempfile::tempdir().unwrap();
    let address = class_server(folder.path(), 8 << 20);
    let client = tokio::runtime::Runtime::new().unwrap();
    let (code, teacher) = new_class(&client, address);
    let mut app = neural_sandbox::game::testing::headless_app();
    app.insert_resource(ClassLinkOpened(Some(format!(
        "http://{address}/?class={code}"
    ))));
    app.update();
    {
        let mut link = app.world_mut().resource_mut::<ClassLink>();
        link.name = "Bo".into();
        neural_sandbox::game::testing::join(&mut link);
    }
    run_until(&mut app, "joining", &|app| class_place(app).is_some());

    // Without a recording, "Hand in the recording" says what to do first.
    app.world_mut()
        .resource_mut::<neural_sandbox::game::testing::Recorder>()
        .hand_in_requested = true;
    app.update();
    assert!(
        last_refusal(&app).contains("Record first"),
        "{}",
        last_refusal(&app)
    );

    let gan = neural_sandbox::gan::Gan::new(neural_sandbox::gan::GanSettings::default()).unwrap();
    let gan_file = neural_sandbox::gan::file::model_to_json(&gan).into_bytes();
    app.world_mut().write_message(FileRequest::HandIn {
        name: "gan-gaussians-epoch-0.json".into(),
        bytes: gan_file,
    });
    let cnn = neural_sandbox::cnn::MiniSpec::default()
        .build(
            neural_sandbox::cnn::Shape {
                height: 16,
                width: 16,
                channels: 1,
            },
            vec!["square".into(), "circle".into()],
            3,
        )
        .unwrap();
    app.world_mut().write_message(OpenedFile {
        purpose: HAND_IN_PURPOSE,
        name: "cnn-model.json".into(),
        bytes: neural_sandbox::cnn::tfjs::to_json(&cnn).into_bytes(),
        path: None,
        companions: Vec::new(),
    });
    // Three megabytes: more than the save keeps offline.
    let mut recording = b"GIF89a".to_vec();
    recording.resize(3 << 20, 7);
    assert!(recording.len() > neural_sandbox::class::MAX_WAITING_WORK_BYTES);
    app.world_mut().write_message(FileRequest::HandIn {
        name: "neural-sandbox-recording-1.gif".into(),
        bytes: recording.clone(),
    });
    app.update();
    assert!(
        app.world()
            .resource::<Notices>()
            .items
            .iter()
            .any(|n| n.text.contains("keep the game open")),
        "the player is told to wait for the big file"
    );
    let saved_text = app
        .world()
        .resource::<neural_sandbox::game::testing::SavedProgress>()
        .progress
        .to_json();
    assert!(
        !saved_text.contains("recording-1.gif"),
        "the big file is not in the save"
    );
    let status = neural_sandbox::game::testing::status_fields(
        app.world().resource::<ClassLink>(),
        app.world()
            .get_resource::<neural_sandbox::game::testing::SavedProgress>(),
    );
    assert!(
        status["class_waiting"].as_u64().unwrap() >= 1,
        "the title counts the file sent from memory: {status:?}"
    );
    run_until(&mut app, "sending everything", &|app| {
        class_place(app).unwrap().waiting.is_empty()
            && app.world().resource::<ClassLink>().sending_from_memory() == 0
    });
    let notices: Vec<String> = app
        .world()
        .resource::<Notices>()
        .items
        .iter()
        .map(|n| n.text.clone())
        .collect();
    assert!(
        notices
            .iter()
            .any(|n| n.contains("neural-sandbox-recording-1.gif reached your class")),
        "the player is told when the big file is in: {notices:?}"
    );
    assert!(
        !notices.iter().any(|n| n.contains("did not take")),
        "nothing was refused: {notices:?}"
    );

    let get = |path: String| {
        client.block_on(async {
            let mut c = Connection::open(address).await.unwrap();
            c.send("GET", &path, Some(&teacher), None).await.unwrap()
        })
    };
    let work = get(format!("/api/classes/{code}/work")).json();
    let kinds: std::collections::BTreeMap<String, String> = work
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["file_name"].as_str().unwrap().to_string(),
                w["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(kinds["gan-gaussians-epoch-0.json"], "gan model", "{work}");
    assert_eq!(kinds["cnn-model.json"], "cnn model", "{work}");
    assert_eq!(
        kinds["neural-sandbox-recording-1.gif"], "recording",
        "{work}"
    );
    let big = work
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["kind"] == "recording")
        .unwrap();
    let downloaded = get(format!(
        "/api/classes/{code}/work/{}",
        big["id"].as_str().unwrap()
    ));
    assert_eq!(downloaded.body, recording, "the recording arrives whole");
}

mod seams {
    //! Issue 27: the bugs that lived where the modes meet.
    use super::*;
    use neural_sandbox::game::testing::LevelCommand;
    use neural_sandbox::game::testing::Notices;
    use neural_sandbox::game::testing::TrainingRate;
    use neural_sandbox::game::testing::cnn::{CnnAction, CnnSim};

    fn notice_texts(app: &App) -> Vec<String> {
        app.world()
            .resource::<Notices>()
            .items
            .iter()
            .map(|n| n.text.clone())
            .collect()
    }

    fn goto(app: &mut App, screen: Screen) {
        app.world_mut()
            .resource_mut::<NextState<Screen>>()
            .set(screen);
        run(app, 3);
    }

    /// A refused CNN change (a kernel edited by hand in a level that keeps its kernels) is a
    /// notice at once, on the CNN screen, where the one notices system draws it; it ages there
    /// and is gone before it could pop up on another screen.
    #[test]
    fn cnn_refusals_are_shown() {
        let mut app = loaded_app();
        app.world_mut()
            .write_message(LevelCommand::Start("cnn-one-pixel-kernels".into()));
        run(&mut app, 3);
        app.world_mut().write_message(LevelCommand::BeginPlaying);
        run(&mut app, 2);
        assert_eq!(
            *app.world().resource::<State<Screen>>().get(),
            Screen::CnnLevel
        );
        let before = app.world().resource::<CnnSim>().training.model.params[0];
        app.world_mut().write_message(CnnAction::SetParameter {
            index: 0,
            value: 3.0,
        });
        app.update();
        assert_eq!(
            app.world().resource::<CnnSim>().training.model.params[0],
            before,
            "the weight is kept"
        );
        assert!(
            last_refusal(&app).contains("does not let you edit kernels"),
            "the refusal is a notice in the same frame: {:?}",
            notice_texts(&app)
        );
        // The notice's life runs out on the CNN screen (5 s of frames)...
        run(&mut app, (Notices::LIFETIME as usize + 1) * 60);
        assert!(last_refusal(&app).is_empty(), "{:?}", notice_texts(&app));
        // ...so the Playground does not show it later.
        goto(&mut app, Screen::Sandbox);
        assert!(
            !notice_texts(&app).iter().any(|n| n.contains("kernels")),
            "{:?}",
            notice_texts(&app)
        );
    }

    /// Starting a CNN level (and a GAN level) queues no refusal from another mode's level runner;
    /// a level no mode has is refused once.
    #[test]
    fn cnn_level_start_queues_no_refusal() {
        let mut app = loaded_app();
        for (id, screen) in [
            ("cnn-one-pixel-kernels", Screen::CnnLevel),
            ("gan-gaussians", Screen::GanLevel),
        ] {
            let catalog = app
                .world()
                .resource::<neural_sandbox::game::testing::LevelCatalog>();
            let id = if catalog.has(id) {
                id.to_string()
            } else {
                // The first level of that mode, whatever it is called.
                match screen {
                    Screen::GanLevel => catalog.gan_levels()[0].id.clone(),
                    _ => catalog.cnn_levels()[0].id.clone(),
                }
            };
            app.world_mut()
                .write_message(LevelCommand::Start(id.clone()));
            run(&mut app, 3);
            assert_eq!(*app.world().resource::<State<Screen>>().get(), screen);
            assert!(
                notice_texts(&app).is_empty(),
                "starting {id} made notices: {:?}",
                notice_texts(&app)
            );
            goto(&mut app, Screen::LevelSelect);
        }
        app.world_mut()
            .write_message(LevelCommand::Start("no-such-level".into()));
        app.update();
        let refusals: Vec<String> = notice_texts(&app)
            .into_iter()
            .filter(|n| n.contains("There is no level"))
            .collect();
        assert_eq!(refusals, ["There is no level \"no-such-level\"."]);
    }

    /// Exactly one system writes the training rate: every system that takes it mutably conflicts
    /// with a reader that is ordered against nothing, so counting the conflicts over every
    /// schedule counts the writers. And the rate is the shown mode's: the GAN's while the GAN
    /// trains (the Playground's clock, which once ran on every screen, no longer overwrites it),
    /// the Playground's in the sandbox, 0 on the title.
    #[test]
    fn training_rate_has_one_writer() {
        fn read_the_rate(_: Res<TrainingRate>) {}
        let mut app = loaded_app();
        let labels: Vec<_> = app
            .world()
            .resource::<bevy::ecs::schedule::Schedules>()
            .iter()
            .map(|(_, schedule)| schedule.label())
            .collect();
        assert!(labels.len() > 5, "the schedules: {labels:?}");
        for &label in &labels {
            app.add_systems(label, read_the_rate);
        }
        app.update();
        let rate_id = app.world().component_id::<TrainingRate>().unwrap();
        let mut writers = Vec::new();
        let world = app.world();
        for (_, schedule) in world.resource::<bevy::ecs::schedule::Schedules>().iter() {
            let Ok(systems) = schedule.systems() else {
                continue;
            };
            let names: std::collections::HashMap<_, _> = systems
                .map(|(key, system)| (key, system.name().to_string()))
                .collect();
            for (a, b, on) in schedule.graph().conflicting_systems().iter() {
                if !on.contains(&rate_id) {
                    continue;
                }
                for key in [a, b] {
                    let name = names[key].clone();
                    if !name.contains("read_the_rate") && !writers.contains(&name) {
                        writers.push(name);
                    }
                }
            }
        }
        assert_eq!(writers.len(), 1, "the writers of TrainingRate: {writers:?}");

        // The GAN trains: the published rate is the GAN's, frame after frame.
        goto(&mut app, Screen::Gan);
        let gan_rate = |app: &App| {
            app.world()
                .resource::<neural_sandbox::game::testing::gan::GanSim>()
                .measured_rate
        };
        for _ in 0..600 {
            app.update();
            if app
                .world()
                .resource::<neural_sandbox::game::testing::gan::GanSim>()
                .preparing
                .is_none()
            {
                break;
            }
        }
        app.world_mut()
            .write_message(neural_sandbox::game::testing::gan::GanAction::TogglePlay);
        let mut seen = 0;
        for _ in 0..120 {
            app.update();
            std::thread::sleep(std::time::Duration::from_millis(5));
            let published = app.world().resource::<TrainingRate>().get();
            assert_eq!(published, gan_rate(&app), "on the GAN screen");
            if published > 0.0 {
                seen += 1;
            }
        }
        assert!(seen > 0, "the GAN's rate was published");

        // The title: no mode trains there.
        goto(&mut app, Screen::Title);
        assert_eq!(app.world().resource::<TrainingRate>().get(), 0.0);

        // The sandbox at full speed: the Playground's rate.
        goto(&mut app, Screen::Sandbox);
        act(&mut app, SimAction::SetSpeed(TrainingSpeed::Max));
        act(&mut app, SimAction::TogglePlay);
        let mut seen = 0;
        for _ in 0..120 {
            app.update();
            std::thread::sleep(std::time::Duration::from_millis(5));
            let published = app.world().resource::<TrainingRate>().get();
            assert_eq!(published, sim(&app).measured_rate, "in the sandbox");
            if published > 0.0 {
                seen += 1;
            }
        }
        assert!(seen > 0, "the Playground's rate was published");
    }
}
