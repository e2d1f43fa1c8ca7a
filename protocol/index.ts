// The wire protocol of roomchat (docs/protocol.md): its constants, the frames
// in each direction, and the run-time validators that the worker, the page,
// the client core and the tests share. It imports nothing (its own tsconfig
// project has neither the Workers types nor the DOM), so that every side can
// depend on it and it on none of them. Ids: ./ids.ts.
//
// Validators return results instead of throwing: a bad frame is an ordinary
// event on a public socket, not an exception.

/** The highest protocol version this code speaks (docs/protocol.md). */
export const PROTOCOL_VERSION = 2;

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
  /** (v2) An `edit` is accepted this long after its message's `ts`. */
  EDIT_WINDOW_MS: 3_600_000,
  /** (v2) The longest ciphertext (`e1.` included) of an encrypted room. */
  MAX_CIPHERTEXT: 24_000,
} as const;

/** (v2) The limits a welcome tells every client, so that none hard-codes them. */
export const WELCOME_LIMIT_NAMES = [
  "MAX_TEXT",
  "MAX_FRAME",
  "MAX_CIPHERTEXT",
  "RATE_BURST",
  "RATE_PER_SEC",
  "EDIT_WINDOW_MS",
  "HISTORY_LIMIT",
  "RESUME_GRACE_MS",
] as const;
export type Limits = { [K in (typeof WELCOME_LIMIT_NAMES)[number]]: number };

/** (v2) Different emoji on one message, at most. */
export const MAX_REACTION_EMOJI = 20;
/** (v2) Reactions on one message in all, at most. */
export const MAX_REACTIONS = 200;

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
  // v2
  VersionUnsupported: "version_unsupported",
  MessageUnknown: "message_unknown",
  Forbidden: "forbidden",
  TooLate: "too_late",
  ReactionInvalid: "reaction_invalid",
  ReactionLimit: "reaction_limit",
  Muted: "muted",
  RoomLocked: "room_locked",
  UserUnknown: "user_unknown",
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
  Banned: "banned",
  RoomClaimed: "room_claimed",
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
  Kicked: 4002,
  Banned: 4003,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * (v2, a reading) The reason text of a 4003 close: `ban until <ISO time>`,
 * so that the banned client can say until when (nothing else tells it: a
 * browser cannot read the 403 of a refused upgrade).
 */
export function banCloseReason(until: number): string {
  return `ban until ${new Date(until).toISOString()}`;
}

/** The end of a ban from a 4003 close's reason, or null when it does not say. */
export function banEndOf(reason: string): number | null {
  const match = /^ban until (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)$/.exec(reason);
  if (!match?.[1]) return null;
  const until = Date.parse(match[1]);
  return Number.isFinite(until) ? until : null;
}

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
  /** (v2) */
  trip?: string;
  role?: "owner";
  mutedUntil?: number;
}

/** (v2) One emoji on a message and the sessions that hold it, oldest first. */
export interface Reaction {
  emoji: string;
  users: string[];
}

export type DeletedBy = "author" | "owner";

/**
 * A message as it is now (v2: folded with its edits, deletion and
 * reactions). A deleted one has `text: ""`, no `editedAt`, no `reactions`.
 */
export interface Message {
  seq: number;
  id: string;
  user: UserRef;
  text: string;
  ts: number;
  /** (v2) The rev of its latest change. */
  rev: number;
  replyTo?: number;
  editedAt?: number;
  deleted?: DeletedBy;
  /** Each emoji in the order it was first added; absent when empty. */
  reactions?: Reaction[];
  /**
   * (v2, encrypted rooms) Never on the wire: set by the client core on a
   * message whose text it could not decrypt (no key, a wrong key, a text
   * tampered with or moved); its `text` is then "", never the ciphertext.
   */
  undecryptable?: true;
}

/** (v2) */
export interface Settings {
  topic: string;
  slowMs: number;
  locked: boolean;
  e2ee: boolean;
  owned: boolean;
}
export const DEFAULT_SETTINGS: Readonly<Settings> = {
  topic: "",
  slowMs: 0,
  locked: false,
  e2ee: false,
  owned: false,
};

/** (v2) */
export interface Ban {
  tag: string;
  until: number;
}

