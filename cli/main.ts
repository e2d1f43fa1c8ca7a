// The `roomchat` command: reads the arguments (cli/args.ts) and runs one of
// the terminal client's commands: the full screen (cli/ui/run.tsx, loaded
// only for that form) or a scripting command (cli/commands/). Every failure
// ends here as one line on standard error, `roomchat: <message>`, and an
// exit code (cli/commands/common.ts: Exit); never a stack trace.
import { readFileSync } from "node:fs";
import { connectTimeoutMs, parseCommand, USAGE } from "./args";
import { type CommandContext, Exit, Failure, resolveName } from "./commands/common";
import { runExport } from "./commands/export";
import { runNew } from "./commands/new";
import { runSend } from "./commands/send";
import { runTail } from "./commands/tail";
import { defaultFolders, NameMemory, UsageError } from "./context";
import { fullScreenEnv } from "./ui/tty";

/** The version in package.json, found beside the built file (dist-cli/../package.json). */
function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version?: unknown;
    };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}

async function run(argv: string[]): Promise<number> {
  const env = process.env;
  const cmd = parseCommand(argv, env);
  if (cmd.kind === "help") {
    process.stdout.write(`${USAGE}\n`);
    return Exit.ok;
  }
  if (cmd.kind === "version") {
    process.stdout.write(`roomchat ${version()}\n`);
    return Exit.ok;
  }
  const folders = defaultFolders();
  const ctx: CommandContext = {
    folders,
    names: new NameMemory(folders),
    env,
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    connectTimeoutMs: connectTimeoutMs(env),
  };
  switch (cmd.kind) {
    case "chat": {
      // The full screen asks for a name when there is none; a given one is remembered.
      const name =
        cmd.name !== undefined
          ? resolveName(ctx, cmd.target, cmd.name)
          : ctx.names.get(cmd.target.base);
      // Before Ink is loaded: colours in a terminal, also under CI (cli/ui/tty.ts).
      fullScreenEnv(process.env, process.stdout.isTTY === true);
      // Loaded only here (a chunk of its own in the build), so that the
      // scripting commands never start Ink and React.
      const { runChat } = await import("./ui/run");
      return runChat({ target: cmd.target, name, names: ctx.names, folders });
    }
    case "send":
      return runSend(ctx, cmd, process.stdin);
    case "tail":
      return runTail(ctx, cmd);
    case "export":
      return runExport(ctx, cmd);
    case "new":
      return runNew(ctx, cmd);
  }
}

/** One line, whatever went wrong: the message of a known failure, the first line of anything else. */
function failureLine(err: unknown): [string, number] {
  if (err instanceof Failure || err instanceof UsageError) {
    const hint = err instanceof UsageError ? " (roomchat --help)" : "";
    return [`${err.message}${hint}`, err.exitCode];
  }
  const message = err instanceof Error ? err.message : String(err);
  return [message.split("\n")[0] || "unexpected failure", Exit.failed];
}

/** Exits once standard output and standard error have been written out. */
function exit(code: number): void {
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

// A reader that goes away (`roomchat tail | head -2`) is not a failure.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(Exit.ok);
});

run(process.argv.slice(2)).then(exit, (err: unknown) => {
  const [line, code] = failureLine(err);
  process.stderr.write(`roomchat: ${line}\n`);
  exit(code);
});
