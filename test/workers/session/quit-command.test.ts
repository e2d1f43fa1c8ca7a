// A `send` whose text, trimmed, is exactly `quit()` is a `leave`: left/leave
// to the others, close 1000, name and token freed, and it is not posted
// (no message, seq stays 0). Text that merely contains quit() is posted.
import { describe, expect, it } from "vitest";
import { freshRoom, getJson, join, newId, post } from "../helpers";

describe("quit() command", () => {
  it("leaves the room and is not posted", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const bob = await join(room, "bob");
    await alice.client.next("joined");
    bob.client.send({ type: "send", id: newId(), text: " quit() " });

    const left = await alice.client.next("left");
    expect(left.reason).toBe("leave");
    expect(left.user.id).toBe(bob.welcome.you.id);
    expect((await bob.client.closed()).code).toBe(1000);
    await alice.client.expectNothing(300, "message");
    expect(bob.client.frames.some((f) => typeof f !== "string" && f.type === "message")).toBe(
      false,
    );

    const path = `/api/rooms/${encodeURIComponent(room)}`;
    const page = await getJson<{ messages: unknown[] }>(`${path}/messages`);
    expect(page.body.messages).toEqual([]);
    const info = await getJson<{ seq: number; online: number }>(path);
    expect(info.body.seq).toBe(0);
    expect(info.body.online).toBe(1);
  });

  it("frees the name and ends the token, like leave", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const bob = await join(room, "bob");
    bob.client.send({ type: "send", id: newId(), text: "quit()" });
    await bob.client.closed();
    await alice.client.next("left");
    const again = await join(room, "BOB", { token: bob.welcome.token });
    expect(again.welcome.you.id).not.toBe(bob.welcome.you.id);
    expect(again.welcome.you.name).toBe("BOB");
  });

  it("posts text that is not exactly quit() once trimmed", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    for (const text of ["quit() now", "quit ()", "QUIT()"]) {
      const m = await post(alice.client, text);
      expect(m.text).toBe(text);
    }
    expect(alice.client.ws.readyState).toBe(WebSocket.OPEN);
  });
});
