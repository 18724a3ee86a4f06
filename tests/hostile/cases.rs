//! The cases, by kind of input. Each builds its file in the temporary folder.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;

use super::{AsArg, Case, CoreCase, Expect, done, refused, tfjs_model};

/// The valid files the hostile ones are made from, and the folders they live in.
pub struct Fixtures {
    /// Where the cases run (and write their outputs).
    pub work: PathBuf,
    pub points: PathBuf,
    pub network: PathBuf,
    pub config: PathBuf,
    pub gan_model: PathBuf,
    /// A folder with a valid TensorFlow.js model (model.json, w.bin).
    pub cnn_dir: PathBuf,
    pub picture: PathBuf,
    /// A file outside every model's folder, that no case may read.
    pub secret: PathBuf,
    pub levels_src: PathBuf,
    /// The text of a valid experiment file, made by the core.
    pub experiment_json: String,
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_neural-sandbox"))
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) -> PathBuf {
    std::fs::write(path, bytes).unwrap();
    path.to_path_buf()
}

fn sparse(path: &Path, len: u64) -> PathBuf {
    std::fs::File::create(path).unwrap().set_len(len).unwrap();
    path.to_path_buf()
}

fn fifo(path: &Path) -> PathBuf {
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success());
    path.to_path_buf()
}

fn symlink(target: &Path, link: &Path) -> PathBuf {
    std::os::unix::fs::symlink(target, link).unwrap();
    link.to_path_buf()
}

fn with_bom(text: &str) -> Vec<u8> {
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(text.as_bytes());
    bytes
}

/// A small PNG of solid colour.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::RgbImage::from_pixel(width, height, image::Rgb([200, 30, 30]))
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}

#[path = "../common/pictures.rs"]
mod pictures;
use pictures::png_declaring;

/// A JSON object of `len` bytes that is one long list of zeros.
fn numbers_json(len: usize) -> String {
    let mut text = String::with_capacity(len);
    text.push_str("{\"x\": [0");
    while text.len() + 4 < len {
        text.push_str(",0");
    }
    text.push_str("]}");
    text
}

/// float32 weights, little-endian.
fn floats(count: usize, value: f32) -> Vec<u8> {
    (0..count).flat_map(|_| value.to_le_bytes()).collect()
}

impl Fixtures {
    pub fn make(root: &Path) -> Self {
        let work = root.join("work");
        std::fs::create_dir_all(&work).unwrap();
        let made = bin()
            .current_dir(&work)
            .args(["train", "--epochs", "0", "--quiet", "--dataset", "xor"])
            .args(["--save-data", "points.csv", "--save-network", "net.json"])
            .args(["--save-config", "config.ron"])
            .status()
            .unwrap();
        assert!(made.success());
        let made = bin()
            .current_dir(&work)
            .args([
                "gan",
                "train",
                "--epochs",
                "0",
                "--quiet",
                "--save-model",
                "gan.json",
            ])
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(made.success());
        let cnn_dir = work.join("cnn");
        std::fs::create_dir_all(&cnn_dir).unwrap();
        write(
            &cnn_dir.join("model.json"),
            tfjs_model([8, 8, 3], 2, 2, &["w.bin"]).to_string(),
        );
        // 3x3x3x2 + 2 + 72x2 + 2 numbers.
        write(&cnn_dir.join("w.bin"), floats(54 + 2 + 144 + 2, 0.01));
        let picture = write(&work.join("pic.png"), png(8, 8));
        let secret = write(&root.join("secret.bin"), floats(202, 0.5));
        let levels_src = Path::new(env!("CARGO_MANIFEST_DIR")).join("levels");
        let experiment = neural_sandbox::experiment::Experiment::new(Default::default()).unwrap();
        let experiment_json = neural_sandbox::experiment::file::to_json(&experiment);
        Fixtures {
            points: work.join("points.csv"),
            network: work.join("net.json"),
            config: work.join("config.ron"),
            gan_model: work.join("gan.json"),
            cnn_dir,
            picture,
            secret,
            levels_src,
            experiment_json,
            work,
        }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.work.join(name)
    }

    /// A fresh folder under the work folder.
    fn folder(&self, name: &str) -> PathBuf {
        let dir = self.work.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn text(&self, path: &Path) -> String {
        std::fs::read_to_string(path).unwrap()
    }
}

/// The files every "not a regular file" case uses, for one kind: a device, an endless random
/// device, a FIFO, a folder, a sparse file bigger than the kind's limit, a link to a device,
/// a missing file.
fn not_files(f: &Fixtures, tag: &str, too_big: u64) -> Vec<(String, PathBuf, &'static str)> {
    vec![
        (
            "/dev/zero".into(),
            PathBuf::from("/dev/zero"),
            "is a device",
        ),
        (
            "/dev/urandom".into(),
            PathBuf::from("/dev/urandom"),
            "is a device",
        ),
        (
            "a FIFO".into(),
            fifo(&f.file(&format!("{tag}.fifo"))),
            "a pipe (FIFO)",
        ),
        (
            "a folder".into(),
            f.folder(&format!("{tag}.dir")),
            "is a folder",
        ),
        (
            format!("a {} file", neural_sandbox::limits::size_in_words(too_big)),
            sparse(&f.file(&format!("{tag}.big")), too_big),
            "is too big",
        ),
        (
            "a link to /dev/zero".into(),
            symlink(Path::new("/dev/zero"), &f.file(&format!("{tag}.zero"))),
            "is a device",
        ),
        (
            "a missing file".into(),
            f.file(&format!("{tag}.none")),
            "no such file",
        ),
    ]
}

const TWO_GB: u64 = 2 * 1024 * 1024 * 1024;

/// Every case run as a process.
pub fn process_cases(f: &Fixtures) -> Vec<Case> {
    let mut cases = Vec::new();
    data_cases(f, &mut cases);
    config_and_network_cases(f, &mut cases);
    gan_cases(f, &mut cases);
    cnn_model_cases(f, &mut cases);
    picture_cases(f, &mut cases);
    level_cases(f, &mut cases);
    flag_cases(f, &mut cases);
    cases
}

fn train_data(path: &Path) -> Vec<String> {
    one_epoch(&["train"], "--data", path)
}

fn case_args(
    kind: &'static str,
    name: impl Into<String>,
    args: Vec<String>,
    expect: Expect,
) -> Case {
    let refs: Vec<String> = args;
    let dyns: Vec<&dyn AsArg> = refs.iter().map(|a| a as &dyn AsArg).collect();
    Case::new(kind, name, &dyns, expect)
}

/// The cases of one kind of file, each run as `args(path)`.
struct Kind<'a> {
    kind: &'static str,
    /// The flag that names the file, for the cases' names.
    flag: &'static str,
    args: &'a dyn Fn(&Path) -> Vec<String>,
}

