// The log's design (issue 12, point 1), in a real Chromium: messages of one
// sender in a row form a group with one header, each message keeps its own
// time for screen readers and on hover, a heading starts each day (Today,
// Yesterday, a date; in both languages), delivery shows only where it says
// something ("Sent" on your latest message, "Sending…" on a send not yet
// confirmed), a message naming you is highlighted without a word more for
// screen readers, and axe finds nothing in such a room, light and dark,
// 390 and 1440 px wide.
//
// Old messages: the room stamps every message with the server's clock, so
// the test moves some back in time on their way to the page. The page's
// socket goes through playwright's routeWebSocket, which shifts the `ts` of
// messages whose id starts with `ago1d` or `ago3d` by one or three days.
// With LOG_SHOTS=1 it also takes screenshots into /tmp/log-shots/.
import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { type LiveClient, openClient } from "../lib/client";
import {
  axeViolations,
  browserSuite,
  composer,
  freshRoom,
  items,
  joinFromLanding,
  log,
  type Person,
  pageProblems,
  SEE_WITHIN,
  seeCount,
  seeText,
  TIMESTAMP,
} from "./helpers";

const DAY = 86_400_000;

const suite = browserSuite();
const { newPerson, people } = suite;

/** Shifts a message's time back by the days its id names (`ago1d…`, `ago3d…`). */
function shifted<T extends { id: string; ts: number }>(m: T): T {
  const days = /^ago(\d)d/.exec(m.id)?.[1];
  return days ? { ...m, ts: m.ts - Number(days) * DAY } : m;
}

/**
 * Routes the page's room socket through the test: messages named old come
 * with an old time; the sends whose text contains `hold` never reach the
 * room (they stay "Sending…").
 */
async function routeRoom(page: Page): Promise<void> {
  await page.routeWebSocket(/\/api\/rooms\/.*\/ws$/, (ws) => {
    const room = ws.connectToServer();
    ws.onMessage((data) => {
      if (typeof data === "string" && data.includes('"send"') && data.includes("hold")) return;
      room.send(data);
    });
    room.onMessage((data) => {
      if (typeof data !== "string" || !data.startsWith("{")) return ws.send(data);
      const frame = JSON.parse(data);
      if (frame.type === "welcome") frame.messages = frame.messages.map(shifted);
      ws.send(JSON.stringify(frame.type === "message" ? shifted(frame) : frame));
    });
  });
}

async function say(page: Page, text: string) {
  await composer(page).fill(text);
  await composer(page).press("Enter");
  await seeCount(items(page, text), 1);
}

/** Sends from a protocol client and waits for the room's echo. */
async function post(client: LiveClient, id: string, text: string) {
  client.send({ type: "send", id, text });
  await client.next("message", (m) => m.id === id, SEE_WITHIN);
}

/** The day headings of the log, in order. */
const dayHeadings = (page: Page) => log(page).getByRole("heading", { level: 2 }).allInnerTexts();

const LONG_ZH =
  "我们把周五的发布推迟到下周一吧：测试环境里还有两个问题没有解决，一个是登录后偶尔会跳回首页，另一个是上传大文件时进度条不动。等这两个修好了，我再通知大家，顺便把更新说明也整理一下。";

