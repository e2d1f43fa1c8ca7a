// `roomchat tail <room> [--json]`: joins under the name and prints every
// message posted after it joined, as it comes, until Ctrl+C (or SIGTERM),
// which leaves the room and exits 0. It prints from the client core's log,
// which merges live messages, a resume's catch-up (`since` = the rev it has
// seen, with the session's token) and a gap filled over HTTP, keyed by seq:
// so a reconnect, or a restart of the server, shows what was posted
// meanwhile once, and nothing twice. Each seq is printed once; a later
// version of a printed message (its rev grew) is printed again: in JSON
// mode always (the same seq with a higher rev replaces the earlier line),
// in text mode for an edit ("(edited)" after the header, then the new text)
// and a deletion ("(deleted)"), not for a reaction.
// (v2) In an encrypted room a text that does not decrypt is printed as such
// (cli/format.ts), and when the core finds the key wrong (texts came, none
// decrypted: keyProblem) a one-line warning goes to standard error, once;
// tail goes on.
import { effect, signal } from "@preact/signals-core";
import type { ClientEvent } from "../../client/events";
import type { Message } from "../../protocol";
import type { Target } from "../context";
import { changeOf, formatJson, formatText } from "../format";
import { type CommandContext, Exit, openSession, resolveName, WRONG_KEY, watch } from "./common";

export interface TailCommand {
  target: Target;
  name?: string;
  json: boolean;
}

/**
 * What to print for the log's messages, given what was printed already
 * (updated in place). `after`: messages at or below this seq were there
 * before tail joined and are not printed.
 */
export function newLines(
  messages: Iterable<Message>,
  printed: Map<number, Message>,
  after: number,
  json: boolean,
): string[] {
  const lines: string[] = [];
  for (const m of messages) {
    if (m.seq <= after) continue;
    const before = printed.get(m.seq);
    if (!before) {
      lines.push(json ? formatJson(m) : formatText(m));
      printed.set(m.seq, m);
      continue;
    }
    if (m.rev <= before.rev) continue;
    printed.set(m.seq, m);
    if (json) {
      lines.push(formatJson(m));
      continue;
    }
    const change = changeOf(before, m);
    if (change) lines.push(formatText(m, change));
  }
  return lines;
}

export async function runTail(ctx: CommandContext, cmd: TailCommand): Promise<number> {
  const name = resolveName(ctx, cmd.target, cmd.name);
  // The room's seq in the first welcome: what came before tail joined is history (export's).
  let after: number | null = null;
  const observe = (e: ClientEvent) => {
    if (after === null && e.type === "frame" && e.frame.type === "welcome") after = e.frame.seq;
  };
  const s = openSession(ctx, cmd.target, name, observe);
  const printed = new Map<number, Message>();
  const stopPrinting = effect(() => {
    const entries = s.room.log.value;
    if (after === null) return;
    const messages = entries.flatMap((e) => (e.kind === "message" ? [e.message] : []));
    for (const line of newLines(messages, printed, after, cmd.json)) ctx.out(`${line}\n`);
  });
  let warned = false;
  const stopWarning = effect(() => {
    if (warned || s.room.keyProblem.value !== "wrong") return;
    warned = true;
    ctx.err(`roomchat: warning: ${WRONG_KEY}\n`);
  });

  const interrupted = signal(false);
  const onInterrupt = () => {
    interrupted.value = true;
  };
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onInterrupt);
  s.room.start();
  try {
    await watch(ctx, s, () => interrupted.value);
  } finally {
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onInterrupt);
    stopPrinting();
    stopWarning();
    await s.leave();
  }
  return Exit.ok;
}
