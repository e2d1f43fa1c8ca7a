// The terminal client's kept state against a temporary folder: the file
// storage the client core writes (cli/context.ts FileStorage), the
// remembered name per server (NameMemory), the folders env-paths picks from
// XDG_CONFIG_HOME and XDG_DATA_HOME, and the outbox kept there across a
// restart of the client (a send written before a crash is loaded, as
// pending, by the next client of that server and room).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  defaultFolders,
  FileStorage,
  type Folders,
  NameMemory,
  nodeDeps,
  openRoom,
  parseTarget,
  serverFolder,
} from "../../cli/context";
import { storageKeys } from "../../client/deps";

let root: string;
let folders: Folders;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "roomchat-unit-"));
  folders = { config: join(root, "config"), data: join(root, "data") };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("folders", () => {
  it("follow XDG_CONFIG_HOME and XDG_DATA_HOME", () => {
    const saved = { c: process.env.XDG_CONFIG_HOME, d: process.env.XDG_DATA_HOME };
    process.env.XDG_CONFIG_HOME = join(root, "c");
    process.env.XDG_DATA_HOME = join(root, "d");
    try {
      expect(defaultFolders()).toEqual({
        config: join(root, "c", "roomchat"),
        data: join(root, "d", "roomchat"),
      });
    } finally {
      for (const [k, v] of [
        ["XDG_CONFIG_HOME", saved.c],
        ["XDG_DATA_HOME", saved.d],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});

describe("FileStorage", () => {
  it("keeps keys in one file, made with its folders, and forgets removed ones", () => {
    const path = join(root, "a", "b", "state.json");
    const s = new FileStorage(path);
    expect(s.getItem("x")).toBeNull();
    s.setItem("x", "1");
    s.setItem("y", "2");
    s.removeItem("x");
    s.removeItem("never");
    expect(new FileStorage(path).getItem("y")).toBe("2");
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ y: "2" });
  });

  it("keeps what another client of the same file wrote", () => {
    const path = join(root, "state.json");
    const a = new FileStorage(path);
    const b = new FileStorage(path);
    a.setItem("a", "1");
    b.setItem("b", "2");
    expect(a.getItem("b")).toBe("2");
    expect(b.getItem("a")).toBe("1");
  });

  it("starts empty from a missing or broken file", () => {
    const path = join(root, "state.json");
    writeFileSync(path, "{not json");
    const s = new FileStorage(path);
    expect(s.getItem("x")).toBeNull();
    s.setItem("x", "1");
    expect(s.getItem("x")).toBe("1");
  });
});

describe("NameMemory", () => {
  it("remembers a name per server, in the config folder", () => {
    const names = new NameMemory(folders);
    expect(names.get("http://localhost:8787")).toBeNull();
    names.set("http://localhost:8787", "ann");
    names.set("https://chat.example.com", "Ann B");
    const again = new NameMemory(folders);
    expect(again.get("http://localhost:8787")).toBe("ann");
    expect(again.get("https://chat.example.com")).toBe("Ann B");
    expect(again.get("http://localhost:9999")).toBeNull();
    expect(JSON.parse(readFileSync(join(folders.config, "names.json"), "utf8"))).toEqual({
      "http://localhost:8787": "ann",
      "https://chat.example.com": "Ann B",
    });
  });
});

describe("the outbox across a restart of the client", () => {
  it("is written to the server's data folder before it goes out, and loaded by the next client", () => {
    const target = parseTarget("http://127.0.0.1:9/r/lobby");
    // Never started: nothing connects, as with a server out of reach.
    const first = openRoom(nodeDeps(folders, target.base), target, "ann");
    expect(first.send("written before the crash")).toEqual({ ok: true });
    const kept = join(folders.data, serverFolder(target.base), "state.json");
    const saved = JSON.parse(readFileSync(kept, "utf8")) as Record<string, string>;
    expect(JSON.parse(saved[storageKeys.pending("lobby")] ?? "[]")).toMatchObject([
      { text: "written before the crash" },
    ]);
    const id = first.pending.value[0]?.id;
    first.close();

    // The next run of the client for that server and room sends it again, under the same id.
    const second = openRoom(nodeDeps(folders, target.base), target, "ann");
    expect(second.pending.value).toMatchObject([
      { id, text: "written before the crash", status: "sending" },
    ]);
    second.close();

    // Another room, or another server, has its own.
    const other = parseTarget("http://127.0.0.1:9/r/elsewhere");
    const third = openRoom(nodeDeps(folders, other.base), other, "ann");
    expect(third.pending.value).toEqual([]);
    third.close();
    const otherServer = parseTarget("http://127.0.0.1:10/r/lobby");
    const fourth = openRoom(nodeDeps(folders, otherServer.base), otherServer, "ann");
    expect(fourth.pending.value).toEqual([]);
    fourth.close();
  });
});
