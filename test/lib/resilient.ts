// A protocol client for Node (the `ws` package) that behaves like the page's
// connection, for the fault tests and the soak: it keeps every send until it
// sees it come back, reconnects with backoff after any drop, resumes with its
// token and `since`, resends every unconfirmed send with the same id, drops
// messages it already has, and fills a welcome's `gap` by paging back over
// HTTP. It records what the history checker (test/lib/checker.ts) needs: each
// send with its outcome, and the messages it shows in display order.
//
// Also here: reading a room's whole stored history and its info over HTTP,
// and checkRoom, the end of every scenario (settle, catch up, run the checker).
import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import {
  type ErrorFrame,
  type Message,
  type MessagePage,
  PONG,
  parseServerFrame,
  type RoomInfo,
  type ServerFrame,
  type WelcomeFrame,
} from "../../protocol";
import { newMessageId as newId } from "../../protocol/ids";
import {
  type ClientView,
  checkHistory,
  type SendRecord,
  type StoredMessage,
  type Verdict,
} from "./checker";

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
  /** An open socket that brings no welcome within this is dropped and tried again. */
  welcomeTimeoutMs?: number;
  /**
   * The page counts its own message in a welcome's catch-up or a history
   * page as delivered. With `echoOnly`, only the server's answer to a `send`
   * frame of this client counts, so a send whose echo was lost is always
   * sent again: the tests use it to make the server's duplicate handling run.
   */
  echoOnly?: boolean;
}

export interface ResilientStats {
  /** Sockets opened (attempts, whether or not they reached a welcome). */
  connects: number;
  welcomes: number;
  /** Welcomes that resumed the session of the previous one (same user id). */
  resumed: number;
  /** Welcomes that started a new session although the client held a token. */
  freshSessions: number;
  /** Send frames written again after a reconnect (a send already written once). */
  resends: number;
  /**
   * Sends that had reached the room although their echo never came: confirmed
   * by the room's answer to the repeated id (its stored message, seq at or
   * below the welcome's), or found in a welcome's catch-up or a history page.
   */
  repeatAnswers: number;
  confirmedByCatchUp: number;
  /** Sends made while no welcomed connection was there (queued, sent after the next welcome). */
  queuedOffline: number;
  /** Messages dropped because their seq was already shown. */
  dropped: number;
  /** Welcomes with `gap`, and the pages fetched to fill them. */
  gaps: number;
  pages: number;
  /** Live messages of others that arrived below a seq already shown (should never happen). */
  outOfOrder: number;
  /** Cuts made on purpose by the test (ws.terminate()). */
  cuts: number;
  /** Close codes seen, by code. */
  closes: Record<number, number>;
  /** `error` frames without a send id (about the connection or a join), by code. */
  errors: Record<string, number>;
  /** Refused sends, by code. */
  refusals: Record<string, number>;
  /** The client stopped trying (maxAttempts in a row, room full, taken over). */
  gaveUp: string | null;
}

interface PendingSend {
  record: SendRecord;
  /** Connection number it was last written on (0: never written). */
  writtenOn: number;
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

