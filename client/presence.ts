// Who is in the room: the session this client holds (`you`) and the ones it
// has held here (their messages are "mine"), the others with their away and
// back, and who is typing: notices shown for a few seconds, and one's own
// sent at most once per TYPING_INTERVAL_MS. (v2) It also remembers the tag of
// every user it has seen, also after they left, so that the page can tell
// whose messages come from an ignored tag (a message names its sender by id).
import { computed, createModel, type ReadonlySignal, signal } from "@preact/signals-core";
import { TYPING_INTERVAL_MS, type User, type UserRef } from "../protocol";
import type { Deps } from "./deps";

/** A typing notice is shown this long after the last one (they come every 2 s at most). */
export const TYPING_SHOWN_MS = 4_000;

export interface PresenceOptions {
  /** Writes a frame on a welcomed connection; false when there is none. */
  write(frame: object): boolean;
  canWrite(): boolean;
}

export interface Presence {
  you: ReadonlySignal<User | null>;
  users: ReadonlySignal<User[]>;
  /** Users not away. */
  online: ReadonlySignal<number>;
  typingNames: ReadonlySignal<string[]>;
  /** A welcome: this session and the room's users; typers who left are forgotten. */
  welcome(you: User, users: User[]): void;
  /** A user joined, went away, came back, or (v2) changed (role, mute). */
  upsert(user: User): void;
  left(id: string): void;
  /** Someone's typing notice. */
  typingFrom(user: UserRef): void;
  /** Someone stopped typing (their message came, or they went away). */
  stoppedTyping(id: string): void;
  /** Tells the others you are typing, at most once per TYPING_INTERVAL_MS. */
  typing(): void;
  /** Leaving to join under another name: no session until the next welcome. */
  forgetYou(): void;
  /** A session this client has held in this room. */
  isMe(userId: string): boolean;
  /** (v2) The tag of a user seen here (present or gone). */
  tagOf(userId: string): string | undefined;
  stop(): void;
}

export const PresenceModel = createModel((deps: Deps, o: PresenceOptions): Presence => {
  const you = signal<User | null>(null);
  const users = signal<User[]>([]);
  const typers = signal<{ id: string; name: string; until: number }[]>([]);
  const online = computed(() => users.value.filter((u) => !u.away).length);
  const typingNames = computed(() => typers.value.map((t) => t.name));
  /** Session ids this client has had in this room: "mine". */
  const myUserIds = new Set<string>();
  /** The tag of every user seen, by id. */
  const tags = new Map<string, string>();
  const seen = (u: User) => {
    if (typeof u.tag === "string") tags.set(u.id, u.tag);
  };
  let lastTypingSent = -Infinity;
  let typingTimer: unknown = null;

  const dropTyper = (id: string) => {
    if (typers.value.some((t) => t.id === id))
      typers.value = typers.value.filter((t) => t.id !== id);
  };

  const scheduleTypingSweep = () => {
    if (typingTimer !== null) return;
    const next = Math.min(...typers.value.map((t) => t.until));
    typingTimer = deps.setTimeout(
      () => {
        typingTimer = null;
        const now = deps.now();
        typers.value = typers.value.filter((t) => t.until > now);
        if (typers.value.length) scheduleTypingSweep();
      },
      Math.max(0, next - deps.now()),
    );
  };

  return {
    you,
    users,
    online,
    typingNames,

    welcome(me: User, list: User[]) {
      myUserIds.add(me.id);
      you.value = me;
      seen(me);
      for (const u of list) seen(u);
      const sorted = list.slice().sort((a, b) => a.joinedAt - b.joinedAt);
      users.value = sorted;
      // A resumed session keeps the typers who are still here.
      const ids = new Set(sorted.map((u) => u.id));
      typers.value = typers.value.filter((t) => ids.has(t.id));
    },

    upsert(user: User) {
      // (v2) A `user` frame may be about this session (made owner, muted).
      if (user.id === you.value?.id) you.value = user;
      seen(user);
      const list = users.value.filter((u) => u.id !== user.id);
      list.push(user);
      list.sort((a, b) => a.joinedAt - b.joinedAt);
      users.value = list;
    },

    left(id: string) {
      users.value = users.value.filter((u) => u.id !== id);
      dropTyper(id);
    },

    typingFrom(user: UserRef) {
      if (user.id === you.value?.id) return;
      const until = deps.now() + TYPING_SHOWN_MS;
      const rest = typers.value.filter((t) => t.id !== user.id);
      typers.value = [...rest, { id: user.id, name: user.name, until }];
      scheduleTypingSweep();
    },

    stoppedTyping: dropTyper,

    typing() {
      if (!o.canWrite()) return;
      const now = deps.now();
      if (now - lastTypingSent < TYPING_INTERVAL_MS) return;
      if (o.write({ type: "typing" })) lastTypingSent = now;
    },

    forgetYou() {
      you.value = null;
    },

    isMe: (userId: string) => myUserIds.has(userId),
    tagOf: (userId: string) => tags.get(userId),

    stop() {
      if (typingTimer !== null) deps.clearTimeout(typingTimer);
      typingTimer = null;
    },
  };
});
