// The conversation actions on the page (issue 13, point 3), in a real
// Chromium with two people, each in their own browser context: replying
// (the composer says to whom, Escape and "Cancel reply" cancel, the other
// sees the quote and it jumps to the original), editing in place (Save,
// Escape, Shift+Enter, "edited" at the other's), ↑ in an empty composer,
// deleting after a confirmation ("Message deleted" in place at both), the
// reactions (the picker, chips named "👍 2" with aria-pressed for the
// reactor, toggled off), originals the log does not hold (fetched, paged
// back to, or "original not retained"), the Chinese names, and axe with a
// message's menu and the reaction dialog open, light and dark.
// With CONVERSATION_SHOTS=1 it also takes screenshots into /tmp/conversation-shots/.
import { mkdirSync } from "node:fs";
import type { Locator, Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { type LiveClient, openClient } from "../lib/client";
import {
  axeViolations,
  browserSuite,
  button,
  composer,
  freshRoom,
  joinFromLanding,
  log,
  type Person,
  pageProblems,
  SEE_WITHIN,
  seeCount,
  seeText,
  TIMESTAMP,
} from "./helpers";

// Fast sends for the seeders, and a short history so that an original can be pruned.
const suite = browserSuite({
  vars: {
    RATE_BURST: 500,
    RATE_PER_SEC: 500,
    ADDR_RATE_BURST: 500,
    ADDR_RATE_PER_SEC: 500,
    HISTORY_LIMIT: 100,
  },
});
const { newPerson, people } = suite;

const SHOTS = process.env.CONVERSATION_SHOTS ? "/tmp/conversation-shots" : "";
async function shot(page: Page, name: string) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

/** The message (a log item) whose own text, not a quote of it, contains `text`. */
const message = (page: Page, text: string) =>
  log(page)
    .locator("li.msg")
    .filter({ has: page.locator(":scope > .body", { hasText: text }) });

/** The log item of the message with this seq, whatever it shows now. */
const bySeq = (page: Page, seq: number) => log(page).locator(`#msg-${seq}`);

async function seqOf(item: Locator): Promise<number> {
  await item.waitFor({ timeout: SEE_WITHIN });
  return Number((await item.getAttribute("id"))?.replace("msg-", ""));
}

async function say(page: Page, text: string) {
  await composer(page).fill(text);
  await composer(page).press("Enter");
  await seeCount(message(page, text), 1);
}

/** Opens the actions menu of `item` (its button shows on hover). */
async function openActions(item: Locator) {
  await item.hover();
  await item.getByRole("button", { name: "Message actions", exact: true }).click();
  await item.getByRole("button", { name: "Reply", exact: true }).waitFor({ timeout: SEE_WITHIN });
}

// The tests' TypeScript has no DOM: what runs in the page is written as a string.
const focusedId = (page: Page) => page.evaluate<string>(`document.activeElement?.id ?? ""`);
/** The focused element's aria-label, else its text. */
const focusedName = (page: Page) =>
  page.evaluate<string>(
    `document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent ?? ""`,
  );
/** The id of the log item holding the focus. */
const focusedItem = (page: Page) =>
  page.evaluate<string>(`document.activeElement?.closest("li")?.id ?? ""`);

/** The computed opacity of an element (the page's getComputedStyle; no DOM types here). */
type Styles = { getComputedStyle(el: unknown): { opacity: string } };
const opacity = (l: Locator) =>
  l.evaluate((el) => (globalThis as unknown as Styles).getComputedStyle(el).opacity);

/** Every message the client has received, batches unfolded. */
function received(client: LiveClient): { seq: number; text: string }[] {
  // biome-ignore lint/suspicious/noExplicitAny: frames of v2, read loosely
  const unfold = (f: any): any[] => (f.type === "batch" ? f.frames.flatMap(unfold) : [f]);
  return client.frames
    .flatMap(unfold)
    .filter((f) => f.type === "message")
    .map((f) => ({ seq: f.seq, text: f.text }));
}

/** A protocol client that posts `texts` in order (replyTo by index), returning their seqs. */
async function seed(
  room: string,
  texts: { text: string; replyTo?: number }[],
): Promise<{ client: LiveClient; seqs: number[] }> {
  const client = await openClient(suite.server.wsUrl(room));
  client.send({ type: "join", name: "Seeder", v: 2 });
  await client.next("welcome");
  const seqs: number[] = [];
  let n = 0;
  for (const t of texts) {
    const id = `seed-conversation-${String(++n).padStart(6, "0")}`;
    const replyTo = t.replyTo === undefined ? undefined : seqs[t.replyTo];
    client.send({ type: "send", id, text: t.text, ...(replyTo ? { replyTo } : {}) });
    // One at a time when a later one answers it: its seq must be known.
    if (texts.some((later) => later.replyTo === seqs.length)) {
      await expect
        .poll(() => received(client).find((m) => m.text === t.text)?.seq, { timeout: SEE_WITHIN })
        .toBeDefined();
    }
    seqs.push(received(client).find((m) => m.text === t.text)?.seq ?? -1);
  }
  const last = texts.at(-1)?.text;
  await expect
    .poll(() => received(client).some((m) => m.text === last), { timeout: SEE_WITHIN })
    .toBe(true);
  return { client, seqs };
}

describe("two people in a conversation", () => {
  const room = freshRoom("conversation");
  let alice: Person;
  let bob: Person;

  it("replies: the composer says to whom, Escape and Cancel reply cancel, the quote jumps to the original", async () => {
    alice = await newPerson();
    bob = await newPerson();
    await joinFromLanding(alice.page, "Alice", room);
    await joinFromLanding(bob.page, "Bob", room);
    await say(alice.page, "The plan is in the shared doc.");
    for (let i = 1; i <= 3; i++) await say(alice.page, `filler ${i}`);
    await seeCount(message(bob.page, "filler 3"), 1);

    const original = message(bob.page, "The plan is in the shared doc.");
    const originalSeq = await seqOf(original);
    await openActions(original);
    await original.getByRole("button", { name: "Reply", exact: true }).click();
    // In the composer (the live region says it too, and keeps saying it).
    const replying = bob.page.locator("#composer-reply").getByText("Replying to Alice", {
      exact: true,
    });
    await replying.waitFor({ timeout: SEE_WITHIN });
    await expect.poll(() => focusedId(bob.page)).toBe("composer-box");
    await shot(bob.page, "reply-composer");
    // Escape in the composer cancels the reply.
    await composer(bob.page).press("Escape");
    await seeCount(replying, 0);
    // So does Cancel reply.
    await openActions(original);
    await original.getByRole("button", { name: "Reply", exact: true }).click();
    await replying.waitFor({ timeout: SEE_WITHIN });
    await button(bob.page, "Cancel reply").click();
    await seeCount(replying, 0);
    // The reply itself.
    await openActions(original);
    await original.getByRole("button", { name: "Reply", exact: true }).click();
    await composer(bob.page).fill("Thanks, found it");
    await composer(bob.page).press("Enter");
    await seeCount(message(bob.page, "Thanks, found it"), 1);
    await seeCount(replying, 0);

    // Alice sees the quote of her message above Bob's text.
    const reply = message(alice.page, "Thanks, found it");
    const quote = reply.getByRole("button", {
      name: "In reply to Alice: The plan is in the shared doc.",
    });
    await quote.waitFor({ timeout: SEE_WITHIN });
    // Away from the original, then the jump: scrolled to, highlighted, focused.
    await log(alice.page).evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await quote.click();
    await expect.poll(() => focusedId(alice.page)).toBe(`msg-${originalSeq}`);
    await expect
      .poll(() => bySeq(alice.page, originalSeq).getAttribute("class"))
      .toContain("flash");
    expect(await bySeq(alice.page, originalSeq).isVisible()).toBe(true);
  });

  it("edits in place: Save, Escape cancels, Shift+Enter breaks the line; the other sees 'edited'", async () => {
    await say(alice.page, "I will be there at 5");
    const mine = message(alice.page, "I will be there at 5");
    const seq = await seqOf(mine);
    await openActions(mine);
    await mine.getByRole("button", { name: "Edit", exact: true }).click();
    const box = alice.page.getByRole("textbox", { name: "Edit message", exact: true });
    await box.waitFor({ timeout: SEE_WITHIN });
    expect(await box.inputValue()).toBe("I will be there at 5");
    await expect.poll(() => focusedName(alice.page)).toBe("Edit message");
    await box.fill("I will be there at 6");
    await shot(alice.page, "edit-in-place");
    await button(alice.page, "Save").click();
    await seeCount(box, 0);

    // Bob sees the new text in place, and "edited" with its time on hover.
    await seeText(bySeq(bob.page, seq).locator(".body"), "I will be there at 6");
    const mark = bySeq(bob.page, seq).locator(".edited");
    await seeText(mark, "(edited");
    expect(await mark.getAttribute("title")).toMatch(new RegExp(`^edited ${TIMESTAMP.source}$`));
    // Screen readers hear the time of the edit too.
    expect(await bySeq(bob.page, seq).ariaSnapshot()).toMatch(
      new RegExp(`edited ${TIMESTAMP.source}`),
    );

    // Escape cancels: the text stays, the keyboard goes back to the message's actions.
    await openActions(bySeq(alice.page, seq));
    await bySeq(alice.page, seq).getByRole("button", { name: "Edit", exact: true }).click();
    await box.fill("never saved");
    await box.press("Escape");
    await seeCount(box, 0);
    await seeText(bySeq(alice.page, seq).locator(".body"), "I will be there at 6");
    await expect.poll(() => focusedName(alice.page)).toBe("Message actions");

    // A refusal by the core shows under the box, in words, and the box stays.
    await openActions(bySeq(alice.page, seq));
    await bySeq(alice.page, seq).getByRole("button", { name: "Edit", exact: true }).click();
    await box.fill("   ");
    await button(alice.page, "Save").click();
    await seeText(
      bySeq(alice.page, seq).locator(".edit-box .field-error"),
      "A message needs at least one visible character.",
    );
    expect(await box.getAttribute("aria-invalid")).toBe("true");
    await box.fill("x".repeat(4001));
    await box.press("Enter");
    await seeText(
      bySeq(alice.page, seq).locator(".edit-box .field-error"),
      "A message has at most 4000 characters.",
    );
    await box.press("Escape");
    await seeCount(box, 0);

    // Shift+Enter breaks the line, Enter saves.
    await openActions(bySeq(alice.page, seq));
    await bySeq(alice.page, seq).getByRole("button", { name: "Edit", exact: true }).click();
    await box.press("End");
    await box.press("Shift+Enter");
    await box.pressSequentially("or 7");
    await box.press("Enter");
    await seeCount(box, 0);
    await seeText(bySeq(bob.page, seq).locator(".text"), "I will be there at 6\nor 7");
  });

  it("edits your last message with ↑ in an empty composer", async () => {
    await say(alice.page, "typo hree");
    await composer(alice.page).click();
    await composer(alice.page).press("ArrowUp");
    const box = alice.page.getByRole("textbox", { name: "Edit message", exact: true });
    await box.waitFor({ timeout: SEE_WITHIN });
    expect(await box.inputValue()).toBe("typo hree");
    await box.fill("typo here");
    await box.press("Enter");
    await seeCount(message(bob.page, "typo here"), 1);
    // Back to the composer, where the edit started.
    await expect.poll(() => focusedId(alice.page)).toBe("composer-box");
  });

  it("deletes after a confirmation: both see 'Message deleted' in its place", async () => {
    await say(alice.page, "Oops, wrong room");
    await say(bob.page, "after the oops");
    const oops = message(alice.page, "Oops, wrong room");
    const seq = await seqOf(oops);
    await openActions(oops);
    await oops.getByRole("button", { name: "Delete", exact: true }).click();
    const confirm = alice.page.getByRole("dialog", { name: "Delete this message?" });
    await confirm.waitFor({ timeout: SEE_WITHIN });
    await shot(alice.page, "delete-dialog");
    // Cancel keeps it (and is where the keyboard lands).
    await expect.poll(() => focusedName(alice.page)).toBe("Cancel");
    await confirm.getByRole("button", { name: "Cancel", exact: true }).click();
    await seeCount(confirm, 0);
    await expect.poll(() => focusedName(alice.page)).toBe("Message actions");
    await openActions(oops);
    await oops.getByRole("button", { name: "Delete", exact: true }).click();
    await confirm.getByRole("button", { name: "Delete", exact: true }).click();
    await seeCount(confirm, 0);

    for (const page of [alice.page, bob.page]) {
      const item = bySeq(page, seq);
      await seeText(item, "Message deleted");
      expect(await item.textContent()).not.toContain("Oops");
      // Its place kept: still right before Bob's message, with its time.
      const ids = await log(page)
        .locator("li.msg")
        // biome-ignore lint/suspicious/noExplicitAny: the page's elements (no DOM types here)
        .evaluateAll((els: any[]) => els.map((e) => e.id as string));
      const after = await seqOf(message(page, "after the oops"));
      expect(ids.indexOf(`msg-${seq}`)).toBe(ids.indexOf(`msg-${after}`) - 1);
      expect(await item.getAttribute("title")).toMatch(TIMESTAMP);
      // Nothing to act on any more.
      expect(await item.getByRole("button", { name: "Message actions" }).count()).toBe(0);
    }
  });

  it("reacts: a chip named by the emoji and the count, pressed for the reactor, toggled off", async () => {
    await say(alice.page, "Release is out!");
    const atBob = message(bob.page, "Release is out!");
    const seq = await seqOf(atBob);
    await openActions(atBob);
    await atBob.getByRole("button", { name: "Add reaction", exact: true }).click();
    const picker = bob.page.getByRole("dialog", { name: "Reactions" });
    await picker.waitFor({ timeout: SEE_WITHIN });
    // Escape closes it and the keyboard returns to the message's actions.
    await bob.page.keyboard.press("Escape");
    await seeCount(picker, 0);
    await expect.poll(() => focusedName(bob.page)).toBe("Message actions");
    await openActions(atBob);
    await atBob.getByRole("button", { name: "Add reaction", exact: true }).click();
    await picker.getByRole("button", { name: "🎉", exact: true }).click();
    await seeCount(picker, 0);

    const chip = (page: Page, name: string) =>
      bySeq(page, seq).getByRole("button", { name, exact: true });
    await chip(bob.page, "🎉 1").waitFor({ timeout: SEE_WITHIN });
    expect(await chip(bob.page, "🎉 1").getAttribute("aria-pressed")).toBe("true");
    await chip(alice.page, "🎉 1").waitFor({ timeout: SEE_WITHIN });
    expect(await chip(alice.page, "🎉 1").getAttribute("aria-pressed")).toBe("false");
    expect(await chip(alice.page, "🎉 1").getAttribute("title")).toBe("Bob");

    // Alice joins in with the chip: two, pressed at hers.
    await chip(alice.page, "🎉 1").click();
    await chip(alice.page, "🎉 2").waitFor({ timeout: SEE_WITHIN });
    expect(await chip(alice.page, "🎉 2").getAttribute("aria-pressed")).toBe("true");
    await chip(bob.page, "🎉 2").waitFor({ timeout: SEE_WITHIN });
    expect(await chip(bob.page, "🎉 2").getAttribute("title")).toBe("you, Alice");
    await shot(bob.page, "reactions");

    // The picker offers what the room already uses, yours pressed; the keyboard toggles a chip.
    await openActions(message(alice.page, "Release is out!"));
    await message(alice.page, "Release is out!")
      .getByRole("button", { name: "Add reaction", exact: true })
      .click();
    const alicePicker = alice.page.getByRole("dialog", { name: "Reactions" });
    expect(
      await alicePicker
        .getByRole("button", { name: "🎉", exact: true })
        .getAttribute("aria-pressed"),
    ).toBe("true");
    await alice.page.keyboard.press("Escape");
    await chip(bob.page, "🎉 2").focus();
    await bob.page.keyboard.press("Enter");
    await chip(bob.page, "🎉 1").waitFor({ timeout: SEE_WITHIN });
    expect(await chip(bob.page, "🎉 1").getAttribute("aria-pressed")).toBe("false");
    await chip(alice.page, "🎉 1").waitFor({ timeout: SEE_WITHIN });
    // The last one off: no chip at all.
    await chip(alice.page, "🎉 1").click();
    await seeCount(bySeq(bob.page, seq).locator(".chip"), 0);
  });

  it("moves between messages' actions with ↑ and ↓, one tab stop for them all", async () => {
    const acts = log(alice.page).getByRole("button", { name: "Message actions", exact: true });
    const tabbable = await acts.evaluateAll(
      // biome-ignore lint/suspicious/noExplicitAny: the page's elements (no DOM types here)
      (els: any[]) => els.filter((e) => e.tabIndex === 0).length,
    );
    expect(tabbable).toBe(1);
    // Tab from the log reaches it after any quote or chip before it.
    await log(alice.page).focus();
    for (let i = 0; i < 10 && (await focusedName(alice.page)) !== "Message actions"; i++)
      await alice.page.keyboard.press("Tab");
    expect(await focusedName(alice.page)).toBe("Message actions");
    const first = await focusedItem(alice.page);
    await alice.page.keyboard.press("ArrowUp");
    const second = await focusedItem(alice.page);
    expect(second).toMatch(/^msg-/);
    expect(second).not.toBe(first);
    await alice.page.keyboard.press("ArrowDown");
    expect(await focusedItem(alice.page)).toBe(first);
  });

  it("has no axe violations with a message's menu open, the reaction dialog, the delete dialog, light and dark", async () => {
    for (const scheme of ["light", "dark"] as const) {
      await bob.page.emulateMedia({ colorScheme: scheme });
      const item = message(bob.page, "Release is out!");
      await openActions(item);
      await shot(bob.page, `menu-${scheme}`);
      expect(await axeViolations(bob.page)).toEqual([]);
      await item.getByRole("button", { name: "Add reaction", exact: true }).click();
      await bob.page.getByRole("dialog", { name: "Reactions" }).waitFor({ timeout: SEE_WITHIN });
      await shot(bob.page, `picker-${scheme}`);
      expect(await axeViolations(bob.page)).toEqual([]);
      await bob.page.keyboard.press("Escape");
      // And the delete confirmation, at Alice's (her own message).
      await alice.page.emulateMedia({ colorScheme: scheme });
      const hers = message(alice.page, "Release is out!");
      await openActions(hers);
      await hers.getByRole("button", { name: "Delete", exact: true }).click();
      const confirm = alice.page.getByRole("dialog", { name: "Delete this message?" });
      await confirm.waitFor({ timeout: SEE_WITHIN });
      expect(await axeViolations(alice.page)).toEqual([]);
      await confirm.getByRole("button", { name: "Cancel", exact: true }).click();
    }
    await bob.page.emulateMedia({ colorScheme: "light" });
    await alice.page.emulateMedia({ colorScheme: "light" });
  });

  it.skipIf(!SHOTS)("takes pictures: phone and desktop, light and dark", async () => {
    // A conversation with everything in it: a reply, reactions, an edit, a deletion.
    await say(alice.page, "Lunch at 12:30?");
    const lunch = message(bob.page, "Lunch at 12:30?");
    await openActions(lunch);
    await lunch.getByRole("button", { name: "Reply", exact: true }).click();
    await composer(bob.page).fill("Yes, the usual place");
    await composer(bob.page).press("Enter");
    await openActions(lunch);
    await lunch.getByRole("button", { name: "Add reaction", exact: true }).click();
    await bob.page
      .getByRole("dialog", { name: "Reactions" })
      .getByRole("button", { name: "👍" })
      .click();
    await lunch.getByRole("button", { name: "👍 1", exact: true }).waitFor({ timeout: SEE_WITHIN });
    for (const scheme of ["light", "dark"] as const) {
      for (const [size, viewport] of Object.entries({
        desktop: { width: 1280, height: 800 },
        phone: { width: 390, height: 844 },
      })) {
        await bob.page.emulateMedia({ colorScheme: scheme });
        await bob.page.setViewportSize(viewport);
        await openActions(message(bob.page, "Yes, the usual place"));
        await composer(bob.page).focus();
        await bob.page.keyboard.press("Escape");
        await shot(bob.page, `log-${scheme}-${size}`);
        await openActions(message(bob.page, "Yes, the usual place"));
        await shot(bob.page, `menu-${scheme}-${size}`);
        await message(bob.page, "Yes, the usual place")
          .getByRole("button", { name: "Add reaction", exact: true })
          .click();
        await bob.page.getByRole("dialog", { name: "Reactions" }).waitFor();
        await shot(bob.page, `picker-${scheme}-${size}`);
        await bob.page.keyboard.press("Escape");
      }
    }
  });
});

describe("on a phone", () => {
  it("shows a message's actions button on a tap, and opens its menu on a long press", async () => {
    const room = freshRoom("phoneconv");
    const { client } = await seed(room, [{ text: "Hello from the seeder" }]);
    const context = await suite.browser.newContext({
      baseURL: suite.server.url,
      viewport: { width: 390, height: 844 },
      hasTouch: true,
      isMobile: true,
    });
    const page = await context.newPage();
    people.push({ context, page, errors: [] });
    await joinFromLanding(page, "Erin", room);
    const item = message(page, "Hello from the seeder");
    const act = item.getByRole("button", { name: "Message actions", exact: true });
    await item.waitFor({ timeout: SEE_WITHIN });
    expect(await opacity(act)).toBe("0");
    await item.locator(".body").tap();
    await expect.poll(() => opacity(act)).toBe("1");
    await page.mouse.click(5, 5);

    // A long press: a finger held on the text, through Chromium's touch events.
    const box = await item.locator(".body").boundingBox();
    if (!box) throw new Error("the message has no box");
    const cdp = await context.newCDPSession(page);
    const at = [{ x: box.x + 10, y: box.y + box.height / 2 }];
    await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: at });
    await page.waitForTimeout(800);
    await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
    await item.getByRole("button", { name: "Reply", exact: true }).waitFor({ timeout: SEE_WITHIN });
    await shot(page, "long-press-phone");
    client.close();
    await context.close();
  });
});

