//! The game, headless: Bevy `App`s with `MinimalPlugins` on a deterministic clock, driven through
//! the same messages and input the player produces. (One binary for every game test.)
#![cfg(feature = "game")]

use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::prelude::*;
use neural_sandbox::data::{DatasetKind, Feature};
use neural_sandbox::experiment::ExperimentConfig;
use neural_sandbox::game::network_view::heatmaps::HeatmapState;
use neural_sandbox::game::network_view::{
    Edge, EdgeSource, EdgeTarget, FeatureChip, Neuron, NodeKey,
};
use neural_sandbox::game::notices::Notices;
use neural_sandbox::game::screens::Screen;
use neural_sandbox::game::sim::{SimAction, Simulation, TrainingSpeed};
use neural_sandbox::nn::Activation;

/// A headless game already in the sandbox with `config`.
fn sandbox(config: ExperimentConfig) -> App {
    let mut app = neural_sandbox::game::headless_app();
    app.insert_resource(Simulation::new(config).unwrap());
    app.update();
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
        let (a, _) = edge.source.locate(&network).unwrap();
        let (b, _) = edge.target.locate(&network).unwrap();
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
    let evaluations = |app: &App| app.world().resource::<HeatmapState>().evaluations;
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
    let grids = app.world().resource::<HeatmapState>().grids();
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
    assert!(
        app.world()
            .resource::<Notices>()
            .last_refusal()
            .unwrap()
            .contains("at least one input feature")
    );
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

/// Runs the real game (window, renderer, egui) under Xvfb with Mesa's software Vulkan.
fn run_game_under_xvfb(args: &[&str]) -> std::process::Output {
    let bin = env!("CARGO_BIN_EXE_neural-sandbox");
    let output = std::process::Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24", bin])
        .args(args)
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
fn the_real_game_renders_a_trained_spiral() {
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
    use neural_sandbox::game::theme::palette::{NEGATIVE, POSITIVE};
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
