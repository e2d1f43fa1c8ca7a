// The smoke check against a real `wrangler dev` (what `npm start` runs): the
// page is served with its security headers, and two clients in one room,
// speaking the protocol over real sockets, see each other and each other's
// messages, in order, once each, and the history survives a restart.
// Sockets are not compressed, whatever the client offers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageFrame } from "../../protocol";
import { openClient } from "../lib/client";
import { type DevServer, startDevServer } from "../lib/wrangler";

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer();
});
afterAll(async () => {
  await server?.dispose();
});

const id = (n: number) => `smoke-message-${String(n).padStart(4, "0")}`;

describe("wrangler dev smoke", () => {
  it("serves the page with its security headers", async () => {
    const res = await fetch(`${server.url}/r/Lobby`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(await res.text()).toContain("<script");
  });

  it("declines the WebSocket compression that clients offer", async () => {
    // `ws`, like every browser, offers permessage-deflate; the server takes none.
    const client = await openClient(server.wsUrl("smoke-compression"));
    expect(client.ws.extensions).toBe("");
    client.send({ type: "join", name: "alice" });
    expect((await client.next("welcome")).you.name).toBe("alice");
    client.close();
  });

  it("lets two clients exchange messages, each delivered once and in order", async () => {
    const room = "smoke";
    const alice = await openClient(server.wsUrl(room));
    alice.send({ type: "join", name: "alice" });
    await alice.next("welcome");
    const bob = await openClient(server.wsUrl(room));
    bob.send({ type: "join", name: "bob" });
    const welcome = await bob.next("welcome");
    expect(welcome.users.map((u) => u.name).sort()).toEqual(["alice", "bob"]);
    expect((await alice.next("joined")).user.name).toBe("bob");

    for (let i = 0; i < 5; i++) {
      const from = i % 2 === 0 ? alice : bob;
      from.send({ type: "send", id: id(i), text: `hello ${i}` });
      // Each message is acknowledged (echoed) before the next is sent, so the order is fixed.
      await from.next("message", (m) => m.id === id(i));
    }
    const seen = (frames: typeof alice.frames) =>
      frames.filter((f): f is MessageFrame => f.type === "message").map((m) => [m.seq, m.text]);
    const expected = [0, 1, 2, 3, 4].map((i) => [i + 1, `hello ${i}`]);
    // The last message was alice's: her echo is in already; wait for bob's copy.
    await bob.next("message", (m) => m.seq === 5);
    expect(seen(alice.frames)).toEqual(expected);
    expect(seen(bob.frames)).toEqual(expected);

    bob.send({ type: "leave" });
    expect((await bob.closed()).code).toBe(1000);
    const left = await alice.next("left");
    expect(left).toMatchObject({ user: { name: "bob" }, reason: "leave" });
    alice.close();
  });

  it("keeps the history across a restart of the server", async () => {
    await server.stop();
    await server.restart();
    const res = await fetch(`${server.url}/api/rooms/smoke/messages`);
    const page = (await res.json()) as { messages: { text: string }[] };
    expect(page.messages.map((m) => m.text)).toEqual([0, 1, 2, 3, 4].map((i) => `hello ${i}`));
  });
});
