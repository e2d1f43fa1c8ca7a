// The owner tools on the page (issue 14, point 3), in a real Chromium against
// a live `wrangler dev`, each person in their own browser context and, so
// that the room tells them apart (tags, bans), from their own address
// (CF-Connecting-IP, which `wrangler dev` passes on): a private room made on
// the landing is owned by its maker ("Room settings" for her, not for Bob);
// "Actions for Bob" with Kick, Ban (1 hour, 1 day, 7 days), Mute (10 minutes,
// 1 hour, until lifted) and Unmute; Delete of Bob's message; the "Room
// settings" dialog (Topic, Slow mode, Lock room, Save sending only what
// changed, "Banned" with Unban) and what Bob and a newcomer see of it; "Show
// owner key" opening the room as owner in a third context (the fragment
// taken out of the address bar); "Claim this room" on a named room, and a
// second claim told plainly that the room has an owner; axe with the menu
// and the dialogs open, light and dark; and the Chinese names.
// With OWNER_SHOTS=1 it also takes screenshots into /tmp/owner-shots/.
import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import {
  axeViolations,
  browserSuite,
  button,
  composer,
  freshRoom,
  items,
  joinFromLanding,
  online,
  onlineNames,
  type Person,
  pageProblems,
  SEE_WITHIN,
  seeConnected,
  seeCount,
  seeText,
} from "./helpers";

// Fast sends, so that only slow mode and mutes hold a message back.
const suite = browserSuite({
  vars: { RATE_BURST: 200, RATE_PER_SEC: 200, ADDR_RATE_BURST: 200, ADDR_RATE_PER_SEC: 200 },
});
const { newPerson, people } = suite;

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

const SHOTS = process.env.OWNER_SHOTS ? "/tmp/owner-shots" : "";
async function shot(page: Page, name: string) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

let lastAddress = 0;
/** A person with an address of their own (the room's tags and bans go by address). */
async function someone(options: Parameters<typeof newPerson>[0] = {}): Promise<Person> {
  const p = await newPerson(options);
  await p.context.setExtraHTTPHeaders({ "CF-Connecting-IP": `10.9.0.${++lastAddress}` });
  return p;
}

/** Makes a private room from the landing page as `name`; returns the room's name. */
async function makePrivateRoom(page: Page, name: string): Promise<string> {
  await page.goto("/");
  await page.getByRole("textbox", { name: "Your name", exact: true }).fill(name);
  await button(page, "New private room").click();
  await page.waitForURL(/\/r\/[0-9a-f]{32}$/, { timeout: SEE_WITHIN });
  await seeConnected(page);
  return new URL(page.url()).pathname.slice(3);
}

/** Opens `path` (a room's address) and joins it as `name` in the name card. */
async function joinAt(page: Page, path: string, name: string): Promise<void> {
  await page.goto(path);
  await page.getByRole("textbox", { name: "Your name", exact: true }).fill(name);
  await button(page, "Join").click();
  await seeConnected(page);
}

const actionsFor = (page: Page, name: string) =>
  online(page).getByRole("button", { name: `Actions for ${name}`, exact: true });
const settingsDialog = (page: Page) => page.getByRole("dialog", { name: "Room settings" });

async function openActions(page: Page, name: string) {
  await actionsFor(page, name).click();
  await button(page, "Kick").waitFor({ timeout: SEE_WITHIN });
}

async function openSettings(page: Page) {
  await button(page, "Room settings").click();
  await settingsDialog(page).waitFor({ timeout: SEE_WITHIN });
}

async function say(page: Page, text: string) {
  await composer(page).fill(text);
  await composer(page).press("Enter");
}

/** The room's info over HTTP, as the server holds it. */
async function roomInfo(room: string): Promise<{
  settings: { topic: string; slowMs: number; locked: boolean; owned: boolean };
}> {
  const res = await fetch(`${suite.server.url}/api/rooms/${room}`);
  return (await res.json()) as never;
}

/** The settings frames a page writes, as sent. */
function settingsFramesOf(page: Page): Record<string, unknown>[] {
  const sent: Record<string, unknown>[] = [];
  page.on("websocket", (ws) => {
    ws.on("framesent", (f) => {
      const text = typeof f.payload === "string" ? f.payload : "";
      if (text.includes('"type":"settings"')) sent.push(JSON.parse(text));
    });
  });
  return sent;
}

