use super::images::{ImageDataset, ImageSet, shapes};
use super::train::{CnnOptimizer, CnnTraining, evaluate};
use super::*;

fn seeded(seed: u64) -> crate::data::CoreRng {
    crate::data::seeded_rng(seed, 99)
}

fn random_image(shape: Shape, seed: u64) -> Vec<f32> {
    let mut rng = seeded(seed);
    (0..shape.len())
        .map(|_| rng.random_range(-1.0..1.0f32))
        .collect()
}

/// The loss of one image, in f64 for the finite differences.
fn loss_of(model: &CnnModel, image: &[f32], label: usize) -> f64 {
    f64::from(cross_entropy(&model.predict(image), label))
}

/// The central difference of `f` at `h`, or None at a kink (a ReLU or a max-pool switching
/// inside the step), where the one-sided slopes disagree and no derivative exists to compare.
fn central_difference(f: impl Fn(f32) -> f64, h: f32) -> Option<f64> {
    let (plus, zero, minus) = (f(h), f(0.0), f(-h));
    let right = (plus - zero) / f64::from(h);
    let left = (zero - minus) / f64::from(h);
    ((right - left).abs() <= 0.05 * (1e-2 + right.abs().max(left.abs())))
        .then(|| (plus - minus) / (2.0 * f64::from(h)))
}

fn assert_close(analytic: f32, numeric: f64, what: &str) {
    let error = (numeric - f64::from(analytic)).abs() / (1e-2 + numeric.abs());
    assert!(
        error.is_finite() && error < 2e-2,
        "{what}: analytic {analytic} numeric {numeric}"
    );
}

/// Every parameter's gradient (and every seventh input's) against central differences.
fn check_gradients(model: &CnnModel, image: &[f32], label: usize) {
    let acts = model.forward(image);
    let mut analytic = vec![0.0f32; model.params.len()];
    model.backward(&acts, label, &mut analytic);
    let h = 2e-3f32;
    let mut kinks = 0;
    for i in 0..model.params.len() {
        let shifted = |d: f32| {
            let mut m = model.clone();
            m.params[i] += d;
            loss_of(&m, image, label)
        };
        match central_difference(shifted, h) {
            Some(numeric) => assert_close(analytic[i], numeric, &format!("parameter {i}")),
            None => kinks += 1,
        }
    }
    let input_grad = model.input_gradient(image, label);
    for i in (0..image.len()).step_by(7) {
        let shifted = |d: f32| {
            let mut x = image.to_vec();
            x[i] += d;
            loss_of(model, &x, label)
        };
        match central_difference(shifted, h) {
            Some(numeric) => assert_close(input_grad[i], numeric, &format!("input {i}")),
            None => kinks += 1,
        }
    }
    let checked = model.params.len() + image.len() / 7;
    assert!(kinks * 10 < checked, "{kinks} of {checked} at kinks");
}

fn conv(name: &str, kernel: usize, stride: usize, padding: Padding, filters: usize) -> LayerSpec {
    LayerSpec::Conv {
        name: name.into(),
        kernel,
        stride,
        padding,
        filters,
    }
}

fn act(function: CnnActivation) -> LayerSpec {
    LayerSpec::Activation {
        name: function.name().into(),
        function,
    }
}

fn head(classes: usize) -> [LayerSpec; 2] {
    [
        LayerSpec::Flatten {
            name: "flatten".into(),
        },
        LayerSpec::Dense {
            name: "output".into(),
            units: classes,
        },
    ]
}

fn model_of(input: Shape, mut specs: Vec<LayerSpec>, classes: usize, seed: u64) -> CnnModel {
    specs.extend(head(classes));
    let mut model = CnnModel::from_specs(input, &specs, Vec::new()).expect("valid model");
    model.initialize(&mut seeded(seed));
    // Non-zero biases so that their gradients are tested too.
    for layer in model.layers.clone() {
        if let Some((_, b)) = layer.parameters() {
            for (i, v) in model.params[b].iter_mut().enumerate() {
                *v = 0.05 * (i as f32 - 1.5);
            }
        }
    }
    model
}