export interface JoinFrame {
  type: "join";
  name: string;
  /** v1: a seq; v2: a rev (while nothing changed, the same number). */
  since?: number;
  token?: string;
  /** (v2) The highest protocol version the client speaks (default 1). */
  v?: number;
  ownerKey?: string;
}
export interface SendFrame {
  type: "send";
  id: string;
  text: string;
  /** (v2) The seq of the message this one answers. */
  replyTo?: number;
}
/** (v2) */
export interface EditFrame {
  type: "edit";
  seq: number;
  text: string;
}
export interface DeleteFrame {
  type: "delete";
  seq: number;
}
export interface ReactFrame {
  type: "react";
  seq: number;
  emoji: string;
  on: boolean;
}
/** (v2) The frames that change a retained message. */
export type ChangeFrame = EditFrame | DeleteFrame | ReactFrame;

/** (v2) Owners' frames. */
export interface KickFrame {
  type: "kick";
  user: string;
}
export interface BanFrame {
  type: "ban";
  user: string;
  /** 1–10080, default 60. */
  minutes?: number;
}
export interface UnbanFrame {
  type: "unban";
  tag: string;
}
export interface MuteFrame {
  type: "mute";
  user: string;
  /** 0–10080; 0 lifts the mute. */
  minutes: number;
}
export interface SettingsChangeFrame {
  type: "settings";
  topic?: string;
  slowMs?: number;
  locked?: boolean;
}
export type OwnerFrame = KickFrame | BanFrame | UnbanFrame | MuteFrame | SettingsChangeFrame;
export const OWNER_FRAME_TYPES: ReadonlySet<string> = new Set([
  "kick",
  "ban",
  "unban",
  "mute",
  "settings",
]);
/** (v2) Limits of the owners' frames. */
export const BAN_MINUTES_MAX = 10_080;
export const BAN_MINUTES_DEFAULT = 60;
export const MAX_TOPIC = 300;
export const SLOW_MS_MAX = 3_600_000;
export interface TypingFrame {
  type: "typing";
}
export interface LeaveFrame {
  type: "leave";
}
/** Frames a client sends. */
export type ClientFrame =
  | JoinFrame
  | SendFrame
  | TypingFrame
  | LeaveFrame
  | EditFrame
  | DeleteFrame
  | ReactFrame
  | OwnerFrame;

