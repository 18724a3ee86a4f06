//! Opening and saving the player's files, for every mode: natively a small "Open a file" box (type
//! a path, or drop the file onto the window) and saves into an exports folder the notice names;
//! in the browser the page's file picker and a download. A mode asks with [`FileRequest`] and gets
//! an [`OpenedFile`] message back with the purpose it gave.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::game::notices::Notices;

pub(super) fn plugin(app: &mut App) {
    // Registered by the window plugin in the real game; headless tests have none.
    app.add_message::<bevy::window::FileDragAndDrop>()
        .add_message::<FileRequest>()
        .add_message::<OpenedFile>()
        .init_resource::<OpenBox>()
        .add_systems(Update, (handle_requests, receive_dropped_files))
        .add_systems(EguiPrimaryContextPass, open_box_ui);
    #[cfg(target_arch = "wasm32")]
    app.add_systems(Update, web::deliver_picked_files);
}

/// What a mode asks of the files.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum FileRequest {
    /// Let the player choose a file; the answer comes as an [`OpenedFile`] with this purpose.
    Open {
        purpose: &'static str,
        /// What to offer, e.g. ".json" or "image/*" (the browser's `accept`).
        accept: &'static str,
        /// What the box says the file is for.
        title: String,
        /// Whether several files may be chosen at once (a model.json with its weights): in the
        /// browser they arrive as one file whose companions are the others.
        multiple: bool,
    },
    /// Save bytes under a file name (natively in the exports folder, in the browser as a
    /// download).
    Save {
        name: String,
        bytes: Vec<u8>,
        mime: &'static str,
    },
    /// Hand a file in to the player's class (the class plugin sends it, offline first).
    HandIn { name: String, bytes: Vec<u8> },
}

/// A file the player opened (or dropped onto the window: purpose `"dropped"`).
#[derive(Message, Debug, Clone, PartialEq)]
pub struct OpenedFile {
    pub purpose: &'static str,
    /// The file's name (without folders).
    pub name: String,
    pub bytes: Vec<u8>,
    /// Natively, where it is (to find files beside it, such as a model's weights).
    pub path: Option<std::path::PathBuf>,
    /// In the browser, the other files chosen with it (a model.json's weights files, chosen
    /// together in one dialog): name and bytes.
    pub companions: Vec<(String, Vec<u8>)>,
}

impl OpenedFile {
    /// The companion a model file names as `wanted` (a path such as `group1-shard1of1.bin`):
    /// the one of that file name, else the only one there is (a renamed download).
    pub fn companion(&self, wanted: &str) -> Option<&[u8]> {
        let file_name = wanted.rsplit('/').next().unwrap_or(wanted);
        self.companions
            .iter()
            .find(|(name, _)| name == file_name)
            .or(match self.companions.as_slice() {
                [only] => Some(only),
                _ => None,
            })
            .map(|(_, bytes)| bytes.as_slice())
    }
}

/// Where natively saved files go: `exports` in the save folder when one was given, else the
/// player's Documents (or home) folder, in `Neural Sandbox`.
pub fn exports_folder(location: Option<&crate::game::save::SaveLocation>) -> std::path::PathBuf {
    use crate::game::save::SaveLocation;
    match location {
        Some(SaveLocation::Folder(dir)) => dir.join("exports"),
        Some(SaveLocation::Memory) => std::env::temp_dir().join("neural-sandbox-exports"),
        _ => {
            let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
            let documents = home.as_ref().map(|h| h.join("Documents"));
            match documents.filter(|d| d.is_dir()).or(home) {
                Some(base) => base.join("Neural Sandbox"),
                None => std::path::PathBuf::from("neural-sandbox-exports"),
            }
        }
    }
}

