//! "Show as code": the sandbox's network, as it is now, written as a NumPy function or a Rust
//! function (core `nn::code`), to read, copy and save. The code follows the network while it
//! trains.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::sim::Simulation;
use crate::game::files::FileRequest;
use crate::game::notices::Notices;
use crate::nn::code::{self, CodeContext};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<CodeWindow>()
        .add_systems(
            EguiPrimaryContextPass,
            code_ui.run_if(in_state(super::Workbench)),
        )
        .add_systems(
            Update,
            publish_status
                .after(super::sim::SimSet::Mirror)
                .run_if(in_state(super::Workbench)),
        );
}

fn publish_status(window: Res<CodeWindow>, mut status: ResMut<crate::game::status::Status>) {
    status.set("code_open", window.open);
    status.set("code_language", format!("{:?}", window.language));
    status.set("code_chars", window.text.len());
}

#[derive(Clone, Copy, PartialEq, Eq, Default, Debug)]
pub enum Language {
    #[default]
    Python,
    Rust,
}

#[derive(Resource, Default)]
pub struct CodeWindow {
    pub open: bool,
    pub language: Language,
    /// The code last written, and the weights version it was written from.
    text: String,
    written_for: Option<(u64, Language)>,
}

/// What the code's header says about the experiment.
pub fn context_of(sim: &Simulation) -> CodeContext {
    let e = &sim.experiment;
    let c = e.config();
    let data = e
        .data_from_file()
        .map(str::to_string)
        .unwrap_or_else(|| c.dataset.name().to_string());
    let labels = if c.is_multi_class() {
        format!("{} classes, one probability each", c.classes)
    } else if c.problem() == crate::data::Problem::Classification {
        "output > 0: blue (+1), < 0: orange (-1)".to_string()
    } else {
        "the output is the predicted value".to_string()
    };
    let latest = e.latest();
    let regularization = match c.regularization {
        crate::nn::Regularization::None => "no regularisation".to_string(),
        r => format!("{r} regularisation at rate {}", c.regularization_rate),
    };
    CodeContext {
        problem: format!("Data: {data}, {} ({labels}).", c.problem()),
        training: format!(
            "Trained {} epochs: learning rate {}, batch {}, {regularization}; test loss {:.4}.",
            latest.epoch, c.learning_rate, c.batch_size, latest.test_loss
        ),
    }
}

fn code_ui(
    mut contexts: EguiContexts,
    mut window: ResMut<CodeWindow>,
    sim: Res<Simulation>,
    mut files: MessageWriter<FileRequest>,
    mut notices: ResMut<Notices>,
) -> Result {
    if !window.open {
        return Ok(());
    }
    let version = sim.experiment.weights_version();
    if window.written_for != Some((version, window.language)) {
        let network = sim.experiment.network();
        let context = context_of(&sim);
        window.text = match window.language {
            Language::Python => code::to_python(network, &context),
            Language::Rust => code::to_rust(network, &context),
        };
        window.written_for = Some((version, window.language));
    }
    let ctx = contexts.ctx_mut()?.clone();
    let mut open = true;
    egui::Window::new("The network as code")
        .open(&mut open)
        .collapsible(false)
        .default_width(640.0)
        .default_height(520.0)
        .order(egui::Order::Foreground)
        .show(&ctx, |ui| {
            ui.horizontal(|ui| {
                ui.selectable_value(&mut window.language, Language::Python, "Python (NumPy)");
                ui.selectable_value(&mut window.language, Language::Rust, "Rust");
                ui.separator();
                if ui.button("Copy").clicked() {
                    if super::share::copy_to_clipboard(&window.text) {
                        notices.info("Code copied.");
                    } else {
                        ctx.copy_text(window.text.clone());
                        notices.info("Select the code and copy it (Ctrl+A, Ctrl+C), or Save it.");
                    }
                }
                if ui.button("Save").clicked() {
                    let (extension, mime) = match window.language {
                        Language::Python => ("py", "text/x-python"),
                        Language::Rust => ("rs", "text/x-rust"),
                    };
                    files.write(FileRequest::Save {
                        name: format!(
                            "network-{}-epoch-{}.{extension}",
                            sim.experiment.config().dataset.name(),
                            sim.experiment.epoch()
                        ),
                        bytes: window.text.clone().into_bytes(),
                        mime,
                    });
                }
            });
            ui.small("Every number is a weight or a bias of the network on screen: the code computes exactly what it computes. It follows the network while it trains.");
            egui::ScrollArea::both().max_height(440.0).show(ui, |ui| {
                let mut shown = window.text.clone();
                ui.add(
                    egui::TextEdit::multiline(&mut shown)
                        .code_editor()
                        .desired_width(f32::INFINITY),
                );
            });
        });
    if !open {
        window.open = false;
    }
    Ok(())
}
