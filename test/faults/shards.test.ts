// (issue 17) A room of 100 spread over fan-out shards, under load, through
// dropped connections and a SIGKILL. With SHARD_AT 20 and SHARD_SIZE 20 the
// room keeps 20 sockets itself and places the other 80 on four shards. Every
// client sends on its own jittered clock; mid-way a few clients lose their
// sockets at a time (no closing handshake) and reconnect wherever the room
// places them then, often on another shard; then the whole `wrangler dev`
// is killed with SIGKILL and started again on the same storage, and every
// client resumes its session with token and `since` and resends what was
// not confirmed. The checker (test/lib/checker.ts) then judges storage and
// every client's view: nothing confirmed lost, nothing stored twice, each
// sender's order kept, no client with a hole. The room's logs say where
// each session joined and resumed: some moved between shards.
import { afterAll, beforeAll, expect, it } from "vitest";
import { checkRoom, ResilientClient, roomInfo, totalStats, waitUntil } from "../lib/resilient";
import { type DevServer, startDevServer } from "../lib/wrangler";
import { sleep, UNTHROTTLED } from "./helpers";

const CLIENTS = 100;
const SHARD_AT = 20;
const SHARD_SIZE = 20;
const BEFORE_CRASH = 300;
const AFTER_RESTART = 3;

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer({
    vars: { ...UNTHROTTLED, RESUME_GRACE_MS: 600_000, SHARD_AT, SHARD_SIZE },
  });
});
afterAll(async () => {
  await server?.dispose();
});

/** Where each user joined or resumed, in order ("room" or the shard's number), from the room's log lines. */
function placesOf(output: string, places: Map<string, string[]>): void {
  for (const line of output.split("\n")) {
    const at = line.indexOf('{"level"');
    if (at < 0) continue;
    let entry: { event?: string; user?: string; shard?: number; room?: string };
    try {
      entry = JSON.parse(line.slice(at));
    } catch {
      continue;
    }
    if (entry.room !== "big" || !entry.user) continue;
    if (entry.event !== "joined" && entry.event !== "resumed") continue;
    const list = places.get(entry.user) ?? [];
    list.push(entry.shard === undefined ? "room" : String(entry.shard));
    places.set(entry.user, list);
  }
}

it("keeps every promise across shards, dropped sockets and a SIGKILL", async () => {
  const room = "big";
  const clients = Array.from(
    { length: CLIENTS },
    (_, i) =>
      new ResilientClient({
        base: server.url,
        room,
        name: `c${i}`,
        backoffBaseMs: 250,
        backoffCapMs: 2000,
        maxAttempts: 200,
      }),
  );
  // Joined one after another, so that the first SHARD_AT are the room's own.
  for (const c of clients) await c.start();

  let sending = true;
  let restarted = false;
  const sentAfterRestart = new Map<ResilientClient, number>();
  const loops = clients.map(async (c, i) => {
    let n = 0;
    await sleep(Math.random() * 1500);
    while (sending) {
      c.send(`c${i} #${n++}`);
      if (restarted) sentAfterRestart.set(c, (sentAfterRestart.get(c) ?? 0) + 1);
      await sleep(1000 + Math.random() * 1000);
    }
  });
  const confirmed = () =>
    clients.reduce((n, c) => n + c.sends().filter((s) => s.outcome.kind === "confirmed").length, 0);

  // Three rounds of dropped sockets: the room's own and shards' alike.
  for (let round = 1; round <= 3; round++) {
    await waitUntil(() => confirmed() >= (BEFORE_CRASH * round) / 4, 120_000, "sends confirmed");
    const cut = clients.filter((_, i) => (i + round) % 9 === 0);
    for (const c of cut) c.cut();
    await waitUntil(() => cut.every((c) => c.connected), 60_000, "the cut clients back");
  }
  await waitUntil(() => confirmed() >= BEFORE_CRASH, 120_000, `${BEFORE_CRASH} confirmed sends`);
  const places = new Map<string, string[]>();
  placesOf(server.output(), places);
  const seqAtCrash = Math.max(...clients.map((c) => c.highestSeq));
  await server.stop("SIGKILL");
  await server.restart();
  restarted = true;

  await waitUntil(
    () => clients.every((c) => c.connected && c.stats.welcomes >= 2),
    180_000,
    "every client to reconnect",
  );
  await waitUntil(
    () => clients.every((c) => (sentAfterRestart.get(c) ?? 0) >= AFTER_RESTART),
    120_000,
    `${AFTER_RESTART} sends per client after the restart`,
  );
  sending = false;
  await Promise.all(loops);

  const { verdict, latestSeq } = await checkRoom(server.url, room, clients, 180_000);
  placesOf(server.output(), places);
  expect(verdict.errors).toEqual([]);
  expect(verdict.counts.unknown).toBe(0);
  expect(verdict.counts.refused).toBe(0);
  expect(verdict.counts.stored).toBe(verdict.counts.confirmed);
  expect(latestSeq).toBeGreaterThan(seqAtCrash);
  for (const c of clients) {
    expect(new Set(c.welcomes.map((w) => w.you.id)).size).toBe(1);
    expect(c.stats.resumed).toBeGreaterThanOrEqual(1);
    expect(c.stats.gaveUp).toBeNull();
  }
  expect((await roomInfo(server.url, room)).online).toBe(CLIENTS);
  const totals = totalStats(clients);
  expect(totals.outOfOrder).toBe(0);

  // The room and four shards held sockets, and sessions moved between them.
  const all = [...places.values()];
  expect(all).toHaveLength(CLIENTS);
  expect([...new Set(all.flat())]).toEqual(expect.arrayContaining(["room", "0", "1", "2", "3"]));
  const moved = all.filter((list) => new Set(list).size > 1).length;
  expect(moved).toBeGreaterThan(0);

  console.log(
    JSON.stringify({
      scenario: "shards",
      clients: CLIENTS,
      stored: verdict.counts.stored,
      seqAtCrash,
      latestSeq,
      moved,
      ...totals,
    }),
  );
  for (const c of clients) c.close();
});
