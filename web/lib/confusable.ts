// Names that look alike (issue 10): the server keeps two present names from
// having the same key (NFKC, no default-ignorables, case folded), but `Alice`
// and `Аlice` (a Cyrillic А) or `A1ice` still look the same in the log. The
// log shows a name's network tag when another present name could be confused
// with it. This module owns the test for "could be confused": two names whose
// skeletons are equal. The skeleton is a rough cousin of Unicode's (UTS #39),
// with a table small enough for the page's budget; a false match only shows a
// tag that was not needed, so it errs on the side of matching.

/**
 * Look-alikes of Latin letters, as pairs (the character, then its letter),
 * after case folding: Cyrillic а е о р с у х і ј ѕ к м т н в ԁ һ ӏ, Greek
 * α β ε η ι κ μ ν ο ρ τ υ χ ζ, and digits and bars. Case folding already
 * turns `I` into `i` and the Cyrillic and Greek capitals into these small
 * letters, so `I` and `l`, the pair most confused in sans-serif type, can
 * only be told apart before it: `i` and `l` both become `l` here.
 */
const PAIRS =
  "аaеeоoрpсcуyхxіlјjѕsкkмmтtнhвbԁdһhӏl" + "αaβbεeηhιlκkμmνvοoρpτtυuχxζz" + "0o1l|lǀlil";
const LATIN = new Map<string, string>();
for (let i = 0; i < PAIRS.length; i += 2) LATIN.set(PAIRS.charAt(i), PAIRS.charAt(i + 1));

const MARKS_AND_IGNORABLES = /[\p{M}\p{Default_Ignorable_Code_Point}]/gu;
const SPACE_AND_PUNCTUATION = /[\p{P}\p{Z}\p{Cc}]/gu;

/** What `name` looks like, roughly: equal skeletons mean names a reader could confuse. */
export function skeleton(name: string): string {
  const folded = name
    .normalize("NFKD")
    .replace(MARKS_AND_IGNORABLES, "")
    .toUpperCase()
    .toLowerCase();
  const latin = Array.from(folded, (c) => LATIN.get(c) ?? c)
    .join("")
    .replace(SPACE_AND_PUNCTUATION, "")
    .replace(/rn/g, "m")
    .replace(/vv/g, "w");
  // A name of punctuation alone is compared as it is, not as nothing.
  return latin || folded;
}

/** The ids of those in `users` whose name could be confused with another one's. */
export function confusedIds(users: readonly { id: string; name: string }[]): Set<string> {
  const seen = new Map<string, string>();
  const confused = new Set<string>();
  for (const u of users) {
    const key = skeleton(u.name);
    const other = seen.get(key);
    if (other === undefined) seen.set(key, u.id);
    else if (other !== u.id) confused.add(other).add(u.id);
  }
  return confused;
}
