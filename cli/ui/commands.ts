// The full-screen client's slash commands: parsing a typed line into a
// command (pure, unit-tested in test/cli/ui-commands.test.ts), Tab completion
// of `/commands` and `@names`, and the list /help prints. Running a command
// against the client core is run.tsx's job; this module touches nothing.

export const COMMANDS: [string, string][] = [
  ["/help", "list the commands"],
  ["/quit", "leave the room (also quit() and Ctrl+C twice)"],
  ["/reply N text", "answer message N"],
  ["/edit N text", "replace the text of your message N"],
  ["/delete N", "delete your message N"],
  ["/react N 👍", "add (or remove) a reaction on message N"],
  ["/me text", "an action: * name text"],
  ["/share", "the room's link and a QR code of it"],
  ["/kick NAME", "owner: end someone's session"],
  ["/ban NAME [1h|1d|7d]", "owner: ban someone's address"],
  ["/mute NAME [10m|1h|forever]", "owner: mute someone"],
  ["/topic text", "owner: set the topic"],
  ["/slow off|5s|30s|2m", "owner: slow mode"],
  ["/lock on|off", "owner: take no new sessions"],
];

export type Command =
  | { kind: "send"; text: string }
  | { kind: "quit" }
  | { kind: "help" }
  | { kind: "share" }
  | { kind: "reply"; n: number; text: string }
  | { kind: "edit"; n: number; text: string }
  | { kind: "delete"; n: number }
  | { kind: "react"; n: number; emoji: string }
  | { kind: "kick"; name: string }
  | { kind: "ban"; name: string; minutes?: number }
  | { kind: "mute"; name: string; minutes: number }
  | { kind: "topic"; text: string }
  | { kind: "slow"; ms: number }
  | { kind: "lock"; on: boolean }
  | { kind: "error"; message: string };

const BAN: Record<string, number> = { "1h": 60, "1d": 1440, "7d": 10080 };
const MUTE: Record<string, number> = { "10m": 10, "1h": 60, forever: 10080 };
const SLOW: Record<string, number> = { off: 0, "5s": 5000, "30s": 30000, "2m": 120000 };

/** What a line typed in the input box asks for. */
export function parseCommand(line: string): Command {
  const text = line.trim();
  if (text === "quit()" || text === "/quit") return { kind: "quit" };
  if (!text.startsWith("/") || text.startsWith("//")) {
    return { kind: "send", text: text.startsWith("//") ? line.trim().slice(1) : line };
  }
  const m = /^\/(\S+)\s*([\s\S]*)$/.exec(text);
  const cmd = m?.[1] ?? "";
  const rest = m?.[2] ?? "";
  const num = /^(\d+)\s*([\s\S]*)$/.exec(rest);
  const n = num ? Number(num[1]) : Number.NaN;
  const after = num?.[2] ?? "";
  const words = rest.split(/\s+/).filter(Boolean);
  switch (cmd) {
    case "help":
      return { kind: "help" };
    case "share":
      return { kind: "share" };
    case "me":
      return rest
        ? { kind: "send", text: `/me ${rest}` }
        : { kind: "error", message: "Usage: /me text" };
    case "reply":
    case "edit":
      if (!num || !after) return { kind: "error", message: `Usage: /${cmd} N text` };
      return { kind: cmd, n, text: after };
    case "delete":
      if (!num || after) return { kind: "error", message: "Usage: /delete N" };
      return { kind: "delete", n };
    case "react":
      if (!num || !after) return { kind: "error", message: "Usage: /react N emoji" };
      return { kind: "react", n, emoji: after.trim() };
    case "kick":
      if (words.length !== 1) return { kind: "error", message: "Usage: /kick NAME" };
      return { kind: "kick", name: stripAt(words[0] as string) };
    case "ban": {
      const d = words[1];
      if (words.length < 1 || words.length > 2 || (d !== undefined && !(d in BAN))) {
        return { kind: "error", message: "Usage: /ban NAME [1h|1d|7d]" };
      }
      const c: Command = { kind: "ban", name: stripAt(words[0] as string) };
      if (d !== undefined) c.minutes = BAN[d];
      return c;
    }
    case "mute": {
      const d = words[1] ?? "10m";
      if (words.length < 1 || words.length > 2 || !(d in MUTE)) {
        return { kind: "error", message: "Usage: /mute NAME [10m|1h|forever]" };
      }
      return { kind: "mute", name: stripAt(words[0] as string), minutes: MUTE[d] as number };
    }
    case "topic":
      return { kind: "topic", text: rest };
    case "slow":
      if (words.length !== 1 || !((words[0] as string) in SLOW)) {
        return { kind: "error", message: "Usage: /slow off|5s|30s|2m" };
      }
      return { kind: "slow", ms: SLOW[words[0] as string] as number };
    case "lock":
      if (words[0] !== "on" && words[0] !== "off")
        return { kind: "error", message: "Usage: /lock on|off" };
      return { kind: "lock", on: words[0] === "on" };
    default:
      return { kind: "error", message: `Unknown command /${cmd} (/help lists them)` };
  }
}

