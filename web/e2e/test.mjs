// End-to-end test of the web build: serves dist/ on 127.0.0.1, drives Debian's Chromium with
// playwright-core, and checks that the game runs, can be played, and handles share links.
// Usage: node test.mjs [DIST]   (screenshots go to ./artifacts, printed at the end)
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { PNG } from "pngjs";
import { drive } from "./drive.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(process.argv[2] ?? path.join(here, "../../dist"));
const artifacts = path.join(here, "artifacts");
fs.mkdirSync(artifacts, { recursive: true });
if (!fs.existsSync(path.join(dist, "index.html"))) {
  console.error(`no web build in ${dist}: run web/build.sh first`);
  process.exit(2);
}

// A static server: the folder as a web host would serve it.
const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm",
  ".ron": "text/plain", ".md": "text/plain", ".png": "image/png", ".svg": "image/svg+xml",
  ".webmanifest": "application/manifest+json" };
const server = http.createServer((req, res) => {
  const url = decodeURIComponent(req.url.split("?")[0].split("#")[0]);
  const file = path.join(dist, url.endsWith("/") ? url + "index.html" : url);
  if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404); res.end("not found"); return;
  }
  const body = fs.readFileSync(file);
  res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream",
                       "content-length": body.length });
  res.end(body);
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}/`;

const failures = [];
const check = (ok, what) => { console.log(`${ok ? "ok  " : "FAIL"} ${what}`); if (!ok) failures.push(what); };
const report = {};

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-quic", "--use-angle=gl-egl", "--ignore-gpu-blocklist"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
const errors = [];
page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
page.on("console", (m) => {
  const text = m.text();
  if (text.includes("panicked")) errors.push(`panic: ${text}`);
  if (m.type() === "error" && !text.includes("Using exceptions for control flow")) console.log(`  console error: ${text}`);
});

async function shot(name) {
  const file = path.join(artifacts, `${name}.png`);
  const buffer = await page.screenshot({ path: file });
  return PNG.sync.read(buffer);
}
function distinctColours(png) {
  const seen = new Set();
  for (let i = 0; i < png.data.length; i += 4 * 7) seen.add((png.data[i] << 16) | (png.data[i + 1] << 8) | png.data[i + 2]);
  return seen.size;
}
function countNear(png, rgb, tolerance, box) {
  let n = 0;
  for (let y = box.y0; y < box.y1; y++) for (let x = box.x0; x < box.x1; x++) {
    const i = 4 * (y * png.width + x);
    if (Math.abs(png.data[i] - rgb[0]) <= tolerance && Math.abs(png.data[i + 1] - rgb[1]) <= tolerance &&
        Math.abs(png.data[i + 2] - rgb[2]) <= tolerance) n++;
  }
  return n;
}
const { state, waitFor, button, click, press, key, choose } = drive(page);
const linkFor = (config) => "#cfg=" + Buffer.from(JSON.stringify(config)).toString("base64url");

try {
  // 1. The title screen.
  const navigated = Date.now();
  await page.goto(base);
  const first = await waitFor((s) => s.screen === "Title", "the title screen", 120);
  report.first_frame_ms = Date.now() - navigated;
  await page.waitForTimeout(1500);
  const title = await shot("01-title");
  check(distinctColours(title) > 200, `the title screen is drawn (${distinctColours(title)} colours)`);
  check(first.frames >= 1, "the game publishes its state");

  // 2. The levels load over HTTP; the level list opens from the title.
  check(first.levels >= 8 && first.level_problems === 0, `the levels load in the browser (${first.levels} levels)`);
  await press("Playground Challenges", (s) => s.screen === "LevelSelect", "the level list");
  await page.waitForTimeout(800);
  await shot("01b-levels");
  await key("Escape");
  await waitFor((s) => s.screen === "Title", "the title after Esc", 30);

  // 3. Into the sandbox with a click, then Play: the epoch counter advances.
  await press("Playground Sandbox", (s) => s.screen === "Sandbox", "the sandbox");
  await page.waitForTimeout(1000);
  const sandbox = await shot("02-sandbox");
  check(distinctColours(sandbox) > 500, "the sandbox is drawn");
  await click([140, 22]);
  const playing = await waitFor((s) => s.playing && s.epoch > 0, "training after pressing Play", 30);
  await page.waitForTimeout(2000);
  const later = await state();
  check(later.epoch > playing.epoch, `the epoch advances while playing (${playing.epoch} -> ${later.epoch})`);
  await shot("03-training");

  // 4. Leaving the sandbox saves its settings in local storage.
  await key("Escape");
  await waitFor((s) => s.screen === "Title", "the title after leaving the sandbox", 30);
  const saved = await page.evaluate(() => localStorage.getItem("neural-sandbox.progress"));
  check(saved !== null && JSON.parse(saved).sandbox !== null, "the sandbox settings are saved in local storage");

  // 4b. The student's own data: draw two clusters with the mouse on the output view, train on
  // them (issue 12).
  try {
    await press("Playground Sandbox", (s) => s.screen === "Sandbox", "the sandbox again");
    await press("Draw points", (s) => s.drawing === true, "drawing mode");
    await press("Clear", (s) => s.drawn_points === 0, "an empty drawing");
    const [px, py, pw, ph] = (await waitFor((s) => s.buttons && s.buttons.plot, "the plot")).buttons.plot;
    const cluster = async (cx) => {
      for (let i = 0; i < 10; i++) {
        await click([px + pw * (cx + 0.03 * (i % 3)), py + ph * (0.3 + 0.04 * i)]);
      }
    };
    await cluster(0.2);
    await press("orange (−1)", (s) => true, "the orange class");
    await cluster(0.72);
    const drawn = await waitFor((s) => s.own_data === "your drawing" && s.train_points + s.test_points === 20,
                                "twenty drawn points in the experiment", 30);
    await page.focus("canvas#bevy");
    // The sandbox may still be playing from step 3 (leaving it does not pause it).
    if (!(await state()).playing) await key("Space");
    const learned = await waitFor((s) => s.playing && s.epoch >= drawn.epoch + 100, "training on the drawing", 60);
    await shot("03b-own-data");
    check(learned.test_accuracy >= 0.8,
          `points drawn with the mouse are trained on (${drawn.train_points} training and ${drawn.test_points} test points; test accuracy ${learned.test_accuracy} at epoch ${learned.epoch})`);
    await key("Space");
    // The whole experiment as a download, opened again in a fresh page (a classmate's).
    const paused = await waitFor((s) => !s.playing, "training paused", 10);
    await page.waitForTimeout(300);
    // The menu item is clicked again until the page starts a download: on two busy cores a
    // click can fall between two layouts of the menu.
    let downloaded = null;
    page.waitForEvent("download", { timeout: 60000 }).then((d) => { downloaded = d; }, () => {});
    await choose("File", "Save experiment", () => downloaded !== null, "the download", 6);
    const saved = path.join(os.tmpdir(), `neural-sandbox-experiment-${process.pid}.json`);
    await downloaded.saveAs(saved);
    await page.goto(base);
    await page.reload();
    await waitFor((s) => s.screen === "Title", "the title in a fresh page", 120);
    await press("Playground Sandbox", (s) => s.screen === "Sandbox", "the sandbox in a fresh page");
    let chooser = null;
    page.waitForEvent("filechooser", { timeout: 60000 }).then((c) => { chooser = c; }, () => {});
    await choose("File", "Open experiment", () => chooser !== null, "the file chooser", 6);
    await chooser.setFiles(saved);
    const reopened = await waitFor((s) => s.own_data === "your drawing", "the experiment opened", 30);
    check(reopened.epoch === paused.epoch && reopened.train_points + reopened.test_points === 20,
          `the experiment saved as a download opens in a fresh page (epoch ${reopened.epoch} of ${paused.epoch}, ${reopened.train_points + reopened.test_points} drawn points)`);
    fs.rmSync(saved, { force: true });
    // Compare: nine variants train side by side in the page (one thread, within the frame).
    await press("Compare", (s) => s.compare_open === true, "the Compare window");
    const compared = await waitFor((s) => s.compare_epochs && s.compare_epochs.length === 9 &&
                                          Math.min(...s.compare_epochs) >= 50, "nine variants training", 60);
    await page.waitForTimeout(1500);
    await shot("03c-compare");
    const rate = (await state()).compare_epochs_per_second;
    report.compare_nine_epochs_per_second_each = Math.round(rate);
    check(compared.compare_best !== null,
          `Compare trains nine variants in the browser (${Math.round(rate)} epochs/s each; best so far: ${compared.compare_best})`);
    await page.focus("canvas#bevy");
    await key("Escape");
    await waitFor((s) => s.screen === "Title", "the title after drawing", 30);
  } catch (e) {
    check(false, String(e));
  }

  // 5. A share link opens with its configuration: the largest network, trained at full speed.
  const spiral = { dataset: "spiral", features: ["x1", "x2", "x1_sq", "x2_sq", "x1_x2", "sin_x1", "sin_x2"],
                   hidden_layers: [8, 8, 8, 8, 8, 8] };
  await page.goto(base + linkFor(spiral));
  await page.reload();
  const opened = await waitFor((s) => s.screen === "Sandbox", "the sandbox from a share link", 120);
  check(opened.dataset === "spiral" && opened.features.length === 7 && opened.hidden_layers.join() === "8,8,8,8,8,8",
        `a share link opens its configuration (${opened.dataset}, ${opened.features.length} features, ${opened.hidden_layers})`);
  await page.focus("canvas#bevy");
  await key("Space");
  for (let k = 0; k < 6; k++) await key("Equal");  // faster, up to Max
  await page.waitForTimeout(5000);
  const fast = await state();
  report.spiral_6x8_epochs_per_second = Math.round(fast.epochs_per_second);
  check(fast.playing && fast.epoch > 0, `the spiral trains in the browser (${report.spiral_6x8_epochs_per_second} epochs/s at Max)`);
  const trained = await shot("04-spiral-6x8");
  check(distinctColours(trained) > 500, "the trained spiral is drawn");

  // 5b. The browser's engine (WebAssembly SIMD) gives the native engine's numbers bit for bit: ten
  // epochs stepped by hand, against the same run of the native command line.
  const native = process.env.NEURAL_SANDBOX_BIN;
  if (native) {
    const exact = { dataset: "spiral", features: ["x1", "x2", "x1_sq", "x2_sq", "x1_x2", "sin_x1", "sin_x2"],
                    hidden_layers: [8, 8, 6], seed: 11, batch_size: 7 };
    await page.goto(base + linkFor(exact));
    await page.reload();
    await waitFor((s) => s.screen === "Sandbox" && s.epoch === 0 && s.dataset === "spiral", "the exact-run sandbox", 120);
    await page.focus("canvas#bevy");
    for (let k = 0; k < 10; k++) await key("s");
    const stepped = await waitFor((s) => s.epoch === 10, "ten stepped epochs", 30);
    const csv = path.join(os.tmpdir(), `neural-sandbox-exact-${process.pid}.csv`);
    execFileSync(native, ["train", "--dataset", "spiral", "--features", exact.features.join(","), "--layers", "8,8,6",
                          "--seed", "11", "--batch", "7", "--epochs", "10", "--quiet", "--csv", csv]);
    const last = fs.readFileSync(csv, "utf8").trim().split("\n").pop().split(",");
    const nativeLoss = Number(last[2]);
    report.browser_vs_native_test_loss = [stepped.test_loss, nativeLoss];
    check(Number(last[0]) === 10 && stepped.test_loss === nativeLoss,
          `the browser trains bit for bit like the native build (test loss after 10 epochs: ${stepped.test_loss} vs ${nativeLoss})`);
  } else {
    console.log("  (NEURAL_SANDBOX_BIN not set: the browser-vs-native check is skipped)");
  }

  // 5c. Explain and present. A TensorFlow Playground link in the page's address opens the page's
  // own run: its points and first weights, so the losses are the Playground's (computed by its own
  // code in Chromium: tests/fixtures/playground-links). Then backprop step by step to the update,
  // the network as code, a WebM recording, and a teacher's lesson link opening as a challenge.
  try {
    const fixture = path.resolve(here, "../../tests/fixtures/playground-links/spiral-all-features-6x8");
    const pgLink = fs.readFileSync(path.join(fixture, "link.txt"), "utf8").trim();
    const pgCurve = fs.readFileSync(path.join(fixture, "playground_losses.csv"), "utf8").trim().split("\n")
      .slice(1).map((line) => line.split(",").map(Number));
    await page.goto(base + "#" + pgLink.split("#")[1]);
    await page.reload();
    const pg = await waitFor((s) => s.screen === "Sandbox" && s.dataset === "spiral" && s.epoch === 0,
                             "the Playground link's sandbox", 120);
    report.playground_link_epoch0_test_loss = [pg.test_loss, pgCurve[0][2]];
    check(Math.abs(pg.test_loss - pgCurve[0][2]) <= 1e-12 * pgCurve[0][2],
          `a TensorFlow Playground link opens the page's own points and weights (test loss ${pg.test_loss}; the Playground's ${pgCurve[0][2]})`);
    await page.focus("canvas#bevy");
    for (let k = 0; k < 10; k++) await key("s");
    const ten = await waitFor((s) => s.epoch === 10, "ten epochs of the Playground link", 30);
    check(Math.abs(ten.test_loss - pgCurve[10][2]) <= 1e-9 * pgCurve[10][2],
          `and trains as the Playground does (test loss after 10 epochs ${ten.test_loss}; the Playground's ${pgCurve[10][2]})`);
    await choose("Explain", "Backprop step by step", (s) => s.slow_motion_open === true, "backprop step by step");
    let phases = 0;
    for (; phases < 40; phases++) {
      const s = await state();
      if (s.slow_motion_phase === "Update") break;
      await click(await button("Slow next"));
    }
    const updated = await waitFor((s) => s.slow_motion_phase === "Update", "the update phase", 10);
    await shot("04b-backprop-update");
    check(updated.test_loss !== ten.test_loss,
          `backprop step by step goes forward, back and to the update in ${phases} clicks (test loss ${ten.test_loss} -> ${updated.test_loss})`);
    const code = await choose("Explain", "Show as code", (s) => s.code_open === true && s.code_chars > 0, "the code");
    await shot("04c-code");
    check(code.code_chars > 2000, `the network shows as Python code (${code.code_chars} characters)`);
    const download = page.waitForEvent("download", { timeout: 30000 });
    await press("Record", (s) => s.recording === true, "recording");
    await page.waitForTimeout(3000);
    await shot("04d-recording");
    await press("Record", (s) => s.recording === false, "the recording stopped");
    const video = await download;
    const saved = path.join(os.tmpdir(), `neural-sandbox-recording-${process.pid}.webm`);
    await video.saveAs(saved);
    const bytes = fs.readFileSync(saved);
    fs.rmSync(saved, { force: true });
    report.recording_webm_bytes_3s = bytes.length;
    check(video.suggestedFilename().endsWith(".webm") && bytes.length > 1000 &&
          bytes.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])),
          `Record makes a WebM video in the browser (${bytes.length} bytes for 3 s, ${video.suggestedFilename()})`);
    const lesson = fs.readFileSync(path.resolve(here, "../../tests/fixtures/lessons/lesson-fence-in-the-blue-points.ron"));
    await page.goto(base + "#lesson=" + lesson.toString("base64url"));
    await page.reload();
    const level = await waitFor((s) => s.screen === "Level", "the lesson as a challenge", 120);
    await shot("04e-lesson");
    check(level.level_id === "lesson-fence-in-the-blue-points",
          `a teacher's lesson link opens as a challenge (${level.level_id})`);
    await page.goto(base + "#lesson=" + lesson.toString("base64url").slice(0, 200) + "%%");
    await page.reload();
    const refused = await waitFor((s) => s.screen === "Sandbox", "the sandbox after a damaged lesson", 120);
    check(refused.notices.some((n) => n.includes("lesson")),
          `a damaged lesson link opens nothing and says why (${refused.notices.join(" / ")})`);
  } catch (e) {
    check(false, String(e));
  }

  // 6. Hostile links are refused with a message; the default sandbox opens.
  for (const [name, link] of [["damaged", "#cfg=%%%not-base64"],
                              ["oversized", linkFor({ hidden_layers: [100000] })],
                              ["script", linkFor({ dataset: "<script>alert(1)</script>" })]]) {
    await page.goto(base + link);
    await page.reload();
    const s = await waitFor((s) => s.screen === "Sandbox", `the sandbox after a ${name} link`, 120);
    check(s.dataset === "circle" && s.notices.some((n) => n.includes("default sandbox")),
          `a ${name} link is refused with a message (${s.notices.join(" / ")})`);
  }
  await shot("05-hostile-link");

  // 6b. The CNN mode: the mini Tiny VGG trains on the shapes in the page (one thread, inside the
  // frame budget) and its test accuracy rises from chance.
  try {
    await page.goto(base);
    await page.reload();
    await waitFor((s) => s.screen === "Title", "the title screen for the CNN mode", 120);
    const opened = await press("CNN Play", (s) => s.mode === "cnn" && s.buttons && s.buttons.play, "the CNN mode");
    check(opened.train_images === 2000 && opened.epoch === 0, `the CNN mode opens on 2,000 shapes (${opened.parameters} parameters)`);
    await press("play", (s) => s.playing === true, "CNN training");
    const started = Date.now();
    const trained = await waitFor((s) => s.epoch >= 2 && s.test_accuracy !== null, "two CNN epochs in the browser", 180);
    report.cnn_images_per_s = Math.round(trained.images_per_s);
    report.cnn_training_images_per_s = Math.round(trained.training_images_per_s);
    report.cnn_seconds_for_two_epochs = Math.round((Date.now() - started) / 1000);
    report.cnn_test_accuracy = trained.test_accuracy;
    check(trained.test_accuracy > 0.5,
          `the CNN trains in the browser: test accuracy ${(100 * trained.test_accuracy).toFixed(1)} % after ${trained.epoch} epochs (chance 20 %; ${report.cnn_images_per_s} images per second of play, ${report.cnn_training_images_per_s} per second of training, ${report.cnn_seconds_for_two_epochs} s)`);
    await press("first_conv_map", (s) => s.detail !== null, "the convolution's detail");
    await shot("09-cnn");

    // 6b'. A hostile model through the same file input: it declares a 100000x100000x3 input
    // (which once took the page down with "capacity overflow" and "unreachable"). The page
    // says why, keeps its model and keeps running.
    {
      await press("close_detail", (s) => s.detail === null, "the overview again").catch(() => null);
      const before = await state();
      const hostile = path.join(os.tmpdir(), `neural-sandbox-hostile-${process.pid}.json`);
      fs.writeFileSync(hostile, JSON.stringify({
        modelTopology: { class_name: "Sequential", config: { layers: [
          { class_name: "Flatten", config: { name: "f", batch_input_shape: [null, 100000, 100000, 3] } },
          { class_name: "Dense", config: { name: "d", units: 10, activation: "softmax" } },
        ] } },
        weightsManifest: [{ paths: ["../../x.bin"], weights: [] }],
      }));
      const hostileChooser = page.waitForEvent("filechooser", { timeout: 30000 });
      await click(await button("open_model"));
      await (await hostileChooser).setFiles(hostile);
      const refused = await waitFor((s) => (s.last_refusal || "").includes("100000"), "the hostile model's refusal", 30);
      const later = await waitFor((s) => s.frames > refused.frames + 10, "frames after the hostile model", 30);
      check(later.screen === "Cnn" && later.parameters === before.parameters && later.model === before.model,
            `a model declaring a 100000x100000x3 input is refused in the browser ("${refused.last_refusal}"), and the page keeps its model and runs on (${later.frames - refused.frames} frames since)`);
      await shot("09a-hostile-model");
      fs.rmSync(hostile, { force: true });
    }

    // 6c. CNN Explainer's Tiny VGG opens from the page's file input (model.json and its weights
    // chosen together, as a student would) and classifies the sample picture, an orange.
    const tinyVgg = path.join(here, "../../../shared/models/cnn-explainer-tiny-vgg");
    if (fs.existsSync(path.join(tinyVgg, "model.json"))) {
      await press("close_detail", (s) => s.detail === null, "the overview again").catch(() => null);
      const chooser = page.waitForEvent("filechooser", { timeout: 30000 });
      await click(await button("open_model"));
      await (await chooser).setFiles([path.join(tinyVgg, "model.json"), path.join(tinyVgg, "group1-shard1of1.bin")]);
      const vgg = await waitFor((s) => s.model === "model.json" && s.inference_ms !== null, "Tiny VGG to open", 30);
      const best = vgg.probabilities.indexOf(Math.max(...vgg.probabilities));
      report.tiny_vgg_inference_ms = +vgg.inference_ms.toFixed(2);
      check(vgg.parameters === 19920 && best === 8,
            `CNN Explainer's Tiny VGG opens in the browser and calls the sample picture an orange (class ${best}, ${vgg.parameters} parameters, ${report.tiny_vgg_inference_ms} ms per image)`);
      await shot("09b-tiny-vgg");
      // A JPEG photo opens too. The web build has no JPEG decoder: the browser decodes it.
      const jpeg = path.join(os.tmpdir(), `neural-sandbox-photo-${process.pid}.jpg`);
      const dataUrl = await page.evaluate(() => {
        const canvas = document.createElement("canvas");
        canvas.width = 96;
        canvas.height = 80;
        const g = canvas.getContext("2d");
        g.fillStyle = "#2050c0";
        g.fillRect(0, 0, 96, 80);
        g.fillStyle = "#f8f0e0";
        g.fillRect(20, 10, 40, 60);
        return canvas.toDataURL("image/jpeg", 0.9);
      });
      fs.writeFileSync(jpeg, Buffer.from(dataUrl.split(",")[1], "base64"));
      const photoChooser = page.waitForEvent("filechooser", { timeout: 30000 });
      await click(await button("open_picture"));
      await (await photoChooser).setFiles(jpeg);
      const photo = await waitFor((s) => s.picture === path.basename(jpeg), "the JPEG picture to open", 30);
      const changed = Math.max(...photo.probabilities.map((q, i) => Math.abs(q - vgg.probabilities[i])));
      check(changed > 0.01,
            `a JPEG picture opens in the browser (decoded by the page) and Tiny VGG classifies it (probabilities moved by up to ${changed.toFixed(3)} from the orange's)`);
      await shot("09c-jpeg-picture");
      fs.rmSync(jpeg, { force: true });
    } else {
      console.log("  (no Tiny VGG in ../shared/models: the browser's model-opening check is skipped)");
    }
  } catch (e) {
    check(false, String(e));
  }

  // 7. The GAN mode: it opens on GAN Lab's starting point (trained in the page), then a fresh
  // tuned run trains at Max and its JS divergence falls; slow motion walks its steps.
  await page.goto(base);
  await page.reload();
  await waitFor((s) => s.screen === "Title", "the title screen again", 120);
  await press("GAN Play", (s) => s.mode === "gan", "the GAN mode");
  const opening = await waitFor((s) => s.mode === "gan" && s.preparing === false && s.epoch === 1931,
                                "the GAN mode trained to GAN Lab's starting point", 120);
  check(opening.js_precise > 0 && opening.js_precise < 0.6,
        `the GAN mode opens at epoch 1931 (precise JS ${opening.js_precise.toFixed(3)})`);
  await page.waitForTimeout(1000);
  const ganShot = await shot("06-gan");
  const plot = opening.plot;
  const plotBox = { x0: Math.round(plot[0]), y0: Math.round(plot[1]),
                    x1: Math.round(plot[0] + plot[2]), y1: Math.round(plot[1] + plot[3]) };
  const green = countNear(ganShot, [0x1b, 0x9e, 0x4b], 30, plotBox);
  const purple = countNear(ganShot, [0x8e, 0x44, 0xad], 30, plotBox);
  check(green > 500 && purple > 200, `the GAN plot shows real and fake points (${green} green, ${purple} purple px)`);
  const fresh = await press("Tuned", (s) => s.epoch === 0 && s.loss === "least_squares", "a fresh tuned run");
  await page.focus("canvas#bevy");
  await key("Space");
  for (let k = 0; k < 6; k++) await key("Equal");  // up to Max
  // The tuned run's precise JS stays near 0.9 for a few hundred epochs, then falls to about
  // 0.3 by epoch 900 (the same run natively: `gan train --tuned --seed 1`).
  const started = Date.now();
  let ganLater = await state();
  try {
    ganLater = await waitFor((s) => s.js_precise < fresh.js_precise - 0.3, "the GAN's JS to fall", 120);
  } catch (e) {
    ganLater = await state();
  }
  report.gan_epochs_per_second = Math.round(ganLater.epoch / ((Date.now() - started) / 1000));
  report.gan_js_precise = [fresh.js_precise, ganLater.js_precise, ganLater.epoch];
  check(ganLater.js_precise < fresh.js_precise - 0.3,
        `the GAN trains in the browser and its JS falls (${fresh.js_precise.toFixed(3)} -> ${ganLater.js_precise.toFixed(3)} by epoch ${ganLater.epoch}, ${report.gan_epochs_per_second} epochs/s)`);
  await shot("07-gan-trained");
  await key("m");
  const slow = await waitFor((s) => s.slow_motion_step !== null, "slow motion", 30);
  await page.waitForTimeout(3000);
  const slower = await state();
  check(slower.slow_motion_step !== slow.slow_motion_step || slower.slow_motion_step >= 2,
        `slow motion walks through the steps (step ${slow.slow_motion_step} -> ${slower.slow_motion_step})`);
  await shot("08-gan-slow-motion");
} catch (e) {
  check(false, String(e));
}

