// A send's text has at least one visible character and at most MAX_TEXT code
// points (not UTF-16 units) and must be valid Unicode; otherwise the send gets
// `error text_invalid` carrying its id, and nothing is posted.
import { describe, expect, it } from "vitest";
import type { Client } from "../helpers";
import { freshRoom, getJson, join, newId, post } from "../helpers";
import { LIMITS } from "../limits";

async function expectInvalid(client: Client, frame: { id: string } & Record<string, unknown>) {
  client.send({ type: "send", ...frame });
  const err = await client.next("error");
  expect(err.code).toBe("text_invalid");
  expect(err.id).toBe(frame.id);
}

describe("text rules", () => {
  it("refuses blank texts and texts without a visible character", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    const texts = ["", "   ", "\n\t", "\u0301\u0302\u0303", "\u3164", "\u3164\u3164 \u3164"];
    for (const text of texts) await expectInvalid(a.client, { id: newId(), text });
    await b.client.expectNothing(200, "message");
    await a.client.expectNothing(0, "message");
    expect((await getJson<{ seq: number }>(`/api/rooms/${room}`)).body.seq).toBe(0);
  });

  it("accepts exactly MAX_TEXT code points and refuses one more", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    await expectInvalid(a.client, { id: newId(), text: "a".repeat(LIMITS.MAX_TEXT + 1) });
    await b.client.expectNothing(100, "message");
    const text = "a".repeat(LIMITS.MAX_TEXT);
    const m = await post(a.client, text);
    expect(m.text).toBe(text);
    expect(m.seq).toBe(1);
  });

  it("counts code points, not UTF-16 units: MAX_TEXT astral emoji are accepted", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const text = "😀".repeat(LIMITS.MAX_TEXT); // 8000 UTF-16 units, 16000 bytes
    expect(text.length).toBe(LIMITS.MAX_TEXT * 2);
    const m = await post(a.client, text);
    expect(m.text).toBe(text);
    await expectInvalid(a.client, { id: newId(), text: "😀".repeat(LIMITS.MAX_TEXT + 1) });
  });

  it("refuses a lone surrogate sent as a JSON escape", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    for (const escaped of ["\\ud800", "x\\udc00y"]) {
      const id = newId();
      a.client.sendRaw(`{"type":"send","id":"${id}","text":"${escaped}"}`);
      const err = await a.client.next("error");
      expect(err).toMatchObject({ code: "text_invalid", id });
    }
    await b.client.expectNothing(200, "message");
    // A well-formed pair written as escapes is fine.
    const id = newId();
    a.client.sendRaw(`{"type":"send","id":"${id}","text":"\\ud83d\\ude00"}`);
    expect((await a.client.next("message")).text).toBe("😀");
  });
});
