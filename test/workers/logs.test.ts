// The room's logs are JSON lines that say what happened (joins, refusals,
// leaves) with the room and ids, and never carry message text, tokens or
// the address.
import { afterEach, describe, expect, it, vi } from "vitest";
import { freshRoom, join, newId, post } from "./helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("logs", () => {
  it("are structured and hold no text, token or address", async () => {
    const lines: string[] = [];
    for (const level of ["log", "info", "warn", "error"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      });
    }
    const room = freshRoom();
    const ip = "198.51.100.77";
    const secret = `secret text ${newId()}`;
    const a = await join(room, "alice", { ip });
    const b = await join(room, "bob", { ip: "198.51.100.78" });
    await post(a.client, secret);
    a.client.send({ type: "send", id: newId(), text: "   " }); // refused: text_invalid
    await a.client.next("error");
    b.client.send({ type: "leave" });
    await b.client.closed();
    await a.client.next("left");

    const events = lines
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { level: string; event: string; room?: string });
    const names = events.map((e) => e.event);
    expect(names).toContain("joined");
    expect(names).toContain("refused");
    expect(names).toContain("left");
    expect(events.filter((e) => e.event === "joined").every((e) => e.room === room)).toBe(true);
    const all = lines.join("\n");
    expect(all).not.toContain(secret);
    expect(all).not.toContain(a.welcome.token);
    expect(all).not.toContain(b.welcome.token);
    expect(all).not.toContain(ip);
    expect(all).not.toContain("198.51.100.78");
  });
});
