// The worker: routes HTTP to the page and the API, and each room to its own
// Durable Object. Every HTML answer (the page, the 404 page) leaves from here
// with the page's security headers; real files go straight out of the asset
// router (wrangler.toml [assets]). It checks everything it can without
// touching an object (room names, query strings, the Origin of an upgrade) so
// that a bad request never wakes or creates a room. Room reads go to the
// object over RPC; only the WebSocket upgrade is forwarded as a request.
import { type Context, Hono } from "hono";
import {
  type ClaimedRoom,
  type HttpError,
  HttpErrorCode,
  type NewRoom,
  normalizeRoomName,
  PAGE_DEFAULT,
  PAGE_MAX,
} from "../protocol";
import { type Config, configOf, type Env } from "./config";
import { newOwnerKey, sameSecret, sha256Hex } from "./keys";
import { addressHash } from "./limiter";
import { errorFields, log } from "./log";
import { ADDR_HEADER, PLACE_HEADER } from "./room";
import { privateRoomName } from "./util";

export { AddressLimiter } from "./limiter";
export { Room } from "./room";
export { RoomShard } from "./shard";

type App = { Bindings: Env; Variables: { room: string } };
type Ctx = Context<App>;

/**
 * Headers of the HTML page. The policy allows the page's own origin only:
 * its scripts and styles are files, and 'self' covers its same-origin
 * WebSocket. Referrers are never sent, so a private room's URL does not leak
 * through a link clicked in it.
 */
const PAGE_HEADERS: Record<string, string> = {
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "font-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
};

const API_HEADERS: Record<string, string> = {
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
};

function apiError(
  c: Ctx,
  status: 400 | 403 | 404 | 405 | 409 | 426 | 429 | 500,
  code: HttpErrorCode,
  message: string,
) {
  const body: HttpError = { error: { code, message } };
  return c.json(body, status, API_HEADERS);
}

const app = new Hono<App>();

app.onError((err, c) => {
  log("error", "http_error", { path: c.req.routePath, room: c.get("room"), ...errorFields(err) });
  if (c.req.path.startsWith("/api/")) {
    return apiError(c, 500, HttpErrorCode.Internal, "Something went wrong on our side.");
  }
  return c.text("Something went wrong on our side.", 500, PAGE_HEADERS);
});

const ROOM_RULE =
  "A room name has 1 to 64 letters, digits, marks, '-', '_' or '.', and does not start with '.'.";

app.notFound((c) => {
  // An empty room segment is a room name of 0 code points, not an unknown route.
  if (/^\/api\/rooms\/\/(?:messages|ws|claim)$/.test(c.req.path)) {
    return apiError(c, 400, HttpErrorCode.RoomInvalid, ROOM_RULE);
  }
  if (c.req.path.startsWith("/api/")) {
    return apiError(c, 404, HttpErrorCode.NotFound, "No such route.");
  }
  return notFoundPage(c);
});

// A bad configuration fails every request loudly (a 500, logged) instead of
// running with guesses.
app.use(async (c, next) => {
  configOf(c.env);
  await next();
});

// --- The page: the same document for the landing and every room.

async function page(c: Ctx): Promise<Response> {
  const res = await c.env.ASSETS.fetch(
    new Request(new URL("/", c.req.url), { headers: c.req.raw.headers }),
  );
  const out = new Response(res.body, res);
  for (const [k, v] of Object.entries(PAGE_HEADERS)) out.headers.set(k, v);
  return out;
}
app.get("/", page);
app.get("/r/:room", page);
// `/r` and `/r/` (a share link without its room) are not routes: they fall to
// the 404 page, which links to the landing. A redirect to `/` would hide that
// the link was cut short on the way; the protocol names only `/` and
// `/r/:room`.

/** The 404 page as built into dist/; a bare one if the build lacks it. */
const NOT_FOUND_PATH = "/404"; // 404.html: the asset router drops ".html"
const NOT_FOUND_FALLBACK =
  '<!doctype html><html lang="en"><meta charset="utf-8"><title>Not found</title>' +
  '<p>Nothing here. <a href="/">Open roomchat</a></p></html>';

/**
 * Every path outside `/api/` that is neither a file nor a route of the page:
 * status 404, HTML, the page's headers. Never cached: the path may be a file
 * of the next deploy.
 */
async function notFoundPage(c: Ctx): Promise<Response> {
  const res = await c.env.ASSETS.fetch(new Request(new URL(NOT_FOUND_PATH, c.req.url)));
  let body: BodyInit | null = res.body;
  if (!res.ok) {
    await res.body?.cancel();
    body = NOT_FOUND_FALLBACK;
  }
  return new Response(body, {
    status: 404,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      ...PAGE_HEADERS,
    },
  });
}

