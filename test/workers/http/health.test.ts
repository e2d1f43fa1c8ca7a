// GET /api/health answers 200 {"ok":true} as JSON, and is not cached: the
// simplest proof that the worker is up and routes /api/* itself.
import { describe, expect, it } from "vitest";
import { getJson } from "../helpers";

describe("GET /api/health", () => {
  it("answers 200 with {ok: true} as JSON", async () => {
    const res = await getJson("/api/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.body).toEqual({ ok: true });
  });
});
