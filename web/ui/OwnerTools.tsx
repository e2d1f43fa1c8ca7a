// The owner tools (issue 14, point 3), loaded with a dynamic import
// (web/ui/owner.ts) when this session becomes an owner or someone claims the
// room, so that a visitor who never moderates does not pay for them:
//
// - `claim`: "Claim this room" (the button is RoomScreen's): POST
//   /api/rooms/:room/claim, the key kept on this device under the core's
//   storageKeys.ownerKey, then the session reconnects (`reclaim`: a resume
//   with the key makes it an owner); `409 room_claimed` is said plainly.
// - `OwnerButtons`: "Room settings" and "Show owner key" in the header (the
//   Room menu on a phone).
// - `UserActions`: on each user in the online list (not yourself, not another
//   owner), "Actions for NAME" opening Kick, Ban (1 hour, 1 day, 7 days) and
//   Mute (10 minutes, 1 hour, until lifted), or Unmute.
// - `OwnerLayer`: the claim's outcome, and the two dialogs: "Room settings"
//   (Topic, Slow mode, Lock room, Save with only the changed fields, and the
//   "Banned" list with Unban) and "Owner key" (the link with `#owner=`, Copy,
//   and a warning).
//
// The room's answers come through the core: `left`, `user`, `settings` and
// `bans` show what happened; a refusal (forbidden, user_unknown) is the
// room's notice (RoomScreen's Banners).
import { signal, useSignal, useSignalEffect } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { storageKeys, writeItem } from "../../client/deps";
import type { Room } from "../../client/room";
import { type ClaimedRoom, isTopic, type User } from "../../protocol";
import { lang, roomUrl, t } from "../app";
import { ownerText } from "../i18n/owner";
import { formatClock, formatTimestamp } from "../lib/time";
import { local } from "../platform";
import { announce } from "./conversation";
import "./owner.css";

const w = ownerText[lang];

/** The dialog open over the room, and the button to give the keyboard back to. */
const open = signal<{ kind: "settings" | "key"; from: string } | null>(null);
/** The user whose actions menu is open, and which step it shows. */
const menu = signal<{ id: string; step: "main" | "ban" | "mute" } | null>(null);
/** The outcome of "Claim this room". */
const claimNote = signal<{ ok: boolean; text: string } | null>(null);

const BAN_MINUTES = [60, 1440, 10_080];
const MUTE_MINUTES = [10, 60, 10_080];
const SLOW_MS = [0, 5_000, 30_000, 120_000];

/** The owner key this device keeps for the room, if any. */
const keptKey = (name: string) => {
  try {
    return local.getItem(storageKeys.ownerKey(name)) || null;
  } catch {
    return null;
  }
};

/** The keyboard to `id`, or, when it is hidden (a closed Room menu), to the Room menu's button. */
function focusBack(id: string) {
  requestAnimationFrame(() => {
    const el = document.getElementById(id);
    const shown = el && el.getClientRects().length > 0;
    (shown ? el : document.getElementById("room-menu-button"))?.focus();
  });
}

/** "Claim this room": a key for a room that has none, kept here; then this session joins again as owner. */
export async function claim(room: Room, name: string): Promise<void> {
  claimNote.value = null;
  try {
    const res = await fetch(`/api/rooms/${encodeURIComponent(name)}/claim`, { method: "POST" });
    if (res.status === 409) {
      claimNote.value = { ok: false, text: w.roomClaimed };
      return;
    }
    if (res.status !== 201) throw new Error(String(res.status));
    const body = (await res.json()) as ClaimedRoom;
    if (typeof body.ownerKey !== "string" || !body.ownerKey) throw new Error("no key");
    writeItem(local, storageKeys.ownerKey(name), body.ownerKey);
    claimNote.value = { ok: true, text: w.claimed };
    // A resume that carries the key makes this session an owner.
    room.reclaim();
  } catch {
    claimNote.value = { ok: false, text: w.claimFailed };
  }
}

