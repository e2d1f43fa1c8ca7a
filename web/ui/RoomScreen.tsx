// One room on screen (`/r/<room>`): creates the client core's room model
// for it on the browser's Deps (web/platform.ts), wires the browser's events
// into it (visibility, online, Escape, the tab title, notifications), and
// lays out the header, the log, the composer and the online list. Components
// read the model's signals and call its actions; none reaches the socket.
//
// The room's chrome (issue 12): a room where nobody has written yet is an
// invitation (the link, Copy, the QR code) in the log's place, so a room just
// made (a new private room too) opens on it; the share panel is a compact
// card with Copy beside the link. On a phone the header is one row (the room,
// its state, the online button and a "Room menu" holding Copy link, QR code
// and, apart at the end, Leave); the online list is a drawer over a backdrop.
// "Link copied." is a line in the flow under the header: it covers nothing.
import { useModel, useSignal, useSignalEffect } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { type Room, RoomModel } from "../../client/room";
import type { Message } from "../../protocol";
import { goHome, notifyOn, roomLabel, savedName, setNotify, shareUrl, t } from "../app";
import { browserDeps } from "../platform";
import { Composer } from "./Composer";
import { secondsUntil, useNow } from "./hooks";
import { Logo } from "./Logo";
import { lazy } from "./lazy";
import { MessageLog } from "./MessageLog";
import { Topic } from "./Moderation";
import { NameForm } from "./NameForm";
import { OnlineList } from "./OnlineList";
import { loadOwnerTools, ownerTools } from "./owner";
import { Qr } from "./Qr";
import { SaveConversation } from "./SaveConversation";
import "./room.css";

function notifyMention(room: string, m: Message) {
  if (!notifyOn.value || typeof Notification === "undefined") return;
  if (Notification.permission !== "granted") return;
  if (!document.hidden && document.hasFocus()) return;
  const n = new Notification(t.mentionTitle(m.user.name, roomLabel(room)), {
    body: m.text.slice(0, 200),
    tag: `roomchat:${room}`,
  });
  n.onclick = () => {
    window.focus();
    n.close();
  };
}

function ConnectionState({ room }: { room: Room }) {
  const status = room.status.value;
  const now = useNow(status === "waiting");
  let text: string;
  let kind: string = status;
  if (room.ended.value) {
    text = t.disconnected;
    kind = "offline";
  } else if (status === "connected") text = t.connected;
  else if (status === "waiting") text = t.reconnectingIn(secondsUntil(room.retryAt.value, now));
  else if (status === "offline") text = t.offline;
  else if (status === "connecting") text = t.connecting;
  else text = t.disconnected;
  return (
    <div class="conn">
      <span class={`pill ${kind}`}>
        <span class="dot" aria-hidden="true" />
        {text}
      </span>
      {(status === "waiting" || status === "offline") && !room.ended.value && (
        <button type="button" class="link-button" onClick={() => room.wake()}>
          {t.retryNow}
        </button>
      )}
      {/* Announced without the ticking seconds, so screen readers hear each change once. */}
      <span class="sr-only" role="status">
        {t.connectionIs(status === "waiting" ? t.reconnecting : text)}
      </span>
    </div>
  );
}

/** The room's link with Copy beside it, and its QR code: the invitation and the share panel. */
function Share(props: {
  url: string;
  id: string;
  invite: boolean;
  onCopy: () => void;
  onClose?: () => void;
}) {
  const { url } = props;
  return (
    <section
      id={props.id}
      class={props.invite ? "share invite" : "share panel"}
      aria-labelledby={`${props.id}-title`}
    >
      <Qr text={url} label={t.qrLabel(url)} />
      <div class="share-text">
        <h2 id={`${props.id}-title`}>{props.invite ? t.inviteTitle : t.share}</h2>
        {props.invite && <p class="hint">{t.inviteHint}</p>}
        <div class="link-row">
          <input
            id={`${props.id}-link`}
            readOnly
            value={url}
            aria-label={t.roomLink}
            onFocus={(e) => e.currentTarget.select()}
          />
          <button type="button" class="primary" onClick={props.onCopy}>
            {t.copy}
          </button>
        </div>
        {props.onClose && (
          <button type="button" onClick={props.onClose}>
            {t.close}
          </button>
        )}
      </div>
    </section>
  );
}

/** The people icon of the online button on a phone. */
const People = () => (
  <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
    <path d="M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8Zm7 0a3 3 0 1 0 0-6M2 21v-1a6 6 0 0 1 12 0v1m2-6a5 5 0 0 1 6 5v1" />
  </svg>
);

