// The room's side of its fan-out shards (issue 17): where a new connection
// goes, the sockets that shards hold for the room (`RemoteSocket`, which the
// room treats like a socket of its own), and the pushes of what the room
// sends to them, one RPC at a time per shard, in order. It owns the
// `remote_sockets` table; the shard itself is worker/shard.ts.
//
// One object runs on one thread, and every WebSocket frame it sends costs
// the runtime about the same whatever its size. A room past SHARD_AT sockets
// places new connections on shards (`<room>#<n>`), each holding up to
// SHARD_SIZE of them. The room stays the one writer: every frame from a
// shard's socket comes here (`Room.relay`) and is handled as if it came from
// a local socket, and everything the room sends to those sockets is gathered
// per shard while the room runs and pushed in one `deliver` once it is done,
// each text once with the ids of the sockets it is for. The runtime's output
// gate holds that RPC until the room's writes are durable, as it holds a
// local send, so "stored before sent" holds on shards too.
//
// Nothing acknowledged is lost or doubled across a failure: a push is
// numbered, retried a few times with the same number (the shard ignores a
// number it has applied), and when it still fails every socket of that
// shard is treated as gone (its session away, as for a dropped connection)
// and closed on the shard at the next contact, so that its clients resume
// with `since` and get what they missed from history. A shard that lost its
// sockets (a restart) says which ids it does not know, and the room lets
// those go the same way; a room that starts asks each of its shards which
// sockets they still hold.
import { HttpErrorCode } from "../protocol";
import type { Socket } from "./connections";
import { randomId } from "./util";

/** A room's shard: `<room>#<n>`. '#' is never part of a room name. */
export const shardName = (room: string, n: number): string => `${room}#${n}`;
/** The room of a shard's name. */
export const roomOfShard = (shard: string): string => shard.slice(0, shard.lastIndexOf("#"));

/** What a push carries: a text for some sockets, or a close for some. */
export type Delivery =
  | { t: string; ids: string[] }
  | { c: [code: number, reason: string]; ids: string[] };

/** What a shard relays: a frame from one of its sockets, or its close. */
export type Relayed = { id: string; d: string | ArrayBuffer } | { id: string; c: number };

/** What the room answers a shard that opens a connection: null (yes), or the HTTP refusal. */
export type Refusal = { status: number; body: { error: { code: string; message: string } } } | null;

/** The refusal of an upgrade that failed unexpectedly, on the room or on a shard. */
export const UPGRADE_FAILED = {
  status: 500,
  body: {
    error: { code: HttpErrorCode.Internal, message: "The room could not accept the connection." },
  },
} as const satisfies NonNullable<Refusal>;

/** The shard's RPC, as the room calls it. */
export interface ShardApi {
  /** Applies push `n` of the room's instance `epoch`; answers the ids it does not hold. */
  deliver(epoch: string, n: number, items: Delivery[]): Promise<string[]>;
  /** The ids of the sockets it holds (or is opening). */
  live(): Promise<string[]>;
}

/** What the fan-out needs from its room. */
export interface FanoutHost {
  sql: SqlStorage;
  shard(name: string): ShardApi;
  /** A remote socket is gone without a close from its shard: it is untracked, its session away. */
  gone(ws: RemoteSocket): void;
  warn(event: string, fields: Record<string, string | number>): void;
  waitUntil(p: Promise<unknown>): void;
}

/** Retries of a push, in ms after the failure; then the shard's sockets are let go. */
const RETRY_MS = [50, 250, 1000];
/** How long a connection placed on a shard counts there before it arrives. */
const PLACING_MS = 10_000;
/** How often a shard that could not be reached is tried again, to close what it still holds. */
const DROP_RETRY_MS = 5000;
/** A socket that could not be closed on its shard is closed with this, when the shard answers again. */
const LOST: [number, string] = [1011, "shard unreachable"];

/**
 * A socket that a shard holds for the room. Sends and closes go into the
 * shard's next push; the attachment is a row of `remote_sockets`.
 */
export class RemoteSocket implements Socket {
  /** The room closed it, or its shard said it closed: nothing more goes to it. */
  closed = false;

  constructor(
    readonly id: string,
    readonly shard: string,
    private attachment: unknown,
    private readonly fanout: Fanout,
  ) {}

