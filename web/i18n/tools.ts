// The words of the message tools (web/ui/MessageTools.tsx: the actions menu,
// the edit box, the reaction and delete dialogs), in both languages. They
// load with that module, on first use, rather than with the page: otherwise
// every visitor would download both languages' words for actions they may
// never take (the page's budget is 35 KiB). The rest of the conversation's
// words, those every reader sees, are in en.ts and zh.ts.
import type { Lang } from "./index";

const en = {
  reply: "Reply",
  edit: "Edit",
  del: "Delete",
  addReaction: "Add reaction",
  reactions: "Reactions",
  editMessage: "Edit message",
  editHint: "Enter saves, Shift+Enter adds a line, Escape cancels.",
  save: "Save",
  messageEdited: "Message edited.",
  editCancelled: "Edit cancelled.",
  deleteTitle: "Delete this message?",
  deleteHint: "Everyone will see “Message deleted” in its place. This cannot be undone.",
  deletedNotice: "Message deleted.",
  tooLate: (minutes: number) =>
    `Too late to edit: a message can be edited for ${minutes} minutes after it was sent.`,
  changeErrors: {
    unknown: "That message is no longer in the room.",
    not_yours: "Only the person who wrote a message can change it.",
    empty: "A message needs at least one visible character.",
    invalid: "That change cannot be made.",
  },
};

const zh: typeof en = {
  reply: "回复",
  edit: "编辑",
  del: "删除",
  addReaction: "添加表情回应",
  reactions: "表情回应",
  editMessage: "编辑消息",
  editHint: "Enter 保存，Shift+Enter 换行，Esc 取消。",
  save: "保存",
  messageEdited: "消息已编辑。",
  editCancelled: "已取消编辑。",
  deleteTitle: "删除这条消息？",
  deleteHint: "所有人都会在原处看到“消息已删除”。删除后无法恢复。",
  deletedNotice: "消息已删除。",
  tooLate: (minutes) => `来不及编辑了：消息发出后 ${minutes} 分钟内才能编辑。`,
  changeErrors: {
    unknown: "这条消息已不在房间里。",
    not_yours: "只有发消息的人才能修改它。",
    empty: "消息至少要有一个可见字符。",
    invalid: "无法进行这个修改。",
  },
};

export const toolsText: Record<Lang, typeof en> = { en, zh };
