// Formatting and "Save conversation" (issue 13), in a real Chromium: a
// message's markup becomes elements (strong, em, code, a block quote, a code
// block, links, mentions of present people, yours stronger) and hostile text
// stays text; "Save conversation" (保存对话 in Chinese) is in the header on a
// desktop and in the Room menu on a phone, opens a dialog, and downloads the
// conversation as the original chat's text and as JSON; axe finds nothing
// with the dialog open or in a formatted room, light and dark.
import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { type LiveClient, openClient } from "../lib/client";
import {
  axeViolations,
  browserSuite,
  button,
  freshRoom,
  items,
  joinFromLanding,
  log,
  type Person,
  pageProblems,
  SEE_WITHIN,
  seeCount,
} from "./helpers";

const suite = browserSuite();
const { newPerson, people } = suite;

const FORMATTED =
  "**bold** and *lean* and _also_, `code *not* bold` at https://x.org/a_b_c?q=1 for @Alice, @Bob and @nobody\n" +
  "> quoted **strongly**\n" +
  "> second line\n" +
  "```js\n" +
  'const x = 1 < 2 && "<b>";\n' +
  "```\n" +
  "after the code";
const HOSTILE =
  '<img src=x onerror="document.title=1"> **<b>not bold html</b>** javascript:alert(1)';

async function post(client: LiveClient, id: string, text: string) {
  client.send({ type: "send", id, text });
  await client.next("message", (m) => m.id === id, SEE_WITHIN);
}

/** Clicks `name` in the save dialog and returns the downloaded file's name and text. */
async function download(page: Page, name: string): Promise<{ file: string; text: string }> {
  const dialog = page.getByRole("dialog", { name: "Save conversation" });
  const [got] = await Promise.all([
    page.waitForEvent("download", { timeout: SEE_WITHIN }),
    dialog.getByRole("button", { name, exact: true }).click(),
  ]);
  const path = await got.path();
  return { file: got.suggestedFilename(), text: await readFile(path, "utf8") };
}

