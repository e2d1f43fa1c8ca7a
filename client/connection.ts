// The connection to one room: the socket's lifecycle, the join sent first on
// every socket (and again when the address's join bucket says when), the
// reconnect with capped exponential backoff and full jitter (the cap short
// while the page is visible, long while hidden: backoff.ts), the browser's
// `online` and visibility hints (passed in as calls, never read here), the
// ping/pong watchdog, and the status shown to the user.
//
// It knows nothing of what the frames mean: the composed model (room.ts)
// builds the join frame, reads the frames, and says after a close whether to
// try again.
import { batch, createModel, type ReadonlySignal, signal } from "@preact/signals-core";
import { PING, PONG, parseServerFrame, type ServerFrame } from "../protocol";
import { type BackoffOptions, backoffDelay } from "./backoff";
import type { Deps, SocketLike } from "./deps";
import { ignore } from "./events";

/** How often the client pings, and how long it waits for the pong. */
/**
 * The close code this client sends when it gives up on a socket (no pong,
 * opened too late). In the 4000s that applications choose, away from the
 * server's own 4000–4003 (4002 is "kicked" in protocol v2).
 */
const CLIENT_DROP = 4100;

export const PING_EVERY_MS = 25_000;
export const PONG_WITHIN_MS = 10_000;
/** A socket that has not opened by then is given up and retried. */
export const OPEN_WITHIN_MS = 15_000;

export type ConnectionStatus =
  /** Nothing running: before start, after leaving, or waiting for the user. */
  | "idle"
  /** A socket is opening, or it is open and the join is not answered yet. */
  | "connecting"
  | "connected"
  /** Waiting `retryAt` before the next attempt. */
  | "waiting"
  /** The browser says it is offline: the next attempt waits for `online`. */
  | "offline";

export interface ConnectionOptions {
  url: string;
  backoff: BackoffOptions;
  openWithinMs: number;
  /** False once the room has ended for the user (left, taken over, full): no socket opens. */
  mayConnect(): boolean;
  /** A new attempt starts. */
  onConnecting(): void;
  /** The join frame for a socket that has just opened, or for the same socket again. */
  joinFrame(): object;
  onFrame(frame: ServerFrame): void;
  /** The socket closed (with the close's reason text); true to reconnect with backoff, false to wait for the user. */
  onClosed(code: number, reason: string): boolean;
}

export interface Connection {
  status: ReadonlySignal<ConnectionStatus>;
  /** When the next attempt starts, while `status` is "waiting". */
  retryAt: ReadonlySignal<number>;
  /** Opens a socket now (dropping any other). */
  connect(): void;
  /** Opens a socket now with the backoff started afresh. */
  connectAfresh(): void;
  /** Writes a frame on the open socket; false when there is none or it failed. */
  send(frame: object | string): boolean;
  isOpen(): boolean;
  /** The join was answered with a welcome on this socket. */
  isWelcomed(): boolean;
  welcomed(): void;
  /** Sends the join again on the open socket, if there is one (another name). */
  rejoin(): boolean;
  /** The address's join bucket refused the join: it goes again on this socket in `ms`. */
  rejoinAfter(ms: number): void;
  /** Reconnects now if waiting; checks a connected socket with a ping. */
  wake(): void;
  /** Sends a ping and gives up on the socket if no pong comes in time. */
  ping(): void;
  setOnline(online: boolean): void;
  /** Whether someone sees the page: the backoff's cap is short while so (backoff.ts). */
  setVisible(visible: boolean): void;
  /** The join was refused for its name: the socket stays, the user picks another. */
  waitForUser(): void;
  /** Stops for the user's reason: the socket is closed with `code`, status idle. */
  halt(code?: number): void;
  /** Closes for good (the model is closed). */
  dispose(): void;
}