// --- The API.

app.get("/api/health", (c) => c.json({ ok: true }, 200, API_HEADERS));

/** The longest body `POST /api/rooms` reads: its allowed bodies are a few bytes. */
const NEW_ROOM_BODY_MAX = 1024;

/**
 * (v2) The body of `POST /api/rooms`: empty, `{}`, `{"e2ee":false}` or
 * `{"e2ee":true}`; anything else is a mistake. Answers whether the room is
 * to be encrypted, or null when the body is none of those.
 */
function newRoomBody(text: string): { e2ee: boolean } | null {
  if (text === "") return { e2ee: false };
  if (text.length > NEW_ROOM_BODY_MAX) return null;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) return null;
  const keys = Object.keys(data);
  if (keys.length === 0) return { e2ee: false };
  const { e2ee } = data as { e2ee?: unknown };
  if (keys.length !== 1 || keys[0] !== "e2ee" || typeof e2ee !== "boolean") return null;
  return { e2ee };
}

// A private room, owned from the start: its owner key is answered once and
// never again; the room keeps only the key's SHA-256.
app.post("/api/rooms", async (c) => {
  const wanted = newRoomBody(await c.req.text());
  if (wanted === null)
    return apiError(
      c,
      400,
      HttpErrorCode.BadRequest,
      'The body is empty, {}, {"e2ee":false} or {"e2ee":true}.',
    );
  const room = privateRoomName();
  const ownerKey = newOwnerKey();
  // 128 random bits: a new name is never a room that already has an owner.
  // (v2) With {"e2ee":true} the room is end-to-end encrypted for life, set
  // in the same write that makes it owned, before anyone can join it.
  const stub = c.env.ROOM.getByName(room);
  if (!(await stub.claim(await sha256Hex(ownerKey), false, wanted.e2ee)))
    throw new Error("a new private room already had an owner");
  const body: NewRoom = { room, url: `/r/${room}`, ownerKey };
  return c.json(body, 201, API_HEADERS);
});

/** Normalises and checks `:room` before any Durable Object is touched. */
const roomParam = async (c: Ctx, next: () => Promise<void>) => {
  const room = normalizeRoomName(c.req.param("room") ?? "");
  if (room === null) {
    return apiError(c, 400, HttpErrorCode.RoomInvalid, ROOM_RULE);
  }
  c.set("room", room);
  await next();
};

/** An extension token that matches no offer: see the WebSocket route. */
const NO_COMPRESSION = "no-compression";

/** The room's object, by its normalised name: the object reads that name as `ctx.id.name`. */
const stubOf = (c: Ctx) => c.env.ROOM.getByName(c.get("room"));

/**
 * Whether the request carries `Authorization: Bearer <ADMIN_KEY>`, compared
 * in constant time; never when ADMIN_KEY is unset or empty.
 */
async function isAdmin(c: Ctx): Promise<boolean> {
  const admin = c.env.ADMIN_KEY;
  if (!admin) return false;
  const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(c.req.header("Authorization") ?? "")?.[1];
  return bearer !== undefined && (await sameSecret(bearer, admin));
}

// (v2) The first claim of a room with no owner gets its owner key; a room
// that has one answers 409. With the admin bearer the key is replaced even
// then (the operator takes a room back); a wrong or absent bearer is an
// ordinary claim. The key is answered once; the room keeps its SHA-256.
app.post("/api/rooms/:room/claim", roomParam, async (c) => {
  const replace = await isAdmin(c);
  const ownerKey = newOwnerKey();
  const claimed = await stubOf(c).claim(await sha256Hex(ownerKey), replace);
  if (!claimed)
    return apiError(c, 409, HttpErrorCode.RoomClaimed, "This room already has an owner.");
  const body: ClaimedRoom = { room: c.get("room"), ownerKey };
  return c.json(body, 201, API_HEADERS);
});

app.get("/api/rooms/:room", roomParam, async (c) => {
  const info = await stubOf(c).info();
  return c.json(info, 200, API_HEADERS);
});

/** A whole number written in plain digits, within [min, max]; undefined when absent; null when bad. */
function wholeNumber(raw: string | undefined, min: number, max: number): number | undefined | null {
  if (raw === undefined) return undefined;
  if (!/^\d{1,16}$/.test(raw)) return null;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
}

