// The message log (role "log", named "Messages"), laid out as a list: a
// heading for each day (Today, Yesterday, a date), and consecutive messages
// of one sender within a few minutes as a group, with one header (name, tag,
// "you", time) and then the texts. Every message keeps its own time, on
// hover and for screen readers, and its text (line breaks kept, http(s)
// links as links, nothing else as markup). Your own messages carry an accent
// bar, messages naming you a highlight; delivery shows only where it says
// something: sending, waiting, failed (with Discard), and "Sent" on your
// latest message. System lines for joins and leaves. It follows new messages
// only while you are at the bottom; otherwise a "New messages" button jumps
// down. At the top it loads older messages, keeping what you were reading in
// place. A sender whose name looks like another present user's is shown with
// their network tag.
// The conversation (issue 13): a reply quotes its original above its text, an
// edited message says so after it, a deleted one reads "Message deleted" in
// its place (header and time kept), reactions show as chips; each message has
// a "Message actions" button (MessageParts.tsx; one in the tab order, ↑ and ↓
// move between them), and a polite live region says what an action did.
import { useSignal } from "@preact/signals";
import { useEffect, useLayoutEffect, useMemo, useRef } from "preact/hooks";
import { type Entry, mentions, type Pending, type Room } from "../../client/room";
import type { Message, User } from "../../protocol";
import { t } from "../app";
import { confusedIds } from "../lib/confusable";
import { layoutLog } from "../lib/log-layout";
import { daysBefore, formatClock, formatTimestamp, isoDay } from "../lib/time";
import {
  dialog,
  editing,
  flash,
  loadTools,
  menuFor,
  resetConversation,
  roving,
  said,
  tools,
} from "./conversation";
import { Formatted, presentNames } from "./Formatted";
import { Actions, Edited, Quote, Reactions, useLongPress } from "./MessageParts";
import { Badges, HiddenItem, isIgnored, useShown } from "./Moderation";
import "./log.css";
import "./conversation.css";

/** The reaction picker or the delete confirmation, once their module is here. */
function Dialogs({ room }: { room: Room }) {
  const Open = tools.value?.Dialogs;
  return Open && dialog.value ? <Open room={room} /> : null;
}

/** Within this many pixels of the end counts as "at the bottom". */
const NEAR_BOTTOM = 48;
/** Within this many pixels of the top, older messages load. */
const NEAR_TOP = 64;

/** A network tag beside a name, read out as what it is. */
function Tag({ tag }: { tag: string }) {
  return (
    <span class="tag" title={t.tagLabel(tag)}>
      <span aria-hidden="true">#{tag}</span>
      <span class="sr-only">{t.tagLabel(tag)}</span>
    </span>
  );
}

/** One thing the log shows: a message, a send of yours not yet confirmed, or a system line. */
type Item =
  | {
      kind: "message";
      key: string;
      ts: number;
      sender: string;
      entry: Extract<Entry, { kind: "message" }>;
    }
  | { kind: "pending"; key: string; ts: number; sender: string; p: Pending }
  | {
      kind: "system";
      key: string;
      ts: number;
      sender: null;
      entry: Extract<Entry, { kind: "system" }>;
    };

interface Who {
  name: string;
  tag?: string | undefined;
  mine: boolean;
  /** (v2) The sender while present: their owner badge and trip. */
  user?: User | undefined;
}

/**
 * The start of a group: the sender, their tag, "you" and the full time. A
 * message further in a group says who and when to screen readers only, and
 * shows its clock time in the gutter on hover.
 */
function Header({ who, ts, head }: { who: Who; ts: number; head: boolean }) {
  const iso = new Date(ts).toISOString();
  if (!head) {
    return (
      <div class="when">
        <span class="sr-only">
          {who.name}
          {who.tag ? ` (${t.tagLabel(who.tag)})` : ""}
          {who.mine ? ` (${t.you})` : ""}{" "}
        </span>
        <time dateTime={iso}>
          <span class="clock" aria-hidden="true">
            {formatClock(ts)}
          </span>
          <span class="sr-only">{formatTimestamp(ts)}</span>
        </time>
      </div>
    );
  }
  return (
    <div class="meta">
      <span class="author">{who.name}</span>
      <Badges user={who.user} />
      {who.tag && <Tag tag={who.tag} />}
      {who.mine && <span class="badge">{t.you}</span>}
      <time dateTime={iso}>{formatTimestamp(ts)}</time>
    </div>
  );
}

