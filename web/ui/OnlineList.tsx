// The online list on the right (labelled "Online users"): each session's
// name, tag, place when known and joined time, a "you" marker, and those
// whose connection dropped shown as reconnecting; the count of those online
// in the heading. Below it, your own settings: change name, notifications.

import type { Room } from "../../client/room";
import type { User } from "../../protocol";
import { t } from "../app";
import { formatClock } from "../lib/time";

/** One of eight avatar colours (CSS classes: the CSP forbids inline styles), stable per user. */
function hue(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return `c${h % 8}`;
}

function initial(name: string): string {
  return (Array.from(name)[0] ?? "?").toUpperCase();
}

function UserItem({ user, me }: { user: User; me: boolean }) {
  return (
    <li class={user.away ? "user away" : "user"}>
      <span class={`avatar ${hue(user.id)}`} aria-hidden="true">
        {initial(user.name)}
      </span>
      <div class="who">
        <div class="who-line">
          <span class="name">{user.name}</span>
          {me && <span class="you-marker">{t.youMarker}</span>}
        </div>
        <div class="sub">
          <span title={t.tagLabel(user.tag)}>#{user.tag}</span>
          {user.from && <span> · {user.from}</span>}
          <span> · {t.joinedAt(formatClock(user.joinedAt))}</span>
        </div>
        {user.away && <div class="away-note">{t.reconnecting}…</div>}
      </div>
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
  return (
    <aside id="online-panel" class={props.open ? "online open" : "online"}>
      <div class="online-head">
        <h2>
          {t.onlineUsers} <span class="count">{room.online.value}</span>
        </h2>
        <button type="button" class="only-narrow" onClick={props.onClose}>
          {t.hideOnline}
        </button>
      </div>
      <ul class="users" aria-label={t.onlineUsers}>
        {room.users.value.map((u) => (
          <UserItem key={u.id} user={u} me={u.id === you?.id} />
        ))}
      </ul>
      <div class="me">
        <button type="button" onClick={props.onRename}>
          {t.changeName}
        </button>
        <label class="toggle" title={t.notifyTitle}>
          <input
            type="checkbox"
            checked={props.notify}
            onChange={(e) => props.onNotify(e.currentTarget.checked)}
          />
          <span>{t.notify}</span>
        </label>
        <p class="hint">{props.notifyMessage ?? t.notifyTitle}</p>
      </div>
    </aside>
  );
}
