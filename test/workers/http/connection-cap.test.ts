// MAX_CONN_PER_IP (4 in these tests) caps the connections of one address to
// one room: the next upgrade is 429 too_many_connections, while another
// address or another room still gets in, and a closed connection frees its place.
import { describe, expect, it } from "vitest";
import type { HttpError } from "../../../protocol";
import { type Client, connect, freshRoom, upgrade } from "../helpers";
import { LIMITS } from "../limits";

async function fill(room: string, ip: string): Promise<Client[]> {
  const clients: Client[] = [];
  for (let i = 0; i < LIMITS.MAX_CONN_PER_IP; i++) clients.push(await connect(room, { ip }));
  return clients;
}

async function expectRefused(room: string, ip: string) {
  const res = await upgrade(room, { ip });
  expect(res.status).toBe(429);
  expect(res.webSocket).toBeFalsy();
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  const body = (await res.json()) as HttpError;
  expect(body.error.code).toBe("too_many_connections");
  expect(body.error.message.length).toBeGreaterThan(0);
}

const closeAll = (clients: Client[]) => {
  for (const c of clients) c.close();
};

describe("429 too_many_connections", () => {
  it(`the connection after ${LIMITS.MAX_CONN_PER_IP} from one address to one room is refused`, async () => {
    expect(LIMITS.MAX_CONN_PER_IP).toBe(4);
    const room = freshRoom();
    const clients = await fill(room, "203.0.113.100");
    await expectRefused(room, "203.0.113.100");
    // Still refused: a refusal does not count, nor free anything.
    await expectRefused(room, "203.0.113.100");
    closeAll(clients);
  });

  it("joined connections count too", async () => {
    const room = freshRoom();
    const clients = await fill(room, "203.0.113.101");
    clients.forEach((c, i) => {
      c.send({ type: "join", name: `u${i}` });
    });
    for (const c of clients) await c.next("welcome");
    await expectRefused(room, "203.0.113.101");
    closeAll(clients);
  });

  it("another address still gets in", async () => {
    const room = freshRoom();
    const clients = await fill(room, "203.0.113.102");
    await expectRefused(room, "203.0.113.102");
    const other = await connect(room, { ip: "203.0.113.103" });
    closeAll([...clients, other]);
  });

  it("the same address still gets into another room", async () => {
    const room = freshRoom();
    const clients = await fill(room, "203.0.113.104");
    await expectRefused(room, "203.0.113.104");
    const elsewhere = await connect(freshRoom(), { ip: "203.0.113.104" });
    closeAll([...clients, elsewhere]);
  });

  it("after one closes, a new connection from that address is accepted", async () => {
    const room = freshRoom();
    const ip = "203.0.113.105";
    const clients = await fill(room, ip);
    await expectRefused(room, ip);
    clients[0]?.close();
    // The place frees once the room has processed the close: poll, bounded.
    let res = await upgrade(room, { ip });
    for (let i = 0; i < 100 && res.status === 429; i++) {
      await new Promise((r) => setTimeout(r, 50));
      res = await upgrade(room, { ip });
    }
    expect(res.status).toBe(101);
    res.webSocket?.accept();
    // And it took the freed place: the cap holds again.
    await expectRefused(room, ip);
    res.webSocket?.close(1000);
    closeAll(clients);
  });
});
