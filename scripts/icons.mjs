// Draws the web app manifest's PNG icons (web/public/icon-192.png and
// icon-512.png) from web/public/favicon.svg with Debian's Chromium, so that
// the icons are the favicon and nothing else to keep in step by hand. Run it
// after changing favicon.svg: `node scripts/icons.mjs`; commit the PNGs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const PUBLIC = join(import.meta.dirname, "../web/public");
const svg = readFileSync(join(PUBLIC, "favicon.svg"), "utf8");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
try {
  for (const size of [192, 512]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    // The SVG fills the square; the PNG keeps its transparent background,
    // as the favicon has none.
    const sized = svg.replace("<svg ", `<svg width="${size}" height="${size}" `);
    await page.setContent(
      `<!doctype html><html><body style="margin:0;background:transparent">${sized}</body></html>`,
    );
    await page.screenshot({ path: join(PUBLIC, `icon-${size}.png`), omitBackground: true });
    await page.close();
    console.log(`web/public/icon-${size}.png`);
  }
} finally {
  await browser.close();
}
