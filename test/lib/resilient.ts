// The client of the fault tests and the soak: the client core (client/room.ts,
// the code the page runs) on Node's Deps (test/lib/node-deps.ts: `ws`
// sockets, Node timers, in-memory storage), so that the history checker
// (test/lib/checker.ts) judges the code people run. The core keeps every send
// until it is acknowledged, reconnects with backoff after any drop, resumes
// with its token and `since`, writes every unacknowledged send again with the
// same id, drops messages it already has, and fills a welcome's `gap` by
// paging back over HTTP.
//
// This module only drives it and keeps the record the checker needs: each
// send with its outcome (from the core's `acknowledged` and `refused`
// events), and the messages the core's log shows, in its display order. The
// counters come from the events the core reports (Deps.observe). It plays
// the user where the page asks one (another name when the name is taken) and
// the network (cut, pause and resume).
//
// Also here: reading a room's whole stored history and its info over HTTP,
// and checkRoom, the end of every scenario (settle, catch up, run the checker).
import { randomBytes } from "node:crypto";
import { storageKeys } from "../../client/deps";
import type { ClientEvent } from "../../client/events";
import { type Room, RoomModel } from "../../client/room";
import type {
  ErrorFrame,
  Message,
  MessagePage,
  RoomInfo,
  ServerFrame,
  WelcomeFrame,
} from "../../protocol";
import { newMessageId as newId } from "../../protocol/ids";
import {
  type ChangeRecord,
  type ClientView,
  checkChanges,
  checkHistory,
  type FoldedMessage,
  type SendRecord,
  type StoredMessage,
  type Verdict,
} from "./checker";
import { NodeNetwork, nodeDeps } from "./node-deps";

/** A message id as the page makes it: 128 random bits, base64url (22 characters). */
export const newMessageId = (): string => newId((n) => randomBytes(n));

export interface ResilientOptions {
  /** The server's HTTP base, e.g. http://127.0.0.1:8787 (for paging back). */
  base: string;
  room: string;
  name: string;
  /** The socket's URL; by default the room's `/ws` on `base` (a proxy's URL to go through it). */
  wsUrl?: string;
  /** Full-jitter backoff, as the page: a random delay in [0, min(cap, base·2^attempt)). */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Connection attempts in a row without a welcome before the client gives up. */
  maxAttempts?: number;
  /** A socket that has not opened within this is dropped and tried again (the core's open timeout). */
  welcomeTimeoutMs?: number;
  /**
   * The core counts its own message in a welcome's catch-up or a history
   * page as delivered. With `echoOnly` (a core option), only the server's
   * answer to a `send` frame counts, so a send whose echo was lost is always
   * sent again: the tests use it to make the server's duplicate handling run.
   */
  echoOnly?: boolean;
}

