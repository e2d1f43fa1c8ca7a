// Renders a tmux capture (`tmux capture-pane -e -p`, with its ANSI colours)
// to a PNG with Debian's Chromium through playwright-core, for the README's
// picture of the terminal client (docs/terminal.png).
//   tmux -L s capture-pane -e -p -t chat > /tmp/cap.txt
//   node scripts/terminal-screenshot.mjs /tmp/cap.txt docs/terminal.png
// Only the SGR codes the client uses are understood (16/256 colours, bold,
// dim, inverse, reset); each cell is one monospace character.
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const [input, output = "docs/terminal.png"] = process.argv.slice(2);
if (!input) {
  console.error("usage: node scripts/terminal-screenshot.mjs <capture.txt> [out.png]");
  process.exit(2);
}
const BASE = [
  "#1e1e1e",
  "#e06c75",
  "#98c379",
  "#e5c07b",
  "#61afef",
  "#c678dd",
  "#56b6c2",
  "#dcdfe4",
];
const BRIGHT = [
  "#5c6370",
  "#ff7b86",
  "#b5e890",
  "#ffd68a",
  "#7cc4ff",
  "#de93f0",
  "#74d6e2",
  "#ffffff",
];
/** @param {number} n */
function color256(n) {
  if (n < 8) return BASE[n];
  if (n < 16) return BRIGHT[n - 8];
  if (n < 232) {
    const v = [0, 95, 135, 175, 215, 255];
    const i = n - 16;
    return `rgb(${v[Math.floor(i / 36)]},${v[Math.floor(i / 6) % 6]},${v[i % 6]})`;
  }
  const g = 8 + (n - 232) * 10;
  return `rgb(${g},${g},${g})`;
}
const esc = (/** @type {string} */ t) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** @param {string} text */
function toHtml(text) {
  /** @type {{bold?: boolean, dim?: boolean, inverse?: boolean, fg?: string, bg?: string}} */
  let st = {};
  let html = "";
  // SGR sequences (ESC [ … m), built from a string: biome refuses control characters in regex literals.
  const ESC = String.fromCharCode(27);
  for (const part of text.split(new RegExp(`(${ESC}\\[[0-9;]*m)`))) {
    const m = new RegExp(`^${ESC}\\[([0-9;]*)m$`).exec(part);
    if (!m) {
      if (!part) continue;
      let fg = st.fg ?? "#dcdfe4";
      let bg = st.bg ?? "transparent";
      if (st.inverse) [fg, bg] = [st.bg ?? "#1e1e1e", st.fg ?? "#dcdfe4"];
      const style = `color:${fg};background:${bg};${st.bold ? "font-weight:bold;" : ""}${st.dim ? "opacity:.6;" : ""}`;
      html += `<span style="${style}">${esc(part)}</span>`;
      continue;
    }
    const codes = (m[1] || "0").split(";").map(Number);
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i] ?? 0;
      if (c === 0) st = {};
      else if (c === 1) st.bold = true;
      else if (c === 2) st.dim = true;
      else if (c === 7) st.inverse = true;
      else if (c === 22) st.bold = st.dim = false;
      else if (c === 27) st.inverse = false;
      else if (c >= 30 && c <= 37) st.fg = BASE[c - 30];
      else if (c >= 90 && c <= 97) st.fg = BRIGHT[c - 90];
      else if (c === 39) st.fg = undefined;
      else if (c >= 40 && c <= 47) st.bg = BASE[c - 40];
      else if (c === 49) st.bg = undefined;
      else if ((c === 38 || c === 48) && codes[i + 1] === 5) {
        st[c === 38 ? "fg" : "bg"] = color256(codes[i + 2] ?? 0);
        i += 2;
      }
    }
  }
  return html;
}

const capture = readFileSync(input, "utf8").replace(/\n+$/, "");
const page = `<!doctype html><meta charset="utf-8"><style>
body{margin:0;background:#1e1e1e}
pre{margin:0;padding:12px;font:14px/1.25 "DejaVu Sans Mono","Noto Sans Mono",monospace;color:#dcdfe4;display:inline-block}
</style><pre>${toHtml(capture)}</pre>`;
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
try {
  const p = await browser.newPage({ deviceScaleFactor: 1 });
  await p.setContent(page);
  await p.locator("pre").screenshot({ path: output });
} finally {
  await browser.close();
}
console.log(`wrote ${output}`);
