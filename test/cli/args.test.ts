// The `roomchat` command line (cli/args.ts) and the room a link names
// (cli/context.ts parseTarget): every form, and each mistake as a
// UsageError (exit 2) with a one-line message.
import { describe, expect, it } from "vitest";
import { connectTimeoutMs, parseCommand } from "../../cli/args";
import { parseTarget, UsageError } from "../../cli/context";

const link = "http://localhost:8787/r/lobby";
const target = { base: "http://localhost:8787", room: "lobby", url: link };

function usage(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as Error).message).not.toContain("\n");
    return (err as Error).message;
  }
  throw new Error("expected a usage error");
}

describe("parseTarget", () => {
  it("reads a room link, with or without a trailing slash, http or https", () => {
    expect(parseTarget(link)).toEqual(target);
    expect(parseTarget(`${link}/`)).toEqual(target);
    expect(parseTarget("https://chat.example.com/r/Lobby")).toEqual({
      base: "https://chat.example.com",
      room: "lobby",
      url: "https://chat.example.com/r/lobby",
    });
  });

  it("keeps the port and takes an owner key from the fragment", () => {
    expect(parseTarget("http://127.0.0.1:9000/r/abc#owner=s3cret")).toEqual({
      base: "http://127.0.0.1:9000",
      room: "abc",
      url: "http://127.0.0.1:9000/r/abc",
      ownerKey: "s3cret",
    });
    const key = "A".repeat(43);
    expect(parseTarget(`http://127.0.0.1:9000/r/abc#k=${key}`).ownerKey).toBeUndefined();
  });

  it("(v2) takes an encrypted room's key from the fragment, alone or with an owner key", () => {
    const key = "abcdefghijklmnopqrstuvwxyz0123456789_-ABCDE";
    expect(parseTarget(`http://127.0.0.1:9000/r/abc#k=${key}`)).toEqual({
      base: "http://127.0.0.1:9000",
      room: "abc",
      url: "http://127.0.0.1:9000/r/abc",
      e2eeKey: key,
    });
    expect(parseTarget(`http://127.0.0.1:9000/r/abc#owner=s3cret&k=${key}`)).toMatchObject({
      ownerKey: "s3cret",
      e2eeKey: key,
    });
    expect(usage(() => parseTarget("http://127.0.0.1:9000/r/abc#k=short"))).toMatch(
      /not a room key/,
    );
  });

  it("(v2) refuses a malformed key before anything connects: cut, too long, bad bits, empty", () => {
    const key = "abcdefghijklmnopqrstuvwxyz0123456789_-ABCDE";
    for (const bad of [
      key.slice(0, 42),
      `${key}A`,
      // 43 digits carry 258 bits: a last digit with its low 2 bits set names no key.
      `${key.slice(0, 42)}F`,
      "",
      `${key.slice(0, 42)}+`,
    ]) {
      expect(usage(() => parseTarget(`http://127.0.0.1:9000/r/abc#k=${bad}`))).toBe(
        "the link's key (#k=) is not a room key: copy the whole link",
      );
    }
  });

  it("takes a bare room name with a server", () => {
    expect(parseTarget("lobby", "http://localhost:8787")).toEqual(target);
    expect(parseTarget("lobby", "http://localhost:8787/some/path")).toEqual(target);
  });

  it("refuses links that are not rooms, and bare names without a server", () => {
    expect(usage(() => parseTarget("http://localhost:8787/"))).toMatch(/not a room link/);
    expect(usage(() => parseTarget("http://localhost:8787/rooms/lobby"))).toMatch(
      /not a room link/,
    );
    expect(usage(() => parseTarget("http://localhost:8787/r/a/b"))).toMatch(/not a room link/);
    expect(usage(() => parseTarget("ftp://localhost/r/lobby"))).toMatch(/http/);
    expect(usage(() => parseTarget("lobby"))).toMatch(/--server/);
    expect(usage(() => parseTarget("lobby", "localhost:8787"))).toMatch(/server/);
    expect(usage(() => parseTarget("http://localhost:8787/r/%E0%A4%A"))).toMatch(/room link/);
    expect(usage(() => parseTarget("http://localhost:8787/r/has%20space"))).toMatch(/room name/);
  });
});

