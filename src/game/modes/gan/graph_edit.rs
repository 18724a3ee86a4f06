//! Edit mode of the GAN's model graph: every part's settings in a small box beside it (noise,
//! layers and neurons, loss, optimisers and learning rates, steps per epoch).

use super::sim::{GanAction, GanSim};
use crate::gan::{GanLoss, GanSettings, LEARNING_RATES, NoiseKind};
use crate::level::gan::GanSetting;
use crate::nn::OptimizerKind;
use bevy::prelude::*;
use bevy_egui::egui;

/// Edit mode: each part's settings beside it.
pub(super) fn edit_boxes(
    ctx: &egui::Context,
    area: egui::Rect,
    p: &Places,
    sim: &GanSim,
    allowed: &[GanSetting],
    actions: &mut Vec<GanAction>,
) {
    let current = sim.gan.settings().clone();
    let mut s = current.clone();
    noise_box(ctx, p, &mut s, allowed);
    for (generator, rect) in [(true, p.generator), (false, p.discriminator)] {
        network_box(ctx, generator, rect, &mut s, allowed);
    }
    let loss_at = egui::pos2(area.max.x - 250.0, p.d_loss.min.y - 10.0);
    loss_box(ctx, loss_at, &mut s, allowed);
    if s != current {
        actions.push(GanAction::Settings(Box::new(s)));
    }
}

/// Changing this starts a new run (as in GAN Lab).
const NEW_RUN: &str = "Changing this starts a new run (as in GAN Lab).";
/// Applies at once: training goes on.
const LIVE: &str = "Applies at once: training goes on.";

/// The noise's kind and dimensions, under the noise box.
fn noise_box(ctx: &egui::Context, p: &Places, s: &mut GanSettings, allowed: &[GanSetting]) {
    let may = |setting: GanSetting| allowed.contains(&setting);
    edit_box(
        ctx,
        "edit noise",
        p.noise.left_bottom() + egui::vec2(0.0, 6.0),
        |ui| {
            ui.label(egui::RichText::new("Noise").strong());
            ui.add_enabled_ui(may(GanSetting::Noise), |ui| {
                egui::ComboBox::from_id_salt("noise kind")
                    .selected_text(noise_words(s))
                    .show_ui(ui, |ui| {
                        for (kind, dims) in [
                            (NoiseKind::Uniform, 1),
                            (NoiseKind::Uniform, 2),
                            (NoiseKind::Normal, 1),
                            (NoiseKind::Normal, 2),
                        ] {
                            let label = noise_words(&GanSettings {
                                noise: kind,
                                noise_dims: dims,
                                ..s.clone()
                            });
                            if ui
                                .selectable_label(s.noise == kind && s.noise_dims == dims, label)
                                .clicked()
                            {
                                s.noise = kind;
                                s.noise_dims = dims;
                            }
                        }
                    })
                    .response
                    .on_hover_text(NEW_RUN);
            });
        },
    );
}

