// The page at the edges of the protocol, against servers with test limits:
// a long history paged back by scrolling to the top, and a rate limit that
// Send waits out with a visible countdown before delivering everything once,
// and (v2) an operator's MAX_TEXT that the composer follows from the welcome.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openClient } from "../lib/client";
import { type DevServer, startDevServer } from "../lib/wrangler";
import {
  button,
  composer,
  freshRoom,
  items,
  joinFromLanding,
  launch,
  log,
  person,
  SEE_WITHIN,
  seeCount,
} from "./helpers";

let browser: Browser;

/** Message texts in the log that are exactly `text`. */
const texts = (page: Page, text: string) =>
  log(page)
    .locator(".msg .text")
    .filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) });

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

describe("a long history", () => {
  let server: DevServer;
  const fast = { RATE_BURST: 500, RATE_PER_SEC: 500, ADDR_RATE_BURST: 500, ADDR_RATE_PER_SEC: 500 };

  beforeAll(async () => {
    server = await startDevServer({ vars: fast });
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it("loads older messages when scrolled to the top, and offers a jump to new ones", async () => {
    const room = freshRoom("history");
    // 120 messages from a protocol client: more than the welcome's 50.
    const seeder = await openClient(server.wsUrl(room));
    seeder.send({ type: "join", name: "Seeder" });
    await seeder.next("welcome");
    for (let i = 1; i <= 120; i++) {
      seeder.send({
        type: "send",
        id: `seed-message-${String(i).padStart(6, "0")}`,
        text: `old #${i}`,
      });
    }
    await seeder.next("message", (m) => m.text === "old #120", 30_000);
    seeder.close();

    const { page } = await person(browser, server.url);
    await joinFromLanding(page, "Reader", room);
    await seeCount(texts(page, "old #120"), 1);
    expect(await texts(page, "old #70").count()).toBe(0);
    // Scrolling to the top, again and again, brings the whole room back.
    await expect
      .poll(
        async () => {
          await log(page).hover();
          await page.mouse.wheel(0, -20_000);
          return texts(page, "old #1").count();
        },
        { timeout: SEE_WITHIN, interval: 300 },
      )
      .toBe(1);
    await page.getByText("This is the beginning of the room.").waitFor();
    const all = await log(page).locator(".msg .text").allTextContents();
    expect(all).toEqual(Array.from({ length: 120 }, (_, i) => `old #${i + 1}`));

    // Scrolled up, a new message does not pull the reader down: a button offers the jump.
    const writer = await openClient(server.wsUrl(room));
    writer.send({ type: "join", name: "Writer" });
    await writer.next("welcome");
    writer.send({ type: "send", id: "fresh-message-000001", text: "fresh news" });
    await writer.next("message");
    const jump = page.getByRole("button", { name: "New messages ↓" });
    await jump.waitFor({ timeout: SEE_WITHIN });
    expect(await texts(page, "old #1").isVisible()).toBe(true);
    await jump.click();
    await expect.poll(() => jump.count()).toBe(0);
    const box = await log(page).boundingBox();
    const fresh = await texts(page, "fresh news").boundingBox();
    expect(box && fresh && fresh.y + fresh.height <= box.y + box.height + 1).toBe(true);
    writer.close();
  });
});

describe("a rate limit", () => {
  let server: DevServer;

  beforeAll(async () => {
    server = await startDevServer({ vars: { RATE_BURST: 2, RATE_PER_SEC: 0.25 } });
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it("waits out rate_limited with a countdown, then delivers each message once", async () => {
    const room = freshRoom("rate");
    const alice = await person(browser, server.url);
    const bob = await person(browser, server.url);
    await joinFromLanding(alice.page, "Alice", room);
    await joinFromLanding(bob.page, "Bob", room);
    for (const n of [1, 2, 3]) {
      await composer(alice.page).fill(`burst ${n}`);
      await composer(alice.page).press("Enter");
    }
    // The third is refused for now: Send waits, and says for how long.
    await alice.page.getByText(/^Sending paused: wait \d+ s$/).waitFor({ timeout: SEE_WITHIN });
    expect(await button(alice.page, "Send").isDisabled()).toBe(true);
    await seeCount(items(bob.page, "burst 3"), 1);
    expect(await button(alice.page, "Send").isDisabled()).toBe(false);
    const all = await log(bob.page).locator(".msg .text").allTextContents();
    expect(all).toEqual(["burst 1", "burst 2", "burst 3"]);
  });
});

describe("an operator's MAX_TEXT", () => {
  let server: DevServer;

  beforeAll(async () => {
    server = await startDevServer({ vars: { MAX_TEXT: 500 } });
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it("is what the composer counts and refuses, as the welcome tells it", async () => {
    const { page } = await person(browser, server.url);
    await joinFromLanding(page, "Alice", freshRoom("maxtext"));
    // With the default 4000 no counter would show yet: it shows from 300 left.
    await composer(page).fill("a".repeat(250));
    await seeCount(page.getByText("250 characters left", { exact: true }), 1);
    await composer(page).fill("b".repeat(501));
    await seeCount(page.getByText("A message has at most 500 characters.", { exact: true }), 1);
    await composer(page).press("Enter");
    await composer(page).fill("c".repeat(500));
    await composer(page).press("Enter");
    await seeCount(texts(page, "c".repeat(500)), 1);
    await expect(texts(page, "b".repeat(501)).count()).resolves.toBe(0);
  });
});
