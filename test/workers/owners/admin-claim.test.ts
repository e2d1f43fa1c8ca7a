// (v2) With `Authorization: Bearer <ADMIN_KEY>` (set for the tests in
// vitest.config.ts), POST /api/rooms/:room/claim replaces a room's owner key
// even when the room has one: 201 with a new key every time, for a claimed
// room, a room made by POST /api/rooms and a room with no owner. A wrong,
// malformed or absent bearer is an ordinary claim (409 on an owned room),
// and so is any bearer when the deployment has no ADMIN_KEY or an empty one.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ClaimedRoom, HttpError, NewRoom } from "../../../protocol";
import type { Env } from "../../../worker/config";
import worker from "../../../worker/index";
import { BASE, freshRoom, getJson } from "../helpers";

const ADMIN_KEY = (env as unknown as Env).ADMIN_KEY ?? "";
const claim = (room: string, authorization?: string) =>
  getJson<ClaimedRoom>(`/api/rooms/${encodeURIComponent(room)}/claim`, {
    method: "POST",
    headers: authorization === undefined ? {} : { Authorization: authorization },
  });

function expectClaimed(res: { status: number; body: unknown }) {
  expect(res.status).toBe(409);
  expect((res.body as HttpError).error.code).toBe("room_claimed");
}

describe("the admin bearer takes a room back", () => {
  it("the test environment has an ADMIN_KEY", () => {
    expect(ADMIN_KEY.length).toBeGreaterThan(0);
  });

  it("replaces a claimed room's key: 201, and again with yet another key", async () => {
    const room = freshRoom("admin");
    const first = await claim(room);
    expect(first.status).toBe(201);

    const taken = await claim(room, `Bearer ${ADMIN_KEY}`);
    expect(taken.status).toBe(201);
    expect(Object.keys(taken.body).sort()).toEqual(["ownerKey", "room"]);
    expect(taken.body.room).toBe(room);
    expect(taken.body.ownerKey).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(taken.body.ownerKey).not.toBe(first.body.ownerKey);

    const again = await claim(room, `Bearer ${ADMIN_KEY}`);
    expect(again.status).toBe(201);
    expect(new Set([first.body.ownerKey, taken.body.ownerKey, again.body.ownerKey]).size).toBe(3);

    // Still owned: an ordinary claim after the admin's is refused.
    expectClaimed(await claim(room));
  });

  it("takes back a room made by POST /api/rooms", async () => {
    const made = await getJson<NewRoom>("/api/rooms", { method: "POST" });
    const taken = await claim(made.body.room, `Bearer ${ADMIN_KEY}`);
    expect(taken.status).toBe(201);
    expect(taken.body.ownerKey).not.toBe(made.body.ownerKey);
  });

  it("claims a room with no owner: 201, and the room is then owned", async () => {
    const room = freshRoom("admin");
    expect((await claim(room, `Bearer ${ADMIN_KEY}`)).status).toBe(201);
    expectClaimed(await claim(room));
  });

  it("the scheme is case-insensitive: `bearer <key>`", async () => {
    const room = freshRoom("admin");
    expect((await claim(room)).status).toBe(201);
    expect((await claim(room, `bearer ${ADMIN_KEY}`)).status).toBe(201);
  });
});

describe("anything but the admin bearer is an ordinary claim", () => {
  for (const [label, header] of [
    ["a wrong bearer", "Bearer not-the-admin-key"],
    ["the key with a character more", `Bearer ${ADMIN_KEY}x`],
    ["the key with a character less", `Bearer ${ADMIN_KEY.slice(0, -1)}`],
    ["the key without the scheme", ADMIN_KEY],
    ["another scheme", `Basic ${ADMIN_KEY}`],
    ["an empty bearer", "Bearer "],
    ["no Authorization", undefined],
  ] as const) {
    it(`${label}: 409 on an owned room`, async () => {
      const room = freshRoom("admin");
      expect((await claim(room)).status).toBe(201);
      expectClaimed(await claim(room, header));
    });
  }

  // The worker itself, called with an env of the test's choosing: with the
  // admin key (the control: this path honours it), then without it, where no
  // bearer is the admin.
  const direct = (room: string, bearer: string, bindings: Env) =>
    worker.request(
      `${BASE}/api/rooms/${room}/claim`,
      { method: "POST", headers: { Authorization: bearer } },
      bindings,
    );

  it("control: called directly with the test env, the admin bearer takes the room", async () => {
    const room = freshRoom("admin");
    expect((await claim(room)).status).toBe(201);
    expect((await direct(room, `Bearer ${ADMIN_KEY}`, env as unknown as Env)).status).toBe(201);
  });

  for (const [label, admin] of [
    ["unset", undefined],
    ["empty", ""],
  ] as const) {
    it(`ADMIN_KEY ${label}: any bearer is an ordinary claim`, async () => {
      const { ADMIN_KEY: _, ...rest } = env as unknown as Env;
      const without: Env = admin === undefined ? rest : { ...rest, ADMIN_KEY: admin };
      const room = freshRoom("admin");
      expect((await claim(room)).status).toBe(201);
      for (const bearer of ["Bearer ", "Bearer undefined", `Bearer ${ADMIN_KEY}`]) {
        const res = await direct(room, bearer, without);
        expect(res.status).toBe(409);
        expect(((await res.json()) as HttpError).error.code).toBe("room_claimed");
      }
    });
  }
});
