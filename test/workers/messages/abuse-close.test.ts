// More than 50 error frames to one connection within a minute close it with
// 1008: 50 errors leave it open and working, the 51st error closes it. Every
// kind of error counts, content errors (text_invalid) included.
import { describe, expect, it } from "vitest";
import { freshRoom, join, newId, post } from "../helpers";

const MAX_ERRORS = 50;

describe("abuse close", () => {
  it("50 errors leave the connection open; the 51st closes it with 1008", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    for (let i = 0; i < MAX_ERRORS; i++) a.client.sendRaw("{");
    for (let i = 0; i < MAX_ERRORS; i++) {
      expect((await a.client.next("error")).code).toBe("bad_json");
    }
    // Still open and working after 50 errors.
    const id = newId();
    await post(a.client, "still here", id);
    expect((await b.client.next("message")).id).toBe(id);
    a.client.sendRaw("ping");
    expect(await a.client.nextRaw()).toBe("pong");

    a.client.sendRaw("{");
    expect((await a.client.next("error")).code).toBe("bad_json");
    const closed = await a.client.closed();
    expect(closed.code).toBe(1008);
  });

  it("content errors count too", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    for (let i = 0; i <= MAX_ERRORS; i++) a.client.send({ type: "send", id: newId(), text: " " });
    for (let i = 0; i <= MAX_ERRORS; i++) {
      expect((await a.client.next("error")).code).toBe("text_invalid");
    }
    expect((await a.client.closed()).code).toBe(1008);
  });
});
