use super::file::{model_to_json, parse_model, read_model};
use super::model::{Gan, StepKind};
use super::*;

fn models_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/models/ganlab-pretrained")
}

#[test]
fn presets_follow_ganlab() {
    let g = GanSettings::preset(Distribution::Gaussians);
    assert_eq!((g.noise, g.noise_dims), (NoiseKind::Normal, 2));
    assert_eq!(
        (g.g_layers, g.d_layers, g.g_neurons, g.d_neurons),
        (1, 1, 8, 8)
    );
    assert_eq!(
        (g.learning_rate_g, g.learning_rate_d, g.k_d, g.k_g),
        (0.03, 0.1, 2, 1)
    );
    let r = GanSettings::preset(Distribution::Ring);
    assert_eq!(
        (r.noise, r.d_layers, r.g_neurons, r.d_neurons, r.k_d),
        (NoiseKind::Uniform, 2, 10, 9, 3)
    );
    let l = GanSettings::preset(Distribution::Line);
    assert_eq!(
        (
            l.g_neurons,
            l.d_neurons,
            l.learning_rate_g,
            l.learning_rate_d
        ),
        (5, 6, 0.01, 0.03)
    );
    let d = GanSettings::preset(Distribution::Disjoint);
    assert_eq!(
        (d.g_layers, d.d_layers, d.g_neurons, d.d_neurons, d.k_d),
        (2, 2, 10, 11, 1)
    );
    assert_eq!(GanSettings::pretrained_epoch(Distribution::Gaussians), 1931);
}

#[test]
fn distributions_and_noise_are_ganlabs() {
    let mut rng = crate::data::seeded_rng(1, 1);
    let n = 20_000;
    let mean =
        |v: &[f64], k: usize| v.iter().skip(k).step_by(2).sum::<f64>() / (v.len() / 2) as f64;
    let ring = sampling::real_points(Distribution::Ring, &[], n, &mut rng);
    assert!((mean(&ring, 0) - 0.5).abs() < 0.01 && (mean(&ring, 1) - 0.45).abs() < 0.01);
    for p in ring.chunks(2) {
        let r = (((p[0] - 0.5) / 0.3).powi(2) + ((p[1] - 0.45) / 0.25).powi(2)).sqrt();
        assert!((r - 1.0).abs() < 0.5, "{p:?}");
    }
    let g = sampling::real_points(Distribution::Gaussians, &[], n, &mut rng);
    assert!(
        (mean(&g, 0) - 0.5).abs() < 0.01,
        "half around 0.3, half around 0.7"
    );
    let line = sampling::real_points(Distribution::Line, &[], n, &mut rng);
    for p in line.chunks(2) {
        // On the segment from (0.8, 0.6) to (0.05, 0.9), within the noise.
        let u = (0.8 - p[0]) / 0.75;
        assert!((p[1] - (0.6 + 0.3 * u)).abs() < 0.1, "{p:?}");
    }
    let drawn = sampling::real_points(
        Distribution::Drawing,
        &[[0.2, 0.2], [0.8, 0.6]],
        n,
        &mut rng,
    );
    assert!(
        drawn
            .chunks(2)
            .all(|p| (p[0] - 0.2).abs() < 0.12 || (p[0] - 0.8).abs() < 0.12)
    );
    for kind in NoiseKind::ALL {
        let z = sampling::noise(*kind, 2, n, &mut rng);
        assert!(z.iter().all(|v| (0.0..=1.0).contains(v)), "{kind}");
        let m = z.iter().sum::<f64>() / z.len() as f64;
        assert!((m - 0.5).abs() < 0.01, "{kind}: {m}");
    }
}

/// Finite differences of a loss with respect to every parameter of a network.
fn check_against_finite_differences(
    analytic: &crate::nn::Gradients,
    network: &crate::nn::Network,
    loss: impl Fn(&crate::nn::Network) -> f64,
    what: &str,
) {
    let h = 1e-6;
    for (l, (gw, gb)) in analytic.layers.iter().enumerate() {
        let n_in = network.layers[l].inputs();
        for (k, &a) in gw.iter().enumerate() {
            let (mut plus, mut minus) = (network.clone(), network.clone());
            plus.layers[l].weights[[k / n_in, k % n_in]] += h;
            minus.layers[l].weights[[k / n_in, k % n_in]] -= h;
            let numeric = (loss(&plus) - loss(&minus)) / (2.0 * h);
            assert!(
                (numeric - a).abs() <= 2e-6 * (1.0 + numeric.abs()),
                "{what}: layer {l} weight {k}: backprop {a} vs finite difference {numeric}"
            );
        }
        for (j, &a) in gb.iter().enumerate() {
            let (mut plus, mut minus) = (network.clone(), network.clone());
            plus.layers[l].biases[j] += h;
            minus.layers[l].biases[j] -= h;
            let numeric = (loss(&plus) - loss(&minus)) / (2.0 * h);
            assert!(
                (numeric - a).abs() <= 2e-6 * (1.0 + numeric.abs()),
                "{what}: layer {l} bias {j}: backprop {a} vs finite difference {numeric}"
            );
        }
    }
}

