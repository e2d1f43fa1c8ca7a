// Links to the other language (`?lang=en`, `?lang=zh`): plain links, so the
// choice is part of the URL and survives a reload.
import type { Lang } from "../i18n";

const NAMES: Record<Lang, string> = { en: "English", zh: "中文" };

export function LangSwitch({ current }: { current: Lang }) {
  return (
    <nav class="langs" aria-label="Language · 语言">
      {(Object.keys(NAMES) as Lang[]).map((l) =>
        l === current ? (
          <span key={l} aria-current="true" lang={l === "zh" ? "zh-CN" : "en"}>
            {NAMES[l]}
          </span>
        ) : (
          <a key={l} href={`${location.pathname}?lang=${l}`} lang={l === "zh" ? "zh-CN" : "en"}>
            {NAMES[l]}
          </a>
        ),
      )}
    </nav>
  );
}