export interface ResilientStats {
  /** Sockets asked for (attempts, whether or not they reached a welcome). */
  connects: number;
  welcomes: number;
  /** Welcomes that resumed the session of the previous one (same user id). */
  resumed: number;
  /** Welcomes that started a new session although the client held a token. */
  freshSessions: number;
  /** Send frames written again after a reconnect (a send already written on an earlier connection). */
  resends: number;
  /**
   * Sends that had reached the room although their echo never came: confirmed
   * by the room's answer to the repeated id (its stored message, seq at or
   * below the welcome's), or found in a welcome's catch-up or a history page.
   */
  repeatAnswers: number;
  confirmedByCatchUp: number;
  /** Sends made while they could not be written (queued, written after the next welcome). */
  queuedOffline: number;
  /** Messages dropped because their seq was already shown. */
  dropped: number;
  /** Welcomes with `gap`, and the pages fetched to fill them. */
  gaps: number;
  pages: number;
  /** Live messages of others that arrived below a seq already shown (should never happen). */
  outOfOrder: number;
  /** (v2) Change frames written again (after a reconnect or a rate limit). */
  changeResends: number;
  /** (v2) Changes of its own shown by an `update`. */
  changesAcknowledged: number;
  /** Cuts made on purpose by the test (ws.terminate()). */
  cuts: number;
  /** Close codes seen, by code. */
  closes: Record<number, number>;
  /** `error` frames not about a send of this client (about the connection or a join), by code. */
  errors: Record<string, number>;
  /** Refused sends, by code. */
  refusals: Record<string, number>;
  /** The client stopped trying (maxAttempts in a row, room full, taken over). */
  gaveUp: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `pred` until it holds; fails with `what` after `timeoutMs`. */
export async function waitUntil(
  pred: () => boolean,
  timeoutMs: number,
  what: string,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export class ResilientClient {
  readonly options: Required<Omit<ResilientOptions, "wsUrl">> & { wsUrl: string };
  readonly stats: ResilientStats = {
    connects: 0,
    welcomes: 0,
    resumed: 0,
    freshSessions: 0,
    resends: 0,
    repeatAnswers: 0,
    confirmedByCatchUp: 0,
    queuedOffline: 0,
    dropped: 0,
    gaps: 0,
    pages: 0,
    outOfOrder: 0,
    changeResends: 0,
    changesAcknowledged: 0,
    cuts: 0,
    closes: {},
    errors: {},
    refusals: {},
    gaveUp: null,
  };
  /** Every welcome received, in order (tests look at `gap`, `you`, `seq`). */
  readonly welcomes: WelcomeFrame[] = [];
  /** Every `error` frame received. */
  readonly errorFrames: ErrorFrame[] = [];
  /** Every frame received, for tests that look for presence frames. */
  readonly frames: ServerFrame[] = [];

  private readonly model: Room;
  private readonly network: NodeNetwork;
  private readonly session;
  private readonly records: SendRecord[] = [];
  /** Every change asked for (v2), with its refusal if the room refused it. */
  private readonly changeLog: ChangeRecord[] = [];
  /** Sends not confirmed or refused yet, by id. */
  private readonly open = new Map<string, SendRecord>();
  private lastUserId: string | undefined;
  private nameTries = 0;
  /** Sockets asked for since the last welcome, the network being up. */
  private attempts = 0;
  private stopped = false;
  private paused = false;
  private pongWaiters: Array<() => void> = [];
  private firstWelcome: { resolve: (w: WelcomeFrame) => void; reject: (e: Error) => void } | null =
    null;

  constructor(options: ResilientOptions) {
    const ws =
      options.wsUrl ??
      `${options.base.replace(/^http/, "ws")}/api/rooms/${encodeURIComponent(options.room)}/ws`;
    this.options = {
      backoffBaseMs: 200,
      backoffCapMs: 3000,
      maxAttempts: 60,
      welcomeTimeoutMs: 30_000,
      echoOnly: false,
      ...options,
      wsUrl: ws,
    };
    this.network = new NodeNetwork(ws);
    const deps = nodeDeps(this.network, (e) => this.onEvent(e));
    this.session = deps.session;
    this.model = new RoomModel(deps, {
      room: options.room,
      base: options.base,
      name: options.name,
      backoff: { baseMs: this.options.backoffBaseMs, capMs: this.options.backoffCapMs },
      openWithinMs: this.options.welcomeTimeoutMs,
      echoOnly: this.options.echoOnly,
    });
  }

  /** Connects and resolves with the first welcome. */
  start(): Promise<WelcomeFrame> {
    const first = new Promise<WelcomeFrame>((resolve, reject) => {
      this.firstWelcome = { resolve, reject };
    });
    this.model.start();
    return first;
  }

  /** Posts `text`; the core keeps it and writes it again until it is confirmed or refused. Returns its id. */
  send(text: string, id: string = newMessageId()): string {
    const record: SendRecord = {
      id,
      sender: this.options.name,
      text,
      at: Date.now(),
      outcome: { kind: "unknown" },
    };
    this.records.push(record);
    this.open.set(id, record);
    const result = this.model.send(text, id);
    if (!result.ok) this.refuse(id, `local:${result.reason}`);
    return id;
  }

  /**
   * Asks the core for a change (v2) and records it for the checker; false
   * when the core refused it locally (not your message, nothing to change).
   */
  edit(seq: number, text: string): boolean {
    return this.change({ seq, kind: "edit", text }, () => this.model.edit(seq, text));
  }
  deleteMessage(seq: number): boolean {
    return this.change({ seq, kind: "delete" }, () => this.model.deleteMessage(seq));
  }
  /** Toggles this client's `emoji` on message `seq`, from the state it holds. */
  react(seq: number, emoji: string): boolean {
    const held = this.model.message(seq);
    const you = this.you;
    if (!held || held.deleted || !you) return false;
    const on = !(held.reactions?.find((r) => r.emoji === emoji)?.users.includes(you) ?? false);
    return this.change({ seq, kind: "react", emoji, on }, () => this.model.react(seq, emoji, on));
  }

  private change(
    c: Pick<ChangeRecord, "seq" | "kind" | "text" | "emoji" | "on">,
    ask: () => { ok: boolean },
  ): boolean {
    const user = this.you;
    if (!user || !ask().ok) return false;
    this.changeLog.push({ ...c, sender: this.options.name, user, at: Date.now() });
    return true;
  }

  /** The changes asked for, with their refusals. */
  changes(): ChangeRecord[] {
    return this.changeLog.map((c) => ({ ...c }));
  }

  /** The seqs of this client's confirmed messages that it may still edit, newest last. */
  editable(): number[] {
    return this.model.log.value.flatMap((e) =>
      e.kind === "message" && this.model.canEdit(e.message) ? [e.message.seq] : [],
    );
  }

  /** The seqs of the newest `n` messages it shows that are not deleted. */
  recent(n: number): number[] {
    const out: number[] = [];
    const log = this.model.log.value;
    for (let i = log.length - 1; i >= 0 && out.length < n; i--) {
      const e = log[i];
      if (e?.kind === "message" && !e.message.deleted) out.push(e.message.seq);
    }
    return out;
  }

  /** Its rev: the resume point, the highest rev it has seen whole. */
  get rev(): number {
    return this.model.rev();
  }

  /** Every change asked for is acknowledged or refused. */
  changesSettled(timeoutMs: number): Promise<void> {
    return waitUntil(
      () => this.model.changes.value.length === 0 || this.stats.gaveUp !== null,
      timeoutMs,
      `${this.options.name}'s ${this.model.changes.value.length} pending changes`,
    );
  }

  /** The messages it holds, folded, for the checker. */
  folded(): FoldedMessage[] {
    return this.model.log.value.flatMap((e) => (e.kind === "message" ? [e.message] : []));
  }

  /** Simulates a network failure: the socket is dropped without a closing handshake. */
  cut(): void {
    if (this.network.cut()) this.stats.cuts += 1;
  }

  /**
   * Goes offline: the network goes down (the socket is dropped, no other
   * opens) and the client is told so, as the page hears the browser's
   * `offline`; until `resume()`.
   */
  pause(): void {
    this.paused = true;
    this.network.down = true;
    this.model.setOnline(false);
    this.network.current?.terminate();
  }

  /** The network is back, and the client hears `online`: it reconnects at once. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.network.down = false;
    this.attempts = 0;
    this.model.setOnline(true);
  }

  /** Has the core check its socket with the keep-alive `ping`, and waits for the `pong`. */
  ping(timeoutMs = 30_000): Promise<void> {
    if (!this.connected || !this.network.current) return Promise.reject(new Error("not connected"));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no pong")), timeoutMs);
      this.pongWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.model.wake();
    });
  }

