// Issue 16, the terminal client and the page in one encrypted room, against
// a live `wrangler dev`: the page makes the room with "New encrypted room"
// and its link (with #k=) goes to the terminal client (dist-cli/roomchat.js,
// run here with its own temp folders, as test/terminal/lib/cli.ts runs it;
// that module belongs to the cli TypeScript project, not this one), which sends into
// the room and exports it; each reads the other's texts, and the server's
// history holds only ciphertext. The terminal client runs from this
// repository's own build: the independent check docs/security.md speaks of.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, expect, it } from "vitest";
import {
  browserSuite,
  button,
  composer,
  log,
  pageProblems,
  SEE_WITHIN,
  seeConnected,
} from "./helpers";

const suite = browserSuite();
const { newPerson, people } = suite;
const CLI = resolve(import.meta.dirname, "../../dist-cli/roomchat.js");
const folders: string[] = [];

/** Runs `roomchat args…` to its end with its own config and data folders; killed after 90 s. */
function run(
  home: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: {
      ...process.env,
      XDG_CONFIG_HOME: join(home, "config"),
      XDG_DATA_HOME: join(home, "data"),
      NO_COLOR: "1",
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdin.end();
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
  return new Promise((done) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    }),
  );
}

afterEach(() => {
  expect(pageProblems(people)).toEqual([]);
});
afterAll(() => {
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
});

it("the terminal client and the page read each other in an encrypted room", async () => {
  const tag = randomBytes(4).toString("hex");
  const fromPage = `from-the-page-${tag}`;
  const fromTerminal = `from-the-terminal-${tag}`;

  const ada = await newPerson();
  await ada.page.goto("/");
  await ada.page.getByRole("textbox", { name: "Your name", exact: true }).fill("Ada");
  await button(ada.page, "New encrypted room").click();
  await seeConnected(ada.page);
  const link = await ada.page.getByRole("textbox", { name: "Room link" }).first().inputValue();
  expect(link).toMatch(/#k=[\w-]{43}$/);
  const room = decodeURIComponent(new URL(link).pathname.slice(3));

  await composer(ada.page).fill(fromPage);
  await composer(ada.page).press("Enter");
  await log(ada.page).getByText(fromPage).waitFor({ timeout: SEE_WITHIN });

  const term = mkdtempSync(join(tmpdir(), "roomchat-e2ee-cli-"));
  folders.push(term);
  const sent = await run(term, ["send", link, "--name", "Tess", fromTerminal]);
  expect(sent.code, sent.stderr).toBe(0);
  // The page decrypts what the terminal sent.
  await log(ada.page).getByText(fromTerminal).waitFor({ timeout: SEE_WITHIN });
  // The terminal decrypts what the page sent.
  const exported = await run(term, ["export", link]);
  expect(exported.code, exported.stderr).toBe(0);
  expect(exported.stdout).toContain(fromPage);
  expect(exported.stdout).toContain(fromTerminal);
  // The server keeps neither text.
  const history = await (await fetch(`${suite.server.url}/api/rooms/${room}/messages`)).text();
  expect(history).toContain("e1.");
  expect(history).not.toContain(fromPage);
  expect(history).not.toContain(fromTerminal);
});
