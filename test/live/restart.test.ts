// A crash of the server (SIGKILL to the whole `wrangler dev` process group)
// and a start on the same persist folder: messages and sessions are stored,
// so after the restart every session is away, resumes with its token under
// the same id and name, and ends with `left` once its grace period is over.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../protocol";
import { openClient } from "../lib/client";
import { type DevServer, startDevServer } from "../lib/wrangler";

const GRACE = 4000;
let server: DevServer;
beforeAll(async () => {
  server = await startDevServer({ vars: { RESUME_GRACE_MS: GRACE } });
});
afterAll(async () => {
  await server?.dispose();
});

describe("restart", () => {
  it("keeps messages and sessions across a crash", async () => {
    const room = "phoenix";
    const alice = await openClient(server.wsUrl(room));
    alice.send({ type: "join", name: "alice" });
    const a = await alice.next("welcome");
    const bob = await openClient(server.wsUrl(room));
    bob.send({ type: "join", name: "bob" });
    const b = await bob.next("welcome");
    alice.send({ type: "send", id: "before-crash-00000001", text: "still here?" });
    await alice.next("message", (m) => m.seq === 1);

    await server.stop("SIGKILL");
    await server.restart();

    const info = (await (await fetch(`${server.url}/api/rooms/${room}`)).json()) as {
      online: number;
      seq: number;
    };
    expect(info).toEqual({ room, online: 0, seq: 1, rev: 1, settings: DEFAULT_SETTINGS });

    const alice2 = await openClient(server.wsUrl(room));
    alice2.send({ type: "join", name: "someone else", token: a.token, since: 0 });
    const w = await alice2.next("welcome");
    expect(w.you).toMatchObject({
      id: a.you.id,
      name: "alice",
      joinedAt: a.you.joinedAt,
      away: false,
    });
    expect(w.users.find((u) => u.id === b.you.id)).toMatchObject({ name: "bob", away: true });
    expect(w.messages.map((m) => m.text)).toEqual(["still here?"]);

    // Bob never comes back: after the grace period he leaves for good.
    const left = await alice2.next("left", undefined, GRACE + 10_000);
    expect(left).toMatchObject({ user: { id: b.you.id }, reason: "disconnect" });
    alice2.close();
  }, 90_000);
});
