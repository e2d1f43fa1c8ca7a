// The log of one room: the messages it holds, by seq, each with the rev of
// its latest change, and the system lines for joins and leaves (and, v2,
// kicks and bans). A message
// arrives live, in a welcome's catch-up, in a history page or (v2) as an
// `update`; for a seq it already holds, the one with the higher rev wins and
// keeps the entry's place, anything else is dropped. An `update` for a seq it
// does not hold is ignored: that part of the history is not shown, and
// paging back to it later brings its current version. Deleted messages stay
// as tombstones (`deleted`, text ""), as the room sends them.
//
// Only a page extends what is held downwards (pages are contiguous): a live
// message or a catch-up message below the oldest message held (the room's
// answer to an old repeated id, an old message changed while away) is, like
// an update of a seq not held, left to paging back, so that what is held has
// no hole and paging back goes on from its oldest message. A page asked for
// before the latest welcome does not extend it either (it may predate changes
// made while this client was away, which nothing would correct).
//
// It also owns the resume point (the highest rev it has seen whole, sent as
// the join's `since`), paging back for older messages, and filling a
// welcome's `gap` over HTTP; and it tells which arriving messages acknowledge
// a send of one's own (an echo, the room's answer to a repeated id, a
// catch-up, a page), passing them on to the outbox through `acknowledge`:
// the outbox keeps the sends, the log knows how each message arrived.
import { batch, createModel, type ReadonlySignal, signal } from "@preact/signals-core";
import { type Message, type MessagePage, PAGE_MAX, type UserRef } from "../protocol";
import type { Deps } from "./deps";
import { type AckSource, ignore } from "./events";

/** Messages per history page. */
export const PAGE_SIZE = 50;
/** Messages per page to fill a gap or to page back through everything (the protocol's most). */
const BIG_PAGE = PAGE_MAX;

/** (v2) `kicked` and `banned`: an owner removed someone (`left` with reason kick or ban). */
export type SystemKind = "joined" | "left" | "disconnected" | "kicked" | "banned";
export type Entry =
  | { kind: "message"; key: string; message: Message; mine: boolean }
  | { kind: "system"; key: string; what: SystemKind; name: string; ts: number };

export interface Ack {
  id: string;
  seq: number;
  by: AckSource;
}

/** What the log needs of a welcome. */
export interface WelcomeContent {
  messages: Message[];
  /** The room's latest seq and rev. */
  seq: number;
  rev: number;
  gap: boolean;
}

export interface LogOptions {
  /** Where the history pages are, e.g. `…/api/rooms/lobby/messages`. */
  messagesUrl: (before: number, limit: number) => string;
  /** A message of one's own (a session of this client, or an id it sent). */
  isMine(m: Message): boolean;
  /** These messages arrived in a way that counts as delivery of one's own sends. */
  acknowledge(acks: Ack[]): void;
  /** A history page could not be loaded. */
  onHistoryFailed(): void;
  /** The most messages the room keeps (the welcome's HISTORY_LIMIT): bounds a gap's paging. */
  historyLimit(): number;
  /** Only the room's answer to a send confirms it (not a catch-up or a page). */
  echoOnly?: boolean;
}

export interface Log {
  entries: ReadonlySignal<Entry[]>;
  /** There are older messages to page back to. */
  hasMore: ReadonlySignal<boolean>;
  loadingOlder: ReadonlySignal<boolean>;
  /** A live `message`; returns whether its seq was new (a changed version of a held one is not). */
  live(m: Message): boolean;
  /** A live `update`: replaces the held message when its rev is higher; returns whether it did. */
  update(m: Message): boolean;
  /**
   * A welcome: merges its messages, moves the resume point, and pages back
   * to fill a gap (this welcome's, or one an earlier fill left unfilled).
   * The first welcome also tells whether older messages exist. Resolves when
   * any fill has ended.
   */
  welcome(w: WelcomeContent, first: boolean): Promise<void>;
  /** Loads a page of messages before the oldest one held; false when it failed. */
  loadOlder(limit?: number): Promise<boolean>;
  addSystem(what: SystemKind, user: UserRef): void;
  /** The newest seq the log holds (0 before any). */
  latestSeq(): number;
  /** The resume point: the highest rev seen with nothing missing below it (0 before a welcome). */
  rev(): number;
  /** The seq of the message with this id, if the log holds it. */
  seqOf(id: string): number | undefined;
  /** The message the log holds at this seq. */
  get(seq: number): Message | undefined;
  /** Every held message, oldest first. */
  messages(): Message[];
}

