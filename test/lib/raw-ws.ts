// A WebSocket client written on a bare TCP socket, for the hardening tests:
// unlike a well-behaved client (the `ws` package, a browser), it can ignore
// the server's close frame and keep sending, as a hostile client would, and
// it reports what the server did with the TCP connection itself (whether it
// ended it after the closing handshake). Text frames only; enough of RFC 6455
// for that and no more.
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

export interface RawOptions {
  /** Answer the server's close frame, as RFC 6455 asks (default true). */
  replyToClose?: boolean;
  headers?: Record<string, string>;
}

export interface RawClient {
  /** Text frames received, in order. */
  texts: string[];
  /** The close frame the server sent, once it did. */
  closeFrame: { code: number; reason: string } | undefined;
  /** The server ended the TCP connection (FIN), or it broke. */
  ended: boolean;
  /** Sends a text frame, whatever the state of the closing handshake. */
  send(data: string | object): void;
  /** Starts the closing handshake from this side. */
  close(code?: number): void;
  /** Drops the TCP connection without any handshake. */
  destroy(): void;
  /** Waits until `pick` holds, failing after `timeoutMs` with `what` in the message. */
  until(what: string, pick: () => boolean, timeoutMs?: number): Promise<void>;
}

const OP_TEXT = 0x1;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

function frame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const len = payload.length;
  const head =
    len < 126
      ? Buffer.from([0x80 | opcode, 0x80 | len])
      : len < 65536
        ? Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 0xff])
        : Buffer.concat([
            Buffer.from([0x80 | opcode, 0x80 | 127]),
            (() => {
              const b = Buffer.alloc(8);
              b.writeBigUInt64BE(BigInt(len));
              return b;
            })(),
          ]);
  const body = Buffer.alloc(len);
  for (let i = 0; i < len; i++) body[i] = (payload[i] as number) ^ (mask[i % 4] as number);
  return Buffer.concat([head, mask, body]);
}

function closePayload(code: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(code);
  return b;
}

/** Opens a raw WebSocket to `url` (ws://host:port/path); resolves once the server answered 101. */
export function openRaw(url: string, options: RawOptions = {}): Promise<RawClient> {
  const { hostname, port, pathname, search } = new URL(url);
  const replyToClose = options.replyToClose ?? true;
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(port), hostname);
    let buffer = Buffer.alloc(0);
    let upgraded = false;
    let closeSent = false;
    const waiters = new Set<() => void>();
    const wake = () => {
      for (const w of waiters) w();
    };
    const client: RawClient = {
      texts: [],
      closeFrame: undefined,
      ended: false,
      send(data) {
        if (socket.destroyed) return;
        const text = typeof data === "string" ? data : JSON.stringify(data);
        socket.write(frame(OP_TEXT, Buffer.from(text, "utf8")));
      },
      close(code = 1000) {
        if (closeSent || socket.destroyed) return;
        closeSent = true;
        socket.write(frame(OP_CLOSE, closePayload(code)));
      },
      destroy() {
        socket.destroy();
      },
      until(what, pick, timeoutMs = 15_000) {
        return new Promise((res, rej) => {
          const check = () => {
            if (!pick()) return;
            waiters.delete(check);
            clearTimeout(timer);
            res();
          };
          const timer = setTimeout(() => {
            waiters.delete(check);
            rej(new Error(`timed out waiting for ${what}; got ${JSON.stringify(client.texts)}`));
          }, timeoutMs);
          waiters.add(check);
          check();
        });
      },
    };

    const parseFrames = () => {
      for (;;) {
        if (buffer.length < 2) return;
        const b0 = buffer[0] as number;
        const b1 = buffer[1] as number;
        const opcode = b0 & 0x0f;
        let len = b1 & 0x7f;
        let at = 2;
        if (len === 126) {
          if (buffer.length < 4) return;
          len = buffer.readUInt16BE(2);
          at = 4;
        } else if (len === 127) {
          if (buffer.length < 10) return;
          len = Number(buffer.readBigUInt64BE(2));
          at = 10;
        }
        if (buffer.length < at + len) return;
        const payload = buffer.subarray(at, at + len);
        buffer = buffer.subarray(at + len);
        if (opcode === OP_TEXT) client.texts.push(payload.toString("utf8"));
        else if (opcode === OP_PING) socket.write(frame(OP_PONG, Buffer.from(payload)));
        else if (opcode === OP_CLOSE) {
          client.closeFrame = {
            code: payload.length >= 2 ? payload.readUInt16BE(0) : 1005,
            reason: payload.subarray(2).toString("utf8"),
          };
          if (replyToClose && !closeSent) {
            closeSent = true;
            socket.write(frame(OP_CLOSE, Buffer.from(payload.subarray(0, 2))));
          }
        }
      }
    };

    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString("latin1");
        buffer = buffer.subarray(end + 4);
        if (!/^HTTP\/1\.1 101/.test(head)) {
          socket.destroy();
          reject(new Error(`upgrade refused: ${head.split("\r\n")[0]}`));
          return;
        }
        upgraded = true;
        resolve(client);
      }
      parseFrames();
      wake();
    });
    socket.on("end", () => {
      client.ended = true;
      socket.end();
      wake();
    });
    socket.on("close", () => {
      client.ended = true;
      wake();
    });
    socket.on("error", (err) => {
      if (!upgraded) reject(err);
    });
    socket.on("connect", () => {
      const key = randomBytes(16).toString("base64");
      const extra = Object.entries(options.headers ?? {})
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join("");
      socket.write(
        `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
      );
    });
  });
}

/** What `openRaw` gets back when the upgrade is refused: the status line's code, or null if it opened. */
export async function upgradeStatus(url: string): Promise<number | null> {
  try {
    const c = await openRaw(url);
    c.destroy();
    return null;
  } catch (err) {
    const m = /HTTP\/1\.1 (\d+)/.exec(String(err));
    if (m) return Number(m[1]);
    throw err;
  }
}
