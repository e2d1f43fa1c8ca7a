// Malformed frames get the protocol's error codes (bad_json, bad_frame,
// bad_message), and an error never closes the connection: afterwards a post
// still works and a raw "ping" is still answered "pong".
import { describe, expect, it } from "vitest";
import { freshRoom, join, newId, post } from "../helpers";

const ID = "abcdefghijklmnop"; // 16 allowed characters

const CASES: [string, string | ArrayBuffer, string][] = [
  ["truncated JSON", "{", "bad_json"],
  ["not JSON at all", "hello", "bad_json"],
  ["an array", "[]", "bad_frame"],
  ["null", "null", "bad_frame"],
  ["a number", "42", "bad_frame"],
  ["a string", '"x"', "bad_frame"],
  [
    "a binary frame",
    new TextEncoder().encode('{"type":"typing"}').buffer as ArrayBuffer,
    "bad_frame",
  ],
  ["an unknown type", '{"type":"nope"}', "bad_message"],
  ["no type", '{"no":"type"}', "bad_message"],
  ["a numeric type", '{"type":5}', "bad_message"],
  ["send without id", '{"type":"send","text":"hi"}', "bad_message"],
  ["send with a short id", '{"type":"send","id":"abcdefghijklmno","text":"hi"}', "bad_message"],
  ["send with a long id", `{"type":"send","id":"${"a".repeat(65)}","text":"hi"}`, "bad_message"],
  [
    "send with bad id characters",
    '{"type":"send","id":"abcdefghijklmno!","text":"hi"}',
    "bad_message",
  ],
  ["send with a numeric id", '{"type":"send","id":1234567890123456,"text":"hi"}', "bad_message"],
  ["send with numeric text", `{"type":"send","id":"${ID}","text":5}`, "bad_message"],
  ["send without text", `{"type":"send","id":"${ID}"}`, "bad_message"],
  ["join with numeric name", '{"type":"join","name":5}', "bad_message"],
  ["join with since -1", '{"type":"join","name":"x","since":-1}', "bad_message"],
  ["join with since 1.5", '{"type":"join","name":"x","since":1.5}', "bad_message"],
  ["join with since as a string", '{"type":"join","name":"x","since":"3"}', "bad_message"],
  ["join with numeric token", '{"type":"join","name":"x","token":5}', "bad_message"],
];

describe("frame errors", () => {
  for (const [what, frame, code] of CASES) {
    it(`${what} gets ${code} and leaves the connection open`, async () => {
      const room = freshRoom();
      const a = await join(room, "alice");
      a.client.sendRaw(frame);
      const err = await a.client.next("error");
      expect(err.code).toBe(code);
      expect(typeof err.message).toBe("string");
      a.client.sendRaw("ping");
      expect(await a.client.nextRaw()).toBe("pong");
      const m = await post(a.client, "still here");
      expect(m.seq).toBe(1);
    });
  }

  it("a send refused for a wrong field type carries its id", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    a.client.sendRaw(`{"type":"send","id":"${ID}","text":5}`);
    const err = await a.client.next("error");
    expect(err).toMatchObject({ code: "bad_message", id: ID });
  });

  it("a run of errors of every kind leaves the connection working", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    for (const [, frame] of CASES) a.client.sendRaw(frame);
    const codes = [];
    for (let i = 0; i < CASES.length; i++) codes.push((await a.client.next("error")).code);
    // Frames sent back to back may be answered in another order: compare as multisets.
    expect(codes.sort()).toEqual(CASES.map(([, , code]) => code).sort());
    await b.client.expectNothing(100, "message");
    const id = newId();
    await post(a.client, "after the errors", id);
    expect((await b.client.next("message")).id).toBe(id);
    a.client.sendRaw("ping");
    expect(await a.client.nextRaw()).toBe("pong");
  });
});
