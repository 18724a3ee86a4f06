//! "Show as code": a trained network written out as a short, self-contained program, so a
//! student sees that the thing they trained is nothing but a few multiplications, additions and
//! squashing functions, and can run it anywhere: a NumPy function and a Rust function, weights
//! inlined, the input features computed inside. Numbers are written in their shortest exact form,
//! so the code computes what the network computes (to rounding: summation order and the
//! library's `tanh` and `exp` differ in the last bits).

use std::fmt::Write;

use super::{Activation, Network};
use crate::data::Feature;

/// What the code's header says about where the network came from.
#[derive(Debug, Clone, Default)]
pub struct CodeContext {
    /// e.g. "spiral, classification (+1 blue, -1 orange)".
    pub problem: String,
    /// e.g. "epoch 120, test loss 0.031".
    pub training: String,
}

fn python_feature(f: Feature) -> &'static str {
    match f {
        Feature::X1 => "x1",
        Feature::X2 => "x2",
        Feature::X1Squared => "x1 * x1",
        Feature::X2Squared => "x2 * x2",
        Feature::X1TimesX2 => "x1 * x2",
        Feature::SinX1 => "np.sin(x1)",
        Feature::SinX2 => "np.sin(x2)",
    }
}

fn rust_feature(f: Feature) -> &'static str {
    match f {
        Feature::X1 => "x1",
        Feature::X2 => "x2",
        Feature::X1Squared => "x1 * x1",
        Feature::X2Squared => "x2 * x2",
        Feature::X1TimesX2 => "x1 * x2",
        Feature::SinX1 => "x1.sin()",
        Feature::SinX2 => "x2.sin()",
    }
}

/// A number as Rust and Python both read it back exactly (`1.0`, `-0.25`, `1e-7`).
fn number(v: f64) -> String {
    let text = format!("{v:?}");
    if text.contains('.') || text.contains('e') || text.contains("inf") || text.contains("NaN") {
        text
    } else {
        format!("{text}.0")
    }
}

/// Numbers separated by commas.
fn numbers<'a>(values: impl Iterator<Item = &'a f64>) -> String {
    values.map(|v| number(*v)).collect::<Vec<_>>().join(", ")
}

/// One `    [w, w, ...],` line per neuron (the same in Python and Rust).
fn weight_rows(layer: &super::Layer) -> Vec<String> {
    layer
        .weights
        .rows()
        .into_iter()
        .map(|row| format!("    [{}],", numbers(row.iter())))
        .collect()
}

fn shape_line(network: &Network) -> String {
    let sizes: Vec<String> = std::iter::once(network.features.len())
        .chain(network.layers.iter().map(|l| l.neurons()))
        .map(|n| n.to_string())
        .collect();
    let activations: Vec<&str> = network.layers.iter().map(|l| l.activation.name()).collect();
    format!(
        "layers {} ({}), inputs {}",
        sizes.join("-"),
        activations.join(", "),
        network
            .features
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The network as a NumPy function `predict(x1, x2)` taking numbers or arrays.
pub fn to_python(network: &Network, context: &CodeContext) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\"\"\"A neural network trained in Neural Sandbox, as plain NumPy."
    );
    let _ = writeln!(out);
    for line in [&context.problem, &context.training] {
        if !line.is_empty() {
            let _ = writeln!(out, "{line}");
        }
    }
    let _ = writeln!(out, "{}", shape_line(network));
    let _ = writeln!(out, "\"\"\"");
    let _ = writeln!(out, "import numpy as np");
    let _ = writeln!(out);
    for (l, layer) in network.layers.iter().enumerate() {
        let rows = weight_rows(layer);
        let _ = writeln!(
            out,
            "# Layer {}: {} neurons, one row of weights per neuron (one weight per input).",
            l + 1,
            layer.neurons()
        );
        let _ = writeln!(out, "W{} = np.array([\n{}\n])", l + 1, rows.join("\n"));
        let biases = numbers(layer.biases.iter());
        let _ = writeln!(out, "B{} = np.array([{biases}])", l + 1);
        let _ = writeln!(out);
    }
    let features: Vec<&str> = network
        .features
        .iter()
        .map(|f| python_feature(*f))
        .collect();
    let _ = writeln!(out, "def predict(x1, x2):");
    let _ = writeln!(
        out,
        "    \"\"\"The network's output at (x1, x2); numbers or arrays of the same shape.\"\"\""
    );
    let _ = writeln!(out, "    x1 = np.asarray(x1, dtype=float)");
    let _ = writeln!(out, "    x2 = np.asarray(x2, dtype=float)");
    let _ = writeln!(
        out,
        "    a = np.stack(np.broadcast_arrays({}), axis=-1)",
        features.join(", ")
    );
    for (l, layer) in network.layers.iter().enumerate() {
        let total = format!("a @ W{n}.T + B{n}", n = l + 1);
        let line = match layer.activation {
            Activation::Tanh => format!("np.tanh({total})"),
            Activation::Relu => format!("np.maximum({total}, 0.0)"),
            Activation::Sigmoid => format!("1.0 / (1.0 + np.exp(-({total})))"),
            Activation::Linear => total,
            Activation::Softmax => {
                let _ = writeln!(out, "    z = {total}");
                let _ = writeln!(out, "    e = np.exp(z - z.max(axis=-1, keepdims=True))");
                "e / e.sum(axis=-1, keepdims=True)".to_string()
            }
        };
        let _ = writeln!(out, "    a = {line}");
    }
    if network.outputs() == 1 {
        let _ = writeln!(out, "    return a[..., 0]");
    } else {
        let _ = writeln!(out, "    return a  # one probability per class");
    }
    out
}

