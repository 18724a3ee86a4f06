use ndarray::{Array1, Array2, array};

use super::grid::{cell_position, fast_tanh};
use super::train::mean_gradient;
use super::*;
use crate::data::{Example, Feature, seeded_rng};

fn set_of(features: &[Feature], examples: &[Example]) -> InputMatrix {
    InputMatrix::new(features, examples)
}

fn sample_examples(n: usize, seed: u64, regression: bool) -> Vec<Example> {
    use rand::RngExt;
    let mut rng = seeded_rng(seed, 99);
    (0..n)
        .map(|_| {
            let x1 = rng.random::<f64>() * 8.0 - 4.0;
            let x2 = rng.random::<f64>() * 8.0 - 4.0;
            let label = if regression {
                (x1 - x2) / 8.0
            } else if x1 * x2 > 0.0 {
                1.0
            } else {
                -1.0
            };
            Example::new(x1, x2, label)
        })
        .collect()
}

fn mean_loss(network: &Network, set: &InputMatrix, loss: Loss) -> f64 {
    Trainer::new(network).evaluate(network, set, loss).loss
}

/// Compares backprop's gradient with central finite differences of the mean loss, for every
/// weight and bias.
fn check_gradient(network: &Network, set: &InputMatrix, loss: Loss) {
    let analytic = mean_gradient(network, set, loss);
    let h = 1e-6;
    let mut checked = 0;
    for (l, (dw, db)) in analytic.iter().enumerate() {
        let layer = &network.layers[l];
        for (k, &analytic_w) in dw.iter().enumerate() {
            let (j, i) = (k / layer.inputs(), k % layer.inputs());
            let mut plus = network.clone();
            plus.layers[l].weights[[j, i]] += h;
            let mut minus = network.clone();
            minus.layers[l].weights[[j, i]] -= h;
            let numeric = (mean_loss(&plus, set, loss) - mean_loss(&minus, set, loss)) / (2.0 * h);
            assert!(
                (numeric - analytic_w).abs() <= 1e-6 * (1.0 + numeric.abs()),
                "layer {l} weight ({j},{i}): backprop {analytic_w} vs finite difference {numeric}"
            );
            checked += 1;
        }
        for (j, &analytic_b) in db.iter().enumerate() {
            let mut plus = network.clone();
            plus.layers[l].biases[j] += h;
            let mut minus = network.clone();
            minus.layers[l].biases[j] -= h;
            let numeric = (mean_loss(&plus, set, loss) - mean_loss(&minus, set, loss)) / (2.0 * h);
            assert!(
                (numeric - analytic_b).abs() <= 1e-6 * (1.0 + numeric.abs()),
                "layer {l} bias {j}: backprop {analytic_b} vs finite difference {numeric}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, network.parameter_count());
}

#[test]
fn gradients_match_finite_differences_for_every_activation_and_loss() {
    let features = [Feature::X1, Feature::X2, Feature::X1TimesX2, Feature::SinX1];
    for activation in &Activation::HIDDEN {
        for (loss, regression) in [
            (Loss::Square, false),
            (Loss::Square, true),
            (Loss::CrossEntropy, false),
        ] {
            let mut rng = seeded_rng(activation.index_for_tests() as u64, 5);
            let network = Network::random(
                &features,
                &[3, 2],
                &[*activation; 2],
                loss.output_activation(regression),
                false,
                &mut rng,
            );
            let set = set_of(&features, &sample_examples(12, 3, regression));
            check_gradient(&network, &set, loss);
        }
    }
}

#[test]
fn gradients_with_mixed_layer_activations_and_no_hidden_layer() {
    let features = [Feature::X1, Feature::X2];
    let mut rng = seeded_rng(8, 8);
    let network = Network::random(
        &features,
        &[4, 3, 2],
        &[Activation::Relu, Activation::Sigmoid, Activation::Linear],
        Activation::Tanh,
        false,
        &mut rng,
    );
    check_gradient(
        &network,
        &set_of(&features, &sample_examples(10, 4, false)),
        Loss::Square,
    );
    let single = Network::random(&features, &[], &[], Activation::Tanh, false, &mut rng);
    check_gradient(
        &single,
        &set_of(&features, &sample_examples(10, 5, false)),
        Loss::Square,
    );
}

impl Activation {
    fn index_for_tests(self) -> usize {
        Activation::ALL.iter().position(|a| *a == self).unwrap()
    }
}

#[test]
fn activation_derivatives_match_finite_differences() {
    for activation in Activation::ALL {
        for x in [-3.0, -0.7, 0.3, 1.9] {
            let h = 1e-6;
            let numeric = (activation.apply(x + h) - activation.apply(x - h)) / (2.0 * h);
            let analytic = activation.derivative(x, activation.apply(x));
            assert!((numeric - analytic).abs() < 1e-8, "{activation} at {x}");
        }
    }
    // ReLU's derivative is 0 at 0, as in the Playground.
    assert_eq!(Activation::Relu.derivative(0.0, 0.0), 0.0);
}

#[test]
fn loss_derivatives_match_finite_differences() {
    for (loss, activation) in [
        (Loss::Square, Activation::Tanh),
        (Loss::Square, Activation::Linear),
        (Loss::CrossEntropy, Activation::Sigmoid),
    ] {
        for total in [-2.5, -0.1, 0.4, 3.0] {
            for label in [1.0, -1.0] {
                let h = 1e-6;
                let at = |z: f64| loss.value(activation.apply(z), z, label);
                let numeric = (at(total + h) - at(total - h)) / (2.0 * h);
                let analytic =
                    loss.output_input_derivative(activation, activation.apply(total), total, label);
                assert!((numeric - analytic).abs() < 1e-7, "{loss} {total} {label}");
            }
        }
    }
    // Cross-entropy stays finite when the sigmoid saturates.
    assert!(Loss::CrossEntropy.value(1.0, 800.0, -1.0).is_finite());
    assert!((Loss::CrossEntropy.value(1.0, 800.0, -1.0) - 800.0).abs() < 1e-9);
}

#[test]
fn regularizer_derivatives_match_finite_differences() {
    for reg in [Regularization::L1, Regularization::L2] {
        for w in [-1.3, -0.2, 0.05, 2.0] {
            let h = 1e-7;
            let numeric = (reg.penalty(w + h) - reg.penalty(w - h)) / (2.0 * h);
            assert!((numeric - reg.derivative(w)).abs() < 1e-6, "{reg} at {w}");
        }
    }
    assert_eq!(Regularization::L1.derivative(0.0), 0.0);
    assert_eq!(Regularization::None.derivative(3.0), 0.0);
}

/// One update on one batch, for checking what each optimiser does with the gradient.
fn one_update(network: &Network, set: &InputMatrix, settings: TrainSettings) -> Network {
    let mut trained = network.clone();
    let mut trainer = Trainer::new(&trained);
    let mut rng = seeded_rng(1, 1);
    trainer.train_epoch(&mut trained, set, None, &settings, &mut rng);
    trained
}

#[test]
fn every_optimizer_steps_along_the_finite_difference_gradient() {
    let features = [Feature::X1, Feature::X2];
    let mut rng = seeded_rng(21, 2);
    let network = Network::random(
        &features,
        &[3],
        &[Activation::Tanh],
        Activation::Tanh,
        false,
        &mut rng,
    );
    let examples = sample_examples(8, 6, false);
    let set = set_of(&features, &examples);
    // Finite-difference gradient of the first hidden weight and the output bias.
    let h = 1e-6;
    let fd = |edit: &dyn Fn(&mut Network, f64)| {
        let mut plus = network.clone();
        edit(&mut plus, h);
        let mut minus = network.clone();
        edit(&mut minus, -h);
        (mean_loss(&plus, &set, Loss::Square) - mean_loss(&minus, &set, Loss::Square)) / (2.0 * h)
    };
    let g_w = fd(&|n, d| n.layers[0].weights[[0, 0]] += d);
    let g_b = fd(&|n, d| n.layers[1].biases[0] += d);
    let lr = 0.1;
    for optimizer in OptimizerKind::ALL {
        let settings = TrainSettings {
            learning_rate: lr,
            batch_size: 8,
            optimizer: *optimizer,
            momentum: 0.9,
            ..TrainSettings::default()
        };
        let after = one_update(&network, &set, settings);
        let dw = after.layers[0].weights[[0, 0]] - network.layers[0].weights[[0, 0]];
        let db = after.layers[1].biases[0] - network.layers[1].biases[0];
        let (expected_w, expected_b) = match optimizer {
            // SGD and momentum (velocity starts at 0): -lr * g.
            OptimizerKind::Sgd | OptimizerKind::Momentum => (-lr * g_w, -lr * g_b),
            // Adam's first step: -lr * g / (|g| + eps), about -lr * sign(g).
            OptimizerKind::Adam => (
                -lr * g_w / (g_w.abs() + 1e-8),
                -lr * g_b / (g_b.abs() + 1e-8),
            ),
        };
        assert!(
            (dw - expected_w).abs() < 1e-7,
            "{optimizer}: {dw} vs {expected_w}"
        );
        assert!(
            (db - expected_b).abs() < 1e-7,
            "{optimizer}: {db} vs {expected_b}"
        );
    }
}

#[test]
fn momentum_accumulates_velocity() {
    // Two updates with momentum equal plain SGD's first step followed by (1 + mu) times the second
    // gradient: check it against an explicit computation on a one-weight network.
    let features = [Feature::X1];
    let network = Network {
        features: features.to_vec(),
        layers: vec![Layer::new(Activation::Linear, array![[0.5]], array![0.0])],
    };
    let examples = [Example::new(1.0, 0.0, 0.0)];
    let set = set_of(&features, &examples);
    let settings = TrainSettings {
        learning_rate: 0.1,
        batch_size: 1,
        optimizer: OptimizerKind::Momentum,
        momentum: 0.5,
        ..TrainSettings::default()
    };
    let mut trained = network.clone();
    let mut trainer = Trainer::new(&trained);
    let mut rng = seeded_rng(0, 0);
    trainer.train_epoch(&mut trained, &set, None, &settings, &mut rng);
    trainer.train_epoch(&mut trained, &set, None, &settings, &mut rng);
    // Linear output, loss 0.5 (w + b)^2 at x = 1: dL/dw = dL/db = w + b.
    let (mut w, mut b, mut v_w, mut v_b) = (0.5f64, 0.0f64, 0.0f64, 0.0f64);
    for _ in 0..2 {
        let g = w + b;
        v_b = 0.5 * v_b + g;
        b -= 0.1 * v_b;
        v_w = 0.5 * v_w + g;
        w -= 0.1 * v_w;
    }
    assert!((trained.layers[0].weights[[0, 0]] - w).abs() < 1e-15);
    assert!((trained.layers[0].biases[0] - b).abs() < 1e-15);
}

/// A classic-mode run small enough to follow by hand: one input, a tanh output, three examples,
/// batch 2 (so one example carries over into each next epoch), L1 strong enough to kill the
/// weight. The expected numbers were computed independently (Python, float64) from the
/// Playground's rules.
#[test]
fn golden_classic_run_with_leftover_carry_over_and_an_l1_dead_link() {
    let features = [Feature::X1];
    let mut network = Network {
        features: features.to_vec(),
        layers: vec![Layer::new(Activation::Tanh, array![[0.3]], array![0.1])],
    };
    let examples = [
        Example::new(1.0, 0.0, 1.0),
        Example::new(-2.0, 0.0, -1.0),
        Example::new(0.5, 0.0, -1.0),
    ];
    let set = set_of(&features, &examples);
    let settings = TrainSettings {
        learning_rate: 0.5,
        regularization: Regularization::L1,
        regularization_rate: 1.0,
        batch_size: 2,
        ..TrainSettings::default()
    };
    let mut trainer = Trainer::new(&network);
    let mut rng = seeded_rng(0, 0);
    let expected = [
        // (weight, bias, dead, loss) after epochs 1, 2, 3
        (
            0.14414330044814538,
            0.12688074374254504,
            false,
            0.44628535145163495,
        ),
        (0.0, -0.08724699986005299, true, 0.47477802276845416),
        (0.0, -0.20946780597786296, true, 0.45249324055746376),
    ];
    for (epoch, (w, b, dead, loss)) in expected.into_iter().enumerate() {
        trainer.train_epoch(&mut network, &set, None, &settings, &mut rng);
        let layer = &network.layers[0];
        let close = |a: f64, e: f64| (a - e).abs() <= 1e-12 * e.abs().max(1.0);
        assert!(
            close(layer.weights[[0, 0]], w),
            "epoch {}: w {}",
            epoch + 1,
            layer.weights[[0, 0]]
        );
        assert!(
            close(layer.biases[0], b),
            "epoch {}: b {}",
            epoch + 1,
            layer.biases[0]
        );
        assert_eq!(layer.dead[[0, 0]], dead, "epoch {}", epoch + 1);
        // The third example of every epoch waits for the next epoch's first batch.
        assert_eq!(trainer.pending_examples(), 1);
        let measured = trainer.evaluate(&network, &set, Loss::Square).loss;
        assert!(
            close(measured, loss),
            "epoch {}: loss {measured}",
            epoch + 1
        );
    }
}

#[test]
fn init_zero_gives_zero_weights_and_biases() {
    let mut rng = seeded_rng(1, 1);
    let n = Network::random(
        &[Feature::X1, Feature::X2],
        &[4, 2],
        &[Activation::Tanh; 2],
        Activation::Tanh,
        true,
        &mut rng,
    );
    assert!(n.layers.iter().all(|l| l.weights.iter().all(|w| *w == 0.0)));
    assert!(n.layers.iter().all(|l| l.biases.iter().all(|b| *b == 0.0)));
    let r = Network::random(
        &[Feature::X1, Feature::X2],
        &[4, 2],
        &[Activation::Tanh; 2],
        Activation::Tanh,
        false,
        &mut rng,
    );
    assert!(
        r.layers
            .iter()
            .all(|l| l.weights.iter().all(|w| (-0.5..0.5).contains(w)))
    );
    assert!(r.layers.iter().all(|l| l.biases.iter().all(|b| *b == 0.1)));
    assert_eq!(r.shape(), vec![2, 4, 2, 1]);
    assert_eq!(r.parameter_count(), 2 * 4 + 4 + 4 * 2 + 2 + 2 + 1);
}

#[test]
fn dropout_trains_and_is_off_at_evaluation() {
    let features = [Feature::X1, Feature::X2];
    let mut rng = seeded_rng(3, 3);
    let mut network = Network::random(
        &features,
        &[8, 8],
        &[Activation::Tanh; 2],
        Activation::Tanh,
        false,
        &mut rng,
    );
    let set = set_of(&features, &sample_examples(200, 9, false));
    let before = mean_loss(&network, &set, Loss::Square);
    // Evaluation is deterministic (no dropout there).
    assert_eq!(before, mean_loss(&network, &set, Loss::Square));
    let settings = TrainSettings {
        dropout: 0.2,
        learning_rate: 0.03,
        ..TrainSettings::default()
    };
    let mut trainer = Trainer::new(&network);
    for _ in 0..100 {
        trainer.train_epoch(&mut network, &set, None, &settings, &mut rng);
    }
    let after = mean_loss(&network, &set, Loss::Square);
    assert!(
        after < before * 0.8,
        "dropout training: {before} -> {after}"
    );
}

#[test]
fn neuron_formula_reads_like_math() {
    let network = Network {
        features: vec![Feature::X1, Feature::X2],
        layers: vec![
            Layer::new(Activation::Tanh, array![[0.81, -1.2]], array![0.1]),
            Layer::new(Activation::Linear, array![[2.0]], array![-0.5]),
        ],
    };
    assert_eq!(
        network.neuron_formula(0, 0).unwrap(),
        "tanh(0.81*x1 - 1.20*x2 + 0.10)"
    );
    assert_eq!(network.neuron_formula(1, 0).unwrap(), "2.00*h1_1 - 0.50");
    assert!(network.neuron_formula(0, 1).is_none());
    assert!(network.neuron_formula(5, 0).is_none());
}

#[test]
fn fast_tanh_is_accurate() {
    let mut worst = 0.0f64;
    for k in -20_000..=20_000 {
        let x = k as f64 * 0.0005;
        worst = super::functions::max_or_nan(worst, (fast_tanh(x as f32) as f64 - x.tanh()).abs());
    }
    // Near the clamp at 7.9, tanh is 1 - 2.8e-7: a few float ulps of error overall.
    assert!(worst < 5e-7, "worst error {worst}");
    assert_eq!(fast_tanh(100.0), fast_tanh(7.905_311));
    assert!(fast_tanh(f32::NAN).is_nan() || fast_tanh(f32::NAN).abs() <= 1.0);
}

#[test]
fn grid_matches_the_exact_forward_pass_for_every_neuron() {
    let features = Feature::ALL.to_vec();
    let mut rng = seeded_rng(4, 4);
    for (activation, output) in [
        (Activation::Tanh, Activation::Tanh),
        (Activation::Relu, Activation::Linear),
        (Activation::Sigmoid, Activation::Sigmoid),
    ] {
        let network = Network::random(
            &features,
            &[8, 5, 3],
            &[activation; 3],
            output,
            false,
            &mut rng,
        );
        let size = 25;
        let mut evaluator = GridEvaluator::new(size);
        let grids = evaluator.evaluate(&network).clone();
        assert_eq!(grids.shape, vec![7, 8, 5, 3, 1]);
        for cell in [0, 1, size + 3, size * size / 2, size * size - 1] {
            let (x1, x2) = cell_position(size, cell / size, cell % size);
            // Inputs.
            for (i, f) in features.iter().enumerate() {
                let v = grids.node(0, i).unwrap()[cell] as f64;
                assert!((v - f.value(x1, x2)).abs() < 1e-5);
            }
            // Every hidden neuron and the output, against the f64 forward pass.
            let input: Vec<f64> = features.iter().map(|f| f.value(x1, x2)).collect();
            let pass = forward_batch(&network, &input, 1);
            for (l, outs) in pass.outputs.iter().enumerate() {
                for (j, &exact) in outs.iter().enumerate() {
                    let mut expected = exact;
                    if l + 1 == network.layers.len() && output == Activation::Sigmoid {
                        expected = 2.0 * expected - 1.0;
                    }
                    let got = grids.node(l + 1, j).unwrap()[cell] as f64;
                    assert!(
                        (got - expected).abs() < 1e-4 * (1.0 + expected.abs()),
                        "layer {l} neuron {j} cell {cell}: {got} vs {expected}"
                    );
                }
            }
        }
        assert!(grids.node(4, 1).is_none() && grids.node(9, 0).is_none());
    }
}

#[test]
fn grid_orientation_matches_the_playground() {
    assert_eq!(cell_position(100, 0, 0), (-6.0, 6.0));
    assert_eq!(cell_position(100, 99, 99), (6.0, -6.0));
    let network = Network {
        features: vec![Feature::X1],
        layers: vec![Layer::new(Activation::Linear, array![[1.0]], array![0.0])],
    };
    let mut evaluator = GridEvaluator::new(100);
    let out = evaluator.evaluate(&network).output().to_vec();
    assert!((out[0] + 6.0).abs() < 1e-6 && (out[99] - 6.0).abs() < 1e-6);
    let mut thumb = Vec::new();
    NeuronGrids::reduce(&out, 100, 10, &mut thumb);
    assert_eq!(thumb.len(), 100);
    // Block averages: the first column of blocks averages x1 over its first ten samples.
    let expected: f64 = (0..10).map(|c| cell_position(100, 0, c).0).sum::<f64>() / 10.0;
    assert!((thumb[0] as f64 - expected).abs() < 1e-5);
}

#[test]
fn weights_file_round_trip_and_errors() {
    use super::weights_file::{network_to_json, parse_network};
    let network = Network {
        features: vec![Feature::X1, Feature::SinX2],
        layers: vec![
            Layer::new(
                Activation::Tanh,
                Array2::from_shape_vec((3, 2), vec![0.1, -0.2, 0.3, 0.4, -0.5, 0.25]).unwrap(),
                Array1::from_vec(vec![0.1, 0.2, 0.3]),
            ),
            Layer::new(Activation::Tanh, array![[1.0, 2.0, 3.0]], array![-0.1]),
        ],
    };
    let json = network_to_json(&network);
    let back = parse_network(&json, "n.json")
        .unwrap()
        .into_network(&[Activation::Tanh], Activation::Tanh);
    assert_eq!(back, network);

    let cases = [
        ("{", "n.json: EOF while parsing"),
        (
            r#"{"features": ["x9"], "layers": []}"#,
            "features[0]: unknown feature \"x9\"",
        ),
        (
            r#"{"features": ["x1", "x1"], "layers": []}"#,
            "listed twice",
        ),
        (
            r#"{"features": ["x1"], "layers": []}"#,
            "at least the output layer",
        ),
        (
            r#"{"features": ["x1"], "layers": [{"weights": [[1],[2]], "biases": [0,0]}]}"#,
            "last layer is the output: 1 neuron, or one per class (3 to 6), not 2",
        ),
        (
            r#"{"features": ["x1","x2"], "layers": [{"weights": [[1]], "biases": [0]}]}"#,
            "layers[0].weights[0] has 1 values, expected one per feature: 2",
        ),
        (
            r#"{"features": ["x1"], "layers": [{"weights": [[1],[1]], "biases": [0]}, {"weights": [[1,1]], "biases": [0]}]}"#,
            "layers[0].biases has 1 values",
        ),
        (
            r#"{"features": ["x1"], "layers": [{"weights": [[1]], "biases": [0]}, {"weights": [[1,1]], "biases": [0]}]}"#,
            "layers[1].weights[0] has 2 values, expected one per neuron of layers[0]: 1",
        ),
        (
            r#"{"features": ["x1"], "layers": [{"weights": [], "biases": []}]}"#,
            "at least one neuron",
        ),
        (
            r#"{"features": ["x1"], "layers": [{"weights": [["a"]], "biases": [0]}]}"#,
            "line 1 column",
        ),
    ];
    for (text, expected) in cases {
        let e = parse_network(text, "n.json").unwrap_err().to_string();
        assert!(e.starts_with("n.json: "), "{e}");
        assert!(e.contains(expected), "{e} should mention {expected}");
    }
}

#[test]
fn fast_double_tanh_is_within_a_few_ulps_of_the_c_library() {
    use super::functions::tanh;
    let ulps = |a: f64, b: f64| (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs();
    let mut worst = 0;
    let mut x = 1e-300f64;
    // Every scale from tiny to saturated, both signs.
    while x < 30.0 {
        for v in [x, -x, x * 1.37, -x * 0.71] {
            worst = worst.max(ulps(tanh(v), v.tanh()));
        }
        x *= 1.001;
    }
    for k in 0..200_000 {
        let v = -12.0 + k as f64 * 1.2e-4;
        worst = worst.max(ulps(tanh(v), v.tanh()));
    }
    eprintln!("worst {worst}");
    assert!(worst <= 3, "worst difference {worst} ulps");
    assert!(tanh(f64::NAN).is_nan());
    // The slice version is the same function, lane for lane, whatever the length.
    for len in [1, 7, 8, 9, 17] {
        let values: Vec<f64> = (0..len)
            .map(|k| (k as f64 - 8.3) * 2.7)
            .chain([f64::NAN])
            .collect();
        let mut out = vec![0.0; values.len()];
        super::functions::tanh_slice(&values, &mut out);
        for (v, o) in values.iter().zip(&out) {
            assert_eq!(o.to_bits(), tanh(*v).to_bits(), "{v}");
        }
    }
    assert_eq!(tanh(f64::INFINITY), 1.0);
    assert_eq!(tanh(f64::NEG_INFINITY), -1.0);
    assert_eq!(tanh(0.0), 0.0);
    assert_eq!(tanh(50.0), 1.0);
    // Saturation: from |x| = 20 on every value is exactly +-1 (the cap at 2|x| = 40 must not
    // leave a value just below 1), and the last values below the cap are already 1 too.
    let mut v = 20.0f64;
    while v < 1e300 {
        assert_eq!(tanh(v), 1.0, "{v}");
        assert_eq!(tanh(-v), -1.0, "{v}");
        v = if v < 21.0 { v + 1e-4 } else { v * 1.5 };
    }
    assert_eq!(tanh(20.0f64.next_down()).to_bits(), 1.0f64.to_bits());
    assert!(tanh(-0.0).is_sign_negative() && tanh(-0.0) == 0.0);
}

/// The vectorised (AVX-512, AVX2) builds of an epoch and the portable one give the same bits, so runs are
/// reproducible on every machine and in the browser.
#[test]
fn portable_and_dispatched_training_agree_bit_for_bit() {
    let features = Feature::ALL.to_vec();
    let mut rng = seeded_rng(12, 1);
    let network = Network::random(
        &features,
        &[8, 8, 5],
        &[Activation::Tanh, Activation::Relu, Activation::Sigmoid],
        Activation::Tanh,
        false,
        &mut rng,
    );
    let set = set_of(&features, &sample_examples(120, 2, false));
    let settings = TrainSettings {
        regularization: Regularization::L1,
        regularization_rate: 0.001,
        batch_size: 7,
        ..TrainSettings::default()
    };
    let (mut a, mut b) = (network.clone(), network.clone());
    let (mut ta, mut tb) = (Trainer::new(&a), Trainer::new(&b));
    let (mut ra, mut rb) = (seeded_rng(1, 1), seeded_rng(1, 1));
    for _ in 0..20 {
        // Dispatched: AVX-512 for this wide network where the CPU has it, else AVX2.
        ta.train_epoch(&mut a, &set, None, &settings, &mut ra);
        tb.train_epoch_portable(&mut b, &set, None, &settings, &mut rb);
    }
    assert_eq!(a, b);
    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code)]
    if std::arch::is_x86_feature_detected!("avx2") {
        let mut c = network;
        let mut tc = Trainer::new(&c);
        let mut rc = seeded_rng(1, 1);
        for _ in 0..20 {
            // SAFETY: the CPU has AVX2, checked just above.
            unsafe { tc.train_epoch_avx2(&mut c, &set, None, &settings, &mut rc) };
        }
        assert_eq!(c, b);
    }
    let ma = ta.evaluate(&a, &set, Loss::Square);
    let mb = tb.evaluate_portable(&b, &set, Loss::Square);
    assert_eq!(ma.loss.to_bits(), mb.loss.to_bits());
}

#[test]
fn architecture_edits_keep_the_weights_that_remain() {
    let mut rng = seeded_rng(31, 3);
    let features = [Feature::X1, Feature::X2];
    let original = Network::random(
        &features,
        &[3, 2],
        &[Activation::Tanh; 2],
        Activation::Tanh,
        false,
        &mut rng,
    );
    // Adding then removing the same neuron restores the network exactly.
    let mut n = original.clone();
    n.add_neuron(0, &mut rng).unwrap();
    assert_eq!(n.shape(), vec![2, 4, 2, 1]);
    assert_eq!(
        n.layers[0].weights.row(1),
        original.layers[0].weights.row(1)
    );
    assert_eq!(n.layers[0].biases[3], 0.1);
    n.remove_neuron(0, 3).unwrap();
    assert_eq!(n, original);
    // Removing a middle neuron drops its row and the matching column of the next layer.
    let mut n = original.clone();
    n.remove_neuron(0, 1).unwrap();
    assert_eq!(
        n.layers[0].weights.row(1),
        original.layers[0].weights.row(2)
    );
    assert_eq!(
        n.layers[1].weights.column(1),
        original.layers[1].weights.column(2)
    );
    assert_eq!(n.remove_neuron(1, 0), Ok(()));
    assert_eq!(n.remove_neuron(1, 0), Err(EditError::LastNeuron(1)));
    // Features go in the Playground's column order, keeping the other columns.
    let mut n = original.clone();
    n.add_feature(Feature::X1Squared, &mut rng).unwrap();
    n.add_feature(Feature::SinX1, &mut rng).unwrap();
    assert_eq!(
        n.features,
        vec![Feature::X1, Feature::X2, Feature::X1Squared, Feature::SinX1]
    );
    assert_eq!(
        n.layers[0].weights.column(1),
        original.layers[0].weights.column(1)
    );
    assert_eq!(
        n.add_feature(Feature::X1, &mut rng),
        Err(EditError::FeatureAlreadyIn(Feature::X1))
    );
    n.remove_feature(Feature::X1Squared).unwrap();
    n.remove_feature(Feature::SinX1).unwrap();
    assert_eq!(n, original);
    let mut single = Network::random(&[Feature::X1], &[], &[], Activation::Tanh, false, &mut rng);
    assert_eq!(
        single.remove_feature(Feature::X1),
        Err(EditError::LastFeature)
    );
    // Layers: inserting renews the links of the layer after it; everything before is kept.
    let mut n = original.clone();
    n.insert_layer(1, 4, Activation::Relu, &mut rng).unwrap();
    assert_eq!(n.shape(), vec![2, 3, 4, 2, 1]);
    assert_eq!(n.layers[0], original.layers[0]);
    assert_eq!(n.layers[2].weights.dim(), (2, 4));
    assert_eq!(n.layers[3], original.layers[2]);
    n.remove_layer(1, &mut rng).unwrap();
    assert_eq!(n.shape(), original.shape());
    assert_eq!(n.remove_layer(2, &mut rng), Err(EditError::NoSuchLayer(2)));
    // Every edited network still trains.
    for mut edited in [n, single] {
        let set = set_of(&edited.features.clone(), &sample_examples(20, 1, false));
        let mut trainer = Trainer::new(&edited);
        trainer.train_epoch(&mut edited, &set, None, &TrainSettings::default(), &mut rng);
        assert!(edited.is_finite());
    }
}

/// Labels 0..k-1 from the quadrant and distance, for multi-class checks.
fn class_examples(n: usize, classes: usize, seed: u64) -> Vec<Example> {
    sample_examples(n, seed, true)
        .into_iter()
        .map(|e| {
            let class = ((e.x1.abs() + 2.0 * e.x2.abs()) as usize) % classes;
            Example::new(e.x1, e.x2, class as f64)
        })
        .collect()
}

#[test]
fn softmax_cross_entropy_gradients_match_finite_differences() {
    let features = [Feature::X1, Feature::X2, Feature::X1Squared];
    for classes in [3, 5] {
        for activation in Activation::HIDDEN {
            let mut rng = seeded_rng(classes as u64, 17);
            let network = Network::random_with_outputs(
                &features,
                &[4, 3],
                &[activation; 2],
                classes,
                Activation::Softmax,
                false,
                &mut rng,
            );
            let set = set_of(&features, &class_examples(15, classes, 2));
            check_gradient(&network, &set, Loss::SoftmaxCrossEntropy);
        }
    }
}

#[test]
fn softmax_outputs_are_probabilities_and_the_loss_is_their_log() {
    let mut values = [1.0, 2.0, 3.0, -50.0];
    functions::softmax_in_place(&mut values);
    assert!((values.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    assert!(values.windows(2).take(2).all(|w| w[0] < w[1]));
    let mut huge = [1000.0, 999.0];
    functions::softmax_in_place(&mut huge);
    assert!(huge.iter().all(|p| p.is_finite()), "no overflow: {huge:?}");
    let totals = [0.5, -1.0, 2.0];
    let mut p = totals;
    functions::softmax_in_place(&mut p);
    for class in 0..3 {
        let loss = Loss::SoftmaxCrossEntropy.value_of(&p, &totals, class as f64);
        assert!(
            (loss + p[class].ln()).abs() < 1e-12,
            "{loss} vs -ln {}",
            p[class]
        );
    }
    let mut nan = [1.0, f64::NAN];
    functions::softmax_in_place(&mut nan);
    assert!(nan.iter().all(|v| v.is_nan()), "NaN is never hidden");
}

/// dL/d(input) of the batch API against central finite differences of L, for a loss that weighs
/// every output differently (so every output's gradient matters), for one and several outputs.
#[test]
fn input_gradients_match_finite_differences() {
    let features = [Feature::X1, Feature::X2, Feature::SinX1];
    let cases = [
        (1, Activation::Tanh, Activation::Tanh),
        (1, Activation::Sigmoid, Activation::Relu),
        (4, Activation::Softmax, Activation::Tanh),
        (2, Activation::Linear, Activation::Sigmoid),
    ];
    for (k, (outputs, output_activation, hidden)) in cases.into_iter().enumerate() {
        let mut rng = seeded_rng(k as u64, 23);
        let network = Network::random_with_outputs(
            &features,
            &[5, 3],
            &[hidden; 2],
            outputs,
            output_activation,
            false,
            &mut rng,
        );
        let batch = 4;
        let inputs: Vec<f64> = (0..batch * features.len())
            .map(|i| ((i * 37 % 11) as f64 - 5.0) / 3.0 + 0.013)
            .collect();
        let weights: Vec<f64> = (0..batch * outputs)
            .map(|i| 0.3 + i as f64 * 0.17)
            .collect();
        let loss = |x: &[f64]| -> f64 {
            let pass = forward_batch(&network, x, batch);
            pass.outputs()
                .iter()
                .zip(&weights)
                .map(|(o, w)| o * w)
                .sum()
        };
        let pass = forward_batch(&network, &inputs, batch);
        let (grads, input_grad) = backward_batch(&network, &inputs, &pass, &weights);
        assert_eq!(input_grad.len(), inputs.len());
        let h = 1e-6;
        for i in 0..inputs.len() {
            let (mut plus, mut minus) = (inputs.clone(), inputs.clone());
            plus[i] += h;
            minus[i] -= h;
            let numeric = (loss(&plus) - loss(&minus)) / (2.0 * h);
            let err = (numeric - input_grad[i]).abs();
            assert!(
                err <= 1e-6 * (1.0 + numeric.abs()),
                "case {k} input {i}: backprop {} vs finite difference {numeric}",
                input_grad[i]
            );
        }
        // The parameter gradients of the same pass, for a few weights and biases.
        for (l, (gw, gb)) in grads.layers.iter().enumerate() {
            for idx in [0, gw.len() / 2, gw.len() - 1] {
                let n_in = network.layers[l].inputs();
                let (j, i) = (idx / n_in, idx % n_in);
                let (mut plus, mut minus) = (network.clone(), network.clone());
                plus.layers[l].weights[[j, i]] += h;
                minus.layers[l].weights[[j, i]] -= h;
                let value = |n: &Network| -> f64 {
                    forward_batch(n, &inputs, batch)
                        .outputs()
                        .iter()
                        .zip(&weights)
                        .map(|(o, w)| o * w)
                        .sum()
                };
                let numeric = (value(&plus) - value(&minus)) / (2.0 * h);
                assert!(
                    (numeric - gw[idx]).abs() <= 1e-6 * (1.0 + numeric.abs()),
                    "case {k} layer {l} weight {idx}: {} vs {numeric}",
                    gw[idx]
                );
            }
            assert_eq!(gb.len(), network.layers[l].neurons());
        }
    }
}

/// The batch API (any output gradient, softmax Jacobian included) and the fused training path
/// (the loss's derivative folded in) compute the same gradients, to rounding.
#[test]
fn batch_backward_equals_the_fused_path() {
    let features = Feature::ALL.to_vec();
    let mut rng = seeded_rng(3, 31);
    for (outputs, output_activation, loss) in [
        (1, Activation::Tanh, Loss::Square),
        (3, Activation::Softmax, Loss::SoftmaxCrossEntropy),
    ] {
        let network = Network::random_with_outputs(
            &features,
            &[8, 6],
            &[Activation::Tanh, Activation::Relu],
            outputs,
            output_activation,
            false,
            &mut rng,
        );
        let examples = if outputs == 1 {
            sample_examples(9, 4, false)
        } else {
            class_examples(9, outputs, 4)
        };
        let set = set_of(&features, &examples);
        let fused = mean_gradient(&network, &set, loss);
        let pass = forward_batch(&network, &set.values, set.len());
        // dL/d(output) of each example, from the loss's own derivative at the output.
        let mut output_grad = Vec::new();
        for k in 0..set.len() {
            let outs = &pass.outputs()[k * outputs..(k + 1) * outputs];
            let totals = &pass.totals.last().unwrap()[k * outputs..(k + 1) * outputs];
            let mut ders = vec![0.0; outputs];
            loss.output_gradient(output_activation, outs, totals, set.labels[k], &mut ders);
            if outputs == 1 {
                // The fused path's derivative is already through the activation.
                ders[0] /= output_activation.derivative(totals[0], outs[0]);
            }
            output_grad.extend(ders);
        }
        if outputs == 1 {
            // Through tanh by division is not exact; compare within rounding.
            let (grads, _) = backward_batch(&network, &set.values, &pass, &output_grad);
            for ((gw, gb), (fw, fb)) in grads.layers.iter().zip(&fused) {
                for (a, b) in gw.iter().chain(gb).zip(fw.iter().chain(fb)) {
                    let a = a / set.len() as f64;
                    assert!((a - b).abs() <= 1e-12 * (1.0 + b.abs()), "{a} vs {b}");
                }
            }
        } else {
            // Softmax: the batch API takes dL/dp and applies the softmax Jacobian; with
            // dL/dp = -y/p it must give the same p - y.
            let grad_p: Vec<f64> = (0..set.len())
                .flat_map(|k| {
                    let p = pass.outputs()[k * outputs..(k + 1) * outputs].to_vec();
                    let class = set.labels[k] as usize;
                    (0..outputs).map(move |j| if j == class { -1.0 / p[j] } else { 0.0 })
                })
                .collect();
            let (grads, _) = backward_batch(&network, &set.values, &pass, &grad_p);
            for ((gw, gb), (fw, fb)) in grads.layers.iter().zip(&fused) {
                for (a, b) in gw.iter().chain(gb).zip(fw.iter().chain(fb)) {
                    let a = a / set.len() as f64;
                    assert!((a - b).abs() <= 1e-12 * (1.0 + b.abs()), "{a} vs {b}");
                }
            }
        }
    }
}

#[test]
fn every_optimizer_of_the_batch_api_descends() {
    let features = [Feature::X1, Feature::X2];
    for kind in OptimizerKind::ALL {
        let mut rng = seeded_rng(5, 5);
        let mut network = Network::random(
            &features,
            &[6],
            &[Activation::Tanh],
            Activation::Tanh,
            false,
            &mut rng,
        );
        let set = set_of(&features, &sample_examples(40, 6, false));
        let loss_of = |n: &Network| Trainer::new(n).evaluate(n, &set, Loss::Square).loss;
        let before = loss_of(&network);
        let mut optimizer = Optimizer::new(*kind);
        for _ in 0..60 {
            let pass = forward_batch(&network, &set.values, set.len());
            let grad: Vec<f64> = pass
                .outputs()
                .iter()
                .zip(&set.labels)
                .map(|(o, y)| (o - y) / set.len() as f64)
                .collect();
            let (grads, _) = backward_batch(&network, &set.values, &pass, &grad);
            optimizer.step(&mut network, &grads, 0.05);
        }
        let after = loss_of(&network);
        assert!(after < before * 0.95, "{kind}: {before} -> {after}");
        assert_eq!(optimizer.steps(), 60);
    }
    // Adam's first step moves every parameter by the learning rate, whatever the gradient's size.
    let mut rng = seeded_rng(1, 1);
    let mut network = Network::random(&features, &[], &[], Activation::Linear, false, &mut rng);
    let before = network.clone();
    let grads = Gradients {
        layers: vec![(vec![1e-3, -40.0], vec![7.0])],
    };
    let mut adam = Optimizer::new(OptimizerKind::Adam);
    adam.step(&mut network, &grads, 0.01);
    let moved: Vec<f64> = network.layers[0]
        .weights
        .iter()
        .chain(&network.layers[0].biases)
        .zip(
            before.layers[0]
                .weights
                .iter()
                .chain(&before.layers[0].biases),
        )
        .map(|(a, b)| a - b)
        .collect();
    for (m, expected) in moved.iter().zip([-0.01, 0.01, -0.01]) {
        assert!((m - expected).abs() < 1e-6, "{moved:?}");
    }
}

/// The crash of issue 15: a neuron added to the first hidden layer of [4, 2] made the next
/// layer's weights column-major, and training then panicked. Every edit now keeps the layout.
#[test]
fn a_neuron_added_to_the_first_layer_trains() {
    let features = [Feature::X1, Feature::X2];
    let mut rng = seeded_rng(1, 2);
    let mut network = Network::random(
        &features,
        &[4, 2],
        &[Activation::Tanh; 2],
        Activation::Tanh,
        false,
        &mut rng,
    );
    network.add_neuron(0, &mut rng).unwrap();
    network.add_neuron(1, &mut rng).unwrap();
    network.add_feature(Feature::SinX2, &mut rng).unwrap();
    assert_eq!(network.check_layout(), Ok(()));
    let set = set_of(&network.features.clone(), &sample_examples(30, 3, false));
    let mut trainer = Trainer::new(&network);
    trainer.train_epoch(
        &mut network,
        &set,
        None,
        &TrainSettings::default(),
        &mut rng,
    );
    assert!(network.is_finite());
    let mut evaluator = GridEvaluator::new(10);
    assert_eq!(evaluator.evaluate(&network).shape, vec![3, 5, 3, 1]);
}

/// The heatmap grid's AVX2 build and its portable build give the same bits.
#[test]
fn grid_avx2_and_portable_agree_bit_for_bit() {
    let features = Feature::ALL.to_vec();
    let mut rng = seeded_rng(6, 6);
    for (outputs, output) in [
        (1, Activation::Tanh),
        (1, Activation::Sigmoid),
        (4, Activation::Softmax),
    ] {
        let network = Network::random_with_outputs(
            &features,
            &[8, 8, 3],
            &[Activation::Tanh, Activation::Relu, Activation::Sigmoid],
            outputs,
            output,
            false,
            &mut rng,
        );
        let mut dispatched = GridEvaluator::new(50);
        let mut portable = GridEvaluator::new(50);
        dispatched.evaluate(&network);
        portable.evaluate_portable(&network);
        let bits = |g: &NeuronGrids| -> Vec<u32> {
            let mut all = Vec::new();
            for (column, &n) in g.shape.iter().enumerate() {
                for i in 0..n {
                    all.extend(g.node(column, i).unwrap().iter().map(|v| v.to_bits()));
                }
            }
            all
        };
        assert_eq!(bits(dispatched.grids()), bits(portable.grids()));
    }
}

/// One classic epoch written the plainest way, one example at a time in `nn.ts` order: forward
/// (bias, then inputs in order), backprop accumulating dE/db and dE/dw, an update after every
/// `batch` examples of the epoch with the mean gradient, then the regulariser at the old weight
/// with the L1 dead-link rule. Leftovers stay in `acc` for the next epoch.
fn reference_epoch(
    network: &mut Network,
    set: &InputMatrix,
    settings: &TrainSettings,
    acc: &mut Vec<(Vec<f64>, Vec<f64>)>,
    pending: &mut usize,
) {
    if acc.is_empty() {
        *acc = network
            .layers
            .iter()
            .map(|l| (vec![0.0; l.weights.len()], vec![0.0; l.neurons()]))
            .collect();
    }
    for k in 0..set.len() {
        // Forward.
        let mut outs: Vec<Vec<f64>> = vec![set.row(k).to_vec()];
        let mut totals: Vec<Vec<f64>> = Vec::new();
        for layer in &network.layers {
            let input = outs.last().unwrap().clone();
            let mut t = Vec::new();
            for j in 0..layer.neurons() {
                let mut sum = layer.biases[j];
                for (i, a) in input.iter().enumerate() {
                    sum += layer.weights[[j, i]] * a;
                }
                t.push(sum);
            }
            let mut o = vec![0.0; t.len()];
            layer.activation.apply_slice_elementwise(&t, &mut o);
            totals.push(t);
            outs.push(o);
        }
        // Backward.
        let last = network.layers.len() - 1;
        let mut input_ders = vec![settings.loss.output_input_derivative(
            network.layers[last].activation,
            outs[last + 1][0],
            totals[last][0],
            set.labels[k],
        )];
        for l in (0..=last).rev() {
            let layer = &network.layers[l];
            if l < last {
                // input_ders holds dE/d(output) here.
                input_ders = input_ders
                    .iter()
                    .enumerate()
                    .map(|(j, od)| od * layer.activation.derivative(totals[l][j], outs[l + 1][j]))
                    .collect();
            }
            let (gw, gb) = &mut acc[l];
            let n_in = layer.inputs();
            for (j, d) in input_ders.iter().enumerate() {
                gb[j] += d;
                for i in 0..n_in {
                    gw[j * n_in + i] += d * outs[l][i];
                }
            }
            if l > 0 {
                let mut od = vec![0.0; n_in];
                for (j, d) in input_ders.iter().enumerate() {
                    for (i, o) in od.iter_mut().enumerate() {
                        *o += layer.weights[[j, i]] * d;
                    }
                }
                input_ders = od;
            }
        }
        *pending += 1;
        // The update, every `batch` examples of the epoch.
        if (k + 1) % settings.batch_size == 0 {
            let n = *pending as f64;
            let lr = settings.learning_rate;
            for (layer, (gw, gb)) in network.layers.iter_mut().zip(acc.iter_mut()) {
                for (j, b) in layer.biases.iter_mut().enumerate() {
                    *b -= lr * gb[j] / n;
                }
                let n_in = layer.inputs();
                for j in 0..layer.neurons() {
                    for i in 0..n_in {
                        if layer.dead[[j, i]] {
                            continue;
                        }
                        let w = layer.weights[[j, i]];
                        let reg_der = settings.regularization.derivative(w);
                        let mut new = w - lr / n * gw[j * n_in + i];
                        if settings.regularization != Regularization::None {
                            let step = lr * settings.regularization_rate;
                            let after = new - step * reg_der;
                            if settings.regularization == Regularization::L1 && new * after < 0.0 {
                                new = 0.0;
                                layer.dead[[j, i]] = true;
                            } else {
                                new = after;
                            }
                        }
                        layer.weights[[j, i]] = new;
                    }
                }
                gw.fill(0.0);
                gb.fill(0.0);
            }
            *pending = 0;
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// The training path (several examples side by side, SIMD) gives exactly the bits of the
    /// plain one-example-at-a-time Playground order, over random networks and settings, for
    /// several epochs (leftovers carried over, L1 links dying).
    #[test]
    fn training_in_groups_equals_one_example_at_a_time_bit_for_bit(
        seed in 0u64..10_000,
        hidden in proptest::collection::vec(1usize..10, 0..4),
        features in proptest::sample::subsequence(Feature::ALL.to_vec(), 1..8),
        activation in proptest::sample::select(Activation::HIDDEN.to_vec()),
        batch in 1usize..31,
        examples in 1usize..60,
        reg in proptest::sample::select(Regularization::ALL.to_vec()),
        regression in proptest::bool::ANY,
    ) {
        let mut rng = seeded_rng(seed, 3);
        let output = if regression { Activation::Linear } else { Activation::Tanh };
        let network = Network::random(
            &features,
            &hidden,
            &vec![activation; hidden.len()],
            output,
            false,
            &mut rng,
        );
        let set = set_of(&features, &sample_examples(examples, seed, regression));
        let settings = TrainSettings {
            batch_size: batch,
            regularization: reg,
            regularization_rate: 0.01,
            learning_rate: 0.1,
            ..TrainSettings::default()
        };
        let (mut fast, mut plain) = (network.clone(), network);
        let mut trainer = Trainer::new(&fast);
        let (mut acc, mut pending) = (Vec::new(), 0);
        for _ in 0..4 {
            trainer.train_epoch(&mut fast, &set, None, &settings, &mut rng);
            reference_epoch(&mut plain, &set, &settings, &mut acc, &mut pending);
        }
        let bits = |n: &Network| -> Vec<u64> {
            n.layers
                .iter()
                .flat_map(|l| l.weights.iter().chain(&l.biases).map(|w| w.to_bits()).collect::<Vec<_>>())
                .collect()
        };
        proptest::prop_assert_eq!(bits(&fast), bits(&plain));
        proptest::prop_assert_eq!(&fast.layers.iter().map(|l| l.dead.clone()).collect::<Vec<_>>(),
            &plain.layers.iter().map(|l| l.dead.clone()).collect::<Vec<_>>());
        proptest::prop_assert_eq!(trainer.pending_examples(), pending);
        // And evaluation in groups gives the loss of one-at-a-time forward passes.
        let metrics = trainer.evaluate(&fast, &set, Loss::Square);
        let mut total = 0.0;
        for k in 0..set.len() {
            let pass = forward_batch(&fast, set.row(k), 1);
            total += Loss::Square.value(pass.outputs()[0], pass.totals.last().unwrap()[0], set.labels[k]);
        }
        proptest::prop_assert_eq!(metrics.loss.to_bits(), (total / set.len() as f64).to_bits());
    }
}
