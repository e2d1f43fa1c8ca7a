// What the client core reports to an observer (Deps.observe) as it acts: the
// facts a test needs to count what really happened (sockets, frames, sends
// written again, how each send was acknowledged, messages replaced by a newer
// rev, changes written and settled, pages fetched), so that no
// test re-implements the client to learn them. Reporting never changes what
// the core does.
import type { ServerFrame } from "../protocol";

/** (v2) The kinds of change to a retained message. */
export type ChangeKind = "edit" | "delete" | "react";

/**
 * How a send of one's own was acknowledged:
 * - `echo`: the room's broadcast of it, after this connection's welcome;
 * - `repeat`: the room's answer to an id it had stored before this
 *   connection's welcome (the send was written again after a lost echo);
 * - `catch-up`: found in a welcome's messages;
 * - `page`: found in a history page;
 * - `duplicate`: `error duplicate` with its id (stored, and pruned since).
 */
export type AckSource = "echo" | "repeat" | "catch-up" | "page" | "duplicate";

export type ClientEvent =
  /** A socket is asked for (every attempt, whether or not it opens). */
  | { type: "connecting"; url: string }
  | { type: "open" }
  /** The current socket closed (a socket the core had already dropped is not reported). */
  | { type: "closed"; code: number }
  /** A frame from the server, parsed (`pong` is reported as its own event). */
  | { type: "frame"; frame: ServerFrame }
  | { type: "pong" }
  /** A send frame written; `again`: it had been written on an earlier connection. */
  | { type: "written"; id: string; again: boolean }
  /** A send kept for later: no welcomed connection, or a rate limit running. */
  | { type: "queued"; id: string }
  /** A send of one's own is delivered, at `seq` (0 when the room no longer holds it). */
  | { type: "acknowledged"; id: string; seq: number; by: AckSource }
  /** A send the room refused for good. */
  | { type: "refused"; id: string; code: string }
  /**
   * A message or update not taken: its seq is held with a rev at least as
   * high, or (an update) its seq is not held at all.
   */
  | { type: "dropped"; seq: number }
  /** A held message replaced by a newer version of it (a higher rev). */
  | { type: "replaced"; seq: number; rev: number }
  /** A live message of someone else below the newest seq the log holds (never expected). */
  | { type: "out-of-order"; seq: number }
  /**
   * A welcome's gap (or one left unfilled before): the log pages back from
   * `before` - 1 down to seq `after`, the oldest message it holds, replacing
   * what it holds by the rev rule.
   */
  | { type: "gap"; after: number; before: number }
  /** (v2) A change frame written; `again`: it had been written before (a reconnect, a rate limit). */
  | { type: "change-written"; seq: number; kind: ChangeKind; again: boolean }
  /** (v2) A change of one's own shown by an `update`: it leaves the pending changes. */
  | { type: "change-acknowledged"; seq: number; kind: ChangeKind }
  /** (v2) A change the room refused (an `error` with its seq): dropped. */
  | { type: "change-refused"; seq: number; kind: ChangeKind; code: string }
  /** A history page fetched (paging back or filling a gap). */
  | { type: "page"; before: number; count: number };

export type Observe = (event: ClientEvent) => void;

export const ignore: Observe = () => {};
