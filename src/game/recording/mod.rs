//! Record and Snapshot: the game window as an animated GIF (natively: Bevy screenshots ten times
//! a second, scaled to at most 640 pixels wide, encoded on a thread while the student trains and
//! talks) or a WebM video (in the browser: the canvas's stream and the browser's MediaRecorder),
//! and a PNG of the window. While recording, a red indicator shows the time and size; a caption
//! can be burned in (set by the mode: dataset, task, architecture, hyperparameters and epoch), so
//! the video already says what the assignment asks. The file goes to the exports folder
//! natively and is a download in the browser; a message says where.

#[cfg(not(target_arch = "wasm32"))]
pub mod gif;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::game::files::FileRequest;
use crate::game::notices::Notices;
use crate::game::status::{Status, remember_button};

/// Frames per second of a GIF (natively; the browser records a WebM).
#[cfg(not(target_arch = "wasm32"))]
pub const GIF_FPS: f32 = 10.0;
/// Widest GIF frame, pixels.
#[cfg(not(target_arch = "wasm32"))]
pub const GIF_MAX_WIDTH: u32 = 640;
/// A recording stops by itself after this long, or when the file reaches `MAX_BYTES`.
pub const MAX_SECONDS: f32 = 180.0;
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Recorder>()
        .init_resource::<RecordingCaption>()
        .add_systems(Last, (capture, publish_status))
        .add_systems(EguiPrimaryContextPass, indicator);
}

/// What a mode wants burned into the recording (empty: nothing).
#[derive(Resource, Default)]
pub struct RecordingCaption(pub String);

#[derive(Resource)]
pub struct Recorder {
    /// Burn the mode's caption into the frames.
    pub captions: bool,
    recording: Option<Recording>,
    snapshot_requested: bool,
    /// Record or Stop was pressed.
    pub toggle_requested: bool,
    /// A screenshot for the recording is on its way (natively).
    capture_in_flight: bool,
    /// The last recording's numbers, for the status and the note.
    pub last: Option<RecordingStats>,
    /// The last recording's file name (its bytes are kept natively here, in the browser by the
    /// page's recorder), for "Hand in the recording".
    last_file_name: Option<String>,
    #[cfg(not(target_arch = "wasm32"))]
    last_file_bytes: Vec<u8>,
    /// "Hand in the recording" was chosen.
    pub hand_in_requested: bool,
}

