//! An animated GIF written while it is recorded: frames go to an encoder thread through a short
//! queue (a frame that finds the queue full is dropped, so a slow encoder never holds up the game
//! nor piles frames up in memory), which scales them to the recording size and compresses them;
//! only the compressed GIF grows.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;
use std::time::Instant;

/// Frames waiting for the encoder at most (a window's worth of pixels each, 4 MB at 1280 x 800).
const QUEUE: usize = 3;

/// What a finished recording holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Gif {
    pub bytes: Vec<u8>,
    pub frames: usize,
    pub width: u16,
    pub height: u16,
    /// Milliseconds the encoder spent per frame, on average.
    pub encode_ms_per_frame: f64,
}

pub struct GifWriter {
    sender: Option<SyncSender<image::RgbaImage>>,
    worker: Option<JoinHandle<Result<Gif, String>>>,
    /// Frames handed to the encoder and frames dropped because it was busy.
    pub sent: usize,
    pub dropped: usize,
    /// The GIF's size so far, as the encoder writes it.
    written: Arc<AtomicUsize>,
}

/// The size frames are recorded at: the window's, scaled down to at most `max_width` wide.
pub fn recording_size(width: u32, height: u32, max_width: u32) -> (u16, u16) {
    let scale = (max_width as f64 / width.max(1) as f64).min(1.0);
    let w = ((width as f64 * scale).round() as u32).clamp(1, u16::MAX as u32);
    let h = ((height as f64 * scale).round() as u32).clamp(1, u16::MAX as u32);
    (w as u16, h as u16)
}

/// Counts what the encoder writes.
struct CountingWriter {
    bytes: Vec<u8>,
    written: Arc<AtomicUsize>,
}

impl std::io::Write for CountingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes.extend_from_slice(buf);
        self.written.store(self.bytes.len(), Ordering::Relaxed);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn encode(
    frames: Receiver<image::RgbaImage>,
    width: u16,
    height: u16,
    delay_cs: u16,
    written: Arc<AtomicUsize>,
) -> Result<Gif, String> {
    let sink = CountingWriter {
        bytes: Vec::new(),
        written,
    };
    let mut encoder =
        gif::Encoder::new(sink, width, height, &[]).map_err(|e| format!("GIF: {e}"))?;
    encoder
        .set_repeat(gif::Repeat::Infinite)
        .map_err(|e| format!("GIF: {e}"))?;
    let mut count = 0;
    let mut spent = 0.0;
    for frame in frames {
        let started = Instant::now();
        let (w, h) = (u32::from(width), u32::from(height));
        let mut rgba = if frame.dimensions() == (w, h) {
            frame.into_raw()
        } else {
            image::imageops::thumbnail(&frame, w, h).into_raw()
        };
        // NeuQuant at speed 10: a good palette per frame at a few ms a frame.
        let mut frame = gif::Frame::from_rgba_speed(width, height, &mut rgba, 10);
        frame.delay = delay_cs;
        encoder
            .write_frame(&frame)
            .map_err(|e| format!("GIF: {e}"))?;
        spent += started.elapsed().as_secs_f64() * 1000.0;
        count += 1;
    }
    let bytes = encoder.into_inner().map_err(|e| format!("GIF: {e}"))?.bytes;
    Ok(Gif {
        bytes,
        frames: count,
        width,
        height,
        encode_ms_per_frame: if count > 0 { spent / count as f64 } else { 0.0 },
    })
}

impl GifWriter {
    /// Starts the encoder for frames of `width` x `height`, shown `delay_cs` hundredths of a
    /// second each.
    pub fn new(width: u16, height: u16, delay_cs: u16) -> Self {
        let (sender, receiver) = sync_channel(QUEUE);
        let written = Arc::new(AtomicUsize::new(0));
        let counter = written.clone();
        let worker = std::thread::Builder::new()
            .name("gif encoder".into())
            .spawn(move || encode(receiver, width, height, delay_cs, counter))
            .ok();
        Self {
            sender: Some(sender),
            worker,
            sent: 0,
            dropped: 0,
            written,
        }
    }

