// "Save conversation" (issue 13): a header button (in the Room menu on a
// phone) that opens a small dialog to save every message the room still
// keeps as a text file in the original chat's format or as JSON. The
// messages come from `room.allMessages()`, which pages back through the
// room's history; the code that writes the file (web/lib/export.ts) is
// imported only then, so that it is not part of what every visitor loads.
import { useSignal } from "@preact/signals";
import { useRef } from "preact/hooks";
import type { Message } from "../../protocol";
import { t } from "../app";
import "./save.css";

/** What saving needs of the room: its whole retained history. */
export interface HasHistory {
  allMessages(): Promise<Message[]>;
}

export function SaveConversation({ room, name }: { room: HasHistory; name: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const busy = useSignal(false);
  const failed = useSignal(false);

  const save = async (kind: "txt" | "json") => {
    busy.value = true;
    failed.value = false;
    try {
      const [file, messages] = await Promise.all([import("../lib/export"), room.allMessages()]);
      if (kind === "txt")
        file.download(
          file.fileName(name, "txt"),
          file.toText(messages),
          "text/plain;charset=utf-8",
        );
      else
        file.download(file.fileName(name, "json"), file.toJson(name, messages), "application/json");
      dialog.current?.close();
    } catch {
      // Offline, the history refused, or the export failed to load: say so; the dialog stays.
      failed.value = true;
    } finally {
      busy.value = false;
    }
  };

  return (
    <>
      <button
        type="button"
        aria-haspopup="dialog"
        onClick={() => {
          failed.value = false;
          dialog.current?.showModal();
        }}
      >
        {t.saveConversation}
      </button>
      <dialog
        ref={dialog}
        class="card save-dialog"
        aria-labelledby="save-title"
        aria-describedby="save-hint"
        aria-busy={busy.value}
      >
        <h2 id="save-title">{t.saveConversation}</h2>
        <p id="save-hint" class="hint">
          {t.saveConversationHint}
        </p>
        <div class="save-choices">
          <button type="button" class="primary" disabled={busy.value} onClick={() => save("txt")}>
            {t.saveAsText}
          </button>
          <button type="button" disabled={busy.value} onClick={() => save("json")}>
            {t.saveAsJson}
          </button>
        </div>
        <div class="save-foot">
          <p class={failed.value ? "field-error" : undefined} role="status">
            {failed.value ? t.saveFailed : busy.value ? t.savingConversation : ""}
          </p>
          <button type="button" onClick={() => dialog.current?.close()}>
            {t.cancel}
          </button>
        </div>
      </dialog>
    </>
  );
}