impl Kind<'_> {
    /// The seven files that are not regular files of a fitting size (see [`not_files`]).
    fn not_files(&self, f: &Fixtures, cases: &mut Vec<Case>, tag: &str, too_big: u64) {
        for (name, path, why) in not_files(f, tag, too_big) {
            let args = (self.args)(&path);
            let name = format!("{} {name}", self.flag);
            cases.push(case_args(self.kind, name, args, refused(&[why])));
        }
    }

    /// One case: `bytes` written at `path`, then run.
    fn file(&self, cases: &mut Vec<Case>, path: PathBuf, bytes: &[u8], name: &str, expect: Expect) {
        let path = write(&path, bytes);
        let args = (self.args)(&path);
        cases.push(case_args(self.kind, name.to_string(), args, expect));
    }
}

fn data_cases(f: &Fixtures, cases: &mut Vec<Case>) {
    let kind = Kind {
        kind: "data",
        flag: "--data",
        args: &|path| train_data(path),
    };
    kind.not_files(f, cases, "data", TWO_GB);
    let good = f.text(&f.points);
    let body: String = good.lines().skip(1).map(|l| format!("{l}\n")).collect();
    let mut data = |name: &str, text: Vec<u8>, expect: Expect| {
        let n = cases.len();
        kind.file(cases, f.file(&format!("data-{n}.csv")), &text, name, expect);
    };
    data("a byte-order mark", with_bom(&good), done(&[]));
    data(
        "Windows line ends",
        good.replace('\n', "\r\n").into_bytes(),
        done(&[]),
    );
    data(
        "an empty file",
        Vec::new(),
        refused(&["the header must name the columns"]),
    );
    data(
        "a header only",
        b"x1,x2,label\n".to_vec(),
        refused(&["0 row(s) and no split column"]),
    );
    data(
        "one row, no split",
        b"x1,x2,label\n1,2,1\n".to_vec(),
        refused(&["no split column"]),
    );
    data(
        "only training rows",
        b"x1,x2,label,split\n1,2,1,train\n2,1,-1,train\n".to_vec(),
        refused(&["no rows with split \"test\""]),
    );
    data("a PNG", png(4, 4), refused(&["data-"]));
    data(
        "NaN",
        format!("x1,x2,label\nNaN,1,1\n{body}").into_bytes(),
        refused(&["line 2", "not a finite number"]),
    );
    data(
        "infinity",
        format!("x1,x2,label\n1,inf,1\n{body}").into_bytes(),
        refused(&["not a finite number"]),
    );
    data(
        "1e400",
        format!("x1,x2,label\n1,1e400,1\n{body}").into_bytes(),
        refused(&["not a finite number"]),
    );
    data(
        "labels of 1e308",
        format!("x1,x2,label\n1,1,1e308\n1,2,-1e308\n{body}").into_bytes(),
        refused(&["label \"1e308\" is too large"]),
    );
    data(
        "a 5 MB field",
        format!("x1,x2,label\n{},1,1\n{body}", "7".repeat(5_000_000)).into_bytes(),
        refused(&["(5000000 characters)", "is not a finite number"]),
    );
    data(
        "10,000 columns",
        format!(
            "{}\n1\n",
            (0..10_000)
                .map(|i| format!("c{i}"))
                .collect::<Vec<_>>()
                .join(",")
        )
        .into_bytes(),
        refused(&["the header must name the columns"]),
    );
    data(
        "100,001 rows",
        format!("x1,x2,label\n{}", "0.5,0.5,1\n".repeat(100_001)).into_bytes(),
        refused(&["more than 100000 rows"]),
    );
    data(
        "seven classes",
        format!(
            "x1,x2,label\n{}",
            (0..70)
                .map(|i| format!("{i},{i},{}\n", i % 7))
                .collect::<String>()
        )
        .into_bytes(),
        refused(&[
            "label 6 would be class 7 of 7",
            "at most 6 classes",
            "--problem regression",
        ]),
    );
    data(
        "a short row",
        format!("x1,x2,label\n1,2\n{body}").into_bytes(),
        refused(&["line 2", "2 values, but the header has 3 columns"]),
    );
    data(
        "a bad split",
        b"x1,x2,label,split\n1,2,1,validation\n".to_vec(),
        refused(&["split \"validation\" must be"]),
    );
    data(
        "UTF-16",
        "x1,x2,label\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect(),
        refused(&["data-"]),
    );
    data(
        "a 5 MB line of letters",
        vec![b'a'; 5_000_000],
        refused(&["(5000000 characters"]),
    );
    data(
        "four classes",
        format!(
            "x1,x2,label\n{}",
            (0..40)
                .map(|i| format!("{i},1,{}\n", i % 4))
                .collect::<String>()
        )
        .into_bytes(),
        done(&[]),
    );
    // Seven classes are fine as a regression, when asked for.
    let seven = write(
        &f.file("seven.csv"),
        (0..70).fold(String::from("x1,x2,label\n"), |s, i| {
            s + &format!("{i},{i},{}\n", i % 7)
        }),
    );
    let mut args = train_data(&seven);
    args.extend(["--problem".into(), "regression".into()]);
    cases.push(case_args(
        "data",
        "seven classes as a regression",
        args,
        done(&[]),
    ));

    // Outputs that are inputs, or two outputs to one file, are refused before anything runs.
    let keep = |path: PathBuf, text: String| {
        move |_: &super::RunResult| {
            let now = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
            if now == text {
                Ok(())
            } else {
                Err(format!("{} was changed", path.display()))
            }
        }
    };
    for (out_flag, needle) in [
        ("--csv", "is also the --data file"),
        ("--save-data", "is also the --data file"),
    ] {
        let points = write(&f.file(&format!("mine{out_flag}.csv")), &good);
        let mut args = train_data(&points);
        args.extend([out_flag.into(), points.display().to_string()]);
        cases.push(
            case_args(
                "data",
                format!("{out_flag} onto --data"),
                args,
                refused(&[needle]),
            )
            .then(keep(points.clone(), good.clone())),
        );
    }
    let both = f.file("both.csv");
    let mut args = train_data(&f.points);
    args.extend([
        "--csv".into(),
        both.display().to_string(),
        "--save-data".into(),
        "./both.csv".into(),
    ]);
    cases.push(
        case_args(
            "data",
            "--csv and --save-data to one file",
            args,
            refused(&["both write"]),
        )
        .then(move |_| {
            if both.exists() {
                Err("both.csv was written".into())
            } else {
                Ok(())
            }
        }),
    );
    let net_text = f.text(&f.network);
    let net = write(&f.file("mynet.json"), &net_text);
    cases.push(
        case_args(
            "data",
            "--save-network onto --weights",
            vec![
                "train".into(),
                "--epochs".into(),
                "1".into(),
                "--weights".into(),
                net.display().to_string(),
                "--save-network".into(),
                net.display().to_string(),
                "--dataset".into(),
                "xor".into(),
            ],
            refused(&["is also the --weights file"]),
        )
        .then(keep(net.clone(), net_text)),
    );
    // A link to the data file is the same file.
    let link = symlink(&f.points, &f.file("points-link.csv"));
    let mut args = train_data(&f.points);
    args.extend(["--csv".into(), link.display().to_string()]);
    cases.push(
        case_args(
            "data",
            "--csv onto a link to --data",
            args,
            refused(&["is also the --data file"]),
        )
        .then(keep(f.points.clone(), good.clone())),
    );
}

