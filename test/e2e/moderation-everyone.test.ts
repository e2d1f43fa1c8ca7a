// Issue 14, what everyone sees of moderation, in a real Chromium against a
// live `wrangler dev`. A protocol client plays the room's owner: it makes a
// private room with `POST /api/rooms` (which answers its owner key), joins
// with `{v: 2, ownerKey}` and sends the owners' frames. The page is someone
// else: the owner badge and a trip beside names (online list and message
// headers), the topic under the room's name, the slow-mode line with its
// countdown, the mute line, the kicked screen (no reconnection; "Join
// again"), the banned screen, the locked room's screen for a new visitor,
// the kick and ban lines, and Ignore / Stop ignoring; axe on these screens,
// light and dark.
//
// Every local client has the same network address (127.0.0.1), so the same
// tag; an owner cannot ban its own address, so whoever bans or is banned
// connects with another `CF-Connecting-IP` (wrangler dev passes it on).
import type { Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import type { ClientFrame, NewRoom, ServerFrame, User } from "../../protocol";
import { type LiveClient, openClient } from "../lib/client";
import {
  axeViolations,
  browserSuite,
  button,
  composer,
  items,
  online,
  pageProblems,
  SEE_WITHIN,
  seeConnected,
  seeCount,
  seeText,
} from "./helpers";

const suite = browserSuite();
const { newPerson, people } = suite;
const clients: LiveClient[] = [];

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  expect(pageProblems(people)).toEqual([]);
});

const PHONE = { width: 390, height: 844 };

/** A private room made over the API, with its owner key. */
async function newRoom(): Promise<NewRoom> {
  const res = await fetch(`${suite.server.url}/api/rooms`, { method: "POST" });
  expect(res.status).toBe(201);
  return (await res.json()) as NewRoom;
}

/** Every frame a client got, batches opened. */
const flat = (c: LiveClient): ServerFrame[] =>
  c.frames.flatMap((f) => (f.type === "batch" ? f.frames : [f]));

/** A v2 protocol client joined as `name` (with the owner key when given). */
async function joinClient(
  room: string,
  name: string,
  ownerKey?: string,
  address?: string,
): Promise<LiveClient> {
  const c = await openClient(
    suite.server.wsUrl(room),
    address ? { "CF-Connecting-IP": address } : {},
  );
  clients.push(c);
  const join: ClientFrame = ownerKey
    ? { type: "join", name, v: 2, ownerKey }
    : { type: "join", name, v: 2 };
  c.send(join);
  await c.next("welcome");
  return c;
}

/** The User called `name` as the client last heard of it. */
async function userNamed(c: LiveClient, name: string): Promise<User> {
  let found: User | undefined;
  await expect
    .poll(
      () => {
        found = undefined;
        for (const f of flat(c)) {
          if (f.type === "welcome") for (const u of f.users) if (u.name === name) found = u;
          if ((f.type === "joined" || f.type === "user") && f.user.name === name) found = f.user;
        }
        return found !== undefined;
      },
      { timeout: SEE_WITHIN },
    )
    .toBe(true);
  return found as User;
}

/** The page opens the room by its address and joins from the name card. */
async function enter(page: Page, room: string, name: string): Promise<void> {
  await page.goto(`/r/${room}`);
  await page.getByRole("textbox", { name: "Your name", exact: true }).fill(name);
  await page.getByRole("button", { name: "Join", exact: true }).click();
  await seeConnected(page);
}

/** The row of the online list whose name is exactly `name`. */
const row = (page: Page, name: string) =>
  online(page)
    .getByRole("listitem")
    .filter({ has: page.locator(".name", { hasText: new RegExp(`^${name}$`) }) });