#[test]
fn convolution_gradients_match_finite_differences_for_every_kernel_stride_and_padding() {
    let input = Shape::new(7, 6, 2);
    for kernel in [1, 2, 3, 5, 7] {
        for stride in [1, 2] {
            for padding in [Padding::Valid, Padding::Same] {
                if padding == Padding::Valid && kernel > 6 {
                    assert!(
                        CnnModel::from_specs(
                            input,
                            &[conv("c", kernel, stride, padding, 3)],
                            vec![]
                        )
                        .is_err()
                    );
                    continue;
                }
                let model = model_of(
                    input,
                    vec![conv("c", kernel, stride, padding, 3)],
                    3,
                    kernel as u64,
                );
                check_gradients(&model, &random_image(input, 1), 1);
            }
        }
    }
}

#[test]
fn activation_pool_and_dense_gradients_match_finite_differences() {
    let input = Shape::new(6, 6, 2);
    for function in CnnActivation::ALL {
        let specs = vec![
            conv("c", 3, 1, Padding::Same, 3),
            act(function),
            LayerSpec::MaxPool {
                name: "p".into(),
                size: 2,
                stride: 2,
            },
        ];
        let model = model_of(input, specs, 4, 3);
        check_gradients(&model, &random_image(input, 2), 2);
    }
    // Dense after dense, with an activation between.
    let specs = vec![
        LayerSpec::Flatten { name: "f".into() },
        LayerSpec::Dense {
            name: "d".into(),
            units: 5,
        },
        act(CnnActivation::Tanh),
    ];
    let mut specs_full = specs;
    specs_full.push(LayerSpec::Dense {
        name: "out".into(),
        units: 3,
    });
    let mut model = CnnModel::from_specs(input, &specs_full, vec![]).unwrap();
    model.initialize(&mut seeded(5));
    check_gradients(&model, &random_image(input, 4), 0);
}

#[test]
fn output_sizes_follow_the_formula_and_impossible_layers_are_refused() {
    // (n + 2p - k) / s + 1
    assert_eq!(Padding::Valid.output(64, 3, 1), Some((62, 0)));
    assert_eq!(Padding::Valid.output(7, 3, 2), Some((3, 0)));
    assert_eq!(Padding::Same.output(7, 3, 2), Some((4, 1)));
    assert_eq!(Padding::Same.output(8, 5, 1), Some((8, 2)));
    assert_eq!(Padding::Valid.output(2, 3, 1), None);
    assert_eq!(Padding::Valid.output(5, 3, 0), None);
    let input = Shape::new(8, 8, 1);
    let too_deep = MiniSpec {
        blocks: 2,
        padding: Padding::Valid,
        ..MiniSpec::default()
    };
    let error = too_deep
        .build(input, vec!["a".into(), "b".into()], 0)
        .unwrap_err();
    assert!(error.to_string().contains("does not fit"), "{error}");
    assert!(
        MiniSpec {
            filters: 0,
            ..MiniSpec::default()
        }
        .build(Shape::new(28, 28, 1), vec!["a".into(), "b".into()], 0)
        .is_err()
    );
    let same = MiniSpec {
        padding: Padding::Same,
        ..MiniSpec::default()
    };
    let model = same.build(input, vec!["a".into(), "b".into()], 0).unwrap();
    assert_eq!(model.shapes.last(), Some(&Shape::new(1, 1, 2)));
}

#[test]
fn the_default_mini_net_has_tiny_vggs_layers_and_counts() {
    let model = MiniSpec::default()
        .build(Shape::new(28, 28, 1), shape_names(5), 0)
        .unwrap();
    let names: Vec<&str> = model.layers.iter().map(Layer::name).collect();
    assert_eq!(
        names,
        [
            "conv_1_1",
            "relu_1_1",
            "conv_1_2",
            "relu_1_2",
            "max_pool_1",
            "conv_2_1",
            "relu_2_1",
            "conv_2_2",
            "relu_2_2",
            "max_pool_2",
            "flatten",
            "output"
        ]
    );
    // 8*9+8 + (8*72+8)*3 + 128*5+5
    assert_eq!(model.parameter_count(), 80 + 584 * 3 + 645);
    assert_eq!(model.shapes[9], Shape::new(4, 4, 8));
    assert_eq!(model.multiply_adds(0), 26 * 26 * 8 * 9);
}