describe("a conversation", () => {
  const room = freshRoom("logdesign");
  let alice: Person;
  let bob: Person;
  let chen: LiveClient;

  it("starts with a day heading for each earlier day: a date, Yesterday, Today", async () => {
    // Chen wrote three days ago and yesterday (shifted on their way to the pages).
    chen = await openClient(suite.server.wsUrl(room));
    chen.send({ type: "join", name: "Chen" });
    await chen.next("welcome");
    await post(chen, "ago3d-message-000001", "Draft of the plan is in the doc.");
    await post(chen, "ago1d-message-000001", "Anyone around tomorrow morning?");
    await post(chen, "ago1d-message-000002", LONG_ZH);

    alice = await newPerson();
    await routeRoom(alice.page);
    await joinFromLanding(alice.page, "Alice", room);
    await seeCount(items(alice.page, "Anyone around tomorrow"), 1);
    await say(alice.page, "Morning! I am here today.");
    const threeAgo = new Date(Date.now() - 3 * DAY).toLocaleDateString("en-GB", {
      weekday: "long",
      year: "numeric",
      month: "long",
      day: "numeric",
    });
    await expect
      .poll(() => dayHeadings(alice.page), { timeout: SEE_WITHIN })
      .toEqual([threeAgo, "Yesterday", "Today"]);
    // Each heading holds a machine-readable date.
    const today = new Date();
    const iso = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, "0")}-${String(today.getDate()).padStart(2, "0")}`;
    expect(
      await log(alice.page)
        .getByRole("heading", { name: "Today" })
        .locator("time")
        .getAttribute("datetime"),
    ).toBe(iso);

    // The same in Chinese.
    const wang = await newPerson();
    await routeRoom(wang.page);
    await wang.page.goto(`/r/${room}?lang=zh`);
    await wang.page.getByRole("textbox", { name: "你的名字" }).fill("小王");
    await wang.page.getByRole("button", { name: "加入", exact: true }).click();
    const zhLog = wang.page.getByRole("log", { name: "消息" });
    await zhLog.getByText("Anyone around tomorrow").waitFor({ timeout: SEE_WITHIN });
    const threeAgoZh = new Date(Date.now() - 3 * DAY).toLocaleDateString("zh-CN", {
      weekday: "long",
      year: "numeric",
      month: "long",
      day: "numeric",
    });
    await expect
      .poll(() => zhLog.getByRole("heading", { level: 2 }).allInnerTexts(), {
        timeout: SEE_WITHIN,
      })
      .toEqual([threeAgoZh, "昨天", "今天"]);
    // Wang leaves (not away: the online list is not this test's subject).
    await wang.page.getByRole("button", { name: "离开", exact: true }).click();
    await wang.context.close();
  });

  it("groups quick messages of one sender under one header; another sender starts a group", async () => {
    bob = await newPerson();
    await joinFromLanding(bob.page, "Bob", room);
    await say(bob.page, "hi, quick questions");
    for (const text of ["group one", "group two", "group three"]) await say(alice.page, text);
    await seeCount(items(bob.page, "group three"), 1);

    // At Bob's: one header (name and time), on the first of the three.
    const header = (text: string) => items(bob.page, text).locator(".meta");
    await seeCount(header("group one"), 1);
    await seeText(header("group one"), /^Alice[\s\S]*\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(await header("group two").count()).toBe(0);
    expect(await header("group three").count()).toBe(0);

    // Bob answers: a header of his own; Alice again: a new header for her.
    await say(bob.page, "answer from bob");
    await say(alice.page, "back to alice");
    await seeCount(items(bob.page, "back to alice"), 1);
    await seeText(items(bob.page, "answer from bob").locator(".meta"), /^Bob/);
    await seeText(items(bob.page, "back to alice").locator(".meta"), /^Alice/);
    // Alice's own header says it is her.
    await seeText(items(alice.page, "group one").locator(".meta"), /^Alice\s*you/);
  });

  it("gives each message its own time, for screen readers and on hover", async () => {
    for (const text of ["group one", "group two", "group three"]) {
      const item = items(bob.page, text);
      // What a screen reader reads for the item: who and when, then the text.
      const read = await item.ariaSnapshot();
      expect(read).toMatch(TIMESTAMP);
      expect(read).toContain("Alice");
      expect(read).toContain(text);
      expect(await item.getAttribute("title")).toMatch(TIMESTAMP);
      expect(await item.locator("time").first().getAttribute("datetime")).toMatch(
        /^\d{4}-\d{2}-\d{2}T/,
      );
    }
    // Further in a group, the clock time shows in the gutter on hover.
    const clock = items(bob.page, "group two").locator(".clock");
    await bob.page.mouse.move(0, 0);
    expect(await clock.isVisible()).toBe(false);
    await items(bob.page, "group two").hover();
    await expect.poll(() => clock.isVisible()).toBe(true);
    expect(await clock.textContent()).toMatch(/^\d{2}:\d{2}$/);
  });

  it("highlights a message that names you, and reads it like any other", async () => {
    await say(bob.page, "Alice, can you check the build?");
    const mention = items(alice.page, "can you check the build");
    await seeCount(mention, 1);
    const plain = items(alice.page, "answer from bob");
    type Styled = { borderLeftColor: string; backgroundColor: string };
    const look = (l: typeof mention) =>
      l.evaluate((el) => {
        const s = (
          globalThis as unknown as { getComputedStyle(e: unknown): Styled }
        ).getComputedStyle(el);
        return `${s.borderLeftColor} ${s.backgroundColor}`;
      });
    expect(await look(mention)).not.toBe(await look(plain));
    expect(await mention.getAttribute("class")).toContain("mention");
    // For a screen reader: the sender, the time and the text, nothing more.
    const read = await mention.ariaSnapshot();
    expect(read).not.toMatch(/mention|提到/i);
    // Alice's own message naming Bob is not highlighted at Alice's, but is at Bob's.
    await say(alice.page, "thanks Bob");
    await seeCount(items(bob.page, "thanks Bob"), 1);
    expect(await items(alice.page, "thanks Bob").getAttribute("class")).not.toContain("mention");
    expect(await items(bob.page, "thanks Bob").getAttribute("class")).toContain("mention");
  });

  it("says Sent on the latest message of yours only, and Sending… on a send not yet confirmed", async () => {
    const sent = (text: string) => items(alice.page, text).getByText("Sent", { exact: true });
    await seeCount(sent("thanks Bob"), 1);
    for (const text of ["Morning!", "group one", "group two", "group three", "back to alice"])
      expect(await sent(text).count()).toBe(0);
    // At Bob's, Alice's messages say nothing of delivery; his own latest says Sent.
    expect(await items(bob.page, "back to alice").getByText("Sent", { exact: true }).count()).toBe(
      0,
    );
    await seeCount(
      items(bob.page, "can you check the build").getByText("Sent", { exact: true }),
      1,
    );
    await seeCount(log(bob.page).getByText("Sent", { exact: true }), 1);

    // A send the room never gets (the route holds it): Sending…, and Sent stays
    // on the latest confirmed one. (It stays unanswered to the end of the file:
    // the client writes one send at a time, so any send after it would wait.)
    await composer(alice.page).fill("please hold this one");
    await composer(alice.page).press("Enter");
    await seeText(items(alice.page, "please hold this one"), "Sending…");
    await seeCount(sent("thanks Bob"), 1);
    expect(await sent("please hold this one").count()).toBe(0);
  });

  it("passes axe with groups, days, a mention and a pending send, light and dark, 390 and 1440 px", async () => {
    chen.send({ type: "send", id: "chen-message-000001", text: LONG_ZH });
    await seeCount(items(alice.page, "我们把周五"), 2);
    const found: string[] = [];
    for (const colorScheme of ["light", "dark"] as const) {
      for (const width of [390, 1440]) {
        await alice.page.emulateMedia({ colorScheme });
        await alice.page.setViewportSize({ width, height: 844 });
        for (const v of await axeViolations(alice.page))
          found.push(`[${colorScheme} ${width}px] ${v}`);
      }
    }
    expect(found, `axe in the log:\n${found.join("\n")}`).toEqual([]);
  });

  it.skipIf(!process.env.LOG_SHOTS)("takes screenshots into /tmp/log-shots/", async () => {
    mkdirSync("/tmp/log-shots", { recursive: true });
    const shoot = async (page: Page, lang: string) => {
      for (const colorScheme of ["light", "dark"] as const) {
        for (const width of [390, 1440]) {
          await page.emulateMedia({ colorScheme });
          await page.setViewportSize({ width, height: 900 });
          await page.evaluate("new Promise((r) => requestAnimationFrame(() => r(null)))");
          await page.screenshot({
            path: `/tmp/log-shots/log-${lang}-${colorScheme}-${width}.png`,
          });
        }
      }
    };
    await shoot(alice.page, "en");
    await alice.page.goto(`/r/${room}?lang=zh`);
    await alice.page.getByRole("log", { name: "消息" }).getByText("thanks Bob").waitFor();
    await alice.page.getByRole("textbox", { name: "消息内容" }).fill("hold: 这条消息还在发送中");
    await alice.page.getByRole("textbox", { name: "消息内容" }).press("Enter");
    await alice.page.getByText("这条消息还在发送中").waitFor();
    await shoot(alice.page, "zh");
  });

  afterAll(() => {
    chen?.close();
  });
});

it("broke no rule of the page's Content Security Policy, and threw nothing", () => {
  expect(pageProblems(people)).toEqual([]);
});
