// The name card of a room: shown when the page has no remembered name, when
// the server refused the name (taken or invalid), and for "Change name".
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { t } from "../app";

export function NameForm(props: {
  room: string;
  initial: string;
  error: string | null;
  onSubmit: (name: string) => void;
  onCancel: () => void;
}) {
  const name = useSignal(props.initial);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [props.error]);
  return (
    <div class="name-card-wrap" role="dialog" aria-modal="true" aria-labelledby="name-card-title">
      <form
        class="card name-card"
        aria-labelledby="name-card-title"
        noValidate
        onKeyDown={(e) => {
          if (e.key === "Escape") props.onCancel();
        }}
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit(name.value);
        }}
      >
        <h2 id="name-card-title">{t.joinRoomTitle(props.room)}</h2>
        <div class="field">
          <label for="room-name">{t.yourName}</label>
          <input
            id="room-name"
            ref={input}
            autocomplete="nickname"
            maxLength={64}
            value={name.value}
            onInput={(e) => {
              name.value = e.currentTarget.value;
            }}
            aria-invalid={props.error ? true : undefined}
            aria-describedby={props.error ? "room-name-error room-name-hint" : "room-name-hint"}
          />
          <p id="room-name-hint" class="hint">
            {t.nameHint}
          </p>
          {props.error && (
            <p id="room-name-error" class="field-error" role="alert">
              {props.error}
            </p>
          )}
        </div>
        <div class="row-end">
          <button type="button" onClick={props.onCancel}>
            {t.cancel}
          </button>
          <button type="submit" class="primary">
            {t.join}
          </button>
        </div>
      </form>
    </div>
  );
}
