// A small WebSocket proxy for the fault tests: a `ws` server on 127.0.0.1 that
// opens one connection to the real server per client connection (same path)
// and forwards every frame both ways, text as text and binary as binary. It
// can be told to drop the server's `message` frame with a given id on its way
// to the client and then cut both connections, which is the one fault a
// client cannot tell from a slow network: its message is stored, but the
// acknowledgement never arrives. (v2) The same for a change: the `update`
// of a message with a given seq is dropped, then both connections are cut.
import type { AddressInfo } from "node:net";
import WebSocket, { WebSocketServer } from "ws";

export interface WsProxy {
  port: number;
  /** The proxy's URL for a room's socket. */
  wsUrl: (room: string) => string;
  /**
   * The next server→client `message` frame with this id is not forwarded, and
   * that connection is cut at both ends (no closing handshake). Resolves when
   * it happened.
   */
  dropEchoOf: (id: string) => Promise<void>;
  /** The same for the next server→client `update` of the message with this seq. */
  dropUpdateOf: (seq: number) => Promise<void>;
  /** Connections open through the proxy now. */
  open: () => number;
  close: () => Promise<void>;
}

/** Close codes a peer may send; anything else (1005, 1006, …) ends the other side by a cut. */
const sendable = (code: number) =>
  code === 1000 || (code >= 1001 && code <= 1003) || (code >= 1007 && code <= 1014) || code >= 3000;

export async function startProxy(target: string): Promise<WsProxy> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const drops = new Map<string, () => void>();
  const updateDrops = new Map<number, () => void>();
  const pairs = new Set<[WebSocket, WebSocket]>();

  server.on("connection", (client, req) => {
    const upstream = new WebSocket(`${target}${req.url ?? "/"}`);
    const pair: [WebSocket, WebSocket] = [client, upstream];
    pairs.add(pair);
    const cut = () => {
      pairs.delete(pair);
      client.terminate();
      upstream.terminate();
    };
    // Frames from the client before the upstream is open wait, in order.
    const early: Array<[WebSocket.RawData, boolean]> = [];
    client.on("message", (data, isBinary) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary: isBinary });
      else early.push([data, isBinary]);
    });
    upstream.on("open", () => {
      for (const [data, isBinary] of early.splice(0)) upstream.send(data, { binary: isBinary });
    });
    upstream.on("message", (data, isBinary) => {
      if (!isBinary && (drops.size > 0 || updateDrops.size > 0)) {
        let frame: { type?: unknown; id?: unknown; message?: { seq?: unknown } } | undefined;
        try {
          frame = JSON.parse(data.toString());
        } catch {
          frame = undefined;
        }
        const echo =
          frame?.type === "message" && typeof frame.id === "string" && drops.get(frame.id);
        if (echo) {
          drops.delete(frame?.id as string);
          cut();
          echo();
          return;
        }
        const seq = frame?.type === "update" ? frame.message?.seq : undefined;
        const update = typeof seq === "number" && updateDrops.get(seq);
        if (update) {
          updateDrops.delete(seq as number);
          cut();
          update();
          return;
        }
      }
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
    });
    const relayClose = (to: WebSocket) => (code: number, reason: Buffer) => {
      pairs.delete(pair);
      if (to.readyState !== WebSocket.OPEN && to.readyState !== WebSocket.CONNECTING) return;
      if (sendable(code) && to.readyState === WebSocket.OPEN) to.close(code, reason);
      else to.terminate();
    };
    client.on("close", relayClose(upstream));
    upstream.on("close", relayClose(client));
    client.on("error", () => upstream.terminate());
    upstream.on("error", () => client.terminate());
  });

  return {
    port,
    wsUrl: (room) => `ws://127.0.0.1:${port}/api/rooms/${encodeURIComponent(room)}/ws`,
    dropEchoOf: (id) => new Promise<void>((resolve) => drops.set(id, resolve)),
    dropUpdateOf: (seq) => new Promise<void>((resolve) => updateDrops.set(seq, resolve)),
    open: () => pairs.size,
    close: async () => {
      for (const [a, b] of pairs) {
        a.terminate();
        b.terminate();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
