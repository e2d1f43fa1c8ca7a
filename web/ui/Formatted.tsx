// A message's text, formatted (issue 13): the blocks and spans of
// web/lib/format.ts rendered as elements (p, blockquote, pre>code, strong,
// em, code, a, span.mention and span.mention.self for you), never from an
// HTML string, so that no text can
// become markup. Links open in a new tab without the page's referrer or
// opener. An @mention is shown as one when it names someone present (by
// `nameKey`, as the protocol compares names), and stronger when it names you;
// otherwise it stays plain text. Its look: format.css.
import type { ComponentChildren } from "preact";
import { useMemo } from "preact/hooks";
import { MAX_NAME, nameKey } from "../../protocol";
import { type Block, formatText, type Span } from "../lib/format";
import "./format.css";

/** Who can be mentioned: the name keys (`nameKey`) of the present users, or a test of a key. */
export type Names = ReadonlySet<string> | ((key: string) => boolean);

const keysOf = new WeakMap<readonly { name: string }[], ReadonlySet<string>>();

/**
 * The name keys of `users`, made once per list: the room's users signal
 * holds a new array on every change, so every message of a render shares one
 * set, and the next change makes the next.
 */
export function presentNames(users: readonly { name: string }[]): ReadonlySet<string> {
  let keys = keysOf.get(users);
  if (!keys) {
    keys = new Set(users.map((u) => nameKey(u.name)));
    keysOf.set(users, keys);
  }
  return keys;
}

interface Who {
  me: string;
  has: (key: string) => boolean;
}

/**
 * How much of a candidate names someone: its longest start of at most
 * MAX_NAME code points that is a present name (Chinese runs on without a
 * space: "@李雷你好"). At most MAX_NAME keys per candidate, so a message
 * costs at most MAX_NAME keys per character.
 */
function resolve(name: string, who: Who): { length: number; me: boolean } | null {
  const ends: number[] = [];
  let i = 0;
  for (const c of name) {
    if (ends.length === MAX_NAME) break;
    i += c.length;
    ends.push(i);
  }
  for (let k = ends.length - 1; k >= 0; k--) {
    const end = ends[k] as number;
    const key = nameKey(name.slice(0, end));
    if (key !== "" && key === who.me) return { length: end, me: true };
    if (key !== "" && who.has(key)) return { length: end, me: false };
  }
  return null;
}

function spans(list: Span[], who: Who): ComponentChildren[] {
  return list.map((s, i) => span(s, i, who));
}

function span(s: Span, i: number, who: Who): ComponentChildren {
  switch (s.kind) {
    case "text":
      return s.text;
    case "bold":
      return <strong key={i}>{spans(s.spans, who)}</strong>;
    case "italic":
      return <em key={i}>{spans(s.spans, who)}</em>;
    case "code":
      return <code key={i}>{s.text}</code>;
    case "link":
      return (
        <a key={i} href={s.href} target="_blank" rel="noopener noreferrer nofollow ugc">
          {s.text}
        </a>
      );
  }
  // A mention candidate.
  const found = resolve(s.name, who);
  if (!found) return `@${s.name}`;
  return [
    <span key={i} class={found.me ? "mention self" : "mention"}>
      @{s.name.slice(0, found.length)}
    </span>,
    s.name.slice(found.length),
  ];
}

function block(b: Block, i: number, who: Who) {
  if (b.kind === "code")
    return (
      <pre key={i}>
        <code>{b.text}</code>
      </pre>
    );
  // An empty paragraph (a text ending in a quote and a newline) shows nothing.
  if (b.kind === "paragraph")
    return b.spans.length === 0 ? null : <p key={i}>{spans(b.spans, who)}</p>;
  return <blockquote key={i}>{spans(b.spans, who)}</blockquote>;
}

export function Formatted(props: { text: string; myName?: string | undefined; names?: Names }) {
  // Once per text: the log renders again on every join, leave and message.
  const blocks = useMemo(() => formatText(props.text), [props.text]);
  const { names, myName } = props;
  const who: Who = {
    me: myName ? nameKey(myName) : "",
    has: !names ? () => false : typeof names === "function" ? names : (key) => names.has(key),
  };
  return <div class="text">{blocks.map((b, i) => block(b, i, who))}</div>;
}
