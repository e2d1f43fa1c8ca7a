// The parts of a message that everyone sees once a room uses the
// conversation actions (issue 13), so they load with the page: the "Message
// actions" button, the quote of the original above a reply (a button that
// jumps to it), the "edited" mark, and the reaction chips (toggle buttons
// named by the emoji and the count; who reacted on hover or a long press).
// What only someone acting needs (the menu, the edit box, the dialogs) is in
// MessageTools.tsx, loaded on first use.
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import type { Room } from "../../client/room";
import type { Message } from "../../protocol";
import { t } from "../app";
import { formatTimestamp } from "../lib/time";
import { announce, loadTools, menuFor, original, roving, snippet, tools } from "./conversation";

/** How long a finger rests on a chip or a message before it counts as a long press. */
export const LONG_PRESS_MS = 500;

/**
 * Calls `then` after a long press of a finger (not a mouse: it has hover),
 * and swallows the click that ends it. Spread onto the pressed element.
 */
export function useLongPress(then: () => void) {
  const timer = useRef<number | undefined>(undefined);
  const fired = useRef(false);
  const stop = () => window.clearTimeout(timer.current);
  return {
    onPointerDown: (e: PointerEvent) => {
      fired.current = false;
      if (e.pointerType !== "touch") return;
      stop();
      timer.current = window.setTimeout(() => {
        fired.current = true;
        then();
      }, LONG_PRESS_MS);
    },
    onPointerUp: stop,
    onPointerCancel: stop,
    onPointerLeave: stop,
    // A long press also asks for the context menu on Android: this one is ours.
    onContextMenu: (e: Event) => {
      if (fired.current) e.preventDefault();
    },
    onClickCapture: (e: Event) => {
      if (fired.current) {
        fired.current = false;
        e.preventDefault();
        e.stopPropagation();
      }
    },
  };
}

const Dots = () => (
  <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
    <path d="M5 12h.01M12 12h.01M19 12h.01" />
  </svg>
);

/**
 * The "Message actions" button. Its menu comes from the lazily loaded
 * MessageTools module, fetched when a pointer or the keyboard first reaches
 * a button (so it is there by the click). Only one message's button is in
 * the tab order (`tabbable`); ↑ and ↓ move between messages.
 */
export function Actions(props: { room: Room; m: Message; mine: boolean; tabbable: boolean }) {
  const { m } = props;
  const open = menuFor.value === m.seq;
  const Menu = tools.value?.Menu;

  const moveFocus = (e: KeyboardEvent) => {
    const keys: Record<string, number> = { ArrowUp: -1, ArrowDown: 1 };
    const step = keys[e.key];
    if (!step) return;
    const all = Array.from(document.querySelectorAll<HTMLElement>(".log .act"));
    const next = all[all.indexOf(e.currentTarget as HTMLElement) + step];
    if (next) {
      e.preventDefault();
      next.focus();
      next.scrollIntoView({ block: "nearest" });
    }
  };

  return (
    <div class={open ? "actions-wrap open" : "actions-wrap"}>
      <button
        type="button"
        class="act"
        aria-label={t.messageActions}
        title={t.messageActions}
        aria-expanded={open}
        aria-haspopup="true"
        tabIndex={props.tabbable || open ? 0 : -1}
        onKeyDown={moveFocus}
        onPointerEnter={loadTools}
        onFocus={() => {
          roving.value = m.seq;
          loadTools();
        }}
        onClick={() => {
          menuFor.value = open ? null : m.seq;
        }}
      >
        <Dots />
      </button>
      {open && Menu && <Menu room={props.room} m={m} mine={props.mine} />}
    </div>
  );
}

/**
 * The original above a reply: its sender and the start of its text, a button
 * that jumps to it. Fetched when the log does not hold it; "original not
 * retained" (no button: there is nothing to go to) when the room has let it
 * go, "original deleted" for a tombstone.
 */
export function Quote({ room, seq }: { room: Room; seq: number }) {
  const o = original(room, seq);
  if (o === null)
    return (
      <p class="quote gone">
        <span aria-hidden="true">↩ </span>
        {t.originalGone}
      </p>
    );
  return (
    <button
      type="button"
      class="quote"
      title={t.goToOriginal}
      onClick={() => loadTools().then((m) => m.jumpTo(room, seq))}
    >
      <span aria-hidden="true">↩ </span>
      {o === undefined ? (
        "…"
      ) : (
        <>
          <span class="sr-only">{t.inReplyTo(o.user.name)} </span>
          <b aria-hidden="true">{o.user.name}</b>{" "}
          <span class="quote-text">{o.deleted ? t.originalDeleted : snippet(o.text)}</span>
        </>
      )}
    </button>
  );
}

/** "edited", with the time of the edit on hover and for screen readers. */
export function Edited({ at }: { at: number }) {
  const when = formatTimestamp(at);
  return (
    <span class="edited" title={t.editedAt(when)}>
      {" "}
      ({t.edited}
      <span class="sr-only"> {when}</span>)
    </span>
  );
}

/** One reaction: a toggle named "👍 2", who on hover (title) or a long press (a small popover). */
function Chip(props: { room: Room; seq: number; emoji: string; users: string[]; you: string }) {
  const { room, emoji, users } = props;
  const mine = users.includes(props.you);
  const who = useSignal(false);
  const names = users
    .map((id) =>
      id === props.you
        ? t.you
        : (room.users.value.find((u) => u.id === id)?.name ?? t.someoneWhoLeft),
    )
    .join(", ");
  const press = useLongPress(() => {
    who.value = true;
  });
  useEffect(() => {
    if (!who.value) return;
    const hide = () => {
      who.value = false;
    };
    const timer = window.setTimeout(hide, 4000);
    document.addEventListener("pointerdown", hide);
    return () => {
      window.clearTimeout(timer);
      document.removeEventListener("pointerdown", hide);
    };
  }, [who.value]);
  return (
    <span class="chip-wrap">
      <button
        type="button"
        class={mine ? "chip mine" : "chip"}
        aria-pressed={mine}
        title={names}
        {...press}
        onClick={() => {
          const r = room.react(props.seq, emoji, !mine);
          // A refusal is rare here (the message went, say): its words load with the tools.
          if (r.ok) announce(mine ? t.reactionRemoved(emoji) : t.reactionAdded(emoji));
          else loadTools().then((m) => announce(m.changeError(room, r) ?? ""));
        }}
      >
        <span class="emoji">{emoji}</span> <span class="count">{users.length}</span>
      </button>
      {who.value && (
        <span class="who-reacted" role="tooltip">
          {names}
        </span>
      )}
    </span>
  );
}

export function Reactions({ room, m, you }: { room: Room; m: Message; you: string }) {
  if (!m.reactions?.length) return null;
  return (
    <div class="reactions">
      {m.reactions.map((r) => (
        <Chip key={r.emoji} room={room} seq={m.seq} emoji={r.emoji} users={r.users} you={you} />
      ))}
    </div>
  );
}
