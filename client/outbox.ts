// The outbox of one room: every send until the room acknowledges it. A send
// gets its id once and keeps it, is kept in storage with its text and the
// seq it answers (`replyTo`), so a reload sends it again, is written at once
// on a welcomed connection or else after the next welcome, waits out a
// `rate_limited` (and, v2, a `muted`) for as long as `retryAfterMs` says (a
// mute lifted early ends the wait), and is marked failed
// when the room refuses its text. Its text is checked against the limits of
// the latest welcome (MAX_TEXT, MAX_FRAME), passed in as functions so that
// nothing is hard-coded; (v2) in an encrypted room the frame as it will go
// out, its text sealed, is checked instead (`sealed`: MAX_CIPHERTEXT and
// MAX_FRAME, e2ee.ts), at `send` once the room is known to be encrypted and
// again when a send kept from before is written, which marks it failed
// (`too_long`, `too_big`) instead of letting the room refuse it. What counts
// as an acknowledgement is decided by the log (log.ts); the outbox only
// drops the sends it names.
//
// One send is in flight at a time: the next is written when the room has
// answered the one before (acknowledged, refused, or rate-limited). With
// several in flight, a rate limit refuses one while a token that comes back
// a moment later lets a later one through, and the room keeps them out of
// the order they were typed in (a 130-line `roomchat send` did, now and
// then). One round trip per send is the price: a few ms on the edge. Changes to sent
// messages (edit, delete, react) have their own list: changes.ts.
import { batch, createModel, type ReadonlySignal, signal } from "@preact/signals-core";
import { checkText, isMessageId, utf8Length } from "../protocol";
import { newMessageId } from "../protocol/ids";
import { type Deps, readJson, storageKeys, writeItem } from "./deps";
import { ignore } from "./events";
import type { Ack } from "./log";

export type PendingStatus = "sending" | "waiting" | "failed";
export interface Pending {
  id: string;
  text: string;
  /** (v2) The seq of the message this one answers. */
  replyTo?: number;
  at: number;
  status: PendingStatus;
  /** Why a failed send was refused (an ErrorCode, or "too_big"). */
  reason?: string;
}

export type SendResult =
  | { ok: true; quit?: boolean }
  | { ok: false; reason: "empty" | "too_long" | "invalid" | "too_big" | "rate_limited" };

export interface OutboxOptions {
  room: string;
  /** The longest text in code points, and the largest frame in bytes, as the latest welcome says. */
  maxText(): number;
  maxFrame(): number;
  /** Writes a frame on the connection; false when it could not. */
  write(frame: object): boolean;
  /** A welcomed connection is there to write on. */
  canWrite(): boolean;
  /**
   * (v2) In a room a welcome said is encrypted, why this frame would not
   * fit once its text is encrypted, or null; undefined in a plain room.
   */
  sealed?(frame: { text: string }): "too_long" | "too_big" | null | undefined;
}

export interface Outbox {
  pending: ReadonlySignal<Pending[]>;
  /** Sends wait until then after a `rate_limited` or (v2) a `muted`. */
  rateUntil: ReadonlySignal<number>;
  /** Posts `text` (with the id given, or a new one), answering `replyTo` if given. */
  send(text: string, id?: string, replyTo?: number): SendResult;
  /** A connection was welcomed: every send not acknowledged is written again, in order. */
  welcomed(): void;
  /** Writes every pending send that is due (after a welcome, or a rate limit's end). */
  flush(): void;
  /** These sends are delivered: they leave the outbox. */
  acknowledge(acks: Ack[]): void;
  /** The room asks to wait (rate limit, slow mode, mute): this send (if any) and every later one wait `ms`. */
  rateLimited(id: string | undefined, ms: number): void;
  /** The wait is over before its time (a mute lifted): the next flush writes the waiting sends. */
  waitOver(): void;
  /** The room refused this send for good. */
  refused(id: string, code: string): void;
  /** Forgets a send that the room refused. */
  discard(id: string): void;
  /** An id this client sent (its messages are "mine"). */
  sentHere(id: string): boolean;
  stop(): void;
}

/** The unconfirmed sends a previous page left for this room; they are sent again. */
function loadPending(deps: Deps, room: string): Pending[] {
  const saved = readJson<unknown>(deps.local, storageKeys.pending(room), []);
  if (!Array.isArray(saved)) return [];
  return saved
    .filter((p) => isMessageId(p?.id) && typeof p.text === "string")
    .map((p) => {
      const kept: Pending = { id: p.id, text: p.text, at: Number(p.at) || 0, status: "sending" };
      if (Number.isSafeInteger(p.replyTo) && p.replyTo >= 1) kept.replyTo = p.replyTo;
      return kept;
    });
}

