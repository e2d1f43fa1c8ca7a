// Text crafted to be expensive, in a real Chromium (issue 10): a room holding
// 50 messages of `https://a.b/` and thousands of `)` (each cost the first
// linkify 90-160 ms, and the log ran it again for every message on every
// render), opened by a reader who then watches five people join and leave.
// What the reader must notice is nothing: the room opens, each join and leave
// shows up, and typing answers. What the test asserts without a clock: the
// joins and leaves send no message through linkify again (each message's
// parts are computed once). The waits and the longest task on the page's
// main thread are printed, not asserted (no timing thresholds in tests:
// speed belongs in the benchmark); the linear cost itself is proven by the
// size sweep of test/unit/linkify-cost.test.ts.
// And names crafted to look like another: the log tells them apart by tag.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageFrame } from "../../protocol";
import { openClient } from "../lib/client";
import { type DevServer, startDevServer } from "../lib/wrangler";
import {
  composer,
  freshRoom,
  items,
  joinFromLanding,
  launch,
  log,
  type Person,
  person,
  SEE_WITHIN,
  seeCount,
} from "./helpers";

/** Each message: a label, the URL, and `)` up to the 4000 code points a message may have. */
const crafted = (i: number) => `hostile #${i} https://a.b/${")".repeat(3970)}`;
const COUNT = 50;

let server: DevServer;
let browser: Browser;
let reader: Person;