    /// Hands a frame of any size to the encoder (it is scaled to the recording's); false when it
    /// was dropped.
    pub fn push(&mut self, rgba: image::RgbaImage) -> bool {
        if rgba.width() == 0 || rgba.height() == 0 {
            self.dropped += 1;
            return false;
        }
        let Some(sender) = &self.sender else {
            return false;
        };
        match sender.try_send(rgba) {
            Ok(()) => {
                self.sent += 1;
                true
            }
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.dropped += 1;
                false
            }
        }
    }

    /// Bytes of GIF written so far.
    pub fn bytes_written(&self) -> usize {
        self.written.load(Ordering::Relaxed)
    }

    /// Waits for the encoder to write the frames it has and returns the GIF.
    pub fn finish(mut self) -> Result<Gif, String> {
        self.sender = None;
        match self.worker.take() {
            Some(worker) => worker
                .join()
                .map_err(|_| "the GIF encoder stopped unexpectedly".to_string())?,
            None => Err("the GIF encoder could not start".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A recorded GIF decodes to the frames sent, at the recording size.
    #[test]
    fn a_recorded_gif_decodes_to_its_frames() {
        let (w, h) = recording_size(1280, 800, 320);
        assert_eq!((w, h), (320, 200));
        let mut writer = GifWriter::new(w, h, 10);
        let mut sent = 0;
        for k in 0..12u8 {
            // A window-sized white frame with a bar moving across it, in a colour that changes:
            // the encoder scales it to the recording size.
            let mut rgba =
                image::RgbaImage::from_pixel(1280, 800, image::Rgba([255, 255, 255, 255]));
            for y in 0..800 {
                for x in (k as u32 * 80)..(k as u32 * 80 + 120).min(1280) {
                    rgba.put_pixel(x, y, image::Rgba([k * 20, 100, 255 - k * 20, 255]));
                }
            }
            // Wait for room rather than drop: the test wants every frame.
            while !writer.push(rgba.clone()) {
                writer.dropped -= 1;
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            sent += 1;
        }
        assert!(
            !writer.push(image::RgbaImage::new(0, 0)),
            "an empty frame is refused"
        );
        let gif = writer.finish().unwrap();
        assert_eq!((gif.frames, gif.width, gif.height), (sent, 320, 200));
        let mut options = ::gif::DecodeOptions::new();
        options.set_color_output(::gif::ColorOutput::RGBA);
        let mut decoder = options.read_info(gif.bytes.as_slice()).unwrap();
        assert_eq!((decoder.width(), decoder.height()), (320, 200));
        let mut decoded = 0;
        while let Some(frame) = decoder.read_next_frame().unwrap() {
            assert_eq!((frame.width, frame.height, frame.delay), (320, 200, 10));
            // The bar is where it was drawn, in its colour (to the palette's rounding).
            let x = decoded * 20 + 5;
            let p = (100 * 320 + x) * 4;
            let k = decoded as i32;
            let expected = [k * 20, 100, 255 - k * 20];
            for (c, e) in frame.buffer[p..p + 3].iter().zip(expected) {
                assert!(
                    (i32::from(*c) - e).abs() <= 12,
                    "frame {decoded}: {:?}",
                    &frame.buffer[p..p + 3]
                );
            }
            // And the rest is white.
            let q = (100 * 320 + (x + 160) % 320) * 4;
            assert!(
                frame.buffer[q..q + 3].iter().all(|c| *c > 240),
                "frame {decoded}"
            );
            decoded += 1;
        }
        assert_eq!(decoded, sent);
    }

    #[test]
    fn sizes_keep_the_window_shape() {
        assert_eq!(recording_size(640, 480, 640), (640, 480));
        assert_eq!(recording_size(300, 200, 640), (300, 200));
        assert_eq!(recording_size(1920, 1080, 640), (640, 360));
        assert_eq!(recording_size(0, 0, 640), (1, 1));
    }
}
