// `roomchat new [--e2ee] --server URL`: makes a private room
// (`POST /api/rooms`, answered `{room, url, ownerKey}`) and prints its link,
// its owner key and the page's owner link (`/r/<room>#owner=<key>`, which
// makes whoever opens it the owner; keep it secret). `--e2ee` asks for an
// end-to-end encrypted room (`{"e2ee":true}`): the key is made here
// (client/crypto.ts newRoomKey) and printed in the links' fragment (`#k=`),
// never sent to the server.

import { newRoomKey } from "../../client/crypto";
import type { CommandContext } from "./common";
import { Exit, Failure } from "./common";
import { requestJson } from "./http";

export interface NewCommand {
  server: string;
  e2ee: boolean;
}

export async function runNew(ctx: CommandContext, cmd: NewCommand): Promise<number> {
  const made = (await requestJson(ctx, `${cmd.server}/api/rooms`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: cmd.e2ee ? JSON.stringify({ e2ee: true }) : "",
  })) as { room?: unknown; url?: unknown; ownerKey?: unknown };
  if (typeof made?.room !== "string" || typeof made.ownerKey !== "string")
    throw new Failure("bad_response: the server's answer has no room or owner key");
  const room = `${cmd.server}/r/${encodeURIComponent(made.room)}`;
  // (v2) The key is made here and never sent: it travels in the fragment.
  const key = cmd.e2ee ? newRoomKey() : null;
  const link = key ? `${room}#k=${key}` : room;
  const owner = `owner=${encodeURIComponent(made.ownerKey)}`;
  ctx.out(`${link}\n`);
  ctx.out(`owner key: ${made.ownerKey}\n`);
  ctx.out(`owner link (keep it secret): ${room}#${key ? `k=${key}&` : ""}${owner}\n`);
  return Exit.ok;
}
