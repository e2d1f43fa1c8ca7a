// When a session's connection drops without `leave`, the others get `away`
// for it at once (not the joiner's own socket), and `back` when it resumes on
// a new connection; the resumer gets a welcome, not its own `back`.
import { describe, expect, it } from "vitest";
import { freshRoom, getJson, join } from "../helpers";
import { LIMITS } from "../limits";

describe("away and back", () => {
  it("tells the others `away` when a connection drops and `back` when it resumes", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const carol = await join(room, "carol");
    const bob = await join(room, "bob");
    await alice.client.next("joined");
    await alice.client.next("joined");
    await carol.client.next("joined");

    bob.client.close();
    // At once: well within the grace period, and before any `left`.
    for (const other of [alice, carol]) {
      const away = await other.client.next("away", LIMITS.RESUME_GRACE_MS);
      expect(away.user).toEqual({ ...bob.welcome.you, away: true });
    }
    const info = await getJson<{ online: number }>(`/api/rooms/${encodeURIComponent(room)}`);
    expect(info.body.online).toBe(2);

    const again = await join(room, "bob", { token: bob.welcome.token });
    for (const other of [alice, carol]) {
      const back = await other.client.next("back");
      expect(back.user).toEqual({ ...bob.welcome.you, away: false });
      expect(other.client.frames.some((f) => typeof f !== "string" && f.type === "left")).toBe(
        false,
      );
    }
    // The resumer is listed as present, and does not hear about itself.
    const me = again.welcome.users.find((u) => u.id === bob.welcome.you.id);
    expect(me?.away).toBe(false);
    await again.client.expectNothing(300);
    expect(again.client.frames.map((f) => (typeof f === "string" ? f : f.type))).toEqual([
      "welcome",
    ]);
  });

  it("lists the away session as away to someone joining meanwhile", async () => {
    const room = freshRoom();
    const alice = await join(room, "alice");
    const bob = await join(room, "bob");
    bob.client.close();
    await alice.client.next("away");
    const carol = await join(room, "carol");
    const listed = carol.welcome.users.find((u) => u.id === bob.welcome.you.id);
    expect(listed).toMatchObject({ name: "bob", away: true });
    const again = await join(room, "bob", { token: bob.welcome.token });
    expect((await carol.client.next("back")).user.id).toBe(again.welcome.you.id);
  });
});
