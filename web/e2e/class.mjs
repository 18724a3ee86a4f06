// The class server in Chromium: `neural-sandbox serve` with the web build, a teacher who makes a
// class on the teacher's page, two students who join it and solve the first level (through the
// class API from pages of the server's origin, in browser contexts of their own), and the
// teacher's page showing both, live, within 5 seconds; names escaped; the CSV download. Then a
// student opens the class link in the game itself, types their name in its join window, and
// hands in their experiment from the File menu: the teacher's page shows them and their work.
// Usage: NEURAL_SANDBOX_BIN=target/debug/neural-sandbox node class.mjs ../../dist
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { drive } from "./drive.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(process.argv[2] || path.join(here, "../../dist"));
const bin = process.env.NEURAL_SANDBOX_BIN;
if (!bin) throw new Error("NEURAL_SANDBOX_BIN names the native binary (with the server feature)");
const artifacts = path.join(here, "artifacts");
fs.mkdirSync(artifacts, { recursive: true });
const folder = fs.mkdtempSync(path.join(os.tmpdir(), "neural-sandbox-class-"));

const failures = [];
const check = (ok, what) => { console.log(`${ok ? "ok  " : "FAIL"} ${what}`); if (!ok) failures.push(what); };

const server = spawn(bin, ["serve", "--addr", "127.0.0.1:0", "--dist", dist, "--database", `sqlite://${folder}/class.sqlite`],
                     { stdio: ["ignore", "pipe", "inherit"] });