describe("originals the log does not hold", () => {
  it("fetches an original older than the log holds, shows it, and pages back to it", async () => {
    const room = freshRoom("oldreply");
    // The original, 59 more, then a reply to it: the welcome holds the newest 50.
    const texts: { text: string; replyTo?: number }[] = [{ text: "Ancient question?" }];
    for (let i = 1; i <= 59; i++) texts.push({ text: `filler ${i}` });
    texts.push({ text: "Late answer", replyTo: 0 });
    const { client } = await seed(room, texts);
    client.close();

    const carol = await newPerson();
    await joinFromLanding(carol.page, "Carol", room);
    const reply = message(carol.page, "Late answer");
    const quote = reply.getByRole("button", { name: "In reply to Seeder: Ancient question?" });
    await quote.waitFor({ timeout: SEE_WITHIN });
    await seeCount(message(carol.page, "Ancient question?"), 0);
    await quote.click();
    await expect.poll(() => focusedId(carol.page), { timeout: SEE_WITHIN }).toMatch(/^msg-\d+$/);
    await seeText(log(carol.page).locator(":focus"), "Ancient question?");
  });

  it("says 'original not retained' when the room has let the original go", async () => {
    const room = freshRoom("pruned");
    // HISTORY_LIMIT is 100: the original (1), 59 fillers, the reply (61), 40 more: 1 is pruned.
    const texts: { text: string; replyTo?: number }[] = [{ text: "Soon forgotten" }];
    for (let i = 1; i <= 59; i++) texts.push({ text: `early ${i}` });
    texts.push({ text: "Answer to the forgotten", replyTo: 0 });
    for (let i = 1; i <= 40; i++) texts.push({ text: `late ${i}` });
    const { client } = await seed(room, texts);
    client.close();

    const dan = await newPerson();
    await joinFromLanding(dan.page, "Dan", room);
    const reply = message(dan.page, "Answer to the forgotten");
    await seeText(reply.locator(".quote"), "original not retained");
    // Nothing to jump to: not a button.
    expect(await reply.locator("button.quote").count()).toBe(0);
  });
});

