// (v2) POST /api/rooms makes a private room that is owned from the start: 201
// with its name, its URL and an owner key of at least 128 bits, a different
// key every time. The body is empty, {}, {"e2ee":false} or {"e2ee":true} (an
// encrypted room: test/workers/e2ee); anything else (other keys, other
// types, not JSON) is 400 bad_request.
import { describe, expect, it } from "vitest";
import type { HttpError, NewRoom } from "../../../protocol";
import { getJson } from "../helpers";

const create = (body?: string) =>
  getJson<NewRoom>("/api/rooms", {
    method: "POST",
    ...(body === undefined ? {} : { body, headers: { "Content-Type": "application/json" } }),
  });

/** Bits carried by an unpadded base64url string. */
const bitsOf = (key: string) => Math.floor((key.length * 6) / 8) * 8;

describe("POST /api/rooms answers an owner key", () => {
  it("201 with room, url and an owner key of at least 128 bits", async () => {
    const res = await create();
    expect(res.status).toBe(201);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(Object.keys(res.body).sort()).toEqual(["ownerKey", "room", "url"]);
    expect(res.body.room).toMatch(/^[0-9a-f]{32}$/);
    expect(res.body.url).toBe(`/r/${res.body.room}`);
    expect(res.body.ownerKey).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(bitsOf(res.body.ownerKey)).toBeGreaterThanOrEqual(128);
  });

  it("a different key (and room) on every call", async () => {
    const keys = new Set<string>();
    const rooms = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const { body } = await create();
      keys.add(body.ownerKey);
      rooms.add(body.room);
    }
    expect(keys.size).toBe(5);
    expect(rooms.size).toBe(5);
  });
});

describe("the body of POST /api/rooms", () => {
  for (const [label, body] of [
    ["no body", undefined],
    ["an empty body", ""],
    ["{}", "{}"],
    ['{"e2ee":false}', '{"e2ee":false}'],
  ] as const) {
    it(`${label}: 201 with an owner key`, async () => {
      const res = await create(body);
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(["ownerKey", "room", "url"]);
    });
  }

  it('{"e2ee":true}: 201 with an owner key, an encrypted room (test/workers/e2ee)', async () => {
    const res = await create('{"e2ee":true}');
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(["ownerKey", "room", "url"]);
  });

  for (const body of [
    "[1]",
    '{"x":1}',
    '{"e2ee":"yes"}',
    '{"e2ee":1}',
    '{"e2ee":null}',
    '{"e2ee":false,"x":1}',
    "null",
    "1",
    '"text"',
    "not json",
    "{",
    " ",
  ]) {
    it(`${JSON.stringify(body)}: 400 bad_request`, async () => {
      const res = await create(body);
      expect(res.status).toBe(400);
      expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
      const { error } = res.body as unknown as HttpError;
      expect(error.code).toBe("bad_request");
      expect(error.message.length).toBeGreaterThan(0);
    });
  }
});