  send(text: string | ArrayBuffer | ArrayBufferView): void {
    if (this.closed || typeof text !== "string") return;
    this.fanout.push(this.shard, this.id, text);
  }

  close(code?: number, reason?: string): void {
    if (this.closed) return;
    this.closed = true;
    this.fanout.push(this.shard, this.id, [code ?? 1000, reason ?? ""]);
  }

  serializeAttachment(value: unknown): void {
    this.attachment = value;
    this.fanout.save(this);
  }

  deserializeAttachment(): unknown {
    return this.attachment;
  }
}

/** A text or a close waiting for the shard's next push, with the sockets it is for. */
interface Item {
  t?: string;
  c?: [number, string];
  ids: string[];
  has: Set<string>;
}

/** Per shard: what waits, the push number, whether a push is under way. */
interface Outbox {
  items: Item[];
  n: number;
  busy: boolean;
  /** Sockets let go of while the shard could not be reached: closed at the next contact. */
  drop: string[];
}

export class Fanout {
  private readonly sockets = new Map<string, RemoteSocket>();
  private readonly outboxes = new Map<string, Outbox>();
  private readonly stubs = new Map<string, ShardApi>();
  /** This instance's pushes are numbered under a fresh epoch: a shard knows a restarted room. */
  private readonly epoch = randomId(8);
  /**
   * Connections sent to a shard that have not reached it yet: when each was
   * placed, per shard. One that never arrives stops counting after PLACING_MS.
   */
  private readonly placing = new Map<string, number[]>();

  constructor(
    private readonly host: FanoutHost,
    exists: boolean,
  ) {
    if (!exists) return;
    const rows = host.sql
      .exec<{ id: string; shard: string; att: string }>("SELECT id, shard, att FROM remote_sockets")
      .toArray();
    for (const row of rows) {
      this.sockets.set(row.id, new RemoteSocket(row.id, row.shard, JSON.parse(row.att), this));
    }
  }

  /** Every remote socket, as the room's connections take them when it starts. */
  all(): RemoteSocket[] {
    return [...this.sockets.values()];
  }

  get size(): number {
    return this.sockets.size;
  }

  get(id: string): RemoteSocket | undefined {
    return this.sockets.get(id);
  }

  /**
   * Where a new connection goes, given the sockets the room holds itself:
   * null for the room, or the first shard with room for it. Connections
   * placed but not yet arrived count, so that a storm of joins spreads.
   */
  place(
    local: number,
    shardAt: number,
    shardSize: number,
    room: string,
    now: number,
  ): string | null {
    if (local < shardAt) return null;
    const count = new Map<string, number>();
    for (const [shard, times] of this.placing) {
      const recent = times.filter((t) => now - t < PLACING_MS);
      if (recent.length > 0) this.placing.set(shard, recent);
      else this.placing.delete(shard);
      count.set(shard, recent.length);
    }
    for (const ws of this.sockets.values()) count.set(ws.shard, (count.get(ws.shard) ?? 0) + 1);
    for (let n = 0; ; n++) {
      const name = shardName(room, n);
      if ((count.get(name) ?? 0) < shardSize) {
        this.placing.set(name, [...(this.placing.get(name) ?? []), now]);
        return name;
      }
    }
  }

  /** A connection placed on a shard reached it (opened or refused): it no longer counts as on its way. */
  arrived(shard: string): void {
    const times = this.placing.get(shard);
    if (!times) return;
    times.shift();
    if (times.length === 0) this.placing.delete(shard);
  }

  /** A connection opens on a shard: it is the room's from now on. */
  open(shard: string, id: string): RemoteSocket {
    const ws = new RemoteSocket(id, shard, null, this);
    this.sockets.set(id, ws);
    return ws;
  }

  /** Keeps a remote socket's attachment, as the runtime keeps a local one's. */
  save(ws: RemoteSocket): void {
    if (!this.sockets.has(ws.id)) return;
    this.host.sql.exec(
      "INSERT INTO remote_sockets (id, shard, att) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET att = excluded.att",
      ws.id,
      ws.shard,
      JSON.stringify(ws.deserializeAttachment()),
    );
  }

