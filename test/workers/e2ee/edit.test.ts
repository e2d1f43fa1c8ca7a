// An `edit` in an encrypted room follows the same ciphertext rule as a
// `send`, at the same place in its order of checks: after the message
// (`message_unknown`) and the right (`forbidden`), `text_invalid` with the
// seq for a plaintext or a text not of the form; a good ciphertext replaces
// the text exactly as sent, and everyone gets it in the `update`.
import { describe, expect, it } from "vitest";
import { applyChange, postReply, roomInfo, V2_LIMITS } from "../helpers";
import { enter } from "../moderation/support";
import { ciphertext, ciphertextOfLength, encryptedRoom } from "./support";

describe("an edit in an encrypted room", () => {
  it("refuses a plaintext and a text not of the form, with the seq", async () => {
    const { room } = await encryptedRoom();
    const { client } = await enter(room, "alice");
    const m = await postReply(client, ciphertext());
    for (const text of [
      "fixed",
      "quit()",
      ciphertext(27),
      `${ciphertext(30)}=`,
      ciphertextOfLength(V2_LIMITS.MAX_CIPHERTEXT + 2),
    ]) {
      client.send({ type: "edit", seq: m.seq, text });
      expect(await client.next("error"), text).toMatchObject({ code: "text_invalid", seq: m.seq });
    }
    await client.expectNothing(200, "update");
    expect(await roomInfo(room)).toMatchObject({ rev: 1 });
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });

  it("checks the message and the right before the text", async () => {
    const { room } = await encryptedRoom();
    const a = await enter(room, "alice");
    const b = await enter(room, "bob");
    const m = await postReply(a.client, ciphertext());
    b.client.send({ type: "edit", seq: 99, text: "plain" });
    expect(await b.client.next("error")).toMatchObject({ code: "message_unknown", seq: 99 });
    b.client.send({ type: "edit", seq: m.seq, text: "plain" });
    expect(await b.client.next("error")).toMatchObject({ code: "forbidden", seq: m.seq });
  });

  it("stores a ciphertext as sent and sends everyone the update", async () => {
    const { room } = await encryptedRoom();
    const a = await enter(room, "alice");
    const b = await enter(room, "bob");
    const m = await postReply(a.client, ciphertext());
    await b.client.next("message");
    const text = ciphertext(64);
    const edited = await applyChange(a.client, { type: "edit", seq: m.seq, text });
    expect(edited).toMatchObject({ seq: m.seq, id: m.id, text, rev: 2 });
    expect(edited.editedAt).toEqual(expect.any(Number));
    expect((await b.client.next("update")).message).toEqual(edited);
  });
});
