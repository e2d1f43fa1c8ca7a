// Picks the page's language: `?lang=en` or `?lang=zh` when given, else the
// first of the browser's languages that the page has, else English. Exposes
// the chosen catalogue as `t` (it does not change while the page is open).
//
// The Chinese words load only for Chinese visitors: a dynamic import, which
// web/main.tsx awaits (loadStrings() in web/app.ts) before it renders
// anything, so that English visitors do not download them. Measured with
// `npm run build` on 2026-12-04: the initial JavaScript went from 36.20 KiB
// gzip (both catalogues in the entry) to 33.58 KiB; the zh chunk is 2.80 KiB
// on its own. A Chinese visitor pays one more small request before the page
// shows. (A top-level await in app.ts instead made the bundler split the
// entry in two chunks: 34.82 KiB.)
import { type Catalogue, en } from "./en";

export type Lang = "en" | "zh";
export type { Catalogue };

export function pickLang(query: string | null, languages: readonly string[]): Lang {
  if (query === "en" || query === "zh") return query;
  for (const l of languages) {
    const base = l.toLowerCase().split("-")[0];
    if (base === "zh") return "zh";
    if (base === "en") return "en";
  }
  return "en";
}

export async function catalogue(lang: Lang): Promise<Catalogue> {
  return lang === "zh" ? (await import("./zh")).zh : en;
}