app.get("/api/rooms/:room/messages", roomParam, async (c) => {
  const before = wholeNumber(c.req.query("before"), 1, Number.MAX_SAFE_INTEGER);
  const limit = wholeNumber(c.req.query("limit"), 1, PAGE_MAX);
  if (before === null)
    return apiError(c, 400, HttpErrorCode.BadRequest, "`before` is a whole number of at least 1.");
  if (limit === null)
    return apiError(
      c,
      400,
      HttpErrorCode.BadRequest,
      `\`limit\` is a whole number from 1 to ${PAGE_MAX}.`,
    );
  const page = await stubOf(c).page(before, limit ?? PAGE_DEFAULT);
  return c.json(page, 200, API_HEADERS);
});

// (v2) One retained message as it is now: what a reply's quote shows when
// the original is not on screen.
app.get("/api/rooms/:room/messages/:seq", roomParam, async (c) => {
  const seq = wholeNumber(c.req.param("seq"), 1, Number.MAX_SAFE_INTEGER);
  if (seq === null || seq === undefined)
    return apiError(c, 400, HttpErrorCode.BadRequest, "`:seq` is a whole number of at least 1.");
  const message = await stubOf(c).message(seq);
  if (message === null)
    return apiError(c, 404, HttpErrorCode.NotFound, "That message is not retained.");
  return c.json(message, 200, API_HEADERS);
});

/** The Origin rule: absent, the request's own origin, or one of ALLOWED_ORIGINS. */
export function originAllowed(
  origin: string | undefined,
  requestUrl: string,
  config: Config,
): boolean {
  if (origin === undefined) return true;
  return origin === new URL(requestUrl).origin || config.allowedOrigins.has(origin);
}

/** "City, CC" from the request's `cf` data, when the platform knows it. */
function placeOf(request: Request): string | undefined {
  const cf = request.cf as { city?: unknown; country?: unknown } | undefined;
  const city = typeof cf?.city === "string" ? cf.city : "";
  const country = typeof cf?.country === "string" ? cf.country : "";
  const place = [city, country].filter(Boolean).join(", ");
  return place ? place.slice(0, 80) : undefined;
}

app.get("/api/rooms/:room/ws", roomParam, async (c) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    return apiError(c, 426, HttpErrorCode.UpgradeRequired, "This route takes a WebSocket upgrade.");
  }
  if (!originAllowed(c.req.header("Origin"), c.req.url, configOf(c.env))) {
    log("info", "origin_refused", { room: c.get("room") });
    return apiError(
      c,
      403,
      HttpErrorCode.OriginForbidden,
      "WebSockets from this origin are not allowed.",
    );
  }
  // The room gets a keyed hash of the address, never the address. The
  // headers are set here, whatever the client sent under the same names.
  const headers = new Headers(c.req.raw.headers);
  headers.set(ADDR_HEADER, await addressHash(c.env, c.req.header("CF-Connecting-IP") ?? "unknown"));
  const place = placeOf(c.req.raw);
  if (place) headers.set(PLACE_HEADER, encodeURIComponent(place));
  else headers.delete(PLACE_HEADER);
  // (issue 17) A big room places new connections on its fan-out shards:
  // the room says where this one goes, the room itself when it is small.
  const room = stubOf(c);
  const shard = await room.place();
  const target = shard === null ? room : c.env.SHARD.getByName(shard);
  const res = await target.fetch(new Request(c.req.url, { headers }));
  if (!res.webSocket) return res; // refused by the room (429, 500): its JSON error as is
  // Compression is declined, though every browser offers it: frames are
  // small JSON, and the runtime would keep a deflate and an inflate state for
  // every socket (about 300 KiB a socket, measured) and compress every frame once per
  // recipient. A response that names the extensions it accepts, none of them
  // permessage-deflate, makes the runtime agree to none; the header itself
  // does not reach the client. (The compatibility flag
  // no_web_socket_compression would do it on Cloudflare, but under
  // `wrangler dev` the socket is accepted by miniflare's own entry worker,
  // which the flag does not reach.)
  return new Response(null, {
    status: 101,
    webSocket: res.webSocket,
    headers: { "Sec-WebSocket-Extensions": NO_COMPRESSION },
  });
});

// A known route with another method is a 405, not a 404.
const ROUTES: [string, string][] = [
  ["/api/health", "GET"],
  ["/api/rooms", "POST"],
  ["/api/rooms/:room", "GET"],
  ["/api/rooms/:room/messages", "GET"],
  ["/api/rooms/:room/messages/:seq", "GET"],
  ["/api/rooms/:room/ws", "GET"],
  ["/api/rooms/:room/claim", "POST"],
];
for (const [path, allow] of ROUTES) {
  app.all(path, (c) => {
    c.header("Allow", allow === "GET" ? "GET, HEAD" : allow);
    return apiError(c, 405, HttpErrorCode.MethodNotAllowed, `This route takes ${allow}.`);
  });
}

export default app satisfies ExportedHandler<Env>;
