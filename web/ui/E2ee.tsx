// An encrypted room's own pieces of the page (issue 16, point 3), a lazy
// chunk loaded through web/ui/lazy.ts: the lock badge with its one line in
// the room header, and the screen that takes the place of the conversation
// (and of the composer) when this device has no key for the room or the
// wrong one. Nothing here ever shows a ciphertext or a key.
import type { Room } from "../../client/room";
import { goHome, lang } from "../app";
import { e2eeText } from "../i18n/e2ee";
import { local } from "../platform";
import "./e2ee.css";

const w = e2eeText[lang];

/** The room's key as this device keeps it (the core's storage key, client/deps.ts). */
function keptKey(room: string): string | null {
  return local.getItem(`roomchat:e2ee:${room}`);
}

/**
 * What is wrong with the key, if anything: none kept ("missing"), or one
 * that does not decrypt the room ("wrong", as the core finds when it has a
 * keyProblem signal; until then only "missing" is known here).
 */
function keyProblem(room: Room, name: string): "missing" | "wrong" | null {
  const fromCore = (room as { keyProblem?: { value: "missing" | "wrong" | null } }).keyProblem;
  if (fromCore) return fromCore.value;
  return keptKey(name) ? null : "missing";
}

/** The lock badge and its line, under the room's name. */
export function Lock() {
  return (
    <p class="e2ee-line">
      <span class="e2ee-badge">
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <rect x="5" y="11" width="14" height="10" rx="2" />
          <path d="M8 11V8a4 4 0 0 1 8 0v3" />
        </svg>
        {w.encrypted}
      </span>{" "}
      <span class="e2ee-explain">{w.explain}</span>
    </p>
  );
}

/**
 * The screen in the place of the conversation when the key is missing or
 * wrong (no composer), or null when the key is good. Called as a function
 * by the room screen (it holds no hooks), which keeps the initial bundle's
 * part of it to one call.
 */
export function keyScreen(room: Room, name: string) {
  const problem = keyProblem(room, name);
  if (!problem) return null;
  return (
    <main class="chat key-problem">
      <section class="key-card" aria-labelledby="key-problem-title">
        <h2 id="key-problem-title">{problem === "missing" ? w.missingKey : w.wrongKey}</h2>
        <p>{problem === "missing" ? w.missingKeyHint : w.wrongKeyHint}</p>
        <button type="button" class="primary" onClick={() => goHome()}>
          {w.home}
        </button>
      </section>
    </main>
  );
}
