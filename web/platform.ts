// The browser's side of the client core's Deps (client/deps.ts): real
// WebSockets, timers, storage, fetch and Web Crypto. Kept apart so that the
// core stays free of the DOM and runs under Node (unit tests, fault tests).
import type { Deps, SocketHandlers, StorageLike } from "../client/deps";

/** Storage that may be missing (blocked cookies, some private modes): fall back to memory. */
function storage(get: () => Storage): StorageLike {
  try {
    const s = get();
    const probe = "roomchat:probe";
    s.setItem(probe, "1");
    s.removeItem(probe);
    return s;
  } catch {
    const map = new Map<string, string>();
    return {
      getItem: (k) => map.get(k) ?? null,
      setItem: (k, v) => void map.set(k, v),
      removeItem: (k) => void map.delete(k),
    };
  }
}

export const local = storage(() => window.localStorage);
export const session = storage(() => window.sessionStorage);

function openSocket(url: string, handlers: SocketHandlers) {
  const ws = new WebSocket(url);
  ws.onopen = () => handlers.open();
  ws.onmessage = (ev) => {
    if (typeof ev.data === "string") handlers.message(ev.data);
  };
  // An error is always followed by a close event, which is what the model acts on.
  ws.onclose = (ev) => handlers.close(ev.code, ev.reason);
  return ws;
}

export function browserDeps(): Deps {
  return {
    socket: openSocket,
    fetch: (url, init) => fetch(url, { ...init, headers: { accept: "application/json" } }),
    setTimeout: (fn, ms) => window.setTimeout(fn, ms),
    clearTimeout: (h) => window.clearTimeout(h as number),
    setInterval: (fn, ms) => window.setInterval(fn, ms),
    clearInterval: (h) => window.clearInterval(h as number),
    now: () => Date.now(),
    random: () => Math.random(),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
    local,
    session,
  };
}
