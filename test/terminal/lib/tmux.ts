// The full screen in a real terminal, for the tmux tests: a private tmux
// server (its own socket, so that a user's tmux is never touched), a pane
// per running client at a fixed size, keys sent with send-keys as a person
// types them, and the screen read with capture-pane, polled until the
// expected text is there (generous deadlines, no timing thresholds).
import { execFileSync } from "node:child_process";
import { CLI, type CliUser } from "./cli";

export interface Pane {
  /** The screen as text. */
  screen(): string;
  /** The screen with its colours and attributes as SGR escapes (capture-pane -e). */
  screenWithStyles(): string;
  /** Keys by tmux's names: Enter, M-Enter, C-j, Up, Tab, PPage, NPage, C-c, … */
  keys(...keys: string[]): void;
  /** Text typed as it is (send-keys -l). */
  type(text: string): void;
  /** Resolves with the screen once `test` holds; rejects with the screen after `timeoutMs`. */
  see(test: (screen: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
}

export interface TmuxServer {
  /** A window of `cols` x `rows` running `command` in a shell. */
  open(session: string, command: string, size?: { cols: number; rows: number }): Pane;
  dispose(): void;
}

export function tmuxServer(socket: string): TmuxServer {
  const tmux = (...args: string[]) =>
    execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
  return {
    open(session, command, size = { cols: 120, rows: 40 }) {
      tmux(
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        String(size.cols),
        "-y",
        String(size.rows),
        command,
      );
      const screen = () => tmux("capture-pane", "-p", "-t", session);
      return {
        screen,
        screenWithStyles: () => tmux("capture-pane", "-p", "-e", "-t", session),
        keys: (...keys) => {
          tmux("send-keys", "-t", session, ...keys);
        },
        type: (text) => {
          tmux("send-keys", "-t", session, "-l", text);
        },
        async see(test, what, timeoutMs = 60_000) {
          const until = Date.now() + timeoutMs;
          for (;;) {
            const s = screen();
            if (test(s)) return s;
            if (Date.now() > until) throw new Error(`never saw ${what}:\n${s}`);
            await new Promise((r) => setTimeout(r, 200));
          }
        },
      };
    },
    dispose() {
      try {
        tmux("kill-server");
      } catch {
        // Already gone.
      }
    },
  };
}

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/**
 * The shell command that runs `roomchat args…` for `user` with a clean
 * environment (`env -i`), as a user's shell would: PATH, HOME, the user's
 * XDG folders, TERM and `extra` (no NO_COLOR). When it ends, the pane shows
 * `EXIT=<code>` and stays open.
 */
export function chatCommand(
  user: CliUser,
  args: string[],
  extra: Record<string, string> = {},
): string {
  const vars = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    XDG_CONFIG_HOME: user.config,
    XDG_DATA_HOME: user.data,
    TERM: "xterm-256color",
    ...extra,
  };
  const env = Object.entries(vars).map(([k, v]) => quote(`${k}=${v}`));
  const run = [process.execPath, CLI, ...args].map(quote).join(" ");
  return `env -i ${env.join(" ")} ${run}; echo EXIT=$?; sleep 600`;
}