async function axeBoth(page: Page, what: string) {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await axeViolations(page), `${what}, ${colorScheme}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: "light" });
}

describe("badges, trips and the topic", () => {
  it("shows the owner badge, a trip and the topic to a page user, in English and Chinese", async () => {
    const made = await newRoom();
    const owner = await joinClient(made.room, "Owner", made.ownerKey);
    const trippy = await joinClient(made.room, "Trippy#a secret of mine");
    const trip = (await userNamed(owner, "Trippy")).trip;
    expect(trip).toMatch(/^[\w-]{10}$/);
    const topic = `Release planning for the week: ${"and a long tail of details ".repeat(6)}end`;
    owner.send({ type: "settings", topic });
    await owner.next("settings");
    owner.send({ type: "send", id: "owner-hello-000001", text: "hello from the owner" });
    trippy.send({ type: "send", id: "trippy-hello-00001", text: "hello with a trip" });

    const { page } = await newPerson();
    await enter(page, made.room, "Ada");
    // The online list: "owner" beside Owner, ◆ and the trip beside Trippy.
    await seeText(row(page, "Owner").locator(".owner-badge"), /^owner$/);
    await seeCount(row(page, "Ada").locator(".owner-badge"), 0);
    const tripMark = row(page, "Trippy").locator(".trip");
    await seeText(tripMark, `◆${trip}`);
    expect(await tripMark.getAttribute("title")).toBe(
      `trip ◆${trip}: the same secret gives the same trip; it proves the same person, not the name`,
    );
    // Read out as what it is: the sr-only text says it.
    await seeText(tripMark.locator(".sr-only"), "it proves the same person, not the name");
    // The message headers too.
    await seeText(items(page, "hello from the owner").locator(".owner-badge"), /^owner$/);
    await seeText(items(page, "hello with a trip").locator(".trip"), `◆${trip}`);
    // The topic under the room's name: one line, the whole of it on hover.
    const shown = page.locator("header .topic");
    await seeText(shown, "Release planning for the week");
    expect(await shown.getAttribute("title")).toBe(topic);
    const box = await shown.boundingBox();
    expect(box?.height ?? 99).toBeLessThan(30);
    await shown.focus();
    await expect.poll(async () => (await shown.boundingBox())?.height ?? 0).toBeGreaterThan(30);
    await page.locator("#composer-box").focus();
    await axeBoth(page, "a room with an owner, a trip and a topic");

    // The same room in Chinese, on a phone: 房主 and the topic.
    const zh = await newPerson({ locale: "zh-CN", viewport: PHONE });
    await zh.page.goto(`/r/${made.room}`);
    await zh.page.getByRole("textbox", { name: "你的名字" }).fill("小明");
    await zh.page.getByRole("button", { name: "加入", exact: true }).click();
    await seeText(zh.page.locator("header .topic"), "Release planning");
    await seeText(zh.page.locator(".log .owner-badge").first(), /^房主$/);
    await seeText(zh.page.locator(".log .trip .sr-only").first(), "识别码");
    await axeBoth(zh.page, "the room in Chinese on a phone");
  });

  it("hints at name#secret on the name card and the landing", async () => {
    const { page } = await newPerson();
    await page.goto("/");
    const hint = "Add #secret to your name (name#secret) to show a trip that proves it is you.";
    const field = page.getByRole("textbox", { name: "Your name", exact: true });
    await field.waitFor({ timeout: SEE_WITHIN });
    expect(await field.getAttribute("aria-describedby")).toContain("name-hint");
    expect(await page.locator("#name-hint").textContent()).toBe(hint);
    await page.goto("/r/hint-check");
    await page.getByText(hint).waitFor({ timeout: SEE_WITHIN });
    // A name with a secret joins under the name, with a trip.
    await page.getByRole("textbox", { name: "Your name", exact: true }).fill("Ada#hunter2");
    await page.getByRole("button", { name: "Join", exact: true }).click();
    await seeConnected(page);
    const tripOf = (p: Page) => row(p, "Ada").locator('.trip [aria-hidden="true"]');
    await seeText(tripOf(page), /^◆[\w-]{10}$/);
    const trip = (await tripOf(page).textContent()) ?? "";
    // Kept on the device: a new tab in another room joins at once with the same trip.
    const next = await page.context().newPage();
    await next.goto("/r/hint-check-again");
    await seeConnected(next);
    await seeText(tripOf(next), trip);
    await next.close();
  });
});

describe("slow mode and mute", () => {
  it("shows slow mode with its countdown, then the mute until when", async () => {
    const made = await newRoom();
    const owner = await joinClient(made.room, "Owner", made.ownerKey);
    owner.send({ type: "settings", slowMs: 5000 });
    await owner.next("settings");
    const { page } = await newPerson();
    await enter(page, made.room, "Ada");
    const slow = page.getByText("Slow mode: one message every 5 s");
    await slow.waitFor({ timeout: SEE_WITHIN });
    await composer(page).fill("first under slow mode");
    await composer(page).press("Enter");
    await seeText(items(page, "first under slow mode"), "Sent");
    await seeText(page.locator(".slow-wait"), /^next in [1-5] s$/);
    await axeBoth(page, "slow mode");
    // The countdown ends; the line stays while slow mode is on.
    await seeCount(page.locator(".slow-wait"), 0, 10_000);
    await slow.waitFor();

    const ada = await userNamed(owner, "Ada");
    owner.send({ type: "mute", user: ada.id, minutes: 10 });
    const line = page.getByText(
      /^You are muted until \d{2}:\d{2}: what you send waits until then\.$/,
    );
    await line.waitFor({ timeout: SEE_WITHIN });
    // Until when: the mute's end, in the page's clock.
    let until = 0;
    await expect
      .poll(async () => {
        until = (await userNamed(owner, "Ada")).mutedUntil ?? 0;
        return until;
      })
      .toBeGreaterThan(0);
    const hhmm = await page.evaluate((ts) => {
      const d = new Date(ts);
      return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
    }, until);
    await seeText(line, hhmm);
    await axeBoth(page, "muted");
    // Lifted: the line goes.
    owner.send({ type: "mute", user: ada.id, minutes: 0 });
    await seeCount(page.getByText(/^You are muted until/), 0);
  });
});

describe("kicked, banned, locked", () => {
  it("kicked: the screen, no reconnection, Join again", async () => {
    const made = await newRoom();
    const owner = await joinClient(made.room, "Owner", made.ownerKey);
    const { page } = await newPerson({ viewport: PHONE });
    await enter(page, made.room, "Ada");
    const ada = await userNamed(owner, "Ada");
    const joinsBefore = flat(owner).filter((f) => f.type === "joined").length;
    owner.send({ type: "kick", user: ada.id });
    const screen = page.getByRole("alert").filter({ hasText: "You were removed from this room." });
    await screen.waitFor({ timeout: SEE_WITHIN });
    await page.getByText("Not connected", { exact: true }).waitFor();
    // No reconnection: nobody joins again while the page waits.
    await page.waitForTimeout(4000);
    expect(flat(owner).filter((f) => f.type === "joined").length).toBe(joinsBefore);
    await screen.waitFor();
    await axeBoth(page, "the kicked screen");
    await button(page, "Join again").click();
    await seeConnected(page);
    await seeCount(screen, 0);
    await owner.next("joined", (f) => f.user.name === "Ada");
  });

  it("shows others' kicks and bans as lines", async () => {
    const made = await newRoom();
    const owner = await joinClient(made.room, "Owner", made.ownerKey);
    await joinClient(made.room, "Bob");
    // Carol from another address: an owner cannot ban its own.
    await joinClient(made.room, "Carol", undefined, "198.51.100.9");
    const { page } = await newPerson();
    await enter(page, made.room, "Ada");
    owner.send({ type: "kick", user: (await userNamed(owner, "Bob")).id });
    await items(page, "Bob was removed").waitFor({ timeout: SEE_WITHIN });
    await seeCount(row(page, "Bob"), 0);
    owner.send({ type: "ban", user: (await userNamed(owner, "Carol")).id, minutes: 60 });
    await items(page, "Carol was banned").waitFor({ timeout: SEE_WITHIN });
    await seeCount(row(page, "Carol"), 0);
  });

  it("banned: the screen with until when, no reconnection, not even after a reload", async () => {
    const made = await newRoom();
    const owner = await joinClient(made.room, "Owner", made.ownerKey, "198.51.100.7");
    const { page } = await newPerson();
    await enter(page, made.room, "Ada");
    owner.send({ type: "ban", user: (await userNamed(owner, "Ada")).id, minutes: 60 });
    const banned = /^You are banned from this room until (\d{4}-\d\d-\d\d )?\d\d:\d\d\.$/;
    const screen = page.getByRole("alert").filter({ hasText: "You are banned from this room" });
    await seeText(screen.locator("span").first(), banned);
    await page.waitForTimeout(3000);
    await screen.waitFor();
    await page.getByText("Not connected", { exact: true }).waitFor();
    await seeCount(button(page, "Join again"), 0);
    await axeBoth(page, "the banned screen");
    // Nothing to send with: the composer's Send is off.
    expect(await button(page, "Send").isDisabled()).toBe(true);

    // A reload shows the screen again and never opens a socket to the room.
    const sockets: string[] = [];
    page.on("websocket", (ws) => sockets.push(ws.url()));
    await page.reload();
    await seeText(screen.locator("span").first(), banned);
    await page.waitForTimeout(3000);
    expect(sockets).toEqual([]);
    // "Try again" is one try: still banned, the screen comes back and nothing retries.
    await screen.getByRole("button", { name: "Try again", exact: true }).click();
    await seeText(screen.locator("span").first(), banned);
    await page.waitForTimeout(3000);
    expect(sockets).toHaveLength(1);
    await screen.getByRole("button", { name: "Leave", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/");
  });

  it("locked: a new visitor is told, and nobody is let in", async () => {
    const made = await newRoom();
    const owner = await joinClient(made.room, "Owner", made.ownerKey);
    owner.send({ type: "settings", locked: true });
    await owner.next("settings");
    const { page } = await newPerson();
    await page.goto(`/r/${made.room}`);
    await page.getByRole("textbox", { name: "Your name", exact: true }).fill("Ada");
    await button(page, "Join").click();
    const screen = page
      .getByRole("alert")
      .filter({ hasText: "This room is locked: it takes no new people right now." });
    await screen.waitFor({ timeout: SEE_WITHIN });
    await page.waitForTimeout(3000);
    expect(flat(owner).some((f) => f.type === "joined")).toBe(false);
    await axeBoth(page, "the locked screen");
    // Unlocked, Try again lets the visitor in.
    owner.send({ type: "settings", locked: false });
    await owner.next("settings", (f) => !f.settings.locked);
    await button(page, "Try again").click();
    await seeConnected(page);
  });
});

describe("ignore", () => {
  it("hides an ignored person's messages on this device, Show, and Stop ignoring", async () => {
    const made = await newRoom();
    const bob = await joinClient(made.room, "Bob");
    const { page } = await newPerson();
    await enter(page, made.room, "Ada");
    bob.send({ type: "send", id: "bob-message-000001", text: "bob says one" });
    await items(page, "bob says one").waitFor({ timeout: SEE_WITHIN });
    // Nobody can ignore themselves.
    await seeCount(row(page, "Ada").getByRole("button", { name: "Ignore", exact: true }), 0);
    await row(page, "Bob").getByRole("button", { name: "Ignore", exact: true }).click();
    await seeCount(items(page, "bob says one"), 0);
    const hidden = items(page, "Hidden: message from an ignored person");
    await seeCount(hidden, 1);
    bob.send({ type: "send", id: "bob-message-000002", text: "bob says two" });
    await seeCount(hidden, 2);
    await axeBoth(page, "hidden messages");
    // Show: that one message only.
    await hidden.first().getByRole("button", { name: "Show", exact: true }).click();
    await items(page, "bob says one").waitFor();
    await seeCount(items(page, "bob says two"), 0);
    // Kept on this device: a reload still hides them.
    await page.reload();
    await seeConnected(page);
    await seeCount(items(page, "Hidden: message from an ignored person"), 2);
    await row(page, "Bob").getByRole("button", { name: "Stop ignoring", exact: true }).click();
    await items(page, "bob says two").waitFor();
    await items(page, "bob says one").waitFor();
    await seeCount(items(page, "Hidden: message from an ignored person"), 0);
    await seeCount(row(page, "Bob").getByRole("button", { name: "Ignore", exact: true }), 1);
  });
});