export const ConnectionModel = createModel((deps: Deps, o: ConnectionOptions): Connection => {
  const observe = deps.observe ?? ignore;
  const status = signal<ConnectionStatus>("idle");
  const retryAt = signal(0);

  let sock: SocketLike | null = null;
  let socketOpen = false;
  let welcomed = false;
  let attempt = 0;
  let browserOnline = true;
  /** Visible until told otherwise, as the room's own `visible`. */
  let visible = true;
  let disposed = false;
  let retryTimer: unknown = null;
  let openTimer: unknown = null;
  let pingTimer: unknown = null;
  let pongTimer: unknown = null;
  let joinTimer: unknown = null;

  const clear = (t: unknown) => {
    if (t !== null) deps.clearTimeout(t);
  };

  const send = (frame: object | string): boolean => {
    if (!sock || !socketOpen) return false;
    try {
      sock.send(typeof frame === "string" ? frame : JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  };

  const stopTimers = () => {
    clear(retryTimer);
    clear(openTimer);
    clear(pongTimer);
    clear(joinTimer);
    if (pingTimer !== null) deps.clearInterval(pingTimer);
    retryTimer = openTimer = pongTimer = pingTimer = joinTimer = null;
  };

  /** Forgets the current socket without waiting for its close event. */
  const drop = (code = CLIENT_DROP, reason = "") => {
    const s = sock;
    sock = null;
    socketOpen = false;
    welcomed = false;
    stopTimers();
    if (s) {
      try {
        s.close(code, reason);
      } catch {
        // already closed
      }
    }
  };

  const connect = () => {
    if (disposed || !o.mayConnect()) return;
    drop();
    o.onConnecting();
    status.value = "connecting";
    let mine: SocketLike | null = null;
    const handlers = {
      open: () => {
        if (sock !== mine) return;
        clear(openTimer);
        openTimer = null;
        socketOpen = true;
        observe({ type: "open" });
        startPing();
        send(o.joinFrame());
      },
      message: (data: string) => {
        if (sock !== mine) return;
        if (data === PONG) {
          clear(pongTimer);
          pongTimer = null;
          observe({ type: "pong" });
          return;
        }
        const parsed = parseServerFrame(data);
        if (!parsed.ok) return;
        observe({ type: "frame", frame: parsed.value });
        o.onFrame(parsed.value);
      },
      close: (code: number, reason: string) => {
        if (sock !== mine) return;
        sock = null;
        socketOpen = false;
        welcomed = false;
        stopTimers();
        observe({ type: "closed", code });
        batch(() => {
          if (o.onClosed(code, reason)) scheduleReconnect();
          else status.value = "idle";
        });
      },
    };
    observe({ type: "connecting", url: o.url });
    try {
      mine = deps.socket(o.url, handlers);
    } catch {
      mine = null;
    }
    sock = mine;
    if (!mine) {
      scheduleReconnect();
      return;
    }
    openTimer = deps.setTimeout(() => {
      if (sock === mine && !socketOpen) {
        drop();
        scheduleReconnect();
      }
    }, o.openWithinMs);
  };

  const startPing = () => {
    if (pingTimer !== null) deps.clearInterval(pingTimer);
    pingTimer = deps.setInterval(ping, PING_EVERY_MS);
  };

  const ping = () => {
    if (!socketOpen || pongTimer !== null) return;
    if (!send(PING)) return;
    pongTimer = deps.setTimeout(() => {
      pongTimer = null;
      drop(CLIENT_DROP, "no pong");
      scheduleReconnect();
    }, PONG_WITHIN_MS);
  };

  const scheduleReconnect = () => {
    if (disposed || !o.mayConnect()) {
      status.value = "idle";
      return;
    }
    clear(retryTimer);
    retryTimer = null;
    if (!browserOnline) {
      status.value = "offline";
      // `online` will wake it; but navigator.onLine only knows about network
      // interfaces and can be wrong, so try now and then anyway.
      retryTimer = deps.setTimeout(() => {
        retryTimer = null;
        connect();
      }, o.backoff.capMs);
      return;
    }
    const delay = backoffDelay(attempt++, deps.random, o.backoff, visible);
    batch(() => {
      retryAt.value = deps.now() + delay;
      status.value = "waiting";
    });
    retryTimer = deps.setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
  };

  return {
    status,
    retryAt,
    connect,
    connectAfresh() {
      attempt = 0;
      connect();
    },
    send,
    isOpen: () => sock !== null && socketOpen,
    isWelcomed: () => welcomed,
    welcomed() {
      welcomed = true;
      attempt = 0;
      status.value = "connected";
    },
    rejoin() {
      if (!sock || !socketOpen) return false;
      status.value = "connecting";
      send(o.joinFrame());
      return true;
    },
    rejoinAfter(ms: number) {
      clear(joinTimer);
      joinTimer = deps.setTimeout(
        () => {
          joinTimer = null;
          if (socketOpen && !welcomed) send(o.joinFrame());
        },
        Math.max(0, ms),
      );
    },
    wake() {
      if (status.value === "waiting" || status.value === "offline") {
        clear(retryTimer);
        retryTimer = null;
        connect();
      } else if (status.value === "connected") {
        // A tab that slept may hold a dead socket: check it now.
        ping();
      }
    },
    ping,
    setOnline(online: boolean) {
      browserOnline = online;
      if (!online && status.value === "waiting") scheduleReconnect();
    },
    setVisible(isVisible: boolean) {
      visible = isVisible;
    },
    waitForUser() {
      status.value = "idle";
    },
    halt(code = 1000) {
      status.value = "idle";
      drop(code);
    },
    dispose() {
      disposed = true;
      drop(1000);
      status.value = "idle";
    },
  };
});
