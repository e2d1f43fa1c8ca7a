// The pending changes of one room (protocol v2): the `edit`, `delete` and
// `react` frames this client asked for and has not yet seen take effect. A
// change is written at once on a welcomed connection, else after the next
// welcome; after every new welcome all pending changes are written again, in
// order, because the answer to one may have been lost with the connection
// and changes are idempotent on the server (an edit sets a text, a reaction
// is held or not). A change is acknowledged by an `update` of its message
// that shows the state it asked for; an `error` with its seq drops it (the
// room model tells the user), and `rate_limited` makes it wait and go again.
//
// Pending changes are kept in memory only, unlike the sends of outbox.ts: a
// reload forgets them. A change belongs to the session that made it (only
// that session may edit or delete its messages), and a message's state is
// shown as it is, so nothing is lost silently: the person sees the message
// unchanged and can do it again.
//
// An update acknowledges only the oldest pending change of its seq. The
// room answers this connection's changes in the order they were written, so
// the oldest is the one the next answer is about; matching a later one to
// the state an earlier one produced could forget a change the room has not
// yet applied.
import { createModel, type ReadonlySignal, signal } from "@preact/signals-core";
import type { ChangeFrame, Message } from "../protocol";
import type { Deps } from "./deps";
import { type ChangeKind, ignore } from "./events";

export type { ChangeKind } from "./events";

export interface PendingChange {
  seq: number;
  kind: ChangeKind;
  /** The new text of an edit. */
  text?: string;
  /** The emoji of a reaction, and whether it is to be held (`on`) or removed. */
  emoji?: string;
  on?: boolean;
  /** "waiting": the room said `rate_limited`; it is written again when the wait is over. */
  status: "sending" | "waiting";
}

/** What a change asks for, as the room model hands it over. */
export type ChangeRequest =
  | { seq: number; kind: "edit"; text: string }
  | { seq: number; kind: "delete" }
  | { seq: number; kind: "react"; emoji: string; on: boolean };

export interface ChangesOptions {
  /** Writes a frame on the connection; false when it could not. */
  write(frame: ChangeFrame): boolean;
  /** A welcomed connection is there to write on. */
  canWrite(): boolean;
  /** This client's session id (its reactions are listed under it). */
  you(): string | undefined;
}

export interface Changes {
  changes: ReadonlySignal<PendingChange[]>;
  /** Keeps a change and writes it now if it can (and nothing of its message waits before it). */
  add(change: ChangeRequest): void;
  /** A connection was welcomed: every pending change not waiting is written again, in order. */
  welcomed(): void;
  /** An `update` arrived: the oldest pending change of its seq leaves if the message shows it. */
  updated(m: Message): void;
  /** The room said `rate_limited` to a change of `seq`: it, and the later ones of `seq`, wait `ms`. */
  rateLimited(seq: number, ms: number): void;
  /** The room refused a change of `seq`: the oldest pending one of `seq` is dropped and returned. */
  refused(seq: number, code: string): PendingChange | undefined;
  /** The text message `seq` will have once its pending edits are done (undefined: none pending). */
  pendingText(seq: number): string | undefined;
  /** A delete of message `seq` is pending. */
  pendingDelete(seq: number): boolean;
  /** Whether your `emoji` on `seq` will be held once its pending reactions are done (undefined: none pending). */
  pendingReaction(seq: number, emoji: string): boolean | undefined;
  stop(): void;
}

interface Item {
  change: PendingChange;
  /** Written on some connection before: a write now is a resend. */
  written: boolean;
  /** While waiting: when it may be written again. */
  until: number;
}

const frameOf = (c: PendingChange): ChangeFrame => {
  if (c.kind === "edit") return { type: "edit", seq: c.seq, text: c.text ?? "" };
  if (c.kind === "delete") return { type: "delete", seq: c.seq };
  return { type: "react", seq: c.seq, emoji: c.emoji ?? "", on: c.on ?? false };
};