/// The native "Open a file" box, while it is open.
#[derive(Resource, Debug, Default)]
pub struct OpenBox {
    pub open: Option<(&'static str, String)>,
    pub path: String,
    pub error: Option<String>,
}

fn handle_requests(
    mut requests: MessageReader<FileRequest>,
    mut open_box: ResMut<OpenBox>,
    mut notices: ResMut<Notices>,
    start: Res<crate::game::StartOptions>,
) {
    for request in requests.read() {
        match request {
            FileRequest::Open {
                purpose,
                accept,
                title,
                multiple,
            } => {
                #[cfg(target_arch = "wasm32")]
                {
                    let _ = title;
                    web::pick_file(purpose, accept, *multiple);
                }
                #[cfg(not(target_arch = "wasm32"))]
                {
                    let _ = (accept, multiple);
                    open_box.open = Some((purpose, title.clone()));
                    open_box.error = None;
                }
            }
            FileRequest::Save { name, bytes, mime } => {
                let folder = exports_folder(start.save_location.as_ref());
                match save(&folder, name, bytes, mime) {
                    Ok(place) => notices.info(format!("Saved: {place}")),
                    Err(e) => notices.refused(format!("Could not save {name}: {e}")),
                }
            }
            // The class plugin reads these.
            FileRequest::HandIn { .. } => {}
        }
    }
    let _ = &mut open_box;
}

/// Saves a file; returns where it went, in words.
fn save(folder: &std::path::Path, name: &str, bytes: &[u8], mime: &str) -> Result<String, String> {
    #[cfg(target_arch = "wasm32")]
    {
        let _ = folder;
        web::download(name, bytes, mime)?;
        Ok(format!("{name} (look in your downloads)"))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = mime;
        std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        let path = unused_name(folder, name);
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(path.display().to_string())
    }
}

/// `folder/name`, or `name-2`, `name-3`... if taken: a save never replaces an earlier one.
#[cfg(not(target_arch = "wasm32"))]
fn unused_name(folder: &std::path::Path, name: &str) -> std::path::PathBuf {
    let candidate = folder.join(name);
    if !candidate.exists() {
        return candidate;
    }
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, ext)) => (stem.to_string(), format!(".{ext}")),
        None => (name.to_string(), String::new()),
    };
    (2..)
        .map(|n| folder.join(format!("{stem}-{n}{extension}")))
        .find(|p| !p.exists())
        .expect("some name is free")
}

/// Natively, a file dropped onto the window: for the open box if it is open, else for whoever
/// takes dropped files.
fn receive_dropped_files(
    mut drops: MessageReader<bevy::window::FileDragAndDrop>,
    mut open_box: ResMut<OpenBox>,
    mut opened: MessageWriter<OpenedFile>,
    mut notices: ResMut<Notices>,
) {
    for drop in drops.read() {
        if let bevy::window::FileDragAndDrop::DroppedFile { path_buf, .. } = drop {
            let purpose = open_box.open.take().map_or("dropped", |(p, _)| p);
            match read(path_buf, purpose) {
                Ok(file) => {
                    opened.write(file);
                }
                Err(e) => notices.refused(e),
            }
        }
    }
}

fn read(path: &std::path::Path, purpose: &'static str) -> Result<OpenedFile, String> {
    // A regular file of a size some kind may have; each mode checks its own kind's limit.
    let bytes = crate::limits::read_bytes(path, crate::limits::FileKind::Any)?;
    Ok(OpenedFile {
        purpose,
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        bytes,
        path: Some(path.to_path_buf()),
        companions: Vec::new(),
    })
}