fn shape_names(k: usize) -> Vec<String> {
    images::SHAPE_CLASSES[..k]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

#[test]
fn shapes_are_seeded_balanced_and_distinct() {
    let a = shapes(5, 100, 3, 0);
    let b = shapes(5, 100, 3, 0);
    assert_eq!(a, b);
    assert_ne!(a.pixels, shapes(5, 100, 4, 0).pixels);
    assert_ne!(
        a.pixels,
        shapes(5, 100, 3, 1).pixels,
        "train and test differ"
    );
    assert_eq!(a.counts(), vec![20; 5]);
    assert!(a.pixels.iter().all(|v| (0.0..=1.0).contains(v)));
    // Every image has ink, and no image is all ink.
    for i in 0..a.len() {
        let ink: f32 = a.image(i).iter().sum();
        assert!(ink > 10.0 && ink < 500.0, "image {i} has {ink} ink");
    }
    let all = shapes(10, 10, 1, 0);
    assert_eq!(all.class_names.len(), 10);
    assert!(ImageDataset::Shapes.generate(11, 0).is_err());
    assert!(ImageDataset::Shapes.generate(1, 0).is_err());
}

#[test]
fn digits_are_the_uci_set_split_eighty_twenty() {
    let (train, test) = ImageDataset::Digits.generate(10, 0).unwrap();
    assert_eq!(train.len() + test.len(), 1797);
    assert_eq!(train.len(), 1797 * 4 / 5);
    assert_eq!(train.shape, Shape::new(8, 8, 1));
    assert!(train.pixels.iter().all(|v| (0.0..=1.0).contains(v)));
    assert!(train.counts().iter().all(|&c| c > 100));
    let (three, _) = ImageDataset::Digits.generate(3, 0).unwrap();
    assert!(three.labels.iter().all(|&l| l < 3));
}

#[test]
fn the_embedded_digits_are_smartcores_copy_of_the_uci_set() {
    let reference = smartcore::dataset::digits::load_dataset();
    let ours: Vec<_> = super::images::uci_digits().collect();
    assert_eq!(ours.len(), reference.num_samples);
    assert_eq!(reference.num_features, 64);
    for (i, (label, pixels)) in ours.iter().enumerate() {
        assert_eq!(f32::from(*label), reference.target[i], "digit {i}'s label");
        let expected = &reference.data[i * 64..(i + 1) * 64];
        let got: Vec<f32> = pixels.iter().map(|&v| f32::from(v)).collect();
        assert_eq!(got, expected, "digit {i}'s pixels");
    }
}

#[test]
fn training_is_deterministic_and_the_same_on_one_thread_as_on_many() {
    let (train, test) = (shapes(3, 60, 1, 0), shapes(3, 30, 1, 1));
    let model = MiniSpec::default()
        .build(train.shape, shape_names(3), 7)
        .unwrap();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mut training = CnnTraining::new(model.clone(), CnnOptimizer::default(), 16, 7);
            training.run_epoch(&train, &test);
            training.run_epoch(&train, &test);
            training
        })
    };
    let one = run(1);
    let two = run(2);
    assert_eq!(one.model.params, two.model.params);
    assert_eq!(one.history, two.history);
    assert_eq!(one.history.len(), 2);
    assert!(one.model.params != model.params);
}

#[test]
fn a_batch_step_is_the_mean_of_the_images_gradients() {
    let set = shapes(3, 4, 2, 0);
    let model = MiniSpec::default()
        .build(set.shape, shape_names(3), 1)
        .unwrap();
    let lr = 0.1;
    let mut training = CnnTraining::new(
        model.clone(),
        CnnOptimizer::Sgd {
            learning_rate: lr,
            momentum: 0.0,
        },
        4,
        0,
    );
    training.train_batch(&set, &[0, 1, 2, 3]);
    let mut sum = vec![0.0f32; model.params.len()];
    for i in 0..4 {
        model.backward(&model.forward(set.image(i)), set.labels[i], &mut sum);
    }
    for i in 0..model.params.len() {
        let expected = model.params[i] - lr * sum[i] / 4.0;
        assert!((training.model.params[i] - expected).abs() <= 1e-6 * (1.0 + expected.abs()));
    }
}

