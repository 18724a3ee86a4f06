//! The run bar: reset, play/pause, step, the epoch counter, speed, and the number of layers.

use bevy_egui::egui;

use super::RunBarUi;
use crate::game::modes::playground::{SimAction, TrainingSpeed};
use crate::game::screens::Screen;
use crate::game::status::remember_button;
use crate::game::theme::form_factor::ScreenClass;
use crate::game::theme::widgets::{drop_menu, with_commas};

/// Items of the bar's menus: in the status only while shown.
const MENU_ITEMS: [&str; 11] = [
    "Compare",
    "Snapshot",
    "Backprop step by step",
    "Show as code",
    "Make a lesson",
    "Save experiment",
    "Hand in experiment",
    "Hand in recording",
    "Hand in file",
    "Open experiment",
    "Links",
];

/// The bar as the screen allows: everything in one row on a desktop; on a tablet the settings
/// toggle, the run buttons, the epoch, the speed, Record and one menu; on a phone the settings
/// toggle, the run buttons and the menu (the epoch moves to the output panel).
pub fn show(ui: &mut egui::Ui, s: &mut RunBarUi) {
    // Menu items are published only while their menu is open (tests click what is shown).
    for key in MENU_ITEMS {
        s.lab.buttons.0.remove(key);
    }
    let class = s.bench.form.class;
    ui.horizontal_centered(|ui| {
        if class != ScreenClass::Wide {
            settings_toggle(ui, s);
        }
        run_buttons(ui, s, class == ScreenClass::Phone);
        if class == ScreenClass::Phone {
            let menu = drop_menu(ui, "Menu…", |ui| {
                egui::ScrollArea::vertical()
                    .max_height(ui.ctx().content_rect().height() - 80.0)
                    .show(ui, |ui| whole_menu(ui, s, true))
                    .inner
            });
            remember_button(&mut s.lab.buttons.0, "Menu", menu.rect);
            return;
        }
        ui.separator();
        epoch(ui, s);
        ui.separator();
        speed(ui, s);
        if class == ScreenClass::Tablet {
            crate::game::recording::record_button(ui, &mut s.lab.recorder, &mut s.lab.buttons.0);
            let menu = drop_menu(ui, "Menu…", |ui| whole_menu(ui, s, false));
            remember_button(&mut s.lab.buttons.0, "Menu", menu.rect);
        } else {
            rate(ui, s);
            ui.separator();
            layers(ui, s);
            ui.separator();
            undo_redo(ui, s);
            ui.separator();
            let explain = drop_menu(ui, "Explain…", |ui| explain_items(ui, s));
            remember_button(&mut s.lab.buttons.0, "Explain", explain.rect);
            crate::game::recording::record_button(ui, &mut s.lab.recorder, &mut s.lab.buttons.0);
            if s.bench.level.is_none() {
                ui.separator();
                compare_button(ui, s);
                let file = drop_menu(ui, "File…", |ui| file_items(ui, s));
                remember_button(&mut s.lab.buttons.0, "File", file.rect);
            }
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            leave_button(ui, s);
        });
    });
}

/// Everything the wide bar shows beyond the run buttons, in one menu for small screens.
fn whole_menu(ui: &mut egui::Ui, s: &mut RunBarUi, phone: bool) -> bool {
    let mut chosen = false;
    if phone {
        ui.label(egui::RichText::new("Speed").weak());
        let mut speed = s.bench.sim.speed;
        ui.horizontal_wrapped(|ui| {
            for choice in TrainingSpeed::CHOICES {
                ui.selectable_value(&mut speed, choice, choice.label());
            }
        });
        if speed != s.bench.sim.speed {
            s.bench.actions.write(SimAction::SetSpeed(speed));
        }
        ui.horizontal(|ui| undo_redo(ui, s));
    }
    ui.horizontal(|ui| layers(ui, s));
    if !phone {
        ui.horizontal(|ui| undo_redo(ui, s));
    }
    ui.separator();
    chosen |= explain_items(ui, s);
    if phone {
        crate::game::recording::record_button(ui, &mut s.lab.recorder, &mut s.lab.buttons.0);
    }
    if s.bench.level.is_none() {
        ui.separator();
        chosen |= compare_button(ui, s);
        chosen |= file_items(ui, s);
    }
    if phone {
        ui.separator();
        chosen |= leave_button(ui, s);
    }
    chosen
}

/// Opens or folds the settings (the wide layout always shows them).
fn settings_toggle(ui: &mut egui::Ui, s: &mut RunBarUi) {
    let toggle = crate::game::theme::widgets::settings_toggle(
        ui,
        &mut s.display.settings_shown,
        s.bench.form.class,
    );
    remember_button(&mut s.lab.buttons.0, "Settings", toggle.rect);
}