afterAll(() => {
  expect(pageProblems(people)).toEqual([]);
});

describe("a room's owner on the page", () => {
  it("a private room made on the landing is its maker's: the owner's tools are hers, not Bob's", async () => {
    const alice = await someone({ viewport: DESKTOP });
    const bob = await someone({ viewport: DESKTOP });
    const room = await makePrivateRoom(alice.page, "Alice");
    // The key the server answered, kept on her device under the core's storage key.
    const kept = await alice.page.evaluate<string | null>(
      `localStorage.getItem("roomchat:owner:${room}")`,
    );
    expect(kept).toMatch(/^[\w-]{16,}$/);
    await button(alice.page, "Room settings").waitFor({ timeout: SEE_WITHIN });
    await expect(button(alice.page, "Claim this room").count()).resolves.toBe(0);

    await joinAt(bob.page, `/r/${room}`, "Bob");
    await expect.poll(() => onlineNames(alice.page), { timeout: SEE_WITHIN }).toContain("Bob");
    await actionsFor(alice.page, "Bob").waitFor({ timeout: SEE_WITHIN });
    // Not on herself; nothing of the sort for Bob, who is no owner (and the room is owned).
    await seeCount(online(alice.page).getByRole("button", { name: /^Actions for/ }), 1);
    await expect(button(bob.page, "Room settings").count()).resolves.toBe(0);
    await expect(button(bob.page, "Show owner key").count()).resolves.toBe(0);
    await expect(button(bob.page, "Claim this room").count()).resolves.toBe(0);
    await expect(
      online(bob.page)
        .getByRole("button", { name: /^Actions for/ })
        .count(),
    ).resolves.toBe(0);

    // The menu by keyboard: Enter opens it on Kick, Escape closes it back on its button.
    await actionsFor(alice.page, "Bob").focus();
    await alice.page.keyboard.press("Enter");
    await expect
      .poll(() => alice.page.evaluate<string>(`document.activeElement?.textContent ?? ""`))
      .toBe("Kick");
    await expect(actionsFor(alice.page, "Bob").getAttribute("aria-expanded")).resolves.toBe("true");
    await alice.page.keyboard.press("Tab");
    await alice.page.keyboard.press("Enter");
    // Ban's lengths, as buttons in a group named for Bob.
    const banFor = alice.page.getByRole("group", { name: "Ban Bob for" });
    for (const length of ["1 hour", "1 day", "7 days"])
      await banFor.getByRole("button", { name: length, exact: true }).waitFor();
    await expect
      .poll(() => alice.page.evaluate<string>(`document.activeElement?.textContent ?? ""`))
      .toBe("1 hour");
    await alice.page.keyboard.press("Escape");
    await button(alice.page, "Mute").click();
    const muteFor = alice.page.getByRole("group", { name: "Mute Bob for" });
    for (const length of ["10 minutes", "1 hour", "Until lifted"])
      await muteFor.getByRole("button", { name: length, exact: true }).waitFor();
    await alice.page.keyboard.press("Escape");
    await alice.page.keyboard.press("Escape");
    await expect(actionsFor(alice.page, "Bob").getAttribute("aria-expanded")).resolves.toBe(
      "false",
    );
    await expect
      .poll(() =>
        alice.page.evaluate<string>(`document.activeElement?.getAttribute("aria-label") ?? ""`),
      )
      .toBe("Actions for Bob");

    // axe with the menu open, and with each dialog open, light and dark.
    for (const scheme of ["light", "dark"] as const) {
      await alice.page.emulateMedia({ colorScheme: scheme });
      await openActions(alice.page, "Bob");
      expect(await axeViolations(alice.page)).toEqual([]);
      await shot(alice.page, `user-menu-${scheme}-desktop`);
      await alice.page.keyboard.press("Escape");
      await openSettings(alice.page);
      expect(await axeViolations(alice.page)).toEqual([]);
      await shot(alice.page, `room-settings-${scheme}-desktop`);
      await alice.page.keyboard.press("Escape");
      await expect(settingsDialog(alice.page).count()).resolves.toBe(0);
      await button(alice.page, "Show owner key").click();
      const keyDialog = alice.page.getByRole("dialog", { name: "Owner key" });
      await keyDialog.waitFor({ timeout: SEE_WITHIN });
      expect(await axeViolations(alice.page)).toEqual([]);
      await shot(alice.page, `owner-key-${scheme}-desktop`);
      await alice.page.keyboard.press("Escape");
    }
    await alice.page.emulateMedia({ colorScheme: "light" });
  });

  it("kick, mute and unmute, and an owner's Delete of Bob's message", async () => {
    const alice = await someone();
    const bob = await someone();
    const room = await makePrivateRoom(alice.page, "Alice");
    await joinAt(bob.page, `/r/${room}`, "Bob");

    // Delete: the message menu offers it to an owner on anyone's message.
    await say(bob.page, "a message to take down");
    const message = items(alice.page, "a message to take down");
    await message.waitFor({ timeout: SEE_WITHIN });
    await message.hover();
    await message.getByRole("button", { name: "Message actions", exact: true }).click();
    await message.getByRole("button", { name: "Delete", exact: true }).click();
    await alice.page
      .getByRole("dialog", { name: "Delete this message?" })
      .getByRole("button", { name: "Delete", exact: true })
      .click();
    await seeText(items(bob.page, "Message deleted"), "Message deleted");
    await expect(items(bob.page, "a message to take down").count()).resolves.toBe(0);

    // Mute for 10 minutes: Bob's send waits; Alice sees it only once she lifts the mute.
    await openActions(alice.page, "Bob");
    await button(alice.page, "Mute").click();
    await button(alice.page, "10 minutes").click();
    await openActions(alice.page, "Bob");
    await button(alice.page, "Unmute").waitFor({ timeout: SEE_WITHIN });
    await alice.page.keyboard.press("Escape");
    await say(bob.page, "said while muted");
    await seeText(bob.page.locator("#composer-status"), /Sending paused: wait \d+ s/);
    await new Promise((r) => setTimeout(r, 1000));
    await expect(items(alice.page, "said while muted").count()).resolves.toBe(0);
    await openActions(alice.page, "Bob");
    await button(alice.page, "Unmute").click();
    await items(alice.page, "said while muted").waitFor({ timeout: SEE_WITHIN });
    await openActions(alice.page, "Bob");
    await button(alice.page, "Mute").waitFor();
    await alice.page.keyboard.press("Escape");

    // Kick: Bob is out of the list, and his page is no longer in the room.
    await openActions(alice.page, "Bob");
    await button(alice.page, "Kick").click();
    await expect.poll(() => onlineNames(alice.page), { timeout: SEE_WITHIN }).not.toContain("Bob");
    await bob.page.getByText("Not connected", { exact: true }).waitFor({ timeout: SEE_WITHIN });
    await expect(bob.page.getByText("Connected", { exact: true }).count()).resolves.toBe(0);
  });

  it("Room settings: topic, slow mode and the lock, sending only what changed", async () => {
    const alice = await someone();
    const bob = await someone();
    const sent = settingsFramesOf(alice.page);
    const room = await makePrivateRoom(alice.page, "Alice");
    await joinAt(bob.page, `/r/${room}`, "Bob");

    const topic = "Design review: the owner tools";
    await openSettings(alice.page);
    const dialog = settingsDialog(alice.page);
    await expect(dialog.getByRole("checkbox", { name: "Lock room" }).isChecked()).resolves.toBe(
      false,
    );
    await dialog.getByRole("textbox", { name: "Topic" }).fill(topic);
    await dialog
      .getByRole("combobox", { name: "Slow mode" })
      .selectOption({ label: "One message every 5 s" });
    await dialog.getByRole("button", { name: "Save", exact: true }).click();
    await expect(settingsDialog(alice.page).count()).resolves.toBe(0);
    await expect
      .poll(async () => (await roomInfo(room)).settings, { timeout: SEE_WITHIN })
      .toMatchObject({ topic, slowMs: 5000, locked: false });
    expect(sent).toEqual([{ type: "settings", topic, slowMs: 5000 }]);
    // Bob sees the topic under the room's name.
    await bob.page.getByText(topic).first().waitFor({ timeout: SEE_WITHIN });

    // Slow mode: Bob's second message waits out the rest of the 5 s.
    await say(bob.page, "slow one");
    await items(alice.page, "slow one").waitFor({ timeout: SEE_WITHIN });
    const first = Date.now();
    await say(bob.page, "slow two");
    await seeText(bob.page.locator("#composer-status"), /Sending paused: wait \d+ s/);
    await items(alice.page, "slow two").waitFor({ timeout: SEE_WITHIN });
    expect(Date.now() - first).toBeGreaterThan(2500);

    // The lock alone: only `locked` goes.
    await openSettings(alice.page);
    await expect(
      settingsDialog(alice.page).getByRole("textbox", { name: "Topic" }).inputValue(),
    ).resolves.toBe(topic);
    await settingsDialog(alice.page).getByRole("checkbox", { name: "Lock room" }).check();
    await settingsDialog(alice.page).getByRole("button", { name: "Save", exact: true }).click();
    await expect
      .poll(async () => (await roomInfo(room)).settings.locked, { timeout: SEE_WITHIN })
      .toBe(true);
    expect(sent.at(-1)).toEqual({ type: "settings", locked: true });

    // A newcomer is refused; Bob, already in, stays.
    const carol = await someone();
    await carol.page.goto(`/r/${room}`);
    await carol.page.getByRole("textbox", { name: "Your name", exact: true }).fill("Carol");
    await button(carol.page, "Join").click();
    await carol.page
      .getByText(/locked/)
      .first()
      .waitFor({ timeout: SEE_WITHIN });
    await expect(carol.page.getByText("Connected", { exact: true }).count()).resolves.toBe(0);
    expect(await onlineNames(alice.page)).not.toContain("Carol");
    expect(await onlineNames(alice.page)).toContain("Bob");

    // Unlocked and slow mode off: Carol gets in.
    await openSettings(alice.page);
    await settingsDialog(alice.page).getByRole("checkbox", { name: "Lock room" }).uncheck();
    await settingsDialog(alice.page)
      .getByRole("combobox", { name: "Slow mode" })
      .selectOption({ label: "Off" });
    await settingsDialog(alice.page).getByRole("button", { name: "Save", exact: true }).click();
    expect(sent.at(-1)).toEqual({ type: "settings", slowMs: 0, locked: false });
    await carol.page.reload();
    await seeConnected(carol.page);
    await expect.poll(() => onlineNames(alice.page), { timeout: SEE_WITHIN }).toContain("Carol");
  });

  it("Ban: Bob's new page cannot join, Banned lists his tag, Unban lets him in", async () => {
    const alice = await someone();
    const bob = await someone();
    const room = await makePrivateRoom(alice.page, "Alice");
    await joinAt(bob.page, `/r/${room}`, "Bob");
    await actionsFor(alice.page, "Bob").waitFor({ timeout: SEE_WITHIN });
    const row = online(alice.page).locator("li", { hasText: "Bob" });
    const tagText = (await row.locator(".tag").first().textContent()) ?? "";
    const tag = /#([0-9a-f]{8})/.exec(tagText)?.[1];
    expect(tag).toBeDefined();

    await openSettings(alice.page);
    await settingsDialog(alice.page).getByText("Nobody is banned.").waitFor();
    await alice.page.keyboard.press("Escape");

    await openActions(alice.page, "Bob");
    await button(alice.page, "Ban").click();
    await button(alice.page, "1 hour").click();
    await expect.poll(() => onlineNames(alice.page), { timeout: SEE_WITHIN }).not.toContain("Bob");
    await bob.page.getByText("Not connected", { exact: true }).waitFor({ timeout: SEE_WITHIN });

    // Bob's page says until when, and a new page load from his address never gets in.
    const bobBanned = bob.page
      .getByRole("alert")
      .filter({ hasText: /You are banned from this room until/ });
    await bobBanned.waitFor({ timeout: SEE_WITHIN });
    await bob.page.reload();
    await bobBanned.waitFor({ timeout: SEE_WITHIN });
    await bob.page.waitForTimeout(4000);
    await expect(bob.page.getByText("Connected", { exact: true }).count()).resolves.toBe(0);
    expect(await onlineNames(alice.page)).not.toContain("Bob");

    await openSettings(alice.page);
    const banned = settingsDialog(alice.page).getByRole("list", { name: "Banned" });
    await seeCount(banned.getByRole("listitem"), 1);
    await seeText(banned.getByRole("listitem"), new RegExp(`tag ${tag}, until \\d{4}-`));
    await banned.getByRole("button", { name: "Unban", exact: true }).click();
    await settingsDialog(alice.page)
      .getByText("Nobody is banned.")
      .waitFor({ timeout: SEE_WITHIN });
    await alice.page.keyboard.press("Escape");

    // Unbanned: Bob's page gets in when he tries again.
    await bobBanned.getByRole("button", { name: "Try again", exact: true }).click();
    await seeConnected(bob.page);
    await seeCount(bobBanned, 0);
    await expect.poll(() => onlineNames(alice.page), { timeout: SEE_WITHIN }).toContain("Bob");
  });

  it("Show owner key: the link opens the room as owner elsewhere, and leaves the address bar", async () => {
    const alice = await someone();
    const room = await makePrivateRoom(alice.page, "Alice");
    await button(alice.page, "Show owner key").click();
    const dialog = alice.page.getByRole("dialog", { name: "Owner key" });
    await dialog.getByText("Anyone with this link is an owner of this room").waitFor();
    const link = await dialog.getByRole("textbox", { name: "Owner link" }).inputValue();
    expect(link).toMatch(new RegExp(`/r/${room}#owner=[\\w-]{16,}$`));
    await dialog.getByRole("button", { name: "Copy", exact: true }).click();
    await dialog.getByText("Owner link copied.").waitFor();
    expect(await alice.page.evaluate<string>("navigator.clipboard.readText()")).toBe(link);
    await dialog.getByRole("button", { name: "Close", exact: true }).click();

    const dave = await someone();
    await dave.page.goto(link);
    expect(dave.page.url()).not.toContain("#owner");
    expect(new URL(dave.page.url()).pathname).toBe(`/r/${room}`);
    await dave.page.getByRole("textbox", { name: "Your name", exact: true }).fill("Dave");
    await button(dave.page, "Join").click();
    await seeConnected(dave.page);
    await button(dave.page, "Room settings").waitFor({ timeout: SEE_WITHIN });
    // Two owners: neither may act on the other.
    await expect.poll(() => onlineNames(alice.page), { timeout: SEE_WITHIN }).toContain("Dave");
    await expect(actionsFor(alice.page, "Dave").count()).resolves.toBe(0);
    await expect(actionsFor(dave.page, "Alice").count()).resolves.toBe(0);

    // A link with a key that is not the room's: in as a member, and told so.
    const gina = await someone();
    await gina.page.goto(`/r/${room}#owner=${"x".repeat(43)}`);
    expect(gina.page.url()).not.toContain("#owner");
    await gina.page.getByRole("textbox", { name: "Your name", exact: true }).fill("Gina");
    await button(gina.page, "Join").click();
    await seeConnected(gina.page);
    await seeText(
      gina.page.getByRole("alert"),
      "The owner key kept for this room was not accepted, so you joined as a member.",
    );
    await expect.poll(() => onlineNames(alice.page), { timeout: SEE_WITHIN }).toContain("Gina");
    await actionsFor(alice.page, "Gina").waitFor({ timeout: SEE_WITHIN });
    await expect(button(gina.page, "Room settings").count()).resolves.toBe(0);
  });

  it("Claim this room on a named room; a second claim is told the room has an owner", async () => {
    const erin = await someone();
    const frank = await someone();
    const room = freshRoom("claim");
    await joinFromLanding(erin.page, "Erin", room);
    await joinFromLanding(frank.page, "Frank", room);
    await button(erin.page, "Claim this room").waitFor({ timeout: SEE_WITHIN });
    await button(frank.page, "Claim this room").waitFor({ timeout: SEE_WITHIN });
    await shot(frank.page, "claim-light-desktop");
    await expect(button(erin.page, "Room settings").count()).resolves.toBe(0);

    // Frank's claim is held on its way until Erin's has been answered.
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    await frank.page.route("**/api/rooms/*/claim", async (route) => {
      await held;
      await route.continue();
    });
    await button(frank.page, "Claim this room").click();
    await button(erin.page, "Claim this room").click();
    await button(erin.page, "Room settings").waitFor({ timeout: SEE_WITHIN });
    await erin.page.getByText("You own this room now.", { exact: false }).waitFor();
    await expect(button(erin.page, "Claim this room").count()).resolves.toBe(0);
    expect(
      await erin.page.evaluate<string | null>(`localStorage.getItem("roomchat:owner:${room}")`),
    ).toMatch(/^[\w-]{16,}$/);
    release();
    await seeText(
      frank.page.getByRole("alert").filter({ hasText: "already has an owner" }),
      "This room already has an owner.",
    );
    await expect(button(frank.page, "Room settings").count()).resolves.toBe(0);
    await shot(frank.page, "claim-refused-light-desktop");
    await expect(
      frank.page.evaluate<string | null>(`localStorage.getItem("roomchat:owner:${room}")`),
    ).resolves.toBeNull();
    await actionsFor(erin.page, "Frank").waitFor({ timeout: SEE_WITHIN });
    expect((await roomInfo(room)).settings.owned).toBe(true);
  });

  it("on a phone: the tools in the Room menu and the online drawer; axe light and dark", async () => {
    for (const scheme of ["light", "dark"] as const) {
      const alice = await someone({ viewport: PHONE, colorScheme: scheme });
      const bob = await someone({ viewport: PHONE, colorScheme: scheme });
      const room = await makePrivateRoom(alice.page, "Alice");
      await joinAt(bob.page, `/r/${room}`, "Bob");
      await alice.page.getByRole("button", { name: /^Online \(\d+\)$/ }).click();
      await openActions(alice.page, "Bob");
      await button(alice.page, "Ban").click();
      expect(await axeViolations(alice.page)).toEqual([]);
      await shot(alice.page, `user-menu-${scheme}-phone`);
      await alice.page.keyboard.press("Escape");
      await alice.page.keyboard.press("Escape");
      await button(alice.page, "Hide list").click();
      await button(alice.page, "Room menu").click();
      await button(alice.page, "Room settings").waitFor();
      await shot(alice.page, `room-menu-${scheme}-phone`);
      await button(alice.page, "Room settings").click();
      await settingsDialog(alice.page).waitFor({ timeout: SEE_WITHIN });
      expect(await axeViolations(alice.page)).toEqual([]);
      await shot(alice.page, `room-settings-${scheme}-phone`);
      await alice.page.keyboard.press("Escape");
      // The keyboard back on the Room menu's button, the menu being closed.
      await expect
        .poll(() => alice.page.evaluate<string>(`document.activeElement?.id ?? ""`))
        .toBe("room-menu-button");
    }
  });

  it("in Chinese", async () => {
    const alice = await someone();
    const bob = await someone();
    const room = await makePrivateRoom(alice.page, "Alice");
    await joinAt(bob.page, `/r/${room}`, "Bob");
    // Her name and key are on the device: the room in Chinese joins at once, as owner.
    await alice.page.goto(`/r/${room}?lang=zh`);
    await alice.page.getByRole("button", { name: "房间设置", exact: true }).waitFor({
      timeout: SEE_WITHIN,
    });
    await button(alice.page, "显示房主密钥").waitFor();
    await button(alice.page, "对 Bob 的操作").click();
    for (const name of ["移出", "封禁", "禁言"])
      await button(alice.page, name).waitFor({ timeout: SEE_WITHIN });
    await button(alice.page, "封禁").click();
    for (const name of ["1 小时", "1 天", "7 天"]) await button(alice.page, name).waitFor();
    await shot(alice.page, "zh-user-menu-light-desktop");
    await alice.page.keyboard.press("Escape");
    await alice.page.keyboard.press("Escape");
    await button(alice.page, "房间设置").click();
    const dialog = alice.page.getByRole("dialog", { name: "房间设置" });
    await dialog.getByRole("textbox", { name: "主题" }).waitFor();
    await dialog.getByRole("combobox", { name: "慢速模式" }).waitFor();
    await dialog.getByRole("checkbox", { name: "锁定房间" }).waitFor();
    await dialog.getByRole("button", { name: "保存", exact: true }).waitFor();
    await dialog.getByText("没有人被封禁。").waitFor();
    await alice.page.setViewportSize(PHONE);
    await alice.page.emulateMedia({ colorScheme: "dark" });
    await shot(alice.page, "zh-room-settings-dark-phone");
    expect(await axeViolations(alice.page)).toEqual([]);
  });
});
