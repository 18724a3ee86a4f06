//! The CNN mode's settings: the images, the network, training, the models to open or save, and
//! the picture or drawing to look at.

use super::sim::{CnnAction, CnnSim};
use super::ui::{SettingsUi, remember};
use crate::cnn::images::ImageDataset;
use crate::cnn::train::CnnOptimizer;
use crate::cnn::{CnnActivation, Padding};
use crate::game::files::FileRequest;
use crate::game::theme::widgets::section;
use bevy::prelude::*;
use bevy_egui::egui;

pub(super) fn left_panel(ui: &mut egui::Ui, s: &mut SettingsUi) {
    let sim = &*s.sim;
    if sim.opened.is_none() {
        data_section(ui, sim, &mut s.actions);
        network_section(ui, sim, &mut s.actions);
        training_section(ui, sim, &mut s.actions);
    }

    section(ui, "Models");
    ui.horizontal_wrapped(|ui| {
        let open = ui.button("Open a model…").on_hover_text(
            "A TensorFlow.js layers model (model.json and its weights): CNN Explainer's Tiny VGG, one saved here, or your own.",
        );
        remember(&mut s.screen.buttons, "open_model", &open);
        if open.clicked() {
            s.files.write(FileRequest::Open {
                purpose: super::files::MODEL_PURPOSE,
                accept: ".json,.bin",
                title: "Open a model (model.json; its weights file beside it)".into(),
                multiple: true,
            });
        }
        if sim.opened.is_none() {
            if ui.button("Save this network").clicked() {
                s.files.write(FileRequest::Save {
                    name: "cnn-model.json".into(),
                    bytes: crate::cnn::tfjs::to_json(&sim.training.model).into_bytes(),
                    mime: "application/json",
                });
            }
        } else if ui.button("Back to my network").clicked() {
            s.actions.write(CnnAction::CloseModel);
            s.screen.detail = None;
        }
    });
    ui.small("CNN Explainer's Tiny VGG: model.json and group1-shard1of1.bin from github.com/poloclub/cnn-explainer (public/assets/data).");

    section(ui, "Picture");
    ui.horizontal(|ui| {
        let open = ui.button("Open a picture…");
        remember(&mut s.screen.buttons, "open_picture", &open);
        if open.clicked() {
            s.files.write(FileRequest::Open {
                purpose: super::files::PICTURE_PURPOSE,
                accept: "image/png,image/jpeg",
                title: "Open a picture (PNG or JPEG)".into(),
                multiple: false,
            });
        }
        if ui.button("Clear pad").clicked() {
            s.actions.write(CnnAction::Picture {
                pixels: vec![0.0; sim.model().input.len()],
                name: "your drawing".into(),
            });
        }
    });
    ui.small(
        "Draw below with the left button, erase with the right; the network sees it as you draw.",
    );
    let pad = super::drawing::pad(ui, sim, &mut s.actions);
    remember(&mut s.screen.buttons, "pad", &pad);
    if sim.opened.is_none() {
        ui.horizontal(|ui| {
            let names = sim.train.class_names.clone();
            let mut chosen = s.screen.drawing_class.min(names.len().saturating_sub(1));
            let class = &mut chosen;
            egui::ComboBox::from_id_salt("cnn drawing class")
                .selected_text(names.get(*class).cloned().unwrap_or_default())
                .show_ui(ui, |ui| {
                    for (i, n) in names.iter().enumerate() {
                        ui.selectable_value(class, i, n);
                    }
                });
            let add = ui.button("Add to training set");
            remember(&mut s.screen.buttons, "add_drawing", &add);
            if add.clicked() {
                s.actions.write(CnnAction::AddDrawing(*class));
            }
            s.screen.drawing_class = chosen;
        });
    }
}