/// Reset, play/pause and step; icons only on a phone.
fn run_buttons(ui: &mut egui::Ui, s: &mut RunBarUi, icons_only: bool) {
    let sim = &s.bench.sim;
    let diverged = sim.experiment.divergence().is_some();
    if ui
        .button(egui::RichText::new(if icons_only { "⟲" } else { "⟲ Reset" }).size(16.0))
        .on_hover_text("New random starting weights (or the same ones again, if \"Reset replays\" is on), epoch 0. Key: R")
        .clicked()
    {
        s.bench.actions.write(SimAction::Reset);
    }
    let (label, tip) = if sim.playing {
        ("⏸ Pause", "Stop training. Key: Space")
    } else {
        (
            "▶ Play",
            "Train continuously at the chosen speed. Key: Space",
        )
    };
    let play = ui.add_enabled(
        !diverged,
        egui::Button::new(egui::RichText::new(label).size(18.0).strong())
            .min_size(egui::vec2(if icons_only { 80.0 } else { 96.0 }, 32.0)),
    );
    remember_button(&mut s.lab.buttons.0, "Play", play.rect);
    if play
        .on_hover_text(tip)
        .on_disabled_hover_text("Training diverged: press Reset first.")
        .clicked()
    {
        s.bench.actions.write(SimAction::TogglePlay);
    }
    if ui
        .add_enabled(
            !diverged,
            egui::Button::new(
                egui::RichText::new(if icons_only { "⏭" } else { "⏭ Step" }).size(16.0),
            ),
        )
        .on_hover_text("Train exactly one epoch: one pass over the training data. Key: S or →")
        .clicked()
    {
        s.bench.actions.write(SimAction::Step);
    }
}

/// The epoch counter.
fn epoch(ui: &mut egui::Ui, s: &mut RunBarUi) {
    let sim = &s.bench.sim;
    ui.label(egui::RichText::new("Epoch").weak());
    ui.label(
        egui::RichText::new(with_commas(sim.experiment.epoch()))
            .size(20.0)
            .monospace()
            .strong(),
    )
    .on_hover_text(
        "Epochs trained since the last reset. One epoch = every training point seen once.",
    );
}

/// How fast Play trains.
fn speed(ui: &mut egui::Ui, s: &mut RunBarUi) {
    let sim = &s.bench.sim;
    let mut speed = sim.speed;
    egui::ComboBox::from_id_salt("speed")
        .selected_text(speed.label())
        .width(110.0)
        .show_ui(ui, |ui| {
            for choice in TrainingSpeed::CHOICES {
                ui.selectable_value(&mut speed, choice, choice.label());
            }
        })
        .response
        .on_hover_text("How fast training runs while playing. 60 epochs/s is the Playground's pace; Max trains as fast as the frame rate allows.");
    if speed != sim.speed {
        s.bench.actions.write(SimAction::SetSpeed(speed));
    }
}

/// Epochs trained per second right now.
fn rate(ui: &mut egui::Ui, s: &mut RunBarUi) {
    let sim = &s.bench.sim;
    let rate = if sim.playing { sim.measured_rate } else { 0.0 };
    ui.label(egui::RichText::new(format!("{rate:>6.0} epochs/s")).monospace())
        .on_hover_text("Epochs actually trained per second right now.");
}

/// The number of hidden layers, with − and +.
fn layers(ui: &mut egui::Ui, s: &mut RunBarUi) {
    let sim = &s.bench.sim;
    let shape_open = s.bench.may_change(crate::level::Setting::Architecture);
    let layers = sim.experiment.config().hidden_layers.len();
    let max_layers = sim.experiment.config().limits.max_hidden_layers;
    if ui
        .add_enabled(shape_open && layers > 0, egui::Button::new("−"))
        .on_hover_text("Remove the last hidden layer.")
        .clicked()
    {
        s.bench.actions.write(SimAction::RemoveLayer);
    }
    ui.label(format!(
        "{layers} hidden layer{}",
        if layers == 1 { "" } else { "s" }
    ));
    if ui
        .add_enabled(shape_open && layers < max_layers, egui::Button::new("+"))
        .on_hover_text("Add a hidden layer of 2 neurons at the end (or drag the \"+ Hidden layer\" tile where you want it).")
        .on_disabled_hover_text(format!("At most {max_layers} hidden layers."))
        .clicked()
    {
        s.bench.actions.write(SimAction::AddLayer);
    }
}

fn undo_redo(ui: &mut egui::Ui, s: &mut RunBarUi) {
    if ui
        .add_enabled(s.undo.0.can_undo(), egui::Button::new("Undo"))
        .on_hover_text("Undo the last change to the network's shape or weights. Ctrl+Z")
        .clicked()
    {
        s.bench.actions.write(SimAction::Undo);
    }
    if ui
        .add_enabled(s.undo.0.can_redo(), egui::Button::new("Redo"))
        .on_hover_text("Redo what was undone. Ctrl+Shift+Z")
        .clicked()
    {
        s.bench.actions.write(SimAction::Redo);
    }
}