/// `command --epochs 1 --quiet flag path`.
fn one_epoch(command: &[&str], flag: &str, path: &Path) -> Vec<String> {
    let mut args: Vec<String> = command.iter().map(|s| s.to_string()).collect();
    args.extend(["--epochs".into(), "1".into(), "--quiet".into(), flag.into()]);
    args.push(path.display().to_string());
    args
}

fn config_and_network_cases(f: &Fixtures, cases: &mut Vec<Case>) {
    let train_with = |flag: &str, path: &Path| one_epoch(&["train"], flag, path);
    let kind = Kind {
        kind: "config",
        flag: "--config",
        args: &|path| train_with("--config", path),
    };
    kind.not_files(f, cases, "config", 2 * 1024 * 1024);
    let good = f.text(&f.config);
    let mut config = |name: &str, text: Vec<u8>, expect: Expect| {
        let n = cases.len();
        kind.file(
            cases,
            f.file(&format!("config-{n}.ron")),
            &text,
            name,
            expect,
        );
    };
    config("a byte-order mark", with_bom(&good), done(&[]));
    config(
        "garbage",
        vec![0xff, 0xfe, 0x00, 0x01],
        refused(&["is not text"]),
    );
    config(
        "a PNG",
        png(4, 4),
        refused(&["it looks like a PNG picture"]),
    );
    config(
        "truncated",
        good.as_bytes()[..good.len() / 2].to_vec(),
        refused(&["config-"]),
    );
    config(
        "deep nesting",
        format!("{}{}", "(".repeat(100_000), ")".repeat(100_000)).into_bytes(),
        refused(&["config-"]),
    );
    config(
        "an unknown field",
        b"(no_such_field: 1)".to_vec(),
        refused(&["no_such_field"]),
    );
    config(
        "a 5 MB string",
        format!("(dataset: \"{}\")", "s".repeat(5_000_000)).into_bytes(),
        refused(&["config-"]),
    );
    config(
        "10,000 hidden layers",
        format!("(hidden_layers: [{}])", vec!["8"; 10_000].join(",")).into_bytes(),
        refused(&["hidden_layers"]),
    );
    config(
        "a learning rate of 1e309",
        b"(learning_rate: 1e309)".to_vec(),
        refused(&["learning_rate"]),
    );
    config(
        "limits past their ceiling",
        b"(limits: (max_hidden_layers: 1000000, max_neurons_per_layer: 1000000))".to_vec(),
        refused(&["limits.max_hidden_layers"]),
    );

    let kind = Kind {
        kind: "network",
        flag: "--weights",
        args: &|path| train_with("--weights", path),
    };
    kind.not_files(f, cases, "network", 8 * 1024 * 1024);
    let good = f.text(&f.network);
    let mut network = |name: &str, text: Vec<u8>, expect: Expect| {
        let n = cases.len();
        kind.file(cases, f.file(&format!("net-{n}.json")), &text, name, expect);
    };
    network("a byte-order mark", with_bom(&good), done(&[]));
    network(
        "a PNG",
        png(4, 4),
        refused(&["it looks like a PNG picture"]),
    );
    network(
        "truncated",
        good.as_bytes()[..good.len() / 2].to_vec(),
        refused(&["net-"]),
    );
    network(
        "deep nesting",
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
        refused(&["net-"]),
    );
    network(
        "a 5 MB feature name",
        json!({"features": ["x".repeat(5_000_000)], "layers": []})
            .to_string()
            .into_bytes(),
        refused(&["net-"]),
    );
    network(
        "10,000 layers",
        json!({"features": ["x1"], "layers": vec![json!({"weights": [[1.0]], "biases": [0.0]}); 10_000]})
            .to_string()
            .into_bytes(),
        refused(&["net-"]),
    );
    network(
        "a number past f64",
        good.replacen(|c: char| c.is_ascii_digit(), "9e999", 1)
            .into_bytes(),
        refused(&["net-"]),
    );
    network(
        "rows of the wrong length",
        json!({"features": ["x1", "x2"], "layers": [{"weights": [[1.0]], "biases": [0.0]}]})
            .to_string()
            .into_bytes(),
        refused(&["expected one per feature"]),
    );
}

