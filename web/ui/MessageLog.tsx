// The message log (role "log", named "Messages"): messages with sender, local
// time and text (line breaks kept, http(s) links as links, nothing else as
// markup), your own marked and their delivery shown, system lines for joins
// and leaves. It follows new messages only while you are at the bottom;
// otherwise a "New messages" button jumps down. At the top it loads older
// messages, keeping what you were reading in place. A sender whose name looks
// like another present user's is shown with their network tag.
import { useSignal } from "@preact/signals";
import { useLayoutEffect, useMemo, useRef } from "preact/hooks";
import type { Entry, Pending, Room } from "../../client/room";
import type { Message } from "../../protocol";
import { t } from "../app";
import { confusedIds } from "../lib/confusable";
import { linkify } from "../lib/linkify";
import { formatClock, formatTimestamp } from "../lib/time";

/** Within this many pixels of the end counts as "at the bottom". */
const NEAR_BOTTOM = 48;
/** Within this many pixels of the top, older messages load. */
const NEAR_TOP = 64;

function Text({ text }: { text: string }) {
  // Once per message: the whole log renders again for every join, leave and
  // new message, and a message's text never changes.
  const parts = useMemo(() => linkify(text), [text]);
  return (
    <div class="text">
      {parts.map((part, i) =>
        part.kind === "link" ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer nofollow ugc">
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </div>
  );
}

/** A network tag beside a name, read out as what it is. */
function Tag({ tag }: { tag: string }) {
  return (
    <span class="tag" title={t.tagLabel(tag)}>
      <span aria-hidden="true">#{tag}</span>
      <span class="sr-only">{t.tagLabel(tag)}</span>
    </span>
  );
}

function MessageItem({ message, mine, tag }: { message: Message; mine: boolean; tag?: string }) {
  return (
    <li class={mine ? "msg mine" : "msg"}>
      <div class="meta">
        <span class="author">{message.user.name}</span>
        {tag && <Tag tag={tag} />}
        {mine && <span class="badge">{t.you}</span>}
        <time dateTime={new Date(message.ts).toISOString()}>{formatTimestamp(message.ts)}</time>
        {mine && <span class="delivery sent">✓ {t.sent}</span>}
      </div>
      <Text text={message.text} />
    </li>
  );
}

function PendingItem({ p, name, onDiscard }: { p: Pending; name: string; onDiscard: () => void }) {
  const label = p.status === "failed" ? t.notSent : p.status === "waiting" ? t.waiting : t.sending;
  return (
    <li class={`msg mine pending ${p.status}`}>
      <div class="meta">
        <span class="author">{name}</span>
        <span class="badge">{t.you}</span>
        <span class="delivery">{label}</span>
        {p.status === "failed" && (
          <button type="button" class="link-button" onClick={onDiscard}>
            {t.discard}
          </button>
        )}
      </div>
      <Text text={p.text} />
      {p.status === "failed" && p.reason && (
        <p class="field-error">{t.errors[p.reason as keyof typeof t.errors] ?? t.textInvalid}</p>
      )}
    </li>
  );
}

function SystemItem({ entry }: { entry: Extract<Entry, { kind: "system" }> }) {
  const text =
    entry.what === "joined"
      ? t.joinedLine(entry.name)
      : entry.what === "left"
        ? t.leftLine(entry.name)
        : t.disconnectedLine(entry.name);
  return (
    <li class="sys">
      <span>{text}</span>{" "}
      <time dateTime={new Date(entry.ts).toISOString()}>{formatClock(entry.ts)}</time>
    </li>
  );
}

export function MessageLog({ room }: { room: Room }) {
  const box = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const unseen = useSignal(false);
  const prev = useRef({ first: "", last: "", height: 0, pending: 0 });

  const entries = room.log.value;
  const pending = room.pending.value;
  const you = room.you.value;
  const users = room.users.value;
  // The tags of present users whose names could be confused with another
  // present user's, by user id: a message from one of them shows the tag.
  const tags = useMemo(() => {
    const confused = confusedIds(users);
    return new Map(users.filter((u) => confused.has(u.id)).map((u) => [u.id, u.tag]));
  }, [users]);

  const scrollToEnd = () => {
    const el = box.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    unseen.value = false;
  };

  // After each render: keep the reader's place when older messages come in
  // above, follow new ones at the bottom, or offer the jump button.
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const first = entries[0]?.key ?? "";
    const last = entries.at(-1)?.key ?? "";
    const p = prev.current;
    const prepended = p.first !== "" && first !== p.first && last === p.last;
    if (prepended && !atBottom.current) {
      el.scrollTop += el.scrollHeight - p.height;
    } else if (atBottom.current || pending.length > p.pending) {
      scrollToEnd();
    } else if (last !== p.last) {
      unseen.value = true;
    }
    prev.current = { first, last, height: el.scrollHeight, pending: pending.length };
  });

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM;
    if (atBottom.current) unseen.value = false;
    prev.current.height = el.scrollHeight;
    if (el.scrollTop < NEAR_TOP && room.hasMore.value && !room.loadingOlder.value) {
      void room.loadOlder();
    }
  };

  const empty = entries.length === 0 && pending.length === 0;
  return (
    <div class="log-wrap">
      <div
        class="log"
        role="log"
        aria-label={t.messages}
        ref={box}
        onScroll={onScroll}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard to scroll it.
        tabIndex={0}
      >
        {room.hasMore.value ? (
          <button
            type="button"
            class="older"
            onClick={() => room.loadOlder()}
            disabled={room.loadingOlder.value}
          >
            {room.loadingOlder.value ? t.loading : t.loadOlder}
          </button>
        ) : (
          !empty && <p class="beginning">{t.beginning}</p>
        )}
        {empty && you && <p class="empty">{t.empty}</p>}
        <ol class="entries">
          {entries.map((e) =>
            e.kind === "message" ? (
              <MessageItem
                key={e.key}
                message={e.message}
                mine={e.mine}
                tag={tags.get(e.message.user.id)}
              />
            ) : (
              <SystemItem key={e.key} entry={e} />
            ),
          )}
          {pending.map((p) => (
            <PendingItem
              key={p.id}
              p={p}
              name={you?.name ?? room.name.value}
              onDiscard={() => room.discard(p.id)}
            />
          ))}
        </ol>
      </div>
      {unseen.value && (
        <button type="button" class="jump" onClick={scrollToEnd}>
          {t.newMessages} ↓
        </button>
      )}
    </div>
  );
}