beforeAll(async () => {
  [server, browser] = await Promise.all([
    // Room for 50 messages at once from one client; the text is the point here.
    startDevServer({
      vars: { RATE_BURST: 100, RATE_PER_SEC: 100, ADDR_RATE_BURST: 200, ADDR_RATE_PER_SEC: 100 },
    }),
    launch(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

/**
 * Installed before the page's first script: records the page's long tasks
 * (over 50 ms), and counts how often a crafted text goes through linkify, by
 * the `matchAll` with which linkify looks for links (nothing else on the page
 * calls it on a message's text).
 */
const PROBES = `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push(Math.round(e.duration));
  }).observe({ type: "longtask", buffered: true });
  window.__linkified = 0;
  const matchAll = String.prototype.matchAll;
  String.prototype.matchAll = function (re) {
    if (String(this).startsWith("hostile #")) window.__linkified++;
    return matchAll.call(this, re);
  };
`;

describe("a room full of crafted links", () => {
  it("opens, shows joins and leaves, and keeps typing prompt", async () => {
    const room = freshRoom("hostile");
    const sender = await openClient(server.wsUrl(room));
    sender.send({ type: "join", name: "Mallory" });
    await sender.next("welcome");
    for (let i = 1; i <= COUNT; i++) {
      sender.send({
        type: "send",
        id: `hostile-text-${String(i).padStart(9, "0")}`,
        text: crafted(i),
      });
    }
    await sender.next("message", (m: MessageFrame) => m.text === crafted(COUNT), SEE_WITHIN);

    reader = await person(browser, server.url);
    const page = reader.page;
    await page.addInitScript(PROBES);
    const opened = Date.now();
    await joinFromLanding(page, "Reader", room);
    const last = items(page, `hostile #${COUNT} `);
    await seeCount(last, 1);
    console.log(`hostile text: the room opened in ${Date.now() - opened} ms`);
    // Each message links the URL, and only the URL.
    await seeCount(log(page).getByRole("link", { name: "https://a.b/", exact: true }), COUNT);
    expect(await last.getByRole("link").getAttribute("href")).toBe("https://a.b/");

    // Every message went through linkify; the renders for the joins and
    // leaves below must not send any through again.
    const linkified = async () => (await page.evaluate("window.__linkified")) as number;
    const before = await linkified();
    expect(before).toBeGreaterThanOrEqual(COUNT);

    const box = composer(page);
    let typed = "";
    /** Milliseconds until the reader saw each join and leave, and each key typed meanwhile. */
    const waits: { what: string; ms: number }[] = [];
    const timed = async (what: string, seen: () => Promise<unknown>) => {
      const start = Date.now();
      await seen();
      waits.push({ what, ms: Date.now() - start });
    };
    try {
      for (let i = 1; i <= 5; i++) {
        const name = `Guest${i}`;
        const guest = await openClient(server.wsUrl(room));
        await timed(`${name} joined`, async () => {
          guest.send({ type: "join", name });
          await seeCount(items(page, `${name} joined`), 1);
        });
        // A key typed while the room changes is in the box at once.
        await timed("a key", async () => {
          await box.press(String(i));
          typed += String(i);
          await expect.poll(() => box.inputValue()).toBe(typed);
        });
        await timed(`${name} left`, async () => {
          guest.send({ type: "leave" });
          await seeCount(items(page, `${name} left`), 1);
        });
        guest.close();
      }
    } finally {
      // What the page went through, printed whether or not it kept up.
      const seen = (await Promise.race([
        page.evaluate("({ long: window.__longTasks, linkified: window.__linkified })"),
        new Promise((resolve) => setTimeout(() => resolve(null), SEE_WITHIN)),
      ])) as { long: number[]; linkified: number } | null;
      console.log(
        seen
          ? `hostile text: ${seen.long.length} long tasks, the longest ${Math.max(0, ...seen.long)} ms (${seen.long.join(", ")}); linkify ran ${before} times on opening, ${seen.linkified - before} more for the joins and leaves`
          : "hostile text: the page did not answer within 30 s",
      );
      console.log(`hostile text: waits ${waits.map((w) => `${w.what} ${w.ms} ms`).join(", ")}`);
    }
    // The page still answers a round trip from the test.
    expect(await page.evaluate("1 + 1")).toBe(2);
    expect((await linkified()) - before).toBe(0);
    expect(reader.errors).toEqual([]);
    sender.close();
  });
});

describe("a name that looks like another", () => {
  it("is shown in the log with its network tag while both are present", async () => {
    const room = freshRoom("lookalike");
    const alice = await person(browser, server.url);
    const page = alice.page;
    await joinFromLanding(page, "Alice", room);
    await composer(page).fill("hello from Alice");
    await composer(page).press("Enter");

    // A Cyrillic А, then the rest in Latin; and someone with a name of their own.
    const fake = await openClient(server.wsUrl(room));
    fake.send({ type: "join", name: "\u0410lice" });
    const { you } = await fake.next("welcome");
    fake.send({ type: "send", id: "lookalike-message-000001", text: "hello from the look-alike" });
    const bob = await openClient(server.wsUrl(room));
    bob.send({ type: "join", name: "Bob" });
    await bob.next("welcome");
    bob.send({ type: "send", id: "lookalike-message-000002", text: "hello from Bob" });

    const fromFake = items(page, "hello from the look-alike");
    await seeCount(fromFake, 1);
    await seeCount(items(page, "hello from Bob"), 1);
    // The tag is shown, and named for what it is.
    await seeCount(
      fromFake.getByTitle(`tag ${you.tag}: same tag = same network address in this room`),
      1,
    );
    expect(await fromFake.getByText(`#${you.tag}`, { exact: true }).isVisible()).toBe(true);
    // Alice's own messages show hers (both from this machine: the same tag);
    // Bob's name looks like no one's, and shows none.
    await seeCount(items(page, "hello from Alice").getByText(/^#[0-9a-f]{8}$/), 1);
    expect(
      await items(page, "hello from Bob")
        .getByText(/^#[0-9a-f]{8}$/)
        .count(),
    ).toBe(0);

    // Once the look-alike has left, no name needs telling apart.
    fake.send({ type: "leave" });
    await seeCount(items(page, "\u0410lice left"), 1);
    await seeCount(log(page).getByText(/^#[0-9a-f]{8}$/), 0);
    expect(alice.errors).toEqual([]);
    bob.close();
    fake.close();
  });
});