const base = await new Promise((resolve, reject) => {
  const lines = readline.createInterface({ input: server.stdout });
  lines.once("line", (line) => {
    const found = /^listening on (http:\/\/\S+)$/.exec(line);
    found ? resolve(found[1]) : reject(new Error(`serve said: ${line}`));
  });
  server.once("exit", (code) => reject(new Error(`serve exited with ${code}`)));
});

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-quic"],
});
const errors = [];
try {
  const teacher = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })).newPage();
  teacher.on("pageerror", (e) => errors.push(`teacher's page: ${e.message}`));
  await teacher.goto(`${base}/teacher`);
  await teacher.fill("#make-name", "Year 10 <b>Tuesday</b> & co");
  await teacher.click("#make button[type=submit]");
  await teacher.waitForFunction(() => /^[A-Z0-9]{8}$/.test(document.getElementById("code").textContent), null, { timeout: 10000 });
  await teacher.waitForFunction(() => document.getElementById("class-name").textContent !== "your class" &&
                                      document.getElementById("qr").complete, null, { timeout: 10000 }).catch(() => null);
  const code = await teacher.textContent("#code");
  const joinLink = await teacher.textContent("#join-link");
  const heading = await teacher.textContent("#class-name");
  const qr = await teacher.evaluate(() => document.getElementById("qr").naturalWidth);
  check(joinLink === `${base}/?class=${code}` && heading === "Year 10 <b>Tuesday</b> & co" && qr > 0,
        `a teacher makes a class on the teacher's page (code ${code}; join link ${joinLink}; QR code ${qr} px; the name as typed: ${heading})`);

  // Two students, each in a browser of their own, join and solve the first level.
  const names = ["Ana <img src=x onerror=window.pwned=1>", "Bo & \"Cy\""];
  const students = [];
  for (const name of names) {
    const page = await (await browser.newContext()).newPage();
    page.on("pageerror", (e) => errors.push(`student's page: ${e.message}`));
    await page.goto(`${base}/api/classes/${code}`);
    const joined = await page.evaluate(async ([code, name]) => {
      const answer = await fetch(`/api/classes/${code}/join`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name }) });
      return { status: answer.status, body: await answer.json() };
    }, [code, name]);
    students.push({ page, key: joined.body.student_key, status: joined.status });
  }
  check(students.every((s) => s.status === 201 && s.key), "two students join the class from their own browsers");
  let solvedAt = 0;
  for (const [i, student] of students.entries()) {
    const status = await student.page.evaluate(async ([key, epochs]) => {
      const answer = await fetch("/api/progress", { method: "PUT", headers: { "Content-Type": "application/json", Authorization: `Bearer ${key}` },
                                                    body: JSON.stringify({ level: "perceptron", stars: 3, score: 0.98, epochs }) });
      return answer.status;
    }, [student.key, 40 + i]);
    check(status === 200, `student ${i + 1} solves the first level (progress acknowledged)`);
    solvedAt = Date.now();
  }
  const shown = await teacher.waitForFunction((names) => {
    const rows = [...document.querySelectorAll("#table tbody tr")];
    return names.every((n) => rows.some((r) => r.cells[0].textContent === n && r.textContent.includes("★★★")));
  }, names, { timeout: 10000 }).then(() => Date.now() - solvedAt).catch(() => null);
  await teacher.screenshot({ path: path.join(artifacts, "class-01-teacher.png"), fullPage: true });
  check(shown !== null && shown <= 5000, `the teacher's page shows both students with three stars ${shown === null ? "never" : `${(shown / 1000).toFixed(1)} s`} after the second solved it, without reloading`);
  const pwned = await teacher.evaluate(() => window.pwned);
  const html = await teacher.evaluate(() => document.querySelector("#table tbody").innerHTML);
  check(pwned === undefined && html.includes("&lt;img") && !html.includes("<img"), "a student's name with markup is shown as text");

  const downloaded = teacher.waitForEvent("download", { timeout: 10000 });
  await teacher.click("#download-csv");
  const csvFile = path.join(folder, "report.csv");
  await (await downloaded).saveAs(csvFile);
  const csv = fs.readFileSync(csvFile, "utf8");
  check(csv.startsWith("student,student_id,level,stars,score,epochs,updated") && csv.includes("perceptron,3,0.98,40,") &&
        csv.includes("\"Bo & \"\"Cy\"\"\""), `the report downloads as CSV (${csv.trim().split("\n").length - 1} rows)`);

  // Students in the game: the class link opens the game's join window; each plays the first
  // level (X2 dragged onto the inputs, Play) until it is won, and the teacher's page shows them.
  const joinInGame = async (name, shotName) => {
    const game = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
    game.on("pageerror", (e) => errors.push(`game: ${e.message}`));
    game.on("console", (m) => { if (m.text().includes("panicked")) errors.push(`game panic: ${m.text()}`); });
    await game.goto(joinLink);
    const g = drive(game, `${name}'s game`);
    const asked = await g.waitFor((s) => s.class_join_open && s.class_buttons && s.class_buttons.class_name, "the join window", 180);
    // The window is centred from its size of the frame before: its place is trusted once settled.
    await game.waitForTimeout(1500);
    const settled = (await g.state()) || asked;
    if (shotName) await game.screenshot({ path: path.join(artifacts, shotName) });
    await g.click(settled.class_buttons.class_name);
    await game.waitForTimeout(500);
    await game.keyboard.type(name, { delay: 80 });
    await game.waitForTimeout(500);
    const ready = await g.waitFor((s) => s.class_buttons && s.class_buttons.class_join, "the Join button", 10);
    await g.click(ready.class_buttons.class_join);
    const inClass = await g.waitFor((s) => s.class_code === code && s.class_waiting === 0, "joining from the game", 30);
    return { game, g, inClass };
  };
  const playFirstLevel = async ({ game, g }) => {
    await g.press("Playground Challenges", (s) => s.screen === "LevelSelect", "the level list");
    await g.press("Play perceptron", (s) => s.screen === "Level", "the first level");
    await g.press("Start", (s) => s.buttons && !s.buttons.Start, "the briefing closed");
    for (let attempt = 0; attempt < 3; attempt++) {
      const s = await g.waitFor((s) => s.positions && s.positions.chips && s.positions.chips.x2, "the X2 chip", 20);
      const [from, to] = [s.positions.chips.x2, s.positions.columns[0]];
      await game.mouse.move(from[0], from[1]);
      await game.mouse.down();
      for (let k = 1; k <= 12; k++) {
        await game.mouse.move(from[0] + (to[0] - from[0]) * k / 12, from[1] + (to[1] - from[1]) * k / 12);
        await game.waitForTimeout(60);
      }
      await game.mouse.up();
      if (await g.waitFor((s) => s.features && s.features.includes("x2"), "X2 among the inputs", 6).catch(() => null)) break;
    }
    await g.press("Play", (s) => s.playing, "the level training");
    // The level stops at its goal or its budget; its stars are then in the save, and sent.
    const ended = await g.waitFor((s) => s.epoch > 5 && !s.playing, "the first level to end", 90).catch(() => null);
    if (ended) return ended;
    const s = await g.state();
    throw new Error(`the first level did not end: epoch ${s.epoch}, playing ${s.playing}, features ${s.features}, test accuracy ${s.test_accuracy}, screen ${s.screen}`);
  };
  const players = [];
  for (const [i, name] of ["Eve in the game", "Finn in the game"].entries()) {
    const player = await joinInGame(name, i === 0 ? "class-02-join-window.png" : null);
    check(player.inClass.class_student === name, `a student joins from the game's join window (as "${player.inClass.class_student}")`);
    const ended = await playFirstLevel(player);
    player.wonAt = Date.now();
    check(ended.features.includes("x2") && ended.test_accuracy >= 0.95,
          `${name} plays the first level in the game with X2 dragged in (test accuracy ${ended.test_accuracy} at epoch ${ended.epoch})`);
    players.push(player);
  }
  // The goal's star (★) on the perceptron, for both.
  const bothShown = await teacher.waitForFunction(() => ["Eve in the game", "Finn in the game"].every((n) =>
    [...document.querySelectorAll("#table tbody tr")].some((r) => r.cells[0].textContent === n && r.textContent.includes("★"))),
    null, { timeout: 10000 }).then(() => Date.now() - players[1].wonAt).catch(() => null);
  await teacher.screenshot({ path: path.join(artifacts, "class-03-teacher-game-students.png"), fullPage: true });
  check(bothShown !== null && bothShown <= 5000,
        `the teacher's page shows both game students' stars on the first level ${bothShown === null ? "never" : `${(bothShown / 1000).toFixed(1)} s`} after the second won it`);
  const { game, g } = players[0];
  await game.keyboard.press("Escape");
  await g.waitFor((s) => s.screen !== "Level", "leaving the level", 20).catch(() => null);
  await game.keyboard.press("Escape");
  await g.waitFor((s) => s.screen === "Title", "the title", 20).catch(() => null);
  await g.press("Playground Sandbox", (s) => s.screen === "Sandbox", "the sandbox");
  let handedIn = null;
  for (let attempt = 0; attempt < 3 && !handedIn; attempt++) {
    await g.choose("File", "Hand in experiment", () => true, "the hand-in", 1).catch(() => null);
    handedIn = await teacher.waitForFunction(() => [...document.querySelectorAll("#work tbody tr")]
      .find((r) => r.cells[0].textContent === "Eve in the game")?.cells[1].textContent, null, { timeout: 8000 })
      .then((h) => h.jsonValue()).catch(() => null);
  }
  // A recording: Record, three seconds, Stop, then File > Hand in the recording.
  await g.press("Record", (s) => s.recording === true, "recording");
  await game.waitForTimeout(3000);
  await g.press("Record", (s) => s.recording === false, "the recording stopped");
  await game.waitForTimeout(1000);
  let recordingIn = null;
  for (let attempt = 0; attempt < 3 && !recordingIn; attempt++) {
    await g.choose("File", "Hand in recording", () => true, "the recording's hand-in", 1).catch(() => null);
    recordingIn = await teacher.waitForFunction(() => [...document.querySelectorAll("#work tbody tr")]
      .find((r) => r.cells[0].textContent === "Eve in the game" && r.cells[1].textContent.endsWith(".webm"))?.cells[2].textContent,
      null, { timeout: 10000 }).then((h) => h.jsonValue()).catch(() => null);
  }
  check(recordingIn === "recording", `a WebM recording handed in from the game reaches the teacher's page (${recordingIn})`);
  const eveShown = await teacher.waitForFunction(() => [...document.querySelectorAll("#table tbody tr")]
    .some((r) => r.cells[0].textContent === "Eve in the game"), null, { timeout: 5000 }).then(() => true).catch(() => false);
  await game.screenshot({ path: path.join(artifacts, "class-05-handed-in.png") });
  await teacher.screenshot({ path: path.join(artifacts, "class-04-teacher-work.png"), fullPage: true });
  check(eveShown && handedIn !== null && handedIn.endsWith(".json"),
        `the experiment handed in from the game's File menu reaches the teacher's page (${handedIn})`);
  check(errors.length === 0, `no page error${errors.length ? `: ${errors.join("; ")}` : ""}`);
} catch (e) {
  check(false, String(e.stack || e));
} finally {
  await browser.close();
  server.kill("SIGTERM");
  fs.rmSync(folder, { recursive: true, force: true });
}
if (failures.length) {
  console.log(`${failures.length} class check(s) failed`);
  process.exit(1);
}
