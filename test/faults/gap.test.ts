// A long absence: one client goes offline (its socket dropped, no reconnect)
// after it has seen the room's first messages, while three others post 300
// more. On its return it resumes with `since`; the welcome can carry only the
// newest 200 of what it missed, so it says `gap: true`, and the client pages
// back over HTTP (`before=`, 100 at a time) until the hole is filled. The
// checker then finds no hole in its view.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { WelcomeFrame } from "../../protocol";
import { checkRoom, ResilientClient, roomInfo } from "../lib/resilient";
import { type DevServer, startDevServer } from "../lib/wrangler";
import { UNTHROTTLED } from "./helpers";

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer({ vars: { ...UNTHROTTLED, RESUME_GRACE_MS: 600_000 } });
});
afterAll(async () => {
  await server?.dispose();
});

it("fills a welcome's gap by paging back, leaving no hole", async () => {
  const room = "gap";
  const make = (name: string) => new ResilientClient({ base: server.url, room, name });
  const away = make("away");
  const writers = ["w0", "w1", "w2"].map(make);
  await Promise.all([away, ...writers].map((c) => c.start()));

  // The absent client has seen the start, so a hole after it would show.
  for (let i = 0; i < 5; i++) writers[i % 3]?.send(`early ${i}`);
  await Promise.all(writers.map((c) => c.settled(30_000)));
  await away.caughtUp(5, 30_000);

  away.pause();
  for (let i = 0; i < 300; i++) writers[i % 3]?.send(`while away ${i}`);
  await Promise.all(writers.map((c) => c.settled(60_000)));
  expect((await roomInfo(server.url, room)).seq).toBe(305);

  away.resume();
  const { verdict } = await checkRoom(server.url, room, [away, ...writers]);
  expect(verdict.errors).toEqual([]);
  expect(verdict.counts).toMatchObject({ confirmed: 305, stored: 305 });

  const back = away.welcomes.at(-1) as WelcomeFrame;
  expect(back.you.id).toBe(away.welcomes[0]?.you.id);
  expect(back.gap).toBe(true);
  expect(back.messages.map((m) => m.seq)).toEqual(Array.from({ length: 200 }, (_, i) => 106 + i));
  // Seqs 6–105 came from history pages.
  expect(away.stats.pages).toBeGreaterThanOrEqual(1);
  expect(away.view().messages.map((m) => m.seq)).toEqual(
    Array.from({ length: 305 }, (_, i) => i + 1),
  );
  for (const c of [away, ...writers]) c.close();
});
