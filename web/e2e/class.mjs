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

  // A student in the game: the class link opens the game's join window.
  const game = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
  game.on("pageerror", (e) => errors.push(`game: ${e.message}`));
  game.on("console", (m) => { if (m.text().includes("panicked")) errors.push(`game panic: ${m.text()}`); });
  await game.goto(joinLink);
  const g = drive(game, "the student's game");
  const asked = await g.waitFor((s) => s.class_join_open && s.class_buttons && s.class_buttons.class_name, "the join window", 180);
  // The window is centred from its size of the frame before: its place is trusted once settled.
  await game.waitForTimeout(1500);
  const settled = (await g.state()) || asked;
  await game.screenshot({ path: path.join(artifacts, "class-02-join-window.png") });
  await g.click(settled.class_buttons.class_name);
  await game.waitForTimeout(500);
  await game.keyboard.type("Eve in the game", { delay: 80 });
  await game.waitForTimeout(500);
  const ready = await g.waitFor((s) => s.class_buttons && s.class_buttons.class_join, "the Join button", 10);
  await g.click(ready.class_buttons.class_join);
  const inClass = await g.waitFor((s) => s.class_code === code && s.class_waiting === 0, "joining from the game", 30);
  check(inClass.class_student === "Eve in the game", `a student joins from the game's join window (as "${inClass.class_student}")`);
  await g.press("Playground Sandbox", (s) => s.screen === "Sandbox", "the sandbox");
  let handedIn = null;
  for (let attempt = 0; attempt < 3 && !handedIn; attempt++) {
    await g.choose("File", "Hand in experiment", () => true, "the hand-in", 1).catch(() => null);
    handedIn = await teacher.waitForFunction(() => [...document.querySelectorAll("#work tbody tr")]
      .find((r) => r.cells[0].textContent === "Eve in the game")?.cells[1].textContent, null, { timeout: 8000 })
      .then((h) => h.jsonValue()).catch(() => null);
  }
  const eveShown = await teacher.waitForFunction(() => [...document.querySelectorAll("#table tbody tr")]
    .some((r) => r.cells[0].textContent === "Eve in the game"), null, { timeout: 5000 }).then(() => true).catch(() => false);
  await game.screenshot({ path: path.join(artifacts, "class-03-handed-in.png") });
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
