// The full screen's keys in a real terminal (issue 15, point 2), as a user
// sees them: the BUILT client (dist-cli/roomchat.js) in tmux panes of
// 120x40 (test/terminal/lib/tmux.ts) against a live `wrangler dev`, each
// test in a room of its own. The client runs with a clean environment and
// CI=true (as .ci/run exports it): it still draws, in colour. Shown here:
// Alt+Enter and Ctrl+J break the line and the message arrives in lines; ↑/↓
// browse what was sent; Tab completes an @name and a /command; PgUp scrolls
// up (older messages loaded at the top), the status line counts what
// arrives meanwhile, PgDn goes back; Ctrl+C once only warns, twice leaves
// with exit code 0; the name prompt without --name, remembered for the next
// run; a name the room refuses asked again in place.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Message } from "../../protocol";
import { openClient } from "../lib/client";
import { type DevServer, startDevServer } from "../lib/wrangler";
import { type CliUser, cliUser, roomLink, run, spawnCli } from "./lib/cli";
import { chatCommand, type Pane, tmuxServer } from "./lib/tmux";

const tmux = tmuxServer(`roomchat-keys-${process.pid}`);
let server: DevServer;
const users: CliUser[] = [];
const stops: (() => void)[] = [];
const user = () => {
  const u = cliUser();
  users.push(u);
  return u;
};
beforeAll(async () => {
  server = await startDevServer();
});
afterAll(async () => {
  tmux.dispose();
  for (const stop of stops) stop();
  for (const u of users) u.dispose();
  await server?.dispose();
});

const room = (name: string) => roomLink(server.url, `${name}-${Date.now()}`);

/** `name` in the full screen of `link` (CI=true, as in CI), connected. */
async function chat(session: string, link: string, name: string): Promise<Pane> {
  const pane = tmux.open(session, chatCommand(user(), [link, "--name", name], { CI: "true" }));
  await pane.see((s) => / · connected/.test(s) && s.includes(name), `${name} connected`);
  return pane;
}

/** The input box's lines, from the screen: what follows `│> ` up to the box's end. */
function inputBox(screen: string): string[] {
  const rows = screen.split("\n");
  const start = rows.findIndex((r) => r.startsWith("│> "));
  if (start < 0) return [];
  const out: string[] = [];
  for (let i = start; rows[i]?.startsWith("│"); i++) {
    out.push((rows[i] as string).slice(3).replace(/\s*│$/, ""));
  }
  return out;
}

/** The status line: the row above the input box. */
function statusLine(screen: string): string {
  const rows = screen.split("\n");
  const box = rows.findIndex((r) => r.startsWith("╭"));
  return (rows[box - 1] ?? "").trim();
}

/** The log's rows (left of the online table), without trailing spaces. */
const logRows = (screen: string) =>
  screen.split("\n").map((r) => r.replace(/\s*│.*$/, "").trimEnd());

/** A log row holding exactly `text` (a message's line, indented by two). */
const hasLine = (screen: string, text: string) => logRows(screen).includes(`  ${text}`);

const HEADER = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d";

it("breaks the line with Alt+Enter and Ctrl+J, sends the lines as one message, and browses what was sent with ↑/↓; in colour under CI", async () => {
  const link = room("keys-lines");
  const ada = await chat("lines", link, "ada");

  // In colour although CI is set: the status line in reverse video, ada's name in green.
  const styled = ada.screenWithStyles();
  expect(styled).toContain("\x1b[7m#keys-lines-");
  expect(styled).toContain("\x1b[32m ada ");

  // Carol reads along with tail --json, so that the text that arrives is exact.
  const carol = spawnCli(user(), ["tail", link, "--name", "carol", "--json"]);
  stops.push(() => carol.kill("SIGKILL"));
  await ada.see((s) => s.includes("Online (2)"), "carol online");

  ada.type("first line");
  await ada.see((s) => inputBox(s)[0] === "first line█", "the first line typed");
  ada.keys("M-Enter");
  await ada.see((s) => inputBox(s).length === 2, "Alt+Enter: a second line in the box");
  ada.type("second line");
  ada.keys("C-j");
  await ada.see((s) => inputBox(s).length === 3, "Ctrl+J: a third line in the box");
  ada.type("third line");
  await ada.see(
    (s) => inputBox(s).join("|") === "first line|second line|third line█",
    "three lines in the input box",
  );
  ada.keys("Enter");

  // Ada's screen: her header, then the three lines below it; the box is empty again.
  const sent = await ada.see(
    (s) =>
      new RegExp(`\\[1\\] ada ${HEADER} \\(you\\)`).test(s) &&
      hasLine(s, "third line") &&
      inputBox(s).join("|") === "█",
    "the message with its three lines",
  );
  const rows = logRows(sent);
  const at = rows.findIndex((r) => /^\[1\] ada /.test(r));
  expect(rows.slice(at + 1, at + 4)).toEqual(["  first line", "  second line", "  third line"]);
  // Carol gets one message with the line breaks in its text.
  const got = await carol.waitFor((o) => o.includes("third line"));
  const texts = got
    .split("\n")
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as Message).text);
  expect(texts).toEqual(["first line\nsecond line\nthird line"]);

  ada.type("another one");
  ada.keys("Enter");
  await ada.see((s) => hasLine(s, "another one") && inputBox(s)[0] === "█", "the second message");

  // ↑ puts the last sent text back, ↑ again the one before; ↓ comes back to the draft.
  ada.type("my draft");
  await ada.see((s) => inputBox(s)[0] === "my draft█", "a draft");
  ada.keys("Up");
  await ada.see((s) => inputBox(s).join("|") === "another one█", "↑: the last message sent");
  ada.keys("Up");
  await ada.see(
    (s) => inputBox(s).join("|") === "first line|second line|third line█",
    "↑ again: the three lines before",
  );
  ada.keys("Down");
  await ada.see((s) => inputBox(s).join("|") === "another one█", "↓: the last one again");
  ada.keys("Down");
  await ada.see((s) => inputBox(s).join("|") === "my draft█", "↓ again: the draft as it was");
  // Sent again from the history, it is a new message.
  ada.keys("Up", "Enter");
  await ada.see(
    (s) => new RegExp(`\\[3\\] ada ${HEADER} \\(you\\)`).test(s),
    "the last message sent again",
  );
});