fn gan_cases(f: &Fixtures, cases: &mut Vec<Case>) {
    let gan_with = |flag: &str, path: &Path| one_epoch(&["gan", "train"], flag, path);
    let kind = Kind {
        kind: "gan model",
        flag: "--load-model",
        args: &|path| gan_with("--load-model", path),
    };
    kind.not_files(f, cases, "gan", 32 * 1024 * 1024);
    let good: serde_json::Value = serde_json::from_str(&f.text(&f.gan_model)).unwrap();
    let mut model = |name: &str, text: Vec<u8>, expect: Expect| {
        let n = cases.len();
        kind.file(cases, f.file(&format!("gan-{n}.json")), &text, name, expect);
    };
    let limit = neural_sandbox::limits::FileKind::GanModel.max_bytes() as usize;
    model(
        "a model at its size limit, all numbers",
        numbers_json(limit).into_bytes(),
        refused(&["unknown field"]),
    );
    model(
        "GAN Lab's manifest at its size limit, all numbers",
        numbers_json(limit)
            .replacen("{", "{\"weightsManifest\": [], ", 1)
            .into_bytes()[..limit]
            .to_vec(),
        refused(&["gan-"]),
    );
    model(
        "a byte-order mark",
        with_bom(&good.to_string()),
        done(&["epoch 1"]),
    );
    model(
        "a PNG",
        png(4, 4),
        refused(&["it looks like a PNG picture"]),
    );
    let mut near_end = good.clone();
    near_end["epoch"] = json!(18_446_744_073_709_551_000u64);
    model(
        "an epoch near 2^64",
        near_end.to_string().into_bytes(),
        refused(&["epoch 18446744073709551000 is more than"]),
    );
    let mut float_epoch = good.clone();
    float_epoch["epoch"] = json!(1e30);
    model(
        "an epoch of 1e30",
        float_epoch.to_string().into_bytes(),
        refused(&["floating point `1e+30`, expected u64"]),
    );
    model(
        "truncated",
        good.to_string().as_bytes()[..200].to_vec(),
        refused(&["gan-"]),
    );
    let mut huge_neurons = good.clone();
    huge_neurons["settings"]["g_neurons"] = json!(1e20);
    model(
        "neurons of 1e20",
        huge_neurons.to_string().into_bytes(),
        refused(&["gan-"]),
    );

    // GAN Lab's own format: a manifest and a weights file beside it.
    let ganlab = |config: serde_json::Value, path: &str| {
        json!({
            "modelTopology": {"shape_name": "ring", "iter_count": 10, "config": config},
            "weightsManifest": [{"paths": [path], "weights": [
                {"name": "g-0", "shape": [2, 2], "dtype": "float32"}
            ]}]
        })
    };
    let folder = f.folder("ganlab");
    write(&folder.join("m.weights.bin"), floats(4, 0.1));
    let mut manifest = |name: &str, value: serde_json::Value, expect: Expect| {
        let path = folder.join(format!("m-{}.json", cases.len()));
        kind.file(cases, path, value.to_string().as_bytes(), name, expect);
    };
    for (key, value, needle) in [
        (
            "kDSteps",
            json!(1e20),
            "kDSteps 100000000000000000000 must be a whole number from 0 to 10",
        ),
        (
            "kGSteps",
            json!(-3),
            "kGSteps -3 must be a whole number from 0 to 10",
        ),
        (
            "noiseSize",
            json!(1e9),
            "noiseSize 1000000000 must be a whole number from 1 to 2",
        ),
        (
            "numGeneratorNeurons",
            json!(1_000_000),
            "numGeneratorNeurons 1000000 must be a whole number from 1 to 100",
        ),
        (
            "numDiscriminatorLayers",
            json!(2.5),
            "numDiscriminatorLayers 2.5 must be",
        ),
    ] {
        manifest(
            &format!("GAN Lab's {key}: {value}"),
            ganlab(json!({ key: value }), "m.weights.bin"),
            refused(&[needle]),
        );
    }
    let mut endless = ganlab(json!({}), "m.weights.bin");
    endless["modelTopology"]["iter_count"] = json!(1e30);
    manifest(
        "GAN Lab's iter_count 1e30",
        endless,
        refused(&["iter_count"]),
    );
    // The weights are only ever looked for beside the manifest, by file name.
    manifest(
        "GAN Lab's weights at ../../secret.bin",
        ganlab(json!({}), "../../secret.bin"),
        refused(&["secret.bin: cannot read: no such file"]),
    );
    manifest(
        "GAN Lab's weights at an absolute path",
        ganlab(json!({}), &f.secret.display().to_string()),
        refused(&["secret.bin: cannot read: no such file"]),
    );
    symlink(&f.secret, &folder.join("out.weights.bin"));
    manifest(
        "GAN Lab's weights, a link out of the folder",
        ganlab(json!({}), "out.weights.bin"),
        refused(&["is a link to somewhere outside its folder"]),
    );
    symlink(Path::new("/dev/zero"), &folder.join("zero.weights.bin"));
    manifest(
        "GAN Lab's weights, a link to /dev/zero",
        ganlab(json!({}), "zero.weights.bin"),
        refused(&["outside its folder"]),
    );
    let mut huge = ganlab(json!({}), "m.weights.bin");
    huge["weightsManifest"][0]["weights"][0]["shape"] = json!([100_000, 100_000]);
    manifest(
        "GAN Lab's weights declaring 10^10 numbers",
        huge,
        refused(&["more than the 16 bytes"]),
    );
    let mut wrapping = ganlab(json!({}), "m.weights.bin");
    wrapping["weightsManifest"][0]["weights"][0]["shape"] =
        json!([4_611_686_018_427_387_904u64, 4]);
    manifest(
        "GAN Lab's weights whose size wraps",
        wrapping,
        refused(&["more than the 16 bytes"]),
    );

    // Real points and noise.
    let real = Kind {
        kind: "gan samples",
        flag: "--real",
        args: &|path| gan_with("--real", path),
    };
    real.not_files(f, cases, "real", TWO_GB);
    let mut samples = |name: &str, flag: &'static str, text: String, expect: Expect| {
        let n = cases.len();
        let args = |path: &Path| gan_with(flag, path);
        let kind = Kind {
            kind: "gan samples",
            flag,
            args: &args,
        };
        kind.file(
            cases,
            f.file(&format!("samples-{n}.csv")),
            text.as_bytes(),
            name,
            expect,
        );
    };
    samples(
        "real points with a BOM",
        "--real",
        format!("\u{feff}x,y\n{}", "0.5,0.5\n".repeat(200)),
        done(&[]),
    );
    samples(
        "real points of NaN",
        "--real",
        "x,y\nNaN,1\n".into(),
        refused(&["is not a number"]),
    );
    samples(
        "real points of 1e300",
        "--real",
        "x,y\n1e300,1\n".into(),
        refused(&["too large"]),
    );
    samples(
        "a 5 MB real point",
        "--real",
        format!("x,y\n{},1\n", "1".repeat(5_000_000)),
        refused(&["(5000000 characters)"]),
    );
    samples(
        "100,001 real points",
        "--real",
        format!("x,y\n{}", "0.5,0.5\n".repeat(100_001)),
        refused(&["more than 100000 rows"]),
    );
    samples(
        "noise of three columns",
        "--noise-file",
        "z1,z2,z3\n1,2,3\n".into(),
        refused(&["the header must be z1 or z1,z2"]),
    );
    samples(
        "noise with no rows",
        "--noise-file",
        "z1\n".into(),
        refused(&["no rows"]),
    );

    let csv = f.file("gan-rows.csv");
    let model_text = f.text(&f.gan_model);
    let model_copy = write(&f.file("gan-copy.json"), &model_text);
    cases.push(
        case_args(
            "gan model",
            "--csv onto --load-model",
            vec![
                "gan".into(),
                "train".into(),
                "--epochs".into(),
                "1".into(),
                "--load-model".into(),
                model_copy.display().to_string(),
                "--csv".into(),
                model_copy.display().to_string(),
            ],
            refused(&["is also the --load-model file"]),
        )
        .then(move |_| {
            (std::fs::read_to_string(&model_copy).ok() == Some(model_text.clone()))
                .then_some(())
                .ok_or("the model was overwritten".into())
        }),
    );
    cases.push(case_args(
        "gan model",
        "--epochs past the count from a model",
        vec![
            "gan".into(),
            "train".into(),
            "--quiet".into(),
            "--epochs".into(),
            u64::MAX.to_string(),
            "--csv".into(),
            csv.display().to_string(),
        ],
        refused(&["the most epochs a run counts"]),
    ));
}

fn classify(model: &Path, picture: &Path) -> Vec<String> {
    vec![
        "cnn".into(),
        "classify".into(),
        "--model".into(),
        model.display().to_string(),
        picture.display().to_string(),
    ]
}

