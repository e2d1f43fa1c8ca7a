// The full-screen terminal client (issue 15, point 2), in Ink: the log
// filling the screen (cli/ui/lines.ts lays it out), the online table on the
// right (folded away under 80 columns), the input box at the bottom and a
// status line. Everything goes through the client core (client/room.ts):
// this file subscribes to its signals with `effect` and calls its actions.
// Pure parts (commands, completion, layout, wrapping) live beside it.
import { effect } from "@preact/signals-core";
import { Box, render, Text, useInput, useStdout } from "ink";
import { useEffect, useReducer, useRef, useState } from "react";
import { encode } from "uqr";
import type { RoomApi } from "../../client/room";
import { type Folders, type NameMemory, nodeDeps, openRoom, type Target } from "../context";
import { browse, COMMANDS, complete, parseCommand, splitTyped, type Typed } from "./commands";
import { type Anchor, layoutLog, pageView, viewEnd } from "./lines";
import { graphemes, pad, truncate } from "./width";

const TABLE = 24;

function useSignals(room: RoomApi): void {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(
    () =>
      effect(() => {
        void room.log.value;
        void room.users.value;
        void room.pending.value;
        void room.status.value;
        void room.unread.value;
        void room.ended.value;
        void room.notice.value;
        void room.nameError.value;
        bump();
      }),
    [room],
  );
  useEffect(() => {
    const t = setInterval(bump, 1000);
    return () => clearInterval(t);
  }, []);
}

function statusText(room: RoomApi, roomName: string, scrolled: boolean): string {
  const now = Date.now();
  const s = room.status.value;
  let conn: string = room.connected.value ? "connected" : "connecting";
  if (s === "waiting")
    conn = `reconnecting in ${Math.max(0, Math.ceil((room.retryAt.value - now) / 1000))} s`;
  if (room.nameError.value)
    conn = `${room.nameError.value === "name_taken" ? "that name is taken here" : "that name is not allowed"}: type another and press Enter`;
  if (room.ended.value) conn = `offline (${room.ended.value})`;
  const parts = [`#${roomName}`, conn];
  if (scrolled) parts.push(`${room.unread.value} unread`);
  const rate = room.rateUntil.value - now;
  if (rate > 0) parts.push(`wait ${Math.ceil(rate / 1000)} s`);
  const slow = room.slowUntil.value - now;
  if (slow > 0) parts.push(`slow mode: ${Math.ceil(slow / 1000)} s`);
  return parts.join(" · ");
}

