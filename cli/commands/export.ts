// `roomchat export <room> [--json]`: prints the room's whole retained
// history, oldest first, then exits 0. It reads the HTTP history pages
// (`GET /api/rooms/:room/messages?before=&limit=100`, newest page first,
// going back until `more` is false), which need no join: exporting takes no
// name in the room and tells nobody. Each message is printed as it is now
// (edited text; a deleted one as "(deleted)"), in the tail's format.
import { messagesUrl } from "../../client/room";
import { type Message, PAGE_MAX } from "../../protocol";
import type { Target } from "../context";
import { formatJson, formatText } from "../format";
import { type CommandContext, Exit, Failure, resolveName } from "./common";
import { requestJson } from "./http";

export interface ExportCommand {
  target: Target;
  name?: string;
  json: boolean;
}

/** Every retained message of the room, oldest first. */
export async function fetchHistory(ctx: CommandContext, target: Target): Promise<Message[]> {
  const pages: Message[][] = [];
  // The newest seq first: `before` past it asks for the newest page.
  const info = (await requestJson(
    ctx,
    `${target.base}/api/rooms/${encodeURIComponent(target.room)}`,
  )) as { seq?: unknown };
  if (typeof info?.seq !== "number") throw new Failure("bad_response: the room's info has no seq");
  let before = info.seq + 1;
  // The room keeps a bounded history; the bound guards against a server that says "more" forever.
  for (let i = 0; i < 10_000 && before > 1; i++) {
    const page = (await requestJson(
      ctx,
      messagesUrl(target.base, target.room, before, PAGE_MAX),
    )) as {
      messages?: unknown;
      more?: unknown;
    };
    if (!Array.isArray(page?.messages))
      throw new Failure("bad_response: a history page has no messages");
    const messages = page.messages as Message[];
    if (!messages.length) break;
    pages.unshift(messages);
    before = messages[0]?.seq ?? 0;
    if (page.more !== true) break;
  }
  return pages.flat();
}

export async function runExport(ctx: CommandContext, cmd: ExportCommand): Promise<number> {
  // Export joins nobody; a name given is remembered all the same, as everywhere.
  if (cmd.name !== undefined) resolveName(ctx, cmd.target, cmd.name);
  for (const m of await fetchHistory(ctx, cmd.target))
    ctx.out(`${cmd.json ? formatJson(m) : formatText(m)}\n`);
  return Exit.ok;
}
