// `roomchat export <room> [--json]`: prints the room's whole retained
// history, oldest first, then exits 0. It reads the HTTP history pages
// (`GET /api/rooms/:room/messages?before=&limit=100`, newest page first,
// going back until `more` is false), which need no join: exporting takes no
// name in the room and tells nobody. Each message is printed as it is now
// (edited text; a deleted one as "(deleted)"), in the tail's format.
// (v2) In an encrypted room (the info's settings.e2ee) the texts are
// decrypted with the link's key (or the one kept for the room), as the core
// does: a text that does not open is marked undecryptable and printed as
// such (cli/format.ts); when texts came and none opened, the key is wrong
// (as the core's keyProblem reads it) and a one-line warning goes to
// standard error, the export itself going on (exit 0).
import { decryptText, importRoomKey } from "../../client/crypto";
import { storageKeys, writeItem } from "../../client/deps";
import { messagesUrl } from "../../client/room";
import { type Message, PAGE_MAX } from "../../protocol";
import { nodeDeps, type Target } from "../context";
import { formatJson, formatText } from "../format";
import { type CommandContext, Exit, Failure, resolveName, WRONG_KEY } from "./common";
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
  )) as { seq?: unknown; settings?: { e2ee?: unknown } };
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
  const all = pages.flat();
  return info.settings?.e2ee === true ? decryptAll(ctx, target, all) : all;
}

/** An encrypted room's messages in plaintext; fails in one line without the key. */
async function decryptAll(ctx: CommandContext, target: Target, all: Message[]): Promise<Message[]> {
  const local = nodeDeps(ctx.folders, target.base).local;
  if (target.e2eeKey) writeItem(local, storageKeys.e2eeKey(target.room), target.e2eeKey);
  const raw = target.e2eeKey ?? local.getItem(storageKeys.e2eeKey(target.room));
  const key = raw ? await importRoomKey(raw).catch(() => null) : null;
  if (!key)
    throw new Failure("this link is missing its key: an encrypted room's link ends in #k=<key>");
  let opened = 0;
  let failed = 0;
  const out = await Promise.all(
    all.map(async (m): Promise<Message> => {
      if (m.deleted !== undefined || m.text === "") return m;
      const text = await decryptText(key, target.room, m);
      if (text === null) failed++;
      else opened++;
      return text === null ? { ...m, text: "", undecryptable: true } : { ...m, text };
    }),
  );
  if (failed > 0 && opened === 0) ctx.err(`roomchat: warning: ${WRONG_KEY}\n`);
  return out;
}

export async function runExport(ctx: CommandContext, cmd: ExportCommand): Promise<number> {
  // Export joins nobody; a name given is remembered all the same, as everywhere.
  if (cmd.name !== undefined) resolveName(ctx, cmd.target, cmd.name);
  for (const m of await fetchHistory(ctx, cmd.target))
    ctx.out(`${cmd.json ? formatJson(m) : formatText(m)}\n`);
  return Exit.ok;
}