// 8. A school network: 20 Mbit/s down, 40 ms latency (DevTools' network conditions), in a fresh
// context with an empty cache. Times from navigation to the first drawn frame and to the first
// click the game answers.
try {
  // The first page's game would otherwise keep training at Max beside it.
  await page.goto("about:blank");
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const throttled = await context.newPage();
  throttled.on("pageerror", (e) => errors.push(`page error (throttled): ${e.message}`));
  const cdp = await context.newCDPSession(throttled);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false, latency: 40, downloadThroughput: 20e6 / 8, uploadThroughput: 5e6 / 8 });
  let wireBytes = 0;
  const fetched = [];
  cdp.on("Network.loadingFinished", (e) => { wireBytes += e.encodedDataLength; });
  throttled.on("response", (r) => fetched.push(r.url().replace(base, "")));
  const { waitFor: waitOn, click: clickAt } = drive(throttled, "throttled");
  const navigated = Date.now();
  await throttled.goto(base);
  await waitOn((s) => s.screen === "Title" && s.buttons && s.buttons["Playground Sandbox"], "the title", 120);
  report.throttled_first_frame_ms = Date.now() - navigated;
  // A person's click where the button is drawn now, repeated until the game answers: the time
  // is that of the first click it answers.
  report.throttled_first_interaction_ms = null;
  for (let tries = 0; tries < 16; tries++) {
    const now = await waitOn((s) => s.buttons && s.buttons["Playground Sandbox"], "the Sandbox button", 10);
    await clickAt(now.buttons["Playground Sandbox"]);
    if (await waitOn((s) => s.screen === "Sandbox", "the sandbox after a click", 1).catch(() => null)) {
      report.throttled_first_interaction_ms = Date.now() - navigated;
      break;
    }
  }
  report.throttled_wire_mb = +(wireBytes / 1e6).toFixed(2);
  const wasmFile = fetched.filter((u) => u.includes(".wasm")).join(", ");
  // The goal is 4 s (issue 14); measured here 3.4-3.97 s with software WebGL on an idle
  // machine and 6.4 s while a compiler shared its two cores. The check leaves room for a slower
  // CI machine and still catches a page busy elsewhere (15 s) or a download that never ends.
  check(report.throttled_first_frame_ms < 7500 && report.throttled_first_interaction_ms !== null,
        `on a 20 Mbit/s, 40 ms network the first frame is drawn in ${report.throttled_first_frame_ms} ms (goal 4 s) and a click is answered at ${report.throttled_first_interaction_ms} ms (${report.throttled_wire_mb} MB over the wire: ${wasmFile})`);
  await context.close();
} catch (e) {
  check(false, String(e));
}

