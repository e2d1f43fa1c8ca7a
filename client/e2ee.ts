// The encrypted-room half of the room model (room.ts), loaded lazily with
// crypto.ts once a welcome says the room is encrypted, so that plain rooms
// pay nothing for it in the page. It owns: the room key (the one given, or
// the one kept on this device), what the key problem is, the decryption of
// every message that comes in (frames, a welcome's catch-up, batches,
// history pages, fetched messages) into plaintext or an `undecryptable`
// mark, the encryption of `send` and `edit` frames for the session they
// are written in (none while the key is found wrong), and the check that
// such a frame, encrypted, fits the room's limits. It never logs a key or
// a text.
import type { Signal } from "@preact/signals-core";
import {
  ciphertextLength,
  type Limits,
  type Message,
  type ServerFrame,
  utf8Length,
} from "../protocol";
import { decryptText, encryptEdit, encryptSend, importRoomKey, isRoomKey } from "./crypto";
import { type HttpResponseLike, type StorageLike, storageKeys, writeItem } from "./deps";

export type KeyProblem = null | "missing" | "wrong";

export interface E2ee {
  /** The frame with every message in it decrypted (or marked). */
  frame(f: ServerFrame): Promise<ServerFrame>;
  /** Writes a frame, `send` and `edit` encrypted for this session, in the order given. */
  write(frame: object): boolean;
  /** A fetch whose JSON has its messages (a page's or a single one) decrypted. */
  response(res: HttpResponseLike): HttpResponseLike;
  /**
   * Why a `send` or `edit` frame would not fit the room once its text is
   * encrypted, or null: a ciphertext past MAX_CIPHERTEXT is `too_long`, a
   * frame past MAX_FRAME `too_big`. Known before encrypting: the length
   * follows from the plaintext's bytes (ciphertextLength), and the
   * ciphertext is ASCII.
   */
  unfit(frame: { text: string }, limits: Limits): "too_long" | "too_big" | null;
}

/** The check of E2ee.unfit, for the frames the core writes. */
export function unfit(frame: { text: string }, limits: Limits): "too_long" | "too_big" | null {
  const sealed = ciphertextLength(utf8Length(frame.text));
  if (sealed > limits.MAX_CIPHERTEXT) return "too_long";
  const rest = utf8Length(JSON.stringify({ ...frame, text: "" }));
  return rest + sealed > limits.MAX_FRAME ? "too_big" : null;
}

/**
 * The room's key is `given` (the link's `#k=`, then kept for the room in
 * `local`), else the one kept; `you` is this session's user id when
 * welcomed, `send` writes a frame on a welcomed connection.
 */
export function createE2ee(
  room: string,
  given: string | undefined,
  local: StorageLike,
  keyProblem: Signal<KeyProblem>,
  you: () => string | undefined,
  send: (frame: object) => boolean,
): E2ee {
  if (given) writeItem(local, storageKeys.e2eeKey(room), given);
  const raw = given ?? local.getItem(storageKeys.e2eeKey(room));
  const keyP = raw && isRoomKey(raw) ? importRoomKey(raw).catch(() => null) : null;
  const o = { room, keyProblem, you, send };
  // "wrong" means: of the texts received so far (deleted messages have none),
  // at least one and none at all decrypted. One text that opens proves the
  // key, and later failures are then a tampered or moved text, not the key.
  let opened = 0;
  let failed = 0;
  const judge = () => {
    o.keyProblem.value = !keyP ? "missing" : opened === 0 && failed > 0 ? "wrong" : null;
  };
  judge();

  const message = async (m: Message): Promise<Message> => {
    if (m.deleted !== undefined || m.text === "") return m;
    const key = keyP ? await keyP : null;
    const text = key ? await decryptText(key, o.room, m) : null;
    if (text === null) failed++;
    else opened++;
    judge();
    if (text === null) return { ...m, text: "", undecryptable: true };
    const { undecryptable: _, ...rest } = m;
    return { ...rest, text };
  };
  const messages = (list: Message[] | undefined) =>
    list ? Promise.all(list.map(message)) : Promise.resolve(list);

  const frame = async (f: ServerFrame): Promise<ServerFrame> => {
    switch (f.type) {
      case "welcome":
        return { ...f, messages: (await messages(f.messages)) as Message[] };
      case "message": {
        const { type: _, ...m } = f;
        return { type: "message", ...(await message(m)) };
      }
      case "update":
        return { ...f, message: await message(f.message) };
      case "batch":
        return { ...f, frames: await Promise.all((f.frames ?? []).map(frame)) };
      default:
        return f;
    }
  };

  // Writes go one after another, so that the room gets them in the order
  // the core wrote them although encrypting takes a turn of the event loop.
  let chain: Promise<unknown> = Promise.resolve();
  const write = (frame: object): boolean => {
    const f = frame as { type?: string; id?: string; seq?: number; text?: string };
    const you = o.you();
    if (f.type !== "send" && f.type !== "edit") {
      chain = chain.then(() => o.send(frame));
      return true;
    }
    // Without the key nothing is sent: the outbox keeps it for later. Nor
    // with a key found wrong (texts came, none opened): the others could
    // not read it. What waits goes at a later welcome, if the key proves
    // good by then (the outbox and the changes write again at each welcome).
    if (!keyP || o.keyProblem.value === "wrong" || you === undefined || typeof f.text !== "string")
      return false;
    const plain = f.text;
    chain = chain.then(async () => {
      const key = await keyP;
      if (!key) return;
      const text =
        f.type === "send"
          ? await encryptSend(key, o.room, you, f.id as string, plain)
          : await encryptEdit(key, o.room, you, f.seq as number, plain);
      // Encrypted for a session that has ended: the next welcome writes it
      // again (the outbox and the changes resend whatever is unanswered),
      // encrypted for the new session's user id.
      if (o.you() === you) o.send({ ...frame, text });
    });
    return true;
  };

  const response = (res: HttpResponseLike): HttpResponseLike => ({
    ok: res.ok,
    status: res.status,
    json: async () => {
      const body = (await res.json()) as { messages?: Message[]; seq?: number; text?: string };
      if (Array.isArray(body?.messages))
        return { ...body, messages: await messages(body.messages) };
      if (typeof body?.seq === "number" && typeof body.text === "string")
        return message(body as Message);
      return body;
    },
  });

  return { frame, write, response, unfit };
}
