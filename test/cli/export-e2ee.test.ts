// `roomchat export` in an encrypted room (cli/commands/export.ts) over a
// scripted HTTP API: texts that do not decrypt are printed as the marker
// (text mode) or without text and `"undecryptable":true` (JSON), never as an
// empty line; when none of the room's texts decrypt with the key (a wrong
// key) one warning line goes to standard error and the export still ends 0;
// one text that opens proves the key: no warning.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { WRONG_KEY } from "../../cli/commands/common";
import { runExport } from "../../cli/commands/export";
import { NameMemory, parseTarget } from "../../cli/context";
import { encryptSend, importRoomKey, newRoomKey } from "../../client/crypto";
import { DEFAULT_SETTINGS, type Message } from "../../protocol";

const ROOM = "0123456789abcdef0123456789abcdef";
const ts = new Date(2026, 0, 2, 3, 4, 5).getTime();

async function sealed(key: string, seq: number, text: string): Promise<Message> {
  const m: Message = {
    seq,
    id: `m-${String(seq).padStart(10, "0")}`,
    user: { id: "u-bob", name: "bob" },
    text: "",
    ts,
    rev: seq,
  };
  return { ...m, text: await encryptSend(await importRoomKey(key), ROOM, "u-bob", m.id, text) };
}

/** The room's info and one history page, as the worker answers them. */
function serve(messages: Message[]) {
  vi.stubGlobal("fetch", async (url: string) => {
    const path = new URL(url).pathname;
    const body = path.endsWith("/messages")
      ? { messages, more: false }
      : { room: ROOM, seq: messages.length, settings: { ...DEFAULT_SETTINGS, e2ee: true } };
    return new Response(JSON.stringify(body), {
      headers: { "content-type": "application/json" },
    });
  });
}

let root: string;
let out: string;
let err: string;
const ctx = () => {
  const folders = { config: join(root, "config"), data: join(root, "data") };
  return {
    folders,
    names: new NameMemory(folders),
    env: {},
    out: (t: string) => {
      out += t;
    },
    err: (t: string) => {
      err += t;
    },
    connectTimeoutMs: 5_000,
  };
};
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "roomchat-export-"));
  out = "";
  err = "";
});
afterEach(() => {
  vi.unstubAllGlobals();
  rmSync(root, { recursive: true, force: true });
});

describe("export of an encrypted room", () => {
  it("with a wrong key: the markers, one warning line, exit 0", async () => {
    const theirs = newRoomKey();
    serve([await sealed(theirs, 1, "one"), await sealed(theirs, 2, "two")]);
    const target = parseTarget(`http://chat.test/r/${ROOM}#k=${newRoomKey()}`);

    expect(await runExport(ctx(), { target, json: false })).toBe(0);
    const stamp = "bob 2026-01-02 03:04:05";
    expect(out).toBe(`${stamp}\n(could not be decrypted)\n${stamp}\n(could not be decrypted)\n`);
    expect(err).toBe(`roomchat: warning: ${WRONG_KEY}\n`);
    expect(err.trimEnd()).not.toContain("\n");

    out = "";
    err = "";
    expect(await runExport(ctx(), { target, json: true })).toBe(0);
    const lines = out
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.seq, l.undecryptable, "text" in l])).toEqual([
      [1, true, false],
      [2, true, false],
    ]);
    expect(out).not.toContain("e1.");
    expect(err).toBe(`roomchat: warning: ${WRONG_KEY}\n`);
  });

  it("with the right key, one text tampered with: that one marked, no warning", async () => {
    const key = newRoomKey();
    const moved = { ...(await sealed(key, 2, "moved")), id: "m-9999999999" };
    serve([await sealed(key, 1, "fine"), moved]);
    const target = parseTarget(`http://chat.test/r/${ROOM}#k=${key}`);
    expect(await runExport(ctx(), { target, json: false })).toBe(0);
    expect(out).toBe(
      "bob 2026-01-02 03:04:05\nfine\nbob 2026-01-02 03:04:05\n(could not be decrypted)\n",
    );
    expect(err).toBe("");
  });
});