function Chat({
  room,
  target,
  onQuit,
  onName,
}: {
  room: RoomApi;
  target: Target;
  onQuit: () => void;
  /** A name the user chose here after the room refused theirs: remembered for the next run. */
  onName: (name: string) => void;
}) {
  useSignals(room);
  const { stdout } = useStdout();
  const cols = stdout.columns || 80;
  const rows = stdout.rows || 24;
  const [input, setInputState] = useState("");
  // Keys can come faster than React re-renders (a paste, tmux's send-keys):
  // the handler reads the draft from a ref, never from a stale render.
  const draftRef = useRef("");
  const setInput = (next: string | ((s: string) => string)) => {
    draftRef.current = typeof next === "function" ? next(draftRef.current) : next;
    setInputState(draftRef.current);
  };
  // What was sent, for ↑/↓: `at` indexes `sent`, `sent.length` being the
  // draft that was being typed (kept in `draft` while browsing).
  const history = useRef({ sent: [] as string[], at: 0, draft: "" });
  // Scrolled up (PgUp), the view is held by an anchor on its last line, so
  // that messages arriving below do not move it; null follows the bottom.
  const [anchor, setAnchorState] = useState<Anchor | null>(null);
  const anchorRef = useRef<Anchor | null>(null);
  const setAnchor = (a: Anchor | null) => {
    anchorRef.current = a;
    setAnchorState(a);
  };
  const lastEnd = useRef(0);
  const [info, setInfo] = useState<string[]>([]);
  const ctrlC = useRef(0);
  const wide = cols >= 80;
  const logWidth = wide ? cols - TABLE - 1 : cols;
  const inputLines = input.split("\n");
  const logHeight = Math.max(3, rows - 2 - inputLines.length - 2 - info.length);
  const layout = layoutLog(room.log.value, room.pending.value, logWidth);
  const end = viewEnd(layout.lines, logHeight, anchorRef.current, lastEnd.current);
  lastEnd.current = end;
  const shown = layout.lines.slice(Math.max(0, end - logHeight), end);
  // The newest layout, for keys that come before the next render.
  const view = useRef({ lines: layout.lines, height: logHeight });
  view.current = { lines: layout.lines, height: logHeight };

  // Scrolled up, the user is not reading what arrives: the client core then
  // counts it as unread (as for a hidden page; its reconnect backoff is the
  // hidden page's, too), and the status line shows the count. Back at the
  // bottom, the count clears.
  const scrolled = anchor !== null;
  const wasScrolled = useRef(false);
  useEffect(() => {
    if (scrolled === wasScrolled.current) return;
    wasScrolled.current = scrolled;
    room.setVisible(!scrolled);
  }, [room, scrolled]);

  // The room refused the name (taken, or not allowed): the input box asks
  // for another, in place, and the chat goes on under it once it is welcome.
  const askingName = room.nameError.value !== null;

  const run = (line: string) => {
    if (askingName) {
      const name = line.trim();
      if (room.join(name)) onName(name);
      return;
    }
    const c = parseCommand(line);
    const seqOf = (n: number) => layout.numbers.get(n);
    const refused = (what: string, r: { ok: boolean; reason?: string }) =>
      setInfo(r.ok ? [] : [`${what} refused: ${r.reason}`]);
    const userId = (name: string) => room.users.value.find((u) => u.name === name)?.id;
    switch (c.kind) {
      case "quit":
        room.leave();
        onQuit();
        return;
      case "send":
        if (c.text.trim()) room.send(c.text);
        setInfo([]);
        return;
      case "help":
        setInfo(COMMANDS.map(([a, b]) => `${a.padEnd(28)} ${b}`));
        return;
      case "share": {
        setInfo(shareLines(target));
        return;
      }
      case "reply": {
        const seq = seqOf(c.n);
        if (seq === undefined) return setInfo([`No message ${c.n}`]);
        room.send(c.text, { replyTo: seq });
        return setInfo([]);
      }
      case "edit": {
        const seq = seqOf(c.n);
        if (seq === undefined) return setInfo([`No message ${c.n}`]);
        return refused("Edit", room.edit(seq, c.text));
      }
      case "delete": {
        const seq = seqOf(c.n);
        if (seq === undefined) return setInfo([`No message ${c.n}`]);
        return refused("Delete", room.deleteMessage(seq));
      }
      case "react": {
        const seq = seqOf(c.n);
        if (seq === undefined) return setInfo([`No message ${c.n}`]);
        const mine = room.you.value?.id;
        const had = room
          .message(seq)
          ?.reactions?.find((r) => r.emoji === c.emoji)
          ?.users.includes(mine ?? "");
        return refused("Reaction", room.react(seq, c.emoji, !had));
      }
      case "kick":
      case "ban":
      case "mute": {
        const id = userId(c.name);
        if (!id) return setInfo([`No one named ${c.name} is here`]);
        const ok =
          c.kind === "kick"
            ? room.kick(id)
            : c.kind === "ban"
              ? room.ban(id, c.minutes)
              : room.mute(id, c.minutes);
        return setInfo(
          ok ? [] : [`/${c.kind} refused (owners only, not yourself or another owner)`],
        );
      }
      case "topic":
      case "slow":
      case "lock": {
        const patch =
          c.kind === "topic"
            ? { topic: c.text }
            : c.kind === "slow"
              ? { slowMs: c.ms }
              : { locked: c.on };
        return setInfo(room.updateSettings(patch) ? [] : [`/${c.kind} refused (owners only)`]);
      }
      case "error":
        return setInfo([c.message]);
    }
  };

  const submit = (line: string) => {
    if (askingName) return run(line);
    const h = history.current;
    h.sent.push(line);
    h.at = h.sent.length;
    h.draft = "";
    setAnchor(null);
    run(line);
  };

  const typed = (t: Typed) => {
    if (t.kind === "text") {
      setInput((s) => s + t.text);
      if (!askingName) room.typing();
      return;
    }
    switch (t.key) {
      case "interrupt":
        ctrlC.current += 1;
        if (ctrlC.current >= 2) {
          room.leave();
          onQuit();
        } else setInfo(["Press Ctrl+C again to leave"]);
        return;
      case "newline":
        setInput((s) => `${s}\n`);
        return;
      case "enter":
      case "send":
        if (draftRef.current.trim()) submit(draftRef.current);
        setInput("");
        return;
      case "clear":
        setInput("");
        setInfo([]);
        return;
      case "backspace":
        setInput((s) => graphemes(s).slice(0, -1).join(""));
        return;
      case "tab": {
        const done = complete(
          draftRef.current,
          room.users.value.map((u) => u.name),
        );
        if (done) setInput(done);
        return;
      }
    }
  };

  const page = (dir: -1 | 1) => {
    const { lines, height } = view.current;
    const next = pageView(lines, height, lastEnd.current, dir);
    lastEnd.current = next.end;
    setAnchor(next.anchor);
    if (dir < 0 && next.atTop && room.hasMore.value) void room.loadOlder();
  };

  useInput((ch, key) => {
    const interrupt = key.ctrl && ch === "c";
    // Any other key in between makes the next Ctrl+C a first one again.
    if (!interrupt && !ch.includes("\x03")) ctrlC.current = 0;
    if (interrupt) return typed({ kind: "key", key: "interrupt" });
    if ((key.return && key.meta) || (key.ctrl && ch === "j"))
      return typed({ kind: "key", key: "newline" });
    if (key.return) return typed({ kind: "key", key: "enter" });
    if (key.ctrl && ch === "s") return typed({ kind: "key", key: "send" });
    if (key.ctrl && ch === "l") return typed({ kind: "key", key: "clear" });
    if (key.tab) return typed({ kind: "key", key: "tab" });
    if (key.backspace || key.delete) return typed({ kind: "key", key: "backspace" });
    if (key.upArrow || key.downArrow) {
      const h = history.current;
      if (h.at === h.sent.length) h.draft = draftRef.current;
      h.at = browse(h.sent, h.at, key.upArrow ? -1 : 1);
      setInput(h.sent[h.at] ?? h.draft);
      return;
    }
    if (key.pageUp || key.pageDown) return page(key.pageUp ? -1 : 1);
    if (key.escape || key.ctrl || key.meta) return;
    // Text, or several keys in one chunk (a paste, keys faster than a redraw).
    for (const t of splitTyped(ch)) typed(t);
  });

  const users = room.users.value;
  const youId = room.you.value?.id;
  return (
    <Box flexDirection="column" width={cols} height={rows}>
      <Box flexDirection="row" height={logHeight}>
        <Box flexDirection="column" width={logWidth}>
          {shown.map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: screen rows are positions
            <Text key={i} color={l.color} dimColor={l.dim} bold={l.bold} wrap="truncate">
              {l.text || " "}
            </Text>
          ))}
        </Box>
        {wide && (
          <Box
            flexDirection="column"
            width={TABLE}
            borderStyle="single"
            borderTop={false}
            borderBottom={false}
            borderRight={false}
            paddingLeft={1}
          >
            <Text bold>Online ({users.length})</Text>
            {users.map((u) => (
              <Text
                key={u.id}
                color={u.id === youId ? "green" : undefined}
                dimColor={u.away}
                wrap="truncate"
              >
                {truncate(
                  `${u.role === "owner" ? "★" : " "}${u.name}${u.trip ? ` ◆${u.trip}` : ""} ${u.tag}${u.away ? " away" : ""}`,
                  TABLE - 2,
                )}
              </Text>
            ))}
          </Box>
        )}
      </Box>
      {info.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines of one notice
        <Text key={i} color="yellow" wrap="truncate">
          {l || " "}
        </Text>
      ))}
      <Text inverse wrap="truncate">
        {pad(statusText(room, target.room, scrolled), cols)}
      </Text>
      <Box borderStyle="round" flexDirection="column" width={cols}>
        {inputLines.map((l, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines of the draft
          <Text key={i} wrap="truncate-start">
            {i > 0 ? "  " : askingName ? "Your name: " : "> "}
            {l}
            {i === inputLines.length - 1 ? "█" : ""}
          </Text>
        ))}
      </Box>
    </Box>
  );
}