impl Default for Recorder {
    fn default() -> Self {
        Self {
            captions: true,
            recording: None,
            snapshot_requested: false,
            toggle_requested: false,
            capture_in_flight: false,
            last: None,
            last_file_name: None,
            #[cfg(not(target_arch = "wasm32"))]
            last_file_bytes: Vec::new(),
            hand_in_requested: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecordingStats {
    pub frames: usize,
    pub dropped: usize,
    pub bytes: usize,
    pub seconds: f32,
    pub encode_ms_per_frame: f64,
    pub capture_ms_per_frame: f64,
}

struct Recording {
    started: f32,
    #[cfg(not(target_arch = "wasm32"))]
    next_frame: f32,
    #[cfg(not(target_arch = "wasm32"))]
    writer: Option<gif::GifWriter>,
    /// Milliseconds spent on the main thread turning screenshots into frames.
    capture_ms: f64,
}

impl Recorder {
    pub fn is_recording(&self) -> bool {
        self.recording.is_some()
    }

    /// A finished recording can be handed in.
    pub fn has_recording(&self) -> bool {
        self.last_file_name.is_some()
    }

    /// The last recording's name and bytes, or why there are none.
    fn recorded_file(&self) -> Result<(String, Vec<u8>), String> {
        let name = self
            .last_file_name
            .clone()
            .ok_or("Record first (Record, then Stop recording); then hand it in.")?;
        #[cfg(not(target_arch = "wasm32"))]
        let bytes = self.last_file_bytes.clone();
        #[cfg(target_arch = "wasm32")]
        let bytes = web_recorder::last_bytes()
            .ok_or("The browser is still finishing the recording: try again in a moment.")?;
        Ok((name, bytes))
    }
}

/// The Record button, for a mode's top bar (red while recording: Stop).
pub fn record_button(
    ui: &mut egui::Ui,
    recorder: &mut Recorder,
    buttons: &mut serde_json::Map<String, serde_json::Value>,
) {
    let (label, tip) = if recorder.is_recording() {
        (
            egui::RichText::new("Stop recording")
                .color(egui::Color32::from_rgb(200, 30, 30))
                .strong(),
            "Stop recording and save the file.",
        )
    } else if cfg!(target_arch = "wasm32") {
        (
            egui::RichText::new("Record"),
            "Record the game as a WebM video while you train and explain (a download when you stop).",
        )
    } else {
        (
            egui::RichText::new("Record"),
            "Record the game as an animated GIF while you train and explain (saved in the exports folder when you stop).",
        )
    };
    let record = ui.button(label).on_hover_text(tip);
    remember_button(buttons, "Record", record.rect);
    if record.clicked() {
        recorder.toggle_requested = true;
    }
}

/// Snapshot and the captions switch, for a mode's menu. True when something was chosen.
pub fn present_menu_items(
    ui: &mut egui::Ui,
    recorder: &mut Recorder,
    buttons: &mut serde_json::Map<String, serde_json::Value>,
) -> bool {
    let snapshot = ui
        .button("Snapshot (PNG)")
        .on_hover_text("A PNG picture of the window.");
    remember_button(buttons, "Snapshot", snapshot.rect);
    if snapshot.clicked() {
        recorder.snapshot_requested = true;
        return true;
    }
    ui.checkbox(&mut recorder.captions, "Captions on recordings")
        .on_hover_text(
            "Write the dataset, the network, its settings and the epoch on the recording.",
        );
    false
}

/// A name for a saved file that does not repeat: the wall-clock time.
fn stamped(prefix: &str, extension: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    let seconds = (js_sys::Date::now() / 1000.0) as u64;
    #[cfg(not(target_arch = "wasm32"))]
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("{prefix}-{seconds}.{extension}")
}

fn capture(
    mut commands: Commands,
    mut recorder: ResMut<Recorder>,
    mut caption: ResMut<RecordingCaption>,
    time: Res<Time<Real>>,
    mut files: MessageWriter<FileRequest>,
    mut notices: ResMut<Notices>,
) {
    let now = time.elapsed_secs();
    if std::mem::take(&mut recorder.toggle_requested) {
        if recorder.recording.is_some() {
            stop(&mut recorder, now, &mut files, &mut notices, None);
        } else {
            // The shown mode writes its own caption; another mode's stays out of this recording.
            caption.0.clear();
            start(&mut recorder, now, &mut notices);
        }
    }
    if std::mem::take(&mut recorder.hand_in_requested) {
        match recorder.recorded_file() {
            Ok((name, bytes)) => {
                files.write(FileRequest::HandIn { name, bytes });
            }
            Err(why) => notices.refused(why),
        }
    }
    if std::mem::take(&mut recorder.snapshot_requested) {
        commands
            .spawn(Screenshot::primary_window())
            .observe(snapshot_taken);
    }
    let Some(recording) = recorder.recording.as_mut() else {
        return;
    };
    let elapsed = now - recording.started;
    let bytes = recording_bytes(recording);
    if elapsed > MAX_SECONDS || bytes > MAX_BYTES {
        let why = format!(
            "The recording stopped by itself at {:.0} s and {:.1} MB (at most {MAX_SECONDS:.0} s and {} MB).",
            elapsed,
            bytes as f64 / 1e6,
            MAX_BYTES / (1024 * 1024)
        );
        stop(&mut recorder, now, &mut files, &mut notices, Some(why));
        return;
    }
    #[cfg(not(target_arch = "wasm32"))]
    if now >= recording.next_frame && !recorder.capture_in_flight {
        let recording = recorder.recording.as_mut().expect("checked above");
        // A slow frame skips ahead rather than bunching captures up.
        recording.next_frame = (recording.next_frame + 1.0 / GIF_FPS).max(now);
        recorder.capture_in_flight = true;
        commands
            .spawn(Screenshot::primary_window())
            .observe(frame_taken);
    }
}

fn recording_bytes(recording: &Recording) -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    {
        recording
            .writer
            .as_ref()
            .map_or(0, gif::GifWriter::bytes_written)
    }
    #[cfg(target_arch = "wasm32")]
    {
        let _ = recording;
        web_recorder::bytes()
    }
}

fn start(recorder: &mut Recorder, now: f32, notices: &mut Notices) {
    #[cfg(target_arch = "wasm32")]
    if let Err(why) = web_recorder::start() {
        notices.refused(format!("This browser cannot record the game: {why}"));
        return;
    }
    recorder.recording = Some(Recording {
        started: now,
        #[cfg(not(target_arch = "wasm32"))]
        next_frame: now,
        #[cfg(not(target_arch = "wasm32"))]
        writer: None,
        capture_ms: 0.0,
    });
    recorder.capture_in_flight = false;
    notices.info("Recording. Press Stop to save.");
}

fn stop(
    recorder: &mut Recorder,
    now: f32,
    files: &mut MessageWriter<FileRequest>,
    notices: &mut Notices,
    why: Option<String>,
) {
    let Some(recording) = recorder.recording.take() else {
        return;
    };
    if let Some(why) = why {
        notices.info(why);
    }
    let seconds = now - recording.started;
    #[cfg(not(target_arch = "wasm32"))]
    {
        let Some(writer) = recording.writer else {
            notices.refused("The recording has no frames yet; nothing was saved.");
            return;
        };
        let dropped = writer.dropped;
        match writer.finish() {
            Ok(gif) => {
                let stats = RecordingStats {
                    frames: gif.frames,
                    dropped,
                    bytes: gif.bytes.len(),
                    seconds,
                    encode_ms_per_frame: gif.encode_ms_per_frame,
                    capture_ms_per_frame: recording.capture_ms / gif.frames.max(1) as f64,
                };
                notices.info(format!(
                    "Recorded {:.1} s: {} frames of {}x{}, {:.1} MB.",
                    seconds,
                    gif.frames,
                    gif.width,
                    gif.height,
                    gif.bytes.len() as f64 / 1e6
                ));
                let name = stamped("neural-sandbox-recording", "gif");
                recorder.last_file_name = Some(name.clone());
                recorder.last_file_bytes = gif.bytes.clone();
                files.write(FileRequest::Save {
                    name,
                    bytes: gif.bytes,
                    mime: "image/gif",
                });
                recorder.last = Some(stats);
            }
            Err(why) => notices.refused(format!("The recording could not be written: {why}")),
        }
    }
    #[cfg(target_arch = "wasm32")]
    {
        let _ = files;
        let name = stamped("neural-sandbox-recording", "webm");
        let bytes = web_recorder::bytes();
        match web_recorder::stop(&name) {
            Ok(()) => {
                notices.info(format!(
                    "Recorded {seconds:.1} s of video: your browser saves it as a download ({name})."
                ));
                recorder.last_file_name = Some(name);
                recorder.last = Some(RecordingStats {
                    frames: 0,
                    dropped: 0,
                    bytes,
                    seconds,
                    encode_ms_per_frame: 0.0,
                    capture_ms_per_frame: recording.capture_ms,
                });
            }
            Err(why) => notices.refused(format!("The recording could not be saved: {why}")),
        }
    }
}

/// A screenshot for the GIF: scaled to the recording size and handed to the encoder.
#[cfg(not(target_arch = "wasm32"))]
fn frame_taken(captured: On<ScreenshotCaptured>, mut recorder: ResMut<Recorder>) {
    recorder.capture_in_flight = false;
    let started = std::time::Instant::now();
    let Some(recording) = recorder.recording.as_mut() else {
        return;
    };
    let Ok(image) = captured.image.clone().try_into_dynamic() else {
        return;
    };
    let rgba = image.into_rgba8();
    let writer = recording.writer.get_or_insert_with(|| {
        let (w, h) = gif::recording_size(rgba.width(), rgba.height(), GIF_MAX_WIDTH);
        gif::GifWriter::new(w, h, (100.0 / GIF_FPS) as u16)
    });
    // Scaling and compressing happen on the encoder's thread.
    writer.push(rgba);
    recording.capture_ms += started.elapsed().as_secs_f64() * 1000.0;
}

/// A snapshot: the window as a PNG file.
fn snapshot_taken(
    captured: On<ScreenshotCaptured>,
    mut files: MessageWriter<FileRequest>,
    mut notices: ResMut<Notices>,
) {
    let encoded = captured
        .image
        .clone()
        .try_into_dynamic()
        .map_err(|e| e.to_string())
        .and_then(|image| {
            let mut bytes = std::io::Cursor::new(Vec::new());
            image
                .to_rgb8()
                .write_to(&mut bytes, image::ImageFormat::Png)
                .map_err(|e| e.to_string())?;
            Ok(bytes.into_inner())
        });
    match encoded {
        Ok(bytes) => {
            files.write(FileRequest::Save {
                name: stamped("neural-sandbox-snapshot", "png"),
                bytes,
                mime: "image/png",
            });
        }
        Err(why) => notices.refused(format!("The snapshot could not be made: {why}")),
    }
}

/// The red indicator with the time and size while recording, and the caption burned in.
fn indicator(
    mut contexts: EguiContexts,
    recorder: Res<Recorder>,
    caption: Res<RecordingCaption>,
    time: Res<Time<Real>>,
) -> Result {
    let Some(recording) = &recorder.recording else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?.clone();
    let elapsed = time.elapsed_secs() - recording.started;
    let blink = (elapsed * 2.0).fract() < 0.6;
    egui::Area::new(egui::Id::new("recording indicator"))
        .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 52.0))
        .order(egui::Order::Foreground)
        .interactable(false)
        .show(&ctx, |ui| {
            egui::Frame::new()
                .fill(egui::Color32::from_rgba_unmultiplied(20, 20, 20, 200))
                .corner_radius(6.0)
                .inner_margin(egui::Margin::symmetric(10, 4))
                .show(ui, |ui| {
                    let dot = if blink { "REC" } else { "     " };
                    ui.label(
                        egui::RichText::new(format!(
                            "{dot}  {}:{:02}  ·  {:.1} MB",
                            (elapsed / 60.0) as u32,
                            (elapsed % 60.0) as u32,
                            recording_bytes(recording) as f64 / 1e6
                        ))
                        .color(egui::Color32::from_rgb(255, 90, 90))
                        .strong(),
                    );
                });
        });
    if recorder.captions && !caption.0.is_empty() {
        egui::Area::new(egui::Id::new("recording caption"))
            .anchor(egui::Align2::LEFT_BOTTOM, egui::vec2(12.0, -12.0))
            .order(egui::Order::Foreground)
            .interactable(false)
            .show(&ctx, |ui| {
                egui::Frame::new()
                    .fill(egui::Color32::from_rgba_unmultiplied(20, 24, 30, 215))
                    .corner_radius(6.0)
                    .inner_margin(egui::Margin::symmetric(12, 8))
                    .show(ui, |ui| {
                        ui.set_max_width(760.0);
                        ui.label(
                            egui::RichText::new(&caption.0)
                                .color(egui::Color32::WHITE)
                                .size(15.0),
                        );
                    });
            });
    }
    Ok(())
}

