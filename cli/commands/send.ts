// `roomchat send <room> [text…]`: posts the text given (one message), or
// every line of standard input (one message a line, blank lines skipped, a
// `quit()` or `/quit` line ends the input), through the client core's
// outbox, and exits 0 once the room has confirmed every one of them. The
// outbox writes each send to the data folder before it goes out, so sends
// left unconfirmed by an earlier run that died (a crash, Ctrl+C, a server
// out of reach) are loaded when the model starts and sent again after the
// welcome; this command waits for those too. A send the room refuses ends
// it with exit 1 and the refusal's code.
import { createInterface } from "node:readline";
import { signal } from "@preact/signals-core";
import { isQuitCommand } from "../../protocol";
import type { Target } from "../context";
import { type CommandContext, Exit, Failure, openSession, resolveName, watch } from "./common";

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
  const s = openSession(ctx, cmd.target, name);
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
      if (interrupted.value) {
        return new Failure(
          `interrupted: ${open.length} message(s) not confirmed yet (kept; the next send to this room sends them again)`,
          Exit.interrupted,
        );
      }
      if (!inputDone.value || open.length) return false;
      const failed = pending.find((p) => p.status === "failed");
      if (failed) {
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
    await s.leave();
  }
  return Exit.ok;
}
