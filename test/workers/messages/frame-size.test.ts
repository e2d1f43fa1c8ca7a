// A frame of exactly MAX_FRAME bytes of UTF-8 is read and answered; one byte
// more closes the connection with 1009. Size is counted in UTF-8 bytes, not
// UTF-16 units (the padding is multi-byte); a binary frame over it also gets 1009.
import { describe, expect, it } from "vitest";
import { freshRoom, join, newId, post } from "../helpers";
import { LIMITS } from "../limits";

const enc = new TextEncoder();

/** A `send` frame of exactly `bytes` UTF-8 bytes, its text padded with 3-byte "€". */
function sendFrameOf(bytes: number, id: string): string {
  const head = `{"type":"send","id":"${id}","text":"`;
  const tail = `"}`;
  const room = bytes - enc.encode(head + tail).length;
  const text = "€".repeat(Math.floor(room / 3)) + "a".repeat(room % 3);
  const frame = head + text + tail;
  expect(enc.encode(frame).length).toBe(bytes);
  // Far fewer UTF-16 units than bytes: a server counting units would not notice the size.
  expect(frame.length).toBeLessThan(bytes / 2);
  return frame;
}

describe("frame size", () => {
  it("a text frame of exactly MAX_FRAME bytes is answered and leaves the connection open", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const id = newId();
    a.client.sendRaw(sendFrameOf(LIMITS.MAX_FRAME, id));
    // Over MAX_TEXT code points, so refused on its content, not closed.
    const err = await a.client.next("error");
    expect(err).toMatchObject({ code: "text_invalid", id });
    a.client.sendRaw("ping");
    expect(await a.client.nextRaw()).toBe("pong");
    expect((await post(a.client, "still open")).seq).toBe(1);
  });

  it("a text frame of MAX_FRAME + 1 bytes closes the connection with 1009", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    a.client.sendRaw(sendFrameOf(LIMITS.MAX_FRAME + 1, newId()));
    const closed = await a.client.closed();
    expect(closed.code).toBe(1009);
    await b.client.expectNothing(200, "message");
  });

  it("a binary frame over MAX_FRAME closes the connection with 1009", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    a.client.sendRaw(new Uint8Array(LIMITS.MAX_FRAME + 1).buffer as ArrayBuffer);
    expect((await a.client.closed()).code).toBe(1009);
  });

  it("a binary frame of MAX_FRAME bytes is a bad_frame error, not a close", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    a.client.sendRaw(new Uint8Array(LIMITS.MAX_FRAME).buffer as ArrayBuffer);
    expect((await a.client.next("error")).code).toBe("bad_frame");
    expect((await post(a.client, "still open")).seq).toBe(1);
  });
});
