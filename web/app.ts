// Page-wide state outside any one room: the language, the route (landing or
// a room, from the URL, kept in sync with history), the remembered name and
// the notification toggle.
import { signal } from "@preact/signals";
import { storageKeys, writeItem } from "../client/deps";
import { isPrivateRoomName, normalizeRoomName } from "../protocol";
import { type Catalogue, catalogue, pickLang } from "./i18n";
import { en } from "./i18n/en";
import { local } from "./platform";

const query = new URLSearchParams(location.search);
const langParam = query.get("lang");

export const lang = pickLang(langParam, navigator.languages ?? [navigator.language]);
/**
 * The strings of the page's language: English until `loadStrings()` has
 * replaced them (main.tsx renders nothing before); a live binding, so every
 * importer sees the loaded catalogue.
 */
export let t: Catalogue = en;

/** Loads the page's language (the Chinese words are a lazy chunk, web/i18n/index.ts). */
export async function loadStrings(): Promise<void> {
  t = await catalogue(lang);
}

export type Route =
  | { page: "landing"; leftRoom?: string; badRoom?: string }
  | { page: "room"; room: string };

/** How a room is called on screen: private rooms by a short form of their long name. */
export function roomLabel(room: string): string {
  return isPrivateRoomName(room) ? `${t.privateRoom} · ${room.slice(0, 6)}` : `#${room}`;
}

/** The room's address to share: no language parameter, each reader gets their own. */
export function roomUrl(room: string): string {
  return `${location.origin}/r/${encodeURIComponent(room)}`;
}

/**
 * (v2) The link that Copy link and the QR code give: an encrypted room's
 * link carries its key in the fragment (`#k=`), or no one could read it.
 */
export function shareUrl(room: string): string {
  const key = local.getItem(`roomchat:e2ee:${room}`);
  return `${roomUrl(room)}${key ? `#k=${key}` : ""}`;
}

/** A path inside the page, keeping an explicit `?lang=` while the user moves around. */
function pagePath(path: string): string {
  return langParam === "en" || langParam === "zh" ? `${path}?lang=${langParam}` : path;
}

function parseRoute(): Route {
  const m = /^\/r\/([^/]+)\/?$/.exec(location.pathname);
  if (!m?.[1]) return { page: "landing" };
  let raw: string;
  try {
    raw = decodeURIComponent(m[1]);
  } catch {
    return { page: "landing", badRoom: m[1] };
  }
  const room = normalizeRoomName(raw);
  if (!room) return { page: "landing", badRoom: raw };
  // `/r/Lobby` and `/r/lobby` are one room: show the canonical address.
  if (raw !== room) history.replaceState(null, "", pagePath(`/r/${encodeURIComponent(room)}`));
  return { page: "room", room };
}

/**
 * (v2) The link's fragment, which browsers never send to a server:
 * `#owner=<key>` (a room's owner key, from "Show owner key" on another
 * device) and `#k=<key>` (an encrypted room's key: 32 bytes in base64url),
 * alone or joined by `&`. Read before the route (which may rewrite the
 * address), kept for that room on this device before its model joins, and
 * taken out of the address bar so that the key is not left in it (or in a
 * screenshot of it). The storage key of the room key is the core's
 * `roomchat:e2ee:<room>` (client/deps.ts).
 */
const fragment = new URLSearchParams(location.hash.slice(1));
const ownerKey = /^[\w-]{16,256}$/.exec(fragment.get("owner") ?? "")?.[0];
const roomKey = /^[\w-]{43}$/.exec(fragment.get("k") ?? "")?.[0];

export const route = signal<Route>(parseRoute());

if (ownerKey || roomKey) {
  const r = route.value;
  if (r.page === "room") {
    if (ownerKey) writeItem(local, storageKeys.ownerKey(r.room), ownerKey);
    if (roomKey) writeItem(local, `roomchat:e2ee:${r.room}`, roomKey);
  }
  history.replaceState(null, "", location.pathname + location.search);
}

window.addEventListener("popstate", () => {
  route.value = parseRoute();
});

export function openRoom(room: string): void {
  history.pushState(null, "", pagePath(`/r/${encodeURIComponent(room)}`));
  route.value = { page: "room", room };
}

/** Back to the landing; `leftRoom` (a room's name) when the user just left it, to offer a way back. */
export function goHome(leftRoom?: string): void {
  history.pushState(null, "", pagePath("/"));
  route.value = leftRoom ? { page: "landing", leftRoom } : { page: "landing" };
}

/** The name remembered on this device (the room model saves it after a welcome). */
export const savedName = signal(local.getItem(storageKeys.name) ?? "");

export function rememberName(name: string): void {
  savedName.value = name;
  writeItem(local, storageKeys.name, name);
}

/** Desktop notifications on mentions: off until the user turns them on. */
export const notifyOn = signal(local.getItem(storageKeys.notify) === "1");

export async function setNotify(on: boolean): Promise<boolean> {
  if (on && typeof Notification !== "undefined" && Notification.permission !== "granted") {
    const answer = await Notification.requestPermission();
    if (answer !== "granted") return false;
  }
  if (on && typeof Notification === "undefined") return false;
  notifyOn.value = on;
  writeItem(local, storageKeys.notify, on ? "1" : null);
  return true;
}