/** "Room settings" and "Show owner key", for an owner, in the header's actions. */
export function OwnerButtons(props: { room: Room; name: string; onPick: () => void }) {
  if (!props.room.isOwner.value) return null;
  const pick = (kind: "settings" | "key", from: string) => () => {
    props.onPick();
    open.value = { kind, from };
  };
  return (
    <>
      <button
        type="button"
        id="room-settings-button"
        aria-haspopup="dialog"
        onClick={pick("settings", "room-settings-button")}
      >
        {w.roomSettings}
      </button>
      {keptKey(props.name) && (
        <button
          type="button"
          id="owner-key-button"
          aria-haspopup="dialog"
          onClick={pick("key", "owner-key-button")}
        >
          {w.showOwnerKey}
        </button>
      )}
    </>
  );
}

const Dots = () => (
  <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
    <path d="M5 12h.01M12 12h.01M19 12h.01" />
  </svg>
);

/**
 * "Actions for NAME" on a user's row, and its menu in the row, under the
 * name: for an owner, on everyone but themselves and other owners.
 */
export function UserActions({ room, user }: { room: Room; user: User }) {
  if (!room.isOwner.value || user.id === room.you.value?.id || user.role === "owner") return null;
  return <UserMenu room={room} user={user} />;
}

function UserMenu({ room, user }: { room: Room; user: User }) {
  const m = menu.value;
  const isOpen = m?.id === user.id;
  const buttonId = `user-act-${user.id}`;
  const panel = useRef<HTMLDivElement>(null);
  const muted = (user.mutedUntil ?? 0) > Date.now();

  const close = (back = true) => {
    menu.value = null;
    if (back) focusBack(buttonId);
  };

  useLayoutEffect(() => {
    if (!isOpen) return;
    const el = panel.current;
    el?.querySelector("button")?.focus();
    el?.scrollIntoView({ block: "nearest" });
    const outside = (e: PointerEvent) => {
      if (!el?.parentElement?.contains(e.target as Node)) close(false);
    };
    document.addEventListener("pointerdown", outside);
    return () => document.removeEventListener("pointerdown", outside);
  }, [isOpen, m?.step]);

  /** Does it, says so (or why not), and closes the menu. */
  const act = (done: boolean, said: string) => {
    announce(done ? said : w.notConnected);
    close();
  };

  let items: ComponentChildren;
  if (m?.step === "ban" || m?.step === "mute") {
    const ban = m.step === "ban";
    const labels = ban ? w.banLengths : w.muteLengths;
    const minutes = ban ? BAN_MINUTES : MUTE_MINUTES;
    const label = ban ? w.banFor(user.name) : w.muteFor(user.name);
    items = (
      <fieldset>
        <legend class="menu-label">{label}</legend>
        {labels.map((text, i) => (
          <button
            key={text}
            type="button"
            class={ban ? "danger" : undefined}
            onClick={() => {
              const n = minutes[i] ?? 60;
              if (ban) act(room.ban(user.id, n), w.banDone(user.name, text));
              else act(room.mute(user.id, n), w.muteDone(user.name, text));
            }}
          >
            {text}
          </button>
        ))}
        {ban && <p class="hint">{w.banHint}</p>}
        <button type="button" onClick={() => (menu.value = { id: user.id, step: "main" })}>
          <span aria-hidden="true">← </span>
          {w.back}
        </button>
      </fieldset>
    );
  } else {
    items = (
      <>
        {muted && <p class="menu-label">{w.mutedUntil(formatClock(user.mutedUntil ?? 0))}</p>}
        <button type="button" onClick={() => act(room.kick(user.id), w.kickDone(user.name))}>
          {w.kick}
        </button>
        <button
          type="button"
          aria-haspopup="true"
          onClick={() => (menu.value = { id: user.id, step: "ban" })}
        >
          {w.ban}
          <span aria-hidden="true"> …</span>
        </button>
        {muted ? (
          <button type="button" onClick={() => act(room.mute(user.id, 0), w.unmuteDone(user.name))}>
            {w.unmute}
          </button>
        ) : (
          <button
            type="button"
            aria-haspopup="true"
            onClick={() => (menu.value = { id: user.id, step: "mute" })}
          >
            {w.mute}
            <span aria-hidden="true"> …</span>
          </button>
        )}
      </>
    );
  }

  return (
    <>
      <button
        type="button"
        id={buttonId}
        class="user-act"
        aria-label={w.actionsFor(user.name)}
        title={w.actionsFor(user.name)}
        aria-expanded={isOpen}
        aria-controls={isOpen ? `${buttonId}-menu` : undefined}
        onClick={() => {
          menu.value = isOpen ? null : { id: user.id, step: "main" };
        }}
      >
        <Dots />
      </button>
      {isOpen && (
        // biome-ignore lint/a11y/noStaticElementInteractions: Escape for the buttons inside.
        <div
          id={`${buttonId}-menu`}
          class="user-menu"
          ref={panel}
          onKeyDown={(e) => {
            if (e.key !== "Escape") return;
            // The menu only, not the drawer around it (RoomScreen's Escape).
            e.stopPropagation();
            if (m?.step !== "main") menu.value = { id: user.id, step: "main" };
            else close();
          }}
        >
          {items}
        </div>
      )}
    </>
  );
}