/** (v2) An encrypted room's badge and key screen; the banners (rare): lazy chunks. */
const e2eeUi = lazy(() => import("./E2ee"));
const bannersUi = lazy(() => import("./Banners"));

export function RoomScreen({ room: roomName }: { room: string }) {
  // One model per mounted screen (the screen is keyed by its room).
  const room = useModel(
    () =>
      new RoomModel(browserDeps(), {
        room: roomName,
        base: location.origin,
        name: savedName.value || undefined,
        onMention: (m) => notifyMention(roomName, m),
      }),
  );
  const renaming = useSignal(false);
  /** Whether this screen has been in the room: from then on the room stays behind the name card. */
  const wasIn = useRef(false);
  const copyTimer = useRef<number | undefined>(undefined);
  const showOnline = useSignal(false);
  const showQr = useSignal(false);
  const showMenu = useSignal(false);
  const copied = useSignal<string | null>(null);
  const notifyMessage = useSignal<string | null>(null);
  const url = shareUrl(roomName);

  const focusComposer = () => document.getElementById("composer-box")?.focus();

  // The model's life is the screen's: start on mount, close (not leave) on unmount.
  useEffect(() => {
    const onVisibility = () => room.setVisible(!document.hidden);
    const onOnline = () => room.setOnline(true);
    const onOffline = () => room.setOnline(false);
    // Escape folds what is open over the room (Ctrl+S and Ctrl+L are the composer's).
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        if (showMenu.value) document.getElementById("room-menu-button")?.focus();
        showQr.value = false;
        showOnline.value = false;
        showMenu.value = false;
      }
    };
    document.addEventListener("visibilitychange", onVisibility);
    window.addEventListener("online", onOnline);
    window.addEventListener("offline", onOffline);
    document.addEventListener("keydown", onKey);
    room.setVisible(!document.hidden);
    room.setOnline(navigator.onLine);
    room.start();
    return () => {
      document.removeEventListener("visibilitychange", onVisibility);
      window.removeEventListener("online", onOnline);
      window.removeEventListener("offline", onOffline);
      document.removeEventListener("keydown", onKey);
      room.close();
    };
  }, [room]);

  // The tab title: the room, and the unread count while the tab is hidden.
  useSignalEffect(() => {
    const label = roomLabel(roomName);
    const unread = room.unread.value;
    document.title = unread > 0 ? t.unreadTitle(unread, label) : t.roomTitle(label);
  });

  // quit(), /quit and Leave all end here: back to the landing page.
  useSignalEffect(() => {
    if (room.ended.value === "left") goHome(roomName);
  });

  // Once in the room, the keyboard goes to the composer (unless the user is already elsewhere).
  useSignalEffect(() => {
    if (!room.you.value) return;
    const active = document.activeElement;
    if (!active || active === document.body) focusComposer();
  });

  // (v2) The owner tools load when this session is an owner.
  useSignalEffect(() => {
    if (room.isOwner.value) loadOwnerTools();
  });

  // The name the server accepted is the one to remember (with its trip secret, if any).
  useSignalEffect(() => {
    if (room.you.value) savedName.value = room.name.value;
  });

  const copy = async () => {
    showMenu.value = false;
    try {
      await navigator.clipboard.writeText(url);
      copied.value = t.linkCopied;
    } catch {
      copied.value = t.copyFailed;
      showQr.value = true;
    }
    window.clearTimeout(copyTimer.current);
    copyTimer.current = window.setTimeout(() => {
      copied.value = null;
    }, 3000);
  };

  const owner = ownerTools.value;
  // (v2) An encrypted room's badge and key screen are a lazy chunk.
  const lock = room.settings.value.e2ee ? e2eeUi() : null;
  const banners = room.ended.value || room.notice.value ? bannersUi() : null;
  const nameError = room.nameError.value;
  const needsName = !room.name.value || nameError !== null || renaming.value;
  if (room.you.value) wasIn.current = true;
  // Until a name is given, the name card sits over a quiet room: its title
  // only. Its status, log and online list would say "Not connected" and
  // "Online (0)" about a room that people may well be in.
  const quiet = needsName && !wasIn.current;
  // Nobody has written yet (joins and leaves do not count): the room is an invitation.
  const empty =
    room.you.value !== null &&
    room.pending.value.length === 0 &&
    !room.log.value.some((e) => e.kind === "message");

  return (
    <div class="room">
      {/* Behind the name dialog, the room is inert: the keyboard stays in the dialog. */}
      <div class="room-main" inert={needsName}>
        <header class="topbar">
          <div class="title">
            <a href="/" class="home" aria-label={t.appName}>
              <Logo />
            </a>
            <div class="name-state">
              <div class="room-name">
                <h1 title={roomName}>{roomLabel(roomName)}</h1>
                {!quiet && <Topic room={room} />}
                {lock?.Lock()}
              </div>
              {!quiet && <ConnectionState room={room} />}
            </div>
          </div>
          {!quiet && (
            <div class="room-tools">
              <button
                type="button"
                class="only-narrow online-button"
                aria-expanded={showOnline.value}
                aria-controls="online-panel"
                onClick={() => {
                  showOnline.value = !showOnline.value;
                  showMenu.value = false;
                }}
              >
                <People />
                {/* Named "Online (n)", showing the icon and n. */}
                <span class="sr-only">{t.showOnline(room.online.value)}</span>
                <span aria-hidden="true">{room.online.value}</span>
              </button>
              <button
                type="button"
                id="room-menu-button"
                class="only-narrow menu-button"
                aria-label={t.roomMenu}
                aria-expanded={showMenu.value}
                aria-controls="room-actions"
                onClick={() => {
                  showMenu.value = !showMenu.value;
                  if (showMenu.value)
                    requestAnimationFrame(() =>
                      document.querySelector<HTMLElement>("#room-actions button")?.focus(),
                    );
                }}
              >
                <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                  <path d="M4 6h16M4 12h16M4 18h16" />
                </svg>
              </button>
              {showMenu.value && (
                <div
                  class="menu-backdrop only-narrow"
                  aria-hidden="true"
                  onClick={() => {
                    showMenu.value = false;
                  }}
                />
              )}
              <div id="room-actions" class={showMenu.value ? "actions open" : "actions"}>
                <button type="button" onClick={copy}>
                  {t.copyLink}
                </button>
                <button
                  type="button"
                  aria-expanded={showQr.value || empty}
                  aria-controls="share-panel"
                  onClick={() => {
                    showMenu.value = false;
                    if (empty) {
                      showQr.value = true;
                      document.getElementById("share-panel-link")?.focus();
                    } else showQr.value = !showQr.value;
                  }}
                >
                  {t.qrCode}
                </button>
                <SaveConversation room={room} name={roomName} />
                {room.joined.value && !room.settings.value.owned && (
                  <button
                    type="button"
                    onClick={() => {
                      showMenu.value = false;
                      loadOwnerTools().then((m) => m?.claim(room, roomName));
                    }}
                  >
                    {t.claimRoom}
                  </button>
                )}
                {owner && (
                  <owner.OwnerButtons
                    room={room}
                    name={roomName}
                    onPick={() => {
                      showMenu.value = false;
                    }}
                  />
                )}
                <button type="button" class="danger leave" onClick={() => room.leave()}>
                  {t.leave}
                </button>
              </div>
            </div>
          )}
        </header>
        {quiet ? (
          <main class="room-wait" />
        ) : (
          <>
            <p class={copied.value ? "toast" : "sr-only"} role="status">
              {copied.value ?? ""}
            </p>
            {showQr.value && !empty && (
              <Share
                id="share-panel"
                url={url}
                invite={false}
                onCopy={copy}
                onClose={() => {
                  showQr.value = false;
                }}
              />
            )}
            {banners && <banners.Banners room={room} />}
            {owner && <owner.OwnerLayer room={room} name={roomName} />}
            <div class="room-body">
              {/* The page's main landmark: the conversation, its log and its composer. */}
              {lock?.keyScreen(room, roomName) ?? (
                <main class="chat">
                  {empty && <Share id="share-panel" url={url} invite onCopy={copy} />}
                  <MessageLog room={room} />
                  <Composer room={room} />
                </main>
              )}
              <OnlineList
                room={room}
                open={showOnline.value}
                onClose={() => {
                  showOnline.value = false;
                }}
                onRename={() => {
                  renaming.value = true;
                }}
                notify={notifyOn.value}
                notifyMessage={notifyMessage.value}
                onNotify={async (on) => {
                  notifyMessage.value = (await setNotify(on)) ? null : t.notifyDenied;
                }}
              />
            </div>
          </>
        )}
      </div>
      {needsName && (
        <NameForm
          room={roomLabel(roomName)}
          initial={room.name.value || savedName.value}
          error={
            nameError === "name_taken"
              ? t.nameTaken
              : nameError === "name_invalid"
                ? t.nameInvalid
                : null
          }
          onSubmit={(name) => {
            if (room.join(name)) renaming.value = false;
          }}
          onCancel={() => {
            // Cancelling a change of name keeps the room; cancelling a first
            // join goes back (unmounting closes the socket, which joined nothing).
            if (renaming.value && !nameError) renaming.value = false;
            else goHome();
          }}
        />
      )}
    </div>
  );
}
