// Shared pieces of the browser tests: Debian's Chromium driven by
// playwright-core, a live `wrangler dev` and a browser per test file
// (`browserSuite`), one browser context per person, axe-core, and waits
// written as "until the user sees it" (polling what is on screen, never
// fixed sleeps).
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
} from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { type DevServer, type DevServerOptions, startDevServer } from "../lib/wrangler";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** How long a user may wait for something to appear (generous: wrangler dev on 2 cores). */
export const SEE_WITHIN = 30_000;

export async function launch(): Promise<Browser> {
  // wrangler dev serves dist/ as it is: testing a stale or missing page tests nothing.
  if (!existsSync(join(import.meta.dirname, "../../dist/index.html")))
    throw new Error("dist/ has no page: run `npm run build` before `npm run test:e2e`");
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface Person {
  context: BrowserContext;
  page: Page;
  /** Console errors of the page (CSP violations show up here). */
  errors: string[];
}

export async function person(
  browser: Browser,
  origin: string,
  options: {
    locale?: string;
    viewport?: { width: number; height: number };
    colorScheme?: "light" | "dark";
  } = {},
): Promise<Person> {
  const context = await browser.newContext({
    baseURL: origin,
    locale: options.locale ?? "en-US",
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? "light",
  });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  return { context, page, errors };
}

/** A room name no other test uses. */
export function freshRoom(prefix = "e2e"): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

/** Joins `room` from the landing page as `name`. */
export async function joinFromLanding(page: Page, name: string, room: string): Promise<void> {
  await page.goto("/");
  await page.getByRole("textbox", { name: "Your name", exact: true }).fill(name);
  await page.getByRole("textbox", { name: "Room", exact: true }).fill(room);
  await page.getByRole("button", { name: "Join", exact: true }).click();
  await seeConnected(page);
}

export const log = (page: Page) => page.getByRole("log", { name: "Messages" });
export const online = (page: Page) => page.getByRole("list", { name: "Online users" });
export const composer = (page: Page) => page.getByRole("textbox", { name: "Message", exact: true });
export const button = (page: Page, name: string) => page.getByRole("button", { name, exact: true });

/** The log's items (messages and system lines) whose text contains `text`. */
export const items = (page: Page, text: string | RegExp) =>
  log(page).getByRole("listitem").filter({ hasText: text });

export async function seeConnected(page: Page): Promise<void> {
  await page.getByText("Connected", { exact: true }).waitFor({ timeout: SEE_WITHIN });
}

/** Waits until `locator` matches exactly `n` elements. */
export async function seeCount(locator: Locator, n: number, timeout = SEE_WITHIN): Promise<void> {
  await expect.poll(() => locator.count(), { timeout }).toBe(n);
}

/** Waits until the text of `locator` contains `text`. */
export async function seeText(locator: Locator, text: string | RegExp, timeout = SEE_WITHIN) {
  await expect
    .poll(
      async () => ((await locator.count()) ? ((await locator.first().textContent()) ?? "") : ""),
      { timeout },
    )
    .toMatch(
      typeof text === "string" ? new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : text,
    );
}

/** The names in the online list. */
export async function onlineNames(page: Page): Promise<string[]> {
  return online(page).locator(".name").allInnerTexts();
}

export const TIMESTAMP = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/;

/** The WCAG levels and best practices that axe checks the page against. */
export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

/**
 * Runs axe-core in the page and returns its violations, one readable line
 * per element (rule, impact, what is wrong, where). axe is injected with
 * playwright-core, which the page's CSP does not stop (@axe-core/playwright
 * needs Node 22).
 */
export async function axeViolations(page: Page, tags: string[] = AXE_TAGS): Promise<string[]> {
  const { default: axe } = await import("axe-core");
  if (!(await page.evaluate("typeof window.axe !== 'undefined'"))) await page.evaluate(axe.source);
  const result = (await page.evaluate(
    `axe.run(document, { runOnly: { type: "tag", values: ${JSON.stringify(tags)} } })`,
  )) as {
    violations: {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: unknown[]; failureSummary?: string }[];
    }[];
  };
  return result.violations.flatMap((v) =>
    v.nodes.map(
      (n) =>
        `${v.id} (${v.impact ?? "?"}): ${v.help} at ${JSON.stringify(n.target)}` +
        (n.failureSummary ? `\n    ${n.failureSummary.replace(/\n/g, "\n    ")}` : ""),
    ),
  );
}

/**
 * A live `wrangler dev` and a browser for one test file, started before its
 * tests and stopped after them, and the people it opens (each their own
 * browser context), whose console errors the file checks at its end with
 * `pageProblems`.
 */
export interface BrowserSuite {
  readonly server: DevServer;
  readonly browser: Browser;
  readonly people: Person[];
  newPerson(options?: Parameters<typeof person>[2]): Promise<Person>;
}

export function browserSuite(options: DevServerOptions = {}): BrowserSuite {
  let server: DevServer | undefined;
  let browser: Browser | undefined;
  const people: Person[] = [];
  beforeAll(async () => {
    [server, browser] = await Promise.all([startDevServer(options), launch()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });
  const started = <T>(thing: T | undefined, what: string): T => {
    if (thing === undefined) throw new Error(`the ${what} is not started yet`);
    return thing;
  };
  return {
    get server() {
      return started(server, "dev server");
    },
    get browser() {
      return started(browser, "browser");
    },
    people,
    async newPerson(personOptions = {}) {
      const p = await person(
        started(browser, "browser"),
        started(server, "dev server").url,
        personOptions,
      );
      people.push(p);
      return p;
    },
  };
}

/** What the people's pages broke: a rule of the Content Security Policy, or an uncaught error. */
export function pageProblems(people: readonly Person[]): string[] {
  return people
    .flatMap((p) => p.errors)
    .filter((e) => /Content Security Policy|Uncaught|TypeError|ReferenceError/i.test(e));
}
