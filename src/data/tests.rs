use super::csv_file::{read_data, write_data};
use super::generators::{REGRESSION_BUMPS, generate, shuffle};
use super::*;

fn points(kind: DatasetKind, noise: f64, seed: u64) -> Vec<Example> {
    let mut rng = seeded_rng(seed, streams::DATA);
    generate(kind, kind.sample_count(), noise, &mut rng)
}

fn count_label(points: &[Example], label: f64) -> usize {
    points.iter().filter(|p| p.label == label).count()
}

#[test]
fn sample_counts_follow_the_playground() {
    for kind in DatasetKind::ALL {
        let expected = match kind.problem() {
            Problem::Classification => 500,
            Problem::Regression => 1200,
        };
        assert_eq!(points(*kind, 0.0, 3).len(), expected, "{kind}");
    }
}

#[test]
fn classification_labels_are_plus_minus_one_and_balanced_without_noise() {
    for kind in DatasetKind::for_problem(Problem::Classification) {
        let p = points(kind, 0.0, 11);
        assert!(
            p.iter().all(|e| e.label == 1.0 || e.label == -1.0),
            "{kind}"
        );
        let positives = count_label(&p, 1.0);
        match kind {
            // Circle, gauss and spiral generate exactly half of each class; so do the blobs
            // and the arms with two classes.
            DatasetKind::Circle
            | DatasetKind::Gauss
            | DatasetKind::Spiral
            | DatasetKind::Blobs
            | DatasetKind::SpiralArms => {
                assert_eq!(positives, 250, "{kind}")
            }
            // XOR's classes are the quadrants, the pie's its two halves: about half.
            _ => assert!((200..=300).contains(&positives), "{kind}: {positives}"),
        }
    }
}

#[test]
fn circle_geometry_and_noise_flips_labels_without_moving_points() {
    let clean = points(DatasetKind::Circle, 0.0, 5);
    for e in &clean[..250] {
        let r = (e.x1 * e.x1 + e.x2 * e.x2).sqrt();
        assert!(r <= 2.5 + 1e-12 && e.label == 1.0);
    }
    for e in &clean[250..] {
        let r = (e.x1 * e.x1 + e.x2 * e.x2).sqrt();
        assert!((3.5 - 1e-12..=5.0 + 1e-12).contains(&r) && e.label == -1.0);
    }
    let noisy = points(DatasetKind::Circle, 0.5, 5);
    // Points stay in the same rings (radius unaffected by noise) ...
    for e in &noisy {
        let r = (e.x1 * e.x1 + e.x2 * e.x2).sqrt();
        assert!(r <= 2.5 + 1e-12 || (3.5 - 1e-12..=5.0 + 1e-12).contains(&r));
    }
    // ... but some labels disagree with the ring.
    let flipped = noisy
        .iter()
        .filter(|e| ((e.x1 * e.x1 + e.x2 * e.x2).sqrt() < 2.5) != (e.label > 0.0))
        .count();
    assert!(flipped > 20, "noise 50 flipped only {flipped} labels");
}

#[test]
fn xor_points_are_padded_away_from_the_axes() {
    for e in points(DatasetKind::Xor, 0.0, 2) {
        assert!(e.x1.abs() >= 0.3 && e.x2.abs() >= 0.3);
        assert!(e.x1.abs() <= 5.3 && e.x2.abs() <= 5.3);
        assert_eq!(e.label, if e.x1 * e.x2 >= 0.0 { 1.0 } else { -1.0 });
    }
    let noisy = points(DatasetKind::Xor, 0.5, 2);
    let wrong = noisy
        .iter()
        .filter(|e| (e.x1 * e.x2 >= 0.0) != (e.label > 0.0))
        .count();
    assert!(wrong > 20);
}

fn mean_and_variance(values: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let n = values.clone().count() as f64;
    let mean = values.clone().sum::<f64>() / n;
    let var = values.map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    (mean, var)
}

#[test]
fn gauss_clusters_have_the_specified_mean_and_variance() {
    for (noise, variance) in [(0.0, 0.5), (0.5, 4.0), (0.25, 2.25)] {
        let p = points(DatasetKind::Gauss, noise, 9);
        let pos: Vec<_> = p.iter().filter(|e| e.label > 0.0).collect();
        let (mx, vx) = mean_and_variance(pos.iter().map(|e| e.x1));
        let (my, vy) = mean_and_variance(pos.iter().map(|e| e.x2));
        // 250 samples: the mean within 4 standard errors, the variance within 25 %.
        let se = (variance / 250.0f64).sqrt();
        assert!(
            (mx - 2.0).abs() < 4.0 * se && (my - 2.0).abs() < 4.0 * se,
            "{mx} {my}"
        );
        assert!(
            (vx / variance - 1.0).abs() < 0.25,
            "noise {noise}: var {vx}"
        );
        assert!(
            (vy / variance - 1.0).abs() < 0.25,
            "noise {noise}: var {vy}"
        );
        let neg: Vec<_> = p.iter().filter(|e| e.label < 0.0).collect();
        let (mx, _) = mean_and_variance(neg.iter().map(|e| e.x1));
        assert!((mx + 2.0).abs() < 4.0 * se);
    }
}