  /** Stops for good: no reconnect; the session is left to its grace period (no `leave`). */
  close(): void {
    this.stopped = true;
    this.model.close();
  }

  get connected(): boolean {
    return this.model.joined.value;
  }
  get you(): string | undefined {
    return this.model.you.value?.id;
  }
  get currentToken(): string | undefined {
    return this.session.getItem(storageKeys.token(this.options.room)) ?? undefined;
  }
  get highestSeq(): number {
    return this.model.latestSeq();
  }
  get unconfirmed(): number {
    return this.open.size;
  }
  /** Sends, with their outcome so far, for the checker. */
  sends(): SendRecord[] {
    return this.records.map((r) => ({ ...r }));
  }
  /** What this client shows, in the order its log shows it. */
  view(): ClientView {
    return {
      name: this.options.name,
      messages: this.model.log.value.flatMap((e) =>
        e.kind === "message"
          ? [
              {
                seq: e.message.seq,
                id: e.message.id,
                text: e.message.text,
                changed: changedText(e.message),
              },
            ]
          : [],
      ),
    };
  }

  /** Every send confirmed or refused. */
  settled(timeoutMs: number): Promise<void> {
    return waitUntil(
      () => this.open.size === 0 || this.stats.gaveUp !== null,
      timeoutMs,
      `${this.options.name}'s ${this.open.size} unconfirmed sends`,
    ).then(() => {
      if (this.stats.gaveUp) throw new Error(`${this.options.name} gave up: ${this.stats.gaveUp}`);
    });
  }

  /** Shows every seq from its first one up to `seq`, with no hole. */
  caughtUp(seq: number, timeoutMs: number): Promise<void> {
    return waitUntil(
      () => {
        if (this.highestSeq < seq) return false;
        let expected: number | undefined;
        for (const e of this.model.log.value) {
          if (e.kind !== "message") continue;
          if (expected !== undefined && e.message.seq !== expected) return false;
          expected = e.message.seq + 1;
          if (e.message.seq >= seq) return true;
        }
        return false;
      },
      timeoutMs,
      `${this.options.name} to show every message up to seq ${seq} (has up to ${this.highestSeq})`,
      100,
    );
  }

