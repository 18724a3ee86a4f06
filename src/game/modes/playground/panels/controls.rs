//! The controls panel: data, features, hyperparameters, and what the Playground lacks.

use bevy_egui::egui;

use super::ControlsUi;
use super::thumbnails::SIZE as THUMB;
use crate::data::{DatasetKind, MAX_CLASSES, Problem};
use crate::experiment::ExperimentConfig;
use crate::game::modes::playground::SimAction;
use crate::game::theme::widgets::section;
use crate::level::Setting;
use crate::nn::{Activation, Loss, OptimizerKind, Regularization};

/// A labelled row with a tooltip on the label; disabled, with a lock, when `open` is false.
fn row<R>(
    ui: &mut egui::Ui,
    label: &str,
    tip: &str,
    open: bool,
    add: impl FnOnce(&mut egui::Ui) -> R,
) -> R {
    ui.horizontal(|ui| {
        ui.add_sized([118.0, 20.0], egui::Label::new(label))
            .on_hover_text(tip);
        let inner = ui.add_enabled_ui(open, add).inner;
        if !open {
            ui.label(egui::RichText::new("locked").small().weak())
                .on_hover_text("This level does not let you change it.");
        }
        inner
    })
    .inner
}

fn format_rate(v: f64) -> String {
    if v == 0.0 { "0".into() } else { format!("{v}") }
}

/// Which settings the player may change here: a level locks some, data from a file fixes the
/// points.
struct Open {
    ratio: bool,
    noise: bool,
    batch: bool,
    learning_rate: bool,
    activation: bool,
    regularization: bool,
    regularization_rate: bool,
    advanced: bool,
    in_level: bool,
    from_file: bool,
}

pub fn show(ui: &mut egui::Ui, s: &mut ControlsUi) {
    let mut c = s.bench.sim.experiment.config().clone();
    let may = |setting| s.bench.may_change(setting);
    let open = Open {
        ratio: may(Setting::TrainRatio),
        noise: may(Setting::Noise),
        batch: may(Setting::BatchSize),
        learning_rate: may(Setting::LearningRate),
        activation: may(Setting::Activation),
        regularization: may(Setting::Regularization),
        regularization_rate: may(Setting::RegularizationRate),
        advanced: may(Setting::Advanced),
        in_level: s.bench.level.is_some(),
        from_file: s.bench.sim.experiment.data_from_file().is_some(),
    };
    let palette = s.bench.palette().cloned().unwrap_or_default();
    data_section(ui, s, &mut c, &open);
    features_section(ui, &c);
    training_section(ui, &mut c, &open, &palette);
    ui.add_space(4.0);
    ui.add_enabled_ui(open.advanced, |ui| {
        beyond_the_playground(ui, &mut c, open.in_level)
    });
    s.bench.configure(c);
}

