// Turns what someone types in the landing's Room field into the room it
// opens: "Design Review!" opens `design-review`. People type room names the
// way they say them (capitals, spaces, punctuation); the protocol's rule
// (normalizeRoomName) is strict, so the page bends the text towards it
// instead of refusing it.
import { MAX_ROOM, normalizeRoomName } from "../../protocol";

/**
 * A run that holds at least one character a room name cannot have, with the
 * hyphens around it: it becomes one hyphen, so "a - b" is `a-b`, while a
 * hyphen typed on purpose ("a--b") stays.
 */
const DISALLOWED_RUN = /-*(?:[^\p{L}\p{M}\p{N}._-]+-*)+/gu;
/** What a room name cannot start with: a hyphen left by the rule above, a dot, a mark. */
const BAD_START = /^[-.\p{M}]+/u;
const TRAILING_HYPHENS = /-+$/;

/** The room name that `typed` opens, or "" when nothing usable is left. */
export function roomNameFrom(typed: string): string {
  const lowered = typed.normalize("NFC").toLowerCase().normalize("NFC");
  const dashed = lowered.replace(DISALLOWED_RUN, "-").replace(BAD_START, "");
  // Cut by code points, as the protocol counts them, never inside a surrogate pair.
  const cut = Array.from(dashed).slice(0, MAX_ROOM).join("").replace(TRAILING_HYPHENS, "");
  // The protocol has the last word: whatever the steps above missed is refused, not guessed.
  return normalizeRoomName(cut) === cut ? cut : "";
}
