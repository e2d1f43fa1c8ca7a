// The full-screen client in a real terminal (issue 15, point 5): the BUILT
// client (dist-cli/roomchat.js) runs in a tmux pane of 120x40 on a private
// tmux socket against a live `wrangler dev`; the test types into the pane
// with send-keys and reads the screen with capture-pane, polling until the
// expected text is there (generous deadlines, no timing thresholds). The
// client runs with a clean environment (`env -i`), as a user's shell would.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../lib/wrangler";
import { CLI, type CliUser, cliUser, roomLink, run, spawnCli } from "./lib/cli";

const SOCKET = `roomchat-fs-${process.pid}`;
const tmux = (...args: string[]) =>
  execFileSync("tmux", ["-L", SOCKET, ...args], { encoding: "utf8" });
const screen = () => tmux("capture-pane", "-p", "-t", "chat");

async function see(
  test: (s: string) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = screen();
    if (test(s)) return s;
    if (Date.now() > until) throw new Error(`never saw ${what}:\n${s}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Types `text` into the input box and waits to see it there. */
async function typeDraft(text: string): Promise<void> {
  tmux("send-keys", "-t", "chat", "-l", text);
  await see((s) => s.includes(`> ${text}`), "the draft");
}

let server: DevServer;
const users: CliUser[] = [];
beforeAll(async () => {
  server = await startDevServer();
});
afterAll(async () => {
  try {
    tmux("kill-server");
  } catch {
    // Already gone.
  }
  for (const u of users) u.dispose();
  await server?.dispose();
});

it("chats in a full screen: own message with its time, another's arriving, the online table, Ctrl+L, quit()", async () => {
  const ada = cliUser();
  const bob = cliUser();
  users.push(ada, bob);
  const link = roomLink(server.url, `fs-${Date.now()}`);
  const env = ada.env({ CI: "false", TERM: "xterm-256color" });
  const vars = ["XDG_CONFIG_HOME", "XDG_DATA_HOME"].map((k) => `${k}=${env[k]}`).join(" ");
  tmux(
    "new-session",
    "-d",
    "-s",
    "chat",
    "-x",
    "120",
    "-y",
    "40",
    `env -i PATH=${process.env.PATH} HOME=${process.env.HOME} ${vars} CI=false TERM=xterm-256color ${process.execPath} ${CLI} ${link} --name ada; echo EXIT=$?; sleep 600`,
  );
  await see((s) => s.includes("connected") && /ada/.test(s), "ada connected");

  await typeDraft("hello from the terminal");
  tmux("send-keys", "-t", "chat", "Enter");
  const mine = await see(
    (s) => /\[1\] ada \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(you\)/.test(s),
    "ada's header",
  );
  expect(mine).toContain("  hello from the terminal");

  // Carol stays (tail) so that the online table shows her, then leaves; Bob posts with `send`.
  const carol = cliUser();
  users.push(carol);
  const tail = spawnCli(carol, ["tail", link, "--name", "carol"]);
  await see(
    (s) => s.includes("Online (2)") && /│\s+carol \S+/.test(s),
    "carol in the online table",
  );
  const sent = await run(bob, ["send", link, "--name", "bob", "hi ada"]);
  expect(sent.code).toBe(0);
  await see(
    (s) => /bob \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(s) && s.includes("  hi ada"),
    "bob's message",
  );
  tail.kill("SIGINT");
  await tail.result;
  await see(
    (s) => s.includes("Online (1)") && s.includes("— carol left"),
    "carol gone from the table",
  );

  // Ctrl+L clears the input box.
  await typeDraft("a draft to clear");
  tmux("send-keys", "-t", "chat", "C-l");
  await see((s) => !s.includes("a draft to clear"), "the draft cleared");

  await typeDraft("quit()");
  tmux("send-keys", "-t", "chat", "Enter");
  await see((s) => s.includes("EXIT=0"), "exit code 0");
}, 180_000);
