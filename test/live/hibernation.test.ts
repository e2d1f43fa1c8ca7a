// Hibernation under a real `wrangler dev`: after about 10 s without events
// the room object is dropped and rebuilt on the next frame. The room's seq,
// its online list and the sessions carry on, `ping` is answered while it
// sleeps without waking it, and the rate bucket kept in the attachment holds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageFrame } from "../../protocol";
import { openClient } from "../lib/client";
import { type DevServer, roomStarts, startDevServer } from "../lib/wrangler";

let server: DevServer;
beforeAll(async () => {
  // A burst of 3 that refills one token per 100 s: alice spends it before the
  // sleep, and only a bucket that survived hibernation still refuses her after.
  server = await startDevServer({ vars: { RATE_BURST: 3, RATE_PER_SEC: 0.01 } });
});
afterAll(async () => {
  await server?.dispose();
});

/** The room's `room_started` log lines so far. */
const starts = (room: string) => roomStarts(server.output(), room);

describe("hibernation", () => {
  it("wakes with its sockets, seq and sessions intact", async () => {
    const room = "sleepy";
    const alice = await openClient(server.wsUrl(room));
    alice.send({ type: "join", name: "alice" });
    const aliceWelcome = await alice.next("welcome");
    const bob = await openClient(server.wsUrl(room));
    bob.send({ type: "join", name: "bob" });
    await bob.next("welcome");
    for (let i = 1; i <= 3; i++) {
      alice.send({ type: "send", id: `before-sleep-${i}-xxxxxxxx`, text: `m${i}` });
      await alice.next("message", (m) => m.seq === i);
    }

    // Idle long enough to hibernate; a keep-alive in the middle must not wake it.
    await new Promise((r) => setTimeout(r, 6000));
    const pong = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no pong")), 20_000);
      alice.ws.once("message", (d) => {
        clearTimeout(timer);
        resolve(d.toString());
      });
    });
    alice.ws.send("ping");
    expect(await pong).toBe("pong");
    await new Promise((r) => setTimeout(r, 9000));
    const before = starts(room).length;

    bob.send({ type: "send", id: "after-sleep-1-xxxxxxxx", text: "awake?" });
    const echoed = await bob.next("message", (m) => m.id === "after-sleep-1-xxxxxxxx", 30_000);
    expect(echoed.seq).toBe(4);
    const atAlice = await alice.next("message", (m) => m.id === "after-sleep-1-xxxxxxxx");
    expect(atAlice.seq).toBe(4);

    // The frame woke a rebuilt object that found both sockets.
    const after = starts(room);
    expect(after.length).toBe(before + 1);
    expect(after.at(-1)).toMatchObject({ sockets: 2, seq: 3 });

    const info = (await (await fetch(`${server.url}/api/rooms/${room}`)).json()) as {
      online: number;
      seq: number;
    };
    expect(info).toMatchObject({ online: 2, seq: 4 });

    // Alice's bucket, kept in her socket's attachment, came through the sleep empty.
    alice.send({ type: "send", id: "after-sleep-2-xxxxxxxx", text: "one more" });
    const refused = await alice.next("error", (e) => e.id === "after-sleep-2-xxxxxxxx");
    expect(refused.code).toBe("rate_limited");
    expect(refused.retryAfterMs).toBeGreaterThan(10_000);

    // The session's token still resumes it, on a new connection.
    const again = await openClient(server.wsUrl(room));
    again.send({ type: "join", name: "ignored", token: aliceWelcome.token, since: 4 });
    const resumed = await again.next("welcome");
    expect(resumed.you.id).toBe(aliceWelcome.you.id);
    expect((await alice.closed()).code).toBe(4000);
    const messages = alice.frames.filter((f): f is MessageFrame => f.type === "message");
    expect(messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    bob.close();
    again.close();
  }, 120_000);
});
