// The "Save conversation" dialog (issue 13), loaded with the code that
// writes the file (web/lib/export.ts) only when someone opens it, so that
// neither is part of what every visitor loads: save every message the room
// still keeps as a text file in the original chat's format or as JSON. The
// messages come from `room.allMessages()`, which pages back through the
// room's history. It opens as a modal on mount and tells `onClose` when it
// closes (Escape, Cancel, or a finished save); the browser gives the focus
// back to the button that opened it.
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import type { Message } from "../../protocol";
import { t } from "../app";
import "./save.css";

/** What saving needs of the room: its whole retained history. */
export interface HasHistory {
  allMessages(): Promise<Message[]>;
}

export function SaveDialog({
  room,
  name,
  onClose,
}: {
  room: HasHistory;
  name: string;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const busy = useSignal(false);
  const failed = useSignal(false);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);

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
    <dialog
      ref={dialog}
      onClose={onClose}
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
  );
}
