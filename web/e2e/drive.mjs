// Driving the game in a page as a player does: its state (window.neuralSandboxState), buttons
// where the game says they are, clicks and keys at a person's pace. Shared by the browser tests.
export function drive(p, label = "") {
  const where = label ? ` (${label})` : "";
  const state = () => p.evaluate(() => window.neuralSandboxState ? JSON.parse(window.neuralSandboxState) : null)
    .catch(() => null);
  async function waitFor(predicate, what, seconds = 60) {
    const until = Date.now() + seconds * 1000;
    for (;;) {
      const s = await state();
      if (s && predicate(s)) return s;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}${where}: ${JSON.stringify(s)?.slice(0, 400)}`);
      await p.waitForTimeout(50);
    }
  }
  // Where a button is once the layout has settled. egui places a centred window from the size
  // it had the frame before, so the first frames of a screen publish places the button then
  // leaves (a click there lands on the text beside it): the same place in two states at least
  // five frames apart is trusted.
  async function button(name, seconds = 30) {
    const until = Date.now() + seconds * 1000;
    let seen = null;
    for (;;) {
      const s = await waitFor((s) => s.buttons && s.buttons[name], `the ${name} button`, seconds);
      const at = s.buttons[name];
      if (seen && seen.at[0] === at[0] && seen.at[1] === at[1]) {
        if (s.frames >= seen.frames + 5) return at;
      } else {
        seen = { at, frames: s.frames };
      }
      if (Date.now() > until) throw new Error(`the ${name} button never settled${where} (last at ${at})`);
      await p.waitForTimeout(50);
    }
  }
  async function click([x, y]) {
    await p.mouse.move(x, y);
    await p.waitForTimeout(150);
    await p.mouse.down();
    await p.waitForTimeout(150);  // a person's click: the game may run at a few frames a second
    await p.mouse.up();
    await p.waitForTimeout(300);
  }
  // Clicks a button until the game shows it answered (a player clicks again when a click falls
  // between two layouts); the state that answered.
  async function press(name, answered, what, tries = 3) {
    for (let attempt = 0; attempt < tries; attempt++) {
      await click(await button(name));
      const s = await waitFor(answered, what, 8).catch(() => null);
      if (s) return s;
    }
    throw new Error(`clicking ${name} ${tries} times did not lead to ${what}${where}: ${JSON.stringify(await state())?.slice(0, 400)}`);
  }
  async function key(name) {
    await p.keyboard.down(name);
    await p.waitForTimeout(150);
    await p.keyboard.up(name);
    await p.waitForTimeout(200);
  }
  // Opens one of the top bar's menus and clicks an item (a menu publishes its items only while it
  // is open, and they stay where they open, so they are clicked at once).
  async function choose(menu, item, answered, what, tries = 4) {
    for (let attempt = 0; attempt < tries; attempt++) {
      let s = await state();
      if (!(s && s.buttons && s.buttons[item])) {
        await click(await button(menu));
        s = await waitFor((s) => s.buttons && s.buttons[item], `the ${item} item`, 10).catch(() => null);
        if (!s) continue;
      }
      await click(s.buttons[item]);
      const done = await waitFor(answered, what, 8).catch(() => null);
      if (done) return done;
    }
    throw new Error(`choosing ${menu} > ${item} ${tries} times did not lead to ${what}${where}: ${JSON.stringify(await state())?.slice(0, 400)}`);
  }
  return { state, waitFor, button, click, press, key, choose };
}
