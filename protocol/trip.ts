// Trip codes (protocol v2): a `join.name` of the form `name#secret` joins as
// `name` with a trip computed from the secret on the server
// (worker/limiter.ts, `tripOf`). This module only splits the name, so that
// the room and the page (which shows a hint and must never show the secret)
// read it the same way. It imports nothing outside protocol/.
//
// Readings:
// - The split is at the FIRST `#`. No `#`: the whole string is the name, and
//   there is no trip. A `#` after the first one is part of the secret
//   (`a#b#c` is the name `a` with the secret `b#c`).
// - The secret is NFC-normalised and then must be 1–64 code points. A `#`
//   as the last character leaves an empty secret: an error, not a name
//   without a trip.
// - The secret is taken as typed (after NFC): it is NOT trimmed, so
//   `alice# s` and `alice#s` are different secrets. It must be valid
//   Unicode: a lone UTF-16 surrogate (possible through a JSON escape) is an
//   error, because it would be hashed as U+FFFD and so collide with another
//   secret.
// - The name part is returned as given (not trimmed, not normalised): the
//   room applies the name rules (trimming, NFC, 1–32 code points, …) and
//   uniqueness to it, so `alice #s` is the name `alice` and `#s` is an empty
//   name (`name_invalid` from the name rules).
// - An error here is `name_invalid` on the wire.
import { codePointLength } from "./index";

/** The separator of a name and its trip secret. */
export const TRIP_SEPARATOR = "#";
/** The longest trip secret, in code points after NFC. */
export const MAX_TRIP_SECRET = 64;

/** A UTF-16 surrogate that is not half of a pair. */
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type TripName = { name: string; secret?: string } | { error: string };

/**
 * Splits a `join.name` at its first `#` into the name (as given) and the
 * trip secret (NFC-normalised, 1–64 code points), or says why the secret is
 * refused. Never throws.
 */
export function splitTripName(raw: string): TripName {
  const at = raw.indexOf(TRIP_SEPARATOR);
  if (at < 0) return { name: raw };
  const name = raw.slice(0, at);
  const typed = raw.slice(at + 1);
  if (LONE_SURROGATE_RE.test(typed)) return { error: "A trip secret must be valid Unicode." };
  const secret = typed.normalize("NFC");
  const length = codePointLength(secret);
  if (length < 1) return { error: "A trip secret (after #) needs at least one character." };
  if (length > MAX_TRIP_SECRET) {
    return { error: `A trip secret has at most ${MAX_TRIP_SECRET} characters.` };
  }
  return { name, secret };
}