it("completes an @name of someone online and a /command with Tab", async () => {
  const link = room("keys-tab");
  const ada = await chat("tab", link, "ada");
  const carol = spawnCli(user(), ["tail", link, "--name", "carol"]);
  stops.push(() => carol.kill("SIGKILL"));
  await ada.see((s) => s.includes("Online (2)"), "carol online");

  ada.type("hello @ca");
  await ada.see((s) => inputBox(s)[0] === "hello @ca█", "a name begun");
  ada.keys("Tab");
  await ada.see((s) => inputBox(s)[0] === "hello @carol █", "Tab: @carol");
  ada.type("how are you");
  ada.keys("Enter");
  await ada.see((s) => hasLine(s, "hello @carol how are you"), "the message with the name");
  await carol.waitFor((o) => o.includes("hello @carol how are you"));

  ada.type("/he");
  await ada.see((s) => inputBox(s)[0] === "/he█", "a command begun");
  ada.keys("Tab");
  await ada.see((s) => inputBox(s)[0] === "/help █", "Tab: /help");
  ada.keys("Enter");
  await ada.see(
    (s) => s.includes("/reply N text") && s.includes("/share"),
    "the list of commands that /help shows",
  );
  // Nothing to complete (no one is called @zz): the draft stays as it was.
  ada.type("@zz");
  ada.keys("Tab");
  await ada.see((s) => inputBox(s)[0] === "@zz█", "no completion for @zz");
});

it("scrolls up with PgUp (older messages loaded at the top), counts unread meanwhile, and goes back with PgDn", async () => {
  const link = room("keys-page");
  // More than a welcome holds (50): the oldest come only from the history pages.
  const older = Array.from({ length: 56 }, (_, i) => `older ${String(i + 1).padStart(2, "0")}`);
  const bob = user();
  const posted = await run(bob, ["send", link, "--name", "bob"], {
    input: `${older.join("\n")}\n`,
    timeoutMs: 120_000,
  });
  expect(posted.code).toBe(0);

  const ada = await chat("page", link, "ada");
  await ada.see((s) => hasLine(s, "older 56"), "the newest message at the bottom");
  expect(statusLine(ada.screen())).not.toContain("unread");

  // PgUp, a screen at a time, until the first message shows.
  let screen = ada.screen();
  for (let i = 0; i < 20 && !hasLine(screen, "older 01"); i++) {
    const before = screen;
    ada.keys("PPage");
    // At the top of what is held, the older page loads and the next PgUp
    // shows it; a PgUp that comes before it has loaded moves nothing.
    screen = await ada
      .see((s) => s !== before, `the view after PgUp ${i + 1}`, 5_000)
      .catch(() => ada.screen());
  }
  expect(hasLine(screen, "older 01")).toBe(true);
  expect(hasLine(screen, "older 56")).toBe(false);
  expect(statusLine(screen)).toMatch(/ · 0 unread$/);

  // Bob posts while ada is scrolled up: counted, and the view stays where it is.
  const top = logRows(screen).slice(0, 5).join("\n");
  expect((await run(bob, ["send", link, "--name", "bob", "while you read 1"])).code).toBe(0);
  screen = await ada.see((s) => / · 1 unread$/.test(statusLine(s)), "1 unread");
  expect(await run(bob, ["send", link, "--name", "bob", "while you read 2"])).toMatchObject({
    code: 0,
  });
  screen = await ada.see((s) => / · 2 unread$/.test(statusLine(s)), "2 unread");
  expect(logRows(screen).slice(0, 5).join("\n")).toBe(top);
  expect(hasLine(screen, "while you read 2")).toBe(false);

  // PgDn back to the bottom: the new messages show and the count goes.
  for (let i = 0; i < 20 && !hasLine(screen, "while you read 2"); i++) {
    const before = screen;
    ada.keys("NPage");
    screen = await ada.see((s) => s !== before, `the view after PgDn ${i + 1}`);
  }
  expect(hasLine(screen, "while you read 2")).toBe(true);
  screen = await ada.see((s) => !statusLine(s).includes("unread"), "no unread at the bottom");
  expect(statusLine(screen)).toMatch(/ · connected$/);
});

