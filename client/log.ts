// The log of one room: messages merged by seq (each seq once, in order,
// whichever way it came: live, in a welcome's catch-up, in a history page),
// the system lines for joins and leaves, paging back for older messages, and
// filling a welcome's `gap` over HTTP.
//
// It also tells which arriving messages acknowledge a send of one's own (an
// echo, the room's answer to a repeated id, a catch-up, a page) and passes
// them on to the outbox through `acknowledge`: the outbox keeps the sends,
// the log knows how each message arrived.
import { batch, createModel, type ReadonlySignal, signal } from "@preact/signals-core";
import type { Message, MessagePage, UserRef } from "../protocol";
import type { Deps } from "./deps";
import { type AckSource, ignore } from "./events";

/** Messages per history page. */
export const PAGE_SIZE = 50;
/** Messages per page, and pages fetched at most, to fill one gap (the room keeps 1000 messages). */
const GAP_PAGE_SIZE = 100;
const GAP_PAGES = 12;

export type SystemKind = "joined" | "left" | "disconnected";
export type Entry =
  | { kind: "message"; key: string; message: Message; mine: boolean }
  | { kind: "system"; key: string; what: SystemKind; name: string; ts: number };

export interface Ack {
  id: string;
  seq: number;
  by: AckSource;
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
  /** Only the room's answer to a send confirms it (not a catch-up or a page). */
  echoOnly?: boolean;
}

export interface Log {
  entries: ReadonlySignal<Entry[]>;
  /** There are older messages to page back to. */
  hasMore: ReadonlySignal<boolean>;
  loadingOlder: ReadonlySignal<boolean>;
  /** A live message; returns whether it was new. */
  live(m: Message): boolean;
  /** A welcome's messages; the first welcome also tells whether older ones exist. */
  welcome(messages: Message[], seq: number, first: boolean): void;
  /** Pages back from `before` until it meets `knownSeq`, to fill a welcome's gap. */
  fillGap(knownSeq: number, before: number): Promise<void>;
  /** Loads the page of messages before the oldest one shown. */
  loadOlder(): Promise<void>;
  addSystem(what: SystemKind, user: UserRef): void;
  /** The newest seq the log holds (0 before any). */
  latestSeq(): number;
  /** The seq of the message with this id, if the log holds it. */
  seqOf(id: string): number | undefined;
}

export const LogModel = createModel((deps: Deps, o: LogOptions): Log => {
  const observe = deps.observe ?? ignore;
  const entries = signal<Entry[]>([]);
  const hasMore = signal(false);
  const loadingOlder = signal(false);
  const seen = new Set<number>();
  let lastSeq = 0;
  /** The room's seq in the current connection's welcome: an own message at or below it was stored before. */
  let welcomeSeq = 0;
  let systemKeys = 0;

  const entryOf = (m: Message): Entry => ({
    kind: "message",
    key: `m${m.seq}`,
    message: m,
    mine: o.isMine(m),
  });

  /** Adds messages it has not seen, each at its place by seq. Returns those added. */
  const merge = (messages: Message[]): Message[] => {
    const fresh: Message[] = [];
    for (const m of messages) {
      if (seen.has(m.seq)) observe({ type: "dropped", seq: m.seq });
      else fresh.push(m);
    }
    fresh.sort((a, b) => a.seq - b.seq);
    if (!fresh.length) return fresh;
    const next = entries.value.slice();
    for (const m of fresh) {
      seen.add(m.seq);
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
    entries.value = next;
    return fresh;
  };

  /** The messages that acknowledge one's own sends, by how they came. */
  const acknowledge = (messages: Message[], by: AckSource) => {
    if (o.echoOnly && (by === "catch-up" || by === "page")) return;
    if (messages.length) o.acknowledge(messages.map((m) => ({ id: m.id, seq: m.seq, by })));
  };

  const fetchPage = async (before: number, limit: number): Promise<MessagePage | null> => {
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
    }
  };

  const fromPage = (messages: Message[]) => {
    merge(messages);
    acknowledge(messages, "page");
  };

  return {
    entries,
    hasMore,
    loadingOlder,

    live(m: Message): boolean {
      const late = !seen.has(m.seq) && m.seq < lastSeq;
      const added = merge([m]).length > 0;
      // The room broadcasts in seq order: only a resend's answer may come late.
      if (late && !o.isMine(m)) observe({ type: "out-of-order", seq: m.seq });
      acknowledge([m], m.seq > welcomeSeq ? "echo" : "repeat");
      return added;
    },

    welcome(messages: Message[], seq: number, first: boolean) {
      welcomeSeq = seq;
      merge(messages);
      acknowledge(messages, "catch-up");
      if (first) {
        const oldest = messages[0]?.seq;
        hasMore.value = oldest !== undefined && oldest > 1;
      }
    },

    async fillGap(knownSeq: number, before: number) {
      observe({ type: "gap", after: knownSeq, before });
      let cursor = before;
      for (let i = 0; i < GAP_PAGES && cursor > knownSeq + 1; i++) {
        const page = await fetchPage(cursor, GAP_PAGE_SIZE);
        if (!page) return;
        fromPage(page.messages.filter((m) => m.seq > knownSeq));
        const oldest = page.messages[0]?.seq;
        if (!page.more || oldest === undefined) return;
        cursor = oldest;
      }
    },

    async loadOlder() {
      if (loadingOlder.value || !hasMore.value) return;
      const oldest = entries.value.find((e) => e.kind === "message");
      if (oldest?.kind !== "message") return;
      loadingOlder.value = true;
      const page = await fetchPage(oldest.message.seq, PAGE_SIZE);
      batch(() => {
        loadingOlder.value = false;
        if (page) {
          fromPage(page.messages);
          hasMore.value = page.more && page.messages.length > 0;
        }
      });
    },

    addSystem(what: SystemKind, user: UserRef) {
      entries.value = [
        ...entries.value,
        { kind: "system", key: `s${systemKeys++}`, what, name: user.name, ts: deps.now() },
      ];
    },

    latestSeq: () => lastSeq,

    seqOf(id: string) {
      for (const e of entries.value)
        if (e.kind === "message" && e.message.id === id) return e.message.seq;
      return undefined;
    },
  };
});
