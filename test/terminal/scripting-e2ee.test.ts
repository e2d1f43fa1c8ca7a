// The terminal client in an encrypted room, end to end: the BUILT client
// (dist-cli/roomchat.js) against a live `wrangler dev`. `new --e2ee` prints
// a link with `#k=`; `send`, `export` and `tail` with that link show the
// plaintext; the room's HTTP history holds only `e1.` texts; a link without
// the key fails in one line with exit 1.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Message } from "../../protocol";
import { type DevServer, startDevServer } from "../lib/wrangler";
import { type CliUser, cliUser, run, spawnCli } from "./lib/cli";

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
    const after = await (
      await fetch(`${server.url}/api/rooms/${encodeURIComponent(room)}/messages`)
    ).text();
    expect(after).not.toContain("plaintext leak");
  }, 120_000);
});
