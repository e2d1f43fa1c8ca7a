// A reaction is exactly one emoji: one grapheme of Unicode's RGI emoji set
// (`^\p{RGI_Emoji}$`v). Anything else (text, two emoji, padding, a bare
// regional indicator, a symbol without its emoji presentation) is refused
// with `error reaction_invalid` carrying the seq, whether adding or removing,
// and changes nothing. An `emoji` that is not a string, or an `on` that is
// not a boolean, is `bad_message` with the seq.
import { describe, expect, it } from "vitest";
import { applyChange, freshRoom, joinV2, postReply, roomInfo } from "../helpers";

const INVALID = ["", "a", "ab", "👍👍", " 👍", "👍 ", ":+1:", "1", "#", "❤", "🇫", "\u200d", "x😀"];
const VALID = ["👍", "❤️", "🇫🇷", "👩‍💻", "👍🏽", "#️⃣", "🏳️‍🌈", "©️"];

describe("reaction_invalid", () => {
  it("refuses anything but exactly one RGI emoji, with the seq", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const m = await postReply(a.client, "react");
    for (const emoji of INVALID) {
      for (const on of [true, false]) {
        a.client.send({ type: "react", seq: m.seq, emoji, on });
        const err = await a.client.next("error");
        expect(err, JSON.stringify(emoji)).toMatchObject({ code: "reaction_invalid", seq: m.seq });
      }
    }
    await b.client.expectNothing(200, "update");
    expect(await roomInfo(room)).toMatchObject({ rev: 1 });
  }, 30_000);

  it("accepts single emoji of every kind: presentation selectors, flags, ZWJ sequences, skin tones, keycaps", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const m = await postReply(a.client, "react");
    let last = m;
    for (const emoji of VALID) {
      last = await applyChange(a.client, { type: "react", seq: m.seq, emoji, on: true });
    }
    expect(last.reactions?.map((r) => r.emoji)).toEqual(VALID);
  });

  it("answers an emoji that is not a string, or an on that is not a boolean, with bad_message", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const m = await postReply(a.client, "react");
    const frames = [
      { type: "react", seq: m.seq, emoji: 5, on: true },
      { type: "react", seq: m.seq, on: true },
      { type: "react", seq: m.seq, emoji: "👍", on: "yes" },
      { type: "react", seq: m.seq, emoji: "👍" },
    ];
    for (const frame of frames) {
      a.client.send(frame);
      expect(await a.client.next("error")).toMatchObject({ code: "bad_message", seq: m.seq });
    }
    expect(await roomInfo(room)).toMatchObject({ rev: 1 });
  });
});