fn publish_status(recorder: Res<Recorder>, time: Res<Time<Real>>, mut status: ResMut<Status>) {
    status.set("recording", recorder.is_recording());
    if let Some(recording) = &recorder.recording {
        status.set(
            "recording_seconds",
            f64::from(time.elapsed_secs() - recording.started),
        );
        status.set("recording_bytes", recording_bytes(recording));
    }
    if let Some(last) = &recorder.last {
        status.set(
            "last_recording",
            serde_json::json!({
                "frames": last.frames,
                "dropped": last.dropped,
                "bytes": last.bytes,
                "seconds": last.seconds,
                "encode_ms_per_frame": last.encode_ms_per_frame,
                "capture_ms_per_frame": last.capture_ms_per_frame,
            }),
        );
    }
}

/// The page's recorder (`window.neuralSandboxRecorder`, in `web/index.html`): MediaRecorder on
/// the canvas's stream.
#[cfg(target_arch = "wasm32")]
mod web_recorder {
    use wasm_bindgen::{JsCast, JsValue};

    fn call(method: &str, args: &[JsValue]) -> Result<JsValue, String> {
        let window = web_sys::window().ok_or("no window")?;
        let recorder = js_sys::Reflect::get(&window, &JsValue::from_str("neuralSandboxRecorder"))
            .map_err(|_| "the page has no recorder".to_string())?;
        if recorder.is_undefined() {
            return Err("the page has no recorder".into());
        }
        let function: js_sys::Function =
            js_sys::Reflect::get(&recorder, &JsValue::from_str(method))
                .map_err(|_| format!("the recorder has no {method}"))?
                .dyn_into()
                .map_err(|_| format!("the recorder's {method} is not a function"))?;
        let array = js_sys::Array::new();
        for a in args {
            array.push(a);
        }
        function
            .apply(&recorder, &array)
            .map_err(|e| e.as_string().unwrap_or_else(|| format!("{e:?}")))
    }

    pub fn start() -> Result<(), String> {
        let answer = call("start", &[])?;
        match answer.as_string() {
            Some(why) if !why.is_empty() => Err(why),
            _ => Ok(()),
        }
    }

    pub fn stop(name: &str) -> Result<(), String> {
        call("stop", &[JsValue::from_str(name)]).map(|_| ())
    }

    /// The last finished recording's bytes (the page reads them from the video when it stops).
    pub fn last_bytes() -> Option<Vec<u8>> {
        let window = web_sys::window()?;
        let recorder =
            js_sys::Reflect::get(&window, &JsValue::from_str("neuralSandboxRecorder")).ok()?;
        let buffer = js_sys::Reflect::get(&recorder, &JsValue::from_str("lastBuffer")).ok()?;
        let buffer: js_sys::ArrayBuffer = buffer.dyn_into().ok()?;
        Some(js_sys::Uint8Array::new(&buffer).to_vec())
    }

    pub fn bytes() -> usize {
        call("bytes", &[])
            .ok()
            .and_then(|v| v.as_f64())
            .map_or(0, |v| v as usize)
    }
}