describe("parseCommand", () => {
  it("reads --help and --version before anything else", () => {
    expect(parseCommand(["--help"])).toEqual({ kind: "help" });
    expect(parseCommand(["send", "-h"])).toEqual({ kind: "help" });
    expect(parseCommand(["--version"])).toEqual({ kind: "version" });
  });

  it("opens the full screen on a room link, with or without --name", () => {
    expect(parseCommand([link])).toEqual({ kind: "chat", target });
    expect(parseCommand([link, "--name", " Ann "])).toEqual({ kind: "chat", target, name: "Ann" });
    expect(parseCommand(["lobby", "--server", "http://localhost:8787"])).toEqual({
      kind: "chat",
      target,
    });
  });

  it("takes the server of a bare name from ROOMCHAT_SERVER", () => {
    expect(parseCommand(["tail", "lobby"], { ROOMCHAT_SERVER: "http://localhost:8787" })).toEqual({
      kind: "tail",
      target,
      json: false,
    });
  });

  it("reads send with its text as one message, or none for standard input", () => {
    expect(parseCommand(["send", link, "hello", "world"])).toEqual({
      kind: "send",
      target,
      text: "hello world",
    });
    expect(parseCommand(["send", link, "--name", "bob"])).toEqual({
      kind: "send",
      target,
      name: "bob",
      text: null,
    });
    // After --, text may start with a dash.
    expect(parseCommand(["send", link, "--", "-5", "degrees"])).toMatchObject({
      text: "-5 degrees",
    });
  });

  it("reads tail and export with --json, and new with --e2ee", () => {
    expect(parseCommand(["tail", link, "--json"])).toEqual({ kind: "tail", target, json: true });
    expect(parseCommand(["export", link])).toEqual({ kind: "export", target, json: false });
    expect(parseCommand(["new", "--server", "http://localhost:8787/"])).toEqual({
      kind: "new",
      server: "http://localhost:8787",
      e2ee: false,
    });
    expect(parseCommand(["new", "--e2ee", "--server", "http://localhost:8787"])).toMatchObject({
      e2ee: true,
    });
  });

  it("says each mistake in one line", () => {
    expect(usage(() => parseCommand([]))).toMatch(/room link/);
    expect(usage(() => parseCommand(["send"]))).toMatch(/send needs a room link/);
    expect(usage(() => parseCommand(["tail", link, "--bogus"]))).toMatch(/unknown option --bogus/);
    expect(usage(() => parseCommand(["tail", link, "--e2ee"]))).toMatch(
      /--e2ee does not go with tail/,
    );
    expect(usage(() => parseCommand(["send", link, "--json"]))).toMatch(/--json/);
    expect(usage(() => parseCommand(["export", link, "extra"]))).toMatch(/unexpected/);
    expect(usage(() => parseCommand([link, "extra"]))).toMatch(/unexpected/);
    expect(usage(() => parseCommand(["new"]))).toMatch(/--server/);
    expect(usage(() => parseCommand(["new", "extra", "--server", "http://a"]))).toMatch(
      /no arguments/,
    );
    expect(usage(() => parseCommand(["tail", link, "--server", "http://b"]))).toMatch(
      /bare room name/,
    );
    expect(usage(() => parseCommand(["tail", link, "--name"]))).toMatch(/name/);
    expect(usage(() => parseCommand(["tail", link, "--name", "   "]))).toMatch(/not a valid name/);
    expect(usage(() => parseCommand(["tail", "http://localhost:8787/x/lobby"]))).toMatch(
      /not a room link/,
    );
  });
});

describe("connectTimeoutMs", () => {
  it("is 30 s unless ROOMCHAT_CONNECT_TIMEOUT_MS says otherwise", () => {
    expect(connectTimeoutMs({})).toBe(30_000);
    expect(connectTimeoutMs({ ROOMCHAT_CONNECT_TIMEOUT_MS: "1500" })).toBe(1500);
    expect(connectTimeoutMs({ ROOMCHAT_CONNECT_TIMEOUT_MS: "soon" })).toBe(30_000);
    expect(connectTimeoutMs({ ROOMCHAT_CONNECT_TIMEOUT_MS: "-1" })).toBe(30_000);
  });
});
