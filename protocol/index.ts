// The wire protocol of roomchat (docs/protocol.md): its constants, the frames
// in each direction, and the run-time validators that the worker, the page,
// the client core and the tests share. It imports nothing (its own tsconfig
// project has neither the Workers types nor the DOM), so that every side can
// depend on it and it on none of them. Ids: ./ids.ts.
//
// Validators return results instead of throwing: a bad frame is an ordinary
// event on a public socket, not an exception.

export const PROTOCOL_VERSION = 1;

/** The defaults of the protocol's limits; the server reads its own from its configuration. */
export const DEFAULT_LIMITS = {
  MAX_TEXT: 4000,
  MAX_FRAME: 32 * 1024,
  RATE_BURST: 10,
  RATE_PER_SEC: 2,
  ADDR_RATE_BURST: 60,
  ADDR_RATE_PER_SEC: 10,
  MAX_USERS: 1000,
  MAX_CONN_PER_IP: 20,
  HISTORY_LIMIT: 1000,
  RESUME_GRACE_MS: 30_000,
  JOIN_TIMEOUT_MS: 30_000,
  JOIN_BURST: 10,
  JOIN_PER_SEC: 0.5,
  /**
   * Answers to repeated message ids, per connection: a burst, then a rate.
   * An honest client repeats an id only when it resends its outbox after a
   * reconnect, and a `rate_limited` answer only delays that resend; a
   * hostile one cannot make the room send much more than it sends.
   */
  DUP_BURST: 20,
  DUP_PER_SEC: 5,
} as const;

export const MAX_NAME = 32;
export const MAX_ROOM = 64;
/** Messages in a welcome without `since`. */
export const WELCOME_RECENT = 50;
/** Messages in a welcome with `since`, at most. */
export const WELCOME_CATCH_UP = 200;
export const PAGE_DEFAULT = 50;
export const PAGE_MAX = 100;
/** Typing notices are relayed at most once per this many ms per session. */
export const TYPING_INTERVAL_MS = 2000;
/** Ids are remembered at least this long, also after their message is pruned. */
export const ID_RETENTION_MS = 24 * 60 * 60 * 1000;
/** More errors than this to one connection within ERROR_WINDOW_MS close it with 1008. */
export const MAX_ERRORS = 50;
export const ERROR_WINDOW_MS = 60_000;

/** The keep-alive text frames, answered without waking a hibernating room. */
export const PING = "ping";
export const PONG = "pong";

export const ErrorCode = {
  BadJson: "bad_json",
  BadFrame: "bad_frame",
  BadMessage: "bad_message",
  NotJoined: "not_joined",
  AlreadyJoined: "already_joined",
  NameInvalid: "name_invalid",
  NameTaken: "name_taken",
  TextInvalid: "text_invalid",
  RateLimited: "rate_limited",
  RoomFull: "room_full",
  Duplicate: "duplicate",
  TooManySessions: "too_many_sessions",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The `code` of the JSON error answers of the HTTP API. */
export const HttpErrorCode = {
  RoomInvalid: "room_invalid",
  BadRequest: "bad_request",
  OriginForbidden: "origin_forbidden",
  NotFound: "not_found",
  MethodNotAllowed: "method_not_allowed",
  UpgradeRequired: "upgrade_required",
  TooManyConnections: "too_many_connections",
  Internal: "internal_error",
} as const;
export type HttpErrorCode = (typeof HttpErrorCode)[keyof typeof HttpErrorCode];

export const CloseCode = {
  Normal: 1000,
  Abuse: 1008,
  TooBig: 1009,
  ServerError: 1011,
  TakenOver: 4000,
  JoinTimeout: 4001,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

// ---------------------------------------------------------------------------
// Shapes

export interface UserRef {
  id: string;
  name: string;
}

export interface User extends UserRef {
  joinedAt: number;
  away: boolean;
  tag: string;
  from?: string;
}

export interface Message {
  seq: number;
  id: string;
  user: UserRef;
  text: string;
  ts: number;
}

export interface JoinFrame {
  type: "join";
  name: string;
  since?: number;
  token?: string;
}
export interface SendFrame {
  type: "send";
  id: string;
  text: string;
}
export interface TypingFrame {
  type: "typing";
}
export interface LeaveFrame {
  type: "leave";
}
/** Frames a client sends. */
export type ClientFrame = JoinFrame | SendFrame | TypingFrame | LeaveFrame;

export interface WelcomeFrame {
  type: "welcome";
  room: string;
  you: User;
  token: string;
  users: User[];
  messages: Message[];
  seq: number;
  gap: boolean;
}
export interface JoinedFrame {
  type: "joined";
  user: User;
}
export interface AwayFrame {
  type: "away";
  user: User;
}
export interface BackFrame {
  type: "back";
  user: User;
}
export type LeftReason = "leave" | "disconnect";
export interface LeftFrame {
  type: "left";
  user: User;
  reason: LeftReason;
}
export interface MessageFrame extends Message {
  type: "message";
}
export interface TypingNoticeFrame {
  type: "typing";
  user: UserRef;
}
export interface ErrorFrame {
  type: "error";
  code: ErrorCode;
  message: string;
  id?: string;
  retryAfterMs?: number;
}
/** Frames the server sends. */
export type ServerFrame =
  | WelcomeFrame
  | JoinedFrame
  | AwayFrame
  | BackFrame
  | LeftFrame
  | MessageFrame
  | TypingNoticeFrame
  | ErrorFrame;

// HTTP bodies
export interface RoomInfo {
  room: string;
  online: number;
  seq: number;
}
export interface MessagePage {
  messages: Message[];
  more: boolean;
}
export interface NewRoom {
  room: string;
  url: string;
}
export interface HttpError {
  error: { code: HttpErrorCode; message: string };
}

// ---------------------------------------------------------------------------
// Results

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };
export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });

