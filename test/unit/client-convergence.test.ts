// Convergence of the client core (client/) against a model of the room (v2),
// under any interleaving: the client sends, edits, deletes and reacts; Bob
// (on the server) posts, edits, deletes and reacts, or posts a burst while
// the client is away; frames in either direction are delivered late or lost
// with a cut; reconnects bring welcomes with a catch-up by rev, capped, with
// `gap`; history pages are answered in any order, or fail; the room says
// `rate_limited` to a change. When the network settles, the client holds, for
// every seq it holds, exactly the room's current message, with no hole from
// its oldest held message up; its resume point is the room's rev; every
// change it asked for has left its pending changes and holds in the room (or
// the room refused it because the message was gone); every send is stored.
//
// The model room is a few dozen lines of the protocol's rules (docs/protocol.md):
// seq and rev counters, pruning past HISTORY_LIMIT with the highest pruned
// rev remembered, the catch-up (rev > since, the `catchUp` highest seqs,
// gap), pages, repeated ids, and changes that change nothing answered alone
// without a rev.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { HttpResponseLike } from "../../client/deps";
import type { ClientEvent } from "../../client/events";
import type { Room } from "../../client/room";
import {
  type ClientFrame,
  DEFAULT_SETTINGS,
  type Message,
  PROTOCOL_VERSION,
  WELCOME_CATCH_UP,
  WELCOME_RECENT,
} from "../../protocol";
import { type FakeSocket, type FakeWorld, fakeWorld, limits, openRoom, user } from "./client-fakes";

const alice = user("Alice");
const bob = user("Bob");
const EMOJI = ["👍", "🎉", "😂"];

/** The room's history as the protocol defines it, for one client (Alice) and Bob. */
class ModelRoom {
  /** Retained messages by seq, in seq order (appended in order, pruned from the front). */
  readonly messages = new Map<number, Message>();
  seq = 0;
  rev = 0;
  /** The highest rev of a pruned message: a catch-up from below it has a gap. */
  prunedRev = 0;
  readonly ids = new Map<string, number>();
  constructor(
    readonly historyLimit: number,
    readonly catchUp: number,
    readonly now: () => number,
  ) {}

  append(from: typeof alice, id: string, text: string, replyTo?: number): Message {
    const m: Message = {
      seq: ++this.seq,
      id,
      user: { id: from.id, name: from.name },
      text,
      ts: this.now(),
      rev: ++this.rev,
    };
    if (replyTo !== undefined) m.replyTo = replyTo;
    this.messages.set(m.seq, m);
    this.ids.set(id, m.seq);
    for (const [seq, old] of this.messages) {
      if (this.messages.size <= this.historyLimit) break;
      this.messages.delete(seq);
      this.prunedRev = Math.max(this.prunedRev, old.rev);
    }
    return m;
  }

  /** Replaces message `seq` by `next` at a new rev. */
  change(seq: number, next: Omit<Message, "rev">): Message {
    const m = { ...next, rev: ++this.rev } as Message;
    this.messages.set(seq, m);
    return m;
  }

  welcome(since: number | undefined): { messages: Message[]; gap: boolean } {
    const all = [...this.messages.values()];
    if (since === undefined) return { messages: all.slice(-WELCOME_RECENT), gap: false };
    const from = Math.min(since, this.rev);
    const changed = all.filter((m) => m.rev > from);
    return {
      messages: changed.slice(-this.catchUp),
      gap: changed.length > this.catchUp || this.prunedRev > from,
    };
  }

  page(before: number, limit: number): { messages: Message[]; more: boolean } {
    const older = [...this.messages.values()].filter((m) => m.seq < before);
    const messages = older.slice(-limit);
    return { messages, more: older.length > messages.length };
  }
}

const reactionsWith = (m: Message, emoji: string, who: string, on: boolean) => {
  const list = (m.reactions ?? []).map((r) => ({ emoji: r.emoji, users: [...r.users] }));
  const r = list.find((x) => x.emoji === emoji);
  if (on) {
    if (r) r.users.push(who);
    else list.push({ emoji, users: [who] });
  } else if (r) r.users = r.users.filter((u) => u !== who);
  return list.filter((x) => x.users.length > 0);
};

const withReactions = (m: Message, reactions: Message["reactions"]): Omit<Message, "rev"> => {
  const { rev: _, reactions: __, ...rest } = m;
  return reactions?.length ? { ...rest, reactions } : rest;
};

const holds = (m: Message, emoji: string, who: string) =>
  m.reactions?.find((r) => r.emoji === emoji)?.users.includes(who) ?? false;

