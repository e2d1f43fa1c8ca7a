// Unknown fields in a client frame are ignored: a join or send carrying extra
// fields is accepted as if they were absent, and nothing of them is relayed.
import { describe, expect, it } from "vitest";
import { connect, freshRoom, getJson, join, newId } from "../helpers";

describe("unknown fields", () => {
  it("a join with extra fields is accepted", async () => {
    const room = freshRoom();
    const c = await connect(room);
    c.send({ type: "join", name: "alice", colour: "blue", admin: true, since2: -1 });
    const welcome = await c.next("welcome");
    expect(welcome.you.name).toBe("alice");
    expect(welcome.you).not.toHaveProperty("colour");
  });

  it("a send with extra fields is posted, without them", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    const id = newId();
    a.client.send({
      type: "send",
      id,
      text: "hi",
      seq: 999,
      user: { id: "forged", name: "mallory" },
      html: "<b>x</b>",
    });
    const echo = await a.client.next("message");
    expect(echo).toMatchObject({ id, text: "hi", seq: 1, user: { id: a.welcome.you.id } });
    expect(echo.user.name).toBe("alice");
    expect(echo).not.toHaveProperty("html");
    const got = await b.client.next("message");
    expect(got).toEqual(echo);
    const page = await getJson<{ messages: unknown[] }>(`/api/rooms/${room}/messages`);
    expect(page.body.messages).toHaveLength(1);
  });

  it("typing with extra fields is relayed", async () => {
    const room = freshRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    a.client.send({ type: "typing", text: "ignored", user: "forged" });
    const t = await b.client.next("typing");
    expect(t.user).toEqual({ id: a.welcome.you.id, name: "alice" });
    await a.client.expectNothing(200, "error");
  });
});
