// In an encrypted room a `send` whose text is plaintext is `text_invalid`
// (with its id), nothing is stored, and the connection stays open. `quit()`
// is never the command there: it is plaintext like any other, and a client
// leaves with `leave`.
import { describe, expect, it } from "vitest";
import { newId, roomInfo } from "../helpers";
import { enter } from "../moderation/support";
import { encryptedRoom } from "./support";

describe("a plaintext send in an encrypted room", () => {
  it("is text_invalid, whatever the text", async () => {
    const { room } = await encryptedRoom();
    const { client } = await enter(room, "alice");
    for (const text of ["hello", "e1 not base64", "  quit()  ", "quit()", "😀"]) {
      const id = newId();
      client.send({ type: "send", id, text });
      expect(await client.next("error")).toMatchObject({ code: "text_invalid", id });
    }
    await client.expectNothing(200, "message");
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    expect(await roomInfo(room)).toMatchObject({ seq: 0, rev: 0, online: 1 });
  });

  it("`leave` still leaves", async () => {
    const { room } = await encryptedRoom();
    const { client } = await enter(room, "alice");
    client.send({ type: "leave" });
    expect((await client.closed()).code).toBe(1000);
  });
});
