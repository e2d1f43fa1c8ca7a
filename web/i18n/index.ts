// Picks the page's language: `?lang=en` or `?lang=zh` when given, else the
// first of the browser's languages that the page has, else English. Exposes
// the chosen catalogue as `t` (it does not change while the page is open).
import { type Catalogue, en } from "./en";
import { zh } from "./zh";

export type Lang = "en" | "zh";
export type { Catalogue };

const catalogues: Record<Lang, Catalogue> = { en, zh };

export function pickLang(query: string | null, languages: readonly string[]): Lang {
  if (query === "en" || query === "zh") return query;
  for (const l of languages) {
    const base = l.toLowerCase().split("-")[0];
    if (base === "zh") return "zh";
    if (base === "en") return "en";
  }
  return "en";
}

export function catalogue(lang: Lang): Catalogue {
  return catalogues[lang];
}