fn cnn_model_cases(f: &Fixtures, cases: &mut Vec<Case>) {
    let good_model = f.cnn_dir.join("model.json");
    cases.push(case_args(
        "cnn model",
        "a valid model",
        classify(&good_model, &f.picture),
        done(&["pic.png", "class 0"]),
    ));
    let picture = f.picture.clone();
    let kind = Kind {
        kind: "cnn model",
        flag: "--model",
        args: &|path| classify(path, &picture),
    };
    kind.not_files(f, cases, "cnn", 64 * 1024 * 1024);
    cases.push(case_args(
        "cnn model",
        "a picture as the model",
        classify(&f.picture, &f.picture),
        refused(&["is not text (it looks like a PNG picture), so it cannot be a model file"]),
    ));
    // Models beside their weights, each in the model's folder.
    let mut model = |name: &str, value: serde_json::Value, expect: Expect| {
        let path = f.cnn_dir.join(format!("m-{}.json", cases.len()));
        kind.file(cases, path, value.to_string().as_bytes(), name, expect);
    };
    let w = &["w.bin"][..];
    model(
        "a BOM-less valid copy",
        tfjs_model([8, 8, 3], 2, 2, w),
        done(&["class 1"]),
    );
    model(
        "a dense layer of 100,000 units",
        tfjs_model([8, 8, 3], 2, 100_000, w),
        refused(&["parameters"]),
    );
    model(
        "a dense layer of 10^12 units",
        tfjs_model([8, 8, 3], 2, 1_000_000_000_000, w),
        refused(&["units 1000000000000 is more than"]),
    );
    model(
        "an input of 100000x100000x3",
        tfjs_model([100_000, 100_000, 3], 2, 2, w),
        refused(&["the input's height 100000 is more than 4096"]),
    );
    model(
        "an input of 2^40 channels",
        tfjs_model([8, 8, 1 << 40], 2, 2, w),
        refused(&["channels"]),
    );
    model(
        "a million filters",
        tfjs_model([8, 8, 3], 1_000_000, 2, w),
        refused(&["filters 1000000 is more than"]),
    );
    model(
        "an input of 4096x4096x3 with 64 filters",
        tfjs_model([4096, 4096, 3], 64, 2, w),
        refused(&["numbers per image"]),
    );
    let mut big_kernel = tfjs_model([8, 8, 3], 2, 2, w);
    big_kernel["modelTopology"]["config"]["layers"][0]["config"]["kernel_size"] =
        json!([1_000_000, 1_000_000]);
    model(
        "a kernel of 1,000,000",
        big_kernel,
        refused(&["kernel 1000000 is more than"]),
    );
    let mut many = tfjs_model([8, 8, 3], 2, 2, w);
    many["modelTopology"]["config"]["layers"] =
        json!(vec![json!({"class_name": "Dropout", "config": {}}); 10_000]);
    model(
        "10,000 layers",
        many,
        refused(&["10000 layers: at most 256"]),
    );
    model(
        "weights at ../../secret.bin",
        tfjs_model([8, 8, 3], 2, 2, &["../../secret.bin"]),
        refused(&["goes up a folder (..)"]),
    );
    let secret = f.secret.display().to_string();
    model(
        "weights at an absolute path",
        tfjs_model([8, 8, 3], 2, 2, &[secret.as_str()]),
        refused(&["is an absolute path"]),
    );
    symlink(&f.secret, &f.cnn_dir.join("out.bin"));
    model(
        "weights, a link out of the folder",
        tfjs_model([8, 8, 3], 2, 2, &["out.bin"]),
        refused(&["a link to somewhere outside its folder"]),
    );
    symlink(Path::new("/dev/zero"), &f.cnn_dir.join("zero.bin"));
    model(
        "weights, a link to /dev/zero",
        tfjs_model([8, 8, 3], 2, 2, &["zero.bin"]),
        refused(&["outside its folder"]),
    );
    fifo(&f.cnn_dir.join("pipe.bin"));
    model(
        "weights, a FIFO",
        tfjs_model([8, 8, 3], 2, 2, &["pipe.bin"]),
        refused(&["a pipe (FIFO)"]),
    );
    sparse(&f.cnn_dir.join("huge.bin"), TWO_GB);
    model(
        "weights, a 2 GB file",
        tfjs_model([8, 8, 3], 2, 2, &["huge.bin"]),
        refused(&["is too big for a weights file"]),
    );
    let same_shard: Vec<&str> = vec!["w.bin"; 10_000];
    model(
        "the weights file named 10,000 times",
        tfjs_model([8, 8, 3], 2, 2, &same_shard),
        refused(&["more than the 808 bytes the manifest describes"]),
    );
    let mut wide = tfjs_model([8, 8, 3], 2, 2, w);
    wide["weightsManifest"][0]["weights"][2]["shape"] = json!([1_000_000_000u64, 1_000_000_000u64]);
    model("a weight of 10^18 numbers", wide, refused(&["a side of"]));
    let mut wrapping = tfjs_model([8, 8, 3], 2, 2, w);
    wrapping["weightsManifest"][0]["weights"][2]["shape"] =
        json!([1_000_000, 1_000_000, 1_000_000, 1_000_000]);
    model(
        "a weight whose size wraps",
        wrapping,
        refused(&["declares more than 1000000 numbers"]),
    );
    write(&f.cnn_dir.join("short.bin"), floats(10, 0.1));
    model(
        "a weights file too short",
        tfjs_model([8, 8, 3], 2, 2, &["short.bin"]),
        refused(&["too short"]),
    );
    write(&f.cnn_dir.join("nan.bin"), floats(202, f32::NAN));
    model(
        "weights of NaN",
        tfjs_model([8, 8, 3], 2, 2, &["nan.bin"]),
        refused(&["NaN or infinite"]),
    );
    let mut inline = tfjs_model([8, 8, 3], 2, 2, &[]);
    inline["weightsData"] = json!("AAAA");
    model(
        "inline weights too short",
        inline,
        refused(&["shorter than the manifest says"]),
    );
    let mut quantized = tfjs_model([8, 8, 3], 2, 2, w);
    quantized["weightsManifest"][0]["weights"][0]["dtype"] = json!("int8");
    model(
        "quantized weights",
        quantized,
        refused(&["only float32 weights are supported"]),
    );
    let mut functional = tfjs_model([8, 8, 3], 2, 2, w);
    functional["modelTopology"]["class_name"] = json!("Functional");
    functional["modelTopology"]["config"]["name"] = json!("x");
    model(
        "a Functional model",
        functional,
        refused(&["only Sequential models"]),
    );
    let mut long_name = tfjs_model([8, 8, 3], 2, 2, w);
    long_name["modelTopology"]["config"]["layers"][0]["class_name"] = json!("Z".repeat(5_000_000));
    model(
        "a 5 MB layer class",
        long_name,
        refused(&["(5000000 characters)"]),
    );
    // At the size limit, every byte a number: the parsed tree is many times the file.
    let limit = neural_sandbox::limits::FileKind::CnnModel.max_bytes() as usize;
    let path = write(&f.cnn_dir.join("numbers.json"), numbers_json(limit));
    cases.push(case_args(
        "cnn model",
        "a model.json at its size limit, all numbers",
        classify(&path, &f.picture),
        refused(&["no modelTopology"]),
    ));
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let path = write(&f.cnn_dir.join("nested.json"), nested);
    cases.push(case_args(
        "cnn model",
        "deep nesting",
        classify(&path, &f.picture),
        refused(&["not JSON"]),
    ));
    let path = write(
        &f.cnn_dir.join("bom.json"),
        with_bom(&tfjs_model([8, 8, 3], 2, 2, w).to_string()),
    );
    cases.push(case_args(
        "cnn model",
        "a byte-order mark",
        classify(&path, &f.picture),
        done(&["class 0"]),
    ));

    // Class names.
    let mut with_classes = |name: &str, classes: &str, expect: Expect| {
        let mut args = classify(&good_model, &f.picture);
        args.extend(["--classes".into(), classes.into()]);
        cases.push(case_args("cnn model", name.to_string(), args, expect));
    };
    with_classes(
        "repeated class names",
        "a,a",
        refused(&["--classes names \"a\" twice (classes 1 and 2)"]),
    );
    with_classes(
        "too many class names",
        "a,b,c",
        refused(&["--classes names 3 classes, the model has 2"]),
    );
    with_classes(
        "an empty class name",
        "a,",
        refused(&["--classes names 2 classes"]),
    );
    with_classes("two class names", "cat,dog", done(&["cat", "dog"]));
}

