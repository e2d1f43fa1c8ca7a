// The page in a real Chromium against a live `wrangler dev`: two people in
// one room, messages with timestamps both ways, the keyboard shortcuts and
// buttons of the original client, quit(), private rooms shared by link, a
// reload, and the Chinese interface. Assertions are about what a user sees:
// accessible names and text.
import { describe, expect, it } from "vitest";
import {
  browserSuite,
  button,
  composer,
  freshRoom,
  items,
  joinFromLanding,
  log,
  onlineNames,
  type Person,
  pageProblems,
  SEE_WITHIN,
  seeConnected,
  seeCount,
  seeText,
  TIMESTAMP,
} from "./helpers";

const suite = browserSuite();
const { newPerson, people } = suite;

describe("a room for two", () => {
  const room = freshRoom();
  let alice: Person;
  let bob: Person;

  it("lets two people join and see each other in the online list", async () => {
    alice = await newPerson();
    bob = await newPerson();
    await joinFromLanding(alice.page, "Alice", room);
    await joinFromLanding(bob.page, "Bob", room);
    await expect
      .poll(() => onlineNames(alice.page), { timeout: SEE_WITHIN })
      .toEqual(["Alice", "Bob"]);
    await expect
      .poll(() => onlineNames(bob.page), { timeout: SEE_WITHIN })
      .toEqual(["Alice", "Bob"]);
    await seeText(alice.page.getByRole("listitem").filter({ hasText: "Alice" }).last(), "(you)");
    await seeCount(items(alice.page, "Bob joined"), 1);
    expect(alice.page.url()).toBe(`${suite.server.url}/r/${room}`);
  });

  it("delivers messages with their timestamps both ways, line breaks kept", async () => {
    await composer(alice.page).fill("Hello Bob, see https://example.com/docs");
    await composer(alice.page).press("Enter");
    const atBob = items(bob.page, "Hello Bob");
    await seeCount(atBob, 1);
    await seeText(atBob, /^Alice[\s\S]*\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    await expect
      .poll(() => atBob.getByRole("link").getAttribute("href"))
      .toBe("https://example.com/docs");
    expect(await atBob.getByRole("link").getAttribute("rel")).toBe(
      "noopener noreferrer nofollow ugc",
    );
    expect(await composer(alice.page).inputValue()).toBe("");
    // Alice's own copy is marked as hers and as sent.
    await seeText(items(alice.page, "Hello Bob"), /you[\s\S]*Sent/i);

    await composer(bob.page).click();
    await bob.page.keyboard.type("Hi Alice");
    await bob.page.keyboard.press("Shift+Enter");
    await bob.page.keyboard.type("second line");
    expect(await composer(bob.page).inputValue()).toBe("Hi Alice\nsecond line");
    await button(bob.page, "Send").click();
    const atAlice = items(alice.page, "Hi Alice");
    await seeCount(atAlice, 1);
    await seeText(atAlice, TIMESTAMP);
    expect(await atAlice.locator(".text").textContent()).toBe("Hi Alice\nsecond line");
  });

  it("sends with Ctrl+S and clears with Ctrl+L and the Clear button", async () => {
    await composer(alice.page).fill("sent with ctrl s");
    await composer(alice.page).press("Control+s");
    await seeCount(items(bob.page, "sent with ctrl s"), 1);
    expect(await composer(alice.page).inputValue()).toBe("");

    await composer(alice.page).fill("cleared with ctrl l");
    await composer(alice.page).press("Control+l");
    expect(await composer(alice.page).inputValue()).toBe("");

    await composer(alice.page).fill("cleared with the button");
    await button(alice.page, "Clear").click();
    expect(await composer(alice.page).inputValue()).toBe("");
    // Neither cleared text was ever sent.
    await composer(alice.page).fill("marker after clears");
    await composer(alice.page).press("Enter");
    await seeCount(items(bob.page, "marker after clears"), 1);
    await seeCount(items(bob.page, "cleared with"), 0);
  });

  it("keeps the name and the history across a reload", async () => {
    await alice.page.reload();
    await seeConnected(alice.page);
    await seeCount(items(alice.page, "Hello Bob"), 1);
    await seeCount(items(alice.page, "Hi Alice"), 1);
    await expect
      .poll(() => onlineNames(alice.page), { timeout: SEE_WITHIN })
      .toEqual(["Alice", "Bob"]);
    await seeText(alice.page.getByRole("listitem").filter({ hasText: "Alice" }).last(), "(you)");
    expect(await alice.page.getByRole("textbox", { name: "Your name" }).count()).toBe(0);
  });

  it("leaves on quit(), and the other one sees it", async () => {
    await composer(bob.page).fill("quit()");
    await composer(bob.page).press("Enter");
    await bob.page.getByText(`You left #${room}.`).waitFor({ timeout: SEE_WITHIN });
    await bob.page.getByRole("button", { name: "New private room" }).waitFor();
    await seeCount(items(alice.page, "Bob left"), 1);
    await expect.poll(() => onlineNames(alice.page), { timeout: SEE_WITHIN }).toEqual(["Alice"]);
    // quit() is a command, never a message.
    await seeCount(items(alice.page, "quit()"), 0);
  });

  it("leaves with the Leave button", async () => {
    // System lines are not history: count from what Alice has on screen now.
    const joinedBefore = await items(alice.page, "Bob joined").count();
    const leftBefore = await items(alice.page, "Bob left").count();
    await joinFromLanding(bob.page, "Bob", room);
    await seeCount(items(alice.page, "Bob joined"), joinedBefore + 1);
    await button(bob.page, "Leave").click();
    await bob.page.getByText(`You left #${room}.`).waitFor({ timeout: SEE_WITHIN });
    await seeCount(items(alice.page, "Bob left"), leftBefore + 1);
    await expect.poll(() => onlineNames(alice.page), { timeout: SEE_WITHIN }).toEqual(["Alice"]);
  });
});

describe("a private room", () => {
  it("opens the same room from its copied link in another browser", async () => {
    const carol = await newPerson();
    await carol.page.goto("/");
    await carol.page.getByRole("textbox", { name: "Your name" }).fill("Carol");
    await button(carol.page, "New private room").click();
    await seeConnected(carol.page);
    expect(carol.page.url()).toMatch(/\/r\/[0-9a-f]{32}$/);
    await button(carol.page, "Copy link").click();
    await carol.page.getByText("Link copied.").first().waitFor();
    const link = String(await carol.page.evaluate("navigator.clipboard.readText()"));
    expect(link).toBe(carol.page.url());
    // The QR code draws the same link.
    await button(carol.page, "QR code").click();
    await carol.page
      .getByRole("img", { name: `QR code of ${link}` })
      .locator("path")
      .waitFor();

    // Someone else, in another browser context with nothing remembered.
    const dave = await newPerson();
    await dave.page.goto(link);
    await dave.page.getByRole("textbox", { name: "Your name" }).fill("Dave");
    await button(dave.page, "Join").click();
    await seeConnected(dave.page);
    await expect
      .poll(() => onlineNames(dave.page), { timeout: SEE_WITHIN })
      .toEqual(["Carol", "Dave"]);
    await composer(dave.page).fill("found it");
    await composer(dave.page).press("Enter");
    await seeCount(items(carol.page, "found it"), 1);

    // Dave changes his name: the room sees him leave and come back as David.
    await button(dave.page, "Change name").click();
    await dave.page.getByRole("textbox", { name: "Your name" }).fill("David");
    await button(dave.page, "Join").click();
    await expect
      .poll(() => onlineNames(carol.page), { timeout: SEE_WITHIN })
      .toEqual(["Carol", "David"]);
    await seeCount(items(carol.page, "David joined"), 1);
    await seeText(dave.page.getByRole("listitem").filter({ hasText: "David" }).last(), "(you)");
  });

  it("asks for another name when the name is taken", async () => {
    const room = freshRoom();
    const erin = await newPerson();
    const other = await newPerson();
    await joinFromLanding(erin.page, "Erin", room);
    await other.page.goto("/");
    await other.page.getByRole("textbox", { name: "Your name" }).fill("erin");
    await other.page.getByRole("textbox", { name: "Room" }).fill(room);
    await button(other.page, "Join").click();
    await other.page
      .getByText("Someone in this room already uses that name")
      .waitFor({ timeout: SEE_WITHIN });
    await other.page.getByRole("textbox", { name: "Your name" }).fill("Erin 2");
    await button(other.page, "Join").click();
    await seeConnected(other.page);
    await expect
      .poll(() => onlineNames(erin.page), { timeout: SEE_WITHIN })
      .toEqual(["Erin", "Erin 2"]);
  });
});

/** Waits until the focus is in the textbox labelled `label`. */
async function seeFocused(page: Person["page"], label: string) {
  await expect
    .poll(() => page.evaluate("document.activeElement?.labels?.[0]?.textContent ?? ''"), {
      timeout: SEE_WITHIN,
    })
    .toBe(label);
}

describe("the keyboard", () => {
  it("is enough to join a room and talk, with focus visible", async () => {
    const kim = await newPerson();
    const room = freshRoom();
    await kim.page.goto("/");
    await seeFocused(kim.page, "Your name");
    await kim.page.keyboard.type("Kim");
    await kim.page.keyboard.press("Tab");
    await kim.page.keyboard.type(room);
    await kim.page.keyboard.press("Enter");
    await seeConnected(kim.page);
    await seeFocused(kim.page, "Message");
    await kim.page.keyboard.type("hello from the keyboard");
    await kim.page.keyboard.press("Enter");
    await seeText(items(kim.page, "hello from the keyboard"), "Sent");
    // Tab on to the buttons: each shows where the focus is.
    await kim.page.keyboard.press("Tab");
    expect(await kim.page.evaluate("document.activeElement.textContent")).toBe("Clear");
    expect(await kim.page.evaluate("document.activeElement.matches(':focus-visible')")).toBe(true);
    expect(await kim.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")).toBe(
      "solid",
    );
  });
});

describe("the tab title", () => {
  it("counts unread messages while the tab is hidden, not joins and leaves", async () => {
    const room = freshRoom();
    const frank = await newPerson();
    const grace = await newPerson();
    await joinFromLanding(frank.page, "Frank", room);
    expect(await frank.page.title()).toBe(`#${room} · roomchat`);
    // Headless Chromium keeps every tab visible: hide this one the way the
    // browser would tell the page.
    await frank.page.evaluate(`
      Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
      document.dispatchEvent(new Event("visibilitychange"));
    `);
    await joinFromLanding(grace.page, "Grace", room);
    await seeCount(items(frank.page, "Grace joined"), 1);
    for (const text of ["one", "two"]) {
      await composer(grace.page).fill(text);
      await composer(grace.page).press("Enter");
      await seeCount(items(frank.page, text), 1);
    }
    // The title follows the count in an effect after the render: poll it.
    await expect.poll(() => frank.page.title()).toBe(`(2) #${room} · roomchat`);
    await frank.page.evaluate(`
      Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
      document.dispatchEvent(new Event("visibilitychange"));
    `);
    await expect.poll(() => frank.page.title()).toBe(`#${room} · roomchat`);
  });
});

it("broke no rule of the page's Content Security Policy, and threw nothing", () => {
  expect(pageProblems(people)).toEqual([]);
});

describe("the Chinese interface", () => {
  it("speaks Chinese with ?lang=zh", async () => {
    const wang = await newPerson();
    const room = freshRoom();
    await wang.page.goto("/?lang=zh");
    expect(await wang.page.getAttribute("html", "lang")).toBe("zh-CN");
    await wang.page.getByRole("textbox", { name: "你的名字" }).fill("小王");
    await wang.page.getByRole("textbox", { name: "房间" }).fill(room);
    await wang.page.getByRole("button", { name: "新建私密房间" }).waitFor();
    await wang.page.getByRole("button", { name: "加入", exact: true }).click();
    await wang.page.getByText("已连接", { exact: true }).waitFor({ timeout: SEE_WITHIN });
    await wang.page.getByRole("list", { name: "在线用户" }).getByText("小王").waitFor();
    const box = wang.page.getByRole("textbox", { name: "消息内容" });
    await box.fill("你好，世界");
    await wang.page.getByRole("button", { name: "发送", exact: true }).click();
    await seeText(wang.page.getByRole("log", { name: "消息" }).getByRole("listitem"), /你好，世界/);
    await wang.page.getByRole("button", { name: "复制链接" }).waitFor();
    await wang.page.getByRole("button", { name: "离开" }).waitFor();
  });

  it("follows the browser's language", async () => {
    const li = await newPerson({ locale: "zh-CN" });
    await li.page.goto("/");
    await li.page.getByRole("button", { name: "加入", exact: true }).waitFor();
    expect(await log(li.page).count()).toBe(0);
  });
});