#[test]
fn both_losses_gradients_match_finite_differences_through_the_discriminator() {
    for loss in GanLoss::ALL {
        let settings = GanSettings {
            loss: *loss,
            batch_size: 12,
            ..GanSettings::preset(Distribution::Ring)
        };
        let mut gan = Gan::new(settings).unwrap();
        // A few steps first, so that ReLUs sit away from their kinks at random places.
        for _ in 0..3 {
            gan.train_epoch(false);
        }
        let mut rng = crate::data::seeded_rng(9, 9);
        let real = sampling::real_points(Distribution::Ring, &[], 12, &mut rng);
        let noise = sampling::noise(NoiseKind::Uniform, 2, 12, &mut rng);
        let fake = gan.generate(&noise);
        // The discriminator's gradient.
        let (_, d_grads) = gan.discriminator_gradients(&real, &fake);
        let d = gan.discriminator.clone();
        check_against_finite_differences(
            &d_grads,
            &d,
            |net| {
                let mut probe = gan.clone();
                probe.discriminator = net.clone();
                probe.discriminator_gradients(&real, &fake).0
            },
            &format!("{loss} D"),
        );
        // The generator's gradient, which goes through the discriminator to the fake points and
        // then through the generator.
        let (_, g_grads) = gan.generator_gradients(&noise);
        let g = gan.generator.clone();
        check_against_finite_differences(
            &g_grads,
            &g,
            |net| {
                let mut probe = gan.clone();
                probe.generator = net.clone();
                probe.generator_gradients(&noise).0
            },
            &format!("{loss} G"),
        );
    }
}

#[test]
fn the_arrow_at_a_fake_point_is_the_gradient_of_d_there() {
    let mut gan = Gan::new(GanSettings::default()).unwrap();
    for _ in 0..20 {
        gan.train_epoch(false);
    }
    let points = [0.3, 0.6, 0.71, 0.42, 0.5, 0.5];
    let arrows = gan.discriminator_gradient_at(&points);
    let h = 1e-6;
    for (k, &a) in arrows.iter().enumerate() {
        let (mut plus, mut minus) = (points, points);
        plus[k] += h;
        minus[k] -= h;
        let numeric =
            (gan.discriminate(&plus)[k / 2] - gan.discriminate(&minus)[k / 2]) / (2.0 * h);
        assert!(
            (numeric - a).abs() < 1e-7,
            "coordinate {k}: {a} vs {numeric}"
        );
    }
}

#[test]
fn a_seed_makes_the_run() {
    let run = |seed| {
        let mut gan = Gan::new(GanSettings {
            seed,
            ..GanSettings::default()
        })
        .unwrap();
        for _ in 0..50 {
            gan.train_epoch(true);
        }
        gan
    };
    let (a, b, c) = (run(4), run(4), run(5));
    assert_eq!(a.generator, b.generator);
    assert_eq!(a.discriminator, b.discriminator);
    assert_eq!(a.latest(), b.latest());
    assert_ne!(a.generator, c.generator);
}

#[test]
fn files_replay_exactly_whatever_the_seed() {
    let mut rng = crate::data::seeded_rng(3, 3);
    let real = sampling::real_points(Distribution::Line, &[], 500, &mut rng);
    let noise = sampling::noise(NoiseKind::Uniform, 2, 333, &mut rng);
    let start = Gan::new(GanSettings::preset(Distribution::Line)).unwrap();
    let run = |seed| {
        let mut gan = Gan::with_sources(
            GanSettings {
                seed,
                ..GanSettings::preset(Distribution::Line)
            },
            model::Sources {
                real: Some(real.clone()),
                noise: Some(noise.clone()),
            },
        )
        .unwrap();
        gan.set_networks(start.generator.clone(), start.discriminator.clone(), 0)
            .unwrap();
        for _ in 0..30 {
            gan.train_epoch(false);
        }
        (gan.generator, gan.discriminator)
    };
    assert_eq!(run(1), run(99), "only the files feed training");
}