function stripAt(name: string): string {
  return name.startsWith("@") ? name.slice(1) : name;
}

/**
 * Tab completion of the word before the cursor (the end of the input): a
 * `/command` at the start, or an `@name`. Returns the completed input, or
 * null when nothing (or more than one thing) matches.
 */
export function complete(input: string, names: string[]): string | null {
  const cmd = /^\/(\S*)$/.exec(input);
  if (cmd) {
    const found = COMMANDS.map(([c]) => (c.split(" ")[0] as string).slice(1)).filter((c) =>
      c.startsWith(cmd[1] as string),
    );
    return found.length === 1 ? `/${found[0]} ` : null;
  }
  const at = /(^|\s)@(\S*)$/.exec(input);
  if (at) {
    const prefix = (at[2] as string).toLowerCase();
    const found = [...new Set(names)].filter((n) => n.toLowerCase().startsWith(prefix));
    if (found.length !== 1) return null;
    return `${input.slice(0, input.length - (at[2] as string).length)}${found[0]} `;
  }
  return null;
}

/** Browsing what was sent with ↑/↓: `at` is an index into `sent` (sent.length = the draft). */
export function browse(sent: string[], at: number, dir: -1 | 1): number {
  return Math.max(0, Math.min(sent.length, at + dir));
}

/** A key of the input box that may come inside a chunk of typed text. */
export type TypedKey = "enter" | "newline" | "send" | "clear" | "backspace" | "tab" | "interrupt";

export type Typed = { kind: "text"; text: string } | { kind: "key"; key: TypedKey };

const TYPED_KEYS: Record<string, TypedKey> = {
  "\r": "enter",
  "\n": "newline",
  "\x13": "send",
  "\x0c": "clear",
  "\x7f": "backspace",
  "\b": "backspace",
  "\t": "tab",
  "\x03": "interrupt",
};

/**
 * A chunk of typed input, as Ink hands it over, split into text and the
 * keys inside it, in order. Ink splits escape sequences (arrows, PgUp,
 * Alt+…) into their own chunks but not control characters: a paste, or keys
 * typed faster than the screen redraws (tmux's send-keys, a busy render)
 * arrive as one chunk such as `"abc\x7f\x0cnew\r"`. `\r\n` is one Enter;
 * other control characters are dropped.
 */
export function splitTyped(chunk: string): Typed[] {
  const out: Typed[] = [];
  let text = "";
  for (const c of chunk.replace(/\r\n/g, "\r")) {
    const key = TYPED_KEYS[c];
    if (key === undefined && c >= " ") {
      text += c;
      continue;
    }
    if (text) out.push({ kind: "text", text });
    text = "";
    if (key) out.push({ kind: "key", key });
  }
  if (text) out.push({ kind: "text", text });
  return out;
}
