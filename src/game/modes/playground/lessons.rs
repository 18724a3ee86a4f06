//! "Make a lesson…" (teachers): the sandbox as it is becomes a level's start; the teacher picks
//! what students may change (like a level's palette, or the Playground's hide flags), writes a
//! title, a briefing, hints and what to learn, sets a goal and an epoch budget, and gets a level
//! file (the RON of `levels/`) and a link that opens it as a challenge, stars saved like any
//! level's. Opening such a link is in `start.rs`.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::sim::Simulation;
use crate::data::Feature;
use crate::experiment::Setting;
use crate::game::files::FileRequest;
use crate::game::notices::Notices;
use crate::game::screens::Screen;
use crate::level::Goal;
use crate::level::lesson::{LessonDraft, link_fragment, make_lesson};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<LessonMaker>().add_systems(
        EguiPrimaryContextPass,
        lesson_ui.run_if(in_state(Screen::Sandbox)),
    );
}

#[derive(Resource, Default)]
pub struct LessonMaker {
    pub open: bool,
    pub draft: LessonDraft,
    /// The last lesson made: its file text and link.
    made: Option<(String, String)>,
    /// Why the draft is not a lesson yet.
    problems: Vec<String>,
}

/// Puts a lesson (from a link) into the level list and starts it: it plays like any level, and
/// its stars are saved under its own id.
pub fn open_lesson(
    level: crate::level::Level,
    catalog: &mut crate::game::levels::LevelCatalog,
    commands: &mut MessageWriter<crate::game::levels::LevelCommand>,
) {
    let id = level.id.clone();
    catalog
        .entries
        .retain(|e| e.level.as_ref().map_or(true, |l| l.id() != id));
    catalog.entries.push(crate::game::levels::CatalogEntry {
        file: "lesson link".into(),
        level: Ok(crate::level::AnyLevel::Playground(level)),
    });
    commands.write(crate::game::levels::LevelCommand::Start(id));
}

/// What the page's link to a lesson is: the game's address (on the web) with the fragment.
fn lesson_link(fragment: &str) -> String {
    match super::share::page_address() {
        Some(base) => format!("{base}#{fragment}"),
        None => format!("#{fragment}"),
    }
}

fn lesson_ui(
    mut contexts: EguiContexts,
    mut maker: ResMut<LessonMaker>,
    sim: Res<Simulation>,
    mut files: MessageWriter<FileRequest>,
    mut notices: ResMut<Notices>,
) -> Result {
    if !maker.open {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?.clone();
    let mut open = true;
    let maker = &mut *maker;
    let mut make = false;
    egui::Window::new("Make a lesson")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .default_width(620.0)
        .order(egui::Order::Foreground)
        .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 56.0))
        .show(&ctx, |ui| {
            {
                ui.small("Students start from this sandbox as it is now: its data, features, layers, weights' seed and settings.");
                lesson_fields(ui, &mut maker.draft);
                ui.add_space(4.0);
                lesson_limits(ui, &mut maker.draft);
                ui.add_space(6.0);
                make = ui.button("Make the lesson").clicked();
                for p in &maker.problems {
                    ui.colored_label(egui::Color32::from_rgb(190, 40, 30), p);
                }
                made_lesson(ui, maker, &mut files, &mut notices);
            }
        });
    if make {
        match make_lesson(&maker.draft, sim.experiment.config()) {
            Ok((_, text)) => {
                let link = lesson_link(&link_fragment(&text));
                maker.made = Some((text, link));
                maker.problems.clear();
                notices.info("The lesson is ready: copy its link or save its file.");
            }
            Err(problems) => {
                maker.made = None;
                maker.problems = problems;
            }
        }
    }
    if !open {
        maker.open = false;
    }
    Ok(())
}