#[test]
fn the_mini_net_learns_the_shapes() {
    let (train, test) = ImageDataset::Shapes.generate(5, 0).unwrap();
    let model = MiniSpec::default()
        .build(train.shape, train.class_names.clone(), 0)
        .unwrap();
    let before = evaluate(&model, &test);
    let mut training = CnnTraining::new(model, CnnOptimizer::default(), 16, 0);
    let first = training.run_epoch(&train, &test);
    let second = training.run_epoch(&train, &test);
    assert!(before.accuracy < 0.4, "{before:?}");
    assert!(first.test.loss < before.loss);
    assert!(second.test.accuracy > 0.8, "{second:?}");
}

#[test]
fn an_exploding_learning_rate_stays_finite_in_the_reports() {
    let set = shapes(3, 32, 2, 0);
    let model = MiniSpec::default()
        .build(set.shape, shape_names(3), 1)
        .unwrap();
    let mut training = CnnTraining::new(
        model,
        CnnOptimizer::Sgd {
            learning_rate: 1e6,
            momentum: 0.9,
        },
        8,
        0,
    );
    let record = training.run_epoch(&set, &set);
    // Whatever the weights became, accuracy is a number in [0, 1] and nothing panicked.
    assert!((0.0..=1.0).contains(&record.test.accuracy));
}

#[test]
fn our_model_files_round_trip_through_the_tensorflow_js_layout() {
    let model = MiniSpec {
        padding: Padding::Same,
        kernel: 5,
        activation: CnnActivation::Tanh,
        ..MiniSpec::default()
    }
    .build(Shape::new(12, 12, 1), shape_names(4), 3)
    .unwrap();
    let text = tfjs::to_json(&model);
    let back = tfjs::parse_own(&text).unwrap();
    assert_eq!(back.params, model.params);
    assert_eq!(back.layers, model.layers);
    assert_eq!(back.class_names, model.class_names);
    assert_eq!(back.input, model.input);
}

#[test]
fn broken_model_files_say_what_is_wrong() {
    let good = tfjs::to_json(
        &MiniSpec::default()
            .build(Shape::new(16, 16, 1), shape_names(2), 0)
            .unwrap(),
    );
    let cases: Vec<(String, &str)> = vec![
        ("{".into(), "not JSON"),
        ("{}".into(), "no modelTopology"),
        (good.replace("\"Conv2D\"", "\"Conv3D\""), "Conv3D"),
        (good.replace("\"relu\"", "\"selu\""), "selu"),
        (good.replace("\"float32\"", "\"int8\""), "int8"),
        (good.replace("\"Sequential\"", "\"Model\""), "Sequential"),
        (
            good.replace("\"weightsData\": \"", "\"weightsData\": \"!!"),
            "base64",
        ),
    ];
    for (text, expected) in cases {
        let error = tfjs::parse_own(&text).unwrap_err();
        assert!(error.contains(expected), "{expected:?} not in {error:?}");
    }
    // A short weights file.
    let topology = tfjs::parse_topology(&good.replace("\"weightsData\"", "\"ignored\"")).unwrap();
    let error = topology.with_weights(|_| Ok(vec![0u8; 10])).unwrap_err();
    assert!(error.contains("too short"), "{error}");
}

const TINY_VGG: &str = "../shared/models/cnn-explainer-tiny-vgg/model.json";