export interface FrameError {
  code: ErrorCode;
  message: string;
  /** The `id` of a refused `send`, when it was well-formed. */
  id?: string;
}

// ---------------------------------------------------------------------------
// Text rules

const ROOM_RE = /^[\p{L}\p{N}_-][\p{L}\p{M}\p{N}._-]{0,63}$/u;
const PRIVATE_ROOM_RE = /^[0-9a-f]{32}$/;
const ID_RE = /^[A-Za-z0-9_-]{16,64}$/;
/** Control, format, unassigned, private-use and surrogate code points, but the joiners ZWNJ and ZWJ. */
const NAME_FORBIDDEN_RE = /(?![\u200C\u200D])\p{C}/u;
/**
 * A visible character: not white space, not a combining mark, not a control
 * or format character, not a default-ignorable one (which covers fillers such
 * as U+3164 and U+FFA0), and not the blank braille pattern.
 */
const VISIBLE_RE = /[^\p{White_Space}\p{M}\p{C}\p{Default_Ignorable_Code_Point}\u2800]/u;
/** A UTF-16 surrogate that is not half of a pair: such text cannot be stored or sent as UTF-8. */
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Counts code points, not UTF-16 units. */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** The length of `s` in UTF-8 bytes, without allocating. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

export function hasVisibleCharacter(s: string): boolean {
  return VISIBLE_RE.test(s);
}

/** The room a name addresses (NFC, lower case), or null when it is not a valid room name. */
export function normalizeRoomName(raw: string): string | null {
  if (raw.length > MAX_ROOM * 4) return null;
  // Lower-casing can undo NFC (U+038F U+0345 becomes U+03CE U+0345), so NFC again:
  // the name of a room must be its own normal form.
  const name = raw.normalize("NFC").toLowerCase().normalize("NFC");
  return ROOM_RE.test(name) ? name : null;
}

export function isPrivateRoomName(name: string): boolean {
  return PRIVATE_ROOM_RE.test(name);
}

/** A user name as stored: trimmed, NFC; or why it is refused. */
export function normalizeUserName(raw: string): Result<string, string> {
  const name = raw.trim().normalize("NFC");
  const length = codePointLength(name);
  if (length < 1) return fail("A name needs at least one character.");
  if (length > MAX_NAME) return fail(`A name has at most ${MAX_NAME} characters.`);
  if (NAME_FORBIDDEN_RE.test(name))
    return fail("A name cannot hold control or invisible characters.");
  if (!hasVisibleCharacter(name)) return fail("A name needs at least one visible character.");
  return ok(name);
}

