//! The student's own data in the sandbox: points drawn on the output view (a click adds one, a
//! drag paints a stroke, the right button or the eraser removes), a share of them kept as test
//! data, a CSV file opened (dialog, file input in the browser, or dropped onto the window) or
//! saved. The drawing lives here; the experiment trains on it through
//! [`SimAction::UseData`], which the core may refuse (then nothing changes and a notice says
//! why). Drawing has its own undo, which Ctrl+Z reaches while drawing.

use bevy::prelude::*;
use bevy_egui::input::egui_wants_any_keyboard_input;

use super::Workbench;
use super::sim::{SimAction, SimSet, Simulation};
use crate::data::csv_file::read_data;
use crate::data::drawing::Drawing;
use crate::data::{Data, Problem};
use crate::game::files::{FileRequest, OpenedFile};
use crate::game::notices::Notices;
use crate::game::screens::Screen;

/// The purpose of the open request for a data file.
pub const DATA_PURPOSE: &str = "playground-data";
/// What the experiment calls drawn data.
pub const DRAWING_NAME: &str = "your drawing";
/// Undo steps kept.
const UNDO_DEPTH: usize = 100;
/// While painting, a new point every this many units of the plane (12 units wide).
pub const STROKE_SPACING: f64 = 0.35;
/// The eraser's radius, in units of the plane.
pub const ERASER_RADIUS: f64 = 0.5;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<OwnData>().add_systems(
        Update,
        (
            receive_data_files,
            drawing_keys.run_if(not(egui_wants_any_keyboard_input)),
        )
            .run_if(in_state(Screen::Sandbox))
            .before(SimSet::Apply),
    );
    app.add_systems(OnExit(Workbench), stop_drawing);
}

#[derive(Resource, Debug, Clone)]
pub struct OwnData {
    pub drawing: Drawing,
    /// Clicks on the output view draw.
    pub drawing_mode: bool,
    /// The primary button erases instead of adding.
    pub eraser: bool,
    /// The label of new points: +1 / -1 for two classes, 0..k-1 for more, a value for
    /// regression.
    pub label: f64,
    undo: Vec<Drawing>,
    /// Where the current stroke last put a point.
    pub last_painted: Option<(f64, f64)>,
}

impl Default for OwnData {
    fn default() -> Self {
        Self {
            drawing: Drawing::default(),
            drawing_mode: false,
            eraser: false,
            label: 1.0,
            undo: Vec::new(),
            last_painted: None,
        }
    }
}

impl OwnData {
    /// Remembers the drawing before a change (a click, a stroke, a clear, a file).
    pub fn remember(&mut self) {
        self.undo.push(self.drawing.clone());
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Back one step; false when there is none.
    pub fn undo(&mut self) -> bool {
        match self.undo.pop() {
            Some(previous) => {
                self.drawing = previous;
                true
            }
            None => false,
        }
    }

    /// Starts drawing, from the experiment's points the first time (so a dataset can be edited).
    pub fn start(&mut self, data: &Data) {
        if self.drawing.is_empty() && self.undo.is_empty() {
            self.drawing = Drawing::from_data(data);
        }
        self.drawing_mode = true;
    }

    /// The action that trains on the drawing, when it has a training and a test point.
    pub fn use_it(&self) -> Option<SimAction> {
        let data = self.drawing.data();
        (!data.train.is_empty() && !data.test.is_empty()).then(|| SimAction::UseData {
            data: Box::new(data),
            name: DRAWING_NAME.into(),
        })
    }

    /// Keeps the label of new points valid for the experiment's problem.
    pub fn fit_label(&mut self, problem: Problem, classes: usize) {
        self.label = match problem {
            Problem::Regression => self.label.clamp(-1.0, 1.0),
            Problem::Classification if classes <= 2 => {
                if self.label >= 0.0 {
                    1.0
                } else {
                    -1.0
                }
            }
            Problem::Classification => self.label.round().clamp(0.0, classes as f64 - 1.0),
        };
    }
}

/// A data file opened or dropped in the sandbox replaces the drawing (undoably) and is trained
/// on; a malformed one is refused with its line and column, and nothing is lost.
fn receive_data_files(
    mut opened: MessageReader<OpenedFile>,
    mut own: ResMut<OwnData>,
    sim: Res<Simulation>,
    mut actions: MessageWriter<SimAction>,
    mut notices: ResMut<Notices>,
) {
    for file in opened.read() {
        let dropped_csv =
            file.purpose == "dropped" && file.name.to_ascii_lowercase().ends_with(".csv");
        if file.purpose != DATA_PURPOSE && !dropped_csv {
            continue;
        }
        if let Err(e) = crate::limits::check_len(
            file.bytes.len() as u64,
            crate::limits::FileKind::Data,
            &file.name,
        ) {
            notices.refused(format!("{e}. Your points are unchanged."));
            continue;
        }
        let parsed = match read_data(&file.bytes[..], &file.name) {
            Ok(parsed) => parsed,
            Err(e) => {
                notices.refused(format!("{e}. Your points are unchanged."));
                continue;
            }
        };
        let config = sim.experiment.config();
        if let Err(e) = parsed.check_problem(config.problem(), config.classes) {
            notices.refused(format!(
                "{e}. Your points are unchanged: choose the problem and the number of classes that fit the file first."
            ));
            continue;
        }
        let data = parsed.data_for(config.problem(), config.classes);
        own.remember();
        own.drawing = Drawing::from_data(&data);
        own.drawing_mode = true;
        notices.info(format!(
            "{}: {} training and {} test points. Ctrl+Z brings back the points before.",
            file.name,
            data.train.len(),
            data.test.len()
        ));
        actions.write(SimAction::UseData {
            data: Box::new(data),
            name: file.name.clone(),
        });
    }
}

/// Ctrl+Z while drawing undoes the drawing (the network's undo is the sandbox's otherwise).
fn drawing_keys(
    keys: Res<ButtonInput<KeyCode>>,
    mut own: ResMut<OwnData>,
    mut actions: MessageWriter<SimAction>,
) {
    if !own.drawing_mode {
        return;
    }
    let command = crate::game::theme::widgets::command_held(&keys);
    if command
        && keys.just_pressed(KeyCode::KeyZ)
        && own.undo()
        && let Some(action) = own.use_it()
    {
        actions.write(action);
    }
}

fn stop_drawing(mut own: ResMut<OwnData>) {
    own.drawing_mode = false;
    own.last_painted = None;
}

/// Asks for a data file to open.
pub fn open_request() -> FileRequest {
    FileRequest::Open {
        purpose: DATA_PURPOSE,
        accept: ".csv,text/csv",
        title: "Open data (CSV: x1,x2,label[,split])".into(),
        multiple: false,
    }
}