// 9. A private window whose local storage throws on every use: the game still runs and plays.
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  await context.addInitScript(() => {
    Object.defineProperty(window, "localStorage", {
      get() { throw new DOMException("The operation is insecure.", "SecurityError"); } });
  });
  const locked = await context.newPage();
  locked.on("pageerror", (e) => errors.push(`page error (no storage): ${e.message}`));
  locked.on("console", (m) => { if (m.text().includes("panicked")) errors.push(`panic (no storage): ${m.text()}`); });
  const { waitFor: waitOn, press: pressOn } = drive(locked, "no storage");
  await locked.goto(base);
  await waitOn((s) => s.screen === "Title", "the title");
  await pressOn("Playground Sandbox", (s) => s.screen === "Sandbox", "the sandbox");
  await locked.keyboard.press("Space", { delay: 150 });
  const played = await waitOn((s) => s.playing && s.epoch > 5, "training");
  await locked.keyboard.press("Escape", { delay: 150 });
  await waitOn((s) => s.screen === "Title", "the title after leaving");
  await locked.waitForTimeout(500);
  await locked.screenshot({ path: path.join(artifacts, "10-no-storage.png") });
  check(played.epoch > 5, `without local storage the game still opens, trains (epoch ${played.epoch}) and leaves the sandbox`);
  await context.close();
} catch (e) {
  check(false, String(e));
}

