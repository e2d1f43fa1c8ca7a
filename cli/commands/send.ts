// `roomchat send <room> [text…]`: posts the text given (one message), or
// every line of standard input (one message a line, blank lines skipped, a
// `quit()` or `/quit` line ends the input), through the client core's
// outbox, and exits 0 once the room has confirmed every one of them. The
// outbox writes each send to the data folder before it goes out, so sends
// left unconfirmed by an earlier run that died (a crash, Ctrl+C, a server
// out of reach) are loaded when the model starts and sent again after the
// welcome; this command waits for those too. A send the room refuses ends
// it with exit 1 and the refusal's code.
// (v2) In an encrypted room whose messages all fail to decrypt with the key
// (the core's keyProblem "wrong"; the core then writes no send), it ends
// with exit 1 and says so: the others could not read what it sent. Its own
// messages leave the outbox (nothing of them was sent; the message says
// so); sends kept by earlier runs stay kept. A room with no texts yet
// cannot tell a wrong key, and takes the send.
import { createInterface } from "node:readline";
import { signal } from "@preact/signals-core";
import { isQuitCommand } from "../../protocol";
import type { Target } from "../context";
import {
  type CommandContext,
  Exit,
  Failure,
  openSession,
  resolveName,
  WRONG_KEY,
  watch,
} from "./common";

export interface SendCommand {
  target: Target;
  name?: string;
  /** The message, or null to read standard input. */
  text: string | null;
}

const isQuit = (line: string) => isQuitCommand(line) || line.trim() === "/quit";

/** A short quote of a message for an error line. */
function quote(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(line.length > 40 ? `${line.slice(0, 39)}…` : line);
}

export async function runSend(
  ctx: CommandContext,
  cmd: SendCommand,
  stdin: NodeJS.ReadableStream,
): Promise<number> {
  const name = resolveName(ctx, cmd.target, cmd.name);
  /** Ids the core wrote on a connection (encrypted, in an encrypted room). */
  const written = new Set<string>();
  const s = openSession(ctx, cmd.target, name, (e) => {
    if (e.type === "written") written.add(e.id);
  });
  /** Sends kept by earlier runs (the outbox loads them), not this run's. */
  const earlier = new Set(s.room.pending.value.map((p) => p.id));
  /** (v2) This run's unconfirmed sends, once the key is found wrong: taken out of the outbox. */
  let dropped: string[] = [];
  const inputDone = signal(false);
  const interrupted = signal(false);
  /** Sends the core refused before they went out (too long, blank…), in order. */
  const refusedHere: string[] = [];
  let count = 0;

  const post = (text: string) => {
    if (!text.trim()) return;
    count++;
    const result = s.room.send(text);
    if (!result.ok) refusedHere.push(`${result.reason}: message ${count} ${quote(text)} not sent`);
  };

  let lines: ReturnType<typeof createInterface> | null = null;
  if (cmd.text !== null) {
    if (!isQuit(cmd.text)) post(cmd.text);
    inputDone.value = true;
  } else {
    // Someone typing at the terminal would otherwise see nothing happen.
    if ((stdin as { isTTY?: boolean }).isTTY)
      ctx.err("roomchat: type one message per line; Ctrl+D sends them and ends\n");
    lines = createInterface({ input: stdin, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on("line", (line) => {
      if (inputDone.value) return;
      if (isQuit(line)) {
        inputDone.value = true;
        lines?.close();
        return;
      }
      post(line);
    });
    lines.on("close", () => {
      inputDone.value = true;
    });
  }
  const onInterrupt = () => {
    interrupted.value = true;
  };
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onInterrupt);

  s.room.start();
  try {
    await watch(ctx, s, () => {
      const pending = s.room.pending.value;
      const open = pending.filter((p) => p.status !== "failed");
      // Once welcomed (the key is judged before the welcome is handled), so
      // that leaving frees the name at once instead of after the grace period.
      if (s.room.keyProblem.value === "wrong" && s.room.connected.value) {
        dropped = pending.filter((p) => !earlier.has(p.id)).map((p) => p.id);
        // Written before the key was found wrong (the room had no texts to
        // tell by at the welcome): the room may have it, unreadable to the others.
        const out = dropped.filter((id) => written.has(id)).length;
        const what = out
          ? `${dropped.length} message(s) dropped, ${out} written before the key was found wrong`
          : `${dropped.length} message(s) not sent`;
        return new Failure(`${WRONG_KEY}; ${what}`);
      }
      if (interrupted.value) {
        return new Failure(
          `interrupted: ${open.length} message(s) not confirmed yet (kept; the next send to this room sends them again)`,
          Exit.interrupted,
        );
      }
      if (!inputDone.value || open.length) return false;
      const failed = pending.find((p) => p.status === "failed");
      if (failed) {
        // (v2) Refused by the core, not the room: in an encrypted room, a
        // text whose ciphertext would not fit the room's limits is never sent.
        if (failed.reason === "too_long" || failed.reason === "too_big")
          return new Failure(
            `${failed.reason}: ${quote(failed.text)} is too long for this room once encrypted; not sent`,
          );
        return new Failure(`${failed.reason ?? "refused"}: the room refused ${quote(failed.text)}`);
      }
      const first = refusedHere[0];
      if (first)
        return new Failure(
          refusedHere.length > 1 ? `${first} (and ${refusedHere.length - 1} more)` : first,
        );
      return true;
    });
  } finally {
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onInterrupt);
    lines?.close();
    for (const id of dropped) s.room.discard(id);
    await s.leave();
  }
  return Exit.ok;
}