fn picture_cases(f: &Fixtures, cases: &mut Vec<Case>) {
    let model = f.cnn_dir.join("model.json");
    let kind = Kind {
        kind: "picture",
        flag: "a picture:",
        args: &|path| classify(&model, path),
    };
    kind.not_files(f, cases, "picture", 64 * 1024 * 1024);
    let mut picture = |name: &str, bytes: Vec<u8>, expect: Expect| {
        let n = cases.len();
        kind.file(
            cases,
            f.file(&format!("picture-{n}.png")),
            &bytes,
            name,
            expect,
        );
    };
    picture(
        "a PNG declaring 100000x100000",
        png_declaring(100_000, 100_000),
        refused(&["the picture is 100000x100000 pixels"]),
    );
    picture(
        "a PNG declaring 4 billion pixels a side",
        png_declaring(u32::MAX / 2, 1),
        refused(&["pixels"]),
    );
    picture(
        "a PNG declaring 20000x10",
        png_declaring(20_000, 10),
        refused(&["at most 16384 a side"]),
    );
    picture(
        "a PNG declaring 8000x8000",
        png_declaring(8_000, 8_000),
        refused(&["32 million in all"]),
    );
    picture(
        "a PNG declaring 100x100, holding nothing",
        png_declaring(100, 100),
        refused(&["cannot read the picture"]),
    );
    picture(
        "a PNG declaring 0x0",
        png_declaring(0, 0),
        refused(&["cannot read the picture"]),
    );
    let mut strip = Vec::new();
    image::RgbImage::from_pixel(1_000_000, 1, image::Rgb([9, 9, 9]))
        .write_to(
            &mut std::io::Cursor::new(&mut strip),
            image::ImageFormat::Png,
        )
        .unwrap();
    picture(
        "a 1x1,000,000 strip (a 4 KB file)",
        strip,
        refused(&["the picture is 1000000x1 pixels: at most 16384 a side"]),
    );
    // Within the limits, a strip is cut to its middle before scaling (not 65 x 1,040,000).
    let mut strip = Vec::new();
    image::RgbImage::from_pixel(16_000, 1, image::Rgb([9, 9, 9]))
        .write_to(
            &mut std::io::Cursor::new(&mut strip),
            image::ImageFormat::Png,
        )
        .unwrap();
    picture("a 16000x1 strip", strip, done(&["class 0"]));
    let good = png(8, 8);
    picture(
        "a truncated PNG",
        good[..good.len() / 2].to_vec(),
        refused(&["cannot read the picture"]),
    );
    picture(
        "a GIF",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(),
        refused(&["this is a GIF picture"]),
    );
    picture(
        "a text file",
        b"hello".to_vec(),
        refused(&["not a picture this game can read"]),
    );
    picture(
        "an empty file",
        Vec::new(),
        refused(&["not a picture this game can read"]),
    );
    picture(
        "a JPEG header and garbage",
        [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[0x55; 100]].concat(),
        refused(&["cannot read the picture"]),
    );
    picture(
        "a big ordinary picture",
        png(2000, 1500),
        done(&["class 0"]),
    );
}