it("warns on one Ctrl+C and leaves on two in a row, with exit code 0", async () => {
  const link = room("keys-ctrlc");
  const watcher = await openClient(server.wsUrl(new URL(link).pathname.slice(3)));
  stops.push(() => watcher.close());
  watcher.send({ type: "join", name: "watcher" });
  await watcher.next("welcome");
  const ada = await chat("ctrlc", link, "ada");
  await watcher.next("joined", (f) => f.user.name === "ada");

  ada.keys("C-c");
  let s = await ada.see((x) => x.includes("Press Ctrl+C again to leave"), "the hint");
  expect(s).not.toContain("EXIT=");
  expect(statusLine(s)).toMatch(/ · connected$/);

  // Another key in between (Ctrl+L clears the hint): the next Ctrl+C is a first one again.
  ada.keys("C-l");
  await ada.see((x) => !x.includes("Press Ctrl+C again"), "the hint cleared");
  ada.keys("C-c");
  s = await ada.see((x) => x.includes("Press Ctrl+C again to leave"), "the hint again");
  expect(s).not.toContain("EXIT=");

  ada.keys("C-c");
  await ada.see((x) => x.includes("EXIT=0"), "exit code 0");
  // Ada left on purpose: the others see her leave, not a dropped connection.
  const left = await watcher.next("left", (f) => f.user.name === "ada");
  expect(left.reason).toBe("leave");
});

it("asks for a name without --name and none remembered, remembers it, and does not ask again", async () => {
  const link = room("keys-name");
  const dora = user();
  const first = tmux.open("name", chatCommand(dora, [link], { CI: "true" }));
  await first.see((s) => s.includes("Your name: █"), "the name prompt");
  first.type("dora");
  await first.see((s) => s.includes("Your name: dora█"), "the name typed");
  first.keys("Enter");
  await first.see(
    (s) => / · connected/.test(s) && /│\s+dora \S+/.test(s),
    "dora connected, in the online table",
  );
  const names = JSON.parse(readFileSync(join(dora.config, "roomchat", "names.json"), "utf8"));
  expect(names).toEqual({ [server.url]: "dora" });

  first.type("/quit");
  first.keys("Enter");
  const after = await first.see((s) => s.includes("EXIT=0"), "exit code 0");
  // The prompt went with the chat: the shell's screen does not keep it.
  expect(after).not.toContain("Your name:");

  // The next run, with the same config folder and still no --name, goes straight in as dora.
  const again = tmux.open("name-again", chatCommand(dora, [link], { CI: "true" }));
  const s = await again.see(
    (x) => / · connected/.test(x) && /│\s+dora \S+/.test(x),
    "dora connected again",
  );
  expect(s).not.toContain("Your name:");
  again.type("quit()");
  again.keys("Enter");
  await again.see((x) => x.includes("EXIT=0"), "exit code 0");
});

it("asks for another name in place when the room refuses one, and remembers the new one", async () => {
  const link = room("keys-taken");
  const holder = await openClient(server.wsUrl(new URL(link).pathname.slice(3)));
  stops.push(() => holder.close());
  holder.send({ type: "join", name: "erin" });
  await holder.next("welcome");

  const erin = user();
  const pane = tmux.open("taken", chatCommand(erin, [link, "--name", "erin"], { CI: "true" }));
  await pane.see(
    (s) => s.includes("that name is taken here: type another and press Enter"),
    "the refusal in the status line",
  );
  await pane.see((s) => s.includes("Your name: █"), "the input box asking for a name");
  pane.type("erin2");
  pane.keys("Enter");
  await pane.see(
    (s) => / · connected/.test(s) && /│\s+erin2 \S+/.test(s),
    "erin2 connected, in the online table",
  );
  // The chat goes on: the input box is the message box again.
  pane.type("hello as erin2");
  pane.keys("Enter");
  const m = await holder.next("message", (f) => f.text === "hello as erin2");
  expect(m.user.name).toBe("erin2");
  const names = JSON.parse(readFileSync(join(erin.config, "roomchat", "names.json"), "utf8"));
  expect(names).toEqual({ [server.url]: "erin2" });
  pane.type("/quit");
  pane.keys("Enter");
  await pane.see((s) => s.includes("EXIT=0"), "exit code 0");
});