#[test]
fn spiral_without_noise_follows_the_formula() {
    let p = points(DatasetKind::Spiral, 0.0, 1);
    let n = 250.0;
    for (i, e) in p[..250].iter().enumerate() {
        let i = i as f64;
        let r = i / n * 5.0;
        let t = 1.75 * i / n * 2.0 * std::f64::consts::PI;
        // Exactly the formula, with the same sine and cosine on every platform (`crate::math`).
        let expected = (r * crate::math::sin(t), r * crate::math::cos(t), 1.0);
        assert_eq!((e.x1, e.x2, e.label), expected);
        // And within an ulp of the C library's.
        assert!((e.x1 - r * t.sin()).abs() <= 1e-15 * r.max(1.0));
    }
    // The second arm is the first turned by pi.
    for (a, b) in p[..250].iter().zip(&p[250..]) {
        assert!((a.x1 + b.x1).abs() < 1e-9 && (a.x2 + b.x2).abs() < 1e-9);
        assert_eq!(b.label, -1.0);
    }
    // Noise moves points by at most `noise` in each coordinate.
    let noisy = points(DatasetKind::Spiral, 0.3, 1);
    let moved = p
        .iter()
        .zip(&noisy)
        .map(|(a, b)| (a.x1 - b.x1).abs().max((a.x2 - b.x2).abs()))
        .fold(0.0, crate::nn::functions::max_or_nan);
    assert!(moved > 0.1 && moved <= 0.3 + 1e-12, "{moved}");
}

#[test]
fn regression_labels() {
    for e in points(DatasetKind::RegPlane, 0.0, 4) {
        assert!(e.x1.abs() <= 6.0 && e.x2.abs() <= 6.0);
        assert!((e.label - (e.x1 + e.x2) / 10.0).abs() < 1e-12);
    }
    let noisy = points(DatasetKind::RegPlane, 0.5, 4);
    assert!(
        noisy
            .iter()
            .any(|e| (e.label - (e.x1 + e.x2) / 10.0).abs() > 0.1)
    );
    for e in points(DatasetKind::RegGauss, 0.0, 4) {
        assert!((-1.0..=1.0).contains(&e.label));
        let mut expected: f64 = 0.0;
        for (cx, cy, sign) in REGRESSION_BUMPS {
            let d = ((e.x1 - cx).powi(2) + (e.x2 - cy).powi(2)).sqrt();
            let v = sign * (1.0 - d / 2.0).clamp(0.0, 1.0);
            if v.abs() > expected.abs() {
                expected = v;
            }
        }
        assert!((e.label - expected).abs() < 1e-12);
    }
}

#[test]
fn split_uses_floor_of_ratio() {
    let d = Data::generate(DatasetKind::Circle, 0, 30, 1);
    assert_eq!((d.train.len(), d.test.len()), (150, 350));
    let d = Data::generate(DatasetKind::RegPlane, 0, 70, 1);
    assert_eq!((d.train.len(), d.test.len()), (840, 360));
}

#[test]
fn same_seed_same_data_other_seed_other_data() {
    let a = Data::generate(DatasetKind::Spiral, 20, 50, 42);
    let b = Data::generate(DatasetKind::Spiral, 20, 50, 42);
    let c = Data::generate(DatasetKind::Spiral, 20, 50, 43);
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn shuffle_is_a_permutation() {
    let mut v: Vec<usize> = (0..100).collect();
    shuffle(&mut v, &mut seeded_rng(1, 1));
    assert_ne!(v, (0..100).collect::<Vec<_>>());
    v.sort();
    assert_eq!(v, (0..100).collect::<Vec<_>>());
    let mut empty: Vec<usize> = Vec::new();
    shuffle(&mut empty, &mut seeded_rng(1, 1));
}

#[test]
fn csv_round_trip_keeps_order() {
    let d = Data::generate(DatasetKind::Xor, 10, 60, 8);
    let mut bytes = Vec::new();
    write_data(&d, &mut bytes).unwrap();
    let back = read_data(bytes.as_slice(), "mem.csv").unwrap();
    assert_eq!(back.data, d);
    assert!(back.is_classification());
    assert_eq!(back.train_lines[0], 2);
}

#[test]
fn a_csv_without_a_split_column_splits_by_row_the_same_way_each_time() {
    let mut text = String::from("x1,x2,label\n");
    for i in 0..100 {
        text.push_str(&format!(
            "{},{},{}\n",
            i % 10,
            i / 10,
            if i % 3 == 0 { 1 } else { -1 }
        ));
    }
    let a = read_data(text.as_bytes(), "no-split.csv").unwrap();
    let b = read_data(text.as_bytes(), "no-split.csv").unwrap();
    assert_eq!(a.data, b.data);
    let test = a.data.test.len();
    assert_eq!(a.data.train.len() + test, 100);
    assert!((30..=70).contains(&test), "{test} test rows");
}

#[test]
fn csv_errors_name_file_and_line() {
    let cases = [
        ("a,b\n1,2\n", "line 1", "x1,x2,label"),
        (
            "x1,x2,label,split\n1,2,1,train\n1,oops,1,test\n",
            "line 3",
            "column 2: x2 \"oops\" is not a number",
        ),
        (
            "x1,x2,label,split\n1,2,1,train\n1,2,1,validation\n",
            "line 3",
            "\"validation\"",
        ),
        (
            "x1,x2,label,split\n1,2,1,train\n1,2\n",
            "line 3",
            "2 values",
        ),
        (
            "x1,x2,label,split\n1,2,1,train\n",
            "no rows with split \"test\"",
            "",
        ),
        (
            "x1,x2,label,split\n1,2,inf,train\n1,2,1,test\n",
            "line 2",
            "finite",
        ),
    ];
    for (text, where_, what) in cases {
        let e = read_data(text.as_bytes(), "points.csv")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("points.csv"), "{e}");
        assert!(e.contains(where_) && e.contains(what), "{e}");
    }
    let regression = "x1,x2,label,split\n1,2,0.5,train\n1,2,1,test\n";
    let f = read_data(regression.as_bytes(), "r.csv").unwrap();
    assert!(!f.is_classification());
    let e = f
        .check_problem(Problem::Classification, 2)
        .unwrap_err()
        .to_string();
    assert!(e.contains("r.csv: line 2") && e.contains("0.5"), "{e}");
    assert!(f.check_problem(Problem::Regression, 2).is_ok());
}

