// The landing page (`/`): your name (remembered on this device), a room
// name and Join, or "New private room", which asks the server for a room
// nobody can guess and opens it, or (v2) "New encrypted room", the same with
// a key made on this device that the server never sees (its code, the
// client core's client/crypto.ts, is a lazy chunk). The room may be typed as people say it
// ("Design Review!"): the room it opens is shown under the field as it is
// typed. Just after leaving a room, the page offers to rejoin it.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { storageKeys, writeItem } from "../../client/deps";
import type { NewRoom } from "../../protocol";
import { normalizeRoomName, normalizeUserName } from "../../protocol";
import { lang, openRoom, rememberName, roomLabel, savedName, t } from "../app";
import { roomNameFrom } from "../lib/roomname";
import { local } from "../platform";
import { LangSwitch } from "./LangSwitch";
import { Logo } from "./Logo";

export function Landing({ leftRoom, badRoom }: { leftRoom?: string; badRoom?: string }) {
  const name = useSignal(savedName.value);
  const room = useSignal(badRoom ?? leftRoom ?? "");
  const nameError = useSignal<string | null>(null);
  const roomError = useSignal<string | null>(badRoom ? t.roomInvalid : null);
  const busy = useSignal(false);
  const createError = useSignal<string | null>(null);

  useEffect(() => {
    document.title = t.appName;
    // Start where there is something to do: the name; or, when the name is
    // known, Rejoin just after leaving a room, else the room.
    const first = !name.value ? "name" : leftRoom ? "rejoin" : "room";
    document.getElementById(first)?.focus();
  }, [name]);

  /** Checks the name; remembers it when it is good. */
  const takeName = (): boolean => {
    if (!name.value.trim()) {
      nameError.value = t.nameRequired;
      return false;
    }
    // (v2) `name#secret`: the name is the part before the first `#`.
    const checked = normalizeUserName(name.value.split("#")[0] ?? "");
    if (!checked.ok) {
      nameError.value = t.nameInvalid;
      return false;
    }
    nameError.value = null;
    rememberName(name.value.includes("#") ? name.value.trim() : checked.value);
    return true;
  };

  const target = roomNameFrom(room.value);

  const onJoin = (e: Event) => {
    e.preventDefault();
    const nameOk = takeName();
    roomError.value = target ? null : t.roomInvalid;
    if (nameOk && target) openRoom(target);
    // Decided here, not from aria-invalid in the DOM, which still shows the
    // previous submit's errors until the next render.
    else document.getElementById(nameOk ? "room" : "name")?.focus();
  };

  const onRejoin = () => {
    if (leftRoom && takeName()) openRoom(leftRoom);
    else document.getElementById("name")?.focus();
  };

  const onCreate = async (e2ee?: boolean) => {
    if (!takeName()) {
      document.getElementById("name")?.focus();
      return;
    }
    busy.value = true;
    createError.value = null;
    try {
      const res = await fetch("/api/rooms", { method: "POST", body: e2ee ? '{"e2ee":true}' : "" });
      if (!res.ok) throw new Error(String(res.status));
      const body = (await res.json()) as NewRoom;
      const created = normalizeRoomName(body.room);
      if (!created) throw new Error("bad room");
      // (v2) The room is ours: its owner key, shown once, stays on this device.
      if (body.ownerKey) writeItem(local, storageKeys.ownerKey(created), body.ownerKey);
      // (v2) An encrypted room's key is made here and kept for the room: Copy link gives it.
      if (e2ee)
        writeItem(
          local,
          `roomchat:e2ee:${created}`,
          (await import("../../client/crypto")).newRoomKey(),
        );
      openRoom(created);
    } catch {
      createError.value = t.createFailed;
    } finally {
      busy.value = false;
    }
  };

  return (
    <main class="landing">
      <div class="card">
        <header class="brand">
          <Logo />
          <h1>{t.appName}</h1>
        </header>
        <p class="tagline">{t.tagline}</p>
        {leftRoom && (
          <div class="note left">
            <p role="status">{t.youLeft(roomLabel(leftRoom))}</p>
            <button type="button" id="rejoin" onClick={onRejoin}>
              {t.rejoin}
            </button>
          </div>
        )}
        <form onSubmit={onJoin} noValidate>
          <div class="field">
            <label for="name">{t.yourName}</label>
            <input
              id="name"
              name="name"
              autocomplete="nickname"
              maxLength={64}
              value={name.value}
              onInput={(e) => {
                name.value = e.currentTarget.value;
              }}
              aria-invalid={nameError.value ? true : undefined}
              aria-describedby={nameError.value ? "name-error name-hint" : "name-hint"}
            />
            {nameError.value && (
              <p id="name-error" class="field-error">
                {nameError.value}
              </p>
            )}
            <p id="name-hint" class="hint">
              {t.nameHint}
            </p>
          </div>
          <div class="field">
            <label for="room">{t.room}</label>
            <input
              id="room"
              name="room"
              autocomplete="off"
              autocapitalize="none"
              spellcheck={false}
              maxLength={256}
              value={room.value}
              onInput={(e) => {
                room.value = e.currentTarget.value;
                // A room that can be opened again clears the last submit's error.
                if (roomNameFrom(room.value)) roomError.value = null;
              }}
              aria-invalid={roomError.value ? true : undefined}
              aria-describedby={roomError.value ? "room-error" : "room-hint"}
            />
            {roomError.value ? (
              <p id="room-error" class="field-error">
                {roomError.value}
              </p>
            ) : (
              <p id="room-hint" class="hint">
                {target ? t.opensRoom(roomLabel(target)) : t.roomHint}
              </p>
            )}
          </div>
          <button type="submit" class="primary wide">
            {t.join}
          </button>
        </form>
        <div class="divider" aria-hidden="true">
          <span>{t.or}</span>
        </div>
        <button
          type="button"
          class="wide"
          onClick={() => onCreate()}
          disabled={busy.value}
          aria-describedby="private-hint"
        >
          {t.newPrivateRoom}
        </button>
        <button type="button" class="wide" onClick={() => onCreate(true)} disabled={busy.value}>
          {t.newEncryptedRoom}
        </button>
        <p id="private-hint" class="hint center">
          {busy.value ? t.creating : t.privateHint}
        </p>
        {createError.value && (
          <p class="field-error" role="alert">
            {createError.value}
          </p>
        )}
      </div>
      <footer class="landing-foot">
        <LangSwitch current={lang} />
      </footer>
    </main>
  );
}
