// The banners over a room's conversation (a lazy chunk, loaded through
// web/ui/lazy.ts the first time the core reports an end or a notice): the
// session taken over by another tab, a full room, too many sessions, the
// screens of a session that an owner kicked or banned or a join a locked
// room refused (moved here from Moderation.tsx), and the core's notices
// (history failed, owner key refused, a close by the server, an error in
// words). They are rare, so they wait outside the page's initial JavaScript
// (35 KiB gzip budget), which encrypted rooms needed room in.
import type { Room } from "../../client/room";
import { goHome, lang, t } from "../app";
import { bannersText } from "../i18n/banners";
import { useNow } from "./hooks";
import { until } from "./Moderation";

const b = bannersText[lang];

export function Banners({ room }: { room: Room }) {
  const ended = room.ended.value;
  const notice = room.notice.value;
  return (
    <>
      {ended === "taken_over" && (
        <div class="banner warn" role="alert">
          <span>{b.takenOver}</span>
          <button type="button" onClick={() => room.reclaim()}>
            {t.useHere}
          </button>
        </div>
      )}
      {(ended === "room_full" || ended === "too_many_sessions") && (
        <div class="banner warn" role="alert">
          <span>{ended === "room_full" ? t.roomFull : t.tooManySessions}</span>
          <button type="button" onClick={() => room.reclaim()}>
            {t.tryAgain}
          </button>
        </div>
      )}
      <ModerationEnded room={room} onLeave={() => goHome()} />
      {notice && (
        <div class="banner" role="alert">
          <span>
            {notice.kind === "history_failed"
              ? t.historyFailed
              : notice.kind === "owner_key_refused"
                ? b.ownerKeyRefused
                : notice.kind === "closed"
                  ? notice.code === 1008
                    ? b.closedAbuse
                    : notice.code === 1009
                      ? b.closedTooBig
                      : b.closedServerError
                  : (t.errors[notice.code as keyof typeof t.errors] ?? notice.message)}
          </span>
          <button type="button" class="link-button" onClick={() => room.dismissNotice()}>
            {t.dismiss}
          </button>
        </div>
      )}
    </>
  );
}

/** The screen of a session that an owner ended, or of a join a locked room refused. */
function ModerationEnded({ room, onLeave }: { room: Room; onLeave: () => void }) {
  const ended = room.ended.value;
  const bannedUntil = room.bannedUntil.value;
  const now = useNow(ended === "banned" && bannedUntil > 0);
  if (ended !== "kicked" && ended !== "banned" && ended !== "room_locked") return null;
  const banOver = ended === "banned" && bannedUntil > 0 && bannedUntil <= now;
  return (
    <div class="banner warn ended" role="alert">
      <span>
        {ended === "kicked"
          ? t.kicked
          : ended === "room_locked"
            ? t.roomLocked
            : banOver
              ? t.banOver
              : bannedUntil
                ? t.bannedUntil(until(bannedUntil))
                : t.banned}
      </span>
      {ended === "banned" && !banOver && (
        <button type="button" onClick={onLeave}>
          {t.leave}
        </button>
      )}
      {/* Under a ban, one try (an owner may have lifted it); the core never retries on its own. */}
      <button
        type="button"
        class={ended === "banned" && !banOver ? "link-button" : undefined}
        onClick={() => room.reclaim()}
      >
        {ended === "kicked" || banOver ? t.joinAgain : t.tryAgain}
      </button>
    </div>
  );
}
