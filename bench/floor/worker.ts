// The benchmark's platform floor: the baseline's broadcast room
// (bench/baseline/server.mjs) as a Durable Object on the same `wrangler dev`
// and workerd as roomchat, with the hibernation API (accepted sockets, the
// member in the socket's attachment, ping answered by the runtime) and
// nothing else: no storage, no validation, no sessions, no limits. It shows
// what the platform itself costs, so that the benchmark can tell roomchat's
// share of a ratio from the runtime's (and from wrangler dev's proxy).
// Speaks the same subset of protocol v1 as the baseline, minus history:
// `welcome` carries no messages and there is no paging, so scenario E does
// not run against it.
import { DurableObject } from "cloudflare:workers";

interface Env {
  ROOM: DurableObjectNamespace<FloorRoom>;
  /** "1": write each message to SQLite before the broadcast, as roomchat must (bench/floor-storage.mjs). */
  STORE?: string;
}
interface Member {
  id: string;
  name: string;
  joinedAt: number;
  away: boolean;
}

const randomId = () => crypto.randomUUID().replaceAll("-", "").slice(0, 16);

export class FloorRoom extends DurableObject<Env> {
  // The sequence lives in memory only: a hibernated room starts again at 0,
  // which no scenario sees (each uses rooms of its own).
  private seq = 0;
  private readonly members = new Map<WebSocket, Member>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    for (const ws of ctx.getWebSockets()) {
      const user = ws.deserializeAttachment() as Member | null;
      if (user) this.members.set(ws, user);
    }
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    if (env.STORE === "1") {
      ctx.storage.sql.exec(
        "CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, text TEXT)",
      );
    }
  }

  override async fetch(): Promise<Response> {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  private broadcast(frame: object, except?: WebSocket): void {
    const text = JSON.stringify(frame);
    for (const ws of this.members.keys()) {
      if (ws === except) continue;
      try {
        ws.send(text);
      } catch {
        // closing
      }
    }
  }

  override webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): void {
    if (typeof data !== "string") return;
    // biome-ignore lint/suspicious/noExplicitAny: the floor trusts its load generator
    let frame: any;
    try {
      frame = JSON.parse(data);
    } catch {
      ws.send('{"type":"error","code":"bad_json","message":"Not JSON."}');
      return;
    }
    const me = this.members.get(ws);
    if (frame.type === "join" && !me) {
      const user: Member = {
        id: randomId(),
        name: String(frame.name),
        joinedAt: Date.now(),
        away: false,
      };
      this.broadcast({ type: "joined", user });
      this.members.set(ws, user);
      ws.serializeAttachment(user);
      ws.send(
        JSON.stringify({
          type: "welcome",
          you: user,
          token: randomId(),
          users: [...this.members.values()],
          messages: [],
          seq: this.seq,
          gap: false,
        }),
      );
    } else if (frame.type === "send" && me) {
      if (this.env.STORE === "1") {
        // The least a durable room writes: the runtime holds the broadcast
        // (the output gate) until this commit is done.
        this.ctx.storage.sql.exec(
          "INSERT INTO messages (seq, id, text) VALUES (?, ?, ?)",
          this.seq + 1,
          String(frame.id),
          String(frame.text),
        );
      }
      this.broadcast({
        type: "message",
        seq: ++this.seq,
        id: String(frame.id),
        user: { id: me.id, name: me.name },
        text: String(frame.text),
        ts: Date.now(),
      });
    } else if (frame.type === "leave" && me) {
      this.members.delete(ws);
      this.broadcast({ type: "left", user: me, reason: "leave" });
      ws.close(1000, "left");
    }
  }

  override webSocketClose(ws: WebSocket): void {
    const me = this.members.get(ws);
    if (!me) return;
    this.members.delete(ws);
    this.broadcast({ type: "left", user: me, reason: "disconnect" });
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/api/health") return Response.json({ ok: true });
    const m = /^\/api\/rooms\/([^/]+)\/ws$/.exec(url.pathname);
    if (m?.[1] && request.headers.get("Upgrade") === "websocket") {
      const room = decodeURIComponent(m[1]).toLowerCase();
      const res = await env.ROOM.get(env.ROOM.idFromName(room)).fetch(request);
      // Compression declined, as roomchat and the baseline do (worker/index.ts says how).
      return new Response(null, {
        status: 101,
        webSocket: res.webSocket,
        headers: { "Sec-WebSocket-Extensions": "no-compression" },
      });
    }
    return Response.json(
      { error: { code: "not_found", message: "No such route." } },
      { status: 404 },
    );
  },
} satisfies ExportedHandler<Env>;