/// Backprop step by step, the code, Snapshot and captions, Make a lesson. True when chosen.
fn explain_items(ui: &mut egui::Ui, s: &mut RunBarUi) -> bool {
    let mut chosen = false;
    let slow = ui
        .button("Backprop, step by step")
        .on_hover_text("Training in slow motion: one example (or a batch) forward through the network, its error, the error flowing back along every edge, and the update.");
    remember_button(&mut s.lab.buttons.0, "Backprop step by step", slow.rect);
    if slow.clicked() {
        s.lab.slow.open = true;
        s.lab.slow.run = None;
        chosen = true;
    }
    let code = ui
        .button("Show as code")
        .on_hover_text("The network as a short Python (NumPy) or Rust function, weights inlined: copy it, save it, run it anywhere.");
    remember_button(&mut s.lab.buttons.0, "Show as code", code.rect);
    if code.clicked() {
        s.lab.code.open = true;
        chosen = true;
    }
    ui.separator();
    chosen |=
        crate::game::recording::present_menu_items(ui, &mut s.lab.recorder, &mut s.lab.buttons.0);
    if s.bench.level.is_none() {
        ui.separator();
        let lesson = ui
            .button("Make a lesson…")
            .on_hover_text("Turn this sandbox into a challenge for your students: lock controls, set a goal, an epoch budget, a briefing and hints; get a level file and a link.");
        remember_button(&mut s.lab.buttons.0, "Make a lesson", lesson.rect);
        if lesson.clicked() {
            s.lab.lesson.open = true;
            chosen = true;
        }
    }
    chosen
}

/// Compare…: true when clicked.
fn compare_button(ui: &mut egui::Ui, s: &mut RunBarUi) -> bool {
    let compare = ui
        .button("Compare…")
        .on_hover_text("Train up to nine variants of this network side by side on the same data: learning rates, activations, layers, batch sizes, regularisation.");
    remember_button(&mut s.lab.buttons.0, "Compare", compare.rect);
    let clicked = compare.clicked();
    if clicked {
        s.lab.compare.open = true;
        if s.lab.compare.runs.is_empty()
            && let Err(e) = s.lab.compare.start(&s.bench.sim.experiment)
        {
            s.notices.refused(format!("These variants cannot run: {e}"));
        }
    }
    clicked
}

/// Save, open, copy link, links. True when chosen.
fn file_items(ui: &mut egui::Ui, s: &mut RunBarUi) -> bool {
    let mut chosen = false;
    let save = ui
        .button("Save the experiment")
        .on_hover_text("The whole experiment in one file: settings, data (your own points too), weights and history. Send it to a classmate; Open brings it back.");
    remember_button(&mut s.lab.buttons.0, "Save experiment", save.rect);
    if save.clicked() {
        let request = crate::game::modes::playground::experiment_files::save_request(&s.bench.sim);
        s.lab.files.write(request);
        chosen = true;
    }
    let sim = &s.bench.sim;
    let experiment = || crate::game::modes::playground::experiment_files::experiment_file(sim);
    chosen |= crate::game::class::hand_in_items(
        ui,
        Some(crate::game::class::CurrentWork {
            label: "Hand in the experiment",
            tip: "Sends this experiment to your teacher (you join a class with your teacher's class link). Without a network it waits and goes when the class server answers.",
            file: &experiment,
        }),
        &mut s.lab.recorder,
        &mut s.lab.files,
        &mut s.lab.buttons.0,
    );
    let open = ui
        .button("Open an experiment…")
        .on_hover_text("Open an experiment file saved here or by a classmate (natively you can also drop it onto the window).");
    remember_button(&mut s.lab.buttons.0, "Open experiment", open.rect);
    if open.clicked() {
        s.lab
            .files
            .write(crate::game::modes::playground::experiment_files::open_request());
        chosen = true;
    }
    ui.separator();
    if ui
        .button("Copy link")
        .on_hover_text(
            "A link that opens this sandbox as it is now: send it to a student or a colleague.",
        )
        .clicked()
    {
        let (link, left_out) = super::super::share::link_for(&s.bench.sim.experiment);
        if super::super::share::copy_to_clipboard(&link) {
            s.notices
                .info("Link copied. Anyone who opens it gets this sandbox.");
        } else {
            s.notices.info(format!(
                "Share this with `neural-sandbox --link` or after the web game's address: {link}"
            ));
        }
        if let Some(why) = left_out {
            s.notices.info(format!(
                "The link holds the settings but not your points: {why}. Save the experiment to send them."
            ));
        }
        chosen = true;
    }
    let links = ui
        .button("Links and Playground links…")
        .on_hover_text("This sandbox as a link, as a TensorFlow Playground link, and a field to open a link (ours, or one copied from playground.tensorflow.org: same points, same first weights).");
    remember_button(&mut s.lab.buttons.0, "Links", links.rect);
    if links.clicked() {
        s.lab.links.open = true;
        chosen = true;
    }
    chosen
}

/// Back to the level list or the title. True when clicked.
fn leave_button(ui: &mut egui::Ui, s: &mut RunBarUi) -> bool {
    let in_level = s.bench.level.is_some();
    let (label, tip, to) = if in_level {
        (
            "Levels",
            "Back to the level list. Key: Esc",
            Screen::LevelSelect,
        )
    } else {
        ("Title", "Back to the title screen. Key: Esc", Screen::Title)
    };
    let clicked = ui.button(label).on_hover_text(tip).clicked();
    if clicked {
        s.next_screen.set(to);
    }
    clicked
}
