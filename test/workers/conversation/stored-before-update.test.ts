// A change is stored before its `update` is sent: as soon as the changer gets
// its update (its acknowledgement), or another client gets it, the room's
// reads (GET …/messages/:seq, the pages, the room info's rev) already show
// the message exactly as the update does.
import { describe, expect, it } from "vitest";
import type { Message, RoomInfo } from "../../../protocol";
import { type Change, freshRoom, getJson, joinV2, postReply } from "../helpers";

async function reads(room: string, seq: number) {
  const one = await getJson<Message>(`/api/rooms/${room}/messages/${seq}`);
  const page = await getJson<{ messages: Message[] }>(`/api/rooms/${room}/messages`);
  const info = await getJson<RoomInfo>(`/api/rooms/${room}`);
  return {
    one: one.body,
    inPage: page.body.messages.find((m) => m.seq === seq),
    rev: info.body.rev,
  };
}

describe("stored before update", () => {
  it("every change is readable as soon as the changer's update arrives", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const m = await postReply(a.client, "original");
    const changes: Change[] = [
      { type: "edit", seq: m.seq, text: "edited" },
      { type: "react", seq: m.seq, emoji: "👍", on: true },
      { type: "react", seq: m.seq, emoji: "👍", on: false },
      { type: "delete", seq: m.seq },
    ];
    for (const change of changes) {
      a.client.send(change);
      const u = await a.client.next("update");
      expect(await reads(room, m.seq)).toEqual({
        one: u.message,
        inPage: u.message,
        rev: u.message.rev,
      });
    }
  });

  it("every change is readable as soon as another client receives its update", async () => {
    const room = freshRoom();
    const a = await joinV2(room, "alice");
    const b = await joinV2(room, "bob");
    const m = await postReply(a.client, "original");
    const changes: Change[] = [
      { type: "react", seq: m.seq, emoji: "🎉", on: true },
      { type: "edit", seq: m.seq, text: "edited" },
      { type: "delete", seq: m.seq },
    ];
    for (const change of changes) {
      a.client.send(change);
      const u = await b.client.next("update");
      expect(await reads(room, m.seq)).toEqual({
        one: u.message,
        inPage: u.message,
        rev: u.message.rev,
      });
    }
  });
});