export interface WelcomeFrame {
  type: "welcome";
  room: string;
  you: User;
  token: string;
  users: User[];
  messages: Message[];
  seq: number;
  gap: boolean;
  /** (v2) The server's protocol version. */
  v: number;
  rev: number;
  settings: Settings;
  limits: Limits;
  bans?: Ban[];
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
export type LeftReason = "leave" | "disconnect" | "kick" | "ban";
export interface LeftFrame {
  type: "left";
  user: User;
  reason: LeftReason;
}
export interface MessageFrame extends Message {
  type: "message";
}
/** (v2) A retained message changed: the whole of it as it is now. */
export interface UpdateFrame {
  type: "update";
  message: Message;
}
export interface UserFrame {
  type: "user";
  user: User;
}
export interface SettingsFrame {
  type: "settings";
  settings: Settings;
}
export interface BansFrame {
  type: "bans";
  bans: Ban[];
}
export interface BatchFrame {
  type: "batch";
  frames: ServerFrame[];
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
  /** (v2) The seq of a refused `edit`, `delete` or `react`. */
  seq?: number;
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
  | ErrorFrame
  | UpdateFrame
  | UserFrame
  | SettingsFrame
  | BansFrame
  | BatchFrame;

// HTTP bodies
export interface RoomInfo {
  room: string;
  online: number;
  seq: number;
  /** (v2) */
  rev: number;
  settings: Settings;
}
export interface MessagePage {
  messages: Message[];
  more: boolean;
}
export interface NewRoom {
  room: string;
  url: string;
  /** (v2) The room's owner key, shown once. */
  ownerKey: string;
}
/** (v2) `POST /api/rooms/:room/claim`. */
export interface ClaimedRoom {
  room: string;
  ownerKey: string;
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
  /** (v2) The `seq` of a refused change, when it was well-formed. */
  seq?: number;
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

/** (v2) What every message text of an encrypted room starts with. */
export const CIPHERTEXT_PREFIX = "e1.";
/** (v2) The fewest bytes a ciphertext holds: the 12-byte IV and the 16-byte GCM tag. */
export const CIPHERTEXT_MIN_BYTES = 28;
/**
 * (v2) The length in characters (`e1.` included, all ASCII) of the
 * ciphertext of a plaintext of `bytes` UTF-8 bytes: the 12-byte IV, the
 * encrypted bytes (as many as the plaintext's) and the 16-byte tag, in
 * unpadded base64url. A client knows from it, before encrypting, whether a
 * text will fit MAX_CIPHERTEXT. With the default limits every text that
 * passes checkText fits (at most 4 bytes per code point: 4 * 4000 bytes give
 * 21374 characters of the 24000; test/unit/crypto.test.ts), but a server may
 * raise MAX_TEXT or lower MAX_CIPHERTEXT, and a welcome says which.
 */
export function ciphertextLength(bytes: number): number {
  return CIPHERTEXT_PREFIX.length + Math.ceil(((CIPHERTEXT_MIN_BYTES + bytes) * 4) / 3);
}
/** `e1.` and unpadded base64url: the only form a text of an encrypted room takes. */
const CIPHERTEXT_RE = /^e1\.[A-Za-z0-9_-]*$/;

/**
 * (v2) Checks a message text of an encrypted room: `e1.` followed by
 * base64url (unpadded, of a length that some byte string has) of at least
 * CIPHERTEXT_MIN_BYTES bytes, at most `maxCiphertext` characters in all.
 * The server cannot read it, so this is all it checks; the plaintext rules
 * are the client's.
 */
export function checkCiphertext(text: string, maxCiphertext: number): Result<string, string> {
  if (text.length > maxCiphertext)
    return fail(`A ciphertext has at most ${maxCiphertext} characters.`);
  const digits = text.length - CIPHERTEXT_PREFIX.length;
  if (!CIPHERTEXT_RE.test(text) || digits % 4 === 1 || (digits * 3) >> 2 < CIPHERTEXT_MIN_BYTES)
    return fail("This room is end-to-end encrypted: a text is e1. and base64url ciphertext.");
  return ok(text);
}

/**
 * (v2) Exactly one emoji: one grapheme of Unicode's RGI emoji set. Built
 * with `new RegExp` because the `v` flag (sets of strings) is newer than
 * the language level the project compiles to; every runtime that roomchat
 * runs on (workerd, Node 20, current browsers) has it.
 */
// biome-ignore lint/complexity/useRegexLiterals: a literal with the `v` flag does not compile at ES2022.
const EMOJI_RE = new RegExp("^\\p{RGI_Emoji}$", "v");
export function isReactionEmoji(emoji: string): boolean {
  return emoji.length <= 64 && EMOJI_RE.test(emoji);
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

const isWholeIn = (v: unknown, min: number, max: number): v is number =>
  Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;

/** Control characters (and lone surrogates) have no place in a topic. */
const TOPIC_FORBIDDEN_RE = /\p{Cc}/u;
/** (v2) A room topic: 0–300 code points, valid Unicode, no control characters. */
export function isTopic(topic: string): boolean {
  return (
    topic.length <= MAX_TOPIC * 2 &&
    codePointLength(topic) <= MAX_TOPIC &&
    !TOPIC_FORBIDDEN_RE.test(topic) &&
    !LONE_SURROGATE_RE.test(topic)
  );
}

/** A seq as a field: a whole number of at least 1. */
const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1;

/** A refused change names its seq when the seq itself was well-formed. */
const badChange = (message: string, seq: unknown): Result<never, FrameError> =>
  fail(
    isSeq(seq)
      ? { code: ErrorCode.BadMessage, message, seq }
      : { code: ErrorCode.BadMessage, message },
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
      const { name, since, token, v, ownerKey } = data;
      if (typeof name !== "string") return badMessage("`join` needs a string `name`.");
      if (since !== undefined && !(Number.isSafeInteger(since) && (since as number) >= 0))
        return badMessage("`since` is a whole number of at least 0.");
      if (token !== undefined && typeof token !== "string")
        return badMessage("`token` is a string.");
      if (v !== undefined && !isSeq(v)) return badMessage("`v` is a whole number of at least 1.");
      if (ownerKey !== undefined && typeof ownerKey !== "string")
        return badMessage("`ownerKey` is a string.");
      const frame: JoinFrame = { type, name };
      if (since !== undefined) frame.since = since as number;
      if (token !== undefined) frame.token = token;
      if (v !== undefined) frame.v = v;
      if (ownerKey !== undefined) frame.ownerKey = ownerKey;
      return ok(frame);
    }
    case "send": {
      const { id, text, replyTo } = data;
      if (!isMessageId(id))
        return badMessage("`send` needs an `id` of 16 to 64 of A-Z a-z 0-9 _ -.");
      if (typeof text !== "string") return badMessage("`send` needs a string `text`.", id);
      if (replyTo !== undefined && !isSeq(replyTo))
        return badMessage("`replyTo` is a seq: a whole number of at least 1.", id);
      const frame: SendFrame = { type, id, text };
      if (replyTo !== undefined) frame.replyTo = replyTo;
      return ok(frame);
    }
    case "edit": {
      const { seq, text } = data;
      if (!isSeq(seq)) return badMessage("`edit` needs a `seq`: a whole number of at least 1.");
      if (typeof text !== "string") return badChange("`edit` needs a string `text`.", seq);
      return ok({ type, seq, text });
    }
    case "delete": {
      const { seq } = data;
      if (!isSeq(seq)) return badMessage("`delete` needs a `seq`: a whole number of at least 1.");
      return ok({ type, seq });
    }
    case "kick": {
      const { user } = data;
      if (typeof user !== "string") return badMessage("`kick` needs a string `user`.");
      return ok({ type, user });
    }
    case "ban": {
      const { user, minutes } = data;
      if (typeof user !== "string") return badMessage("`ban` needs a string `user`.");
      if (minutes !== undefined && !isWholeIn(minutes, 1, BAN_MINUTES_MAX))
        return badMessage(`\`minutes\` is a whole number from 1 to ${BAN_MINUTES_MAX}.`);
      const frame: BanFrame = { type, user };
      if (minutes !== undefined) frame.minutes = minutes;
      return ok(frame);
    }
    case "unban": {
      const { tag } = data;
      if (typeof tag !== "string") return badMessage("`unban` needs a string `tag`.");
      return ok({ type, tag });
    }
    case "mute": {
      const { user, minutes } = data;
      if (typeof user !== "string") return badMessage("`mute` needs a string `user`.");
      if (!isWholeIn(minutes, 0, BAN_MINUTES_MAX))
        return badMessage(`\`minutes\` is a whole number from 0 to ${BAN_MINUTES_MAX}.`);
      return ok({ type, user, minutes });
    }
    case "settings": {
      const { topic, slowMs, locked } = data;
      const frame: SettingsChangeFrame = { type };
      if (topic !== undefined) {
        if (typeof topic !== "string" || !isTopic(topic))
          return badMessage(
            `\`topic\` is a text of at most ${MAX_TOPIC} characters without control characters.`,
          );
        frame.topic = topic;
      }
      if (slowMs !== undefined) {
        if (!isWholeIn(slowMs, 0, SLOW_MS_MAX))
          return badMessage(`\`slowMs\` is a whole number from 0 to ${SLOW_MS_MAX}.`);
        frame.slowMs = slowMs;
      }
      if (locked !== undefined) {
        if (typeof locked !== "boolean") return badMessage("`locked` is a boolean.");
        frame.locked = locked;
      }
      return ok(frame);
    }
    case "react": {
      const { seq, emoji, on } = data;
      if (!isSeq(seq)) return badMessage("`react` needs a `seq`: a whole number of at least 1.");
      if (typeof emoji !== "string") return badChange("`react` needs a string `emoji`.", seq);
      if (typeof on !== "boolean") return badChange("`react` needs a boolean `on`.", seq);
      return ok({ type, seq, emoji, on });
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
    case "update":
    case "user":
    case "settings":
    case "bans":
    case "batch":
      return ok(data as unknown as ServerFrame);
    default:
      return fail("unknown type");
  }
}