#[test]
fn models_round_trip_and_bad_files_say_why() {
    let mut gan = Gan::new(GanSettings::preset(Distribution::Disjoint)).unwrap();
    for _ in 0..10 {
        gan.train_epoch(false);
    }
    let text = model_to_json(&gan);
    let loaded = parse_model(&text, "m.json").unwrap();
    assert_eq!(loaded.epoch, 10);
    assert_eq!(loaded.settings, *gan.settings());
    let reopened = loaded.into_gan().unwrap();
    assert_eq!(reopened.generator, gan.generator);
    assert_eq!(reopened.discriminator, gan.discriminator);
    for (text, expected) in [
        ("{", "m.json: EOF"),
        (
            r#"{"generator": {"layers": []}, "discriminator": {"layers": []}}"#,
            "at least two layers",
        ),
        (r#"{"generator": 3}"#, "m.json"),
    ] {
        let e = parse_model(text, "m.json").unwrap_err();
        assert!(e.contains(expected), "{e}");
    }
    // Settings may be left out: the architecture is read from the networks.
    let bare: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut bare = bare.as_object().unwrap().clone();
    bare.remove("settings");
    let loaded = parse_model(&serde_json::Value::Object(bare).to_string(), "m.json").unwrap();
    assert_eq!(
        (loaded.settings.g_layers, loaded.settings.g_neurons),
        (2, 10)
    );
}

#[test]
fn ganlabs_own_pretrained_models_open() {
    let dir = models_dir();
    if !dir.exists() {
        panic!(
            "GAN Lab's pretrained models are expected in {}",
            dir.display()
        );
    }
    for distribution in [
        Distribution::Gaussians,
        Distribution::Line,
        Distribution::Ring,
        Distribution::Disjoint,
    ] {
        let path = dir.join(format!("pretrained_{distribution}.json"));
        let loaded = read_model(&path).unwrap();
        assert_eq!(loaded.epoch, GanSettings::pretrained_epoch(distribution));
        assert_eq!(loaded.settings, GanSettings::preset(distribution));
        let gan = loaded.into_gan().unwrap();
        let js = gan.latest().js_precise;
        assert!(
            js.is_finite() && js < 0.6,
            "{distribution}: precise JS {js}"
        );
        if distribution == Distribution::Gaussians {
            // GAN Lab's model scores about 0.15 on the precise measure.
            assert!((0.08..0.25).contains(&js), "gaussians: {js}");
        }
    }
}

#[test]
fn training_brings_the_fakes_closer() {
    let mut gan = Gan::new(GanSettings::default()).unwrap();
    let start = gan.latest().js_precise;
    for _ in 0..1500 {
        gan.train_epoch(false);
    }
    gan.manual_step(StepKind::Both);
    let end = gan.latest().js_precise;
    assert!(start > 0.35, "a fresh generator is far off: {start}");
    assert!(end < start - 0.1, "{start} -> {end}");
    let (floor, precise_floor) = gan.noise_floor();
    assert!(
        floor > precise_floor && precise_floor > 0.0 && floor < 0.5,
        "{floor} {precise_floor}"
    );
}

#[test]
fn manual_steps_train_one_network_each() {
    let mut gan = Gan::new(GanSettings::default()).unwrap();
    let (g, d) = (gan.generator.clone(), gan.discriminator.clone());
    gan.manual_step(StepKind::Discriminator);
    assert_eq!(gan.generator, g);
    assert_ne!(gan.discriminator, d);
    let d = gan.discriminator.clone();
    gan.manual_step(StepKind::Generator);
    assert_ne!(gan.generator, g);
    assert_eq!(gan.discriminator, d);
    assert_eq!(gan.epoch(), 2);
}

#[test]
fn swings_count_turns_not_wiggles() {
    let wave: Vec<f64> = (0..400)
        .map(|k| 0.3 + 0.2 * (k as f64 / 10.0).sin())
        .collect();
    assert!(diagnose::swings(&wave, 0.12).0 >= 8);
    let wiggle: Vec<f64> = (0..400)
        .map(|k| 0.3 - k as f64 * 1e-4 + 0.01 * (k as f64).sin())
        .collect();
    assert_eq!(diagnose::swings(&wiggle, 0.12).0, 0);
}

#[test]
fn bad_settings_are_refused_with_reasons() {
    let errors = GanSettings {
        noise_dims: 3,
        g_neurons: 0,
        k_d: 11,
        learning_rate_g: -1.0,
        distribution: Distribution::Drawing,
        ..GanSettings::default()
    }
    .validate()
    .unwrap_err();
    for field in [
        "noise_dims",
        "g_neurons",
        "k_d",
        "learning_rate_g",
        "drawing",
    ] {
        assert!(errors.mentions(field), "{field}: {errors}");
    }
}