#[test]
fn cnn_explainers_tiny_vgg_opens_with_its_shapes_and_classes() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(TINY_VGG);
    if !path.exists() {
        eprintln!("skipped: {} is not here", path.display());
        return;
    }
    let model = tfjs::read_model(&path).unwrap();
    assert_eq!(model.parameter_count(), 19_920);
    assert_eq!(model.input, Shape::new(64, 64, 3));
    assert_eq!(model.shapes[0], Shape::new(62, 62, 10));
    assert_eq!(model.shapes[4], Shape::new(30, 30, 10));
    assert_eq!(model.shapes[9], Shape::new(13, 13, 10));
    assert_eq!(model.class_names[0], "lifeboat");
    assert_eq!(model.class_names[9], "sport car");
    let total: usize = (0..model.layers.len())
        .map(|i| model.multiply_adds(i))
        .sum();
    assert!((5_500_000..5_800_000).contains(&total), "{total}");
    // The first weight of the file is conv_1_1's kernel[0][0][0][0].
    let bytes = std::fs::read(path.with_file_name("group1-shard1of1.bin")).unwrap();
    assert_eq!(
        model.params[0],
        f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
    );
    // The last is output/bias[9].
    let n = bytes.len();
    assert_eq!(
        *model.params.last().unwrap(),
        f32::from_le_bytes([bytes[n - 4], bytes[n - 3], bytes[n - 2], bytes[n - 1]])
    );
    // TensorFlow.js 4 (its CPU backend, in node) on the same picture gives these; the picture
    // is an orange disc, and the model calls it an orange.
    let expected = [
        2.711737215577159e-5,
        2.1690432913601398e-4,
        7.811538125679363e-6,
        0.1318274736404419,
        7.775817648507655e-4,
        4.700300636983135e-17,
        3.8533529732376337e-3,
        2.5550725979428535e-8,
        0.8619166612625122,
        1.3731307117268443e-3,
    ];
    let p = model.predict(&tiny_vgg_test_image());
    for (class, (&ours, &theirs)) in p.iter().zip(&expected).enumerate() {
        let error = (f64::from(ours) - theirs).abs();
        assert!(
            error <= 2e-6 + 1e-4 * theirs,
            "{}: ours {ours}, TensorFlow.js {theirs}",
            model.class_names[class]
        );
    }
}

/// A 64x64 picture anyone can make: a red-orange disc on a blue-grey background.
fn tiny_vgg_test_image() -> Vec<f32> {
    let mut image = Vec::with_capacity(64 * 64 * 3);
    for row in 0..64 {
        for col in 0..64 {
            let d = ((row as f32 - 32.0).powi(2) + (col as f32 - 30.0).powi(2)).sqrt();
            if d < 20.0 {
                image.extend([0.95, 0.45 + 0.004 * row as f32, 0.1]);
            } else {
                image.extend([0.35, 0.42, 0.5 + 0.003 * col as f32]);
            }
        }
    }
    image
}

