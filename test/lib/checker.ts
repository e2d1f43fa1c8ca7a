// The history checker: the proof of "nothing lost, nothing doubled". Tests
// record every `send` a client made and what became of it (confirmed with a
// seq, refused with a code, or unknown because the connection died first),
// and what each client saw; afterwards the checker compares that with what
// the room stored and lists every broken promise. Pure: it is fed data, so
// the unit tests can feed it lost, doubled and reordered histories.

export type Outcome =
  | { kind: "confirmed"; seq: number }
  | { kind: "refused"; code: string }
  | { kind: "unknown" };

export interface SendRecord {
  id: string;
  /** Who sent it: the client's name in the test. */
  sender: string;
  text: string;
  /** When it was first sent (ms); the sender's order is the order of these. */
  at: number;
  outcome: Outcome;
}

export interface StoredMessage {
  seq: number;
  id: string;
  text: string;
  /** (v2) The text is no longer the one sent: it was edited or deleted. */
  changed?: boolean;
}

export interface ClientView {
  name: string;
  /** The messages this client shows, in the order it shows them. */
  messages: StoredMessage[];
}

export interface History {
  sends: SendRecord[];
  /** Every retained message, read through `GET …/messages`, oldest first. */
  stored: StoredMessage[];
  /** The room's latest seq (`GET /api/rooms/:room`). */
  latestSeq: number;
  views: ClientView[];
}

export interface Verdict {
  ok: boolean;
  errors: string[];
  counts: { confirmed: number; refused: number; unknown: number; stored: number };
}

export function checkHistory(h: History): Verdict {
  const errors: string[] = [];
  const firstRetained = h.stored[0]?.seq ?? h.latestSeq + 1;

  // The stored log: seq strictly contiguous past the pruned prefix, ending at
  // the room's latest seq, and no id twice.
  const byId = new Map<string, StoredMessage[]>();
  const bySeq = new Map<number, StoredMessage>();
  h.stored.forEach((m, i) => {
    if (i > 0 && m.seq !== (h.stored[i - 1] as StoredMessage).seq + 1) {
      errors.push(
        `hole or disorder in storage: seq ${(h.stored[i - 1] as StoredMessage).seq} then ${m.seq}`,
      );
    }
    bySeq.set(m.seq, m);
    const list = byId.get(m.id) ?? [];
    list.push(m);
    byId.set(m.id, list);
  });
  if (h.stored.length > 0 && (h.stored.at(-1) as StoredMessage).seq !== h.latestSeq) {
    errors.push(
      `storage ends at seq ${(h.stored.at(-1) as StoredMessage).seq} but the room's seq is ${h.latestSeq}`,
    );
  }
  for (const [id, list] of byId) {
    if (list.length > 1)
      errors.push(
        `id ${id} stored ${list.length} times (seqs ${list.map((m) => m.seq).join(", ")})`,
      );
  }

  // Each send against storage.
  const sent = new Set<string>();
  for (const s of h.sends) {
    sent.add(s.id);
    const found = byId.get(s.id) ?? [];
    switch (s.outcome.kind) {
      case "confirmed": {
        const seq = s.outcome.seq;
        if (seq < firstRetained) break; // pruned since: nothing left to compare
        if (found.length === 0) errors.push(`confirmed id ${s.id} (seq ${seq}) was lost`);
        else if (found[0]?.seq !== seq)
          errors.push(`confirmed id ${s.id} at seq ${seq} is stored at seq ${found[0]?.seq}`);
        else if (found[0]?.text !== s.text && !found[0]?.changed)
          errors.push(`confirmed id ${s.id} is stored with another text`);
        break;
      }
      case "refused":
        if (found.length > 0)
          errors.push(`refused id ${s.id} (${s.outcome.code}) was stored at seq ${found[0]?.seq}`);
        break;
      case "unknown":
        // At most once is checked above for every stored id.
        break;
    }
  }
  for (const m of h.stored) {
    if (!sent.has(m.id) && h.sends.length > 0)
      errors.push(`stored id ${m.id} (seq ${m.seq}) was never sent`);
  }

  // Each sender's order: its messages are stored in the order it sent them.
  const bySender = new Map<string, SendRecord[]>();
  for (const s of h.sends) {
    const list = bySender.get(s.sender) ?? [];
    list.push(s);
    bySender.set(s.sender, list);
  }
  for (const [sender, list] of bySender) {
    const seqs = [...list]
      .sort((a, b) => a.at - b.at)
      .map(
        (s) =>
          byId.get(s.id)?.[0]?.seq ?? (s.outcome.kind === "confirmed" ? s.outcome.seq : undefined),
      )
      .filter((seq): seq is number => seq !== undefined);
    for (let i = 1; i < seqs.length; i++) {
      if ((seqs[i] as number) <= (seqs[i - 1] as number)) {
        errors.push(
          `${sender}'s messages were reordered: seq ${seqs[i - 1]} sent before seq ${seqs[i]}`,
        );
        break;
      }
    }
  }

  // Each client's view: strictly increasing, and equal to storage from its
  // first seq on (no message missing, none changed).
  for (const view of h.views) {
    const seqs = view.messages.map((m) => m.seq);
    for (let i = 1; i < seqs.length; i++) {
      if ((seqs[i] as number) <= (seqs[i - 1] as number)) {
        errors.push(`${view.name} shows seq ${seqs[i]} after seq ${seqs[i - 1]}`);
        break;
      }
    }
    const first = Math.max(seqs[0] ?? h.latestSeq + 1, firstRetained);
    const shown = new Map(view.messages.map((m) => [m.seq, m]));
    for (let seq = first; seq <= h.latestSeq; seq++) {
      const stored = bySeq.get(seq);
      const seen = shown.get(seq);
      if (!seen) {
        errors.push(`${view.name} is missing seq ${seq}`);
        break;
      }
      if (stored && (seen.id !== stored.id || seen.text !== stored.text)) {
        errors.push(`${view.name} shows seq ${seq} as ${seen.id}, storage has ${stored.id}`);
        break;
      }
    }
  }

  const counts = { confirmed: 0, refused: 0, unknown: 0, stored: h.stored.length };
  for (const s of h.sends) counts[s.outcome.kind] += 1;
  return { ok: errors.length === 0, errors, counts };
}