describe("formatting and saving a conversation", () => {
  const room = freshRoom("format");
  let alice: Person;
  let bob: LiveClient;

  it("shows a message's markup as elements, and hostile text as text", async () => {
    alice = await newPerson();
    await joinFromLanding(alice.page, "Alice", room);
    bob = await openClient(suite.server.wsUrl(room));
    bob.send({ type: "join", name: "Bob" });
    await bob.next("welcome");
    await post(bob, "format-message-000001", FORMATTED);
    await post(bob, "format-message-000002", HOSTILE);

    const item = items(alice.page, "after the code");
    await seeCount(item, 1);
    const text = item.locator(".text");
    expect(await text.locator("strong").first().textContent()).toBe("bold");
    expect(await text.locator("em").allTextContents()).toEqual(["lean", "also"]);
    expect(await text.locator("p > code").textContent()).toBe("code *not* bold");
    const link = text.getByRole("link");
    expect(await link.getAttribute("href")).toBe("https://x.org/a_b_c?q=1");
    expect(await link.getAttribute("rel")).toContain("noopener");
    // Mentions: of Alice (herself: stronger), of Bob (present), not of nobody.
    expect(await text.locator(".mention.self").textContent()).toBe("@Alice");
    expect(await text.locator(".mention:not(.self)").allTextContents()).toEqual(["@Bob"]);
    expect(await text.textContent()).toContain("@nobody");
    // The whole message is marked as naming Alice, as before.
    expect(await item.getAttribute("class")).toContain("mention");
    // The quote and the code block.
    expect(await text.locator("blockquote").textContent()).toBe("quoted strongly\nsecond line");
    expect(await text.locator("blockquote strong").textContent()).toBe("strongly");
    expect(await text.locator("pre > code").textContent()).toBe('const x = 1 < 2 && "<b>";');
    // What is shown is the text less its markers.
    expect(await text.textContent()).not.toMatch(/\*\*|```|^> /m);

    const hostile = items(alice.page, "not bold html");
    await seeCount(hostile, 1);
    expect(await hostile.locator("img, b, script").count()).toBe(0);
    expect(await hostile.locator(".text strong").textContent()).toBe("<b>not bold html</b>");
    expect(await hostile.locator(".text").textContent()).toContain('<img src=x onerror="');
    expect(await hostile.getByRole("link").count()).toBe(0);
    expect(await alice.page.title()).not.toBe("1");
  });

  it("saves the conversation as the original chat's text and as JSON", async () => {
    const save = button(alice.page, "Save conversation");
    await save.click();
    const dialog = alice.page.getByRole("dialog", { name: "Save conversation" });
    await dialog.waitFor({ timeout: SEE_WITHIN });

    const txt = await download(alice.page, "Text (.txt)");
    expect(txt.file).toMatch(new RegExp(`^roomchat-${room}-\\d{4}-\\d\\d-\\d\\d\\.txt$`));
    const header = /^Bob \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/m;
    expect(txt.text).toMatch(header);
    // Each message: the header, its text exactly, a blank line.
    expect(txt.text).toMatch(
      new RegExp(
        `Bob \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\n${FORMATTED.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n\\n`,
      ),
    );
    expect(txt.text.endsWith(`${HOSTILE}\n\n`)).toBe(true);
    // The dialog closes after a save; open it again for JSON.
    await expect.poll(() => dialog.isVisible()).toBe(false);

    await save.click();
    const json = await download(alice.page, "JSON (.json)");
    expect(json.file).toMatch(/\.json$/);
    const saved = JSON.parse(json.text);
    expect(saved.room).toBe(room);
    expect(new Date(saved.savedAt).getTime()).toBeGreaterThan(Date.now() - 120_000);
    expect(saved.messages.map((m: { text: string }) => m.text)).toEqual([FORMATTED, HOSTILE]);
    expect(saved.messages[0].user.name).toBe("Bob");
  });

  it("has nothing axe objects to, with the dialog open and closed, light and dark", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      await alice.page.emulateMedia({ colorScheme });
      expect(await axeViolations(alice.page)).toEqual([]);
      await button(alice.page, "Save conversation").click();
      await alice.page.getByRole("dialog", { name: "Save conversation" }).waitFor();
      expect(await axeViolations(alice.page)).toEqual([]);
      // Escape closes it, and the keyboard is back on the button.
      await alice.page.keyboard.press("Escape");
      await expect
        .poll(() => alice.page.getByRole("dialog", { name: "Save conversation" }).isVisible())
        .toBe(false);
      await expect
        .poll(() => alice.page.evaluate("document.activeElement?.textContent"))
        .toBe("Save conversation");
    }
  });

  it("is in the Room menu on a phone, and named 保存对话 in Chinese", async () => {
    const wang = await newPerson({ viewport: { width: 390, height: 800 }, locale: "zh-CN" });
    await wang.page.goto(`/r/${room}?lang=zh`);
    await wang.page.getByRole("textbox", { name: "你的名字" }).fill("小王");
    await wang.page.getByRole("button", { name: "加入", exact: true }).click();
    const zhLog = wang.page.getByRole("log", { name: "消息" });
    await zhLog.getByText("after the code").waitFor({ timeout: SEE_WITHIN });
    // Hidden in the closed menu; there once it is open.
    expect(await button(wang.page, "保存对话").isVisible()).toBe(false);
    await wang.page.getByRole("button", { name: "房间菜单" }).click();
    await button(wang.page, "保存对话").click();
    const dialog = wang.page.getByRole("dialog", { name: "保存对话" });
    await dialog.waitFor({ timeout: SEE_WITHIN });
    expect(await dialog.getByRole("button", { name: "文本 (.txt)" }).isVisible()).toBe(true);
    expect(await axeViolations(wang.page)).toEqual([]);
    await dialog.getByRole("button", { name: "取消", exact: true }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await log(wang.page).count()).toBe(0); // the log is named in Chinese
  });

  afterAll(() => {
    bob?.close();
    expect(pageProblems(people)).toEqual([]);
  });
});