#[test]
fn a_picture_of_the_input_size_is_used_as_it_is_and_others_are_scaled_and_cropped() {
    let shape = Shape::new(4, 4, 3);
    let rgb: Vec<u8> = (0..48).map(|v| (v * 5) as u8).collect();
    let same = preprocess::pixels_for_model(&rgb, 4, 4, shape);
    assert_eq!(same.len(), 48);
    assert!((same[47] - 235.0 / 255.0).abs() < 1e-6);
    // A wide uniform picture stays uniform after scaling and cropping.
    let wide = vec![200u8; 30 * 10 * 3];
    let out = preprocess::pixels_for_model(&wide, 30, 10, shape);
    assert_eq!(out.len(), 48);
    assert!(out.iter().all(|v| (v - 200.0 / 255.0).abs() < 1e-3));
    let gray = preprocess::pixels_for_model(&wide, 30, 10, Shape::new(4, 4, 1));
    assert_eq!(gray.len(), 16);
    // A PNG file through the decoder.
    let mut png = Vec::new();
    image::RgbImage::from_pixel(8, 8, image::Rgb([255, 0, 0]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let red = preprocess::image_for_model(&png, shape).unwrap();
    assert!((red[0] - 1.0).abs() < 1e-3 && red[1] < 1e-3);
    let error = preprocess::image_for_model(b"not a picture", shape).unwrap_err();
    assert!(
        error.contains("PNG or JPEG") || error.contains("cannot read"),
        "{error}"
    );
}

#[test]
fn images_of_the_wrong_size_or_class_are_refused() {
    let mut set = ImageSet::empty(Shape::new(2, 2, 1), vec!["a".into(), "b".into()]);
    assert!(set.push(&[0.0; 4], 1).is_ok());
    assert!(set.push(&[0.0; 3], 1).is_err());
    assert!(set.push(&[0.0; 4], 2).is_err());
    assert_eq!(set.len(), 1);
}

#[test]
fn the_fast_paths_give_the_same_bits_as_the_plain_loops() {
    // Fixed filter counts (registers) against the general loop, and the dispatched copies (AVX2
    // where the CPU has it) against the plain ones, forward and backward.
    for filters in [3, 4, 8, 10, 16] {
        let input = Shape::new(9, 8, 3);
        let model = model_of(
            input,
            vec![
                conv("c", 3, 1, Padding::Same, filters),
                act(CnnActivation::Relu),
            ],
            4,
            filters as u64,
        );
        let image = random_image(input, 3);
        let Some(Layer::Conv { weights, bias, .. }) = model.layers.first() else {
            unreachable!()
        };
        let (w, b) = (&model.params[weights.clone()], &model.params[bias.clone()]);
        let g = ConvGeometry::new(input, model.shapes[0], 3, 1, Padding::Same);
        let out_len = model.shapes[0].len();
        let (mut fast, mut plain, mut dispatched) =
            (vec![0.0; out_len], vec![0.0; out_len], vec![0.0; out_len]);
        portable::conv_forward(&g, &image, w, b, filters, &mut fast);
        portable::conv_forward_any(&g, &image, w, b, filters, &mut plain);
        conv_forward(&g, &image, w, b, filters, &mut dispatched);
        assert_eq!(fast, plain, "{filters} filters");
        assert_eq!(dispatched, plain, "{filters} filters, dispatched");
        let upstream = random_image(model.shapes[0], 5);
        let backward = |dispatch: bool| {
            let mut gw = vec![0.0; w.len()];
            let mut gb = vec![0.0; b.len()];
            let mut gi = vec![0.0; input.len()];
            let run = if dispatch {
                conv_backward
            } else {
                portable::conv_backward
            };
            run(
                &g,
                &image,
                w,
                filters,
                &upstream,
                &mut gw,
                &mut gb,
                Some(&mut gi),
            );
            (gw, gb, gi)
        };
        assert_eq!(
            backward(true),
            backward(false),
            "{filters} filters, backward"
        );
        let units = filters;
        let dense_w: Vec<f32> = (0..image.len() * units)
            .map(|i| (i % 7) as f32 * 0.1 - 0.3)
            .collect();
        let dense_up: Vec<f32> = (0..units).map(|i| i as f32 * 0.2 - 0.5).collect();
        let dense = |dispatch: bool| {
            let mut gw = vec![0.0; dense_w.len()];
            let mut gb = vec![0.0; units];
            let run = if dispatch {
                dense_backward
            } else {
                portable::dense_backward
            };
            let din = run(&image, &dense_w, units, &dense_up, &mut gw, &mut gb);
            (din, gw, gb)
        };
        assert_eq!(dense(true), dense(false), "dense backward");
    }
}

#[test]
fn receptive_fields_grow_through_the_layers() {
    let model = MiniSpec::default()
        .build(Shape::new(28, 28, 1), shape_names(5), 0)
        .unwrap();
    // conv_1_1 (3x3): one output pixel sees 3x3 input pixels.
    assert_eq!(model.receptive_field(0, 0, 0), (0, 0, 2, 2));
    assert_eq!(model.receptive_field(0, 5, 7), (5, 7, 7, 9));
    // conv_1_2: 5x5; max_pool_1 (2x2, stride 2): 6x6; conv_2_1: 10x10.
    assert_eq!(model.receptive_field(2, 0, 0), (0, 0, 4, 4));
    assert_eq!(model.receptive_field(4, 1, 0), (2, 0, 7, 5));
    assert_eq!(model.receptive_field(5, 0, 0), (0, 0, 9, 9));
    // The output sees everything.
    assert_eq!(model.receptive_field(11, 0, 0), (0, 0, 27, 27));
    // Same padding reaches past the border, clipped to the image.
    let same = MiniSpec {
        padding: Padding::Same,
        ..MiniSpec::default()
    }
    .build(Shape::new(8, 8, 1), shape_names(2), 0)
    .unwrap();
    assert_eq!(same.receptive_field(0, 0, 0), (0, 0, 1, 1));
}

#[path = "../../tests/common/pictures.rs"]
mod pictures;
use pictures::png_declaring;

#[test]
fn pictures_that_declare_too_many_pixels_are_refused_before_decoding() {
    let shape = Shape::new(64, 64, 3);
    for (w, h) in [
        (100_000, 100_000),
        (20_000, 10),
        (10, 40_000),
        (8_000, 8_000),
    ] {
        let e = preprocess::image_for_model(&png_declaring(w, h), shape).unwrap_err();
        assert!(
            e.contains(&format!("the picture is {w}x{h} pixels")),
            "{w}x{h}: {e}"
        );
    }
    // Within the limits but holding nothing: a message, not a panic.
    let e = preprocess::image_for_model(&png_declaring(100, 100), shape).unwrap_err();
    assert!(e.contains("cannot read the picture"), "{e}");
    // Other files say what they are.
    let e = preprocess::image_for_model(b"GIF89a....", shape).unwrap_err();
    assert!(e.contains("a GIF picture"), "{e}");
}

#[test]
fn a_long_thin_strip_is_scaled_from_its_middle_without_a_huge_copy() {
    let strip = |width: u32| {
        let picture = image::RgbImage::from_fn(width, 1, |x, _| {
            image::Rgb([if x < width / 2 { 0 } else { 255 }, 0, 0])
        });
        let mut png = Vec::new();
        picture
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        png
    };
    // 1 x 1,000,000 pixels (a 4 KB file), scaled whole, would be 65 x 65,000,000: refused.
    let e = preprocess::image_for_model(&strip(1_000_000), Shape::new(64, 64, 3)).unwrap_err();
    assert!(e.contains("at most 16384 a side"), "{e}");
    // 16,000 x 1 is within the limits: only its middle 16 x 1 is scaled (1,040 x 65, not
    // 1,040,000 x 65).
    let pixels = preprocess::image_for_model(&strip(16_000), Shape::new(64, 64, 3)).unwrap();
    assert_eq!(pixels.len(), 64 * 64 * 3);
    // The middle: dark on the left, red on the right.
    assert!(
        pixels[0] < 0.1 && pixels[63 * 3] > 0.9,
        "{} {}",
        pixels[0],
        pixels[63 * 3]
    );
    // Ordinary pictures are untouched by the aspect rule (16:1 and under).
    let wide = vec![120u8; 160 * 10 * 3];
    let out = preprocess::pixels_for_model(&wide, 160, 10, Shape::new(4, 4, 3));
    assert!(out.iter().all(|v| (v - 120.0 / 255.0).abs() < 1e-3));
}

#[test]
fn models_that_declare_huge_layers_are_refused_before_anything_is_laid_out() {
    let conv = |filters: usize| LayerSpec::Conv {
        name: "c".into(),
        kernel: 3,
        stride: 1,
        padding: Padding::Same,
        filters,
    };
    let dense = |units: usize| LayerSpec::Dense {
        name: "d".into(),
        units,
    };
    let flatten = LayerSpec::Flatten { name: "f".into() };
    let cases: Vec<(Shape, Vec<LayerSpec>, &str)> = vec![
        (
            Shape::new(100_000, 100_000, 3),
            vec![flatten.clone(), dense(2)],
            "too big",
        ),
        (
            Shape::new(8, 8, 1_000_000),
            vec![flatten.clone(), dense(2)],
            "too big",
        ),
        (
            Shape::new(8, 8, 3),
            vec![conv(1_000_000), flatten.clone(), dense(2)],
            "filters 1 to",
        ),
        (
            Shape::new(8, 8, 3),
            vec![flatten.clone(), dense(100_000_000)],
            "units",
        ),
        (
            Shape::new(64, 64, 3),
            vec![flatten.clone(), dense(100_000), dense(2)],
            "parameters",
        ),
        (
            Shape::new(2048, 2048, 3),
            vec![conv(64), flatten.clone(), dense(2)],
            "numbers per image",
        ),
        (
            Shape::new(usize::MAX, usize::MAX, usize::MAX),
            vec![flatten.clone(), dense(2)],
            "too big",
        ),
    ];
    for (input, specs, why) in cases {
        let e = CnnModel::from_specs(input, &specs, Vec::new())
            .unwrap_err()
            .to_string();
        assert!(e.contains(why), "{input}: {e}");
    }
    let many = vec![LayerSpec::Flatten { name: "f".into() }; 300];
    assert!(CnnModel::from_specs(Shape::new(2, 2, 1), &many, Vec::new()).is_err());
}