// -----------------------------------------------------------------------------
// Changes (protocol v2): edits, deletions and reactions

/** A change a client asked for, and what became of it. */
export interface ChangeRecord {
  /** The client's name in the test. */
  sender: string;
  /** The session that made it (the user id of its welcome). */
  user: string;
  seq: number;
  kind: "edit" | "delete" | "react";
  text?: string;
  emoji?: string;
  on?: boolean;
  /** When it was asked for; a client's later change of the same thing wins. */
  at: number;
  /** Refused by the room (with its code), or not. */
  refused?: string;
}

/** A message as a client folds it, or as the room's pages give it. */
export interface FoldedMessage {
  seq: number;
  id: string;
  text: string;
  rev: number;
  editedAt?: number;
  deleted?: string;
  replyTo?: number;
  reactions?: { emoji: string; users: string[] }[];
}

export interface ChangesHistory {
  changes: ChangeRecord[];
  /** Every retained message as the room's pages give it now. */
  stored: FoldedMessage[];
  /** Each client's held messages, folded. */
  views: { name: string; messages: FoldedMessage[] }[];
}

const canonical = (m: FoldedMessage): string =>
  JSON.stringify({
    seq: m.seq,
    id: m.id,
    text: m.text,
    rev: m.rev,
    editedAt: m.editedAt ?? null,
    deleted: m.deleted ?? null,
    replyTo: m.replyTo ?? null,
    reactions: m.reactions ?? [],
  });

/**
 * Every change that was not refused holds in the room, unless a later change
 * of the same thing replaced it: the last edit of a message is its text (or
 * it was deleted), a deleted message stays deleted, and the last reaction
 * toggle of each session, message and emoji is whether that session holds
 * it. And every client's folded view equals the room's pages for every
 * message it holds: nothing missed, nothing stale.
 */
export function checkChanges(h: ChangesHistory): string[] {
  const errors: string[] = [];
  const bySeq = new Map(h.stored.map((m) => [m.seq, m]));
  const last = new Map<string, ChangeRecord>();
  const deleted = new Set<number>();
  for (const c of [...h.changes].sort((a, b) => a.at - b.at)) {
    if (c.refused) continue;
    if (c.kind === "delete") deleted.add(c.seq);
    const key =
      c.kind === "react"
        ? `r ${c.user} ${c.seq} ${c.emoji}`
        : c.kind === "edit"
          ? `e ${c.seq}`
          : "";
    if (key) last.set(key, c);
  }
  for (const seq of deleted) {
    const m = bySeq.get(seq);
    if (m && !m.deleted) errors.push(`seq ${seq} was deleted, the room shows it`);
  }
  for (const c of last.values()) {
    const m = bySeq.get(c.seq);
    if (!m) continue; // pruned since
    if (m.deleted) {
      if (m.text !== "" || m.reactions)
        errors.push(`deleted seq ${c.seq} kept its text or reactions`);
      continue;
    }
    if (c.kind === "edit" && m.text !== c.text)
      errors.push(`seq ${c.seq}: the last edit by ${c.sender} is not its text`);
    if (c.kind === "react") {
      const holds = m.reactions?.find((r) => r.emoji === c.emoji)?.users.includes(c.user) ?? false;
      if (holds !== c.on)
        errors.push(
          `seq ${c.seq}: ${c.sender} asked for ${c.emoji} ${c.on ? "on" : "off"}, the room has it ${holds ? "on" : "off"}`,
        );
    }
  }
  for (const m of h.stored) {
    if (m.reactions) {
      for (const r of m.reactions) {
        if (new Set(r.users).size !== r.users.length)
          errors.push(`seq ${m.seq}: a user holds ${r.emoji} twice`);
      }
    }
  }
  for (const view of h.views) {
    for (const seen of view.messages) {
      const stored = bySeq.get(seen.seq);
      if (!stored) continue; // pruned since
      if (canonical(seen) !== canonical(stored)) {
        errors.push(
          `${view.name} holds seq ${seen.seq} at rev ${seen.rev}, the room has rev ${stored.rev}${seen.rev === stored.rev ? " with other content" : ""}`,
        );
      }
    }
  }
  return errors;
}