/**
 * Code points that a name key leaves out: the default-ignorable ones
 * (joiners, variation selectors, fillers such as U+3164) and the blank
 * braille pattern U+2800, which the visible-character rule already treats as
 * blank but which Unicode does not list as ignorable.
 */
const NAME_KEY_DROP_RE = /[\p{Default_Ignorable_Code_Point}\u2800]/gu;

/**
 * The key under which names are compared for uniqueness (protocol v2): NFKC,
 * without default-ignorable code points, then full case folding (upper case,
 * then lower case, so that `Straße` and `STRASSE` meet), then NFKC again,
 * because case mapping can undo a normal form (see the room names' reading).
 */
export function nameKey(name: string): string {
  return name
    .normalize("NFKC")
    .replace(NAME_KEY_DROP_RE, "")
    .toUpperCase()
    .toLowerCase()
    .normalize("NFKC");
}

/** Checks a message text as sent (it is neither trimmed nor normalised). */
export function checkText(text: string, maxText: number): Result<string, string> {
  if (LONE_SURROGATE_RE.test(text)) return fail("The text is not valid Unicode.");
  if (text.length > maxText * 2 || codePointLength(text) > maxText)
    return fail(`A message has at most ${maxText} characters.`);
  if (!hasVisibleCharacter(text)) return fail("A message needs at least one visible character.");
  return ok(text);
}

export function isMessageId(id: unknown): id is string {
  return typeof id === "string" && ID_RE.test(id);
}

/** `quit()`, the command of the original chat room, means leave. */
export function isQuitCommand(text: string): boolean {
  return text.trim() === "quit()";
}

// ---------------------------------------------------------------------------
// Frames

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const badMessage = (message: string, id?: string): Result<never, FrameError> =>
  fail(
    id === undefined
      ? { code: ErrorCode.BadMessage, message }
      : { code: ErrorCode.BadMessage, message, id },
  );

/**
 * Parses one text frame from a client. Checks the frame and the types of its
 * fields; what the fields say (a name's rules, a text's length) is the
 * room's to judge, after the connection's state.
 */
export function parseClientFrame(raw: string): Result<ClientFrame, FrameError> {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return fail({ code: ErrorCode.BadJson, message: "The frame is not valid JSON." });
  }
  if (!isRecord(data))
    return fail({ code: ErrorCode.BadFrame, message: "A frame is a JSON object." });
  const type = data.type;
  if (typeof type !== "string") return badMessage("A frame needs a string `type`.");
  switch (type) {
    case "join": {
      const { name, since, token } = data;
      if (typeof name !== "string") return badMessage("`join` needs a string `name`.");
      if (since !== undefined && !(Number.isSafeInteger(since) && (since as number) >= 0))
        return badMessage("`since` is a whole number of at least 0.");
      if (token !== undefined && typeof token !== "string")
        return badMessage("`token` is a string.");
      const frame: JoinFrame = { type, name };
      if (since !== undefined) frame.since = since as number;
      if (token !== undefined) frame.token = token;
      return ok(frame);
    }
    case "send": {
      const { id, text } = data;
      if (!isMessageId(id))
        return badMessage("`send` needs an `id` of 16 to 64 of A-Z a-z 0-9 _ -.");
      if (typeof text !== "string") return badMessage("`send` needs a string `text`.", id);
      return ok({ type, id, text });
    }
    case "typing":
    case "leave":
      return ok({ type });
    default:
      return badMessage(`Unknown frame type.`);
  }
}

/**
 * Parses one frame from the server, for clients. It checks the envelope and
 * the type; the server is trusted for the rest.
 */
export function parseServerFrame(raw: string): Result<ServerFrame, string> {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return fail("not JSON");
  }
  if (!isRecord(data) || typeof data.type !== "string") return fail("not a frame");
  switch (data.type) {
    case "welcome":
    case "joined":
    case "away":
    case "back":
    case "left":
    case "message":
    case "typing":
    case "error":
      return ok(data as unknown as ServerFrame);
    default:
      return fail("unknown type");
  }
}