  // ---------------------------------------------------------------------------
  // What the core reports

  private onEvent(e: ClientEvent): void {
    const s = this.stats;
    switch (e.type) {
      case "connecting":
        s.connects += 1;
        if (!this.paused) this.attempts += 1;
        if (this.attempts > this.options.maxAttempts)
          this.later(() =>
            this.giveUp(`${this.options.maxAttempts} connection attempts without a welcome`),
          );
        return;
      case "closed":
        s.closes[e.code] = (s.closes[e.code] ?? 0) + 1;
        // Taken over (4000): the core stops, as the page does, until the user acts.
        this.later(() => {
          if (this.model.ended.value) this.giveUp(`ended: ${this.model.ended.value} (${e.code})`);
        });
        return;
      case "frame":
        this.onFrame(e.frame);
        return;
      case "pong":
        for (const w of this.pongWaiters.splice(0)) w();
        return;
      case "written":
        if (e.again) s.resends += 1;
        return;
      case "queued":
        s.queuedOffline += 1;
        return;
      case "acknowledged": {
        const record = this.open.get(e.id);
        if (!record) return;
        if (e.by === "repeat") s.repeatAnswers += 1;
        if (e.by === "catch-up" || e.by === "page") s.confirmedByCatchUp += 1;
        record.outcome = { kind: "confirmed", seq: e.seq };
        this.open.delete(e.id);
        return;
      }
      case "refused":
        this.refuse(e.id, e.code);
        return;
      case "dropped":
        s.dropped += 1;
        return;
      case "out-of-order":
        s.outOfOrder += 1;
        return;
      case "gap":
        s.gaps += 1;
        return;
      case "page":
        s.pages += 1;
        return;
      case "change-written":
        if (e.again) s.changeResends += 1;
        return;
      case "change-acknowledged":
        s.changesAcknowledged += 1;
        return;
      case "open":
      case "replaced":
      case "change-refused":
        return;
    }
  }

  private onFrame(f: ServerFrame): void {
    this.frames.push(f);
    if (f.type === "welcome") {
      this.welcomes.push(f);
      this.stats.welcomes += 1;
      if (this.lastUserId !== undefined) {
        if (f.you.id === this.lastUserId) this.stats.resumed += 1;
        else this.stats.freshSessions += 1;
      }
      this.lastUserId = f.you.id;
      this.attempts = 0;
      this.firstWelcome?.resolve(f);
      this.firstWelcome = null;
      return;
    }
    if (f.type !== "error") return;
    this.errorFrames.push(f);
    if (f.id !== undefined && this.open.has(f.id)) return;
    if (f.seq !== undefined && f.code !== "rate_limited") {
      // The core drops the oldest pending change of that seq: so does the record.
      const refused = this.changeLog.find((c) => c.seq === f.seq && c.refused === undefined);
      if (refused) refused.refused = f.code;
      this.stats.refusals[f.code] = (this.stats.refusals[f.code] ?? 0) + 1;
      return;
    }
    this.stats.errors[f.code] = (this.stats.errors[f.code] ?? 0) + 1;
    if (f.code === "name_taken") {
      // A fresh session (token expired) whose name someone else took
      // meanwhile: the core asks its user for another, as the page does.
      this.nameTries += 1;
      const name = `${this.options.name}-${this.nameTries}`;
      this.later(() => this.model.join(name));
    } else if (
      f.code === "name_invalid" ||
      f.code === "room_full" ||
      f.code === "too_many_sessions"
    ) {
      this.later(() => this.giveUp(`join refused: ${f.code}`));
    }
  }

  private refuse(id: string, code: string): void {
    const record = this.open.get(id);
    if (!record) return;
    this.stats.refusals[code] = (this.stats.refusals[code] ?? 0) + 1;
    record.outcome = { kind: "refused", code };
    this.open.delete(id);
  }

  /** Reacts after the core has finished handling the event at hand. */
  private later(fn: () => void): void {
    queueMicrotask(() => {
      if (!this.stopped) fn();
    });
  }

  private giveUp(why: string): void {
    if (this.stats.gaveUp !== null) return;
    this.stats.gaveUp = why;
    this.stopped = true;
    this.model.close();
    this.network.current?.terminate();
    this.firstWelcome?.reject(new Error(`${this.options.name} gave up: ${why}`));
    this.firstWelcome = null;
  }
}

// -----------------------------------------------------------------------------
// Summaries

type Counter = {
  [K in keyof ResilientStats]: ResilientStats[K] extends number ? K : never;
}[keyof ResilientStats];

