// What everyone sees of a room's moderation (issue 14; the owners' own tools
// are a lazy chunk apart): the owner badge and the trip beside a name, the
// room's topic under its name, the slow-mode and mute lines near the
// composer, the screens of a session that was kicked or banned or a join a
// locked room refused (the core does not reconnect after them), "Ignore" and
// "Stop ignoring" on a person, and the line that stands for an ignored
// person's message.
//
// Ignoring is by tag (same tag = same network address in this room) and on
// this device only (the core keeps the tags in local storage). An ignored
// person's message is collapsed to one line, "Hidden: message from an
// ignored person", with "Show", which shows that one message until the room
// is left; the log still holds it (and "Save conversation" still saves it).
// A mute shows its end as HH:MM when it ends today, else with its date; a
// muted send waits in the core until the mute ends, so the composer stays
// usable. A ban's end comes with its 4003 close (the core keeps it on the
// device, so a reload shows this screen without trying the room); once it
// has passed, the screen offers to try again. A ban this device was not told
// of (another browser of a banned address) shows only as failed connections.
import { useSignal } from "@preact/signals";
import type { Room } from "../../client/room";
import type { User } from "../../protocol";
import { t } from "../app";
import { dayOf, formatClock, formatTimestamp } from "../lib/time";
import { secondsUntil, useNow } from "./hooks";
import "./moderation.css";

/** A time to come: HH:MM today, else with its date. */
export const until = (ts: number) =>
  dayOf(ts) === dayOf(Date.now()) ? formatClock(ts) : formatTimestamp(ts).slice(0, 16);

/** The owner badge and the trip beside a name (nothing for someone who has neither). */
export function Badges({ user }: { user: User | undefined }) {
  return (
    <>
      {user?.role === "owner" && <span class="owner-badge">{t.owner}</span>}
      {user?.trip && (
        <span class="trip" title={t.trip(user.trip)}>
          <span aria-hidden="true">◆{user.trip}</span>
          <span class="sr-only">{t.trip(user.trip)}</span>
        </span>
      )}
    </>
  );
}

/** The topic under the room's name: one line, the whole of it on hover and on focus. */
export function Topic({ room }: { room: Room }) {
  const topic = room.settings.value.topic;
  if (!topic) return null;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: focus unfolds a long topic for keyboard users.
    <p class="topic" title={topic} tabIndex={0}>
      <span class="sr-only">{t.topic}: </span>
      {topic}
    </p>
  );
}

/** "Ignore" or "Stop ignoring" on a person (by their tag). */
export function IgnoreButton({ room, user }: { room: Room; user: User }) {
  const ignored = room.ignored.value.has(user.tag);
  return (
    <button
      type="button"
      class="link-button ignore"
      onClick={() => (ignored ? room.unignore(user.tag) : room.ignore(user.tag))}
    >
      {ignored ? t.stopIgnoring : t.ignore}
    </button>
  );
}

/** Whether a message's sender is ignored here. */
export const isIgnored = (room: Room, userId: string) => {
  const tag = room.tagOf(userId);
  return tag !== undefined && room.ignored.value.has(tag);
};

/** The line in the log for an ignored person's message, with "Show". */
export function HiddenItem({ onShow }: { onShow: () => void }) {
  return (
    <li class="sys hidden-msg">
      <span>{t.hiddenMessage}</span>{" "}
      <button type="button" class="link-button" onClick={onShow}>
        {t.show}
      </button>
    </li>
  );
}

/** The messages shown anyway ("Show") on this screen, by seq. */
export const useShown = () => useSignal<ReadonlySet<number>>(new Set());

/** The slow-mode line (not for owners) with its countdown, and the mute line, near the composer. */
export function ModerationNote({ room }: { room: Room }) {
  const muted = room.mutedUntil.value;
  const slowMs = room.isOwner.value ? 0 : room.settings.value.slowMs;
  const slowUntil = room.slowUntil.value;
  const now = useNow(slowMs > 0 && slowUntil > Date.now());
  const wait = slowMs > 0 && slowUntil > now;
  if ((muted <= 0 && slowMs <= 0) || room.ended.value) return null;
  return (
    <div id="composer-moderation" class="mod-note">
      {/* Announced once when it changes; the ticking countdown is outside it. */}
      <p role="status">
        {muted > 0 ? t.mutedUntil(until(muted)) : t.slowMode(Math.round(slowMs / 1000))}
      </p>
      {muted <= 0 && wait && <p class="slow-wait">{t.slowWait(secondsUntil(slowUntil, now))}</p>}
    </div>
  );
}
