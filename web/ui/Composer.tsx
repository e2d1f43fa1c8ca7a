// The composer: a multi-line box with Send and Clear. It owns the draft and
// the error shown under it, and hands a send to the room model. Enter sends
// and Shift+Enter breaks the line (but not while an input method is
// composing, as when typing Chinese); Ctrl/Cmd+S (send) and Ctrl/Cmd+L
// (clear), as in the Qt client, work anywhere in the room: the browser's own
// save dialog and address-bar jump are prevented. A counter appears near the
// length limit; while rate-limited, Send waits with a visible countdown;
// while not connected, it says that what is sent goes out on reconnection.
// The keyboard hints sit under the box on a desktop, behind a small "?" on a
// phone (where they take room the conversation needs).
// Replies (issue 13): while replying, a line above the box says to whom
// ("Replying to NAME", the start of the text) with "Cancel reply" (Escape
// too), and the send carries `replyTo`. ↑ in an empty box edits your last
// message that can still be edited, in place in the log.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { Room } from "../../client/room";
import { codePointLength } from "../../protocol";
import { t } from "../app";
import { announce, editing, loadTools, original, replyTo, snippet } from "./conversation";
import { secondsUntil, useNow } from "./hooks";
import { ModerationNote } from "./Moderation";

/** The counter shows from this many characters left. */
const COUNTER_FROM = 300;

const focusBox = () => document.getElementById("composer-box")?.focus();

export function Composer({ room }: { room: Room }) {
  const shut = () => {
    const ended = room.ended.value;
    return ended === "kicked" || ended === "banned" || ended === "room_locked";
  };
  const draft = useSignal("");
  const error = useSignal<string | null>(null);
  const help = useSignal(false);

  const send = () => {
    // Removed, banned or locked out: nothing would carry it (the draft stays).
    if (shut()) return;
    if (!draft.value.trim()) {
      focusBox();
      return;
    }
    const answering = replyTo.value;
    const result = room.send(draft.value, answering === null ? undefined : { replyTo: answering });
    if (result.ok) {
      draft.value = "";
      error.value = null;
      replyTo.value = null;
      return;
    }
    error.value =
      result.reason === "too_long"
        ? t.tooLong(room.limits.value.MAX_TEXT)
        : result.reason === "too_big"
          ? t.tooBig
          : result.reason === "rate_limited"
            ? t.rateLimited
            : t.textInvalid;
  };

  const clear = () => {
    draft.value = "";
    error.value = null;
    focusBox();
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
      const key = e.key.toLowerCase();
      if (key === "s") {
        e.preventDefault();
        send();
      } else if (key === "l") {
        e.preventDefault();
        clear();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [room]);

  const rateUntil = room.rateUntil.value;
  const now = useNow(rateUntil > 0);
  const limited = rateUntil > now;
  const maxText = room.limits.value.MAX_TEXT;
  const left = maxText - codePointLength(draft.value);
  const answering = replyTo.value;
  const answered = answering === null ? undefined : original(room, answering);
  const cancelReply = () => {
    replyTo.value = null;
    announce(t.replyCancelled);
    focusBox();
  };
  // Not connected (but still in the room): sends wait for the reconnection.
  const waiting = !room.connected.value && !room.ended.value && room.you.value !== null;
  const typers = room.typingNames.value;
  const typing =
    typers.length === 0
      ? ""
      : typers.length === 1
        ? t.typingOne(typers[0] ?? "")
        : typers.length === 2
          ? t.typingTwo(typers[0] ?? "", typers[1] ?? "")
          : t.typingMany;

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <p class={waiting ? "typing offline-note" : "typing"}>{waiting ? t.offlineSend : typing}</p>
      {answering !== null && (
        <div class="replying">
          <span aria-hidden="true">↩</span>
          <p id="composer-reply">
            <b>{t.replyingTo(answered?.user.name ?? "…")}</b>{" "}
            {answered && !answered.deleted && (
              <span class="quote-text">{snippet(answered.text, 120)}</span>
            )}
          </p>
          <button
            type="button"
            class="cancel-reply"
            aria-label={t.cancelReply}
            title={t.cancelReply}
            onClick={cancelReply}
          >
            ✕
          </button>
        </div>
      )}
      <ModerationNote room={room} />
      <label for="composer-box" class="sr-only">
        {t.message}
      </label>
      <textarea
        id="composer-box"
        class="box"
        rows={2}
        placeholder={t.placeholder}
        value={draft.value}
        aria-describedby={`${answering === null ? "" : "composer-reply "}composer-moderation composer-help composer-status`}
        aria-invalid={error.value ? true : undefined}
        onInput={(e) => {
          draft.value = e.currentTarget.value;
          error.value = null;
          if (draft.value.trim()) room.typing();
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing && !e.ctrlKey && !e.altKey) {
            e.preventDefault();
            send();
          } else if (e.key === "Escape" && replyTo.value !== null) {
            e.preventDefault();
            cancelReply();
          } else if (e.key === "ArrowUp" && draft.value === "" && !e.isComposing) {
            // As in most chat apps: ↑ in an empty box edits your last message.
            const last = room.lastOwnEditable();
            if (last) {
              e.preventDefault();
              loadTools();
              editing.value = { seq: last.seq, from: "composer" };
            }
          }
        }}
      />
      <div class="composer-bar">
        <p id="composer-status" class="composer-status" aria-live="polite">
          {limited ? (
            <span class="wait">{t.waitSeconds(secondsUntil(rateUntil, now))}</span>
          ) : error.value ? (
            <span class="field-error">{error.value}</span>
          ) : left <= COUNTER_FROM ? (
            <span class={left < 0 ? "counter over" : "counter"}>
              {left < 0 ? t.tooLong(maxText) : t.remaining(left)}
            </span>
          ) : null}
        </p>
        <button type="button" onClick={clear}>
          {t.clear}
        </button>
        <button type="submit" class="primary" disabled={limited || shut()}>
          {t.send}
        </button>
        <button
          type="button"
          class="only-narrow help-toggle"
          aria-label={t.shortcuts}
          title={t.shortcuts}
          aria-expanded={help.value}
          aria-controls="composer-help"
          onClick={() => {
            help.value = !help.value;
          }}
        >
          ?
        </button>
      </div>
      <p id="composer-help" class={help.value ? "hint composer-help shown" : "hint composer-help"}>
        {t.composerHelp}
      </p>
    </form>
  );
}