describe("in Chinese", () => {
  it("names the actions in Chinese", async () => {
    const room = freshRoom("zhconv");
    const wang = await newPerson({ locale: "zh-CN" });
    await wang.page.goto(`/r/${room}?lang=zh`);
    await wang.page.getByRole("textbox", { name: "你的名字" }).fill("小王");
    await wang.page.getByRole("button", { name: "加入", exact: true }).click();
    const box = wang.page.getByRole("textbox", { name: "消息内容", exact: true });
    await box.fill("大家好");
    await box.press("Enter");
    const item = wang.page.getByRole("log", { name: "消息" }).locator("li.msg").first();
    await item.waitFor({ timeout: SEE_WITHIN });
    await item.hover();
    await item.getByRole("button", { name: "消息操作", exact: true }).click();
    for (const name of ["回复", "添加表情回应", "编辑", "删除"])
      await item.getByRole("button", { name, exact: true }).waitFor({ timeout: SEE_WITHIN });
    await item.getByRole("button", { name: "回复", exact: true }).click();
    await wang.page
      .locator("#composer-reply")
      .getByText("正在回复 小王")
      .waitFor({ timeout: SEE_WITHIN });
    await wang.page.getByRole("button", { name: "取消回复", exact: true }).waitFor();
  });
});

afterAll(() => {
  expect(pageProblems(people)).toEqual([]);
});
