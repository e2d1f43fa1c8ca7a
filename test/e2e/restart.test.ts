// The server goes away under two open pages and comes back on the same
// persist folder. A message typed and sent while it is down waits as
// "Sending…", and after the restart it arrives exactly once for everyone.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../lib/wrangler";
import {
  composer,
  freshRoom,
  items,
  joinFromLanding,
  launch,
  onlineNames,
  type Person,
  person,
  SEE_WITHIN,
  seeConnected,
  seeCount,
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

/** Long enough for a restart of wrangler dev plus the capped backoff. */
const AFTER_RESTART = 90_000;

it("delivers a message sent while the server was down exactly once", async () => {
  const room = freshRoom("restart");
  const alice: Person = await person(browser, server.url);
  const bob: Person = await person(browser, server.url);
  await joinFromLanding(alice.page, "Alice", room);
  await joinFromLanding(bob.page, "Bob", room);
  await expect
    .poll(() => onlineNames(alice.page), { timeout: SEE_WITHIN })
    .toEqual(["Alice", "Bob"]);
  await composer(bob.page).fill("before the restart");
  await composer(bob.page).press("Enter");
  await seeCount(items(alice.page, "before the restart"), 1);

  await server.stop();
  // Alice sees that she is no longer connected…
  await alice.page
    .getByText(/^(Reconnecting in \d+ s|Connecting…|Offline)$/)
    .first()
    .waitFor({ timeout: SEE_WITHIN });
  // …and still writes and sends: the message waits, marked as going out
  // when the connection is back (issue 12: honest when offline).
  const text = "typed while the server was down";
  await composer(alice.page).fill(text);
  await composer(alice.page).press("Enter");
  await seeText(items(alice.page, text), "Will be sent when reconnected");
  expect(await composer(alice.page).inputValue()).toBe("");

  await server.restart();
  await seeConnected(alice.page);
  await seeConnected(bob.page);
  await seeCount(items(bob.page, text), 1, AFTER_RESTART);
  await seeText(items(alice.page, text), "Sent", AFTER_RESTART);

  // A later message from Bob is a barrier: once Alice has it, any copy of
  // hers would have arrived too.
  await composer(bob.page).fill("after the restart");
  await composer(bob.page).press("Enter");
  await seeCount(items(alice.page, "after the restart"), 1, AFTER_RESTART);
  await seeCount(items(bob.page, "after the restart"), 1, AFTER_RESTART);
  expect(await items(alice.page, text).count()).toBe(1);
  expect(await items(bob.page, text).count()).toBe(1);
  expect(await items(bob.page, "before the restart").count()).toBe(1);

  // A reload of Bob's page shows it once in the history too.
  await bob.page.reload();
  await seeConnected(bob.page);
  await seeCount(items(bob.page, "after the restart"), 1);
  expect(await items(bob.page, text).count()).toBe(1);
});