/// The native box: a path to type (or a file to drop), Open or Cancel.
fn open_box_ui(
    mut contexts: EguiContexts,
    mut open_box: ResMut<OpenBox>,
    mut opened: MessageWriter<OpenedFile>,
) -> Result {
    let Some((purpose, title)) = open_box.open.clone() else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    let mut close = false;
    let mut submit = false;
    egui::Window::new(title)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            ui.label("Type the file's path, or drop the file onto this window.");
            let response = ui.add(
                egui::TextEdit::singleline(&mut open_box.path)
                    .desired_width(420.0)
                    .hint_text("/home/me/model.json"),
            );
            if response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                submit = true;
            }
            if let Some(error) = &open_box.error {
                ui.colored_label(egui::Color32::from_rgb(160, 30, 20), error);
            }
            ui.horizontal(|ui| {
                if ui.button("Open").clicked() {
                    submit = true;
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
    if submit && open_box.path.trim().is_empty() {
        open_box.error =
            Some("Type the file's path first, or drop the file onto this window.".into());
    } else if submit {
        let path = std::path::PathBuf::from(open_box.path.trim());
        match read(&path, purpose) {
            Ok(file) => {
                opened.write(file);
                close = true;
            }
            Err(e) => open_box.error = Some(e),
        }
    }
    if close {
        open_box.open = None;
        open_box.error = None;
    }
    Ok(())
}

#[cfg(target_arch = "wasm32")]
mod web {
    //! The browser: an `<input type="file">` for opening (read as bytes when chosen) and a
    //! download link for saving.
    use std::sync::Mutex;

    use bevy::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    use super::OpenedFile;

    /// Files the page has read, waiting for the next frame (or why one was not read).
    static PICKED: Mutex<Vec<Result<OpenedFile, String>>> = Mutex::new(Vec::new());

    pub fn pick_file(purpose: &'static str, accept: &str, multiple: bool) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Ok(input) = document.create_element("input") else {
            return;
        };
        let Ok(input) = input.dyn_into::<web_sys::HtmlInputElement>() else {
            return;
        };
        input.set_type("file");
        input.set_accept(accept);
        input.set_multiple(multiple);
        let reading = input.clone();
        let on_change = Closure::<dyn FnMut()>::new(move || {
            let Some(files) = reading.files() else {
                return;
            };
            let count = files.length();
            // A file too big for any kind is not read at all: the page would hold it twice
            // (JavaScript's copy and ours) before anything could look at it.
            let limit = crate::limits::FileKind::Any.max_bytes();
            for index in 0..count {
                if let Some(file) = files.get(index)
                    && file.size() > limit as f64
                {
                    if let Ok(mut picked) = PICKED.lock() {
                        picked.push(Err(format!(
                            "{}: {} is too big to open (at most {}). Nothing was changed.",
                            file.name(),
                            crate::limits::size_in_words(file.size() as u64),
                            crate::limits::size_in_words(limit)
                        )));
                    }
                    return;
                }
            }
            // Every chosen file is read before any is delivered, so a model.json arrives with
            // its weights whatever order the reads finish in.
            let chosen: std::rc::Rc<std::cell::RefCell<Vec<Option<(String, Vec<u8>)>>>> =
                std::rc::Rc::new(std::cell::RefCell::new(vec![None; count as usize]));
            for index in 0..count {
                let Some(file) = files.get(index) else {
                    continue;
                };
                let Ok(reader) = web_sys::FileReader::new() else {
                    return;
                };
                let done = reader.clone();
                let chosen = chosen.clone();
                let name = file.name();
                let on_load = Closure::<dyn FnMut()>::new(move || {
                    let Ok(result) = done.result() else {
                        return;
                    };
                    let bytes = js_sys::Uint8Array::new(&result).to_vec();
                    let chosen = chosen.clone();
                    let name = name.clone();
                    let store = move |bytes: Vec<u8>| {
                        let mut all = chosen.borrow_mut();
                        all[index as usize] = Some((name, bytes));
                        if all.iter().all(Option::is_some) {
                            deliver(purpose, all.drain(..).flatten().collect());
                        }
                    };
                    if is_jpeg(&bytes) {
                        decode_in_browser(bytes, store);
                    } else {
                        store(bytes);
                    }
                });
                reader.set_onload(Some(on_load.as_ref().unchecked_ref()));
                on_load.forget();
                let _ = reader.read_as_array_buffer(&file);
            }
        });
        input.set_onchange(Some(on_change.as_ref().unchecked_ref()));
        on_change.forget();
        input.click();
    }

    fn is_jpeg(bytes: &[u8]) -> bool {
        bytes.starts_with(&[0xFF, 0xD8, 0xFF])
    }

    /// The web build has no JPEG decoder of its own (109 KB less to download): the browser
    /// decodes the picture, as CNN Explainer's page does, and the game gets its pixels as a PNG.
    /// If the browser cannot read it either, the file goes on unchanged and the game says so.
    fn decode_in_browser(jpeg: Vec<u8>, store: impl FnOnce(Vec<u8>) + 'static) {
        type Pending = Option<(Vec<u8>, Box<dyn FnOnce(Vec<u8>)>)>;
        let pending: std::rc::Rc<std::cell::RefCell<Pending>> =
            std::rc::Rc::new(std::cell::RefCell::new(None));
        let blob = {
            let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(jpeg.as_slice()));
            web_sys::Blob::new_with_u8_array_sequence(&parts)
        };
        let promise = match (web_sys::window(), blob) {
            (Some(window), Ok(blob)) => window.create_image_bitmap_with_blob(&blob).ok(),
            _ => None,
        };
        let Some(promise) = promise else {
            store(jpeg);
            return;
        };
        *pending.borrow_mut() = Some((jpeg, Box::new(store)));
        let decoded = pending.clone();
        let on_decoded = Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |bitmap| {
            let taken = decoded.borrow_mut().take();
            if let Some((jpeg, store)) = taken {
                store(bitmap_as_png(bitmap).unwrap_or(jpeg));
            }
        });
        let on_failed = Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |_| {
            let taken = pending.borrow_mut().take();
            if let Some((jpeg, store)) = taken {
                store(jpeg);
            }
        });
        let _ = promise.then2(&on_decoded, &on_failed);
        on_decoded.forget();
        on_failed.forget();
    }

    fn bitmap_as_png(bitmap: wasm_bindgen::JsValue) -> Option<Vec<u8>> {
        use image::ImageEncoder;
        let bitmap: web_sys::ImageBitmap = bitmap.dyn_into().ok()?;
        let (width, height) = (bitmap.width(), bitmap.height());
        let canvas: web_sys::HtmlCanvasElement = web_sys::window()?
            .document()?
            .create_element("canvas")
            .ok()?
            .dyn_into()
            .ok()?;
        canvas.set_width(width);
        canvas.set_height(height);
        let context: web_sys::CanvasRenderingContext2d =
            canvas.get_context("2d").ok()??.dyn_into().ok()?;
        context
            .draw_image_with_image_bitmap(&bitmap, 0.0, 0.0)
            .ok()?;
        let rgba = context
            .get_image_data(0.0, 0.0, f64::from(width), f64::from(height))
            .ok()?
            .data();
        let mut png = Vec::new();
        // Fast and unfiltered: the PNG only carries the pixels to the game's reader.
        image::codecs::png::PngEncoder::new_with_quality(
            &mut png,
            image::codecs::png::CompressionType::Fast,
            image::codecs::png::FilterType::NoFilter,
        )
        .write_image(&rgba.0, width, height, image::ExtendedColorType::Rgba8)
        .ok()?;
        Some(png)
    }

    /// Files chosen together: one JSON file arrives with the others as its companions (a
    /// model and its weights); otherwise each arrives alone.
    fn deliver(purpose: &'static str, mut files: Vec<(String, Vec<u8>)>) {
        let Ok(mut picked) = PICKED.lock() else {
            return;
        };
        let is_json = |name: &str| name.to_ascii_lowercase().ends_with(".json");
        let jsons = files.iter().filter(|(name, _)| is_json(name)).count();
        if jsons == 1 && files.len() > 1 {
            let at = files
                .iter()
                .position(|(name, _)| is_json(name))
                .unwrap_or(0);
            let (name, bytes) = files.remove(at);
            picked.push(Ok(OpenedFile {
                purpose,
                name,
                bytes,
                path: None,
                companions: files,
            }));
        } else {
            picked.extend(files.into_iter().map(|(name, bytes)| {
                Ok(OpenedFile {
                    purpose,
                    name,
                    bytes,
                    path: None,
                    companions: Vec::new(),
                })
            }));
        }
    }

    pub fn deliver_picked_files(
        mut opened: MessageWriter<OpenedFile>,
        mut notices: ResMut<crate::game::notices::Notices>,
    ) {
        if let Ok(mut picked) = PICKED.lock() {
            for file in picked.drain(..) {
                match file {
                    Ok(file) => {
                        opened.write(file);
                    }
                    Err(why) => notices.refused(why),
                }
            }
        }
    }

    pub fn download(name: &str, bytes: &[u8], mime: &str) -> Result<(), String> {
        let fail = |what: &str| format!("the browser refused the download ({what})");
        let window = web_sys::window().ok_or_else(|| fail("no window"))?;
        let document = window.document().ok_or_else(|| fail("no document"))?;
        let array = js_sys::Uint8Array::from(bytes);
        let parts = js_sys::Array::of1(&array.buffer());
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let blob = web_sys::Blob::new_with_buffer_source_sequence_and_options(&parts, &options)
            .map_err(|_| fail("blob"))?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("url"))?;
        let link = document
            .create_element("a")
            .map_err(|_| fail("link"))?
            .dyn_into::<web_sys::HtmlAnchorElement>()
            .map_err(|_| fail("link"))?;
        link.set_href(&url);
        link.set_download(name);
        link.click();
        let _ = web_sys::Url::revoke_object_url(&url);
        Ok(())
    }
}
