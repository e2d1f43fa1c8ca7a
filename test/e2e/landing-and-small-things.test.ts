// Issue 12's landing and small things, in a real Chromium against a live
// `wrangler dev`: room names typed as people say them, focus on the wrong
// field, Rejoin after leaving, the name card over a quiet room, robots.txt,
// the web app manifest and its icons, the room's main landmark, and axe-core
// on the landing and a room with messages (light and dark, phone and desktop).
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { normalizeRoomName } from "../../protocol";
import { openClient } from "../lib/client";
import {
  axeViolations,
  browserSuite,
  button,
  composer,
  freshRoom,
  items,
  joinFromLanding,
  log,
  online,
  onlineNames,
  pageProblems,
  SEE_WITHIN,
  seeConnected,
  seeCount,
} from "./helpers";

const suite = browserSuite();
const { newPerson, people } = suite;

const nameBox = (page: Page) => page.getByRole("textbox", { name: "Your name", exact: true });
const roomBox = (page: Page) => page.getByRole("textbox", { name: "Room", exact: true });

/** Waits until the focus is in the textbox labelled `label`. */
async function seeFocused(page: Page, label: string) {
  await expect
    .poll(() => page.evaluate("document.activeElement?.labels?.[0]?.textContent ?? ''"), {
      timeout: SEE_WITHIN,
    })
    .toBe(label);
}

/** The line under the Room field once something is typed: "Opens #…". */
async function opens(page: Page): Promise<string> {
  const hint = page.locator("#room-hint");
  await hint.getByText(/^Opens /).waitFor({ timeout: SEE_WITHIN });
  return (await hint.textContent()) ?? "";
}

describe("the landing", () => {
  it("turns a room name typed freely into the room it opens, shown under the field", async () => {
    const { page } = await newPerson();
    await page.goto("/");
    await nameBox(page).fill("Ann");
    await roomBox(page).click();
    await page.keyboard.type("Design Review!");
    // What was typed stays as typed; the line under it says where Join goes.
    expect(await roomBox(page).inputValue()).toBe("Design Review!");
    expect(await opens(page)).toBe("Opens #design-review");

    // More of what people type, each to a name the protocol accepts as it is.
    const cases: [string, string][] = [
      ["  Team   Sync  ", "team-sync"],
      ["a - b", "a-b"],
      ["a--b", "a--b"],
      ["...Hidden?", "hidden"],
      ["Über Café", "über-café"],
      ["大厅 #1", "大厅-1"],
      ["x".repeat(70), "x".repeat(64)],
      [`${"y".repeat(63)} z`, "y".repeat(63)],
    ];
    for (const [typed, name] of cases) {
      await roomBox(page).fill(typed);
      await expect.poll(() => opens(page), { timeout: SEE_WITHIN }).toBe(`Opens #${name}`);
      expect(normalizeRoomName(name)).toBe(name);
    }

    const room = freshRoom("Landing Typed");
    await roomBox(page).fill(`${room.toUpperCase()}!!`);
    await button(page, "Join").click();
    await seeConnected(page);
    expect(page.url()).toBe(`${suite.server.url}/r/${room.toLowerCase().replace(" ", "-")}`);
  });

  it("puts the focus on the field that is wrong when Join finds an error", async () => {
    const { page } = await newPerson();
    await page.goto("/");
    // No name, a good room: the name is wrong.
    await roomBox(page).fill("somewhere");
    await button(page, "Join").click();
    await page.getByText("Enter a name to join.").waitFor();
    await seeFocused(page, "Your name");
    // The name now good, the room nothing usable: the room is wrong (the
    // name's error of the last try must not pull the focus back to it).
    await nameBox(page).fill("Ben");
    await roomBox(page).fill("!!!");
    await button(page, "Join").click();
    await page.getByText("A room name has 1 to 64").waitFor();
    await seeFocused(page, "Room");
    expect(await nameBox(page).getAttribute("aria-invalid")).toBeNull();
    expect(await roomBox(page).getAttribute("aria-invalid")).toBe("true");
    // The accessible names stay the ones the other tests and users rely on.
    await button(page, "New private room").waitFor();
  });
});

