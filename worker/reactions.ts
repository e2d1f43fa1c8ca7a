// The reactions of one message as a value: each emoji in the order it was
// first added, with the sessions that hold it, oldest first (protocol v2).
// A toggle is a pure function of that value, so the room can answer it from
// the message it holds in memory and write the result in one statement,
// without reading the message's reactions back from SQLite.
import { ErrorCode, MAX_REACTION_EMOJI, MAX_REACTIONS, type Reaction } from "../protocol";

export type Toggle =
  | { kind: "changed"; reactions: Reaction[] }
  | { kind: "unchanged" }
  | { kind: "limit"; code: typeof ErrorCode.ReactionLimit; message: string };

/** Adds (`on`) or removes `user`'s `emoji`; the input is not modified. */
export function toggleReaction(
  reactions: readonly Reaction[],
  emoji: string,
  user: string,
  on: boolean,
): Toggle {
  const at = reactions.findIndex((r) => r.emoji === emoji);
  const held = at >= 0 && (reactions[at] as Reaction).users.includes(user);
  if (held === on) return { kind: "unchanged" };
  if (!on) {
    const r = reactions[at] as Reaction;
    const users = r.users.filter((u) => u !== user);
    const next = reactions.slice();
    // An emoji nobody holds any more is gone; added again, it comes last.
    if (users.length === 0) next.splice(at, 1);
    else next[at] = { emoji, users };
    return { kind: "changed", reactions: next };
  }
  if (at < 0 && reactions.length >= MAX_REACTION_EMOJI)
    return {
      kind: "limit",
      code: ErrorCode.ReactionLimit,
      message: `A message holds at most ${MAX_REACTION_EMOJI} different emoji.`,
    };
  let total = 0;
  for (const r of reactions) total += r.users.length;
  if (total >= MAX_REACTIONS)
    return {
      kind: "limit",
      code: ErrorCode.ReactionLimit,
      message: `A message holds at most ${MAX_REACTIONS} reactions.`,
    };
  const next = reactions.slice();
  if (at < 0) next.push({ emoji, users: [user] });
  else next[at] = { emoji, users: [...(reactions[at] as Reaction).users, user] };
  return { kind: "changed", reactions: next };
}

/** Stored as compact JSON, `[[emoji, [user…]]…]`; NULL when there are none. */
export function encodeReactions(reactions: readonly Reaction[] | undefined): string | null {
  if (!reactions || reactions.length === 0) return null;
  return JSON.stringify(reactions.map((r) => [r.emoji, r.users]));
}

export function decodeReactions(raw: string | null): Reaction[] | undefined {
  if (raw === null) return undefined;
  const list = JSON.parse(raw) as [string, string[]][];
  return list.length ? list.map(([emoji, users]) => ({ emoji, users })) : undefined;
}