function shareLines(target: Target): string[] {
  const url = target.url;
  const lines = [url];
  try {
    // uqr is the page's QR library (web/ui/Qr.tsx); drawn with half blocks, two rows a line.
    const data = encode(url, { border: 1 }).data;
    for (let y = 0; y < data.length; y += 2) {
      let s = "";
      for (let x = 0; x < (data[y] as boolean[]).length; x++) {
        const top = data[y]?.[x];
        const bottom = data[y + 1]?.[x];
        s += top && bottom ? " " : top ? "▄" : bottom ? "▀" : "█";
      }
      lines.push(s);
    }
  } catch {
    lines.push("(no QR code)");
  }
  return lines;
}

function NamePrompt({ onName }: { onName: (n: string) => void }) {
  const [name, setName] = useState("");
  // Read from a ref: "ada" and Enter may come before a re-render, or in one chunk.
  const nameRef = useRef("");
  const set = (next: string) => {
    nameRef.current = next;
    setName(next);
  };
  useInput((ch, key) => {
    if (key.ctrl && ch === "c") process.exit(0);
    const typed: Typed[] = key.return
      ? [{ kind: "key", key: "enter" }]
      : key.backspace || key.delete
        ? [{ kind: "key", key: "backspace" }]
        : key.ctrl || key.meta
          ? []
          : splitTyped(ch);
    for (const t of typed) {
      if (t.kind === "text") set(nameRef.current + t.text);
      else if (t.key === "backspace") set(graphemes(nameRef.current).slice(0, -1).join(""));
      else if (t.key === "interrupt") process.exit(0);
      else if (t.key === "enter" && nameRef.current.trim()) return onName(nameRef.current.trim());
    }
  });
  return (
    <Box borderStyle="round">
      <Text>Your name: {name}█</Text>
    </Box>
  );
}

function askName(): Promise<string> {
  return new Promise((resolve) => {
    const app = render(
      <NamePrompt
        onName={(n) => {
          // The prompt goes, so that the shell's screen does not keep it after the chat.
          app.clear();
          app.unmount();
          resolve(n);
        }}
      />,
    );
  });
}

export async function runChat(o: {
  target: Target;
  name: string | null;
  names: NameMemory;
  folders: Folders;
}): Promise<number> {
  const name = o.name ?? o.names.get(o.target.base) ?? (await askName());
  o.names.set(o.target.base, name);
  const room = openRoom(nodeDeps(o.folders, o.target.base), o.target, name);
  room.start();
  // The alternate screen keeps the shell's scrollback as it was.
  process.stdout.write("\x1b[?1049h\x1b[H");
  return await new Promise<number>((resolve) => {
    let app: ReturnType<typeof render> | null = null;
    const quit = () => {
      setTimeout(() => {
        app?.unmount();
        room.close();
        process.stdout.write("\x1b[?1049l");
        resolve(0);
      }, 300);
    };
    app = render(
      <Chat
        room={room}
        target={o.target}
        onQuit={quit}
        onName={(n) => o.names.set(o.target.base, n)}
      />,
      { exitOnCtrlC: false },
    );
  });
}
