// Running the BUILT terminal client (dist-cli/roomchat.js, `npm run build`
// first) as a user would, for the terminal tests: each "user" has its own
// temporary XDG config and data folders (the remembered names, the kept
// outbox), commands run to their end (`run`) or in the background
// (`spawnCli`, for `tail`), and what the user sees (stdout, stderr, the exit
// code) is what the tests assert. Shared by the scripting tests and the full
// screen's tests.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const CLI = resolve(import.meta.dirname, "../../../dist-cli/roomchat.js");

/** A person at a terminal: their own folders, so that names and outboxes are theirs. */
export interface CliUser {
  config: string;
  data: string;
  /** The environment a command runs with: XDG folders, no colours, and `extra`. */
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  dispose(): void;
}

export function cliUser(): CliUser {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const root = mkdtempSync(join(tmpdir(), "roomchat-cli-"));
  const config = join(root, "config");
  const data = join(root, "data");
  return {
    config,
    data,
    env: (extra = {}) => ({
      ...process.env,
      XDG_CONFIG_HOME: config,
      XDG_DATA_HOME: data,
      NO_COLOR: "1",
      ...extra,
    }),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to standard input, which is then closed (closed at once when absent). */
  input?: string;
  env?: Record<string, string>;
  /** Killed (SIGKILL) after this long, so that a hang fails the test instead of stalling it. */
  timeoutMs?: number;
}

/** Runs `roomchat args…` to its end. */
export function run(user: CliUser, args: string[], o: RunOptions = {}): Promise<CliResult> {
  const child = spawnCli(user, args, o.env);
  child.stdin?.end(o.input ?? "");
  const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 90_000);
  return child.result.finally(() => clearTimeout(timer));
}

/** A running `roomchat`: its output so far, waits on it, and its end. */
export interface CliProcess {
  child: ChildProcess;
  stdin: ChildProcess["stdin"];
  stdout(): string;
  stderr(): string;
  /** Resolves when standard output satisfies `test` (or rejects after `timeoutMs`, with the output). */
  waitFor(test: (stdout: string) => boolean, timeoutMs?: number): Promise<string>;
  result: Promise<CliResult>;
  kill(signal?: NodeJS.Signals): void;
}

export function spawnCli(
  user: CliUser,
  args: string[],
  env: Record<string, string> = {},
): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: user.env(env),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const waiters = new Set<() => void>();
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    out += d;
    for (const w of waiters) w();
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    err += d;
  });
  const result = new Promise<CliResult>((resolveResult) => {
    child.on("close", (code) => {
      for (const w of waiters) w();
      resolveResult({ code, stdout: out, stderr: err });
    });
  });
  return {
    child,
    stdin: child.stdin,
    stdout: () => out,
    stderr: () => err,
    waitFor: (test, timeoutMs = 30_000) =>
      new Promise<string>((res, rej) => {
        const check = () => {
          if (test(out)) {
            done();
            res(out);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            rej(new Error(`roomchat ended (${child.exitCode}) before:\n${out}\n${err}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          rej(new Error(`timed out waiting on roomchat's output:\n${out}\n${err}`));
        }, timeoutMs);
        function done() {
          clearTimeout(timer);
          waiters.delete(check);
        }
        waiters.add(check);
        check();
      }),
    result,
    kill: (signal = "SIGTERM") => {
      child.kill(signal);
    },
  };
}

/** The room link of `room` on a dev server's origin. */
export function roomLink(base: string, room: string): string {
  return `${base}/r/${encodeURIComponent(room)}`;
}
