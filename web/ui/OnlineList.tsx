// The online list (labelled "Online users"): each session's name, tag and
// joined time, a "you" marker, and those whose connection dropped shown as
// reconnecting. The heading's counts match the rows: those online and those
// reconnecting, apart. While this page is not connected the list is what it
// last knew, dimmed and said so. The tag is explained where it is shown
// (same tag = same network address in this room); the place, a guess from
// the network address that is often wrong (a local server says "Austin,
// US"), is not shown in the row but in the person's details: the row's
// tooltip. On a phone the list is a drawer over the room, with a backdrop
// that closes it (as does Escape, in RoomScreen).
import type { ComponentChildren } from "preact";
import type { Room } from "../../client/room";
import type { User } from "../../protocol";
import { t } from "../app";
import { formatClock } from "../lib/time";
import { Badges, IgnoreButton } from "./Moderation";
import { ownerTools } from "./owner";

/** One of eight avatar colours (CSS classes: the CSP forbids inline styles), stable per user. */
function hue(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return `c${h % 8}`;
}

function initial(name: string): string {
  return (Array.from(name)[0] ?? "?").toUpperCase();
}

function UserItem({
  user,
  me,
  room,
  children,
}: {
  user: User;
  room: Room;
  me: boolean;
  children?: ComponentChildren;
}) {
  const joined = t.joinedAt(formatClock(user.joinedAt));
  // The person's details, on hover: the place only here.
  const details = [user.name, user.from && t.fromPlace(user.from), joined]
    .filter(Boolean)
    .join(" · ");
  return (
    <li class={user.away ? "user away" : "user"} title={details}>
      <span class={`avatar ${hue(user.id)}`} aria-hidden="true">
        {initial(user.name)}
      </span>
      <div class="who">
        <div class="who-line">
          <span class="name">{user.name}</span>
          <Badges user={user} />
          {me && <span class="you-marker">{t.youMarker}</span>}
        </div>
        <div class="sub">
          <span class="tag" title={t.tagLabel(user.tag)}>
            <span aria-hidden="true">#{user.tag}</span>
            <span class="sr-only">{t.tagLabel(user.tag)}</span>
          </span>
          <span> · {joined}</span>
        </div>
        {user.away && <div class="away-note">{t.reconnecting}…</div>}
        {/* (v2) Ignore, for everyone, on the others. */}
        {!me && <IgnoreButton room={room} user={user} />}
      </div>
      {children}
    </li>
  );
}

export function OnlineList(props: {
  room: Room;
  open: boolean;
  onClose: () => void;
  onRename: () => void;
  notify: boolean;
  notifyMessage: string | null;
  onNotify: (on: boolean) => void;
}) {
  const { room } = props;
  const you = room.you.value;
  const users = room.users.value;
  const live = room.connected.value;
  const away = users.length - room.online.value;
  const tools = ownerTools.value;
  return (
    <>
      {props.open && (
        <div class="backdrop only-narrow" aria-hidden="true" onClick={props.onClose} />
      )}
      <aside
        id="online-panel"
        class={`online${props.open ? " open" : ""}${live ? "" : " stale"}`}
        aria-labelledby="online-title"
      >
        <div class="online-head">
          <div>
            <h2 id="online-title">{t.onlineUsers}</h2>
            <p class="counts">{t.counts(room.online.value, away)}</p>
            {!live && <p class="last-known">{t.lastKnown}</p>}
          </div>
          <button type="button" class="only-narrow" onClick={props.onClose}>
            {t.hideOnline}
          </button>
        </div>
        <ul class="users" aria-label={t.onlineUsers}>
          {users.map((u) => (
            <UserItem key={u.id} user={u} me={u.id === you?.id} room={room}>
              {/* (v2) An owner's actions on the others (the tools load for owners). */}
              {tools && <tools.UserActions room={room} user={u} />}
            </UserItem>
          ))}
        </ul>
        <div class="me">
          <button type="button" onClick={props.onRename}>
            {t.changeName}
          </button>
          <label class="toggle">
            <input
              type="checkbox"
              checked={props.notify}
              onChange={(e) => props.onNotify(e.currentTarget.checked)}
            />
            <span>{t.notify}</span>
          </label>
          <p class="hint">{props.notifyMessage ?? t.notifyHint}</p>
        </div>
      </aside>
    </>
  );
}