/// The network as a Rust function `predict(x1, x2) -> [f64; OUTPUTS]`, no dependencies.
pub fn to_rust(network: &Network, context: &CodeContext) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "//! A neural network trained in Neural Sandbox, as plain Rust."
    );
    for line in [&context.problem, &context.training] {
        if !line.is_empty() {
            let _ = writeln!(out, "//! {line}");
        }
    }
    let _ = writeln!(out, "//! {}", shape_line(network));
    let _ = writeln!(out);
    let mut inputs = network.features.len();
    for (l, layer) in network.layers.iter().enumerate() {
        let n = layer.neurons();
        let rows = weight_rows(layer);
        let _ = writeln!(
            out,
            "/// Layer {}: one row of weights per neuron, one weight per input.",
            l + 1
        );
        let _ = writeln!(
            out,
            "const W{}: [[f64; {inputs}]; {n}] = [\n{}\n];",
            l + 1,
            rows.join("\n")
        );
        let biases = numbers(layer.biases.iter());
        let _ = writeln!(out, "const B{}: [f64; {n}] = [{biases}];", l + 1);
        let _ = writeln!(out);
        inputs = n;
    }
    let outputs = network.outputs();
    let _ = writeln!(
        out,
        "/// Each neuron: its bias plus the weighted sum of the layer's inputs."
    );
    let _ = writeln!(
        out,
        "fn layer<const I: usize, const N: usize>(w: &[[f64; I]; N], b: &[f64; N], a: &[f64; I]) -> [f64; N] {{"
    );
    let _ = writeln!(out, "    let mut total = *b;");
    let _ = writeln!(out, "    for (t, row) in total.iter_mut().zip(w) {{");
    let _ = writeln!(out, "        for (wi, ai) in row.iter().zip(a) {{");
    let _ = writeln!(out, "            *t += wi * ai;");
    let _ = writeln!(out, "        }}");
    let _ = writeln!(out, "    }}");
    let _ = writeln!(out, "    total");
    let _ = writeln!(out, "}}");
    let _ = writeln!(out);
    let features: Vec<&str> = network.features.iter().map(|f| rust_feature(*f)).collect();
    let _ = writeln!(out, "/// The network's output at (x1, x2).");
    let _ = writeln!(
        out,
        "pub fn predict(x1: f64, x2: f64) -> [f64; {outputs}] {{"
    );
    let _ = writeln!(out, "    let a = [{}];", features.join(", "));
    for (l, layer) in network.layers.iter().enumerate() {
        let _ = writeln!(out, "    let a = layer(&W{n}, &B{n}, &a);", n = l + 1);
        let map = match layer.activation {
            Activation::Tanh => Some("v.tanh()"),
            Activation::Relu => Some("v.max(0.0)"),
            Activation::Sigmoid => Some("1.0 / (1.0 + (-v).exp())"),
            Activation::Linear => None,
            Activation::Softmax => {
                let _ = writeln!(
                    out,
                    "    let max = a.iter().copied().fold(f64::NEG_INFINITY, f64::max);"
                );
                let _ = writeln!(out, "    let e = a.map(|v| (v - max).exp());");
                let _ = writeln!(out, "    let sum: f64 = e.iter().sum();");
                Some("UNUSED")
            }
        };
        match (layer.activation, map) {
            (Activation::Softmax, _) => {
                let _ = writeln!(out, "    let a = e.map(|v| v / sum);");
            }
            (_, Some(f)) => {
                let _ = writeln!(out, "    let a = a.map(|v| {f});");
            }
            _ => {}
        }
    }
    let _ = writeln!(out, "    a");
    let _ = writeln!(out, "}}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Feature, seeded_rng};

    fn network(
        features: &[Feature],
        hidden: &[usize],
        activation: Activation,
        outputs: usize,
    ) -> Network {
        let mut rng = seeded_rng(3, 9);
        let output = if outputs > 1 {
            Activation::Softmax
        } else {
            Activation::Tanh
        };
        Network::random_with_outputs(
            features,
            hidden,
            &vec![activation; hidden.len()],
            outputs,
            output,
            false,
            &mut rng,
        )
    }

    fn grid() -> Vec<(f64, f64)> {
        let mut points = Vec::new();
        for i in 0..=20 {
            for j in 0..=20 {
                points.push((-6.0 + 0.6 * f64::from(i), -6.0 + 0.6 * f64::from(j)));
            }
        }
        points
    }

    fn ours(network: &Network, x1: f64, x2: f64) -> Vec<f64> {
        let inputs: Vec<f64> = network.features.iter().map(|f| f.value(x1, x2)).collect();
        crate::nn::forward_batch(network, &inputs, 1)
            .outputs()
            .to_vec()
    }

    fn assert_close(name: &str, got: &[f64], expected: &[f64]) {
        assert_eq!(got.len(), expected.len(), "{name}");
        for (g, e) in got.iter().zip(expected) {
            assert!(
                (g - e).abs() <= 1e-12 * e.abs().max(1.0),
                "{name}: {g} against {e}"
            );
        }
    }

    fn cases() -> Vec<(&'static str, Network)> {
        vec![
            (
                "tanh 7 features",
                network(Feature::ALL, &[8, 5], Activation::Tanh, 1),
            ),
            (
                "relu",
                network(&[Feature::X1, Feature::X2], &[6, 3], Activation::Relu, 1),
            ),
            (
                "sigmoid, no hidden",
                network(
                    &[Feature::X1TimesX2, Feature::SinX2],
                    &[],
                    Activation::Sigmoid,
                    1,
                ),
            ),
            (
                "linear softmax 3 classes",
                network(
                    &[Feature::X1, Feature::X2Squared],
                    &[4],
                    Activation::Linear,
                    3,
                ),
            ),
        ]
    }

    /// The generated Rust is compiled with the Rust compiler and run on a grid of points.
    #[test]
    fn the_rust_code_computes_the_network() {
        let dir = tempfile::tempdir().unwrap();
        for (k, (name, network)) in cases().into_iter().enumerate() {
            let mut source = to_rust(&network, &CodeContext::default());
            source.push_str(
                "\nfn main() {\n    for line in std::io::stdin().lines() {\n        let line = line.unwrap();\n        let v: Vec<f64> = line.split(' ').map(|x| x.parse().unwrap()).collect();\n        let out: Vec<String> = predict(v[0], v[1]).iter().map(|o| format!(\"{o:?}\")).collect();\n        println!(\"{}\", out.join(\" \"));\n    }\n}\n",
            );
            let file = dir.path().join(format!("net{k}.rs"));
            std::fs::write(&file, &source).unwrap();
            let binary = dir.path().join(format!("net{k}"));
            let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
            let built = std::process::Command::new(rustc)
                .args(["--edition", "2021", "-O", "-o"])
                .arg(&binary)
                .arg(&file)
                .output()
                .expect("rustc runs");
            assert!(
                built.status.success(),
                "{name}: {}\n{source}",
                String::from_utf8_lossy(&built.stderr)
            );
            check_program(name, &network, std::process::Command::new(&binary));
        }
    }

    /// The generated Python runs under python3 with NumPy, where both are installed (CI installs
    /// them); elsewhere the test says it could not run.
    #[test]
    fn the_python_code_computes_the_network() {
        let has_numpy = std::process::Command::new("python3")
            .args(["-c", "import numpy"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !has_numpy {
            eprintln!("python3 with numpy is not installed: the Python code was not run");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        for (k, (name, network)) in cases().into_iter().enumerate() {
            let mut source = to_python(&network, &CodeContext::default());
            source.push_str(
                "\nimport sys\nfor line in sys.stdin:\n    x1, x2 = (float(v) for v in line.split())\n    out = np.atleast_1d(predict(x1, x2))\n    print(' '.join(repr(float(o)) for o in out))\n",
            );
            let file = dir.path().join(format!("net{k}.py"));
            std::fs::write(&file, &source).unwrap();
            let mut command = std::process::Command::new("python3");
            command.arg(&file);
            check_program(name, &network, command);
        }
    }

    fn check_program(name: &str, network: &Network, mut command: std::process::Command) {
        use std::io::Write as _;
        let points = grid();
        let input: String = points
            .iter()
            .map(|(a, b)| format!("{a:?} {b:?}\n"))
            .collect();
        let mut child = command
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{name}");
        let text = String::from_utf8(output.stdout).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), points.len(), "{name}");
        for (line, (x1, x2)) in lines.iter().zip(&points) {
            let got: Vec<f64> = line.split(' ').map(|v| v.parse().unwrap()).collect();
            assert_close(name, &got, &ours(network, *x1, *x2));
        }
    }

    #[test]
    fn numbers_read_back_exactly() {
        for v in [1.0, -0.25, 1e-7, 0.1 + 0.2, -3.0e300, 5e-324] {
            assert_eq!(number(v).parse::<f64>().unwrap(), v);
        }
        assert_eq!(number(2.0), "2.0");
    }
}
