//! "Links…": the sandbox as a link (ours, and the real TensorFlow Playground's when the page can
//! show it), and a field where a student pastes a link (ours, or one copied from
//! playground.tensorflow.org) to open it: a Playground link opens with the page's own data and
//! initial weights (`experiment::playground_link`). A broken link changes nothing and says why.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::sim::{SimAction, Simulation};
use crate::experiment::Experiment;
use crate::experiment::playground_link;
use crate::game::notices::Notices;
use crate::game::screens::Screen;
use crate::game::status::remember_button;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<LinkWindow>().add_systems(
        EguiPrimaryContextPass,
        links_ui.run_if(in_state(Screen::Sandbox)),
    );
    #[cfg(target_arch = "wasm32")]
    web_paste::listen();
}

#[derive(Resource, Default)]
pub struct LinkWindow {
    pub open: bool,
    /// What the student pasted or typed.
    pub text: String,
    /// Where the window's buttons are (for the status).
    pub buttons: serde_json::Map<String, serde_json::Value>,
}

/// What a link opens: the experiment, and what to tell the student about it.
pub struct OpenedLink {
    pub experiment: Experiment,
    pub said: Vec<String>,
}

/// Reads a link of ours (`#cfg=...`) or of the TensorFlow Playground into an experiment; a
/// Playground link without a seed gets `fallback_seed`.
pub fn open_link(text: &str, fallback_seed: &str) -> Result<OpenedLink, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Paste a link first.".into());
    }
    if playground_link::looks_like_playground_link(text) {
        let link = playground_link::parse(text, fallback_seed).map_err(|errors| {
            format!(
                "This Playground link cannot be opened: {}.",
                errors.join("; ")
            )
        })?;
        let experiment = Experiment::new(link.config).map_err(|e| e.to_string())?;
        let mut said = vec![
            "Opened the TensorFlow Playground link: the page's own points and first weights."
                .to_string(),
        ];
        if !link.hidden.is_empty() {
            said.push(format!(
                "The link hides {} on the Playground's page; here everything stays in reach (a lesson can lock controls).",
                link.hidden.join(", ")
            ));
        }
        said.extend(link.notes);
        return Ok(OpenedLink { experiment, said });
    }
    let fragment = text.split_once('#').map_or(text, |(_, f)| f);
    let (config, points) = crate::share::decode_with_points(fragment)?;
    let mut experiment = Experiment::new(config).map_err(|e| e.to_string())?;
    if let Some(points) = points {
        experiment
            .use_own_data(points, "the link's points")
            .map_err(|e| format!("This link's points cannot be used ({e})."))?;
    }
    Ok(OpenedLink {
        experiment,
        said: vec!["Opened the link.".into()],
    })
}

/// A Playground-style seed for a link without one, as the page draws it (five decimals).
fn fresh_seed(sim: &Simulation) -> String {
    format!(
        "0.{:05}",
        (sim.experiment.config().seed.wrapping_mul(48271) + 1) % 100_000
    )
}