// 10. Offline after one visit: the service worker keeps the page, the engine and the levels; with
// the network gone, a reload opens the game and a level plays.
try {
  await page.goto("about:blank");
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const p = await context.newPage();
  p.on("pageerror", (e) => errors.push(`page error (offline): ${e.message}`));
  p.on("console", (m) => { if (m.text().includes("panicked")) errors.push(`panic (offline): ${m.text()}`); });
  const { waitFor: waitOn, press: pressOn } = drive(p, "offline");
  await p.goto(base);
  await waitOn((s) => s.screen === "Title", "the title online");
  const kept = async () => p.evaluate(async () => {
    for (const key of await caches.keys()) {
      const cache = await caches.open(key);
      if (await cache.match("neural-sandbox_bg.wasm.gz") && await cache.match("levels/index.ron")) return key;
    }
    return null;
  });
  const until = Date.now() + 60000;
  let cacheName = null;
  while (!(cacheName = await kept()) && Date.now() < until) await p.waitForTimeout(250);
  if (!cacheName) throw new Error("the service worker kept nothing within 60 s");
  await context.setOffline(true);
  await p.reload();
  const title = await waitOn((s) => s.screen === "Title", "the title with no network");
  check(title.levels >= 10 && title.level_problems === 0, `offline, a reload opens the game with its ${title.levels} levels (cache ${cacheName})`);
  // The first level through the menus.
  await pressOn("Playground Challenges", (s) => s.screen === "LevelSelect", "the level list");
  await pressOn("Play perceptron", (s) => s.screen === "Level", "the first level");
  await p.focus("canvas#bevy");
  await p.keyboard.press("Space", { delay: 150 });
  const played = await waitOn((s) => s.epoch > 0, "the first level training", 30);
  await p.screenshot({ path: path.join(artifacts, "11-offline-play.png") });
  check(played.epoch > 0, `offline, the first level plays (epoch ${played.epoch})`);
  await context.close();
} catch (e) {
  check(false, String(e));
}