  private readonly records: SendRecord[] = [];
  /** Unconfirmed sends in the order they were made: the order they are (re)written in. */
  private pending: PendingSend[] = [];
  private readonly shown = new Map<number, StoredMessage>();
  private maxSeq = 0;
  private token: string | undefined;
  private userId: string | undefined;
  private name: string;
  private nameTries = 0;
  private ws: WebSocket | null = null;
  /** Number of the current connection; a frame or close of an older one is ignored. */
  private connNo = 0;
  private welcomed = false;
  /** The room's seq in the current connection's welcome. */
  private welcomeSeq = 0;
  private hadWelcome = false;
  private attempt = 0;
  private stopped = false;
  private paused = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private welcomeTimer: NodeJS.Timeout | null = null;
  /** Holes to fill by paging back: [after, before) exclusive bounds, seqs after+1 … before-1. */
  private holes: Array<[number, number]> = [];
  private filling = false;
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
    this.name = options.name;
  }

  /** Connects and resolves with the first welcome. */
  start(): Promise<WelcomeFrame> {
    const first = new Promise<WelcomeFrame>((resolve, reject) => {
      this.firstWelcome = { resolve, reject };
    });
    this.connect();
    return first;
  }

  /** Posts `text`; the send is kept and resent until it is confirmed or refused. Returns its id. */
  send(text: string, id: string = newMessageId()): string {
    const record: SendRecord = {
      id,
      sender: this.options.name,
      text,
      at: Date.now(),
      outcome: { kind: "unknown" },
    };
    this.records.push(record);
    const p: PendingSend = { record, writtenOn: 0 };
    this.pending.push(p);
    if (this.welcomed) this.write(p);
    else this.stats.queuedOffline += 1;
    return id;
  }

  /** Simulates a network failure: the socket is dropped without a closing handshake. */
  cut(): void {
    if (!this.ws) return;
    this.stats.cuts += 1;
    this.ws.terminate();
  }

  /** Goes offline: drops the socket and does not reconnect until `resume()`. */
  pause(): void {
    this.paused = true;
    this.clearTimers();
    this.ws?.terminate();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.attempt = 0;
    if (!this.ws) this.connect();
  }

  /** Sends the keep-alive `ping` on the live socket and waits for `pong`. */
  ping(timeoutMs = 30_000): Promise<void> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error("not connected"));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no pong")), timeoutMs);
      this.pongWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      ws.send("ping");
    });
  }

  /** Stops for good: no reconnect; the session is left to its grace period (no `leave`). */
  close(): void {
    this.stopped = true;
    this.clearTimers();
    this.ws?.close(1000);
    this.ws = null;
  }

  get connected(): boolean {
    return this.welcomed;
  }
  get you(): string | undefined {
    return this.userId;
  }
  get currentToken(): string | undefined {
    return this.token;
  }
  get highestSeq(): number {
    return this.maxSeq;
  }
  get unconfirmed(): number {
    return this.pending.length;
  }
  /** Sends, with their outcome so far, for the checker. */
  sends(): SendRecord[] {
    return this.records.map((r) => ({ ...r }));
  }
  /** What this client shows, in display order (by seq, as the page shows it). */
  view(): ClientView {
    return {
      name: this.options.name,
      messages: [...this.shown.values()].sort((a, b) => a.seq - b.seq),
    };
  }

  /** Every send confirmed or refused. */
  settled(timeoutMs: number): Promise<void> {
    return waitUntil(
      () => this.pending.length === 0 || this.stats.gaveUp !== null,
      timeoutMs,
      `${this.options.name}'s ${this.pending.length} unconfirmed sends`,
    ).then(() => {
      if (this.stats.gaveUp) throw new Error(`${this.options.name} gave up: ${this.stats.gaveUp}`);
    });
  }

  /** Shows every seq from its first one up to `seq`, with no hole left to fill. */
  caughtUp(seq: number, timeoutMs: number): Promise<void> {
    return waitUntil(
      () => {
        if (this.maxSeq < seq || this.holes.length > 0 || this.filling) return false;
        const first = Math.min(...this.shown.keys());
        for (let s = first; s <= seq; s++) if (!this.shown.has(s)) return false;
        return true;
      },
      timeoutMs,
      `${this.options.name} to show every message up to seq ${seq} (has up to ${this.maxSeq})`,
      100,
    );
  }

  // ---------------------------------------------------------------------------
  // Connection

  private connect(): void {
    if (this.stopped || this.paused) return;
    this.connNo += 1;
    const no = this.connNo;
    this.welcomed = false;
    this.stats.connects += 1;
    // A server that accepts TCP but never answers the upgrade (starting up) counts as a failure.
    const ws = new WebSocket(this.options.wsUrl, {
      handshakeTimeout: this.options.welcomeTimeoutMs,
    });
    this.ws = ws;
    ws.on("error", () => {
      // A close follows (refused connection, failed upgrade, reset).
    });
    ws.on("open", () => {
      if (no !== this.connNo) return;
      this.join();
      this.welcomeTimer = setTimeout(() => {
        if (no === this.connNo && !this.welcomed) ws.terminate();
      }, this.options.welcomeTimeoutMs);
    });
    ws.on("message", (data, isBinary) => {
      if (no !== this.connNo || isBinary) return;
      this.onText(data.toString());
    });
    ws.on("close", (code) => {
      if (no !== this.connNo) return;
      this.onClose(code);
    });
  }

  private join(): void {
    const frame: { type: "join"; name: string; since?: number; token?: string } = {
      type: "join",
      name: this.name,
    };
    if (this.token) frame.token = this.token;
    if (this.hadWelcome) frame.since = this.maxSeq;
    this.ws?.send(JSON.stringify(frame));
  }

  private onClose(code: number): void {
    this.stats.closes[code] = (this.stats.closes[code] ?? 0) + 1;
    this.welcomed = false;
    this.ws = null;
    this.clearTimers();
    if (this.stopped || this.paused) return;
    if (code === 4000) {
      this.giveUp("taken over by another connection (4000)");
      return;
    }
    if (this.attempt >= this.options.maxAttempts) {
      this.giveUp(`${this.attempt} connection attempts without a welcome`);
      return;
    }
    const ceiling = Math.min(
      this.options.backoffCapMs,
      this.options.backoffBaseMs * 2 ** Math.min(this.attempt, 30),
    );
    this.attempt += 1;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null;
        this.connect();
      },
      Math.floor(Math.random() * ceiling),
    );
  }

  private giveUp(why: string): void {
    this.stats.gaveUp = why;
    this.stopped = true;
    this.clearTimers();
    this.ws?.terminate();
    this.firstWelcome?.reject(new Error(`${this.options.name} gave up: ${why}`));
    this.firstWelcome = null;
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.welcomeTimer) clearTimeout(this.welcomeTimer);
    this.retryTimer = null;
    this.welcomeTimer = null;
  }

  // ---------------------------------------------------------------------------
  // Frames

  private onText(text: string): void {
    if (text === PONG) {
      for (const w of this.pongWaiters.splice(0)) w();
      return;
    }
    const parsed = parseServerFrame(text);
    if (!parsed.ok) return;
    const f = parsed.value;
    this.frames.push(f);
    switch (f.type) {
      case "welcome":
        this.onWelcome(f);
        return;
      case "message": {
        const own = this.pending.find((p) => p.record.id === f.id);
        if (own) {
          if (own.writtenOn !== 0 && f.seq <= this.welcomeSeq) this.stats.repeatAnswers += 1;
          this.confirm(own, f.seq);
        } else if (f.seq < this.maxSeq && !this.shown.has(f.seq)) this.stats.outOfOrder += 1;
        this.show(f);
        return;
      }
      case "error":
        this.onError(f);
        return;
      default:
        return;
    }
  }

  private onWelcome(w: WelcomeFrame): void {
    const knownSeq = this.maxSeq;
    const resumedFrom = this.hadWelcome ? this.userId : undefined;
    this.welcomes.push(w);
    this.stats.welcomes += 1;
    if (resumedFrom !== undefined) {
      if (w.you.id === resumedFrom) this.stats.resumed += 1;
      else this.stats.freshSessions += 1;
    }
    this.welcomed = true;
    this.welcomeSeq = w.seq;
    this.attempt = 0;
    this.token = w.token;
    this.userId = w.you.id;
    if (this.welcomeTimer) clearTimeout(this.welcomeTimer);
    this.welcomeTimer = null;
    for (const m of w.messages) this.showAndConfirm(m);
    if (w.gap && this.hadWelcome) {
      // The welcome holds the newest of what was missed: page back for the rest.
      this.stats.gaps += 1;
      const firstNew = w.messages[0]?.seq ?? w.seq + 1;
      if (firstNew > knownSeq + 1) this.holes.push([knownSeq, firstNew]);
      void this.fill();
    }
    this.hadWelcome = true;
    // Every send not seen back is written again, same id, in the order it was made.
    for (const p of this.pending) this.write(p);
    this.firstWelcome?.resolve(w);
    this.firstWelcome = null;
  }

  private onError(e: ErrorFrame): void {
    this.errorFrames.push(e);
    const own = e.id === undefined ? undefined : this.pending.find((p) => p.record.id === e.id);
    if (own) {
      if (e.code === "duplicate") {
        // Posted already and pruned since: delivered. Its seq is gone with it (0: below any retained).
        this.confirm(own, [...this.shown.values()].find((m) => m.id === e.id)?.seq ?? 0);
      } else {
        // Final, `rate_limited` included. The page writes a rate-limited send
        // again later, but a send made after it may be accepted first, which
        // the checker would report as a reordering; the scenarios raise the
        // limits instead, so that no send is refused.
        this.stats.refusals[e.code] = (this.stats.refusals[e.code] ?? 0) + 1;
        own.record.outcome = { kind: "refused", code: e.code };
        this.pending = this.pending.filter((p) => p !== own);
      }
      return;
    }
    this.stats.errors[e.code] = (this.stats.errors[e.code] ?? 0) + 1;
    if (e.code === "name_taken" && !this.welcomed) {
      // A fresh session (token expired) whose name someone else took meanwhile.
      this.nameTries += 1;
      this.name = `${this.options.name}-${this.nameTries}`;
      this.join();
    } else if ((e.code === "name_invalid" || e.code === "room_full") && !this.welcomed) {
      this.giveUp(`join refused: ${e.code}`);
    }
  }

  private write(p: PendingSend): void {
    if (p.writtenOn !== 0 && p.writtenOn !== this.connNo) this.stats.resends += 1;
    p.writtenOn = this.connNo;
    this.ws?.send(JSON.stringify({ type: "send", id: p.record.id, text: p.record.text }));
  }

  private confirm(p: PendingSend, seq: number): void {
    p.record.outcome = { kind: "confirmed", seq };
    this.pending = this.pending.filter((q) => q !== p);
  }

  /** A message from a welcome or a history page: shown, and with `echoOnly` off it confirms. */
  private showAndConfirm(m: Message): void {
    if (!this.options.echoOnly) {
      const own = this.pending.find((p) => p.record.id === m.id);
      if (own) {
        this.stats.confirmedByCatchUp += 1;
        this.confirm(own, m.seq);
      }
    }
    this.show(m);
  }

  private show(m: Message): void {
    if (this.shown.has(m.seq)) {
      this.stats.dropped += 1;
      return;
    }
    this.shown.set(m.seq, { seq: m.seq, id: m.id, text: m.text });
    if (m.seq > this.maxSeq) this.maxSeq = m.seq;
  }

  /** Pages back over HTTP until every hole is filled; retries while the server is away. */
  private async fill(): Promise<void> {
    if (this.filling) return;
    this.filling = true;
    let failures = 0;
    try {
      while (this.holes.length > 0 && !this.stopped) {
        const [after, before] = this.holes[0] as [number, number];
        let page: MessagePage;
        try {
          const res = await fetch(
            `${this.options.base}/api/rooms/${encodeURIComponent(this.options.room)}/messages?before=${before}&limit=100`,
          );
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          page = (await res.json()) as MessagePage;
        } catch {
          failures += 1;
          if (failures > this.options.maxAttempts) {
            this.giveUp("history pages kept failing");
            return;
          }
          await sleep(Math.min(this.options.backoffCapMs, this.options.backoffBaseMs * failures));
          continue;
        }
        failures = 0;
        this.stats.pages += 1;
        for (const m of page.messages) if (m.seq > after) this.showAndConfirm(m);
        const oldest = page.messages[0]?.seq;
        if (!page.more || oldest === undefined || oldest <= after + 1) this.holes.shift();
        else this.holes[0] = [after, oldest];
      }
    } finally {
      this.filling = false;
    }
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

/** Every retained message of a room, oldest first, by paging back from the newest. */
export async function readStored(base: string, room: string): Promise<StoredMessage[]> {
  const out: StoredMessage[] = [];
  let before: number | undefined;
  for (;;) {
    const q = before === undefined ? "limit=100" : `before=${before}&limit=100`;
    const page = (await getJson(
      `${base}/api/rooms/${encodeURIComponent(room)}/messages?${q}`,
      `messages?${q}`,
    )) as MessagePage;
    out.unshift(...page.messages.map((m) => ({ seq: m.seq, id: m.id, text: m.text })));
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
 * shows everything up to the room's latest seq, then runs the checker over
 * the room's storage, its seq and every client's records and view.
 */
export async function checkRoom(
  base: string,
  room: string,
  clients: ResilientClient[],
  timeoutMs = 120_000,
): Promise<RoomCheck> {
  await Promise.all(clients.map((c) => c.settled(timeoutMs)));
  const { seq: latestSeq } = await roomInfo(base, room);
  await Promise.all(clients.map((c) => c.caughtUp(latestSeq, timeoutMs)));
  const stored = await readStored(base, room);
  const verdict = checkHistory({
    sends: clients.flatMap((c) => c.sends()),
    stored,
    latestSeq,
    views: clients.map((c) => c.view()),
  });
  return { verdict, stored, latestSeq };
}
