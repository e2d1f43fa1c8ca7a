// Hostile text, posted through a raw socket and shown in a real Chromium:
// no script runs, no element of the log carries an on* attribute, no link
// goes anywhere but http or https, and every payload is shown as the text
// it is. Names are hostile too, since they are shown in the log and the
// online list.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageFrame } from "../../protocol";
import { openClient } from "../lib/client";
import { type DevServer, startDevServer } from "../lib/wrangler";
import {
  freshRoom,
  joinFromLanding,
  launch,
  log,
  type Person,
  person,
  SEE_WITHIN,
} from "./helpers";

const PAYLOADS = [
  `<script>window.__xss = 1</script>`,
  `<img src=x onerror="window.__xss = 2">`,
  `<svg onload="window.__xss = 3"></svg>`,
  `"><iframe src="javascript:window.__xss = 4"></iframe>`,
  `<a href="javascript:window.__xss = 5">click</a>`,
  `javascript:window.__xss = 6`,
  `JaVaScRiPt:alert(1) and data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==`,
  `vbscript:msgbox(1) file:///etc/passwd ftp://example.com/x`,
  `http://example.com/"onmouseover="window.__xss=7`,
  `https://example.com/<script>window.__xss=8</script>`,
  `<style>*{display:none}</style><b onclick="window.__xss=9">bold?</b>`,
  `&lt;script&gt;window.__xss = 10&lt;/script&gt; &amp; &#x3C;b&#x3E;`,
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection payload, on purpose
  "`${window.__xss = 11}` {{constructor.constructor('window.__xss=12')()}}",
  `<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=13">`,
];

let server: DevServer;
let browser: Browser;
let viewer: Person;

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startDevServer({ vars: { RATE_BURST: 100, RATE_PER_SEC: 100 } }),
    launch(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

describe("hostile text", () => {
  it("is shown as text and never runs or links anywhere but http(s)", async () => {
    const room = freshRoom("xss");
    viewer = await person(browser, server.url);
    await joinFromLanding(viewer.page, "viewer", room);

    const dialogs: string[] = [];
    viewer.page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const attacker = await openClient(server.wsUrl(room));
    attacker.send({ type: "join", name: "<img src=x onerror=alert(1)>" });
    await attacker.next("welcome");
    PAYLOADS.forEach((text, i) => {
      attacker.send({ type: "send", id: `xss-payload-${String(i).padStart(8, "0")}`, text });
    });
    await attacker.next("message", (m: MessageFrame) => m.seq === PAYLOADS.length, SEE_WITHIN);

    // Every payload is on screen, as the text that was sent. (innerText: what
    // is rendered, which is the point; these are playwright locators.)
    const page = viewer.page;
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what the user sees
    const rendered = () => log(page).innerText();
    await expect.poll(rendered, { timeout: SEE_WITHIN }).toContain(PAYLOADS.at(-1)?.slice(0, 20));
    const shown = await rendered();
    // Backticks are a code span's markers (issue 13): the payload between them
    // is shown in a <code>, as text, without them.
    for (const text of PAYLOADS) expect(shown).toContain(text.split("\n")[0]?.replace(/`/g, ""));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the payload, on purpose
    expect(await log(page).locator("code").allTextContents()).toContain("${window.__xss = 11}");

    // Nothing ran, nothing became markup.
    // Runs in the page (a string, since the tests are type-checked without the DOM).
    const found = (await page.evaluate(`(() => {
      const handlers = [];
      for (const el of document.body.querySelectorAll("*")) {
        for (const attr of el.attributes) if (/^on/i.test(attr.name)) handlers.push(el.tagName + "[" + attr.name + "]");
      }
      return {
        ran: window.__xss ?? null,
        handlers,
        scripts: document.body.querySelectorAll("script, iframe, object, embed, style").length,
        images: [...document.body.querySelectorAll("img")].map((i) => i.getAttribute("src")),
        links: [...document.body.querySelectorAll("a[href]")].map((a) => a.href),
      };
    })()`)) as {
      ran: number | null;
      handlers: string[];
      scripts: number;
      images: string[];
      links: string[];
    };
    expect(found.ran).toBeNull();
    expect(dialogs).toEqual([]);
    expect(found.handlers).toEqual([]);
    expect(found.scripts).toBe(0);
    expect(found.images).toEqual([]);
    for (const href of found.links) expect(new URL(href).protocol).toMatch(/^https?:$/);
    // The two http(s) payloads did become links, and only up to where the URL ends.
    expect(found.links.some((h) => h.startsWith("http://example.com/"))).toBe(true);
    expect(viewer.errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
    attacker.close();
  });
});
