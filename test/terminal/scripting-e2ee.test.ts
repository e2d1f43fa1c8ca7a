// The terminal client in an encrypted room, end to end: the BUILT client
// (dist-cli/roomchat.js) against a live `wrangler dev`. `new --e2ee` prints
// a link with `#k=`; `send`, `export` and `tail` with that link show the
// plaintext; the room's HTTP history holds only `e1.` texts; a link without
// the key fails in one line with exit 1. A wrong key: `send` refuses and
// sends nothing, `export` and `tail` print "(could not be decrypted)" (JSON:
// no text, "undecryptable": true) and warn once on standard error. A
// malformed key: one line, exit 2, before connecting. A text whose
// ciphertext would not fit the room's MAX_CIPHERTEXT: refused by the
// client, never by the room (the server here runs with MAX_CIPHERTEXT 400,
// so that a short text reaches it; every other text in this file is far
// shorter).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Message } from "../../protocol";
import { type DevServer, freePort, startDevServer } from "../lib/wrangler";
import { type CliUser, cliUser, run, spawnCli } from "./lib/cli";

let server: DevServer;
const users: CliUser[] = [];
const user = () => {
  const u = cliUser();
  users.push(u);
  return u;
};
beforeAll(async () => {
  server = await startDevServer({ vars: { MAX_CIPHERTEXT: 400 } });
});
afterAll(async () => {
  for (const u of users) u.dispose();
  await server?.dispose();
});