fn level_cases(f: &Fixtures, cases: &mut Vec<Case>) {
    let check = |dir: &Path| {
        vec![
            "levels".to_string(),
            "check".into(),
            dir.display().to_string(),
        ]
    };
    let level = f.text(&f.levels_src.join("01-perceptron.ron"));
    let mut n = 0;
    let mut folder = |index: Option<&str>| {
        n += 1;
        let dir = f.folder(&format!("levels-{n}"));
        if let Some(text) = index {
            write(&dir.join("index.ron"), text);
        }
        dir
    };
    // The index itself.
    for (name, make, why) in [
        ("a link to /dev/zero", 0, "is a device"),
        ("a FIFO", 1, "a pipe (FIFO)"),
        ("2 MB", 2, "is too big for a level file"),
        ("a folder", 3, "is a folder"),
    ] {
        let dir = folder(None);
        let index = dir.join("index.ron");
        match make {
            0 => {
                symlink(Path::new("/dev/zero"), &index);
            }
            1 => {
                fifo(&index);
            }
            2 => {
                sparse(&index, 2 * 1024 * 1024);
            }
            _ => std::fs::create_dir(&index).unwrap(),
        }
        cases.push(case_args(
            "levels",
            format!("an index that is {name}"),
            check(&dir),
            refused(&[why]),
        ));
    }
    let dir = folder(None);
    write(&dir.join("index.ron"), with_bom("[\"a.ron\"]"));
    write(&dir.join("a.ron"), with_bom(&level));
    cases.push(case_args(
        "levels",
        "an index and a level with byte-order marks",
        check(&dir),
        done(&["ok: 1 levels"]),
    ));
    for (name, index, why) in [
        (
            "../ in the index",
            "[\"../01-perceptron.ron\"]",
            "is not a level file of this folder",
        ),
        (
            "an absolute path in the index",
            "[\"/etc/passwd\"]",
            "is not a level file of this folder",
        ),
        (
            "600 levels in the index",
            "",
            "600 levels are listed: at most 500",
        ),
        ("garbage in the index", "\u{0}\u{1}[[[", "levels-"),
        ("deep nesting in the index", "", "levels-"),
    ] {
        let text = match name {
            "600 levels in the index" => format!(
                "[{}]",
                (0..600)
                    .map(|i| format!("\"l{i}.ron\""))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            "deep nesting in the index" => "[".repeat(100_000),
            _ => index.to_string(),
        };
        let dir = folder(Some(&text));
        cases.push(case_args(
            "levels",
            name.to_string(),
            check(&dir),
            refused(&[why]),
        ));
    }
    // The levels it lists.
    let outside = write(&f.file("outside.ron"), &level);
    for (name, why) in [
        ("a level linked to /dev/zero", "outside its folder"),
        ("a level linked outside the folder", "outside its folder"),
        ("a level that is a FIFO", "a pipe (FIFO)"),
        ("a level of 2 MB", "is too big for a level file"),
        ("a missing level", "no such file"),
        ("a level with a 5 MB title", "is too big for a level file"),
        ("a level with a 900 KB field", "x.ron"),
        ("a level of garbage", "levels-"),
    ] {
        let dir = folder(Some("[\"x.ron\"]"));
        let x = dir.join("x.ron");
        match name {
            "a level linked to /dev/zero" => {
                symlink(Path::new("/dev/zero"), &x);
            }
            "a level linked outside the folder" => {
                symlink(&outside, &x);
            }
            "a level that is a FIFO" => {
                fifo(&x);
            }
            "a level of 2 MB" => {
                sparse(&x, 2 * 1024 * 1024);
            }
            "a level with a 5 MB title" => {
                write(
                    &x,
                    level.replacen(
                        "title: \"",
                        &format!("title: \"{}", "t".repeat(5_000_000)),
                        1,
                    ),
                );
            }
            "a level with a 900 KB field" => {
                write(
                    &x,
                    level.replacen(
                        "title: \"",
                        &format!("title: 5, x: \"{}", "t".repeat(900_000)),
                        1,
                    ),
                );
            }
            "a level of garbage" => {
                write(&x, [0xffu8, 0xfe, 0, 1, 2]);
            }
            _ => {}
        }
        cases.push(case_args(
            "levels",
            name.to_string(),
            check(&dir),
            refused(&[why]),
        ));
    }
    let dir = folder(Some("[\"x.ron\"]"));
    symlink(
        &f.levels_src.join("01-perceptron.ron"),
        &dir.join("inside.ron"),
    );
    std::fs::copy(f.levels_src.join("01-perceptron.ron"), dir.join("x.ron")).unwrap();
    cases.push(case_args(
        "levels",
        "a plain level beside a link (not listed)",
        check(&dir),
        refused(&["inside.ron: not listed"]),
    ));
}

fn flag_cases(f: &Fixtures, cases: &mut Vec<Case>) {
    let mut flags = |name: &str, args: &[&str], expect: Expect| {
        cases.push(case_args(
            "flags",
            name.to_string(),
            args.iter().map(|s| s.to_string()).collect(),
            expect,
        ));
    };
    flags(
        "--lr -1",
        &["train", "--epochs", "1", "--lr", "-1"],
        refused(&["learning_rate"]),
    );
    flags(
        "--lr=-1",
        &["train", "--epochs", "1", "--lr=-1"],
        refused(&["learning_rate"]),
    );
    flags(
        "--lr nan",
        &["train", "--epochs", "1", "--lr", "nan"],
        refused(&["learning_rate"]),
    );
    flags(
        "--lr inf",
        &["train", "--epochs", "1", "--lr", "inf"],
        refused(&["learning_rate"]),
    );
    flags(
        "--lr 1e309",
        &["train", "--epochs", "1", "--lr", "1e309"],
        refused(&["learning_rate"]),
    );
    flags(
        "--reg-rate -5",
        &["train", "--epochs", "1", "--reg-rate", "-5"],
        refused(&["regularization_rate"]),
    );
    flags(
        "--dropout 2",
        &["train", "--epochs", "1", "--dropout", "2"],
        refused(&["dropout"]),
    );
    flags(
        "--momentum nan",
        &[
            "train",
            "--epochs",
            "1",
            "--optimizer",
            "momentum",
            "--momentum",
            "nan",
        ],
        refused(&["momentum"]),
    );
    flags(
        "--batch 0",
        &["train", "--epochs", "1", "--batch", "0"],
        refused(&["batch_size"]),
    );
    flags(
        "--batch 10^6",
        &["train", "--epochs", "1", "--batch", "1000000"],
        refused(&["batch_size"]),
    );
    flags(
        "--classes 7",
        &[
            "train",
            "--epochs",
            "1",
            "--dataset",
            "blobs",
            "--classes",
            "7",
        ],
        refused(&["classes"]),
    );
    let digits = "9".repeat(309);
    flags(
        "a 309-digit --noise",
        &["train", "--noise", &digits],
        refused(&["(311 characters)", "number too large"]),
    );
    let layers = vec!["8"; 10_000].join(",");
    flags(
        "10,000 --layers",
        &["train", "--epochs", "1", "--layers", &layers],
        refused(&["hidden_layers"]),
    );
    flags(
        "--epochs 2^64",
        &["train", "--epochs", "18446744073709551616"],
        refused(&["--epochs"]),
    );
    flags(
        "--playground-url 'not a url'",
        &["train", "--playground-url", "not a url"],
        refused(&["is not a TensorFlow Playground link"]),
    );
    // (One argument may have at most 128 KB.)
    let long_link = format!(
        "https://playground.tensorflow.org/#{}",
        "a=1&".repeat(25_000)
    );
    flags(
        "a 100 KB --playground-url",
        &["train", "--playground-url", &long_link],
        refused(&["characters long"]),
    );
    flags(
        "--playground-url with a bad value",
        &[
            "train",
            "--epochs",
            "1",
            "--playground-url",
            "https://playground.tensorflow.org/#activation=nope&seed=0.1",
        ],
        refused(&["activation=nope: not one of"]),
    );
    flags(
        "--playground-url of the page",
        &[
            "train",
            "--epochs",
            "1",
            "--playground-url",
            "https://playground.tensorflow.org/#activation=tanh&seed=0.5",
        ],
        done(&["epoch,train_loss,test_loss"]),
    );
    flags(
        "--csv - with --playground-url",
        &[
            "train",
            "--epochs",
            "1",
            "--csv",
            "-",
            "--playground-url",
            "https://playground.tensorflow.org/#activation=tanh&seed=0.5",
        ],
        refused(&["both print their rows to standard output"]),
    );
    flags(
        "sweep --threads 100000",
        &[
            "sweep",
            "--threads",
            "100000",
            "--epochs",
            "5",
            "--dataset",
            "xor",
        ],
        done(&["1 variant"]),
    );
    flags(
        "sweep --threads 0",
        &["sweep", "--threads", "0", "--epochs", "5"],
        refused(&["--threads must be at least 1"]),
    );
    flags(
        "sweep --seeds 1000",
        &["sweep", "--seeds", "1000", "--epochs", "5"],
        refused(&["--seeds 1000 must be 1 to 100"]),
    );
    flags(
        "sweep --csv -",
        &["sweep", "--epochs", "5", "--lr", "0.03,0.3", "--csv", "-"],
        done(&["rank"]),
    );
    flags(
        "bench --seconds -1",
        &["bench", "--seconds", "-1"],
        refused(&["--seconds -1 must be more than 0"]),
    );
    flags(
        "gan --k-d 100",
        &["gan", "train", "--epochs", "1", "--k-d", "100"],
        refused(&["k_d"]),
    );
    flags(
        "gan --lr-d -1",
        &["gan", "train", "--epochs", "1", "--lr-d", "-1"],
        refused(&["learning_rate_d"]),
    );
    flags(
        "gan --csv -",
        &["gan", "train", "--epochs", "2", "--quiet", "--csv", "-"],
        done(&["epoch,d_loss"]),
    );
    flags(
        "cnn --batch-size 0",
        &["cnn", "train", "--epochs", "1", "--batch-size", "0"],
        refused(&["--batch-size 0"]),
    );
    flags(
        "cnn --learning-rate -1",
        &["cnn", "train", "--epochs", "1", "--learning-rate", "-1"],
        refused(&["--learning-rate -1"]),
    );
    flags(
        "cnn --kernel 1000",
        &["cnn", "train", "--epochs", "1", "--kernel", "1000"],
        refused(&["--kernel 1000"]),
    );
    let dash = f.work.join("-");
    cases.push(
        case_args(
            "flags",
            "train --csv - writes to standard output",
            ["train", "--epochs", "3", "--csv", "-"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            done(&[
                "epoch,train_loss,test_loss,train_accuracy,test_accuracy\n0,",
                "\n3,",
                "# epoch 3",
            ]),
        )
        .then(move |_| {
            if dash.exists() {
                Err("a file named - was written".into())
            } else {
                Ok(())
            }
        }),
    );
    let mut closed = case_args(
        "flags",
        "train with standard output closed",
        ["train", "--epochs", "1"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        Expect::Exit(1, vec!["standard output is closed".into()]),
    );
    closed.close_stdout = true;
    cases.push(closed);
    let mut closed = case_args(
        "flags",
        "levels check with standard output closed",
        vec![
            "levels".into(),
            "check".into(),
            f.levels_src.display().to_string(),
        ],
        Expect::Exit(1, vec!["standard output is closed".into()]),
    );
    closed.close_stdout = true;
    cases.push(closed);
    let mut quiet = case_args(
        "flags",
        "train --quiet with standard output closed (nothing to print)",
        ["train", "--epochs", "1", "--quiet"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        Expect::Exit(0, Vec::new()),
    );
    quiet.close_stdout = true;
    cases.push(quiet);
}

/// The kinds only the game opens, through the core functions it calls.
pub fn core_cases(f: &Fixtures) -> Vec<CoreCase> {
    use neural_sandbox::experiment::file::from_json;
    let mut cases = Vec::new();
    let mut case = |kind: &'static str,
                    name: &str,
                    outcome: Result<(), String>,
                    want_error: Option<&'static str>| {
        cases.push(CoreCase {
            kind,
            name: name.to_string(),
            outcome,
            want_error,
        });
    };
    // Experiment files (File > Open, or dropped).
    let good: serde_json::Value = serde_json::from_str(&f.experiment_json).unwrap();
    let open = |text: &str| from_json(text, "e.json").map(|_| ());
    case(
        "experiment",
        "a valid experiment",
        open(&f.experiment_json),
        None,
    );
    case(
        "experiment",
        "a byte-order mark",
        open(&format!("\u{feff}{}", f.experiment_json)),
        None,
    );
    case(
        "experiment",
        "truncated",
        open(&f.experiment_json[..100]),
        Some("e.json: not an experiment file"),
    );
    let mut newer = good.clone();
    newer["version"] = json!(99);
    case(
        "experiment",
        "a newer version",
        open(&newer.to_string()),
        Some("made by a newer Neural Sandbox"),
    );
    let mut late = good.clone();
    late["history"] = json!([[0, 0.5, 0.5, 0.5, 0.5], [u64::MAX, 0.5, 0.5, 0.5, 0.5]]);
    case(
        "experiment",
        "an epoch of 2^64 - 1",
        open(&late.to_string()),
        Some("the most an experiment may have trained"),
    );
    let mut many = good.clone();
    many["own_data"] = json!("mine");
    many["train"] = json!(vec![[0.1, 0.2, 1.0]; 100_001]);
    case(
        "experiment",
        "100,001 points",
        open(&many.to_string()),
        Some("at most 100000 points"),
    );
    case(
        "experiment",
        "deep nesting",
        open(&"[".repeat(100_000)),
        Some("not an experiment file"),
    );
    case(
        "experiment",
        "20 MB",
        open(&" ".repeat(20 * 1024 * 1024)),
        Some("too large for an experiment file"),
    );
    let mut wide = good.clone();
    wide["config"]["hidden_layers"] = json!(vec![1_000_000; 3]);
    case(
        "experiment",
        "layers of a million neurons",
        open(&wide.to_string()),
        Some("hidden_layers"),
    );
    let mut nan = good.clone();
    nan["train"] = json!([[f64::MAX, 1.0, 1.0]]);
    nan["own_data"] = json!("mine");
    case(
        "experiment",
        "a point at f64::MAX",
        open(&nan.to_string()),
        Some("e.json"),
    );
    case(
        "experiment",
        "a picture",
        Err(neural_sandbox::limits::text_of(
            png(2, 2),
            neural_sandbox::limits::FileKind::Experiment,
            "e.json",
        )
        .unwrap_err()),
        Some("it looks like a PNG picture"),
    );

    // Progress saves.
    use neural_sandbox::progress::Progress;
    let read = |text: &str| Progress::read_parts(text).map(|_| ());
    case(
        "progress",
        "a byte-order mark",
        read("\u{feff}{\"version\": 1}"),
        None,
    );
    case(
        "progress",
        "not JSON",
        read("\u{0}\u{1}"),
        Some("expected value"),
    );
    case(
        "progress",
        "an array",
        read("[1,2]"),
        Some("not a saved game"),
    );
    case(
        "progress",
        "deep nesting",
        read(&"{\"a\":".repeat(100_000)),
        Some("recursion limit"),
    );

    // Links: ours, lessons, the Playground's.
    use neural_sandbox::experiment::playground_link;
    use neural_sandbox::level::lesson;
    let share = |text: &str| neural_sandbox::share::decode_with_points(text).map(|_| ());
    case(
        "links",
        "a 5 MB share link",
        share(&format!("cfg={}", "A".repeat(5_000_000))),
        Some("characters"),
    );
    case(
        "links",
        "a share link of garbage",
        share("cfg=%%%%"),
        Some("link"),
    );
    case(
        "links",
        "a share link of NUL bytes",
        share("cfg=\u{0}\u{0}"),
        Some("link"),
    );
    let lesson_link = |text: &str| lesson::read_link(text).map(|_| ());
    case(
        "links",
        "a 5 MB lesson link",
        lesson_link(&format!("#lesson={}", "A".repeat(5_000_000))),
        Some("characters"),
    );
    case(
        "links",
        "a lesson link of garbage",
        lesson_link("#lesson=!!!!"),
        Some("lesson"),
    );
    case(
        "links",
        "a lesson link of deep nesting",
        lesson_link(&format!("#lesson={}", "(".repeat(10_000))),
        Some("lesson"),
    );
    let playground = |text: &str| {
        playground_link::parse(text, "0.5")
            .map(|_| ())
            .map_err(|e| e.join("; "))
    };
    case(
        "links",
        "not a link",
        playground("not a url"),
        Some("not a TensorFlow Playground link"),
    );
    case(
        "links",
        "a 5 MB Playground link",
        playground(&format!("#{}", "x".repeat(5_000_000))),
        Some("characters long"),
    );
    case(
        "links",
        "a Playground link of escapes",
        playground("#activation=%ZZ%&dataset=%00"),
        Some("activation"),
    );
    case(
        "links",
        "the Playground's address alone",
        playground("https://playground.tensorflow.org/"),
        None,
    );
    case(
        "links",
        "networkShape of 10,000 layers",
        playground(&format!("#networkShape={}", vec!["8"; 10_000].join(","))),
        Some("characters long"),
    );
    case(
        "links",
        "networkShape of 1,000 layers",
        playground(&format!("#networkShape={}", vec!["8"; 1_000].join(","))),
        Some("at most 6 hidden layers"),
    );
    case(
        "links",
        "networkShape of huge numbers",
        playground("#networkShape=99999999999999999999999"),
        Some("networkShape"),
    );
    cases
}
