// (v2) POST /api/rooms/:room/claim: the first claim of a room with no owner
// is 201 with the room's normalised name and a new owner key, and the room
// says it is owned; every later claim is 409 room_claimed, and so is a claim
// of a room made by POST /api/rooms (owned from the start). The name is
// checked like on every route (400 room_invalid), and the route takes POST
// only (405).
import { describe, expect, it } from "vitest";
import type { ClaimedRoom, HttpError, NewRoom } from "../../../protocol";
import { freshRoom, getJson, roomInfo } from "../helpers";

const enc = encodeURIComponent;
const claim = (room: string, init: RequestInit = {}) =>
  getJson<ClaimedRoom>(`/api/rooms/${enc(room)}/claim`, { method: "POST", ...init });

function expectError(res: { status: number; body: unknown }, status: number, code: string) {
  expect(res.status).toBe(status);
  const { error } = res.body as HttpError;
  expect(error.code).toBe(code);
  expect(error.message.length).toBeGreaterThan(0);
}

describe("POST /api/rooms/:room/claim", () => {
  it("the first claim is 201 with a key; the second is 409 room_claimed", async () => {
    const room = freshRoom("claim");
    expect((await roomInfo(room)).settings.owned).toBe(false);

    const first = await claim(room);
    expect(first.status).toBe(201);
    expect(first.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(Object.keys(first.body).sort()).toEqual(["ownerKey", "room"]);
    expect(first.body.room).toBe(room);
    expect(first.body.ownerKey).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect((await roomInfo(room)).settings.owned).toBe(true);

    const second = await claim(room);
    expectError(second, 409, "room_claimed");
    expect(JSON.stringify(second.body)).not.toContain(first.body.ownerKey);
  });

  it("answers the normalised name: `Claim-…` claims `claim-…`", async () => {
    const room = freshRoom("claim");
    const res = await claim(room.replace("claim", "CLAIM"));
    expect(res.status).toBe(201);
    expect(res.body.room).toBe(room);
    expectError(await claim(room), 409, "room_claimed");
  });

  it("a room made by POST /api/rooms is already owned: 409", async () => {
    const made = await getJson<NewRoom>("/api/rooms", { method: "POST" });
    expect(made.status).toBe(201);
    expectError(await claim(made.body.room), 409, "room_claimed");
  });

  for (const bad of [".dot-first", "a/b", "x".repeat(65), "sp ace"]) {
    it(`an invalid name (${JSON.stringify(bad.slice(0, 12))}) is 400 room_invalid`, async () => {
      expectError(await claim(bad), 400, "room_invalid");
    });
  }

  it("an empty name is 400 room_invalid", async () => {
    expectError(await getJson("/api/rooms//claim", { method: "POST" }), 400, "room_invalid");
  });

  for (const method of ["GET", "PUT", "DELETE"]) {
    it(`${method} is 405 with Allow: POST`, async () => {
      const res = await getJson(`/api/rooms/${freshRoom("claim")}/claim`, { method });
      expectError(res, 405, "method_not_allowed");
      expect(res.headers.get("Allow")).toBe("POST");
    });
  }
});
