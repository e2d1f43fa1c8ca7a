// The composer: a multi-line box with Send and Clear. Enter sends and
// Shift+Enter breaks the line (but not while an input method is composing,
// as when typing Chinese); Ctrl/Cmd+S and Ctrl/Cmd+L are handled page-wide
// by the room screen. A counter appears near the length limit; while
// rate-limited, Send waits with a visible countdown.
import type { Signal } from "@preact/signals";
import { codePointLength, DEFAULT_LIMITS } from "../../protocol";
import { t } from "../app";
import type { Room } from "../chat/room";
import { secondsUntil, useNow } from "./hooks";

const MAX = DEFAULT_LIMITS.MAX_TEXT;
/** The counter shows from this many characters left. */
const COUNTER_FROM = 300;

export function Composer(props: {
  room: Room;
  draft: Signal<string>;
  error: Signal<string | null>;
  onSend: () => void;
  onClear: () => void;
}) {
  const { room, draft, error } = props;
  const rateUntil = room.rateUntil.value;
  const now = useNow(rateUntil > 0);
  const limited = rateUntil > now.value;
  const left = MAX - codePointLength(draft.value);
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
        props.onSend();
      }}
    >
      <p class="typing">{typing}</p>
      <label for="composer-box" class="sr-only">
        {t.message}
      </label>
      <textarea
        id="composer-box"
        class="box"
        rows={2}
        placeholder={t.placeholder}
        value={draft.value}
        aria-describedby="composer-help composer-status"
        aria-invalid={error.value ? true : undefined}
        onInput={(e) => {
          draft.value = e.currentTarget.value;
          error.value = null;
          if (draft.value.trim()) room.typing();
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing && !e.ctrlKey && !e.altKey) {
            e.preventDefault();
            props.onSend();
          }
        }}
      />
      <div class="composer-bar">
        <p id="composer-status" class="composer-status" aria-live="polite">
          {limited ? (
            <span class="wait">{t.waitSeconds(secondsUntil(rateUntil, now.value))}</span>
          ) : error.value ? (
            <span class="field-error">{error.value}</span>
          ) : left <= COUNTER_FROM ? (
            <span class={left < 0 ? "counter over" : "counter"}>
              {left < 0 ? t.tooLong(MAX) : t.remaining(left)}
            </span>
          ) : null}
        </p>
        <button type="button" onClick={props.onClear}>
          {t.clear}
        </button>
        <button type="submit" class="primary" disabled={limited}>
          {t.send}
        </button>
      </div>
      <p id="composer-help" class="hint composer-help">
        {t.composerHelp}
      </p>
    </form>
  );
}
