//! Every neuron's output over a G x G grid of the plane [-6, 6]^2, in one call: the heatmaps.
//!
//! The grid is evaluated layer by layer over blocks of points in `f32`, so that the inner loops
//! are plain multiply-adds over contiguous arrays that the compiler vectorises. Heatmaps only need
//! display precision (the Playground shows 31 shades), so tanh uses a rational approximation
//! accurate to about 1e-7.

use super::functions::Activation;
use super::network::Network;
use crate::data::Feature;

/// The plot domain of the Playground: both coordinates in [-6, 6].
pub const DOMAIN: f64 = 6.0;

/// Points evaluated together; small enough that a block of every layer stays in L1 cache.
const BLOCK: usize = 512;

/// The plane coordinates of grid cell (row, column): row 0 is the top (x2 = +6), column 0 the
/// left (x1 = -6), the Playground's sampling points for a `size` x `size` heatmap.
pub fn cell_position(size: usize, row: usize, column: usize) -> (f64, f64) {
    let step = if size > 1 {
        2.0 * DOMAIN / (size - 1) as f64
    } else {
        0.0
    };
    (-DOMAIN + step * column as f64, DOMAIN - step * row as f64)
}

/// The outputs of every node of a network over the grid.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NeuronGrids {
    /// Side of the grid.
    pub size: usize,
    /// Nodes per column: input features, hidden layers, output.
    pub shape: Vec<usize>,
    /// All grids, node after node, column after column; each `size * size` values, row-major
    /// from the top-left cell.
    values: Vec<f32>,
    offsets: Vec<usize>,
}

impl NeuronGrids {
    /// The grid of node `index` of `column` (0 = input features, last = output).
    pub fn node(&self, column: usize, index: usize) -> Option<&[f32]> {
        let start = *self.offsets.get(column)? + index * self.cells();
        if index >= *self.shape.get(column)? {
            return None;
        }
        self.values.get(start..start + self.cells())
    }

    /// The (first) output neuron's grid. With one output it is on the decision scale [-1, 1] (a
    /// sigmoid output is shown as 2p - 1, so that 0 is the decision boundary for every
    /// network); with several, each output's grid is the probability of its class.
    pub fn output(&self) -> &[f32] {
        let last = self.shape.len() - 1;
        self.node(last, 0).unwrap_or(&[])
    }

    /// Number of output neurons.
    pub fn outputs(&self) -> usize {
        self.shape.last().copied().unwrap_or(0)
    }

    /// For several classes: the winning class and its probability at every cell.
    pub fn winning_classes(&self, out: &mut Vec<(u8, f32)>) {
        out.clear();
        let last = self.shape.len().saturating_sub(1);
        let classes = self.outputs();
        let cells = self.cells();
        let Some(&start) = self.offsets.get(last) else {
            return;
        };
        let grids = &self.values[start..start + classes * cells];
        for cell in 0..cells {
            let mut best = (0u8, f32::NEG_INFINITY);
            for class in 0..classes {
                let p = grids[class * cells + cell];
                if p > best.1 {
                    best = (class as u8, p);
                }
            }
            out.push(best);
        }
    }

    pub fn cells(&self) -> usize {
        self.size * self.size
    }

    /// Block averages of a grid (the Playground's `reduceMatrix`), e.g. 100 x 100 to 10 x 10.
    pub fn reduce(grid: &[f32], size: usize, target: usize, out: &mut Vec<f32>) {
        out.clear();
        if target == 0 || size == 0 || !size.is_multiple_of(target) {
            return;
        }
        let factor = size / target;
        let scale = 1.0 / (factor * factor) as f32;
        for br in 0..target {
            for bc in 0..target {
                let mut sum = 0.0f32;
                for r in br * factor..(br + 1) * factor {
                    let row = &grid[r * size + bc * factor..r * size + (bc + 1) * factor];
                    sum += row.iter().sum::<f32>();
                }
                out.push(sum * scale);
            }
        }
    }
}

/// Evaluates networks over a fixed grid, reusing its buffers from call to call.
#[derive(Debug, Clone)]
pub struct GridEvaluator {
    size: usize,
    /// Every feature's values over the grid, computed once.
    feature_planes: Vec<Vec<f32>>,
    grids: NeuronGrids,
    weights: Vec<f32>,
}

impl GridEvaluator {
    pub fn new(size: usize) -> Self {
        Self::with_domain(size, -DOMAIN, DOMAIN)
    }

    /// A grid over [lo, hi]^2 instead of the Playground's plane (the GAN's networks live in the
    /// unit square).
    pub fn with_domain(size: usize, lo: f64, hi: f64) -> Self {
        let size = size.max(1);
        let step = if size > 1 {
            (hi - lo) / (size - 1) as f64
        } else {
            0.0
        };
        let feature_planes = Feature::ALL
            .iter()
            .map(|f| {
                (0..size * size)
                    .map(|cell| {
                        let (row, column) = (cell / size, cell % size);
                        let x1 = lo + step * column as f64;
                        let x2 = hi - step * row as f64;
                        f.value(x1, x2) as f32
                    })
                    .collect()
            })
            .collect();
        Self {
            size,
            feature_planes,
            grids: NeuronGrids {
                size,
                ..Default::default()
            },
            weights: Vec::new(),
        }
    }

