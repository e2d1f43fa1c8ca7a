// "Save conversation" (issue 13): a header button (in the Room menu on a
// phone) that opens the dialog to save every message the room still keeps.
// The dialog and the code that writes the file are a lazy chunk
// (web/ui/SaveDialog.tsx), loaded on the first click, so that they are not
// part of what every visitor loads.
import { signal, useSignal } from "@preact/signals";
import { t } from "../app";
import type { HasHistory } from "./SaveDialog";

type Dialog = typeof import("./SaveDialog");
const loaded = signal<Dialog | null>(null);

export function SaveConversation({ room, name }: { room: HasHistory; name: string }) {
  const open = useSignal(false);
  const Module = loaded.value;
  return (
    <>
      <button
        type="button"
        aria-haspopup="dialog"
        onClick={async () => {
          // Offline and never loaded: the click does nothing, and the next one tries again.
          loaded.value ??= await import("./SaveDialog").catch(() => null);
          open.value = loaded.value !== null;
        }}
      >
        {t.saveConversation}
      </button>
      {open.value && Module && (
        <Module.SaveDialog room={room} name={name} onClose={() => (open.value = false)} />
      )}
    </>
  );
}
