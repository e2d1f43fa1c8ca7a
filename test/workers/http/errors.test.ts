// Errors on /api/* are JSON {"error":{"code","message"}}: an unknown path is
// 404 not_found, and a known route with another method is 405
// method_not_allowed with an Allow header that names the route's method.
import { describe, expect, it } from "vitest";
import type { HttpError } from "../../../protocol";
import { getJson } from "../helpers";

function expectEnvelope(res: { body: unknown; headers: Headers }, code: string) {
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  const body = res.body as HttpError;
  expect(Object.keys(body)).toEqual(["error"]);
  expect(Object.keys(body.error).sort()).toEqual(["code", "message"]);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(0);
}

describe("404 not_found on unknown /api paths", () => {
  for (const path of ["/api/nope", "/api/rooms/lobby/nope", "/api/health/x", "/api/room/x"]) {
    it(`GET ${path}`, async () => {
      const res = await getJson(path);
      expect(res.status).toBe(404);
      expectEnvelope(res, "not_found");
    });
  }
});

describe("405 method_not_allowed with Allow on known routes", () => {
  const cases: [method: string, path: string, allowed: string][] = [
    ["POST", "/api/health", "GET"],
    ["DELETE", "/api/health", "GET"],
    ["GET", "/api/rooms", "POST"],
    ["PUT", "/api/rooms", "POST"],
    ["DELETE", "/api/rooms/x", "GET"],
    ["POST", "/api/rooms/x", "GET"],
    ["POST", "/api/rooms/x/messages", "GET"],
    ["PUT", "/api/rooms/x/messages", "GET"],
    ["POST", "/api/rooms/x/ws", "GET"],
  ];
  for (const [method, path, allowed] of cases) {
    it(`${method} ${path}`, async () => {
      const res = await getJson(path, { method });
      expect(res.status).toBe(405);
      expectEnvelope(res, "method_not_allowed");
      const allow = (res.headers.get("Allow") ?? "")
        .split(",")
        .map((s) => s.trim().toUpperCase())
        .filter(Boolean);
      expect(allow).toContain(allowed);
      expect(allow).not.toContain(method);
    });
  }
});