  /** The socket's close is complete: the room forgets it. */
  forget(ws: RemoteSocket): void {
    ws.closed = true;
    if (!this.sockets.delete(ws.id)) return;
    this.host.sql.exec("DELETE FROM remote_sockets WHERE id = ?", ws.id);
  }

  /**
   * Queues a text (or a close) for a socket of a shard. Consecutive sends of
   * one text (a broadcast) become one item with every id; the push goes
   * once the room's synchronous run is over.
   */
  push(shard: string, id: string, what: string | [number, string]): void {
    let out = this.outboxes.get(shard);
    if (!out) {
      out = { items: [], n: 0, busy: false, drop: [] };
      this.outboxes.set(shard, out);
    }
    const last = out.items[out.items.length - 1];
    if (typeof what === "string" && last && last.t === what && !last.has.has(id)) {
      last.ids.push(id);
      last.has.add(id);
    } else {
      const item: Item =
        typeof what === "string"
          ? { t: what, ids: [id], has: new Set([id]) }
          : { c: what, ids: [id], has: new Set([id]) };
      out.items.push(item);
    }
    if (!out.busy && out.items.length === 1) queueMicrotask(() => this.kick(shard));
  }

  private kick(shard: string): void {
    this.host.waitUntil(this.pump(shard));
  }

  /** Pushes what waits for a shard, one RPC at a time, until nothing waits. */
  private async pump(shard: string): Promise<void> {
    const out = this.outboxes.get(shard);
    if (!out || out.busy) return;
    out.busy = true;
    try {
      while (out.items.length > 0 || out.drop.length > 0) {
        const items: Delivery[] = [];
        if (out.drop.length > 0) items.push({ c: LOST, ids: out.drop });
        for (const item of out.items) {
          items.push(
            item.c ? { c: item.c, ids: item.ids } : { t: item.t as string, ids: item.ids },
          );
        }
        const dropping = out.drop;
        out.items = [];
        out.drop = [];
        out.n += 1;
        const unknown = await this.deliver(shard, out.n, items);
        if (unknown === null) {
          // The shard cannot be reached: its sockets are let go of, and
          // closed there once it answers again.
          out.drop = [...dropping];
          for (const ws of this.all()) {
            if (ws.shard !== shard) continue;
            out.drop.push(ws.id);
            this.host.gone(ws);
          }
          out.items = [];
          this.host.warn("shard_unreachable", {
            shard: shard.slice(shard.lastIndexOf("#")),
            sockets: out.drop.length,
          });
          setTimeout(() => this.kick(shard), DROP_RETRY_MS);
          return;
        }
        this.lost(unknown);
      }
    } finally {
      out.busy = false;
    }
  }

  /** Push `n`, retried with the same number; the ids the shard does not hold, or null. */
  private async deliver(shard: string, n: number, items: Delivery[]): Promise<string[] | null> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.stub(shard).deliver(this.epoch, n, items);
      } catch {
        // A stub that threw may be broken: the next attempt takes a new one.
        this.stubs.delete(shard);
        const wait = RETRY_MS[attempt];
        if (wait === undefined) return null;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /** Sockets a shard does not hold (it restarted, or they closed unseen): gone. */
  private lost(ids: string[]): void {
    for (const id of ids) {
      const ws = this.sockets.get(id);
      if (ws) this.host.gone(ws);
    }
  }

  /**
   * After the room starts: each shard it knows says which of the sockets
   * it had then it still holds; the others are gone. (Sockets opened since
   * are not judged: the answer may predate them.)
   */
  async reconcile(): Promise<void> {
    const byShard = new Map<string, RemoteSocket[]>();
    for (const ws of this.sockets.values()) {
      byShard.set(ws.shard, [...(byShard.get(ws.shard) ?? []), ws]);
    }
    await Promise.all(
      [...byShard].map(async ([shard, sockets]) => {
        let live: Set<string>;
        try {
          live = new Set(await this.stub(shard).live());
        } catch {
          this.stubs.delete(shard);
          return; // judged at the next push instead
        }
        this.lost(sockets.filter((ws) => !live.has(ws.id)).map((ws) => ws.id));
      }),
    );
  }

  private stub(shard: string): ShardApi {
    let stub = this.stubs.get(shard);
    if (!stub) {
      stub = this.host.shard(shard);
      this.stubs.set(shard, stub);
    }
    return stub;
  }
}
