// A room left idle for 15 s, long enough for `wrangler dev` to hibernate it
// (the object is dropped, its sockets kept). A `ping` sent during the idle is
// answered `pong` by the runtime without waking the room: the room logs
// `room_started` whenever its object is constructed, and no such line appears
// for the ping. The next real frame wakes it, and what a client sees carries
// on: the seq continues, the online list still counts every session, a token
// still resumes its session, and the checker finds nothing lost or doubled.
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../protocol";
import { checkRoom, ResilientClient, roomInfo, waitUntil } from "../lib/resilient";
import { type DevServer, roomStarts, startDevServer } from "../lib/wrangler";
import { sleep, UNTHROTTLED } from "./helpers";

let server: DevServer;
beforeAll(async () => {
  // A long join timeout and grace: no alarm falls in the idle time and wakes the room.
  server = await startDevServer({
    vars: { ...UNTHROTTLED, JOIN_TIMEOUT_MS: 600_000, RESUME_GRACE_MS: 600_000 },
  });
});
afterAll(async () => {
  await server?.dispose();
});

/** The room's `room_started` log lines so far. */
const starts = (room: string) => roomStarts(server.output(), room);

it("keeps seq, presence and sessions through hibernation; ping does not wake it", async () => {
  const room = "hibernate";
  const [a, b, c] = ["a", "b", "c"].map(
    (name) => new ResilientClient({ base: server.url, room, name }),
  ) as [ResilientClient, ResilientClient, ResilientClient];
  await Promise.all([a, b, c].map((x) => x.start()));
  for (const x of [a, b, c]) {
    x.send(`${x.options.name} before the idle`);
    await x.settled(30_000);
  }
  await Promise.all([a, b, c].map((x) => x.caughtUp(3, 30_000)));
  const cBefore = c.you;

  // Idle: no frame, no HTTP request (an info request would wake the room too).
  await sleep(12_000);
  const beforePing = starts(room).length;
  await a.ping(30_000);
  await sleep(3_000);
  expect(starts(room).length).toBe(beforePing);

  // The first frame after the idle wakes a rebuilt object that finds all three sockets.
  const id = b.send("after the idle");
  await b.settled(60_000);
  const woke = starts(room);
  // On failure: whether the clients' sockets were dropped meanwhile, and the room's log.
  const why = JSON.stringify({
    closes: [a, b, c].map((x) => x.stats.closes),
    log: server
      .output()
      .split("\n")
      .filter((l) => l.includes(`"room":"${room}"`)),
  });
  expect(woke.length, why).toBe(beforePing + 1);
  expect(woke.at(-1), why).toEqual({
    level: "info",
    event: "room_started",
    room,
    sockets: 3,
    seq: 3,
  });
  expect(b.sends().find((s) => s.id === id)?.outcome).toEqual({ kind: "confirmed", seq: 4 });
  await a.caughtUp(4, 30_000);
  expect(await roomInfo(server.url, room)).toEqual({
    room,
    online: 3,
    seq: 4,
    rev: 4,
    settings: DEFAULT_SETTINGS,
  });

  // A token from before the idle still resumes its session, and the others see it back.
  c.cut();
  await waitUntil(() => c.stats.welcomes === 2, 60_000, "c to reconnect");
  expect(c.you).toBe(cBefore);
  expect(c.stats.resumed).toBe(1);
  await waitUntil(
    () => a.frames.some((f) => f.type === "back" && f.user.id === cBefore),
    30_000,
    "a to see c back",
  );
  c.send("resumed after the idle");

  const { verdict } = await checkRoom(server.url, room, [a, b, c]);
  expect(verdict.errors).toEqual([]);
  expect(verdict.counts).toMatchObject({ confirmed: 5, stored: 5 });
  for (const x of [a, b, c]) x.close();
});