describe("after leaving", () => {
  it("offers the room again: the Room field filled, and Rejoin with the remembered name", async () => {
    const room = freshRoom("rejoin");
    const { page } = await newPerson();
    await joinFromLanding(page, "Cleo", room);
    await button(page, "Leave").click();
    await page.getByText(`You left #${room}.`).waitFor({ timeout: SEE_WITHIN });
    expect(await roomBox(page).inputValue()).toBe(room);
    expect(await nameBox(page).inputValue()).toBe("Cleo");
    await button(page, "Rejoin").click();
    await seeConnected(page);
    expect(page.url()).toBe(`${suite.server.url}/r/${room}`);
    await expect.poll(() => onlineNames(page), { timeout: SEE_WITHIN }).toEqual(["Cleo"]);
  });
});

describe("the name card", () => {
  it("asks for a name over a quiet room, not one that looks empty and offline", async () => {
    const room = freshRoom("quiet");
    const host = await newPerson();
    await joinFromLanding(host.page, "Dora", room);

    const { page } = await newPerson();
    await page.goto(`/r/${room}`);
    await page.getByRole("dialog", { name: `Join #${room}` }).waitFor({ timeout: SEE_WITHIN });
    await seeFocused(page, "Your name");
    const behind = async () => ({
      notConnected: await page.getByText("Not connected").count(),
      onlineButton: await page.getByRole("button", { name: /^Online \(\d+\)$/ }).count(),
      log: await log(page).count(),
      onlineList: await online(page).count(),
      composer: await composer(page).count(),
    });
    const nothing = { notConnected: 0, onlineButton: 0, log: 0, onlineList: 0, composer: 0 };
    expect(await behind()).toEqual(nothing);
    // The room's title is all there is behind the card.
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(`#${room}`);
    const found = await axeViolations(page);
    expect(found, `axe on the name card:\n${found.join("\n")}`).toEqual([]);

    await nameBox(page).fill("Eli");
    expect(await behind()).toEqual(nothing);
    await button(page, "Join").click();
    await seeConnected(page);
    await expect.poll(() => onlineNames(page), { timeout: SEE_WITHIN }).toEqual(["Dora", "Eli"]);
  });
});

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(bytes: Uint8Array): [number, number] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [view.getUint32(16), view.getUint32(20)];
}

