// What only someone acting on a message needs (issue 13), loaded with a
// dynamic import when a message's actions are first reached (conversation.ts,
// loadTools), so that a visitor who only reads does not pay for it: the
// core's refusals in words, the jump to a reply's original, the actions
// menu, the in-place edit box ("Edit message", Save, Cancel), and
// the two dialogs, the reaction picker ("Reactions": one button per emoji,
// named by the emoji, common ones and those already used in the room; yours
// pressed) and the delete confirmation ("Delete" and "Cancel"). The dialogs
// are modal <dialog>s (showModal: the page behind is inert, Escape cancels);
// closing one puts the keyboard back on the message's actions button.
import { useSignal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useLayoutEffect, useRef } from "preact/hooks";
import type { ChangeResult, Room } from "../../client/room";
import type { Message } from "../../protocol";
import { lang, t } from "../app";
import { toolsText } from "../i18n/tools";
import {
  announce,
  dialog,
  editing,
  flash,
  focusComposer,
  focusMessage,
  menuFor,
  replyTo,
  snippet,
} from "./conversation";

/** The words of these tools, in the page's language. */
const w = toolsText[lang];

/** A refusal by the core, in plain words (null: nothing to tell, as for an unchanged edit). */
export function changeError(room: Room, r: ChangeResult): string | null {
  if (r.ok || r.reason === "unchanged") return null;
  if (r.reason === "too_late")
    return w.tooLate(Math.round(room.limits.value.EDIT_WINDOW_MS / 60_000));
  if (r.reason === "too_long") return t.tooLong(room.limits.value.MAX_TEXT);
  return w.changeErrors[r.reason];
}

const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

/**
 * Scrolls to the message `seq`, highlights it for a moment and focuses it.
 * An original older than what the log holds is paged in with loadOlder()
 * (the room keeps at most HISTORY_LIMIT messages, so this ends); one the
 * room no longer retains cannot be shown, and that is said instead.
 */
export async function jumpTo(room: Room, seq: number): Promise<void> {
  for (let i = 0; i < 40 && !room.message(seq) && room.hasMore.value; i++) {
    await room.loadOlder();
  }
  await nextFrame();
  const el = document.getElementById(`msg-${seq}`);
  if (!el) {
    announce(t.originalGone);
    return;
  }
  const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
  el.scrollIntoView({ block: "center", behavior: still ? "auto" : "smooth" });
  el.focus({ preventScroll: true });
  flash.value = seq;
  window.setTimeout(() => {
    if (flash.value === seq) flash.value = null;
  }, 2000);
}

/**
 * The menu of a message's actions: Reply, Add reaction, and Edit and Delete
 * where the core allows them (your own messages; Delete also on any message
 * for a room owner, as the protocol lets owners moderate). It opens with the
 * keyboard on its first item (upwards near the log's end); Escape or a press
 * elsewhere closes it.
 */
export function Menu({ room, m, mine }: { room: Room; m: Message; mine: boolean }) {
  const menu = useRef<HTMLDivElement>(null);
  const close = (back = true) => {
    menuFor.value = null;
    if (back) focusMessage(m.seq);
  };

  useLayoutEffect(() => {
    const el = menu.current;
    if (!el) return;
    const log = el.closest(".log");
    if (log && el.getBoundingClientRect().bottom > log.getBoundingClientRect().bottom)
      el.classList.add("up");
    el.querySelector("button")?.focus();
    const outside = (e: PointerEvent) => {
      if (!el.parentElement?.contains(e.target as Node)) close(false);
    };
    const onEscape = (e: KeyboardEvent) => {
      if (e.key === "Escape") close();
    };
    document.addEventListener("pointerdown", outside);
    document.addEventListener("keydown", onEscape);
    return () => {
      document.removeEventListener("pointerdown", outside);
      document.removeEventListener("keydown", onEscape);
    };
  }, []);

  const choose = (what: () => void) => () => {
    menuFor.value = null;
    what();
  };

  return (
    <div class="msg-menu" ref={menu}>
      <button
        type="button"
        onClick={choose(() => {
          replyTo.value = m.seq;
          announce(t.replyingTo(m.user.name));
          focusComposer();
        })}
      >
        <span aria-hidden="true">↩ </span>
        {w.reply}
      </button>
      <button
        type="button"
        onClick={choose(() => {
          dialog.value = { kind: "react", seq: m.seq };
        })}
      >
        <span aria-hidden="true">☺ </span>
        {w.addReaction}
      </button>
      {mine && room.canEdit(m) && (
        <button
          type="button"
          onClick={choose(() => {
            editing.value = { seq: m.seq, from: "message" };
          })}
        >
          <span aria-hidden="true">✎ </span>
          {w.edit}
        </button>
      )}
      {room.canDelete(m) && (
        <button
          type="button"
          class="danger"
          onClick={choose(() => {
            dialog.value = { kind: "delete", seq: m.seq };
          })}
        >
          <span aria-hidden="true">✕ </span>
          {w.del}
        </button>
      )}
    </div>
  );
}

/**
 * Your message's text in a box, in place: Enter (or Save) saves, Escape (or
 * Cancel) cancels, Shift+Enter breaks the line. The core's refusal shows
 * under the box; the keyboard goes back to where the edit started.
 */
