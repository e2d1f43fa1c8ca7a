// Issue 16, the terminal client and the page in one encrypted room, against
// a live `wrangler dev`: the page makes the room with "New encrypted room"
// and its link (with #k=) goes to the terminal client (dist-cli/roomchat.js,
// run by test/terminal/lib/cli.ts with its own folders), which sends into
// the room and exports it; each reads the other's texts, and the server's
// history holds only ciphertext. The terminal client runs from this
// repository's own build: the independent check docs/security.md speaks of.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, expect, it } from "vitest";
import { type CliUser, cliUser, run } from "../terminal/lib/cli";
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
const users: CliUser[] = [];

afterEach(() => {
  expect(pageProblems(people)).toEqual([]);
});
afterAll(() => {
  for (const u of users.splice(0)) u.dispose();
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

  const term = cliUser();
  users.push(term);
  const sent = await run(term, ["send", link, "--name", "Tess", fromTerminal], {
    timeoutMs: 90_000,
  });
  expect(sent.code, sent.stderr).toBe(0);
  // The page decrypts what the terminal sent.
  await log(ada.page).getByText(fromTerminal).waitFor({ timeout: SEE_WITHIN });
  // The terminal decrypts what the page sent.
  const exported = await run(term, ["export", link], { timeoutMs: 90_000 });
  expect(exported.code, exported.stderr).toBe(0);
  expect(exported.stdout).toContain(fromPage);
  expect(exported.stdout).toContain(fromTerminal);
  // The server keeps neither text.
  const history = await (await fetch(`${suite.server.url}/api/rooms/${room}/messages`)).text();
  expect(history).toContain("e1.");
  expect(history).not.toContain(fromPage);
  expect(history).not.toContain(fromTerminal);
});
