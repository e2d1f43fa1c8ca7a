// The client core's Deps for Node (client/deps.ts): `ws` sockets, Node's
// timers and clock, in-memory storage, the global fetch, node:crypto random
// bytes, and an observer. It also plays the network under the client: a
// socket can be cut (terminated without a closing handshake, as a failing
// network does), the network can be taken down (no socket can be opened) and
// brought back, and every socket can be routed through another address (a
// proxy in front of the server).
import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import { type Deps, MemoryStorage, type SocketHandlers } from "../../client/deps";
import type { Observe } from "../../client/events";

/** The network the client's sockets go through. */
export class NodeNetwork {
  /** While down, opening a socket fails at once. */
  down = false;
  /** The socket the client holds now, if any. */
  current: WebSocket | null = null;

  constructor(
    /** Every socket goes here instead of the URL the client asks for (a proxy), if set. */
    readonly route?: string,
  ) {}

  /** Cuts the current socket as a network failure does; false when there is none. */
  cut(): boolean {
    if (!this.current) return false;
    this.current.terminate();
    return true;
  }

  open(url: string, handlers: SocketHandlers): WebSocket {
    if (this.down) throw new Error("network down");
    const ws = new WebSocket(this.route ?? url);
    this.current = ws;
    ws.on("error", () => {
      // A close follows (refused connection, failed upgrade, reset).
    });
    ws.on("open", () => handlers.open());
    ws.on("message", (data, isBinary) => {
      if (!isBinary) handlers.message(data.toString());
    });
    ws.on("close", (code, reason) => {
      if (this.current === ws) this.current = null;
      handlers.close(code, reason.toString());
    });
    return ws;
  }
}

export function nodeDeps(network: NodeNetwork, observe?: Observe): Deps {
  return {
    socket: (url, handlers) => {
      const ws = network.open(url, handlers);
      return {
        send: (data) => ws.send(data),
        close: (code, reason) => ws.close(code, reason),
      };
    },
    fetch: (url, init) => fetch(url, { ...init, headers: { accept: "application/json" } }),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    setInterval: (fn, ms) => setInterval(fn, ms),
    clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
    now: () => Date.now(),
    random: () => Math.random(),
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    local: new MemoryStorage(),
    session: new MemoryStorage(),
    observe,
  };
}
