// The form of a ciphertext in an encrypted room: `e1.` followed by unpadded
// base64url of at least 28 bytes (IV and tag), at most MAX_CIPHERTEXT
// characters counting the `e1.`. Anything else is `text_invalid` with the
// send's id; the shortest and the longest that qualify are stored.
import { describe, expect, it } from "vitest";
import { newId, postReply, roomInfo, V2_LIMITS } from "../helpers";
import { enter } from "../moderation/support";
import { ciphertext, ciphertextOfLength, encryptedRoom } from "./support";

const MAX = V2_LIMITS.MAX_CIPHERTEXT;

/** The longest length that some byte string has in base64url, at most `chars` in all. */
function longestValid(chars: number): number {
  return (chars - 3) % 4 === 1 ? chars - 1 : chars;
}

describe("the ciphertext's form", () => {
  it("refuses a ciphertext too short to hold an IV and a tag", async () => {
    const { room } = await encryptedRoom();
    const { client } = await enter(room, "alice");
    // 37 digits carry 27 bytes; 36 carry 27 too; an empty body none.
    for (const text of [ciphertext(27), ciphertext(1), "e1.", ciphertextOfLength(3 + 36)]) {
      const id = newId();
      client.send({ type: "send", id, text });
      expect(await client.next("error"), text).toMatchObject({ code: "text_invalid", id });
    }
    expect(await roomInfo(room)).toMatchObject({ seq: 0 });
  });

  it("refuses one over MAX_CIPHERTEXT characters", async () => {
    const { room } = await encryptedRoom();
    const { client } = await enter(room, "alice");
    const over = MAX + 1;
    const text = ciphertextOfLength((over - 3) % 4 === 1 ? over + 1 : over);
    const id = newId();
    client.send({ type: "send", id, text });
    expect(await client.next("error")).toMatchObject({ code: "text_invalid", id });
    expect(await roomInfo(room)).toMatchObject({ seq: 0 });
  });

  it("refuses a wrong prefix, another alphabet, padding, and an impossible length", async () => {
    const { room } = await encryptedRoom();
    const { client } = await enter(room, "alice");
    const body = ciphertext(30).slice(3);
    for (const text of [
      body,
      `E1.${body}`,
      `e2.${body}`,
      `e1:${body}`,
      ` e1.${body}`,
      `e1.${body} `,
      `e1.${body}\n`,
      `e1.${body.slice(0, 20)}+${body.slice(21)}`,
      `e1.${body.slice(0, 20)}/${body.slice(21)}`,
      `e1.${body.slice(0, 20)}.${body.slice(21)}`,
      `e1.${body.slice(0, 20)}é${body.slice(21)}`,
      `e1.${"A".repeat(38)}==`,
      `e1.${"A".repeat(41)}`,
    ]) {
      const id = newId();
      client.send({ type: "send", id, text });
      expect(await client.next("error"), text).toMatchObject({ code: "text_invalid", id });
    }
    expect(await roomInfo(room)).toMatchObject({ seq: 0 });
  });

  it("takes the shortest (28 bytes) and the longest (MAX_CIPHERTEXT characters)", async () => {
    const { room } = await encryptedRoom();
    const { client } = await enter(room, "alice");
    const shortest = ciphertext(28);
    expect(shortest).toHaveLength(3 + 38);
    expect((await postReply(client, shortest)).text).toBe(shortest);
    const longest = ciphertextOfLength(longestValid(MAX));
    expect((await postReply(client, longest)).text).toBe(longest);
  });
});