/** Every client's counters added up, and their close codes counted: a scenario's summary. */
export function totalStats(
  clients: ResilientClient[],
): Record<Counter, number> & { closes: Record<string, number> } {
  const total = { closes: {} as Record<string, number> } as Record<Counter, number> & {
    closes: Record<string, number>;
  };
  for (const c of clients) {
    for (const [key, value] of Object.entries(c.stats)) {
      if (typeof value === "number") total[key as Counter] = (total[key as Counter] ?? 0) + value;
    }
    for (const [code, n] of Object.entries(c.stats.closes)) {
      total.closes[code] = (total.closes[code] ?? 0) + n;
    }
  }
  return total;
}

// -----------------------------------------------------------------------------
// Reading a room over HTTP

/**
 * GET and parse JSON, trying again when the transport fails before an
 * answer. Node's fetch reuses idle keep-alive connections, and one the server
 * closes at that very moment fails with "other side closed" (seen once, at
 * the end of a 50-minute soak); a GET changes nothing, so asking again is
 * safe. An HTTP error is not retried: it is an answer.
 */
async function getJson(url: string, what: string, attempts = 3): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url);
    } catch (err) {
      if (attempt >= attempts) throw err;
      await sleep(100 * attempt);
      continue;
    }
    if (!res.ok) throw new Error(`GET ${what}: HTTP ${res.status}`);
    return await res.json();
  }
}

export async function roomInfo(base: string, room: string): Promise<RoomInfo> {
  return (await getJson(
    `${base}/api/rooms/${encodeURIComponent(room)}`,
    `/api/rooms/${room}`,
  )) as RoomInfo;
}

/** Its text is not the one sent: edited or deleted. */
const changedText = (m: Message): boolean => m.editedAt !== undefined || m.deleted !== undefined;

/** Every retained message of a room, oldest first: its id and its text, for the checker. */
export async function readStored(base: string, room: string): Promise<StoredMessage[]> {
  return (await readMessages(base, room)).map((m) => ({
    seq: m.seq,
    id: m.id,
    text: m.text,
    changed: changedText(m),
  }));
}

/** Every retained message of a room as it is now, oldest first, by paging back from the newest. */
export async function readMessages(base: string, room: string): Promise<Message[]> {
  const out: Message[] = [];
  let before: number | undefined;
  for (;;) {
    const q = before === undefined ? "limit=100" : `before=${before}&limit=100`;
    const page = (await getJson(
      `${base}/api/rooms/${encodeURIComponent(room)}/messages?${q}`,
      `messages?${q}`,
    )) as MessagePage;
    out.unshift(...page.messages);
    const oldest = page.messages[0]?.seq;
    if (!page.more || oldest === undefined) return out;
    before = oldest;
  }
}

export interface RoomCheck {
  verdict: Verdict;
  stored: StoredMessage[];
  latestSeq: number;
}

/**
 * The end of a scenario: waits until every client has settled its sends and
 * its changes and shows everything up to the room's latest seq and rev, then
 * runs the checker over the room's storage, its seq and every client's
 * records and view; and (v2) the changes checker over every change asked
 * for and every client's folded messages against the room's pages. Its
 * findings join the verdict's errors.
 */
export async function checkRoom(
  base: string,
  room: string,
  clients: ResilientClient[],
  timeoutMs = 120_000,
): Promise<RoomCheck> {
  await Promise.all(clients.map((c) => c.settled(timeoutMs)));
  await Promise.all(clients.map((c) => c.changesSettled(timeoutMs)));
  const { seq: latestSeq, rev } = await roomInfo(base, room);
  await Promise.all(clients.map((c) => c.caughtUp(latestSeq, timeoutMs)));
  await Promise.all(
    clients.map((c) =>
      waitUntil(() => c.rev >= rev, timeoutMs, `${c.options.name} to reach rev ${rev}`, 100),
    ),
  );
  const messages = await readMessages(base, room);
  const stored = messages.map((m) => ({
    seq: m.seq,
    id: m.id,
    text: m.text,
    changed: changedText(m),
  }));
  const verdict = checkHistory({
    sends: clients.flatMap((c) => c.sends()),
    stored,
    latestSeq,
    views: clients.map((c) => c.view()),
  });
  const changeErrors = checkChanges({
    changes: clients.flatMap((c) => c.changes()),
    stored: messages,
    views: clients.map((c) => ({ name: c.options.name, messages: c.folded() })),
  });
  if (changeErrors.length) {
    verdict.errors.push(...changeErrors);
    verdict.ok = false;
  }
  return { verdict, stored, latestSeq };
}
