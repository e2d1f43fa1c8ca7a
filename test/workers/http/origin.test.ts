// The Origin rule of the WebSocket upgrade: no Origin, the request's own
// origin (https://chat.test here) or one listed in ALLOWED_ORIGINS (compared
// exactly) get a socket; any other origin is 403 origin_forbidden.
// The rule is for the upgrade only: other API routes ignore Origin.
import { describe, expect, it } from "vitest";
import type { HttpError } from "../../../protocol";
import { BASE, freshRoom, getJson, upgrade } from "../helpers";

let n = 0;
const ip = () => `198.18.0.${++n}`;

async function expectAccepted(origin: string | undefined) {
  const res = await upgrade(
    freshRoom(),
    origin === undefined ? { ip: ip() } : { ip: ip(), origin },
  );
  expect(res.status).toBe(101);
  expect(res.webSocket).toBeTruthy();
  res.webSocket?.accept();
  res.webSocket?.close(1000);
}

async function expectForbidden(origin: string) {
  const res = await upgrade(freshRoom(), { ip: ip(), origin });
  expect(res.status).toBe(403);
  expect(res.webSocket).toBeFalsy();
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  const body = (await res.json()) as HttpError;
  expect(body.error.code).toBe("origin_forbidden");
  expect(body.error.message.length).toBeGreaterThan(0);
}

describe("Origin of the upgrade", () => {
  it("no Origin header: allowed", () => expectAccepted(undefined));

  it(`the request's own origin (${BASE}): allowed`, () => expectAccepted(BASE));

  it("the first origin in ALLOWED_ORIGINS: allowed", () =>
    expectAccepted("https://allowed.example"));

  it("the second origin in ALLOWED_ORIGINS (after a comma and a space): allowed", () =>
    expectAccepted("https://also.example"));

  it("an unrelated origin: 403", () => expectForbidden("https://evil.example"));

  it("the own host over another scheme: 403", () => expectForbidden("http://chat.test"));

  it("the own host on another port: 403", () => expectForbidden("https://chat.test:8443"));

  it("a listed origin as a prefix of another host: 403", () =>
    expectForbidden("https://allowed.example.evil"));

  it("a subdomain of the own host: 403", () => expectForbidden("https://evil.chat.test"));

  it("the opaque origin `null`: 403", () => expectForbidden("null"));

  it("the whole ALLOWED_ORIGINS string is not an origin: 403", () =>
    expectForbidden("https://allowed.example, https://also.example"));

  it("other API routes do not apply the rule", async () => {
    const room = freshRoom();
    const init = { headers: { Origin: "https://evil.example" } };
    expect((await getJson(`/api/rooms/${room}`, init)).status).toBe(200);
    expect((await getJson(`/api/rooms/${room}/messages`, init)).status).toBe(200);
    expect((await getJson("/api/health", init)).status).toBe(200);
  });
});