export const LogModel = createModel((deps: Deps, o: LogOptions): Log => {
  const observe = deps.observe ?? ignore;
  const entries = signal<Entry[]>([]);
  const hasMore = signal(false);
  const loadingOlder = signal(false);
  const held = new Map<number, Message>();
  let lastSeq = 0;
  /** The room's seq in the current connection's welcome: an own message at or below it was stored before. */
  let welcomeSeq = 0;
  let systemKeys = 0;

  // The resume point. `seenRev` is the highest rev of any welcome or live
  // frame; the resume point follows it, except while a gap is unfilled: then
  // it stays where the gapped welcome was asked from, so that a fill that
  // fails is asked for again by the next join (and filled on its welcome).
  let seenRev = 0;
  let resumeRev = 0;
  let fillOwed = false;
  /** Counts welcomes: only the fill of the latest one may move the resume point. */
  let generation = 0;

  // An `update` for a seq not held is ignored, but a page asked for before it
  // came may bring that seq as it was before the change. While a page is on
  // its way, such updates are kept here and applied over its messages.
  let pagesInFlight = 0;
  const missed = new Map<number, Message>();

  const entryOf = (m: Message): Entry => ({
    kind: "message",
    key: `m${m.seq}`,
    message: m,
    mine: o.isMine(m),
  });

  const seeRev = (rev: number) => {
    if (rev > seenRev) seenRev = rev;
    if (!fillOwed) resumeRev = seenRev;
  };

  const oldestHeld = (): number | undefined => {
    for (const e of entries.value) if (e.kind === "message") return e.message.seq;
    return undefined;
  };

  /** An update (or a message below what is held) for a seq not held: kept while a page is on its way. */
  const notHeld = (m: Message) => {
    if (pagesInFlight > 0 && m.rev > (missed.get(m.seq)?.rev ?? 0)) missed.set(m.seq, m);
    observe({ type: "dropped", seq: m.seq });
  };

  /**
   * Adds the messages whose seq is new, each at its place by seq, and
   * replaces held ones by those with a higher rev, in place. Unless `extend`
   * (a page), a seq below the oldest held is not taken. Returns the messages
   * whose seq was new.
   */
  const merge = (messages: Message[], extend = false): Message[] => {
    const fresh = new Map<number, Message>();
    const changed = new Map<number, Message>();
    const floor = extend ? -Infinity : (oldestHeld() ?? -Infinity);
    for (const m of messages) {
      const have = held.get(m.seq) ?? fresh.get(m.seq) ?? changed.get(m.seq);
      if (!have && m.seq < floor) {
        notHeld(m);
        continue;
      }
      if (have && !(m.rev > have.rev)) {
        observe({ type: "dropped", seq: m.seq });
        continue;
      }
      if (held.has(m.seq)) changed.set(m.seq, m);
      else fresh.set(m.seq, m);
    }
    if (!fresh.size && !changed.size) return [];
    let next = entries.value;
    if (changed.size) {
      next = next.map((e) => {
        const m = e.kind === "message" ? changed.get(e.message.seq) : undefined;
        return m ? entryOf(m) : e;
      });
      for (const m of changed.values()) {
        held.set(m.seq, m);
        observe({ type: "replaced", seq: m.seq, rev: m.rev });
      }
    }
    const added = [...fresh.values()].sort((a, b) => a.seq - b.seq);
    if (added.length) {
      if (next === entries.value) next = next.slice();
      for (const m of added) {
        held.set(m.seq, m);
        if (m.seq > lastSeq) {
          lastSeq = m.seq;
          next.push(entryOf(m));
          continue;
        }
        // Older than the newest: before the first message with a larger seq.
        let at = next.length;
        for (let i = next.length - 1; i >= 0; i--) {
          const e = next[i];
          if (e?.kind === "message" && e.message.seq > m.seq) at = i;
          else if (e?.kind === "message") break;
        }
        next.splice(at, 0, entryOf(m));
      }
    }
    entries.value = next;
    return added;
  };

  /** The messages that acknowledge one's own sends, by how they came. */
  const acknowledge = (messages: Message[], by: AckSource) => {
    if (o.echoOnly && (by === "catch-up" || by === "page")) return;
    if (messages.length) o.acknowledge(messages.map((m) => ({ id: m.id, seq: m.seq, by })));
  };

  const fetchPage = async (before: number, limit: number): Promise<MessagePage | null> => {
    pagesInFlight++;
    try {
      const res = await deps.fetch(o.messagesUrl(before, limit));
      if (!res.ok) throw new Error(String(res.status));
      const body = (await res.json()) as MessagePage;
      if (!Array.isArray(body?.messages)) throw new Error("bad page");
      observe({ type: "page", before, count: body.messages.length });
      return body;
    } catch {
      o.onHistoryFailed();
      return null;
    } finally {
      pagesInFlight--;
    }
  };

  /**
   * A page's messages, with the updates that came for them while it was on
   * its way. A page asked for before the latest welcome only refreshes what
   * is held: it was read before the changes made while this client was away,
   * and the welcome's catch-up (or its gap fill, which goes down to the
   * oldest message held) speaks only for what was held then, so messages it
   * would add below could be stale with nothing left to correct them.
   */
  const fromPage = (messages: Message[], askedIn: number): boolean => {
    const extend = askedIn === generation;
    batch(() => {
      merge(messages, extend);
      if (missed.size) merge([...missed.values()].filter((m) => held.has(m.seq)));
      if (pagesInFlight === 0) missed.clear();
    });
    acknowledge(messages, "page");
    return extend;
  };

  /**
   * Pages back from `before` until it reaches `oldest` (the oldest message
   * held), replacing what it holds by the rev rule: messages changed after
   * the welcome's `since` may lie anywhere in what is held. True when it got
   * there (or the room has nothing older).
   */
  const fill = async (before: number, oldest: number): Promise<boolean> => {
    observe({ type: "gap", after: oldest, before });
    const most = Math.ceil(o.historyLimit() / BIG_PAGE) + 2;
    let cursor = before;
    for (let i = 0; i < most; i++) {
      if (cursor <= oldest) return true;
      const askedIn = generation;
      const page = await fetchPage(cursor, BIG_PAGE);
      if (!page) return false;
      // A newer welcome came meanwhile: its own fill takes over.
      if (!fromPage(page.messages, askedIn)) return false;
      const first = page.messages[0]?.seq;
      if (!page.more) {
        // Nothing older is retained: paging back has nothing more to load.
        hasMore.value = false;
        return true;
      }
      if (first === undefined) return true;
      cursor = first;
    }
    return cursor <= oldest;
  };

  let olderRun: Promise<boolean> | null = null;
  const loadOlder = (limit = PAGE_SIZE): Promise<boolean> => {
    if (olderRun) return olderRun;
    if (!hasMore.value) return Promise.resolve(true);
    const oldest = oldestHeld();
    if (oldest === undefined) return Promise.resolve(true);
    loadingOlder.value = true;
    olderRun = (async () => {
      const askedIn = generation;
      const page = await fetchPage(oldest, limit);
      olderRun = null;
      batch(() => {
        loadingOlder.value = false;
        // A page from before the latest welcome adds nothing: asked again, it comes fresh.
        if (page && fromPage(page.messages, askedIn))
          hasMore.value = page.more && page.messages.length > 0;
      });
      return page !== null;
    })();
    return olderRun;
  };

  return {
    entries,
    hasMore,
    loadingOlder,

    live(m: Message): boolean {
      const late = !held.has(m.seq) && m.seq < lastSeq;
      const added = merge([m]).length > 0;
      // The room broadcasts in seq order: only a resend's answer may come late.
      if (late && !o.isMine(m)) observe({ type: "out-of-order", seq: m.seq });
      seeRev(m.rev);
      acknowledge([m], m.seq > welcomeSeq ? "echo" : "repeat");
      return added;
    },

    update(m: Message): boolean {
      seeRev(m.rev);
      const have = held.get(m.seq);
      if (!have) {
        notHeld(m);
        return false;
      }
      if (!(m.rev > have.rev)) {
        observe({ type: "dropped", seq: m.seq });
        return false;
      }
      merge([m]);
      return true;
    },

    async welcome(w: WelcomeContent, first: boolean): Promise<void> {
      const gen = ++generation;
      welcomeSeq = w.seq;
      merge(w.messages);
      acknowledge(w.messages, "catch-up");
      if (first) {
        const oldest = w.messages[0]?.seq;
        hasMore.value = oldest !== undefined && oldest > 1;
      }
      if (w.gap && !first) fillOwed = true;
      seeRev(w.rev);
      if (!fillOwed) return;
      // The catch-up holds every changed message from its oldest seq up, so
      // the pages start there, and go down to the oldest message held.
      const before = w.messages.reduce((least, m) => Math.min(least, m.seq), w.seq + 1);
      const done = await fill(before, oldestHeld() ?? before);
      if (done && gen === generation) {
        fillOwed = false;
        seeRev(seenRev);
      }
    },

    loadOlder,

    addSystem(what: SystemKind, user: UserRef) {
      entries.value = [
        ...entries.value,
        { kind: "system", key: `s${systemKeys++}`, what, name: user.name, ts: deps.now() },
      ];
    },

    latestSeq: () => lastSeq,
    rev: () => resumeRev,

    seqOf(id: string) {
      for (const e of entries.value)
        if (e.kind === "message" && e.message.id === id) return e.message.seq;
      return undefined;
    },

    get: (seq: number) => held.get(seq),

    messages: () => entries.value.flatMap((e) => (e.kind === "message" ? [e.message] : [])),
  };
});