export const OutboxModel = createModel((deps: Deps, o: OutboxOptions): Outbox => {
  const observe = deps.observe ?? ignore;
  const pending = signal<Pending[]>(loadPending(deps, o.room));
  const rateUntil = signal(0);
  /** Ids this client has sent: its messages are "mine". */
  const myIds = new Set<string>(pending.value.map((p) => p.id));
  /** Ids written on some connection, and on the current one (to tell a resend). */
  const everWritten = new Set<string>();
  let writtenNow = new Set<string>();
  let rateTimer: unknown = null;
  /** The send written on this connection that the room has not answered yet. */
  let inFlight: string | null = null;

  const save = () => {
    const list = pending.value.filter((p) => p.status !== "failed");
    writeItem(
      deps.local,
      storageKeys.pending(o.room),
      list.length
        ? JSON.stringify(list.map(({ id, text, at, replyTo }) => ({ id, text, at, replyTo })))
        : null,
    );
  };

  const setPending = (list: Pending[]) => {
    pending.value = list;
    save();
  };

  const frameOf = (id: string, text: string, replyTo?: number) =>
    replyTo === undefined ? { type: "send", id, text } : { type: "send", id, text, replyTo };

  const write = (p: Pick<Pending, "id" | "text" | "replyTo">) => {
    const refusal = o.sealed?.(frameOf(p.id, p.text, p.replyTo));
    if (refusal) return refused(p.id, refusal);
    const again = everWritten.has(p.id) && !writtenNow.has(p.id);
    everWritten.add(p.id);
    writtenNow.add(p.id);
    if (o.write(frameOf(p.id, p.text, p.replyTo))) observe({ type: "written", id: p.id, again });
  };

  const forget = (id: string) => {
    everWritten.delete(id);
    writtenNow.delete(id);
    if (inFlight === id) inFlight = null;
  };

  /** Writes the oldest send not written yet, unless one is in flight or sends wait. */
  const writeNext = () => {
    if (inFlight !== null || !o.canWrite() || rateUntil.value > deps.now()) return;
    const next = pending.value.find((p) => p.status === "sending");
    if (!next) return;
    inFlight = next.id;
    // A send whose sealed frame does not fit is refused here, and the next goes.
    write(next);
  };

  const refused = (id: string, code: string) => {
    if (!pending.value.some((p) => p.id === id && p.status !== "failed")) return;
    forget(id);
    observe({ type: "refused", id, code });
    setPending(
      pending.value.map((p) =>
        p.id === id ? { ...p, status: "failed" as const, reason: code } : p,
      ),
    );
    writeNext();
  };

  const flush = () => {
    if (!o.canWrite()) return;
    if (rateUntil.value > deps.now()) return;
    let changed = false;
    const list = pending.value.map((p) => {
      if (p.status === "waiting") {
        changed = true;
        return { ...p, status: "sending" as const };
      }
      return p;
    });
    if (changed) pending.value = list;
    writeNext();
  };

  return {
    pending,
    rateUntil,

    send(text: string, given?: string, replyTo?: number): SendResult {
      const trimmed = text.trim();
      if (!trimmed) return { ok: false, reason: "empty" };
      const checked = checkText(text, o.maxText());
      if (!checked.ok) {
        return {
          ok: false,
          reason: checked.error.includes("at most") ? "too_long" : "invalid",
        };
      }
      const id = given ?? newMessageId(deps.randomBytes);
      const frame = frameOf(id, text, replyTo);
      const sealed = o.sealed?.(frame);
      if (sealed === undefined ? utf8Length(JSON.stringify(frame)) > o.maxFrame() : sealed)
        return { ok: false, reason: sealed ?? "too_big" };
      const limited = rateUntil.value > deps.now();
      myIds.add(id);
      const p: Pending = { id, text, at: deps.now(), status: limited ? "waiting" : "sending" };
      if (replyTo !== undefined) p.replyTo = replyTo;
      setPending([...pending.value, p]);
      if (o.canWrite() && !limited && inFlight === null) writeNext();
      else observe({ type: "queued", id });
      return { ok: true };
    },

    welcomed() {
      writtenNow = new Set();
      inFlight = null;
      flush();
    },

    flush,

    acknowledge(acks: Ack[]) {
      if (!pending.value.length) return;
      const byId = new Map(acks.map((a) => [a.id, a]));
      const rest = pending.value.filter((p) => !byId.has(p.id));
      if (rest.length === pending.value.length) return;
      for (const p of pending.value) {
        const ack = byId.get(p.id);
        if (!ack) continue;
        forget(p.id);
        observe({ type: "acknowledged", id: p.id, seq: ack.seq, by: ack.by });
      }
      setPending(rest);
      writeNext();
    },

    rateLimited(id: string | undefined, ms: number) {
      const until = deps.now() + Math.max(0, ms);
      batch(() => {
        if (until > rateUntil.value) rateUntil.value = until;
        if (id) {
          pending.value = pending.value.map((p) =>
            p.id === id ? { ...p, status: "waiting" as const } : p,
          );
          if (inFlight === id) inFlight = null;
        }
      });
      if (rateTimer !== null) deps.clearTimeout(rateTimer);
      rateTimer = deps.setTimeout(() => {
        rateTimer = null;
        rateUntil.value = 0;
        flush();
      }, rateUntil.value - deps.now());
    },

    waitOver() {
      if (rateTimer !== null) deps.clearTimeout(rateTimer);
      rateTimer = null;
      rateUntil.value = 0;
    },

    refused,

    discard(id: string) {
      forget(id);
      setPending(pending.value.filter((p) => p.id !== id));
      writeNext();
    },

    sentHere: (id: string) => myIds.has(id),

    stop() {
      if (rateTimer !== null) deps.clearTimeout(rateTimer);
      rateTimer = null;
    },
  };
});