/// The lesson's words, its goal and its epoch budget.
fn lesson_fields(ui: &mut egui::Ui, d: &mut LessonDraft) {
    egui::Grid::new("lesson fields")
        .num_columns(2)
        .spacing([10.0, 6.0])
        .show(ui, |ui| {
            ui.label("Title");
            ui.add(
                egui::TextEdit::singleline(&mut d.title)
                    .hint_text("Why one line is not enough")
                    .desired_width(420.0),
            );
            ui.end_row();
            ui.label("Briefing");
            ui.add(
                egui::TextEdit::multiline(&mut d.briefing)
                    .hint_text(
                        "What to do and what to watch for. A blank line starts a new paragraph.",
                    )
                    .desired_rows(3)
                    .desired_width(420.0),
            );
            ui.end_row();
            ui.label("Hints");
            ui.add(
                egui::TextEdit::multiline(&mut d.hints)
                    .hint_text("One per line, revealed one at a time.")
                    .desired_rows(3)
                    .desired_width(420.0),
            );
            ui.end_row();
            ui.label("What they learn");
            ui.add(
                egui::TextEdit::singleline(&mut d.lesson)
                    .hint_text("Shown when they reach the goal.")
                    .desired_width(420.0),
            );
            ui.end_row();
            ui.label("Goal");
            ui.horizontal(|ui| {
                let accuracy = matches!(d.goal, Goal::TestAccuracy { .. });
                if ui
                    .selectable_label(accuracy, "test accuracy at least")
                    .clicked()
                    && !accuracy
                {
                    d.goal = Goal::TestAccuracy {
                        at_least: 0.9,
                        after_epoch: 0,
                    };
                }
                if ui
                    .selectable_label(!accuracy, "test loss at most")
                    .clicked()
                    && accuracy
                {
                    d.goal = Goal::TestLoss {
                        at_most: 0.1,
                        after_epoch: 0,
                    };
                }
                match &mut d.goal {
                    Goal::TestAccuracy { at_least, .. } => {
                        let mut percent = *at_least * 100.0;
                        ui.add(
                            egui::DragValue::new(&mut percent)
                                .range(1.0..=100.0)
                                .suffix(" %"),
                        );
                        *at_least = percent / 100.0;
                    }
                    Goal::TestLoss { at_most, .. } => {
                        ui.add(
                            egui::DragValue::new(at_most)
                                .range(0.0001..=10.0)
                                .speed(0.005),
                        );
                    }
                }
            });
            ui.end_row();
            ui.label("Epoch budget");
            ui.add(
                egui::DragValue::new(&mut d.epoch_budget)
                    .range(1..=crate::level::lesson::MAX_EPOCH_BUDGET),
            );
            ui.end_row();
        });
}

/// What students may change: settings, features, and how big the network may grow.
fn lesson_limits(ui: &mut egui::Ui, d: &mut LessonDraft) {
    ui.label("Students may change:");
    ui.horizontal_wrapped(|ui| {
        for setting in Setting::ALL {
            let mut on = d.settings.contains(setting);
            if ui
                .checkbox(&mut on, setting.name().replace('_', " "))
                .changed()
            {
                if on {
                    d.settings.push(*setting);
                } else {
                    d.settings.retain(|s| s != setting);
                }
            }
        }
    });
    ui.label("Features they may drag in:");
    ui.horizontal_wrapped(|ui| {
        for feature in Feature::ALL {
            let mut on = d.features.contains(feature);
            if ui.checkbox(&mut on, feature.label()).changed() {
                if on {
                    d.features.push(*feature);
                } else {
                    d.features.retain(|f| f != feature);
                }
            }
        }
    });
    ui.horizontal(|ui| {
        ui.label("At most");
        ui.add(egui::DragValue::new(&mut d.max_hidden_layers).range(0..=6));
        ui.label("hidden layers of");
        ui.add(egui::DragValue::new(&mut d.max_neurons_per_layer).range(1..=8));
        ui.label("neurons each.");
    });
}

/// The lesson made: its link to copy and its level file to save.
fn made_lesson(
    ui: &mut egui::Ui,
    maker: &LessonMaker,
    files: &mut MessageWriter<FileRequest>,
    notices: &mut Notices,
) {
    if let Some((text, link)) = &maker.made {
        ui.separator();
        ui.label(egui::RichText::new("The lesson's link").strong());
        ui.small("Students who open it get the lesson as a challenge, with its briefing, hints and stars.");
        ui.horizontal(|ui| {
            let mut shown = link.clone();
            ui.add(egui::TextEdit::singleline(&mut shown).desired_width(470.0));
            if ui.button("Copy").clicked() {
                if super::share::copy_to_clipboard(link) {
                    notices.info("Lesson link copied.");
                } else {
                    notices.info(format!("Select the link and copy it: {link}"));
                }
            }
        });
        ui.horizontal(|ui| {
            if ui
                .button("Save the level file")
                .on_hover_text(
                    "The same format as the game's levels/ folder: add it there, or send it.",
                )
                .clicked()
            {
                files.write(FileRequest::Save {
                    name: format!(
                        "{}.ron",
                        crate::level::lesson::id_from_title(&maker.draft.title)
                    ),
                    bytes: text.clone().into_bytes(),
                    mime: "text/plain",
                });
            }
        });
    }
}
