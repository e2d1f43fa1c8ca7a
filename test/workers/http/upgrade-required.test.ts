// GET /api/rooms/:room/ws without `Upgrade: websocket` is not a WebSocket: it
// is answered 426 upgrade_required as JSON, and no socket is opened.
import { describe, expect, it } from "vitest";
import type { HttpError } from "../../../protocol";
import { freshRoom, getJson, upgrade } from "../helpers";

describe("426 upgrade_required", () => {
  it("a plain GET of /ws", async () => {
    const res = await getJson<HttpError>(`/api/rooms/${freshRoom()}/ws`);
    expect(res.status).toBe(426);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.body.error.code).toBe("upgrade_required");
    expect(res.body.error.message.length).toBeGreaterThan(0);
  });

  it("an Upgrade header for another protocol", async () => {
    const res = await getJson<HttpError>(`/api/rooms/${freshRoom()}/ws`, {
      headers: { Upgrade: "h2c" },
    });
    expect(res.status).toBe(426);
    expect(res.body.error.code).toBe("upgrade_required");
  });

  it("the same route with Upgrade: websocket is a 101 with a socket", async () => {
    const res = await upgrade(freshRoom());
    expect(res.status).toBe(101);
    expect(res.webSocket).toBeTruthy();
    res.webSocket?.accept();
    res.webSocket?.close(1000);
  });
});
