// `roomchat tail` end to end, and what survives a restart: the BUILT client
// against a live `wrangler dev` started for this file (default limits, so
// the rate limit is the real one). Tail prints what another client posts,
// edits and deletes, in text and JSON; it leaves on Ctrl+C with exit 0; across
// a crash and restart of the server (SIGKILL, same --persist-to, as
// test/live/restart.test.ts does) every message posted before, during and
// after is printed exactly once; a send left unconfirmed by a client that
// crashed is sent by the next run; a burst over the rate limit waits it out.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverFolder } from "../../cli/context";
import type { Message } from "../../protocol";
import { openClient } from "../lib/client";
import { type DevServer, startDevServer } from "../lib/wrangler";
import { type CliUser, cliUser, roomLink, run, spawnCli } from "./lib/cli";

let server: DevServer;
const users: CliUser[] = [];
const user = () => {
  const u = cliUser();
  users.push(u);
  return u;
};
beforeAll(async () => {
  server = await startDevServer();
});
afterAll(async () => {
  for (const u of users) u.dispose();
  await server?.dispose();
});

const jsonLines = (out: string) =>
  out
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Message);

/** A header line of the Qt format, for `name`, in local time. */
const header = (name: string, suffix = "") =>
  new RegExp(`^${name} \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d${suffix}$`);

describe("tail", () => {
  it("prints what another client posts, edits and deletes, and leaves on Ctrl+C", async () => {
    const room = "tail-text";
    const other = await openClient(server.wsUrl(room));
    other.send({ type: "join", name: "page" });
    await other.next("welcome");
    other.send({ type: "send", id: "before-tail-0000000001", text: "said before tail" });
    await other.next("message");

    const tail = spawnCli(user(), ["tail", roomLink(server.url, room), "--name", "watcher"]);
    const joined = await other.next("joined", (f) => f.user.name === "watcher");

    other.send({ type: "send", id: "while-tailing-00000001", text: "hello terminal" });
    const posted = await other.next("message", (m) => m.id === "while-tailing-00000001");
    await tail.waitFor((o) => o.includes("hello terminal\n"));
    other.send({ type: "edit", seq: posted.seq, text: "hello, terminal" });
    await tail.waitFor((o) => o.includes("hello, terminal\n"));
    other.send({ type: "delete", seq: posted.seq });
    await tail.waitFor((o) => o.includes("(deleted)\n(deleted)\n"));

    tail.kill("SIGINT");
    const left = await other.next("left", (f) => f.user.id === joined.user.id);
    expect(left.reason).toBe("leave");
    const r = await tail.result;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(header("page"));
    expect(lines[1]).toBe("hello terminal");
    expect(lines[2]).toMatch(header("page", " \\(edited\\)"));
    expect(lines[3]).toBe("hello, terminal");
    expect(lines[4]).toMatch(header("page", " \\(deleted\\)"));
    expect(lines[5]).toBe("(deleted)");
    other.close();
  });

  it("prints each message once across a crash and restart of the server", async () => {
    const room = "tail-restart";
    const link = roomLink(server.url, room);
    const poster = user();
    expect((await run(poster, ["send", link, "before", "--name", "poster"])).code).toBe(0);

    // The restart takes longer than the 30 s bound on a loaded machine; tail is told to wait.
    const tail = spawnCli(user(), ["tail", link, "--json", "--name", "watcher"], {
      ROOMCHAT_CONNECT_TIMEOUT_MS: "150000",
    });
    // Tail prints only what comes after it joined: wait until it has.
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(async () => {
        const info = (await (await fetch(`${server.url}/api/rooms/${room}`)).json()) as {
          online: number;
        };
        if (info.online >= 1) {
          clearInterval(poll);
          resolve();
        }
      }, 200);
      setTimeout(() => {
        clearInterval(poll);
        reject(new Error("tail did not join"));
      }, 30_000);
    });
    expect((await run(poster, ["send", link, "one"])).code).toBe(0);
    await tail.waitFor((o) => o.includes('"text":"one"'));

    await server.stop("SIGKILL");
    // Posted while the server is down: this send waits for it and is confirmed after the restart.
    const during = spawnCli(poster, ["send", link, "while down"], {
      ROOMCHAT_CONNECT_TIMEOUT_MS: "150000",
    });
    during.stdin?.end();
    await server.restart();
    expect(await during.result).toMatchObject({ code: 0, stderr: "" });
    expect((await run(poster, ["send", link], { input: "two\nthree\n" })).code).toBe(0);
    await tail.waitFor((o) => o.includes('"text":"three"'), 60_000);

    tail.kill("SIGINT");
    const r = await tail.result;
    expect(r.code).toBe(0);
    const printed = jsonLines(r.stdout);
    expect(printed.map((m) => m.text)).toEqual(
      expect.arrayContaining(["one", "while down", "two", "three"]),
    );
    expect(printed).toHaveLength(4);
    expect(new Set(printed.map((m) => m.seq)).size).toBe(4);
    // What the room holds agrees, each message once.
    const history = await run(poster, ["export", link, "--json"]);
    expect(jsonLines(history.stdout).map((m) => m.text)).toEqual([
      "before",
      "one",
      "while down",
      "two",
      "three",
    ]);
  });
});

describe("send", () => {
  it("sends again, on the next run, what a crashed run left unconfirmed", async () => {
    const room = "outbox-crash";
    const link = roomLink(server.url, room);
    const ann = user();
    const kept = join(ann.data, "roomchat", serverFolder(server.url), "state.json");

    await server.stop("SIGKILL");
    const first = spawnCli(ann, ["send", link, "kept across a crash", "--name", "ann"]);
    first.stdin?.end();
    // Written to the data folder before it goes out; then the client dies.
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        let text = "";
        try {
          text = readFileSync(kept, "utf8");
        } catch {
          return;
        }
        if (text.includes("kept across a crash")) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
      setTimeout(() => {
        clearInterval(poll);
        reject(new Error(`nothing kept in ${kept}`));
      }, 20_000);
    });
    first.kill("SIGKILL");
    expect((await first.result).stdout).toBe("");
    await server.restart();

    // No text and an empty standard input: only what was kept goes.
    const second = await run(ann, ["send", link]);
    expect(second).toEqual({ code: 0, stdout: "", stderr: "" });
    const history = await run(ann, ["export", link, "--json"]);
    expect(jsonLines(history.stdout).map((m) => [m.user.name, m.text])).toEqual([
      ["ann", "kept across a crash"],
    ]);
    expect(readFileSync(kept, "utf8")).not.toContain("kept across a crash");
  });

  it("waits out the room's rate limit and delivers every line", async () => {
    const link = roomLink(server.url, "rate-limited");
    const lines = Array.from({ length: 16 }, (_, i) => `burst ${i + 1}`);
    const bo = user();
    const r = await run(bo, ["send", link, "--name", "bo"], { input: `${lines.join("\n")}\n` });
    expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
    const history = await run(bo, ["export", link, "--json"]);
    expect(jsonLines(history.stdout).map((m) => m.text)).toEqual(lines);
  });
});
