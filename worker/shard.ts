// A fan-out shard of a big room (issue 17): a Durable Object that holds up
// to SHARD_SIZE of the room's sockets, hibernating like the room, and does
// nothing but carry frames. What its sockets send goes to the room in order
// (`Room.relay`, one RPC at a time, what came meanwhile in the next), and
// what the room pushes (`deliver`) goes out to the sockets it names. It
// decides nothing and stores nothing: the room validates, stores and
// answers, and keeps each socket's state (worker/fanout.ts). Its name is
// `<room>#<n>`, so it knows its room after any wake.
//
// When a frame cannot reach the room (the room restarted, the RPC failed),
// the socket it came on is closed with 1011: the client resumes with its
// token and `since`, and sends again what was not acknowledged (the ids
// make that exactly once). When the shard restarts, its sockets are gone;
// the room learns it at its next push and lets their sessions go away.
import { DurableObject } from "cloudflare:workers";
import { CloseCode, PING, PONG } from "../protocol";
import type { Env } from "./config";
import { type Delivery, type Relayed, roomOfShard, UPGRADE_FAILED } from "./fanout";
import { errorFields, log } from "./log";
import { ADDR_HEADER, PLACE_HEADER } from "./room";
import { randomId } from "./util";

/** The attachment of a shard's socket: its connection id at the room. */
interface Attachment {
  id: string;
}

export class RoomShard extends DurableObject<Env> {
  private readonly name: string;
  private readonly room: string;
  /**
   * The sockets by connection id, rebuilt from the runtime after a wake: a
   * push names hundreds of ids, and a lookup by tag would scan them all.
   */
  private readonly sockets = new Map<string, WebSocket>();
  /** Ids the room accepted whose socket is not accepted here yet. */
  private readonly opening = new Set<string>();
  /** Frames and closes on their way to the room, oldest first, and whether an RPC is out. */
  private queue: Relayed[] = [];
  private relaying = false;
  /** The last push applied, per room instance: a retried push is applied once. */
  private epoch = "";
  private applied = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.name = ctx.id.name ?? "";
    this.room = roomOfShard(this.name);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
    for (const ws of ctx.getWebSockets()) {
      const att = ws.deserializeAttachment() as Attachment | null;
      if (att) this.sockets.set(att.id, ws);
    }
  }

  private roomStub() {
    return this.env.ROOM.getByName(this.room);
  }

  /** The upgrade, forwarded by the worker with the address's hash and place. */
  override async fetch(request: Request): Promise<Response> {
    const id = randomId(12);
    this.opening.add(id);
    try {
      const place = request.headers.get(PLACE_HEADER);
      const refused = await this.roomStub().openRemote(
        this.name,
        id,
        request.headers.get(ADDR_HEADER) ?? "unknown",
        place ? decodeURIComponent(place) : null,
      );
      if (refused) return Response.json(refused.body, { status: refused.status });
      const pair = new WebSocketPair();
      const [client, server] = [pair[0], pair[1]];
      this.ctx.acceptWebSocket(server);
      server.serializeAttachment({ id } satisfies Attachment);
      this.sockets.set(id, server);
      return new Response(null, { status: 101, webSocket: client });
    } catch (err) {
      log("error", "shard_upgrade_failed", { shard: this.name, ...errorFields(err) });
      return Response.json(UPGRADE_FAILED.body, { status: UPGRADE_FAILED.status });
    } finally {
      this.opening.delete(id);
    }
  }

  // -------------------------------------------------------------------------
  // RPC from the room

  /** Sends what the room pushed; answers the ids this shard does not hold. */
  deliver(epoch: string, n: number, items: Delivery[]): string[] {
    if (epoch === this.epoch && n <= this.applied) return [];
    this.epoch = epoch;
    this.applied = n;
    const unknown: string[] = [];
    for (const item of items) {
      for (const id of item.ids) {
        const ws = this.sockets.get(id);
        if (!ws) {
          if (!this.opening.has(id)) unknown.push(id);
          continue;
        }
        try {
          if ("t" in item) ws.send(item.t);
          else ws.close(item.c[0], item.c[1]);
        } catch {
          // closing: its close handler tells the room
        }
      }
    }
    return unknown;
  }

  live(): string[] {
    return [...this.opening, ...this.sockets.keys()];
  }

  // -------------------------------------------------------------------------
  // Hibernation handlers: relay to the room

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const att = ws.deserializeAttachment() as Attachment | null;
    if (att) this.relay({ id: att.id, d: data });
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    const att = ws.deserializeAttachment() as Attachment | null;
    if (att) {
      this.sockets.delete(att.id);
      this.relay({ id: att.id, c: code });
    }
    // The closing handshake is ours to answer, as in the room.
    try {
      ws.close(code === 1005 || code === 1006 ? CloseCode.Normal : code, "closed");
    } catch {
      // already closed
    }
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    const att = ws.deserializeAttachment() as Attachment | null;
    if (att) {
      this.sockets.delete(att.id);
      this.relay({ id: att.id, c: CloseCode.ServerError });
    }
  }

  /** Queues a frame or a close for the room and sends the queue when no RPC is out. */
  private relay(what: Relayed): void {
    this.queue.push(what);
    if (!this.relaying) this.ctx.waitUntil(this.pump());
  }

  private async pump(): Promise<void> {
    this.relaying = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        try {
          // Sockets the room no longer holds are closed: their clients resume.
          for (const id of await this.roomStub().relay(this.name, batch)) {
            try {
              this.sockets.get(id)?.close(CloseCode.ServerError, "not in the room");
            } catch {
              // already closed
            }
          }
        } catch (err) {
          // The room did not take them: their sockets resume, and their
          // clients send again what was not acknowledged.
          log("warn", "shard_relay_failed", { shard: this.name, ...errorFields(err) });
          for (const id of new Set(batch.map((r) => r.id))) {
            try {
              this.sockets.get(id)?.close(CloseCode.ServerError, "room unreachable");
            } catch {
              // already closed
            }
          }
        }
      }
    } finally {
      this.relaying = false;
    }
  }
}