function MessageItem(props: {
  room: Room;
  m: Message;
  who: Who;
  you: string;
  head: boolean;
  mention: boolean;
  sent: boolean;
  tabbable: boolean;
}) {
  const { room, m, who, head } = props;
  const gone = m.deleted !== undefined;
  const edit = editing.value?.seq === m.seq;
  const EditBox = tools.value?.EditBox;
  // A change on its way shows faintly; an edit on its way shows its new text.
  const ours = room.changes.value.filter((c) => c.seq === m.seq);
  const changing = ours.length > 0;
  const text = ours.findLast((c) => c.kind === "edit")?.text ?? m.text;
  const cls =
    `msg${head ? " head" : " cont"}${who.mine ? " mine" : ""}${props.mention ? " mention" : ""}` +
    `${gone ? " deleted" : ""}${flash.value === m.seq ? " flash" : ""}` +
    `${menuFor.value === m.seq ? " active" : ""}${changing ? " changing" : ""}`;
  // A long press on a phone opens the message's actions.
  const press = useLongPress(() => {
    if (gone) return;
    loadTools();
    menuFor.value = m.seq;
  });
  return (
    <li
      id={`msg-${m.seq}`}
      class={cls}
      title={formatTimestamp(m.ts)}
      // Focusable by script only: a jump to an original lands here.
      tabIndex={-1}
      {...(gone ? {} : press)}
    >
      <Header who={who} ts={m.ts} head={head} />
      {m.replyTo !== undefined && !gone && <Quote room={room} seq={m.replyTo} />}
      {gone ? (
        <p class="text gone">{m.deleted === "owner" ? t.deletedByOwner : t.messageDeleted}</p>
      ) : m.undecryptable ? (
        // (v2) An encrypted room's text that did not decrypt: said, never shown.
        <p class="text gone">{t.undecryptable}</p>
      ) : edit && EditBox ? (
        <EditBox room={room} m={m} />
      ) : (
        <div class="body">
          <Formatted
            text={text}
            myName={room.you.value?.name}
            names={presentNames(room.users.value)}
          />
          {m.editedAt !== undefined && <Edited at={m.editedAt} />}
        </div>
      )}
      {!gone && <Reactions room={room} m={m} you={props.you} />}
      {!gone && !edit && <Actions room={room} m={m} mine={who.mine} tabbable={props.tabbable} />}
      {props.sent && (
        <p class="delivery sent">
          <span aria-hidden="true">✓ </span>
          <span>{t.sent}</span>
        </p>
      )}
    </li>
  );
}