/** The message shows what the change asked for. */
export function shows(c: PendingChange, m: Message, you: string | undefined): boolean {
  switch (c.kind) {
    case "edit":
      return m.deleted !== undefined || m.text === c.text;
    case "delete":
      return m.deleted !== undefined;
    case "react": {
      if (you === undefined) return false;
      const held = m.reactions?.find((r) => r.emoji === c.emoji)?.users.includes(you) ?? false;
      return held === c.on;
    }
  }
}

export const ChangesModel = createModel((deps: Deps, o: ChangesOptions): Changes => {
  const observe = deps.observe ?? ignore;
  let items: Item[] = [];
  const changes = signal<PendingChange[]>([]);
  let timer: unknown = null;

  const publish = () => {
    changes.value = items.map((i) => i.change);
  };

  const write = (item: Item) => {
    const { seq, kind } = item.change;
    if (o.write(frameOf(item.change)))
      observe({ type: "change-written", seq, kind, again: item.written });
    item.written = true;
  };

  /** Writes the waiting changes whose wait is over, in order, and sets the timer for the rest. */
  const wake = () => {
    if (timer !== null) deps.clearTimeout(timer);
    timer = null;
    const now = deps.now();
    let next = Infinity;
    let changed = false;
    for (const item of items) {
      if (item.change.status !== "waiting") continue;
      if (item.until > now) {
        next = Math.min(next, item.until);
        continue;
      }
      item.change = { ...item.change, status: "sending" };
      changed = true;
      if (o.canWrite()) write(item);
    }
    if (changed) publish();
    if (next < Infinity) timer = deps.setTimeout(wake, next - now);
  };

  /** The newest pending change of `seq` that matches `test`. */
  const newest = (seq: number, test: (c: PendingChange) => boolean): PendingChange | undefined => {
    for (let i = items.length - 1; i >= 0; i--) {
      const c = items[i]?.change;
      if (c && c.seq === seq && test(c)) return c;
    }
    return undefined;
  };

  return {
    changes,

    add(request: ChangeRequest) {
      // A change waits behind an earlier change of the same message that
      // waits: the room must see them in the order they were asked for.
      const before = newest(request.seq, (c) => c.status === "waiting");
      const until = before ? (items.find((i) => i.change === before)?.until ?? 0) : 0;
      const item: Item = {
        change: { ...request, status: before ? "waiting" : "sending" },
        written: false,
        until,
      };
      items = [...items, item];
      publish();
      if (!before && o.canWrite()) write(item);
    },

    welcomed() {
      for (const item of items) if (item.change.status === "sending") write(item);
    },

    updated(m: Message) {
      const index = items.findIndex((i) => i.change.seq === m.seq);
      const item = items[index];
      if (!item || !shows(item.change, m, o.you())) return;
      items = items.filter((_, i) => i !== index);
      observe({ type: "change-acknowledged", seq: m.seq, kind: item.change.kind });
      publish();
    },

    rateLimited(seq: number, ms: number) {
      const until = deps.now() + Math.max(0, ms);
      let from = items.findIndex((i) => i.change.seq === seq && i.change.status === "sending");
      if (from < 0) from = items.findIndex((i) => i.change.seq === seq);
      if (from < 0) return;
      items = items.map((item, i) =>
        i >= from && item.change.seq === seq
          ? {
              ...item,
              change: { ...item.change, status: "waiting" },
              until: Math.max(until, item.until),
            }
          : item,
      );
      publish();
      wake();
    },

    refused(seq: number, code: string) {
      const index = items.findIndex((i) => i.change.seq === seq);
      const item = items[index];
      if (!item) return undefined;
      items = items.filter((_, i) => i !== index);
      observe({ type: "change-refused", seq, kind: item.change.kind, code });
      publish();
      return item.change;
    },

    pendingText: (seq: number) => newest(seq, (c) => c.kind === "edit")?.text,
    pendingDelete: (seq: number) => newest(seq, (c) => c.kind === "delete") !== undefined,
    pendingReaction: (seq: number, emoji: string) =>
      newest(seq, (c) => c.kind === "react" && c.emoji === emoji)?.on,

    stop() {
      if (timer !== null) deps.clearTimeout(timer);
      timer = null;
    },
  };
});
