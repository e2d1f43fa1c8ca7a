// Every string of the page in English. zh.ts has the same keys (the type
// `Catalogue` makes a missing or extra key a compile error). Strings with
// values are functions, so that each language orders its own words.

export const en = {
  appName: "roomchat",
  tagline: "A chat room anyone can open from a link.",
  yourName: "Your name",
  room: "Room",
  roomHint:
    "Any name: it becomes a link like #design-review, and the same name opens the same room.",
  join: "Join",
  opensRoom: (room: string) => `Opens ${room}`,
  or: "or",
  newPrivateRoom: "New private room",
  newEncryptedRoom: "New encrypted room",
  privateHint: "A room with a name nobody can guess. Share its link to invite people.",
  creating: "Creating…",
  createFailed: "Could not create a room. Check your connection and try again.",
  nameRequired: "Enter a name to join.",
  nameInvalid: "That name cannot be used: 1 to 32 characters, at least one visible.",
  nameTaken: "Someone in this room already uses that name. Pick another one.",
  roomInvalid:
    "A room name has 1 to 64 letters, digits, - _ or . and starts with a letter or digit.",
  joinRoomTitle: (room: string) => `Join ${room}`,
  privateRoom: "Private room",
  youLeft: (room: string) => `You left ${room}.`,
  rejoin: "Rejoin",

  // header
  copyLink: "Copy link",
  linkCopied: "Link copied.",
  copyFailed: "Could not copy. Select the link below and copy it.",
  qrCode: "QR code",
  share: "Share this room",
  close: "Close",
  qrLabel: (url: string) => `QR code of ${url}`,
  leave: "Leave",
  changeName: "Change name",
  cancel: "Cancel",
  notify: "Notify me",
  notifyTitle: "Desktop notification when someone writes your name",
  notifyDenied: "Notifications are blocked for this site in the browser's settings.",
  mentionTitle: (name: string, room: string) => `${name} mentioned you in ${room}`,

  // connection
  connectionIs: (state: string) => `Connection: ${state}`,
  connected: "Connected",
  connecting: "Connecting…",
  reconnectingIn: (s: number) => `Reconnecting in ${s} s`,
  offline: "Offline",
  disconnected: "Not connected",
  retryNow: "Retry now",
  useHere: "Use it here",
  roomFull: "This room is full.",
  tooManySessions:
    "Too many sessions from your network address are in this room. Leave one of them, then try again.",
  tryAgain: "Try again",
  historyFailed: "Could not load earlier messages.",
  dismiss: "Dismiss",

  // log
  messages: "Messages",
  loadOlder: "Load earlier messages",
  loading: "Loading…",
  beginning: "This is the beginning of the room.",
  empty: "No messages yet. Say hello!",
  newMessages: "New messages",
  you: "you",
  sending: "Sending…",
  sent: "Sent",
  waiting: "Waiting…",
  notSent: "Not sent",
  discard: "Discard",
  joinedLine: (name: string) => `${name} joined`,
  leftLine: (name: string) => `${name} left`,
  disconnectedLine: (name: string) => `${name} left (connection lost)`,
  typingOne: (a: string) => `${a} is typing…`,
  typingTwo: (a: string, b: string) => `${a} and ${b} are typing…`,
  typingMany: "Several people are typing…",

  // online list
  onlineUsers: "Online users",
  youMarker: "(you)",
  reconnecting: "reconnecting",
  joinedAt: (time: string) => `joined ${time}`,
  tagLabel: (tag: string) => `tag ${tag}: same tag = same network address in this room`,
  showOnline: (n: number) => `Online (${n})`,
  hideOnline: "Hide list",

  // composer
  message: "Message",
  placeholder: "Write a message…",
  composerHelp: "Enter sends, Shift+Enter adds a line. Ctrl+S sends, Ctrl+L clears. quit() leaves.",
  send: "Send",
  clear: "Clear",
  remaining: (n: number) => `${n} characters left`,
  tooLong: (max: number) => `A message has at most ${max} characters.`,
  textInvalid: "A message needs at least one visible character, and valid text.",
  tooBig: "This message is too large to send.",
  waitSeconds: (s: number) => `Sending paused: wait ${s} s`,
  rateLimited: "You are sending too fast.",

  // protocol errors (their codes), in plain words
  errors: {
    bad_json: "The server could not read a frame from this page.",
    bad_frame: "The server refused a frame from this page.",
    bad_message: "The server did not understand a frame from this page.",
    not_joined: "The page sent something before joining.",
    already_joined: "This connection has already joined.",
    name_invalid: "That name cannot be used: 1 to 32 characters, at least one visible.",
    name_taken: "Someone in this room already uses that name. Pick another one.",
    text_invalid: "The server refused this message's text.",
    rate_limited: "You are sending too fast.",
    room_full: "This room is full.",
    too_many_sessions: "Too many sessions from your network address are in this room.",
    duplicate: "This message was already delivered.",
    message_unknown: "That message is no longer in the room: it was deleted or is too old.",
    forbidden: "You are not allowed to do that here.",
    too_late: "Too late to edit that message.",
    reaction_invalid: "A reaction is exactly one emoji.",
    reaction_limit: "That message has as many reactions as it can hold.",
    muted: "A room owner has muted you for now.",
    user_unknown: "That person is no longer in the room.",
  },

  unreadTitle: (n: number, room: string) => `(${n}) ${room} · roomchat`,
  roomTitle: (room: string) => `${room} · roomchat`,

  // the room's chrome (issue 12)
  roomMenu: "Room menu",
  copy: "Copy",
  roomLink: "Room link",
  inviteTitle: "Invite people",
  inviteHint:
    "Nobody has written here yet. Anyone with this link can join: send it, or let them scan the code.",
  willSendOnReconnect: "Will be sent when reconnected",
  offlineSend: "Not connected: what you send now goes out when the connection is back.",
  counts: (online: number, away: number) =>
    away > 0 ? `Online ${online} · reconnecting ${away}` : `Online ${online}`,
  lastKnown: "Last known: not connected",
  fromPlace: (place: string) => `from ${place}`,
  notifyHint: "A notification when someone writes your name",
  shortcuts: "Keyboard shortcuts",

  // Save conversation (issue 13)
  saveConversation: "Save conversation",
  saveConversationHint: "Every message this room still keeps, in a file.",
  saveAsText: "Text (.txt)",
  saveAsJson: "JSON (.json)",
  savingConversation: "Loading the conversation…",
  saveFailed: "Could not load the conversation. Try again.",

  // the log (issue 12)
  today: "Today",
  yesterday: "Yesterday",
  /** The locale whose long date names an earlier day in the log. */
  dayLocale: "en-GB",

  // message actions (issue 13)
  messageActions: "Message actions",
  replyingTo: (name: string) => `Replying to ${name}`,
  cancelReply: "Cancel reply",
  replyCancelled: "Reply cancelled.",
  inReplyTo: (name: string) => `In reply to ${name}:`,
  goToOriginal: "Go to the original message",
  originalGone: "original not retained",
  originalDeleted: "original deleted",
  edited: "edited",
  editedAt: (time: string) => `edited ${time}`,
  messageDeleted: "Message deleted",
  undecryptable: "This message could not be decrypted",
  deletedByOwner: "Message deleted by a room owner",
  reactionAdded: (emoji: string) => `Reaction ${emoji} added.`,
  reactionRemoved: (emoji: string) => `Reaction ${emoji} removed.`,
  someoneWhoLeft: "someone who left",

  // moderation, what everyone sees (issue 14)
  owner: "owner",
  trip: (trip: string) =>
    `trip ◆${trip}: the same secret gives the same trip; it proves the same person, not the name`,
  nameHint: "Add #secret to your name (name#secret) to show a trip that proves it is you.",
  topic: "Topic",
  slowMode: (s: number) => `Slow mode: one message every ${s} s`,
  slowWait: (s: number) => `next in ${s} s`,
  mutedUntil: (time: string) => `You are muted until ${time}: what you send waits until then.`,
  kicked: "You were removed from this room.",
  joinAgain: "Join again",
  banned: "You are banned from this room for a while.",
  bannedUntil: (when: string) => `You are banned from this room until ${when}.`,
  banOver: "Your ban from this room has ended.",
  roomLocked: "This room is locked: it takes no new people right now.",
  kickedLine: (name: string) => `${name} was removed`,
  bannedLine: (name: string) => `${name} was banned`,
  ignore: "Ignore",
  stopIgnoring: "Stop ignoring",
  hiddenMessage: "Hidden: message from an ignored person",
  show: "Show",
  // owners (issue 14): the one owner button every visitor of an unowned room sees
  claimRoom: "Claim this room",
};

type Widen<T> = T extends (...args: infer A) => string
  ? (...args: A) => string
  : T extends string
    ? string
    : { [K in keyof T]: Widen<T[K]> };

/** The shape every language's catalogue has. */
export type Catalogue = Widen<typeof en>;