function PendingItem(props: {
  room: Room;
  p: Pending;
  name: string;
  head: boolean;
  connected: boolean;
  onDiscard: () => void;
}) {
  const { p, head } = props;
  // Honest while offline: a send cannot be "sending" without a connection;
  // it waits, and goes out when the connection is back.
  const label =
    p.status === "failed"
      ? t.notSent
      : p.status === "waiting"
        ? t.waiting
        : props.connected
          ? t.sending
          : t.willSendOnReconnect;
  return (
    <li
      class={`msg mine pending ${p.status}${head ? " head" : " cont"}`}
      title={formatTimestamp(p.at)}
    >
      <Header who={{ name: props.name, mine: true }} ts={p.at} head={head} />
      {p.replyTo !== undefined && <Quote room={props.room} seq={p.replyTo} />}
      <Formatted text={p.text} myName={props.name} />
      <p class="delivery">
        <span>{label}</span>
        {p.status === "failed" && (
          <button type="button" class="link-button" onClick={props.onDiscard}>
            {t.discard}
          </button>
        )}
      </p>
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
        : entry.what === "kicked"
          ? t.kickedLine(entry.name)
          : entry.what === "banned"
            ? t.bannedLine(entry.name)
            : t.disconnectedLine(entry.name);
  return (
    <li class="sys">
      <span>{text}</span>{" "}
      <time dateTime={new Date(entry.ts).toISOString()}>{formatClock(entry.ts)}</time>
    </li>
  );
}

/** A day's heading: Today, Yesterday, or the date in the page's language. */
function dayName(ts: number, now: number): string {
  const ago = daysBefore(ts, now);
  if (ago === 0) return t.today;
  if (ago === 1) return t.yesterday;
  return new Date(ts).toLocaleDateString(t.dayLocale, {
    weekday: "long",
    year: "numeric",
    month: "long",
    day: "numeric",
  });
}

export function MessageLog({ room }: { room: Room }) {
  const box = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const unseen = useSignal(false);
  const prev = useRef({ first: "", last: "", height: 0, pending: 0 });
  // A new room (the screen is keyed by it) starts with nothing open.
  useEffect(() => resetConversation, []);

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
  const people = useMemo(() => new Map(users.map((u) => [u.id, u])), [users]);
  // (v2) Ignored people's messages shown anyway, one by one ("Show").
  const shown = useShown();

  const yourName = you?.name ?? room.name.value;
  const now = Date.now();
  // The one message whose actions button is in the tab order (roving focus):
  // the last one focused, else the newest that has actions.
  let tabSeq = 0;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i];
    if (e?.kind !== "message" || e.message.deleted) continue;
    if (tabSeq === 0) tabSeq = e.message.seq;
    if (e.message.seq === roving.value) {
      tabSeq = e.message.seq;
      break;
    }
  }
  // Your latest confirmed message: the one that says "Sent".
  let lastMine = "";
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i];
    if (e?.kind === "message" && e.mine) {
      lastMine = e.key;
      break;
    }
  }
  const days = useMemo(() => {
    const list: Item[] = entries.map((e) =>
      e.kind === "message"
        ? {
            kind: "message",
            key: e.key,
            ts: e.message.ts,
            sender: `${e.message.user.id} ${e.message.user.name}`,
            entry: e,
          }
        : { kind: "system", key: e.key, ts: e.ts, sender: null, entry: e },
    );
    // Your sends follow the log; they group with your messages before them.
    let last = list.at(-1)?.ts ?? 0;
    let mineSender = "";
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i];
      if (e?.kind === "message") {
        if (e.mine && e.message.user.name === yourName)
          mineSender = `${e.message.user.id} ${e.message.user.name}`;
        break;
      }
    }
    for (const p of pending) {
      last = Math.max(last, p.at);
      list.push({
        kind: "pending",
        key: p.id,
        ts: last,
        sender: mineSender || `you ${yourName}`,
        p,
      });
    }
    return layoutLog(list);
  }, [entries, pending, yourName]);

  const scrollToEnd = () => {
    const el = box.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    unseen.value = false;
  };

  // A log at its end stays there when its box changes size (a phone turned,
  // the composer growing, a banner coming or going).
  useLayoutEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const watch = new ResizeObserver(() => {
      if (atBottom.current) el.scrollTop = el.scrollHeight;
    });
    watch.observe(el);
    return () => watch.disconnect();
  }, []);

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
        {days.map((day) => (
          <section key={day.day} class="day" aria-labelledby={`day-${day.day}`}>
            <h2 class="day-head" id={`day-${day.day}`}>
              <time dateTime={isoDay(day.ts)}>{dayName(day.ts, now)}</time>
            </h2>
            <ol class="entries">
              {day.items.map(({ item, head }) => {
                if (item.kind === "system") return <SystemItem key={item.key} entry={item.entry} />;
                if (item.kind === "pending")
                  return (
                    <PendingItem
                      key={item.key}
                      room={room}
                      p={item.p}
                      head={head}
                      name={yourName}
                      connected={room.connected.value}
                      onDiscard={() => room.discard(item.p.id)}
                    />
                  );
                const m = item.entry.message;
                const mine = item.entry.mine;
                const ignored = !mine && isIgnored(room, m.user.id);
                if (ignored && !shown.value.has(m.seq))
                  return (
                    <HiddenItem
                      key={item.key}
                      onShow={() => {
                        shown.value = new Set(shown.value).add(m.seq);
                      }}
                    />
                  );
                return (
                  <MessageItem
                    key={item.key}
                    room={room}
                    m={m}
                    you={you?.id ?? ""}
                    head={head || ignored}
                    who={{
                      name: m.user.name,
                      tag: tags.get(m.user.id),
                      mine,
                      user: people.get(m.user.id),
                    }}
                    mention={!mine && yourName !== "" && mentions(m.text, yourName)}
                    sent={item.key === lastMine && !m.deleted}
                    tabbable={m.seq === tabSeq}
                  />
                );
              })}
            </ol>
          </section>
        ))}
      </div>
      {unseen.value && (
        <button type="button" class="jump" onClick={scrollToEnd}>
          {t.newMessages} ↓
        </button>
      )}
      {/* What the message actions did, said politely (replying, edited, deleted, a reaction). */}
      <p class="sr-only" role="status">
        {said.value}
      </p>
      <Dialogs room={room} />
    </div>
  );
}
