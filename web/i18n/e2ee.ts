// The words of an encrypted room's screens (web/ui/E2ee.tsx: the lock badge
// and its line in the header, the missing-key and wrong-key screens), in
// both languages. They load with that module, in encrypted rooms only: the
// page's initial JavaScript has a 35 KiB budget. "New encrypted room" on the landing is in en.ts and
// zh.ts, since it shows before anything loads.
import type { Lang } from "./index";

const en = {
  encrypted: "Encrypted",
  explain: "Only people with the link can read this room; the server cannot.",
  missingKey: "This link is missing its key",
  missingKeyHint:
    "This room is encrypted. Its key travels only in the full link, in the part after “#k=”. Ask the person who shared it for the whole link.",
  wrongKey: "This link’s key does not open this room",
  wrongKeyHint:
    "The messages here were encrypted with another key. Check that the link was copied whole, or ask for it again.",
  home: "Back to start",
};

const zh: typeof en = {
  encrypted: "已加密",
  explain: "只有拿到链接的人才能读这个房间；服务器读不了。",
  missingKey: "这个链接缺少密钥",
  missingKeyHint:
    "这是一个加密房间，密钥只在完整链接里“#k=”之后的部分。请向分享链接的人要完整的链接。",
  wrongKey: "这个链接的密钥打不开这个房间",
  wrongKeyHint: "这里的消息是用另一个密钥加密的。请确认链接复制完整，或再要一次。",
  home: "回到首页",
};

export const e2eeText: Record<Lang, typeof en> = { en, zh };