function Modal(props: { id: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useLayoutEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    // A press on the backdrop (the dialog element itself, outside its card) closes it.
    <dialog
      ref={ref}
      id={props.id}
      class="msg-dialog owner-dialog"
      aria-labelledby={`${props.id}-title`}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
      onKeyDown={(e) => {
        // Escape is the dialog's (its cancel event), not the room's.
        if (e.key === "Escape") e.stopPropagation();
      }}
      onClick={(e) => {
        if (e.target === e.currentTarget) props.onClose();
      }}
    >
      <div class="dialog-card">{props.children}</div>
    </dialog>
  );
}

function slowLabel(ms: number): string {
  const i = SLOW_MS.indexOf(ms);
  return i >= 0 ? (w.slowOptions[i] ?? "") : w.slowOther(Math.round(ms / 1000));
}

function RoomSettings({ room, close }: { room: Room; close: () => void }) {
  const held = room.settings.value;
  const topic = useSignal(held.topic);
  const slowMs = useSignal(held.slowMs);
  const locked = useSignal(held.locked);
  const error = useSignal<string | null>(null);
  const bans = room.bans.value;
  const slowChoices = SLOW_MS.includes(held.slowMs) ? SLOW_MS : [...SLOW_MS, held.slowMs];

  // An Unban takes its row away when the room's `bans` come: the keyboard stays in the dialog.
  useSignalEffect(() => {
    room.bans.value;
    requestAnimationFrame(() => {
      const d = document.getElementById("room-settings");
      if (d && !d.contains(document.activeElement))
        document.getElementById("banned-title")?.focus();
    });
  });

  const save = (e: Event) => {
    e.preventDefault();
    const now = room.settings.value;
    const patch: { topic?: string; slowMs?: number; locked?: boolean } = {};
    const text = topic.value.trim();
    if (text !== now.topic) {
      if (!isTopic(text)) {
        error.value = w.topicInvalid;
        document.getElementById("rs-topic")?.focus();
        return;
      }
      patch.topic = text;
    }
    if (slowMs.value !== now.slowMs) patch.slowMs = slowMs.value;
    if (locked.value !== now.locked) patch.locked = locked.value;
    if (Object.keys(patch).length === 0) {
      close();
      return;
    }
    if (!room.updateSettings(patch)) {
      error.value = w.notConnected;
      return;
    }
    announce(w.saved);
    close();
  };

  return (
    <Modal id="room-settings" onClose={close}>
      <h2 id="room-settings-title">{w.roomSettings}</h2>
      <form onSubmit={save} noValidate>
        <div class="field">
          <label for="rs-topic">{w.topic}</label>
          <input
            id="rs-topic"
            value={topic.value}
            autocomplete="off"
            aria-describedby="rs-topic-hint"
            aria-invalid={error.value === w.topicInvalid ? true : undefined}
            onInput={(e) => {
              topic.value = e.currentTarget.value;
              error.value = null;
            }}
          />
          <p id="rs-topic-hint" class="hint">
            {w.topicHint}
          </p>
        </div>
        <div class="field">
          <label for="rs-slow">{w.slowMode}</label>
          <select
            id="rs-slow"
            value={String(slowMs.value)}
            aria-describedby="rs-slow-hint"
            onChange={(e) => {
              slowMs.value = Number(e.currentTarget.value);
            }}
          >
            {slowChoices.map((ms) => (
              <option key={ms} value={String(ms)}>
                {slowLabel(ms)}
              </option>
            ))}
          </select>
          <p id="rs-slow-hint" class="hint">
            {w.slowHint}
          </p>
        </div>
        <div class="field">
          <label class="toggle">
            <input
              type="checkbox"
              checked={locked.value}
              aria-describedby="rs-lock-hint"
              onChange={(e) => {
                locked.value = e.currentTarget.checked;
              }}
            />
            <span>{w.lockRoom}</span>
          </label>
          <p id="rs-lock-hint" class="hint">
            {w.lockHint}
          </p>
        </div>
        <p class="field-error" aria-live="polite">
          {error.value}
        </p>
        <div class="row-end">
          <button type="button" onClick={close}>
            {t.close}
          </button>
          <button type="submit" class="primary">
            {w.save}
          </button>
        </div>
      </form>
      <section class="bans" aria-labelledby="banned-title">
        <h3 id="banned-title" tabIndex={-1}>
          {w.banned}
        </h3>
        {bans.length === 0 ? (
          <p class="hint">{w.noBans}</p>
        ) : (
          <ul aria-labelledby="banned-title">
            {bans.map((b) => (
              <li key={b.tag}>
                <span id={`ban-${b.tag}`} class="ban-what">
                  {w.banUntil(b.tag, formatTimestamp(b.until))}
                </span>
                <button
                  type="button"
                  aria-describedby={`ban-${b.tag}`}
                  onClick={() => announce(room.unban(b.tag) ? w.unbanned(b.tag) : w.notConnected)}
                >
                  {w.unban}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </Modal>
  );
}

function OwnerKey({ name, close }: { name: string; close: () => void }) {
  const copied = useSignal<string | null>(null);
  const link = `${roomUrl(name)}#owner=${keptKey(name) ?? ""}`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      copied.value = w.ownerLinkCopied;
    } catch {
      copied.value = t.copyFailed;
      document.getElementById("owner-link")?.focus();
    }
  };
  return (
    <Modal id="owner-key" onClose={close}>
      <h2 id="owner-key-title">{w.ownerKey}</h2>
      <p class="owner-warning" id="owner-key-warning">
        {w.ownerWarning}
      </p>
      <div class="link-row">
        <input
          id="owner-link"
          readOnly
          value={link}
          aria-label={w.ownerLink}
          aria-describedby="owner-key-warning"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" class="primary" onClick={copy}>
          {t.copy}
        </button>
      </div>
      <p class="hint" role="status">
        {copied.value ?? ""}
      </p>
      <div class="row-end">
        <button type="button" onClick={close}>
          {t.close}
        </button>
      </div>
    </Modal>
  );
}

/** The claim's outcome and the open dialog, over the room. */
export function OwnerLayer({ room, name }: { room: Room; name: string }) {
  const note = claimNote.value;
  const d = open.value;
  const owner = room.isOwner.value;
  const close = () => {
    if (d) focusBack(d.from);
    open.value = null;
  };
  // Another room starts with nothing open.
  useEffect(
    () => () => {
      open.value = null;
      menu.value = null;
      claimNote.value = null;
    },
    [],
  );
  return (
    <>
      {note && (
        <div class={note.ok ? "banner" : "banner warn"} role={note.ok ? "status" : "alert"}>
          <span>{note.text}</span>
          <button
            type="button"
            class="link-button"
            onClick={() => {
              claimNote.value = null;
            }}
          >
            {t.dismiss}
          </button>
        </div>
      )}
      {d?.kind === "settings" && owner && <RoomSettings room={room} close={close} />}
      {d?.kind === "key" && owner && <OwnerKey name={name} close={close} />}
    </>
  );
}