/// The dataset pictures, classes, split, noise, batch size and the seed.
fn data_section(ui: &mut egui::Ui, s: &mut ControlsUi, c: &mut ExperimentConfig, open: &Open) {
    section(ui, "DATA");
    ui.label("Which dataset do you want to use?").on_hover_text(
        "Click a picture to train on those points. Orange is -1, blue is +1; the last three can have up to six classes.",
    );
    let problem = c.problem();
    // Four pictures to a row (the classification sets take two rows).
    for row_kinds in DatasetKind::for_problem(problem).chunks(4) {
        ui.horizontal(|ui| {
            for &kind in row_kinds {
                let Some(texture) = s.thumbnails.get(kind) else {
                    continue;
                };
                let selected = c.dataset == kind;
                let image = egui::Image::new(egui::load::SizedTexture::new(
                    texture.id(),
                    egui::vec2(THUMB as f32 * 0.8, THUMB as f32 * 0.8),
                ))
                .sense(egui::Sense::click());
                let frame = egui::Frame::new()
                    .stroke(egui::Stroke::new(
                        if selected { 3.0 } else { 1.0 },
                        if selected {
                            egui::Color32::from_rgb(40, 40, 40)
                        } else {
                            egui::Color32::from_gray(200)
                        },
                    ))
                    .inner_margin(1);
                let classes = if kind.is_multi_class() { c.classes } else { 2 };
                let response = frame
                    .show(ui, |ui| ui.add(image))
                    .inner
                    .on_hover_text(format!(
                        "{}: {} points",
                        kind.title(),
                        kind.sample_count_for(classes)
                    ));
                if response.clicked() && !selected && !open.in_level {
                    c.dataset = kind;
                    if !kind.is_multi_class() {
                        c.classes = 2;
                    }
                }
            }
        });
    }
    if c.dataset.is_multi_class() && problem == Problem::Classification {
        row(
            ui,
            "Classes",
            "How many classes (colours) the points belong to. With three or more, the network gets one output per class and softmax turns them into probabilities. Rebuilds the network.",
            !open.in_level,
            |ui| {
                ui.add(egui::Slider::new(&mut c.classes, 2..=MAX_CLASSES));
            },
        );
    }
    ui.add_enabled_ui(!open.from_file, |ui| {
        row(ui, "Training data", "Share of the points used for training; the rest test how well the network generalises.", open.ratio, |ui| {
            let mut ratio = c.train_ratio;
            ui.add(egui::Slider::new(&mut ratio, 10..=90).step_by(10.0).suffix(" %"));
            c.train_ratio = ratio;
        });
        row(ui, "Noise", "Randomness in the data: flips labels (circle, XOR) or moves points (spiral, gauss).", open.noise, |ui| {
            ui.add(egui::Slider::new(&mut c.noise, 0..=50).step_by(5.0));
        });
    });
    row(
        ui,
        "Batch size",
        "How many examples are averaged into one weight update. Applied live.",
        open.batch,
        |ui| {
            ui.add(egui::Slider::new(&mut c.batch_size, 1..=30));
        },
    );
    ui.horizontal(|ui| {
        if ui
            .add_enabled(
                !open.from_file && !open.in_level,
                egui::Button::new("↻ Regenerate"),
            )
            .on_hover_text(
                "New points from a new seed. The network keeps its weights, as in the Playground.",
            )
            .clicked()
        {
            s.bench.actions.write(SimAction::Regenerate);
        }
        ui.label(
            egui::RichText::new(format!("seed {}", c.seed))
                .weak()
                .small(),
        );
    });
}

/// The inputs switched on (the features themselves are dragged in on the network).
fn features_section(ui: &mut egui::Ui, c: &ExperimentConfig) {
    section(ui, "FEATURES");
    ui.label("Drag a feature from the left onto the input column to add it, or click it to switch it on and off. Drag an input off the network to remove it.");
    let active: Vec<_> = c.features.iter().map(|f| f.label()).collect();
    ui.label(egui::RichText::new(format!("Inputs: {}", active.join(", "))).weak());
}

/// Learning rate, activation, regularisation and the problem type.
fn training_section(
    ui: &mut egui::Ui,
    c: &mut ExperimentConfig,
    open: &Open,
    palette: &crate::level::Palette,
) {
    let problem = c.problem();
    section(ui, "TRAINING");
    row(
        ui,
        "Learning rate",
        "How big each step down the loss is. Too high and training explodes; too low and it crawls. Applied live.",
        open.learning_rate,
        |ui| {
            egui::ComboBox::from_id_salt("learning rate")
                .selected_text(format_rate(c.learning_rate))
                .show_ui(ui, |ui| {
                    for &rate in &palette.learning_rates {
                        ui.selectable_value(&mut c.learning_rate, rate, format_rate(rate));
                    }
                });
        },
    );
    row(
        ui,
        "Activation",
        "The function every hidden neuron applies to its weighted sum. Applied live, keeping the weights (the Playground resets).",
        open.activation,
        |ui| {
            egui::ComboBox::from_id_salt("activation")
                .selected_text(activation_name(c.activation))
                .show_ui(ui, |ui| {
                    for a in palette.activations.iter().filter(|a| !a.is_layer_wide()) {
                        ui.selectable_value(&mut c.activation, *a, activation_name(*a))
                            .on_hover_text(a.describe());
                    }
                });
        },
    );
    row(
        ui,
        "Regularization",
        "A penalty on large weights, to keep the network simple (L1 pushes weights to exactly 0). Applied live.",
        open.regularization,
        |ui| {
            egui::ComboBox::from_id_salt("regularization")
                .selected_text(reg_name(c.regularization))
                .show_ui(ui, |ui| {
                    for r in &palette.regularizations {
                        ui.selectable_value(&mut c.regularization, *r, reg_name(*r));
                    }
                });
        },
    );
    row(
        ui,
        "Regularization rate",
        "How strong the penalty is. Applied live, keeping the weights (the Playground resets).",
        open.regularization_rate,
        |ui| {
            egui::ComboBox::from_id_salt("regularization rate")
                .selected_text(format_rate(c.regularization_rate))
                .show_ui(ui, |ui| {
                    for &rate in &palette.regularization_rates {
                        ui.selectable_value(&mut c.regularization_rate, rate, format_rate(rate));
                    }
                });
        },
    );
    row(
        ui,
        "Problem type",
        "Classification: predict a class (+1 or -1). Regression: predict a number. Rebuilds the network.",
        !open.in_level,
        |ui| {
            let mut p = problem;
            egui::ComboBox::from_id_salt("problem")
                .selected_text(problem_name(p))
                .show_ui(ui, |ui| {
                    for choice in Problem::ALL {
                        ui.selectable_value(&mut p, *choice, problem_name(*choice));
                    }
                });
            if p != problem {
                c.problem = Some(p);
                c.dataset = DatasetKind::for_problem(p)[0];
                c.classes = 2;
                if p == Problem::Regression {
                    c.loss = Loss::Square;
                }
            }
        },
    );
}

