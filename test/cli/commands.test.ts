// The scripting commands' name rule (cli/commands/common.ts resolveName):
// a given --name is used and remembered for that server; without one, the
// remembered name; without either, a one-line failure with exit code 2.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CommandContext, Exit, Failure, resolveName } from "../../cli/commands/common";
import { NameMemory, parseTarget } from "../../cli/context";

let root: string;
let ctx: CommandContext;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "roomchat-unit-"));
  const folders = { config: join(root, "config"), data: join(root, "data") };
  ctx = {
    folders,
    names: new NameMemory(folders),
    env: {},
    out: () => {},
    err: () => {},
    connectTimeoutMs: 30_000,
  };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("resolveName", () => {
  const here = parseTarget("http://localhost:8787/r/lobby");
  const there = parseTarget("https://chat.example.com/r/lobby");

  it("fails in one line, exit 2, when there is no name for the server", () => {
    let failure: unknown;
    try {
      resolveName(ctx, here);
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(Failure);
    expect((failure as Failure).exitCode).toBe(Exit.usage);
    expect((failure as Failure).message).toBe(
      "no name for http://localhost:8787: give --name NAME (it is remembered)",
    );
  });

  it("remembers a given name for that server only, and uses it next time", () => {
    expect(resolveName(ctx, here, "ann")).toBe("ann");
    expect(resolveName(ctx, parseTarget("http://localhost:8787/r/other"))).toBe("ann");
    expect(() => resolveName(ctx, there)).toThrow(Failure);
    expect(resolveName(ctx, here, "bob")).toBe("bob");
    expect(new NameMemory(ctx.folders).get("http://localhost:8787")).toBe("bob");
  });
});
