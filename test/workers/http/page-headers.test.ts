// Every HTML answer carries the page's security headers: a CSP with
// default-src 'self' and frame-ancestors 'none', X-Content-Type-Options
// nosniff and a Referrer-Policy that keeps room URLs private. The page is
// served at / and at /r/:room (the share link) with status 200; every other
// path outside /api/ that is not a file is a 404 HTML page under the same
// headers (never the page with a 200, which a single-page fallback would
// give). Real files still come from the asset router, with its caching
// headers. Every request goes through the asset router first (edge.ts), as a
// visitor's does.
import { describe, expect, it } from "vitest";
import { edgeFetch } from "./edge";

const SAFE_REFERRER = ["no-referrer", "same-origin", "strict-origin"];

async function expectHtml(path: string, status: number, init?: RequestInit) {
  const res = await edgeFetch(path, init);
  expect(res.status, path).toBe(status);
  expect(res.headers.get("Content-Type"), path).toMatch(/^text\/html/);

  const csp = res.headers.get("Content-Security-Policy") ?? "";
  const directives = new Map(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name?.toLowerCase(), values]),
  );
  expect(directives.get("frame-ancestors"), path).toEqual(["'none'"]);
  expect(directives.get("default-src"), path).toEqual(["'self'"]);

  expect(res.headers.get("X-Content-Type-Options"), path).toBe("nosniff");
  // A private room's URL must not leak through a link clicked in it.
  expect(SAFE_REFERRER, path).toContain(res.headers.get("Referrer-Policy"));
  return res.text();
}

async function expectPage(path: string) {
  const body = await expectHtml(path, 200);
  expect(body).toMatch(/<html/i);
  expect(body).toMatch(/<div id="app">/);
  return body;
}

describe("the page", () => {
  it("GET / is the page with its headers", () => expectPage("/"));

  it("GET /r/SomeRoom is the same page with the same headers", async () => {
    const landing = await expectPage("/");
    const room = await expectPage("/r/SomeRoom");
    expect(room).toBe(landing);
  });

  it("GET /r/<private room> and a Unicode room are the page too", async () => {
    await expectPage(`/r/${"0123456789abcdef".repeat(2)}`);
    await expectPage(`/r/${encodeURIComponent("中文")}`);
  });
});

describe("the 404 page: any other path outside /api/ that is not a file", () => {
  const paths = [
    "/foo",
    "/r",
    "/r/",
    "/r/lobby/",
    "/r/a/b",
    "/api",
    "/apifoo",
    "/assets/missing.js",
    "/assets/",
    "/favicon.svg/x",
    // 404.html is a file in dist/; it must not go out as a 200 of its own.
    "/404",
    "/404.html",
  ];
  for (const path of paths) {
    it(`GET ${path} is a 404 HTML page with the page's headers`, async () => {
      const body = await expectHtml(path, 404);
      expect(body).toMatch(/<html/i);
      // Not the app: a mistyped path must not look like a room.
      expect(body).not.toMatch(/<div id="app">/);
      expect(body).toMatch(/href="\/"/);
    });
  }

  it("HEAD /foo and POST /foo are 404s with the headers too", async () => {
    await expectHtml("/foo", 404, { method: "HEAD" });
    await expectHtml("/foo", 404, { method: "POST" });
  });

  it("the files that are HTML never go out from the router on their own", async () => {
    // The router's html_handling answers these with a redirect and no body;
    // what the redirect leads to is checked above.
    for (const [path, to] of [
      ["/index.html", "/"],
      ["/404/", "/404"],
    ]) {
      const res = await edgeFetch(path as string);
      expect(res.status, path).toBe(307);
      expect(res.headers.get("Location"), path).toBe(to);
      expect(await res.text(), path).toBe("");
    }
  });

  it("/api/ paths keep their JSON errors", async () => {
    const res = await edgeFetch("/api/nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("real files come from the asset router", () => {
  it("the icon and the page's hashed script are 200 with caching headers, not HTML", async () => {
    const page = await (await edgeFetch("/")).text();
    const script = page.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    expect(script, "the page names its script").toBeDefined();
    for (const [path, type] of [
      ["/favicon.svg", /^image\/svg\+xml/],
      [script as string, /javascript/],
      ["/404.css", /^text\/css/],
    ] as const) {
      const res = await edgeFetch(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("Content-Type"), path).toMatch(type);
      // The asset router's validators: a repeat visit is a 304, not a download.
      expect(res.headers.get("ETag"), path).toBeTruthy();
      expect(res.headers.get("Cache-Control"), path).toMatch(/max-age/);
      await res.body?.cancel();
    }
  });
});