/** The server's side of the client's connections, and the network between them. */
class Server {
  sock: FakeSocket | null = null;
  consumed = 0;
  joined = false;
  /** Frames on their way to the client, as sent (JSON). */
  down: string[] = [];
  /**
   * HTTP requests on their way: read from the room when asked (the room
   * answers at once; the answer may arrive after later frames), delivered in
   * any order.
   */
  http: Array<{ status: number; text: string; resolve: (r: HttpResponseLike) => void }> = [];
  failHttp = 0;
  httpFailures = 0;
  rateLimitNext = false;
  readonly opened = new Set<FakeSocket>();

  constructor(
    readonly room: ModelRoom,
    readonly world: FakeWorld,
  ) {
    world.deps.fetch = (url) =>
      new Promise((resolve) => {
        this.http.push({ ...this.read(url), resolve });
      });
  }

  private toClient(frame: object | string) {
    if (this.joined) this.down.push(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** The client's current socket, if it is the one the server serves. */
  private current(): FakeSocket | null {
    const s = this.world.sockets.at(-1) ?? null;
    if (s !== this.sock) {
      // A new socket: whatever was on its way on the old one is lost.
      this.sock = s;
      this.consumed = 0;
      this.joined = false;
      this.down = [];
    }
    return s && !s.closed && this.opened.has(s) ? s : null;
  }

  open() {
    const s = this.world.sockets.at(-1);
    if (s && !s.closed && !this.opened.has(s)) {
      this.opened.add(s);
      s.open();
    }
  }

  /** The server reads every frame the client has written. */
  up() {
    const s = this.current();
    if (!s) return;
    while (this.consumed < s.sent.length) {
      const raw = s.sent[this.consumed++] as string;
      if (raw === "ping") {
        this.down.push("pong");
        continue;
      }
      this.onFrame(JSON.parse(raw) as ClientFrame);
    }
  }

  /** Delivers up to `n` frames to the client. */
  deliver(n = Infinity) {
    const s = this.current();
    if (!s) return;
    for (let i = 0; i < n && this.down.length; i++) {
      const raw = this.down.shift() as string;
      if (s.closed || this.world.sockets.at(-1) !== s) return;
      s.receive(raw);
    }
  }

  /** The connection is cut: with `lose`, what was on its way either way is lost. */
  cut(lose: boolean) {
    const s = this.current();
    if (!s) return;
    if (!lose) {
      this.up();
      this.deliver();
    }
    this.down = [];
    this.joined = false;
    this.consumed = s.sent.length;
    s.serverClose(1006);
  }

  answerHttp(pick: number) {
    const req = this.http.splice(pick % Math.max(1, this.http.length), 1)[0];
    if (!req) return;
    let status = req.status;
    if (this.failHttp > 0) {
      this.failHttp--;
      this.httpFailures++;
      status = 500;
    }
    req.resolve({ ok: status < 300, status, json: async () => JSON.parse(req.text) });
  }

  private read(raw: string): { status: number; text: string } {
    const url = new URL(raw);
    const single = url.pathname.match(/\/messages\/(\d+)$/);
    let body: unknown;
    let status = 200;
    if (single) {
      const m = this.room.messages.get(Number(single[1]));
      status = m ? 200 : 404;
      body = m ?? { error: { code: "not_found", message: "" } };
    } else {
      const before = Number(url.searchParams.get("before"));
      const limit = Number(url.searchParams.get("limit"));
      expect(limit).toBeGreaterThanOrEqual(1);
      expect(limit).toBeLessThanOrEqual(100);
      body = this.room.page(before, limit);
    }
    return { status, text: JSON.stringify(body) };
  }

  private error(code: string, extra: object) {
    this.toClient({ type: "error", code, message: code, ...extra });
  }

  private onFrame(f: ClientFrame) {
    const room = this.room;
    if (f.type === "join") {
      expect(f.v).toBe(PROTOCOL_VERSION);
      const { messages, gap } = room.welcome(f.since);
      this.joined = true;
      this.toClient({
        type: "welcome",
        room: "lobby",
        you: alice,
        token: "tok-1",
        users: [alice, bob],
        messages,
        seq: room.seq,
        gap,
        v: PROTOCOL_VERSION,
        rev: room.rev,
        settings: { ...DEFAULT_SETTINGS },
        limits: limits({ HISTORY_LIMIT: room.historyLimit }),
      });
      return;
    }
    if (!this.joined) return;
    if (f.type === "send") {
      const stored = room.ids.get(f.id);
      if (stored !== undefined) {
        const m = room.messages.get(stored);
        if (m) this.toClient({ type: "message", ...m });
        else this.error("duplicate", { id: f.id });
        return;
      }
      if (f.replyTo !== undefined) {
        const target = room.messages.get(f.replyTo);
        if (!target || target.deleted) return this.error("message_unknown", { id: f.id });
      }
      this.broadcast({ type: "message", ...room.append(alice, f.id, f.text, f.replyTo) });
      return;
    }
    if (f.type !== "edit" && f.type !== "delete" && f.type !== "react") return;
    const m = room.messages.get(f.seq);
    const seq = f.seq;
    if (!m || (m.deleted && f.type !== "delete")) return this.error("message_unknown", { seq });
    if (f.type !== "react" && m.user.id !== alice.id && !m.deleted)
      return this.error("forbidden", { seq });
    const same =
      f.type === "edit"
        ? m.text === f.text
        : f.type === "delete"
          ? m.deleted !== undefined
          : holds(m, f.emoji, alice.id) === f.on;
    // A change that changes nothing takes no rev and no rate token: answered alone.
    if (same) return this.toClient({ type: "update", message: m });
    if (this.rateLimitNext) {
      this.rateLimitNext = false;
      return this.error("rate_limited", { seq, retryAfterMs: 500 });
    }
    let next: Message;
    if (f.type === "edit") {
      const { rev: _, ...rest } = m;
      next = room.change(seq, { ...rest, text: f.text, editedAt: room.now() });
    } else if (f.type === "delete") {
      const { rev: _, editedAt: __, reactions: ___, ...rest } = m;
      next = room.change(seq, { ...rest, text: "", deleted: "author" });
    } else {
      next = room.change(seq, withReactions(m, reactionsWith(m, f.emoji, alice.id, f.on)));
    }
    this.broadcast({ type: "update", message: next });
  }

  broadcast(frame: object) {
    this.toClient(frame);
  }

  // Bob, on the server.
  bobSend(n: number) {
    this.broadcast({
      type: "message",
      ...this.room.append(bob, `bob-${n}-xxxxxxxxxxxxxxx`, `b${n}`),
    });
  }
  private bobs(): Message[] {
    return [...this.room.messages.values()].filter((m) => m.user.id === bob.id && !m.deleted);
  }
  bobEdit(pick: number, n: number) {
    const mine = this.bobs();
    const m = mine[pick % Math.max(1, mine.length)];
    if (!m) return;
    const { rev: _, ...rest } = m;
    const next = this.room.change(m.seq, {
      ...rest,
      text: `b edit ${n}`,
      editedAt: this.room.now(),
    });
    this.broadcast({ type: "update", message: next });
  }
  bobDelete(pick: number) {
    const mine = this.bobs();
    const m = mine[pick % Math.max(1, mine.length)];
    if (!m) return;
    const { rev: _, editedAt: __, reactions: ___, ...rest } = m;
    const next = this.room.change(m.seq, { ...rest, text: "", deleted: "author" });
    this.broadcast({ type: "update", message: next });
  }
  bobReact(pick: number, emoji: string) {
    const all = [...this.room.messages.values()].filter((m) => !m.deleted);
    const m = all[pick % Math.max(1, all.length)];
    if (!m) return;
    const on = !holds(m, emoji, bob.id);
    const next = this.room.change(m.seq, withReactions(m, reactionsWith(m, emoji, bob.id, on)));
    this.broadcast({ type: "update", message: next });
  }
}

type Op =
  | { k: "aliceSend"; reply: number | null }
  | { k: "aliceEdit"; pick: number }
  | { k: "aliceDelete"; pick: number }
  | { k: "aliceReact"; pick: number; emoji: number; on: boolean }
  | { k: "bobSend" }
  | { k: "bobEdit"; pick: number }
  | { k: "bobDelete"; pick: number }
  | { k: "bobReact"; pick: number; emoji: number }
  | { k: "burst"; n: number }
  | { k: "up" }
  | { k: "down"; n: number }
  | { k: "cut"; lose: boolean }
  | { k: "reconnect" }
  | { k: "http"; pick: number }
  | { k: "failHttp" }
  | { k: "rateLimit" }
  | { k: "older" }
  | { k: "tick"; ms: number };

const ops = (maxBurst: number): fc.Arbitrary<Op> =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        k: fc.constant("aliceSend" as const),
        reply: fc.option(fc.nat(), { nil: null }),
      }),
    },
    { weight: 3, arbitrary: fc.record({ k: fc.constant("aliceEdit" as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("aliceDelete" as const), pick: fc.nat() }) },
    {
      weight: 3,
      arbitrary: fc.record({
        k: fc.constant("aliceReact" as const),
        pick: fc.nat(),
        emoji: fc.nat({ max: EMOJI.length - 1 }),
        on: fc.boolean(),
      }),
    },
    { weight: 2, arbitrary: fc.constant({ k: "bobSend" as const }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("bobEdit" as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("bobDelete" as const), pick: fc.nat() }) },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant("bobReact" as const),
        pick: fc.nat(),
        emoji: fc.nat({ max: EMOJI.length - 1 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        k: fc.constant("burst" as const),
        n: fc.integer({ min: 1, max: maxBurst }),
      }),
    },
    { weight: 5, arbitrary: fc.constant({ k: "up" as const }) },
    {
      weight: 5,
      arbitrary: fc.record({ k: fc.constant("down" as const), n: fc.integer({ min: 1, max: 6 }) }),
    },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("cut" as const), lose: fc.boolean() }) },
    { weight: 3, arbitrary: fc.constant({ k: "reconnect" as const }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant("http" as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.constant({ k: "failHttp" as const }) },
    { weight: 1, arbitrary: fc.constant({ k: "rateLimit" as const }) },
    { weight: 2, arbitrary: fc.constant({ k: "older" as const }) },
    {
      weight: 1,
      arbitrary: fc.record({
        k: fc.constant("tick" as const),
        ms: fc.integer({ min: 0, max: 1500 }),
      }),
    },
  );

/** Lets the core's promise chains (a page answered, the next one asked for) run. */
const settle = async () => {
  for (let i = 0; i < 50; i++) await Promise.resolve();
};

const heldMessages = (room: Room) =>
  room.log.value.flatMap((e) => (e.kind === "message" ? [e.message] : []));

/** What Alice asked for and the core accepted, last one per thing. */
interface Intents {
  edits: Map<number, string>;
  deletes: Set<number>;
  reactions: Map<string, boolean>;
}

async function run(
  config: { historyLimit: number; catchUp: number; initial: number },
  script: Op[],
) {
  const world = fakeWorld();
  const events: ClientEvent[] = [];
  world.deps.observe = (e) => events.push(e);
  const model = new ModelRoom(config.historyLimit, config.catchUp, () => world.clock.now);
  const server = new Server(model, world);
  for (let i = 0; i < config.initial; i++) server.bobSend(-i - 1);
  const room = openRoom(world);
  server.open();
  const intents: Intents = { edits: new Map(), deletes: new Set(), reactions: new Map() };
  let bobN = 0;
  let aliceN = 0;

  const reconnect = () => {
    const status = room.status.value;
    if (status === "waiting" || status === "offline")
      world.clock.advance(Math.max(0, room.retryAt.value - world.clock.now));
    server.open();
  };

  const own = () => heldMessages(room).filter((m) => m.user.id === alice.id);
  const pickOf = <T>(list: T[], pick: number) => list[pick % Math.max(1, list.length)];

  for (const op of script) {
    switch (op.k) {
      case "aliceSend": {
        const target = op.reply === null ? undefined : pickOf(heldMessages(room), op.reply);
        room.send(`a${aliceN++}`, target ? { replyTo: target.seq } : undefined);
        break;
      }
      case "aliceEdit": {
        const m = pickOf(own(), op.pick);
        const text = `a edit ${aliceN++}`;
        if (m && room.edit(m.seq, text).ok) intents.edits.set(m.seq, text);
        break;
      }
      case "aliceDelete": {
        const m = pickOf(own(), op.pick);
        if (m && room.deleteMessage(m.seq).ok) intents.deletes.add(m.seq);
        break;
      }
      case "aliceReact": {
        const m = pickOf(heldMessages(room), op.pick);
        const emoji = EMOJI[op.emoji] as string;
        if (m && room.react(m.seq, emoji, op.on).ok)
          intents.reactions.set(`${m.seq} ${emoji}`, op.on);
        break;
      }
      case "bobSend":
        server.bobSend(bobN++);
        break;
      case "bobEdit":
        server.bobEdit(op.pick, bobN++);
        break;
      case "bobDelete":
        server.bobDelete(op.pick);
        break;
      case "bobReact":
        server.bobReact(op.pick, EMOJI[op.emoji] as string);
        break;
      case "burst":
        for (let i = 0; i < op.n; i++) server.bobSend(bobN++);
        break;
      case "up":
        server.up();
        break;
      case "down":
        server.deliver(op.n);
        break;
      case "cut":
        server.cut(op.lose);
        break;
      case "reconnect":
        reconnect();
        break;
      case "http":
        server.answerHttp(op.pick);
        break;
      case "failHttp":
        server.failHttp++;
        break;
      case "rateLimit":
        server.rateLimitNext = true;
        break;
      case "older":
        void room.loadOlder();
        break;
      case "tick":
        world.clock.advance(op.ms);
        break;
    }
    await settle();
  }

  /** Lets the network and the client settle: no failures, everything delivered and answered. */
  const quiesce = async () => {
    server.failHttp = 0;
    server.rateLimitNext = false;
    for (let i = 0; i < 300; i++) {
      reconnect();
      server.up();
      server.deliver();
      while (server.http.length) {
        server.answerHttp(0);
        await settle();
      }
      await settle();
      const s = server.sock;
      const quiet =
        room.status.value === "connected" &&
        server.joined &&
        s !== null &&
        server.consumed === s.sent.length &&
        server.down.length === 0 &&
        server.http.length === 0 &&
        room.changes.value.length === 0 &&
        room.pending.value.every((p) => p.status === "failed");
      if (quiet) return;
      world.clock.advance(300);
    }
    throw new Error(
      `did not settle: ${room.status.value}, ${room.changes.value.length} changes, ${room.pending.value.length} sends`,
    );
  };

  const check = () => {
    const held = heldMessages(room);
    for (const m of held) {
      const now = model.messages.get(m.seq);
      if (now) expect(m, `seq ${m.seq}`).toEqual(now);
    }
    // No hole: every retained message from the oldest held up is held.
    const oldest = held[0]?.seq ?? Infinity;
    const seqs = new Set(held.map((m) => m.seq));
    for (const seq of model.messages.keys())
      if (seq >= oldest) expect(seqs.has(seq), `seq ${seq} held`).toBe(true);
    expect(room.rev()).toBe(model.rev);
    expect(room.changes.value).toEqual([]);
    // Sends: all stored, but those answering a message gone meanwhile.
    for (const p of room.pending.value) expect(p.reason).toBe("message_unknown");
    // Each refused change was about a message the room no longer holds undeleted.
    for (const e of events)
      if (e.type === "change-refused") {
        expect(e.code).toBe("message_unknown");
        const m = model.messages.get(e.seq);
        expect(m === undefined || m.deleted !== undefined).toBe(true);
      }
    // What Alice asked for last holds, where the message is still there.
    for (const [seq, text] of intents.edits) {
      const m = model.messages.get(seq);
      if (m && !m.deleted) expect(m.text).toBe(text);
    }
    for (const seq of intents.deletes) {
      const m = model.messages.get(seq);
      if (m) expect(m.deleted).toBe("author");
    }
    for (const [key, on] of intents.reactions) {
      const [seq, emoji] = key.split(" ") as [string, string];
      const m = model.messages.get(Number(seq));
      if (m && !m.deleted) expect(holds(m, emoji, alice.id), key).toBe(on);
    }
  };

  await quiesce();
  // With no page ever failing, nothing more is needed; a failed fill is
  // retried on the next welcome, so then the check waits for one more.
  if (server.httpFailures === 0) check();
  server.cut(false);
  await quiesce();
  check();
  room.close();
}

describe("the client core against a model room", () => {
  it("converges under any interleaving (small limits: pruning, gaps and pages come quickly)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 40 }),
        fc.array(ops(12), { minLength: 10, maxLength: 80, size: "max" }),
        async (initial, script) => {
          await run({ historyLimit: 30, catchUp: 8, initial }, script);
        },
      ),
      { numRuns: 250 },
    );
  });

  it("converges when a gap spans pages (a room of 300, a catch-up of 20)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 300 }),
        fc.array(ops(60), { minLength: 10, maxLength: 80, size: "max" }),
        async (initial, script) => {
          await run({ historyLimit: 300, catchUp: 20, initial }, script);
        },
      ),
      { numRuns: 80 },
    );
  });

  it("converges with the protocol's catch-up of 200 and bursts past it", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 150 }),
        fc.array(ops(300), { minLength: 10, maxLength: 50, size: "max" }),
        async (initial, script) => {
          await run({ historyLimit: 1000, catchUp: WELCOME_CATCH_UP, initial }, script);
        },
      ),
      { numRuns: 30 },
    );
  });
});
