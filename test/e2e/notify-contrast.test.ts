// Two promises of the page that the other browser tests do not show: a
// desktop notification when someone writes your name (only if you turned it
// on), and text that meets WCAG AA contrast in the light and the dark theme.
// Headless Chromium shows no notifications, so the page gets a recording
// stand-in for the Notification API before it loads.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openClient } from "../lib/client";
import { type DevServer, startDevServer } from "../lib/wrangler";
import {
  composer,
  freshRoom,
  joinFromLanding,
  launch,
  log,
  person,
  SEE_WITHIN,
  seeText,
} from "./helpers";

let server: DevServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer(), launch()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

const FAKE_NOTIFICATIONS = `
  window.__notes = [];
  class FakeNotification {
    static permission = "granted";
    static requestPermission() { return Promise.resolve("granted"); }
    constructor(title, options) { window.__notes.push({ title, body: options && options.body }); }
    close() {}
  }
  window.Notification = FakeNotification;
  // The tab is in the background, as when a notification matters.
  document.hasFocus = () => false;
`;

describe("mention notifications", () => {
  it("notify when someone writes your name, only once turned on", async () => {
    const room = freshRoom("notify");
    const alice = await person(browser, server.url);
    await alice.context.addInitScript(FAKE_NOTIFICATIONS);
    await joinFromLanding(alice.page, "alice", room);
    const notes = () =>
      alice.page.evaluate("window.__notes") as Promise<{ title: string; body: string }[]>;

    const bob = await openClient(server.wsUrl(room));
    bob.send({ type: "join", name: "bob" });
    await bob.next("welcome");
    bob.send({ type: "send", id: "mention-before-toggle-1", text: "alice, before you asked" });
    await seeText(log(alice.page).getByText("before you asked"), "before you asked");
    expect(await notes()).toEqual([]);

    await alice.page.getByRole("checkbox", { name: "Notify me" }).check();
    bob.send({ type: "send", id: "mention-after-toggle-1", text: "nothing for her here" });
    bob.send({ type: "send", id: "mention-after-toggle-2", text: "hey Alice, look at this" });
    await seeText(log(alice.page).getByText("look at this"), "look at this");
    await expect.poll(notes, { timeout: SEE_WITHIN }).toHaveLength(1);
    const [note] = await notes();
    expect(note?.title).toContain("bob");
    expect(note?.body).toBe("hey Alice, look at this");

    // Her own message naming herself does not notify her.
    await composer(alice.page).fill("alice talks about alice");
    await composer(alice.page).press("Enter");
    await seeText(log(alice.page).getByText("alice talks about alice"), "alice talks");
    expect(await notes()).toHaveLength(1);
    bob.close();
    await alice.context.close();
  });
});

/** Runs in the page: the contrast of every visible piece of text against what is behind it. */
const CONTRAST = `(() => {
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number); return { r, g, b, a }; };
  const lum = ({ r, g, b }) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const behind = (el) => { for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor); if (c && c.a > 0.5) return c; }
    return parse(getComputedStyle(document.documentElement).backgroundColor) || { r: 255, g: 255, b: 255, a: 1 }; };
  const out = []; let checked = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement; if (!el || !n.textContent.trim()) continue;
    const s = getComputedStyle(el); const r = el.getBoundingClientRect();
    if (s.visibility === "hidden" || s.display === "none" || r.width === 0 || r.height === 0 || Number(s.opacity) < 0.5) continue;
    if (el.closest("[aria-hidden=true], [disabled], .sr-only, .visually-hidden")) continue;
    const fg = parse(s.color); const bg = behind(el); if (!fg) continue; checked++;
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x); const ratio = (a + 0.05) / (b + 0.05);
    const size = parseFloat(s.fontSize); const bold = Number(s.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) out.push(el.tagName + "." + el.className + " '" + n.textContent.trim().slice(0, 30) + "' " + ratio.toFixed(2) + " < " + need);
  }
  return { checked, failures: out };
})()`;

async function contrastFailures(page: import("playwright-core").Page): Promise<string[]> {
  const { checked, failures } = (await page.evaluate(CONTRAST)) as {
    checked: number;
    failures: string[];
  };
  // A check that found no text would prove nothing.
  expect(checked).toBeGreaterThan(5);
  return failures;
}

describe("contrast", () => {
  for (const colorScheme of ["light", "dark"] as const) {
    it(`meets WCAG AA for every text in the ${colorScheme} theme`, async () => {
      const room = freshRoom("contrast");
      const p = await person(browser, server.url, { colorScheme });
      await p.page.goto("/");
      // The landing page is a lazy chunk: measure once it shows.
      await p.page.getByRole("heading", { level: 1 }).waitFor();
      expect(await contrastFailures(p.page)).toEqual([]);
      await joinFromLanding(p.page, "carol", room);
      const other = await openClient(server.wsUrl(room));
      other.send({ type: "join", name: "dave" });
      await other.next("welcome");
      other.send({
        type: "send",
        id: `contrast-${colorScheme}-000001`,
        text: "see https://example.com/x",
      });
      await seeText(log(p.page).getByText("see"), "see");
      await composer(p.page).fill("a message of mine");
      await composer(p.page).press("Enter");
      await seeText(log(p.page).getByText("a message of mine"), "a message of mine");
      expect(await contrastFailures(p.page)).toEqual([]);
      other.close();
      await p.context.close();
    });
  }
});
