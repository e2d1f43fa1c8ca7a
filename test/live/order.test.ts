// One socket's frames are handled in the order they were sent: 50 sends
// written back to back, without waiting for echoes, are stored and echoed
// in that order, every time. (Inside the vitest pool the test's own socket
// may deliver back-to-back frames out of order, so this is proven here,
// against a real `wrangler dev`.)
import { afterAll, beforeAll, expect, it } from "vitest";
import type { MessageFrame } from "../../protocol";
import { openClient } from "../lib/client";
import { type DevServer, startDevServer } from "../lib/wrangler";

let server: DevServer;
beforeAll(async () => {
  // The rate limits are raised so that 50 sends at once are all accepted.
  // The address limit far above the rest: each round's room leases up to a
  // whole burst of the one address's tokens and keeps topping it up, so with
  // a burst of 1000 the third room could find the bucket nearly empty (it
  // did, on the code before and after the hardening alike).
  server = await startDevServer({
    vars: {
      RATE_BURST: 1000,
      RATE_PER_SEC: 1000,
      ADDR_RATE_BURST: 1_000_000,
      ADDR_RATE_PER_SEC: 1_000_000,
    },
  });
});
afterAll(async () => {
  await server?.dispose();
});

it("stores back-to-back sends from one socket in the order sent", async () => {
  for (let round = 0; round < 5; round++) {
    const room = `order-${round}`;
    const client = await openClient(server.wsUrl(room));
    client.send({ type: "join", name: "writer" });
    await client.next("welcome");
    for (let i = 0; i < 50; i++) {
      client.send({
        type: "send",
        id: `order-${round}-${String(i).padStart(12, "0")}`,
        text: String(i),
      });
    }
    await client.next("message", (m) => m.seq === 50, 30_000);
    const echoed = client.frames.filter((f): f is MessageFrame => f.type === "message");
    expect(echoed.map((m) => [m.seq, m.text])).toEqual(
      Array.from({ length: 50 }, (_, i) => [i + 1, String(i)]),
    );
    const res = await fetch(`${server.url}/api/rooms/${room}/messages?limit=50`);
    const stored = ((await res.json()) as { messages: MessageFrame[] }).messages;
    expect(stored.map((m) => m.text)).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    client.close();
  }
}, 120_000);
