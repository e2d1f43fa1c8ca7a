// Screenshots for docs/screenshots/: the landing page and a room with a few
// people, light and dark, desktop (1280 wide) and phone (390 wide); a room's
// moderation (the owner's tools, a member's view, the banned screen). Only
// with SCREENSHOTS=1 (`npm run screenshots`), since they rewrite files in
// the repository.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../lib/wrangler";
import {
  button,
  composer,
  freshRoom,
  items,
  joinFromLanding,
  launch,
  log,
  onlineNames,
  person,
  SEE_WITHIN,
  seeCount,
} from "./helpers";

const OUT = join(import.meta.dirname, "../../docs/screenshots");
const SIZES = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

describe.skipIf(!process.env.SCREENSHOTS)("screenshots", () => {
  let server: DevServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    [server, browser] = await Promise.all([startDevServer(), launch()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  async function shoot(page: Page, name: string) {
    for (const scheme of ["light", "dark"] as const) {
      for (const [size, viewport] of Object.entries(SIZES)) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.setViewportSize(viewport);
        // Let the log settle at its bottom after the resize.
        await page.evaluate("new Promise((r) => requestAnimationFrame(() => r(null)))");
        await page.screenshot({ path: join(OUT, `${name}-${scheme}-${size}.png`) });
      }
    }
  }

  it("takes the landing page", async () => {
    const { page } = await person(browser, server.url);
    await page.goto("/");
    await page.getByRole("textbox", { name: "Your name" }).fill("Alice");
    await page.getByRole("textbox", { name: "Room" }).fill("lobby");
    await shoot(page, "landing");
  });

  it("takes the Chinese landing page", async () => {
    const { page } = await person(browser, server.url, { locale: "zh-CN" });
    await page.goto("/");
    await page.getByRole("textbox", { name: "你的名字" }).fill("小王");
    await page.getByRole("textbox", { name: "房间" }).fill("大厅");
    await page.screenshot({ path: join(OUT, "landing-zh-light-desktop.png") });
    await page.setViewportSize(SIZES.phone);
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: join(OUT, "landing-zh-dark-phone.png") });
  });

  it("takes a room in use", async () => {
    const room = freshRoom("design");
    const alice = await person(browser, server.url);
    const bob = await person(browser, server.url);
    const carol = await person(browser, server.url);
    await joinFromLanding(bob.page, "Bob", room);
    await joinFromLanding(alice.page, "Alice", room);
    const say = async (p: Page, text: string) => {
      await composer(p).fill(text);
      await composer(p).press("Enter");
      await seeCount(items(alice.page, text.split("\n")[0] ?? text), 1);
    };
    /** The message whose own text (not a quote of it) contains `text`. */
    const message = (p: Page, text: string) =>
      log(p)
        .locator("li.msg")
        .filter({ has: p.locator(":scope > .body", { hasText: text }) });
    /** Opens a message's actions (they show on hover) and picks one. */
    const act = async (p: Page, text: string, action: string) => {
      const item = message(p, text);
      await item.hover();
      await item.getByRole("button", { name: "Message actions", exact: true }).click();
      await item.getByRole("button", { name: action, exact: true }).click();
    };
    const react = async (p: Page, text: string, emoji: string) => {
      await act(p, text, "Add reaction");
      await p
        .getByRole("dialog", { name: "Reactions" })
        .getByRole("button", { name: emoji })
        .click();
    };
    await say(bob.page, "Morning! Is the new build up yet?");
    await say(alice.page, "Yes, since ten minutes.\nRelease notes: https://example.com/notes");
    await joinFromLanding(carol.page, "Carol", room);
    await say(carol.page, "Works here too.");
    // A conversation: a reply, an edit, a deletion and reactions.
    await act(carol.page, "Works here too.", "Edit");
    const edit = carol.page.getByRole("textbox", { name: "Edit message" });
    await edit.fill("Works here too, on **the phone** as well.");
    await edit.press("Enter");
    await seeCount(message(alice.page, "on the phone as well"), 1);
    await say(bob.page, "Oops, wrong window");
    await act(bob.page, "Oops, wrong window", "Delete");
    await bob.page
      .getByRole("dialog", { name: "Delete this message?" })
      .getByRole("button", { name: "Delete", exact: true })
      .click();
    await seeCount(alice.page.getByText("Message deleted"), 1);
    await react(bob.page, "Yes, since ten minutes.", "🎉");
    await react(carol.page, "Yes, since ten minutes.", "🎉");
    await react(carol.page, "Yes, since ten minutes.", "👍");
    await seeCount(alice.page.getByRole("button", { name: /^🎉 2/ }), 1);
    await act(bob.page, "Yes, since ten minutes.", "Reply");
    await say(bob.page, "Great, thanks @Alice. I'll tell the others.");
    await expect
      .poll(() => onlineNames(alice.page), { timeout: SEE_WITHIN })
      .toEqual(["Bob", "Alice", "Carol"]);
    // Bob is writing something (typing notices go out at most every 2 s, so keep typing).
    const typing = alice.page.getByText("Bob is typing…");
    await expect
      .poll(
        async () => {
          await composer(bob.page).pressSequentially(".");
          return typing.isVisible();
        },
        { timeout: SEE_WITHIN, interval: 250 },
      )
      .toBe(true);
    await composer(alice.page).fill("See you at the standup");
    await shoot(alice.page, "room");

    // The phone's folded online list and the share panel with its QR code.
    await alice.page.setViewportSize(SIZES.phone);
    await alice.page.emulateMedia({ colorScheme: "light" });
    await alice.page.getByRole("button", { name: /^Online \(\d+\)$/ }).click();
    await alice.page.screenshot({ path: join(OUT, "room-online-light-phone.png") });
    await alice.page.getByRole("button", { name: "Hide list" }).click();
    // On a phone the QR code sits in the room menu.
    await button(alice.page, "Room menu").click();
    await button(alice.page, "QR code").click();
    await alice.page
      .getByRole("img", { name: /^QR code of / })
      .locator("path")
      .waitFor();
    await alice.page.setViewportSize(SIZES.desktop);
    await alice.page.screenshot({ path: join(OUT, "room-share-light-desktop.png") });
  });

  it("takes a room's moderation: the owner's tools, and what the others see", async () => {
    // Each person from an address of their own: the room tells them apart by it.
    let address = 0;
    const someone = async (viewport: { width: number; height: number } = SIZES.desktop) => {
      const p = await person(browser, server.url, { viewport });
      await p.context.setExtraHTTPHeaders({ "CF-Connecting-IP": `10.7.0.${++address}` });
      return p;
    };
    const alice = await someone();
    const bob = await someone(SIZES.phone);
    const carol = await someone();
    await alice.page.goto("/");
    await alice.page.getByRole("textbox", { name: "Your name", exact: true }).fill("Alice");
    await button(alice.page, "New private room").click();
    await alice.page.waitForURL(/\/r\/[0-9a-f]{32}$/, { timeout: SEE_WITHIN });
    const path = new URL(alice.page.url()).pathname;
    for (const [p, name] of [
      [bob.page, "Bob"],
      [carol.page, "Carol#a secret of mine"],
    ] as const) {
      await p.goto(path);
      await p.getByRole("textbox", { name: "Your name", exact: true }).fill(name);
      await button(p, "Join").click();
    }
    await expect
      .poll(() => onlineNames(alice.page), { timeout: SEE_WITHIN })
      .toEqual(["Alice", "Bob", "Carol"]);
    const say = async (p: Page, text: string) => {
      await composer(p).fill(text);
      await composer(p).press("Enter");
      await seeCount(items(alice.page, text), 1);
    };
    await say(alice.page, "Welcome! This room is for the release review.");
    await say(carol.page, "Thanks. The checklist is in the wiki.");
    await say(bob.page, "BUY CHEAP WATCHES http://spam.example");

    // The owner's settings: a topic and slow mode.
    await button(alice.page, "Room settings").click();
    const dialog = alice.page.getByRole("dialog", { name: "Room settings" });
    await dialog.getByRole("textbox", { name: "Topic" }).fill("Release review, Friday 15:00");
    await dialog
      .getByRole("combobox", { name: "Slow mode" })
      .selectOption({ label: "One message every 30 s" });
    await alice.page.emulateMedia({ colorScheme: "dark" });
    await alice.page.setViewportSize(SIZES.phone);
    await alice.page.screenshot({ path: join(OUT, "owner-settings-dark-phone.png") });
    await alice.page.setViewportSize(SIZES.desktop);
    await alice.page.emulateMedia({ colorScheme: "light" });
    await dialog.getByRole("button", { name: "Save", exact: true }).click();
    await bob.page
      .getByText("Release review, Friday 15:00")
      .first()
      .waitFor({ timeout: SEE_WITHIN });

    // The owner's actions on a person.
    await alice.page.getByRole("button", { name: "Actions for Bob", exact: true }).click();
    await button(alice.page, "Ban").click();
    await button(alice.page, "1 day").waitFor();
    await alice.page.screenshot({ path: join(OUT, "owner-actions-light-desktop.png") });
    await button(alice.page, "1 day").click();

    // What Bob sees: banned, with until when.
    await bob.page
      .getByRole("alert")
      .filter({ hasText: "You are banned from this room until" })
      .waitFor({ timeout: SEE_WITHIN });
    await bob.page.emulateMedia({ colorScheme: "dark" });
    await bob.page.screenshot({ path: join(OUT, "banned-dark-phone.png") });

    // What Carol sees: the topic, the owner badge, her trip, the ban line and slow mode.
    await items(carol.page, "Bob was banned").waitFor({ timeout: SEE_WITHIN });
    await say(carol.page, "Thanks, Alice.");
    await carol.page
      .getByText(/Slow mode: one message every 30 s/)
      .first()
      .waitFor({ timeout: SEE_WITHIN });
    await carol.page.screenshot({ path: join(OUT, "member-light-desktop.png") });
  });

  it("takes a room in Chinese, where long lines break naturally", async () => {
    const room = freshRoom("dating");
    const wang = await person(browser, server.url, { locale: "zh-CN" });
    const li = await person(browser, server.url, { locale: "zh-CN" });
    for (const [p, name] of [
      [wang.page, "小王"],
      [li.page, "小李"],
    ] as const) {
      await p.goto(`/r/${room}?lang=zh`);
      await p.getByRole("textbox", { name: "你的名字" }).fill(name);
      await p.getByRole("button", { name: "加入", exact: true }).click();
      await p.getByText("已连接").first().waitFor({ timeout: SEE_WITHIN });
    }
    // The composer in Chinese is named "消息内容".
    const box = (p: Page) => p.getByRole("textbox", { name: "消息内容", exact: true });
    const say = async (p: Page, text: string) => {
      await box(p).fill(text);
      await box(p).press("Enter");
      // The log is named in Chinese here ("消息"), so it is found by its role.
      await wang.page.getByRole("log").getByText(text).first().waitFor({ timeout: SEE_WITHIN });
    };
    await say(li.page, "小王，明天的评审改到下午三点了吗？");
    await say(
      wang.page,
      "改了。我们把周五的发布推迟到下周一吧：测试环境里还有两个问题没有解决，一个是登录后偶尔会跳回首页，另一个是上传大文件时进度条不动。",
    );
    await say(wang.page, "等这两个修好了，我再通知大家。");
    await say(li.page, "好的，谢谢！");
    await wang.page.screenshot({ path: join(OUT, "room-zh-light-desktop.png") });
    await wang.page.setViewportSize(SIZES.phone);
    await wang.page.emulateMedia({ colorScheme: "dark" });
    await wang.page.screenshot({ path: join(OUT, "room-zh-dark-phone.png") });
  });
});
