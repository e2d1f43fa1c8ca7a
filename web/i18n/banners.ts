// The words of the rare banners (web/ui/Banners.tsx, a lazy chunk): a
// session taken over by another tab, the server's closes, a refused owner
// key. They load with that module: the page's initial JavaScript has a
// 35 KiB budget, which encrypted rooms needed room in.
import type { Lang } from "./index";

const en = {
  takenOver: "This room is open in another tab or window, which took over this session.",
  closedAbuse: "The server closed the connection after too many refused frames.",
  closedTooBig: "The server closed the connection: a frame was too large.",
  closedServerError: "The server had an unexpected error. Reconnecting…",
  ownerKeyRefused: "The owner key kept for this room was not accepted, so you joined as a member.",
};

const zh: typeof en = {
  takenOver: "这个房间已在另一个标签页或窗口中打开，会话已转到那里。",
  closedAbuse: "被拒绝的帧太多，服务器关闭了连接。",
  closedTooBig: "服务器关闭了连接：帧太大。",
  closedServerError: "服务器出现意外错误，正在重新连接…",
  ownerKeyRefused: "此房间没有接受本设备保存的房主密钥，你以普通成员身份加入。",
};

export const bannersText: Record<Lang, typeof en> = { en, zh };