/// The images: the dataset, its classes and seed.
fn data_section(ui: &mut egui::Ui, sim: &CnnSim, actions: &mut MessageWriter<CnnAction>) {
    section(ui, "Data");
    let mut dataset = sim.dataset;
    let mut classes = sim.classes;
    egui::ComboBox::from_id_salt("cnn dataset")
        .selected_text(dataset.title())
        .width(250.0)
        .show_ui(ui, |ui| {
            for d in ImageDataset::ALL {
                ui.selectable_value(&mut dataset, d, d.title());
            }
        });
    if dataset != sim.dataset {
        classes = classes.min(dataset.max_classes());
    }
    ui.add(egui::Slider::new(&mut classes, 2..=dataset.max_classes()).text("classes"));
    let mut seed = sim.seed;
    ui.horizontal(|ui| {
        ui.label("Seed");
        ui.add(egui::DragValue::new(&mut seed).range(0..=9999));
        if ui.button("New images").clicked() {
            seed = seed.wrapping_add(1) % 10_000;
        }
    });
    if (dataset, classes, seed) != (sim.dataset, sim.classes, sim.seed) {
        actions.write(CnnAction::Images {
            dataset,
            classes,
            seed,
        });
    }
    ui.small(format!(
        "{} training and {} test images of {}x{} pixels: {}.",
        sim.train.len(),
        sim.test.len(),
        sim.train.shape.height,
        sim.train.shape.width,
        sim.train.class_names.join(", ")
    ));
    if sim.dataset == ImageDataset::Digits {
        ui.small(
            "Digits: UCI Optical Recognition of Handwritten Digits (Alpaydin & Kaynak), CC BY 4.0.",
        );
    }
}

/// The network's blocks, filters, kernel, padding and activation.
fn network_section(ui: &mut egui::Ui, sim: &CnnSim, actions: &mut MessageWriter<CnnAction>) {
    section(ui, "Network");
    let mut spec = sim.spec;
    ui.add(egui::Slider::new(&mut spec.blocks, 1..=3).text("blocks (2 conv + pool)"));
    ui.add(egui::Slider::new(&mut spec.filters, 1..=16).text("filters per conv"));
    ui.horizontal(|ui| {
        ui.label("Kernel");
        ui.selectable_value(&mut spec.kernel, 1, "1x1");
        ui.selectable_value(&mut spec.kernel, 3, "3x3");
        ui.selectable_value(&mut spec.kernel, 5, "5x5");
        ui.label("Padding");
        ui.selectable_value(&mut spec.padding, Padding::Valid, "valid");
        ui.selectable_value(&mut spec.padding, Padding::Same, "same");
    });
    ui.horizontal(|ui| {
        ui.label("Activation");
        for a in [
            CnnActivation::Relu,
            CnnActivation::Tanh,
            CnnActivation::Sigmoid,
        ] {
            ui.selectable_value(&mut spec.activation, a, a.name());
        }
    });
    if spec != sim.spec {
        actions.write(CnnAction::Network(spec));
    }
    ui.small(format!(
        "{} parameters.",
        sim.training.model.parameter_count()
    ));
}

/// The optimiser, its learning rate and the batch size.
fn training_section(ui: &mut egui::Ui, sim: &CnnSim, actions: &mut MessageWriter<CnnAction>) {
    section(ui, "Training");
    let mut optimizer = sim.optimizer;
    let mut batch = sim.batch_size;
    let mut lr = optimizer.learning_rate();
    ui.horizontal(|ui| {
        ui.label("Optimiser");
        if ui
            .selectable_label(matches!(optimizer, CnnOptimizer::Adam { .. }), "Adam")
            .clicked()
        {
            optimizer = CnnOptimizer::Adam { learning_rate: lr };
        }
        if ui
            .selectable_label(
                matches!(optimizer, CnnOptimizer::Sgd { .. }),
                "SGD + momentum",
            )
            .clicked()
        {
            optimizer = CnnOptimizer::Sgd {
                learning_rate: lr,
                momentum: 0.9,
            };
        }
    });
    ui.horizontal(|ui| {
        ui.label("Learning rate");
        egui::ComboBox::from_id_salt("cnn lr")
            .selected_text(format!("{lr}"))
            .show_ui(ui, |ui| {
                for v in [0.0003, 0.001, 0.003, 0.005, 0.01, 0.03, 0.1, 0.3, 1.0] {
                    ui.selectable_value(&mut lr, v, format!("{v}"));
                }
            });
    });
    optimizer = optimizer.with_learning_rate(lr);
    ui.add(egui::Slider::new(&mut batch, 1..=64).text("batch size"));
    if optimizer != sim.optimizer || batch != sim.batch_size {
        actions.write(CnnAction::Optimizer {
            optimizer,
            batch_size: batch,
        });
    }
}
