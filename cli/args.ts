// The `roomchat` command line, read with node:util's parseArgs into one
// Command: the full screen (a room link), `send`, `tail`, `export`, `new`,
// `--help` or `--version`. Pure: it reads only the arguments and the
// environment it is given, so that the unit tests pin every form and every
// mistake (a UsageError, exit code 2). Which name to use is decided later
// (cli/commands/common.ts), where the remembered names are.
import { parseArgs } from "node:util";
import { normalizeUserName } from "../protocol";
import { parseTarget, type Target, UsageError } from "./context";

export type Command =
  | { kind: "help" }
  | { kind: "version" }
  /** The full screen on a room; `name` when given with --name. */
  | { kind: "chat"; target: Target; name?: string }
  /** `text`: the message from the arguments, or null to read standard input. */
  | { kind: "send"; target: Target; name?: string; text: string | null }
  | { kind: "tail"; target: Target; name?: string; json: boolean }
  /** Reads over HTTP without joining: a name given is only remembered. */
  | { kind: "export"; target: Target; name?: string; json: boolean }
  | { kind: "new"; server: string; e2ee: boolean };

export const SUBCOMMANDS = ["send", "tail", "export", "new"] as const;

export const USAGE = `Usage:
  roomchat <room link> [--name NAME]      chat in the full screen
  roomchat send <room link> [text…]       send one message (or one per line of standard input)
  roomchat tail <room link> [--json]      print messages as they come, until Ctrl+C
  roomchat export <room link> [--json]    print the room's whole retained history
  roomchat new [--e2ee] --server URL      make a private room; print its link and owner key
  roomchat --help | --version

A room link looks like http://localhost:8787/r/lobby; a bare room name works
with --server URL (or ROOMCHAT_SERVER). --name NAME is remembered for that
server; send and tail need a name, given once or remembered.

tail prints each message posted after it joined once, also across reconnects:
the header "name YYYY-MM-DD HH:MM:SS" (local time), then the text. A later edit
of a printed message repeats its header with " (edited)" and the new text; a
deletion with " (deleted)" and the text "(deleted)"; reactions are not shown.
With --json, one protocol Message per line, and again (same seq, higher rev)
whenever it changes. export prints the same way and needs no name (it reads
the history over HTTP without joining). send and tail join under the name: a
tail running as NAME makes a send as NAME fail with name_taken.

Exit codes: 0 done, 1 refused or failed (the error code is printed),
2 usage mistake, 3 server unreachable (retried for 30 s; ROOMCHAT_CONNECT_TIMEOUT_MS
changes that bound), 4 the room refused to let you in (name taken, room full…),
130 interrupted (send).`;

const OPTIONS = {
  name: { type: "string" },
  server: { type: "string" },
  json: { type: "boolean" },
  e2ee: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const;

/** The options each form takes (besides --help and --version). */
const ALLOWED: Record<Command["kind"], readonly string[]> = {
  help: [],
  version: [],
  chat: ["name", "server"],
  send: ["name", "server"],
  tail: ["name", "server", "json"],
  export: ["name", "server", "json"],
  new: ["server", "e2ee"],
};

function read(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    // parseArgs' own sentences are long; an unknown option is the usual mistake.
    const e = err as Error & { code?: string };
    const option = /'(-[^']*)'/.exec(e.message)?.[1];
    if (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option)
      throw new UsageError(`unknown option ${option} (text that starts with - goes after --)`);
    throw new UsageError(e.message.split("\n")[0] ?? "bad arguments");
  }
}

function checkedName(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const checked = normalizeUserName(raw);
  if (!checked.ok) throw new UsageError(`not a valid name: ${checked.error}`);
  return checked.value;
}

/** Reads the command line (without `node` and the script). */
export function parseCommand(
  argv: string[],
  env: Record<string, string | undefined> = {},
): Command {
  const { values, positionals } = read(argv);
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };
  const [first, ...rest] = positionals;
  if (first === undefined) throw new UsageError("give a room link, or a command");
  const sub = (SUBCOMMANDS as readonly string[]).includes(first)
    ? (first as (typeof SUBCOMMANDS)[number])
    : null;
  const kind: Command["kind"] = sub ?? "chat";
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && !ALLOWED[kind].includes(key))
      throw new UsageError(`--${key} does not go with ${sub ?? "a room link"}`);
  }
  const server = values.server ?? env.ROOMCHAT_SERVER;
  const name = checkedName(values.name);

  if (kind === "new") {
    if (rest.length) throw new UsageError(`new takes no arguments, got: ${rest.join(" ")}`);
    if (!server) throw new UsageError("new needs --server URL (or ROOMCHAT_SERVER)");
    // The same check as a room link's, so that a bad server is a usage mistake.
    const base = parseTarget("lobby", server).base;
    return { kind: "new", server: base, e2ee: values.e2ee ?? false };
  }

  const where = sub ? rest : positionals;
  const [link, ...words] = where;
  if (link === undefined) throw new UsageError(`${sub} needs a room link`);
  // A server given beside a full link would be ignored, which hides a mistake.
  if (values.server !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(link))
    throw new UsageError("--server goes with a bare room name, not with a link");
  const target = parseTarget(link, server);
  const named = name === undefined ? {} : { name };

  switch (kind) {
    case "chat":
      if (words.length) throw new UsageError(`unexpected arguments: ${words.join(" ")}`);
      return { kind, target, ...named };
    case "send":
      return { kind, target, ...named, text: words.length ? words.join(" ") : null };
    case "tail":
    case "export":
      if (words.length) throw new UsageError(`unexpected arguments: ${words.join(" ")}`);
      return { kind, target, ...named, json: values.json ?? false };
  }
  throw new UsageError("unknown command");
}

/** The bound on reaching a server: 30 s, or ROOMCHAT_CONNECT_TIMEOUT_MS (for tests). */
export function connectTimeoutMs(env: Record<string, string | undefined>): number {
  const raw = env.ROOMCHAT_CONNECT_TIMEOUT_MS;
  const ms = raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, 600_000) : 30_000;
}
