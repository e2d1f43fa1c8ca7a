// The web page is served at / and at /r/:room (the share link) with its
// security headers: a CSP with default-src 'self' and frame-ancestors 'none',
// X-Content-Type-Options nosniff and a Referrer-Policy that keeps room URLs private.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE } from "../helpers";

const SAFE_REFERRER = ["no-referrer", "same-origin", "strict-origin"];

async function expectPage(path: string) {
  const res = await SELF.fetch(`${BASE}${path}`);
  expect(res.status, path).toBe(200);
  expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);

  const csp = res.headers.get("Content-Security-Policy") ?? "";
  const directives = new Map(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name?.toLowerCase(), values]),
  );
  expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
  expect(directives.get("default-src")).toEqual(["'self'"]);

  expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
  // A private room's URL must not leak through a link clicked in it.
  expect(SAFE_REFERRER).toContain(res.headers.get("Referrer-Policy"));
  const body = await res.text();
  expect(body).toMatch(/<html/i);
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