/// A network's layers, neurons, optimiser and learning rate, over its view.
fn network_box(
    ctx: &egui::Context,
    generator: bool,
    rect: egui::Rect,
    s: &mut GanSettings,
    allowed: &[GanSetting],
) {
    let may = |setting: GanSetting| allowed.contains(&setting);
    let id = if generator { "edit G" } else { "edit D" };
    edit_box(ctx, id, rect.left_top() + egui::vec2(4.0, 18.0), |ui| {
        let (layers, neurons, optimizer, rate) = if generator {
            (
                &mut s.g_layers,
                &mut s.g_neurons,
                &mut s.optimizer_g,
                &mut s.learning_rate_g,
            )
        } else {
            (
                &mut s.d_layers,
                &mut s.d_neurons,
                &mut s.optimizer_d,
                &mut s.learning_rate_d,
            )
        };
        ui.label(
            egui::RichText::new(if generator {
                "Generator"
            } else {
                "Discriminator"
            })
            .strong(),
        );
        ui.add_enabled_ui(may(GanSetting::Architecture), |ui| {
            let mut relu_layers = *layers + 1;
            ui.add(egui::Slider::new(&mut relu_layers, 1..=6).text("ReLU layers"))
                .on_hover_text(format!("GAN Lab calls this \"{} hidden layers\": its label counts one short. {NEW_RUN}", relu_layers - 1));
            *layers = relu_layers - 1;
            ui.add(egui::Slider::new(neurons, 1..=100).text("neurons each"))
                .on_hover_text(NEW_RUN);
        });
        ui.add_enabled_ui(may(GanSetting::Optimizers), |ui| {
            ui.horizontal(|ui| {
                for kind in [OptimizerKind::Sgd, OptimizerKind::Adam] {
                    ui.selectable_value(optimizer, kind, kind.name().to_uppercase())
                        .on_hover_text(LIVE);
                }
            });
        });
        ui.add_enabled_ui(may(GanSetting::LearningRates), |ui| {
            egui::ComboBox::from_id_salt(format!("{id} rate"))
                .selected_text(format!("learning rate {rate}"))
                .show_ui(ui, |ui| {
                    for r in LEARNING_RATES {
                        ui.selectable_value(rate, r, r.to_string());
                    }
                })
                .response
                .on_hover_text(LIVE);
        });
    });
}

/// The loss and the steps per epoch, beside the losses.
fn loss_box(ctx: &egui::Context, at: egui::Pos2, s: &mut GanSettings, allowed: &[GanSetting]) {
    let may = |setting: GanSetting| allowed.contains(&setting);
    edit_box(ctx, "edit loss", at, |ui| {
        ui.label(egui::RichText::new("Loss and steps").strong());
        ui.add_enabled_ui(may(GanSetting::Loss), |ui| {
            egui::ComboBox::from_id_salt("loss")
                .selected_text(loss_words(s.loss))
                .show_ui(ui, |ui| {
                    for loss in GanLoss::ALL {
                        ui.selectable_value(&mut s.loss, *loss, loss_words(*loss));
                    }
                })
                .response
                .on_hover_text(LIVE);
        });
        ui.add_enabled_ui(may(GanSetting::Steps), |ui| {
            ui.add(egui::Slider::new(&mut s.k_d, 0..=10).text("k_D: D steps per epoch"))
                .on_hover_text(LIVE);
            ui.add(egui::Slider::new(&mut s.k_g, 0..=10).text("k_G: G steps per epoch"))
                .on_hover_text(LIVE);
        });
    });
}

pub fn loss_words(loss: GanLoss) -> &'static str {
    match loss {
        GanLoss::Log => "log loss (GAN Lab's default)",
        GanLoss::LeastSquares => "least squares",
        GanLoss::Hinge => "hinge (beyond GAN Lab)",
        GanLoss::SaturatingLog => "saturating G (to see why not)",
    }
}

pub(super) fn edit_box(
    ctx: &egui::Context,
    id: &str,
    at: egui::Pos2,
    add: impl FnOnce(&mut egui::Ui),
) {
    egui::Area::new(egui::Id::new(id))
        .fixed_pos(at)
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_max_width(230.0);
                add(ui);
            });
        });
}

/// Where the parts of the graph are this frame (screen pixels).
pub(super) struct Places {
    pub(super) noise: egui::Rect,
    pub(super) generator: egui::Rect,
    pub(super) fakes: egui::Rect,
    pub(super) reals: egui::Rect,
    pub(super) discriminator: egui::Rect,
    pub(super) predictions: egui::Rect,
    pub(super) d_loss: egui::Rect,
    pub(super) g_loss: egui::Rect,
}

pub(super) fn noise_words(s: &GanSettings) -> String {
    format!(
        "{}, {}-D",
        match s.noise {
            NoiseKind::Uniform => "uniform",
            NoiseKind::Normal => "normal",
        },
        s.noise_dims
    )
}