fn links_ui(
    mut contexts: EguiContexts,
    mut window: ResMut<LinkWindow>,
    sim: Res<Simulation>,
    mut actions: MessageWriter<SimAction>,
    mut notices: ResMut<Notices>,
    mut catalog: ResMut<crate::game::levels::LevelCatalog>,
    mut level_commands: MessageWriter<crate::game::levels::LevelCommand>,
) -> Result {
    if !window.open {
        return Ok(());
    }
    #[cfg(target_arch = "wasm32")]
    if let Some(pasted) = web_paste::take() {
        window.text = pasted;
    }
    let ctx = contexts.ctx_mut()?.clone();
    let mut open = true;
    let ours = super::share::link_for(&sim.experiment).0;
    let playground = playground_link::fragment_for(sim.experiment.config(), false).and_then(|f| {
        if sim.experiment.data_from_file().is_some() {
            Err("the Playground cannot hold your own points".into())
        } else {
            Ok(format!("https://playground.tensorflow.org/#{f}"))
        }
    });
    let mut open_now = false;
    window.buttons.clear();
    egui::Window::new("Links")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .default_width(560.0)
        .order(egui::Order::Foreground)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(&ctx, |ui| {
            ui.label(egui::RichText::new("This sandbox").strong());
            link_row(ui, &ours, &mut notices);
            ui.add_space(6.0);
            ui.label(egui::RichText::new("The same run on TensorFlow Playground").strong());
            match &playground {
                Ok(link) => {
                    link_row(ui, link, &mut notices);
                    if sim.experiment.config().playground_seed.is_none() {
                        ui.small("The Playground makes its own points and weights from the link's seed; they differ from these (a link opened from the Playground keeps them exactly).");
                    } else {
                        ui.small("The page makes exactly these points and first weights.");
                    }
                }
                Err(why) => {
                    ui.label(format!("Not possible: {why}."));
                }
            }
            ui.add_space(6.0);
            ui.label(egui::RichText::new("Open a link").strong());
            ui.small("Paste a Neural Sandbox link, a lesson link from your teacher, or the address of a playground.tensorflow.org page (Ctrl+V in the browser). A Playground link opens with the page's own data and initial weights.");
            let field = ui.add(
                egui::TextEdit::multiline(&mut window.text)
                    .desired_rows(3)
                    .desired_width(f32::INFINITY)
                    .hint_text("https://playground.tensorflow.org/#activation=tanh&..."),
            );
            remember_button(&mut window.buttons, "Link field", field.rect);
            let button = ui.button("Open");
            remember_button(&mut window.buttons, "Open link", button.rect);
            open_now = button.clicked();
        });
    if open_now && crate::level::lesson::is_lesson_link(&window.text) {
        match crate::level::lesson::read_link(&window.text) {
            Ok(level) => {
                super::lessons::open_lesson(level, &mut catalog, &mut level_commands);
                window.open = false;
            }
            Err(why) => notices.refused(format!("{why} Nothing was changed.")),
        }
    } else if open_now {
        match open_link(&window.text, &fresh_seed(&sim)) {
            Ok(opened) => {
                actions.write(SimAction::replace_with(opened.experiment, opened.said));
                window.open = false;
            }
            Err(why) => notices.refused(format!("{why} Nothing was changed.")),
        }
    }
    if !open {
        window.open = false;
    }
    Ok(())
}

/// A link shown whole (selectable) with a button that copies it where the platform allows.
fn link_row(ui: &mut egui::Ui, link: &str, notices: &mut Notices) {
    ui.horizontal(|ui| {
        let mut shown = link.to_string();
        ui.add(
            egui::TextEdit::singleline(&mut shown)
                .desired_width(440.0)
                .interactive(true),
        );
        if ui.button("Copy").clicked() {
            if super::share::copy_to_clipboard(link) {
                notices.info("Link copied.");
            } else {
                notices.info(format!("Select the link and copy it: {link}"));
            }
        }
    });
}

/// The browser's `paste` events, which egui does not receive without its own clipboard support:
/// the text pasted while the page has focus goes into the link field.
#[cfg(target_arch = "wasm32")]
mod web_paste {
    use std::cell::RefCell;

    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    thread_local! {
        static PASTED: RefCell<Option<String>> = const { RefCell::new(None) };
    }

    pub fn listen() {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let listener =
            Closure::<dyn FnMut(web_sys::ClipboardEvent)>::new(|event: web_sys::ClipboardEvent| {
                if let Some(text) = event
                    .clipboard_data()
                    .and_then(|data| data.get_data("text").ok())
                {
                    PASTED.with(|p| *p.borrow_mut() = Some(text));
                }
            });
        let _ =
            document.add_event_listener_with_callback("paste", listener.as_ref().unchecked_ref());
        // The listener lives as long as the page.
        listener.forget();
    }

    pub fn take() -> Option<String> {
        PASTED.with(|p| p.borrow_mut().take())
    }
}