#[test]
fn csv_columns_may_come_in_any_order() {
    let text = "split,label,x2,x1\ntrain,1,2,3\ntest,-1,5,4\n";
    let f = read_data(text.as_bytes(), "m.csv").unwrap();
    assert_eq!(f.data.train[0], Example::new(3.0, 2.0, 1.0));
    assert_eq!(f.data.test[0], Example::new(4.0, 5.0, -1.0));
}

#[test]
fn multi_class_sets_have_every_class_in_range_and_balanced() {
    use super::generators::generate_classes;
    for kind in [
        DatasetKind::Blobs,
        DatasetKind::SpiralArms,
        DatasetKind::Pie,
    ] {
        for classes in 3..=MAX_CLASSES {
            let mut rng = seeded_rng(9, streams::DATA);
            let count = kind.sample_count_for(classes);
            let p = generate_classes(kind, count, 0.0, classes, &mut rng);
            assert_eq!(p.len(), count);
            for class in 0..classes {
                let n = count_label(&p, class as f64);
                let even = count / classes;
                match kind {
                    // The pie's slices are equal in area: about an even share each.
                    DatasetKind::Pie => assert!(
                        n * 10 >= even * 7 && n * 10 <= even * 13,
                        "{kind} {classes}: class {class} has {n}"
                    ),
                    _ => assert!(n == even || n == even + 1, "{kind} {classes}: {n}"),
                }
            }
            assert!(p.iter().all(|e| e.label.fract() == 0.0 && e.label >= 0.0));
            assert!(p.iter().all(|e| e.x1.abs() < 12.0 && e.x2.abs() < 12.0));
        }
    }
    // The pie's class is the slice of the angle, without noise.
    let mut rng = seeded_rng(2, streams::DATA);
    for e in generate_classes(DatasetKind::Pie, 600, 0.0, 4, &mut rng) {
        let angle = e.x2.atan2(e.x1).rem_euclid(2.0 * std::f64::consts::PI);
        let slice = (angle / (std::f64::consts::PI / 2.0)) as usize;
        assert_eq!(slice.min(3) as f64, e.label, "{e:?}");
        assert!((e.x1 * e.x1 + e.x2 * e.x2).sqrt() <= 5.0 + 1e-12);
    }
    // Two classes keep the Playground's labels.
    let d = Data::generate_with_classes(DatasetKind::Blobs, 0, 50, 3, 2);
    assert!(d.train.iter().all(|e| e.label == 1.0 || e.label == -1.0));
}

#[test]
fn csv_labels_say_how_many_classes() {
    let text = "x1,x2,label,split\n0,0,0,train\n1,1,2,train\n2,2,1,test\n3,3,3,test\n";
    let f = read_data(text.as_bytes(), "k.csv").unwrap();
    assert_eq!(f.inferred_classes(), Some(4));
    assert!(f.check_problem(Problem::Classification, 4).is_ok());
    let e = f
        .check_problem(Problem::Classification, 3)
        .unwrap_err()
        .to_string();
    assert!(e.contains("k.csv: line 5") && e.contains("0 to 2"), "{e}");
    // 0 / 1 labels are two classes, read as -1 / +1.
    let binary = "x1,x2,label,split\n0,0,0,train\n1,1,1,test\n";
    let f = read_data(binary.as_bytes(), "b.csv").unwrap();
    assert_eq!(f.inferred_classes(), Some(2));
    let d = f.data_for(Problem::Classification, 2);
    assert_eq!((d.train[0].label, d.test[0].label), (-1.0, 1.0));
    // Fractions are regression values.
    let real = "x1,x2,label,split\n0,0,0.5,train\n1,1,1,test\n";
    assert_eq!(
        read_data(real.as_bytes(), "r.csv")
            .unwrap()
            .inferred_classes(),
        None
    );
}