describe("the small things", () => {
  it("serves /robots.txt as a text file, not the page", async () => {
    const res = await fetch(`${suite.server.url}/robots.txt`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const body = await res.text();
    expect(body).toMatch(/^User-agent: \*$/m);
    expect(body).toMatch(/^Disallow: \/api\/$/m);
    expect(body).not.toContain("<html");
  });

  it("links a web app manifest with the page's colours and its icons, within the CSP", async () => {
    const p = await newPerson();
    await p.page.goto("/");
    await nameBox(p.page).waitFor();
    const href = await p.page.locator('link[rel="manifest"]').getAttribute("href");
    expect(href).toBe("/manifest.webmanifest");
    const themes = await p.page
      .locator('meta[name="theme-color"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute("content")));

    // Chromium fetches and parses the manifest as an installable app would.
    const cdp = await p.context.newCDPSession(p.page);
    const got = (await cdp.send("Page.getAppManifest")) as {
      url: string;
      errors: { message: string }[];
      data?: string;
    };
    expect(got.errors).toEqual([]);
    expect(got.url).toBe(`${suite.server.url}/manifest.webmanifest`);
    const manifest = JSON.parse(got.data ?? "{}");
    expect(manifest).toMatchObject({
      name: "roomchat",
      short_name: "roomchat",
      start_url: "/",
      display: "standalone",
    });
    // The light theme's colours: the bar's and the page's.
    expect(themes).toContain(manifest.theme_color);
    const pageBg = await p.page.evaluate("getComputedStyle(document.body).backgroundColor");
    expect(pageBg).toBe("rgb(245, 246, 248)");
    expect(manifest.background_color).toBe("#f5f6f8");

    const icons = manifest.icons as { src: string; sizes: string; type: string }[];
    expect(icons.map((i) => `${i.sizes} ${i.type}`)).toEqual([
      "192x192 image/png",
      "512x512 image/png",
      "any image/svg+xml",
    ]);
    for (const icon of icons) {
      const res = await fetch(new URL(icon.src, suite.server.url));
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain(icon.type);
      if (icon.type === "image/png") {
        const side = Number(icon.sizes.split("x")[0]);
        expect(pngSize(new Uint8Array(await res.arrayBuffer()))).toEqual([side, side]);
      } else await res.body?.cancel();
    }
    const res = await fetch(`${suite.server.url}/manifest.webmanifest`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/manifest\+json|application\/json/);
    await res.body?.cancel();
    expect(p.errors.filter((e) => /Content Security Policy|manifest/i.test(e))).toEqual([]);
  });

  it("holds the log and the composer in the room's one main landmark", async () => {
    const { page } = await newPerson();
    await joinFromLanding(page, "Finn", freshRoom("landmark"));
    await seeCount(page.getByRole("main"), 1);
    const main = page.getByRole("main");
    await seeCount(main.getByRole("log", { name: "Messages" }), 1);
    await seeCount(main.getByRole("textbox", { name: "Message", exact: true }), 1);
    await seeCount(main.getByRole("button", { name: "Send", exact: true }), 1);
  });
});

describe("axe-core", () => {
  const shapes = [
    { colorScheme: "light", width: 390 },
    { colorScheme: "light", width: 1440 },
    { colorScheme: "dark", width: 390 },
    { colorScheme: "dark", width: 1440 },
  ] as const;

  /** axe in every shape, one report for all of them. */
  async function checkEveryShape(page: Page): Promise<string[]> {
    const found: string[] = [];
    for (const { colorScheme, width } of shapes) {
      await page.emulateMedia({ colorScheme });
      await page.setViewportSize({ width, height: 844 });
      for (const v of await axeViolations(page)) found.push(`[${colorScheme} ${width}px] ${v}`);
    }
    return found;
  }

  it("finds nothing on the landing, light and dark, 390 and 1440 px wide", async () => {
    const { page } = await newPerson();
    await page.goto("/");
    await nameBox(page).fill("Gus");
    await roomBox(page).fill("Design Review!");
    await opens(page);
    const found = await checkEveryShape(page);
    expect(found, `axe on the landing:\n${found.join("\n")}`).toEqual([]);
  });

  it("the 404 page: both languages, a way back, nothing found by axe", async () => {
    const { page } = await newPerson();
    const res = await page.goto("/no/such/page");
    expect(res?.status()).toBe(404);
    await page.getByRole("heading", { name: "Nothing here" }).waitFor({ timeout: SEE_WITHIN });
    await page.getByRole("heading", { name: "这里什么也没有" }).waitFor({ timeout: SEE_WITHIN });
    expect(await page.getByRole("link", { name: "Open roomchat" }).getAttribute("href")).toBe("/");
    const found = await checkEveryShape(page);
    expect(found, `axe on the 404 page:\n${found.join("\n")}`).toEqual([]);
  });

  it("finds nothing in a room with messages, light and dark, 390 and 1440 px wide", async () => {
    const room = freshRoom("axe");
    const { page } = await newPerson();
    await joinFromLanding(page, "Hana", room);
    const other = await openClient(suite.server.wsUrl(room));
    other.send({ type: "join", name: "Ivo" });
    await other.next("welcome");
    other.send({ type: "send", id: "axe-message-000001", text: "Notes: https://example.com/x" });
    await seeCount(items(page, "Notes:"), 1);
    await composer(page).fill("A message of mine");
    await composer(page).press("Enter");
    await seeCount(items(page, "A message of mine"), 1);
    await expect.poll(() => onlineNames(page), { timeout: SEE_WITHIN }).toEqual(["Hana", "Ivo"]);
    const found = await checkEveryShape(page);
    other.close();
    expect(found, `axe in a room:\n${found.join("\n")}`).toEqual([]);
  });
});

it("broke no rule of the page's Content Security Policy, and threw nothing", () => {
  expect(pageProblems(people)).toEqual([]);
});