describe("an encrypted room from the terminal", () => {
  it("new --e2ee, send, export and tail in plaintext; the server holds only ciphertext", async () => {
    const ann = user();
    const made = await run(ann, ["new", "--e2ee", "--server", server.url]);
    expect(made).toMatchObject({ code: 0, stderr: "" });
    const [link, ownerKey, owner] = made.stdout.trimEnd().split("\n");
    expect(link).toMatch(new RegExp(`^${server.url}/r/[0-9a-f]{32}#k=[\\w-]{43}$`));
    expect(ownerKey).toMatch(/^owner key: \S+$/);
    expect(owner).toMatch(/^owner link \(keep it secret\): \S+#k=[\w-]{43}&owner=\S+$/);
    const url = link ?? "";
    const bare = url.slice(0, url.indexOf("#"));
    const room = decodeURIComponent(bare.slice(bare.lastIndexOf("/") + 1));

    const tail = spawnCli(user(), ["tail", url, "--name", "watcher"]);
    // tail prints what comes after its welcome: send once it is in the room.
    await waitUntil(async () => (await online(room)) === 1, 30_000);
    expect((await run(ann, ["send", url, "a secret hello", "--name", "ann"])).code).toBe(0);
    await tail.waitFor((o) => o.includes("a secret hello\n"), 30_000);
    tail.kill("SIGINT");
    const t = await tail.result;
    expect(t.code).toBe(0);
    expect(t.stderr).toBe("");

    const ex = await run(user(), ["export", url, "--json"]);
    expect(ex).toMatchObject({ code: 0, stderr: "" });
    const texts = ex.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as Message).text);
    expect(texts).toEqual(["a secret hello"]);

    // What the server gives anyone over HTTP: ciphertext only.
    const res = await fetch(`${server.url}/api/rooms/${encodeURIComponent(room)}/messages`);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).not.toContain("secret hello");
    const page = JSON.parse(body) as { messages: Message[] };
    expect(page.messages).toHaveLength(1);
    expect(page.messages.every((m) => m.text.startsWith("e1."))).toBe(true);

    // The same link without its key: one line, exit 1, nothing sent.
    const fresh = user();
    const missing = await run(fresh, ["send", bare, "plaintext leak", "--name", "bob"]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toMatch(/^roomchat: [^\n]*this link is missing its key[^\n]*\n$/);
    const noKeyExport = await run(fresh, ["export", bare, "--name", "bob"]);
    expect(noKeyExport.code).toBe(1);
    expect(noKeyExport.stderr).toMatch(/missing its key/);
    // The send without the key left the room: the name is free at once, not
    // after the grace period.
    const bobAgain = await run(fresh, ["send", url, "bob with the key", "--name", "bob"]);
    expect(bobAgain).toMatchObject({ code: 0, stderr: "" });
    const after = await (
      await fetch(`${server.url}/api/rooms/${encodeURIComponent(room)}/messages`)
    ).text();
    expect(after).not.toContain("plaintext leak");
  }, 120_000);

  it("a wrong key: send refuses and sends nothing; export and tail print the marks and warn once", async () => {
    const ann = user();
    const { url, bare, room } = await newRoom(ann);
    expect((await run(ann, ["send", url, "only for the key holders", "--name", "ann"])).code).toBe(
      0,
    );
    // Well-formed (43 digits, the spare bits zero), but not this room's key.
    const wrong = `${bare}#k=${"A".repeat(43)}`;

    const eve = user();
    const sent = await run(eve, ["send", wrong, "unreadable to the others", "--name", "eve"]);
    expect(sent.code).toBe(1);
    expect(sent.stdout).toBe("");
    expect(sent.stderr).toMatch(/^roomchat: wrong key: [^\n]*; 1 message\(s\) not sent\n$/);
    expect(await history(room)).toHaveLength(1);
    // Dropped, not kept: the next send, with the right key, does not carry it.
    const readable = await run(eve, ["send", url, "now readable", "--name", "eve"]);
    expect(readable).toMatchObject({ code: 0, stderr: "" });
    expect((await history(room)).length).toBe(2);
    const right = await run(user(), ["export", url, "--json"]);
    expect(
      right.stdout
        .trimEnd()
        .split("\n")
        .map((l) => (JSON.parse(l) as Message).text),
    ).toEqual(["only for the key holders", "now readable"]);

    const ex = await run(user(), ["export", wrong]);
    expect(ex.code).toBe(0);
    const exLines = ex.stdout.trimEnd().split("\n");
    expect(exLines).toHaveLength(4);
    expect(exLines[0]).toMatch(/^ann \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect([exLines[1], exLines[3]]).toEqual([
      "(could not be decrypted)",
      "(could not be decrypted)",
    ]);
    expect(ex.stderr).toMatch(/^roomchat: warning: wrong key: [^\n]*\n$/);
    const exJson = await run(user(), ["export", wrong, "--json"]);
    expect(exJson.code).toBe(0);
    expect(exJson.stdout).not.toContain("e1.");
    const parsed = exJson.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.map((m) => [m.seq, "text" in m, m.undecryptable])).toEqual([
      [1, false, true],
      [2, false, true],
    ]);

    const tail = spawnCli(user(), ["tail", wrong, "--name", "mallory"]);
    await waitUntil(() => tail.stderr().includes("wrong key"), 30_000);
    expect((await run(ann, ["send", url, "a new secret", "--name", "ann"])).code).toBe(0);
    await tail.waitFor((o) => o.includes("(could not be decrypted)\n"), 30_000);
    tail.kill("SIGINT");
    const t = await tail.result;
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/^ann \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n\(could not be decrypted\)\n$/);
    expect(t.stderr).toMatch(/^roomchat: warning: wrong key: [^\n]*\n$/);
  }, 150_000);

  it("a malformed key: one line and exit 2, before anything connects", async () => {
    // Nothing listens there: a command that tried to connect would end with 3.
    const base = `http://127.0.0.1:${await freePort()}/r/0123456789abcdef0123456789abcdef`;
    const env = { ROOMCHAT_CONNECT_TIMEOUT_MS: "3000" };
    const u = user();
    for (const args of [
      ["send", `${base}#k=short`, "hello", "--name", "ann"],
      ["tail", `${base}#k=`, "--name", "ann"],
      // 43 digits whose last one sets the spare bits: no key is spelled so.
      ["export", `${base}#k=${"A".repeat(42)}B`],
    ]) {
      const r = await run(u, args, { env });
      expect(r).toEqual({
        code: 2,
        stdout: "",
        stderr:
          "roomchat: the link's key (#k=) is not a room key: copy the whole link (roomchat --help)\n",
      });
    }
  });

  it("a text whose ciphertext would pass MAX_CIPHERTEXT: refused here in one line, never sent", async () => {
    const ann = user();
    const { url, room } = await newRoom(ann);
    // 300 bytes seal to 441 characters (> 400); 269 bytes to 399, the most that fits.
    const long = "x".repeat(300);
    const r = await run(ann, ["send", url, long, "--name", "ann"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^roomchat: too_long: "x+…" is too long for this room once encrypted; not sent\n$/,
    );
    expect(await history(room)).toEqual([]);
    expect((await run(ann, ["send", url, "y".repeat(269), "--name", "ann"])).code).toBe(0);
    const kept = await history(room);
    expect(kept.map((m) => m.text.length)).toEqual([399]);
  });
});

/** A new encrypted room: its link with the key, without it, and its name. */
async function newRoom(u: CliUser): Promise<{ url: string; bare: string; room: string }> {
  const made = await run(u, ["new", "--e2ee", "--server", server.url]);
  expect(made.code).toBe(0);
  const url = made.stdout.split("\n")[0] ?? "";
  const bare = url.slice(0, url.indexOf("#"));
  return { url, bare, room: decodeURIComponent(bare.slice(bare.lastIndexOf("/") + 1)) };
}

/** The room's messages as the server gives them to anyone over HTTP. */
async function history(room: string): Promise<Message[]> {
  const res = await fetch(`${server.url}/api/rooms/${encodeURIComponent(room)}/messages`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { messages: Message[] }).messages;
}

/** How many sessions of the room have a live connection. */
async function online(room: string): Promise<number> {
  const res = await fetch(`${server.url}/api/rooms/${encodeURIComponent(room)}`);
  return ((await res.json()) as { online: number }).online;
}

async function waitUntil(test: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}