    pub fn size(&self) -> usize {
        self.size
    }

    /// The last evaluation.
    pub fn grids(&self) -> &NeuronGrids {
        &self.grids
    }

    /// Evaluates every node of `network` over the grid.
    pub fn evaluate(&mut self, network: &Network) -> &NeuronGrids {
        #[cfg(target_arch = "x86_64")]
        #[allow(unsafe_code)]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            unsafe { self.evaluate_avx2(network) };
            return &self.grids;
        }
        self.evaluate_portable(network);
        &self.grids
    }

    /// Eight float lanes instead of four.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn evaluate_avx2(&mut self, network: &Network) {
        self.evaluate_portable(network)
    }

    #[inline(always)]
    pub(crate) fn evaluate_portable(&mut self, network: &Network) {
        let cells = self.size * self.size;
        let shape = network.shape();
        let grids = &mut self.grids;
        if grids.shape != shape {
            grids.shape = shape.clone();
            grids.offsets.clear();
            let mut offset = 0;
            for &n in &shape {
                grids.offsets.push(offset);
                offset += n * cells;
            }
            grids.values.resize(offset, 0.0);
            // Input columns only change with the features, so they are copied here.
        }
        for (i, feature) in network.features.iter().enumerate() {
            let plane = &self.feature_planes[feature.index()];
            grids.values[i * cells..(i + 1) * cells].copy_from_slice(plane);
        }
        let last = network.layers.len() - 1;
        for (l, layer) in network.layers.iter().enumerate() {
            let n_in = layer.inputs();
            let in_offset = grids.offsets[l];
            let out_offset = grids.offsets[l + 1];
            self.weights.clear();
            self.weights.extend(layer.weights.iter().map(|&w| w as f32));
            let (before, after) = grids.values.split_at_mut(out_offset);
            let inputs = &before[in_offset..in_offset + n_in * cells];
            let outputs = &mut after[..layer.neurons() * cells];
            // A sigmoid output is shown on the [-1, 1] decision scale: 2 sigmoid(z) - 1 = tanh(z / 2).
            let activation = layer.activation;
            let as_decision_scale = l == last && activation == Activation::Sigmoid;
            let n_out = layer.neurons();
            for start in (0..cells).step_by(BLOCK) {
                let end = (start + BLOCK).min(cells);
                for j in 0..n_out {
                    let out = &mut outputs[j * cells + start..j * cells + end];
                    out.fill(layer.biases[j] as f32);
                    for i in 0..n_in {
                        let w = self.weights[j * n_in + i];
                        let src = &inputs[i * cells + start..i * cells + end];
                        for (o, &s) in out.iter_mut().zip(src) {
                            *o += w * s;
                        }
                    }
                    if as_decision_scale {
                        for o in out.iter_mut() {
                            *o = fast_tanh(0.5 * *o);
                        }
                    } else {
                        apply_f32(activation, out);
                    }
                }
                if activation.is_layer_wide() {
                    softmax_cells(outputs, cells, n_out, start, end);
                }
            }
        }
    }
}

/// Softmax across the `n` neurons of a layer at every cell of `start..end` (each neuron's grid
/// holds its total input; afterwards, its class probability).
fn softmax_cells(outputs: &mut [f32], cells: usize, n: usize, start: usize, end: usize) {
    for cell in start..end {
        let mut max = f32::NEG_INFINITY;
        for j in 0..n {
            max = max.max(outputs[j * cells + cell]);
        }
        let mut sum = 0.0f32;
        for j in 0..n {
            let e = (outputs[j * cells + cell] - max).exp();
            outputs[j * cells + cell] = e;
            sum += e;
        }
        for j in 0..n {
            outputs[j * cells + cell] /= sum;
        }
    }
}

/// Applies an activation in place over a block.
#[inline(always)]
fn apply_f32(activation: Activation, values: &mut [f32]) {
    match activation {
        Activation::Relu => values.iter_mut().for_each(|v| *v = v.max(0.0)),
        Activation::Tanh => values.iter_mut().for_each(|v| *v = fast_tanh(*v)),
        Activation::Sigmoid => values
            .iter_mut()
            .for_each(|v| *v = 0.5 + 0.5 * fast_tanh(0.5 * *v)),
        // Softmax is finished across the layer by `softmax_cells`.
        Activation::Linear | Activation::Softmax => {}
    }
}

/// tanh as a 13/6 rational function on [-7.9, 7.9] (Eigen's `generic_fast_tanh_float`), accurate
/// to a few float ulps, branch-free so that it vectorises. NaN stays NaN.
#[inline(always)]
pub fn fast_tanh(x: f32) -> f32 {
    const CLAMP: f32 = 7.905_311;
    let x = x.clamp(-CLAMP, CLAMP);
    let x2 = x * x;
    let mut p = x2 * -2.760_768_5e-16 + 2.000_188e-13;
    p = x2 * p + -8.604_672e-11;
    p = x2 * p + 5.122_297e-8;
    p = x2 * p + 1.485_722_4e-5;
    p = x2 * p + 6.372_619_3e-4;
    p = x2 * p + 4.893_524_6e-3;
    p *= x;
    let mut q = x2 * 1.198_258_4e-6 + 1.185_347_1e-4;
    q = x2 * q + 2.268_434_6e-3;
    q = x2 * q + 4.893_525e-3;
    p / q
}
