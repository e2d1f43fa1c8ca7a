// The benchmark's yardstick: the least a chat room can do over WebSockets in
// Node. It speaks the part of protocol v1 (docs/protocol.md) that the load
// generator uses, so that one generator drives both servers:
//   - GET /api/health, and GET /api/rooms/:room/messages?before=&limit= (paging);
//   - an upgrade on /api/rooms/:room/ws; `join` (with `since`) is answered with
//     `welcome` (users, the newest 50 messages or up to 200 after `since`),
//     the others get `joined`; `send` is broadcast as `message` {type, seq,
//     id, user, text, ts} to everyone joined, the sender included; `leave`
//     closes with 1000 and the others get `left`; text `ping` gets `pong`.
// What it leaves out is the point of the comparison: no storage (history is
// an in-memory array of the newest 1000, so that catch-up and paging can be
// compared too), no validation beyond JSON, no rate limits, no sessions that
// outlive a connection, no hibernation.
//
// Usage: node [--expose-gc] bench/baseline/server.mjs [--port N]; prints
// `listening <port>`. With --expose-gc, POST /__gc runs a full collection.

import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { WebSocketServer } from "ws";

const HISTORY_LIMIT = 1000;
const WELCOME_RECENT = 50;
const WELCOME_CATCH_UP = 200;

/** @typedef {import("ws").WebSocket} WebSocket */
/** @typedef {{id: string, name: string, joinedAt: number, away: boolean, tag: string}} User */
/** @typedef {{seq: number, id: string, user: {id: string, name: string}, text: string, ts: number}} Message */
/** @typedef {{name: string, seq: number, history: Message[], members: Map<WebSocket, User>}} Room */

/** @type {Map<string, Room>} */
const rooms = new Map();

/** @param {string} name */
function roomOf(name) {
  let room = rooms.get(name);
  if (!room) {
    room = { name, seq: 0, history: [], members: new Map() };
    rooms.set(name, room);
  }
  return room;
}

const randomId = (/** @type {number} */ n) => randomBytes(n).toString("base64url").slice(0, n);

/**
 * Serialises once and sends to every member but `except`, as the room does.
 * @param {Room} room
 * @param {object} frame
 * @param {WebSocket} [except]
 */
function broadcast(room, frame, except) {
  const text = JSON.stringify(frame);
  for (const ws of room.members.keys()) if (ws !== except) ws.send(text);
}

/**
 * @param {Room} room
 * @param {WebSocket} ws
 * @param {any} frame
 */
function onFrame(room, ws, frame) {
  const me = room.members.get(ws);
  if (frame.type === "join" && !me) {
    const user = {
      id: randomId(16),
      name: String(frame.name),
      joinedAt: Date.now(),
      away: false,
      tag: "00000000",
    };
    broadcast(room, { type: "joined", user });
    room.members.set(ws, user);
    let messages;
    let gap = false;
    if (typeof frame.since === "number") {
      const since = Math.min(frame.since, room.seq);
      messages = room.history.filter((m) => m.seq > since).slice(-WELCOME_CATCH_UP);
      gap = since < room.seq && messages[0]?.seq !== since + 1;
    } else {
      messages = room.history.slice(-WELCOME_RECENT);
    }
    const welcome = {
      type: "welcome",
      room: room.name,
      you: user,
      token: randomId(32),
      users: [...room.members.values()],
      messages,
      seq: room.seq,
      gap,
    };
    ws.send(JSON.stringify(welcome));
  } else if (frame.type === "send" && me) {
    const message = {
      seq: ++room.seq,
      id: String(frame.id),
      user: { id: me.id, name: me.name },
      text: String(frame.text),
      ts: Date.now(),
    };
    room.history.push(message);
    if (room.history.length > HISTORY_LIMIT) room.history.shift();
    broadcast(room, { type: "message", ...message });
  } else if (frame.type === "leave" && me) {
    room.members.delete(ws);
    broadcast(room, { type: "left", user: me, reason: "leave" });
    ws.close(1000, "left");
  }
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  const page = /^\/api\/rooms\/([^/]+)\/messages$/.exec(url.pathname);
  res.setHeader("Content-Type", "application/json");
  if (url.pathname === "/api/health") {
    res.end('{"ok":true}');
  } else if (url.pathname === "/__gc" && req.method === "POST") {
    // For the idle-memory scenario: a collection before each reading, so that
    // garbage of earlier scenarios is not counted (or freed) as connections.
    globalThis.gc?.();
    res.end("{}");
  } else if (page?.[1] && req.method === "GET") {
    const room = roomOf(decodeURIComponent(page[1]).toLowerCase());
    const before = Number(url.searchParams.get("before") ?? room.seq + 1);
    const limit = Math.min(100, Number(url.searchParams.get("limit") ?? 50));
    const older = room.history.filter((m) => m.seq < before);
    const messages = older.slice(-limit);
    res.end(JSON.stringify({ messages, more: older.length > limit }));
  } else {
    res.statusCode = 404;
    res.end('{"error":{"code":"not_found","message":"No such route."}}');
  }
});

const wss = new WebSocketServer({ noServer: true });
server.on("upgrade", (req, socket, head) => {
  const m = /^\/api\/rooms\/([^/?]+)\/ws/.exec(req.url ?? "");
  if (!m?.[1]) {
    socket.destroy();
    return;
  }
  const room = roomOf(decodeURIComponent(m[1]).toLowerCase());
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      if (text === "ping") {
        ws.send("pong");
        return;
      }
      try {
        onFrame(room, ws, JSON.parse(text));
      } catch {
        ws.send('{"type":"error","code":"bad_json","message":"Not JSON."}');
      }
    });
    ws.on("close", () => {
      const me = room.members.get(ws);
      if (!me) return;
      room.members.delete(ws);
      broadcast(room, { type: "left", user: me, reason: "disconnect" });
    });
    ws.on("error", () => {});
  });
});

const portArg = process.argv.indexOf("--port");
const port = portArg >= 0 ? Number(process.argv[portArg + 1]) : 0;
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : port}`);
});
for (const signal of /** @type {const} */ (["SIGTERM", "SIGINT"])) {
  process.on(signal, () => process.exit(0));
}