export function EditBox({ room, m }: { room: Room; m: Message }) {
  const text = useSignal(m.text);
  const error = useSignal<string | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const id = `edit-${m.seq}`;

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);

  const done = (said: string) => {
    const from = editing.value?.from;
    editing.value = null;
    announce(said);
    if (from === "composer") focusComposer();
    else focusMessage(m.seq);
  };
  const save = () => {
    const r = room.edit(m.seq, text.value);
    const problem = changeError(room, r);
    if (problem) error.value = problem;
    else done(r.ok ? w.messageEdited : w.editCancelled);
  };

  return (
    <div class="edit-box">
      <textarea
        ref={box}
        class="box"
        rows={Math.min(8, text.value.split("\n").length + 1)}
        aria-label={w.editMessage}
        aria-describedby={`${id}-hint ${id}-error`}
        aria-invalid={error.value ? true : undefined}
        value={text.value}
        onInput={(e) => {
          text.value = e.currentTarget.value;
          error.value = null;
        }}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            e.stopPropagation();
            done(w.editCancelled);
          } else if (e.key === "Enter" && !e.shiftKey && !e.isComposing && !e.altKey) {
            e.preventDefault();
            save();
          }
        }}
      />
      <div class="edit-bar">
        <p id={`${id}-error`} class="field-error" aria-live="polite">
          {error.value}
        </p>
        <button type="button" onClick={() => done(w.editCancelled)}>
          {t.cancel}
        </button>
        <button type="button" class="primary" onClick={save}>
          {w.save}
        </button>
      </div>
      <p id={`${id}-hint`} class="hint">
        {w.editHint}
      </p>
    </div>
  );
}

/** The picker's fixed set; the room's own favourites come after them. */
const COMMON = ["👍", "❤️", "😂", "🎉", "😮", "😢", "🙏", "👀", "✅", "🔥", "👏", "🤔"];

function Modal(props: { id: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useLayoutEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the backdrop is for pointers; keys have Escape.
    <dialog
      ref={ref}
      id={props.id}
      class="msg-dialog"
      aria-labelledby={`${props.id}-title`}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
      // A press on the backdrop (the dialog element itself, outside its card)
      // closes it; the keyboard's way out is Escape (the cancel event).
      onClick={(e) => {
        if (e.target === e.currentTarget) props.onClose();
      }}
    >
      <div class="dialog-card">{props.children}</div>
    </dialog>
  );
}

function ReactionPicker({ room, seq, close }: { room: Room; seq: number; close: () => void }) {
  const m = room.message(seq);
  const you = room.you.value?.id ?? "";
  const used = room.usedEmoji.value;
  const all = [...COMMON, ...used.filter((e) => !COMMON.includes(e))];
  const held = new Set(
    (m?.reactions ?? []).filter((r) => r.users.includes(you)).map((r) => r.emoji),
  );
  const pick = (emoji: string) => {
    const on = !held.has(emoji);
    const r = room.react(seq, emoji, on);
    announce(changeError(room, r) ?? (on ? t.reactionAdded(emoji) : t.reactionRemoved(emoji)));
    close();
  };
  return (
    <Modal id="reaction-dialog" onClose={close}>
      <h2 id="reaction-dialog-title">{w.reactions}</h2>
      <div class="emoji-grid">
        {all.map((emoji) => (
          <button
            key={emoji}
            type="button"
            class={held.has(emoji) ? "pick mine" : "pick"}
            aria-pressed={held.has(emoji)}
            onClick={() => pick(emoji)}
          >
            {emoji}
          </button>
        ))}
      </div>
      <div class="row-end">
        <button type="button" onClick={close}>
          {t.close}
        </button>
      </div>
    </Modal>
  );
}

function DeleteConfirm({ room, seq, close }: { room: Room; seq: number; close: () => void }) {
  const error = useSignal<string | null>(null);
  const m = room.message(seq);
  const yes = () => {
    const r = room.deleteMessage(seq);
    const problem = changeError(room, r);
    if (problem) {
      error.value = problem;
      return;
    }
    announce(w.deletedNotice);
    close();
  };
  return (
    <Modal id="delete-dialog" onClose={close}>
      <h2 id="delete-dialog-title">{w.deleteTitle}</h2>
      {m && <blockquote class="dialog-quote">{snippet(m.text, 140)}</blockquote>}
      <p class="hint">{w.deleteHint}</p>
      <p class="field-error" aria-live="polite">
        {error.value}
      </p>
      <div class="row-end">
        {/* Cancel first: the safe choice is where the keyboard lands. */}
        <button type="button" onClick={close}>
          {t.cancel}
        </button>
        <button type="button" class="danger-fill" onClick={yes}>
          {w.del}
        </button>
      </div>
    </Modal>
  );
}

/** Whichever dialog `dialog` names, over the room. */
export function Dialogs({ room }: { room: Room }) {
  const open = dialog.value;
  if (!open) return null;
  const close = () => {
    dialog.value = null;
    focusMessage(open.seq);
  };
  return open.kind === "react" ? (
    <ReactionPicker key={`r${open.seq}`} room={room} seq={open.seq} close={close} />
  ) : (
    <DeleteConfirm key={`d${open.seq}`} room={room} seq={open.seq} close={close} />
  );
}
