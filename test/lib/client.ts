// A protocol client for Node (the `ws` package), for the live tests and the
// benchmark: frames parsed with the shared validator, and every wait bounded
// by a timeout so that a lost frame fails loudly instead of hanging.
import WebSocket from "ws";
import { type ClientFrame, parseServerFrame, type ServerFrame } from "../../protocol";

export interface LiveClient {
  ws: WebSocket;
  frames: ServerFrame[];
  send(frame: ClientFrame): void;
  next<T extends ServerFrame["type"]>(
    type: T,
    match?: (f: Extract<ServerFrame, { type: T }>) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<ServerFrame, { type: T }>>;
  closed(timeoutMs?: number): Promise<{ code: number; reason: string }>;
  close(): void;
}

export function openClient(url: string, headers: Record<string, string> = {}): Promise<LiveClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const frames: ServerFrame[] = [];
    let taken = 0;
    const waiters = new Set<() => void>();
    let closedWith: { code: number; reason: string } | undefined;
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      const parsed = parseServerFrame(data.toString());
      if (parsed.ok) frames.push(parsed.value);
      for (const w of waiters) w();
    });
    ws.on("close", (code, reason) => {
      closedWith = { code, reason: reason.toString() };
      for (const w of waiters) w();
    });
    ws.once("error", reject);
    ws.once("open", () => {
      const wait = <T>(pick: () => T | undefined, what: string, timeoutMs: number) =>
        new Promise<T>((res, rej) => {
          const check = () => {
            const v = pick();
            if (v !== undefined) {
              waiters.delete(check);
              clearTimeout(timer);
              res(v);
            }
          };
          const timer = setTimeout(() => {
            waiters.delete(check);
            rej(new Error(`timed out waiting for ${what}`));
          }, timeoutMs);
          waiters.add(check);
          check();
        });
      resolve({
        ws,
        frames,
        send: (frame) => ws.send(JSON.stringify(frame)),
        next: (type, match, timeoutMs = 10_000) =>
          wait(
            () => {
              for (let i = taken; i < frames.length; i++) {
                const f = frames[i] as ServerFrame;
                // biome-ignore lint/suspicious/noExplicitAny: narrowed by the caller's type parameter
                if (f.type === type && (!match || match(f as any))) {
                  taken = i + 1;
                  // biome-ignore lint/suspicious/noExplicitAny: as above
                  return f as any;
                }
              }
              return undefined;
            },
            `a ${type} frame`,
            timeoutMs,
          ),
        closed: (timeoutMs = 10_000) => wait(() => closedWith, "the close", timeoutMs),
        close: () => ws.close(1000),
      });
    });
  });
}
