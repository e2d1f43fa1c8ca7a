// `roomchat send`, `export` and `new` end to end, and the command line's
// mistakes, as a user sees them (standard output, standard error, the exit
// code): the BUILT client (dist-cli/roomchat.js) against a live
// `wrangler dev` started for this file, each user with their own temporary
// XDG folders.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Message } from "../../protocol";
import { openClient } from "../lib/client";
import { type DevServer, freePort, startDevServer } from "../lib/wrangler";
import { type CliUser, cliUser, roomLink, run } from "./lib/cli";

let server: DevServer;
const users: CliUser[] = [];
const user = () => {
  const u = cliUser();
  users.push(u);
  return u;
};
beforeAll(async () => {
  // A rate limit wide enough for the 130 messages of the long history (the
  // restart file keeps the default one, and waits it out).
  server = await startDevServer({
    vars: { RATE_BURST: 500, RATE_PER_SEC: 200, ADDR_RATE_BURST: 500, ADDR_RATE_PER_SEC: 200 },
  });
});
afterAll(async () => {
  for (const u of users) u.dispose();
  await server?.dispose();
});

/** A one-line error on standard error, nothing on standard output, no stack trace. */
function oneLineError(r: { stdout: string; stderr: string }, pattern: RegExp) {
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(/^roomchat: [^\n]+\n$/);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
}

/** `export --json` of a room, parsed. */
async function exported(u: CliUser, link: string): Promise<Message[]> {
  const r = await run(u, ["export", link, "--json"]);
  expect(r).toMatchObject({ code: 0, stderr: "" });
  return r.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Message);
}

describe("send and export", () => {
  it("sends a message from the arguments, and export shows it once", async () => {
    const ann = user();
    const link = roomLink(server.url, "send-args");
    const sent = await run(ann, [
      "send",
      link,
      "hello",
      "from",
      "the",
      "terminal",
      "--name",
      "ann",
    ]);
    expect(sent).toEqual({ code: 0, stdout: "", stderr: "" });

    const text = await run(ann, ["export", link]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ann \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\nhello from the terminal\n$/);
    expect((await exported(ann, link)).map((m) => [m.user.name, m.text])).toEqual([
      ["ann", "hello from the terminal"],
    ]);
  });

  it("sends every line of standard input as its own message, in order, with the remembered name", async () => {
    const bob = user();
    const link = roomLink(server.url, "send-stdin");
    // The first send remembers the name for this server; the second uses it.
    expect((await run(bob, ["send", link, "first", "--name", "bob"])).code).toBe(0);
    const r = await run(bob, ["send", link], {
      input: "one\n\ntwo\r\nthree 三\nquit()\nnot sent\n",
    });
    expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
    const messages = await exported(bob, link);
    expect(messages.map((m) => [m.user.name, m.text])).toEqual([
      ["bob", "first"],
      ["bob", "one"],
      ["bob", "two"],
      ["bob", "three 三"],
    ]);
    expect(messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it("exports a history longer than one page, oldest first", async () => {
    const cy = user();
    const link = roomLink(server.url, "long-history");
    const lines = Array.from({ length: 130 }, (_, i) => `line ${i + 1}`);
    expect(
      (await run(cy, ["send", link, "--name", "cy"], { input: `${lines.join("\n")}\n` })).code,
    ).toBe(0);
    const messages = await exported(cy, link);
    expect(messages.map((m) => m.text)).toEqual(lines);
  });

  it("says when there is no name for the server", async () => {
    const r = await run(user(), ["send", roomLink(server.url, "nameless"), "hi"]);
    expect(r.code).toBe(2);
    oneLineError(
      r,
      new RegExp(`no name for ${server.url}: give --name NAME \\(it is remembered\\)`),
    );
    // Nothing was posted.
    expect(await exported(user(), roomLink(server.url, "nameless"))).toEqual([]);
  });

  it("refuses a name another client holds in the room", async () => {
    const holder = await openClient(server.wsUrl("taken"));
    holder.send({ type: "join", name: "dora" });
    await holder.next("welcome");
    const r = await run(user(), ["send", roomLink(server.url, "taken"), "hi", "--name", "Dora"]);
    expect(r.code).toBe(4);
    oneLineError(r, /name_taken: Dora is taken in taken/);
    const t = await run(user(), ["tail", roomLink(server.url, "taken"), "--name", "dora"]);
    expect(t.code).toBe(4);
    oneLineError(t, /name_taken/);
    holder.close();
  });

  it("refuses a message the room cannot take, with its code", async () => {
    const r = await run(user(), [
      "send",
      roomLink(server.url, "too-long"),
      "x".repeat(5000),
      "--name",
      "eve",
    ]);
    expect(r.code).toBe(1);
    oneLineError(r, /too_long: message 1 "x+…" not sent/);
  });
});

describe("new", () => {
  it("makes a private room whose link works, and prints its owner link", async () => {
    const fay = user();
    const r = await run(fay, ["new", "--server", server.url]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const [link, key, owner] = r.stdout.trimEnd().split("\n");
    expect(link).toMatch(new RegExp(`^${server.url}/r/[0-9a-f]{32}$`));
    expect(key).toMatch(/^owner key: \S+$/);
    expect(owner).toBe(
      `owner link (keep it secret): ${link}#owner=${key?.slice("owner key: ".length)}`,
    );

    // The link is a room: the page is there, and the commands use it.
    expect((await fetch(link ?? "", { headers: { accept: "text/html" } })).status).toBe(200);
    expect((await run(fay, ["send", link ?? "", "in private", "--name", "fay"])).code).toBe(0);
    expect((await exported(fay, link ?? "")).map((m) => m.text)).toEqual(["in private"]);
    // The owner link names the same room.
    expect((await exported(fay, owner?.split(": ")[1] ?? "")).map((m) => m.text)).toEqual([
      "in private",
    ]);
  });
});

describe("bad input", () => {
  it("refuses a link that is not a room's with a usage error", async () => {
    for (const args of [
      ["send", `${server.url}/rooms/lobby`, "hi", "--name", "gus"],
      ["tail", `${server.url}/`, "--name", "gus"],
      ["export", "lobby"],
      ["tail", roomLink(server.url, "lobby"), "--colour"],
    ]) {
      const r = await run(user(), args);
      expect(r.code, args.join(" ")).toBe(2);
      oneLineError(r, /not a room link|not a link|unknown option/);
    }
  });

  it("gives up on a server that is down after the bound, with its own exit code", async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const env = { ROOMCHAT_CONNECT_TIMEOUT_MS: "2000" };
    for (const args of [
      ["send", roomLink(down, "lobby"), "hi", "--name", "hal"],
      ["tail", roomLink(down, "lobby"), "--name", "hal"],
      ["export", roomLink(down, "lobby")],
      ["new", "--server", down],
    ]) {
      const r = await run(user(), args, { env });
      expect(r.code, args.join(" ")).toBe(3);
      oneLineError(r, new RegExp(`cannot reach ${down} \\(tried for 2 s\\)`));
    }
  });
});