// 11. Phones and tablets, touched. A phone upright (390x844, a touch screen): the title opens
// the sandbox with a tap, the network and the output share the screen, controls are finger-sized,
// a finger drags a feature onto the network, and the settings open as a sheet. Then a tablet
// (1024x768 landscape): the first level, its missing feature dragged in by a finger, played.
try {
  await page.goto("about:blank");
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const p = await context.newPage();
  p.on("pageerror", (e) => errors.push(`page error (touch): ${e.message}`));
  p.on("console", (m) => { if (m.text().includes("panicked")) errors.push(`panic (touch): ${m.text()}`); });
  const { waitFor: waitOn, button: buttonOn } = drive(p, "touch");
  const cdp = await context.newCDPSession(p);
  const touch = (type, points) =>
    cdp.send("Input.dispatchTouchEvent", { type, touchPoints: points.map(([x, y]) => ({ x, y })) });
  // A finger's tap, and a tap until the game shows it answered (as a player taps again).
  const tap = async ([x, y]) => {
    await touch("touchStart", [[x, y]]);
    await p.waitForTimeout(150);
    await touch("touchEnd", []);
    await p.waitForTimeout(350);
  };
  const tapUntil = async (name, answered, what, tries = 3) => {
    for (let attempt = 0; attempt < tries; attempt++) {
      await tap(await buttonOn(name));
      const s = await waitOn(answered, what, 8).catch(() => null);
      if (s) return s;
    }
    throw new Error(`tapping ${name} ${tries} times did not lead to ${what}`);
  };
  // A finger pressed on `from`, slid to `to` and lifted.
  const slide = async (from, to, steps = 14) => {
    await touch("touchStart", [from]);
    await p.waitForTimeout(250);
    for (let k = 1; k <= steps; k++) {
      const t = k / steps;
      await touch("touchMove", [[from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t]]);
      await p.waitForTimeout(70);
    }
    await p.waitForTimeout(250);
    await touch("touchEnd", []);
    await p.waitForTimeout(500);
  };
  // Drags feature `name` onto the input column; the state once it is an input.
  const dragFeature = async (name) => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const s = await waitOn((s) => s.positions && s.positions.chips && s.positions.chips[name], `the ${name} chip`);
      const chip = s.positions.chips[name];
      const inputs = s.positions.columns[0];
      await slide([chip[0], chip[1]], [inputs[0], inputs[1]]);
      const done = await waitOn((s) => s.features && s.features.includes(name), `${name} among the inputs`, 6).catch(() => null);
      if (done) return done;
    }
    throw new Error(`three finger drags did not add ${name}: ${JSON.stringify(await waitOn(() => true, "state")).slice(0, 300)}`);
  };

  await p.goto(base);
  await waitOn((s) => s.screen === "Title", "the title on a phone");
  await p.waitForTimeout(500);
  await p.screenshot({ path: path.join(artifacts, "12-phone-title.png") });
  const sandbox = await tapUntil("Playground Sandbox", (s) => s.screen === "Sandbox" && s.layout, "the sandbox after a tap");
  const settled = await waitOn((s) => s.finger_sized && s.buttons && s.buttons.Play && s.buttons.Settings && s.positions, "the phone layout");
  const [, , , playHeight] = settled.buttons.Play;
  const [, , , settingsHeight] = settled.buttons.Settings;
  check(sandbox.layout === "phone" && playHeight >= 44 && settingsHeight >= 44,
        `a 390x844 phone gets the phone layout (${sandbox.layout}) with finger-sized controls (Play ${playHeight} px, ☰ ${settingsHeight} px tall)`);
  const before = settled.features.slice();
  const missing = ["x1_sq", "x2_sq", "x1_x2", "sin_x1", "sin_x2", "x1", "x2"].find((f) => !before.includes(f));
  const dragged = await dragFeature(missing);
  await p.waitForTimeout(400);
  await p.screenshot({ path: path.join(artifacts, "12-phone-sandbox.png") });
  check(dragged.features.length === before.length + 1,
        `a finger drags ${missing} onto the network on a phone (inputs ${before.join(",")} -> ${dragged.features.join(",")})`);
  const sheet = await tapUntil("Settings", (s) => s.buttons && s.buttons["Settings done"], "the settings sheet");
  await p.waitForTimeout(400);
  await p.screenshot({ path: path.join(artifacts, "12-phone-settings.png") });
  const folded = await tapUntil("Settings done", (s) => s.buttons && !s.buttons["Settings done"], "the sheet folded away");
  check(Boolean(sheet && folded), "the phone's settings open as a sheet over the network and fold away with Done");
  const played = await tapUntil("Play", (s) => s.playing && s.epoch > 3, "training after a tap on Play", 2);
  check(played.epoch > 3, `a tap on Play trains on a phone (epoch ${played.epoch})`);

  // The tablet: the first level by touch.
  await p.setViewportSize({ width: 1024, height: 768 });
  await p.goto(base);
  await waitOn((s) => s.screen === "Title", "the title on a tablet");
  await tapUntil("Playground Challenges", (s) => s.screen === "LevelSelect", "the level list");
  await tapUntil("Play perceptron", (s) => s.screen === "Level", "the first level");
  const level = await waitOn((s) => s.layout && s.buttons && s.buttons.Start && s.positions, "the tablet layout with the briefing");
  await tapUntil("Start", (s) => s.buttons && !s.buttons.Start, "the briefing closed");
  const withFeature = await dragFeature("x2");
  const won = await tapUntil("Play", (s) => s.playing && s.epoch > 5, "the level training", 2);
  await waitOn((s) => s.test_accuracy !== null && s.test_accuracy >= 0.95, "the perceptron's goal", 40).catch(() => null);
  await p.waitForTimeout(600);
  await p.screenshot({ path: path.join(artifacts, "13-tablet-level.png") });
  check(level.layout === "tablet" && withFeature.features.includes("x2") && won.epoch > 5,
        `a 1024x768 tablet gets the tablet layout (${level.layout}); the first level is played by touch (x2 dragged in, epoch ${won.epoch})`);
  report.touch = { phone_play_button_px: playHeight, phone_settings_button_px: settingsHeight };

  // Every other level on the tablet, by touch: opened from the list (scrolled with a finger where
  // it is below the fold), its briefing closed, Play tapped, training seen. Progress is seeded
  // with every level solved, as a student's would be after playing them in order.
  const levelFiles = fs.readdirSync(path.join(dist, "levels")).filter((f) => f.endsWith(".ron")).sort();
  const levels = levelFiles.flatMap((f) => {
    const text = fs.readFileSync(path.join(dist, "levels", f), "utf8");
    const id = /\bid:\s*"([^"]+)"/.exec(text);
    const mode = /\bmode:\s*"([^"]+)"/.exec(text);
    // A level won by writing a kernel, not by training (its Train button is off).
    const byKernel = /\bgoal:\s*VerticalEdges/.test(text);
    return id ? [{ id: id[1], mode: mode ? mode[1] : "playground", byKernel }] : [];
  });
  const solved = Object.fromEntries(levels.map(({ id }) => [id, { solved: true, stars: [true], best_epoch: 1 }]));
  await p.evaluate((progress) => localStorage.setItem("neural-sandbox.progress", progress),
                   JSON.stringify({ version: 1, levels: solved, sandbox: null }));
  const tried = [];
  const flows = {
    playground: { title: "Playground Challenges", screen: "Level", briefing: "Start", play: "Play", count: "epoch" },
    gan: { title: "GAN Challenges", screen: "GanLevel", briefing: "Begin", play: "Play", count: "epoch" },
    cnn: { title: "CNN Challenges", screen: "CnnLevel", briefing: "Begin", play: "play", count: "steps" },
  };
  for (const { id, mode, byKernel } of levels.filter((l) => l.id !== "perceptron")) {
    const flow = flows[mode];
    try {
      await p.goto(base);
      await waitOn((s) => s.screen === "Title", "the title on a tablet");
      await tapUntil(flow.title, (s) => s.screen === "LevelSelect", "the level list");
      for (let scrolls = 0; scrolls < 8; scrolls++) {
        const s = await waitOn((s) => s.buttons && s.buttons[`Play ${id}`], `the Play button of ${id}`);
        if (s.buttons[`Play ${id}`][1] < 690) break;
        await slide([512, 600], [512, 330]);
      }
      await tapUntil(`Play ${id}`, (s) => s.screen === flow.screen, `the level ${id}`);
      if (id === "overfitting") {  // the longest briefing: its Start must be on screen
        await waitOn((s) => s.buttons && s.buttons.Start, "the overfitting briefing");
        await p.waitForTimeout(600);
        await p.screenshot({ path: path.join(artifacts, "13-tablet-briefing.png") });
      }
      await tapUntil(flow.briefing, (s) => s.buttons && s.buttons[flow.play] && !s.buttons[flow.briefing], `${id}'s briefing closed`);
      if (byKernel) {
        await tapUntil("first_conv_map", (s) => s.detail !== null, `${id}'s first kernel`);
        // The kernel's presets are under the maps on a tablet: a finger scrolls the detail.
        for (let scrolls = 0; scrolls < 6; scrolls++) {
          const s = await waitOn((s) => s.buttons && s.buttons["kernel vertical edge"], "the kernel's presets");
          if (s.buttons["kernel vertical edge"][1] < 720) break;
          await slide([490, 500], [490, 300]);
        }
        await tapUntil("kernel vertical edge", (s) => s.level_phase === "Won", `${id} won with a vertical edge kernel`);
        tried.push(`${id} won by a tapped kernel`);
        continue;
      }
      // Training has begun once the count moves (the learning-rate level then stops itself: its
      // rate diverges on purpose, and the game says so).
      const start = (await waitOn((s) => s[flow.count] !== undefined, `${id}'s ${flow.count}`))[flow.count];
      const trained = await tapUntil(flow.play, (s) => s[flow.count] > start, `${id} training`, 2);
      await p.waitForTimeout(1000);
      tried.push(`${id} ${flow.count} ${(await waitOn(() => true, "state"))[flow.count] ?? trained[flow.count]}`);
      if (id === "gan-two-blobs" || id === "cnn-few-parameters") {
        await p.waitForTimeout(800);
        await p.screenshot({ path: path.join(artifacts, `13-tablet-${mode}-level.png`) });
      }
    } catch (e) {
      tried.push(`${id} FAILED: ${String(e).slice(0, 160)}`);
    }
  }
  const failedLevels = tried.filter((line) => line.includes("FAILED"));
  check(failedLevels.length === 0 && tried.length === levels.length - 1,
        `every level opens from the list, starts and trains by touch on a 1024x768 tablet (${tried.join("; ")})`);
  await context.close();
} catch (e) {
  check(false, String(e));
}

check(errors.length === 0, `no page error or panic${errors.length ? ": " + errors.join(" | ") : ""}`);
await browser.close();
server.close();
console.log(`\nscreenshots: ${artifacts}`);
console.log(`figures: ${JSON.stringify(report)}`);
if (failures.length) {
  console.log(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log("all checks passed");
