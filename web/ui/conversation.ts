// The page's side of the conversation actions (issue 13): what the log and
// the composer share while you reply, edit, delete or react, and the loading
// of MessageTools (the menu, the edit box, the dialogs, the jump to an
// original, the words for refusals) on first use. Module signals
// rather than props, because the log and the composer are siblings under the
// room screen and the screen is keyed by its room: MessageLog resets them
// when it mounts. Also the polite announcements of outcomes, and the
// originals of replies fetched over HTTP when the log does not hold them.
import { signal } from "@preact/signals";
import type { Room } from "../../client/room";
import type { Message } from "../../protocol";

/** The seq the composer's next send answers. */
export const replyTo = signal<number | null>(null);
/** The message being edited in place, and where the keyboard goes back to after it. */
export const editing = signal<{ seq: number; from: "composer" | "message" } | null>(null);
/** The message whose actions menu is open. */
export const menuFor = signal<number | null>(null);
/** The message the reaction picker or the delete confirmation is for. */
export const dialog = signal<{ kind: "react" | "delete"; seq: number } | null>(null);
/** The message shown as the target of a jump, for a moment. */
export const flash = signal<number | null>(null);
/** The message whose actions button is in the tab order (roving focus); null: the newest. */
export const roving = signal<number | null>(null);
/** What the live region says now. */
export const said = signal("");
/**
 * Originals of replies that the log does not hold, fetched once each:
 * a Message, null when the room no longer retains it, or "loading".
 */
export const fetched = signal<ReadonlyMap<number, Message | null | "loading">>(new Map());

type Tools = typeof import("./MessageTools");
/** The lazily loaded module of the menu, the edit box and the dialogs, once here. */
export const tools = signal<Tools | null>(null);
let loading: Promise<Tools> | undefined;
/**
 * Loads MessageTools (once): when a message's actions are reached, an edit
 * starts, a quote is followed, or a change is refused.
 */
export function loadTools(): Promise<Tools> {
  if (!loading) {
    loading = import("./MessageTools").then((m) => {
      tools.value = m;
      return m;
    });
    // Offline, say: the next reach tries again.
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}

export function resetConversation(): void {
  replyTo.value = null;
  editing.value = null;
  menuFor.value = null;
  dialog.value = null;
  flash.value = null;
  roving.value = null;
  said.value = "";
  fetched.value = new Map();
}

let sayTimer: number | undefined;
/** Says `text` in the polite live region (again, when the same words come twice). */
export function announce(text: string): void {
  said.value = "";
  window.clearTimeout(sayTimer);
  sayTimer = window.setTimeout(() => {
    said.value = text;
  }, 60);
}

/**
 * The message `seq` as the page knows it: from the log, else fetched (a
 * fetch starts the first time it is asked for). undefined while loading,
 * null when the room no longer retains it.
 */
export function original(room: Room, seq: number): Message | null | undefined {
  const held = room.message(seq);
  if (held) return held;
  const known = fetched.value.get(seq);
  if (known === "loading") return undefined;
  if (known !== undefined) return known;
  const put = (v: Message | null | "loading") => {
    fetched.value = new Map(fetched.value).set(seq, v);
  };
  // Not during the render that asked: signals written in a render loop.
  queueMicrotask(() => {
    if (fetched.value.has(seq)) return;
    put("loading");
    room.fetchMessage(seq).then(put, () => {
      // A network failure is not "not retained": forget it, so a later render asks again.
      const next = new Map(fetched.value);
      next.delete(seq);
      fetched.value = next;
    });
  });
  return undefined;
}

/** The first words of a text, on one line, for a quote. */
export function snippet(text: string, max = 90): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const chars = Array.from(flat);
  return chars.length > max ? `${chars.slice(0, max).join("")}…` : flat;
}

/** The keyboard back to a message's actions button (or the message, when it has none now). */
export function focusMessage(seq: number): void {
  requestAnimationFrame(() => {
    const li = document.getElementById(`msg-${seq}`);
    (li?.querySelector<HTMLElement>(".act") ?? li)?.focus();
  });
}

export const focusComposer = () =>
  requestAnimationFrame(() => document.getElementById("composer-box")?.focus());
