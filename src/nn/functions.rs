//! Activations, losses and regularisers, with their derivatives.

use crate::named_enum;

named_enum! {
    /// A neuron's activation function.
    pub enum Activation: "activation" {
        Relu => "relu",
        Tanh => "tanh",
        Sigmoid => "sigmoid",
        Linear => "linear",
        /// Output layers with several classes only: every output becomes a probability, together
        /// summing to 1.
        Softmax => "softmax",
    }
}

impl Activation {
    /// The activations a hidden layer may use (softmax only makes sense across an output layer).
    pub const HIDDEN: [Activation; 4] = [
        Activation::Relu,
        Activation::Tanh,
        Activation::Sigmoid,
        Activation::Linear,
    ];

    /// Whether the activation is computed across a whole layer rather than neuron by neuron.
    #[inline]
    pub fn is_layer_wide(self) -> bool {
        self == Activation::Softmax
    }

    /// The activation of one neuron. Softmax depends on the whole layer: here it is the
    /// identity, and [`softmax_in_place`] finishes it across the layer.
    #[inline]
    pub fn apply(self, x: f64) -> f64 {
        match self {
            Activation::Relu => x.max(0.0),
            Activation::Tanh => tanh(x),
            Activation::Sigmoid => 1.0 / (1.0 + crate::math::exp(-x)),
            Activation::Linear | Activation::Softmax => x,
        }
    }

    /// The derivative at total input `x`, given `output = apply(x)` (reused, as it is the same number
    /// the Playground recomputes).
    #[inline]
    pub fn derivative(self, x: f64, output: f64) -> f64 {
        match self {
            Activation::Relu => {
                if x <= 0.0 {
                    0.0
                } else {
                    1.0
                }
            }
            Activation::Tanh => 1.0 - output * output,
            Activation::Sigmoid => output * (1.0 - output),
            // Softmax's Jacobian is not diagonal: its gradient is taken with the loss (p - y),
            // or by [`softmax_backward`] from any output gradient.
            Activation::Linear | Activation::Softmax => 1.0,
        }
    }

    /// Applies the activation to every value, each on its own (softmax is left as the identity:
    /// it is finished across a layer by [`softmax_in_place`]).
    #[inline(always)]
    pub fn apply_slice_elementwise(self, totals: &[f64], outputs: &mut [f64]) {
        match self {
            Activation::Relu => {
                for (o, &x) in outputs.iter_mut().zip(totals) {
                    *o = x.max(0.0);
                }
            }
            Activation::Tanh => tanh_slice(totals, outputs),
            Activation::Sigmoid => {
                for (o, &x) in outputs.iter_mut().zip(totals) {
                    *o = 1.0 / (1.0 + crate::math::exp(-x));
                }
            }
            Activation::Linear | Activation::Softmax => outputs.copy_from_slice(totals),
        }
    }

    /// The formula as a student reads it, e.g. `tanh(...)`.
    pub fn formula_name(self) -> &'static str {
        match self {
            Activation::Relu => "relu",
            Activation::Tanh => "tanh",
            Activation::Sigmoid => "sigmoid",
            Activation::Linear => "",
            Activation::Softmax => "softmax",
        }
    }

    /// The range of outputs, for explanations.
    pub fn describe(self) -> &'static str {
        match self {
            Activation::Relu => "ReLU: max(0, x). Cheap, bends at 0, outputs 0 or more.",
            Activation::Tanh => "Tanh: an S-curve from -1 to +1.",
            Activation::Sigmoid => "Sigmoid: an S-curve from 0 to 1.",
            Activation::Linear => "Linear: x unchanged. A network of linear neurons cannot bend.",
            Activation::Softmax => {
                "Softmax: turns the output layer's sums into probabilities of the classes."
            }
        }
    }
}