/// What the Playground does not have: optimisers, the loss, dropout, the start and the course's
/// experiments.
fn beyond_the_playground(ui: &mut egui::Ui, c: &mut ExperimentConfig, in_level: bool) {
    egui::CollapsingHeader::new("Beyond the Playground")
        .default_open(false)
        .show(ui, |ui| {
            row(ui, "Optimizer", "SGD is the Playground's. Momentum keeps a running direction; Adam adapts the step of every weight.", true, |ui| {
                egui::ComboBox::from_id_salt("optimizer")
                    .selected_text(c.optimizer.name())
                    .show_ui(ui, |ui| {
                        for o in OptimizerKind::ALL {
                            ui.selectable_value(&mut c.optimizer, *o, o.name());
                        }
                    });
            });
            if c.optimizer == OptimizerKind::Momentum {
                row(ui, "Momentum", "How much of the previous step carries into the next.", true, |ui| {
                    ui.add(egui::Slider::new(&mut c.momentum, 0.0..=0.99));
                });
            }
            if c.is_multi_class() {
                ui.label(egui::RichText::new("Loss: softmax with cross-entropy (always, with three or more classes).").small().weak());
            } else {
                ui.add_enabled_ui(c.problem() == Problem::Classification, |ui| {
                    row(ui, "Loss", "Square error is the Playground's; cross-entropy (with a sigmoid output) punishes confident mistakes harder. Rebuilds the network.", true, |ui| {
                        egui::ComboBox::from_id_salt("loss")
                            .selected_text(c.loss.name())
                            .show_ui(ui, |ui| {
                                for l in Loss::TWO_CLASS {
                                    ui.selectable_value(&mut c.loss, l, l.name());
                                }
                            });
                    });
                });
            }
            row(ui, "Dropout", "Each training step ignores this share of hidden neurons at random, so none can be relied on alone.", true, |ui| {
                ui.add(egui::Slider::new(&mut c.dropout, 0.0..=0.5).step_by(0.05));
            });
            ui.checkbox(&mut c.reshuffle_each_epoch, "Reshuffle every epoch")
                .on_hover_text("Visit the training points in a new order each epoch (the Playground never does).");
            ui.checkbox(&mut c.init_zero, "Start from zero weights")
                .on_hover_text("Every weight and bias starts at 0: watch why symmetric neurons never learn different things.");
            ui.checkbox(&mut c.replay_initial_weights, "Reset replays the same weights")
                .on_hover_text("Reset goes back to exactly the same starting weights, so you can compare settings fairly.");
            if !in_level {
                ui.add_space(4.0);
                ui.label("Load an experiment of the course:");
                for preset in crate::presets::presets() {
                    if ui
                        .button(preset.title)
                        .on_hover_text(preset.lesson)
                        .clicked()
                    {
                        *c = preset.config.clone();
                    }
                }
            }
        });
}

fn activation_name(a: Activation) -> &'static str {
    match a {
        Activation::Relu => "ReLU",
        Activation::Tanh => "Tanh",
        Activation::Sigmoid => "Sigmoid",
        Activation::Linear => "Linear",
        Activation::Softmax => "Softmax",
    }
}

fn reg_name(r: Regularization) -> &'static str {
    match r {
        Regularization::None => "None",
        Regularization::L1 => "L1",
        Regularization::L2 => "L2",
    }
}

fn problem_name(p: Problem) -> &'static str {
    match p {
        Problem::Classification => "Classification",
        Problem::Regression => "Regression",
    }
}
