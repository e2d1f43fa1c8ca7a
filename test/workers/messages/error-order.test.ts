// When several errors apply, the frame itself (bad_json, bad_frame,
// bad_message) wins over the connection's state (not_joined, already_joined),
// which wins over the content (e.g. a blank text before join is not_joined).
import { describe, expect, it } from "vitest";
import { connect, freshRoom, join, newId } from "../helpers";

describe("error order", () => {
  it("before join, a malformed frame gets bad_*, not not_joined", async () => {
    const room = freshRoom();
    const c = await connect(room);
    const cases: [string | ArrayBuffer, string][] = [
      ["{", "bad_json"],
      ["[]", "bad_frame"],
      ["42", "bad_frame"],
      [new Uint8Array([1, 2, 3]).buffer as ArrayBuffer, "bad_frame"],
      ['{"type":"nope"}', "bad_message"],
      ['{"no":"type"}', "bad_message"],
      ['{"type":"send","id":"short","text":"hi"}', "bad_message"],
      [`{"type":"send","id":"${newId()}","text":5}`, "bad_message"],
      ['{"type":"join","name":"x","since":-1}', "bad_message"],
      ['{"type":"join","name":5}', "bad_message"],
    ];
    for (const [frame] of cases) c.sendRaw(frame);
    const codes = [];
    for (let i = 0; i < cases.length; i++) codes.push((await c.next("error")).code);
    // Frames sent back to back may be answered in another order: compare as multisets.
    expect(codes.sort()).toEqual(cases.map(([, code]) => code).sort());
    // The errors did not close it: a join still works.
    c.send({ type: "join", name: "alice" });
    expect((await c.next("welcome")).you.name).toBe("alice");
  });

  it("before join, a well-formed frame other than join gets not_joined, whatever its content", async () => {
    const room = freshRoom();
    const c = await connect(room);
    const valid = newId();
    const blank = newId();
    c.send({ type: "send", id: valid, text: "hello" });
    c.send({ type: "send", id: blank, text: "   " });
    c.send({ type: "typing" });
    c.send({ type: "leave" });
    const errors = [];
    for (let i = 0; i < 4; i++) errors.push(await c.next("error"));
    expect(errors.map((e) => e.code)).toEqual(Array(4).fill("not_joined"));
    // The two sends' errors carry their ids (frames may be answered in another order).
    expect(errors.map((e) => e.id ?? null).sort()).toEqual([valid, blank, null, null].sort());
    c.send({ type: "join", name: "alice" });
    const welcome = await c.next("welcome");
    expect(welcome.seq).toBe(0);
    expect(welcome.messages).toEqual([]);
  });

  it("after join, a malformed join gets bad_message, not already_joined", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    a.client.sendRaw('{"type":"join","name":"alice","since":-1}');
    expect((await a.client.next("error")).code).toBe("bad_message");
    a.client.sendRaw('{"type":"join","name":5}');
    expect((await a.client.next("error")).code).toBe("bad_message");
    a.client.sendRaw('{"type":"join","name":"alice","token":5}');
    expect((await a.client.next("error")).code).toBe("bad_message");
    // A well-formed second join is a state error.
    a.client.send({ type: "join", name: "someone else" });
    expect((await a.client.next("error")).code).toBe("already_joined");
  });

  it("after join, a well-formed second join with an invalid name gets already_joined", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    a.client.send({ type: "join", name: "   " });
    expect((await a.client.next("error")).code).toBe("already_joined");
  });
});