/// The larger of two numbers, NaN if either is NaN. `f64::max` drops a NaN, which would let a
/// NaN slip through a tolerance check; this keeps it.
#[inline]
pub fn max_or_nan(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

/// Softmax over a layer in place: `e^(x_j - max) / sum e^(x_k - max)` (shifted by the maximum so
/// that it never overflows). NaN stays NaN.
#[inline]
pub fn softmax_in_place(values: &mut [f64]) {
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if values.iter().any(|v| v.is_nan()) {
        values.fill(f64::NAN);
        return;
    }
    let mut sum = 0.0;
    for v in values.iter_mut() {
        *v = crate::math::exp(*v - max);
        sum += *v;
    }
    for v in values.iter_mut() {
        *v /= sum;
    }
}

/// The gradient through a softmax: given the probabilities `p` and dL/dp, writes dL/dz
/// (`p_j (g_j - sum_k g_k p_k)`).
#[inline]
pub fn softmax_backward(probabilities: &[f64], output_grad: &[f64], input_grad: &mut [f64]) {
    let dot: f64 = probabilities
        .iter()
        .zip(output_grad)
        .map(|(p, g)| p * g)
        .sum();
    for ((d, &p), &g) in input_grad.iter_mut().zip(probabilities).zip(output_grad) {
        *d = p * (g - dot);
    }
}

/// tanh in double precision, within a few ulps of the C library's and several times faster.
///
/// Training spends most of its time here (49 calls per example on the largest network), and
/// glibc's `tanh` goes through a general `expm1`. This is `expm1(2|x|) / (expm1(2|x|) + 2)` with
/// `expm1` by the usual reduction `2|x| = k ln 2 + r`, `|r| <= ln(2) / 2`, and a degree-13 Taylor
/// polynomial for `e^r - 1` (truncation below 1e-17). NaN stays NaN, so divergence is detected.
#[inline]
pub fn tanh(x: f64) -> f64 {
    let mut out = [0.0; TANH_LANES / 2];
    tanh_lanes(&[x; TANH_LANES / 2], &mut out);
    out[0]
}

/// Applies [`tanh`] to every value; the same operations, a block of lanes at a time, so that
/// the compiler runs the lanes side by side (SIMD) instead of one long dependency chain each.
#[inline(always)]
pub fn tanh_slice(values: &[f64], out: &mut [f64]) {
    let mut chunks = values.chunks_exact(TANH_LANES);
    let mut out_chunks = out.chunks_exact_mut(TANH_LANES);
    for (v, o) in (&mut chunks).zip(&mut out_chunks) {
        tanh_lanes::<TANH_LANES>(
            v.try_into().expect("a full chunk"),
            o.try_into().expect("a full chunk"),
        );
    }
    // The rest in half blocks (padded with zeros at the end).
    let rest = chunks.remainder();
    let out_rest = out_chunks.into_remainder();
    for (v, o) in rest
        .chunks(TANH_LANES / 2)
        .zip(out_rest.chunks_mut(TANH_LANES / 2))
    {
        let mut padded = [0.0; TANH_LANES / 2];
        let mut result = [0.0; TANH_LANES / 2];
        for (p, &v) in padded.iter_mut().zip(v) {
            *p = v;
        }
        tanh_lanes(&padded, &mut result);
        for (o, r) in o.iter_mut().zip(result) {
            *o = r;
        }
    }
}

/// Values computed side by side by the vectorised tanh: two AVX-512 registers, whose
/// independent chains the CPU interleaves.
const TANH_LANES: usize = 16;

#[inline(always)]
pub fn tanh_lanes<const N: usize>(x: &[f64; N], out: &mut [f64; N]) {
    // fdlibm's split of ln 2: LN2_HI has trailing zero bits, so k * LN2_HI is exact.
    const LN2_HI: f64 = 6.931_471_803_691_238e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    const LOG2_E: f64 = std::f64::consts::LOG2_E;
    // Adding 1.5 * 2^52 rounds to an integer, which then sits in the low bits of the mantissa.
    const ROUNDER: f64 = 6_755_399_441_055_744.0;
    // e^r - 1 = r + r^2 (1/2! + r (1/3! + ... + r/13!)); coefficients from 1/13! down to 1/2!.
    const TAYLOR: [f64; 12] = [
        1.605_904_383_682_161_3e-10,
        2.087_675_698_786_81e-9,
        2.505_210_838_544_172e-8,
        2.755_731_922_398_589e-7,
        2.755_731_922_398_589_3e-6,
        2.480_158_730_158_73e-5,
        1.984_126_984_126_984e-4,
        1.388_888_888_888_889e-3,
        8.333_333_333_333_333e-3,
        4.166_666_666_666_666_4e-2,
        1.666_666_666_666_666_6e-1,
        0.5,
    ];
    let mut y = [0.0; N];
    let mut k = [0.0; N];
    let mut r = [0.0; N];
    let mut scale = [0.0; N];
    for l in 0..N {
        let two_x = 2.0 * x[l].abs();
        // From 2|x| = 40 on, e^y / (e^y + 2) rounds to exactly 1 (e^40 + 2 rounds to e^40), which
        // is what tanh rounds to there too: capping y at 40 saturates without a fix-up and
        // keeps e^y finite. (NaN lanes are fixed up below.)
        y[l] = if two_x < 40.0 { two_x } else { 40.0 };
        let rounded = y[l] * LOG2_E + ROUNDER;
        k[l] = rounded - ROUNDER;
        let k_int = rounded.to_bits().wrapping_sub(ROUNDER.to_bits());
        scale[l] = f64::from_bits(k_int.wrapping_add(1023) << 52);
        r[l] = (y[l] - k[l] * LN2_HI) - k[l] * LN2_LO;
    }
    // Estrin's scheme instead of Horner's: the same polynomial in 8 dependent steps instead of
    // 24, which matters because each layer waits for its activations.
    let mut q = [0.0; N];
    let a = |n: usize| TAYLOR[11 - n];
    for l in 0..N {
        let r1 = r[l];
        let r2 = r1 * r1;
        let r4 = r2 * r2;
        let r8 = r4 * r4;
        let p01 = a(0) + a(1) * r1;
        let p23 = a(2) + a(3) * r1;
        let p45 = a(4) + a(5) * r1;
        let p67 = a(6) + a(7) * r1;
        let p89 = a(8) + a(9) * r1;
        let p1011 = a(10) + a(11) * r1;
        let p03 = p01 + p23 * r2;
        let p47 = p45 + p67 * r2;
        let p811 = p89 + p1011 * r2;
        q[l] = (p03 + p47 * r4) + p811 * r8;
    }
    for l in 0..N {
        let expm1_r = r[l] + (r[l] * r[l]) * q[l];
        let expm1_y = scale[l] * expm1_r + (scale[l] - 1.0);
        out[l] = (expm1_y / (expm1_y + 2.0)).copysign(x[l]);
    }
    // A select rather than a branch, so that the lanes stay side by side: NaN passes through.
    for l in 0..N {
        out[l] = if x[l].is_nan() { x[l] } else { out[l] };
    }
}

named_enum! {
    /// The loss that training minimises.
    pub enum Loss: "loss" {
        /// 0.5 * (output - target)^2, the Playground's.
        Square => "square",
        /// Binary cross-entropy on a sigmoid output (classification only).
        CrossEntropy => "cross-entropy",
        /// Cross-entropy on softmax outputs, one per class: what problems with three or more
        /// classes always use. Labels are class numbers 0..k-1.
        SoftmaxCrossEntropy => "softmax-cross-entropy",
    }
}

impl Loss {
    /// The loss of one example. `output` is the network's output, `total` the output neuron's total
    /// input (cross-entropy uses it to stay finite when the sigmoid saturates), `label` the label
    /// (+1 / -1 for classification).
    #[inline]
    pub fn value(self, output: f64, total: f64, label: f64) -> f64 {
        match self {
            Loss::Square => {
                let d = output - label;
                0.5 * (d * d)
            }
            Loss::CrossEntropy => {
                let target = cross_entropy_target(label);
                // log(1 + e^z) - t z, written so that it never overflows.
                total.max(0.0) - target * total + crate::math::ln_1p(crate::math::exp(-total.abs()))
            }
            // A single output cannot hold several classes; see `value_of`.
            Loss::SoftmaxCrossEntropy => f64::NAN,
        }
    }

    /// The loss of one example on an output layer of any size: `outputs` and `totals` of every
    /// output neuron.
    #[inline]
    pub fn value_of(self, outputs: &[f64], totals: &[f64], label: f64) -> f64 {
        match self {
            Loss::SoftmaxCrossEntropy => {
                // -log p_label = logsumexp(z) - z_label, stable for any z.
                let max = totals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let sum: f64 = totals.iter().map(|z| crate::math::exp(z - max)).sum();
                let class = class_index(label, totals.len());
                max + crate::math::ln(sum) - totals.get(class).copied().unwrap_or(f64::NAN)
            }
            _ => self.value(outputs[0], totals[0], label),
        }
    }

    /// dE/d(total input) of every output neuron, for an output layer of any size.
    #[inline]
    pub fn output_gradient(
        self,
        activation: Activation,
        outputs: &[f64],
        totals: &[f64],
        label: f64,
        ders: &mut [f64],
    ) {
        match self {
            Loss::SoftmaxCrossEntropy => {
                // Softmax and cross-entropy together: p - onehot(label).
                let class = class_index(label, outputs.len());
                for (j, (d, &p)) in ders.iter_mut().zip(outputs).enumerate() {
                    *d = p - if j == class { 1.0 } else { 0.0 };
                }
            }
            _ => {
                ders[0] = self.output_input_derivative(activation, outputs[0], totals[0], label);
            }
        }
    }

    /// d(loss)/d(total input of the output neuron).
    #[inline]
    pub fn output_input_derivative(
        self,
        activation: Activation,
        output: f64,
        total: f64,
        label: f64,
    ) -> f64 {
        match self {
            Loss::Square => (output - label) * activation.derivative(total, output),
            // With a sigmoid output the chain rule collapses to p - t.
            Loss::CrossEntropy => output - cross_entropy_target(label),
            Loss::SoftmaxCrossEntropy => f64::NAN,
        }
    }

    /// The output activation this loss goes with, for a problem type.
    pub fn output_activation(self, regression: bool) -> Activation {
        match (self, regression) {
            (Loss::SoftmaxCrossEntropy, _) => Activation::Softmax,
            (Loss::CrossEntropy, _) => Activation::Sigmoid,
            (Loss::Square, true) => Activation::Linear,
            (Loss::Square, false) => Activation::Tanh,
        }
    }
}

impl Loss {
    /// The losses a student picks from for two classes or regression (several classes always use
    /// softmax with cross-entropy).
    pub const TWO_CLASS: [Loss; 2] = [Loss::Square, Loss::CrossEntropy];
}

/// The class number of a multi-class label (0..k-1), clamped into range so that a bad label can
/// never index out of bounds.
#[inline]
pub fn class_index(label: f64, classes: usize) -> usize {
    if label.is_finite() && label > 0.0 {
        (label as usize).min(classes.saturating_sub(1))
    } else {
        0
    }
}

/// Labels are +1 / -1; cross-entropy wants targets 1 / 0.
#[inline]
fn cross_entropy_target(label: f64) -> f64 {
    if label > 0.0 { 1.0 } else { 0.0 }
}

named_enum! {
    /// A penalty on the weights (never on the biases, as in the Playground).
    pub enum Regularization: "regularization" {
        None => "none",
        L1 => "l1",
        L2 => "l2",
    }
}

impl Regularization {
    /// The penalty of one weight.
    #[inline]
    pub fn penalty(self, w: f64) -> f64 {
        match self {
            Regularization::None => 0.0,
            Regularization::L1 => w.abs(),
            Regularization::L2 => 0.5 * w * w,
        }
    }

    /// The penalty's derivative. L1 uses the Playground's sign: -1, 0 at exactly 0, or +1.
    #[inline]
    pub fn derivative(self, w: f64) -> f64 {
        match self {
            Regularization::None => 0.0,
            Regularization::L1 => {
                if w < 0.0 {
                    -1.0
                } else if w > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Regularization::L2 => w,
        }
    }
}

named_enum! {
    /// How the mean gradient of a batch changes the parameters.
    pub enum OptimizerKind: "optimizer" {
        /// Plain gradient descent, the Playground's.
        Sgd => "sgd",
        /// Gradient descent with (heavy-ball) momentum.
        Momentum => "momentum",
        /// Adam (beta1 0.9, beta2 0.999, epsilon 1e-8).
        Adam => "adam",
    }
}
