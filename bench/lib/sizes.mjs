// What the project ships, in bytes: the worker bundle as `wrangler deploy`
// would upload it (a dry run, offline) and the page's JavaScript (what every
// visitor loads, and the lazy rest) and CSS in dist/assets, each raw and
// gzipped (level 9, about what a CDN sends).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/**
 * Raw and gzipped bytes of the files of `dir` whose names end with one of `exts`.
 * @param {string} dir
 * @param {string[]} exts
 */
function measure(dir, exts) {
  let raw = 0;
  let gzip = 0;
  const files = [];
  for (const name of readdirSync(dir).sort()) {
    if (!exts.some((e) => name.endsWith(e))) continue;
    const data = readFileSync(join(dir, name));
    const gz = gzipSync(data, { level: 9 }).length;
    raw += data.length;
    gzip += gz;
    files.push({ name, raw: data.length, gzip: gz });
  }
  return { raw, gzip, files };
}

/**
 * @param {string} root the project folder
 * @param {(line: string) => void} say progress lines
 */
export function sizes(root, say) {
  if (!existsSync(join(root, "dist", "assets"))) {
    say("dist/ is missing: npm run build");
    const build = spawnSync("npm", ["run", "build"], { cwd: root, encoding: "utf8" });
    if (build.status !== 0)
      throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
  }
  const out = mkdtempSync(join(tmpdir(), "roomchat-bundle-"));
  try {
    const dry = spawnSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", out], {
      cwd: root,
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
    });
    if (dry.status !== 0) {
      throw new Error(`wrangler deploy --dry-run failed:\n${dry.stdout}${dry.stderr}`);
    }
    const assets = join(root, "dist", "assets");
    // What every visitor loads: the scripts dist/index.html names (the
    // entry, and the chunks it imports statically, which Vite preloads);
    // the other chunks load lazily, on use. The build's budget is on the
    // first (vite.config.ts).
    const html = readFileSync(join(root, "dist", "index.html"), "utf8");
    const initial = new Set([...html.matchAll(/\/assets\/([^"]+\.js)"/g)].map((m) => m[1]));
    const js = measure(assets, [".js"]);
    /** @param {(name: string) => boolean} keep */
    const part = (keep) => {
      const files = js.files.filter((f) => keep(f.name));
      return {
        raw: files.reduce((n, f) => n + f.raw, 0),
        gzip: files.reduce((n, f) => n + f.gzip, 0),
        files,
      };
    };
    return {
      workerBundle: measure(out, [".js", ".mjs"]),
      pageJs: js,
      pageInitialJs: part((name) => initial.has(name)),
      pageLazyJs: part((name) => !initial.has(name)),
      pageCss: measure(assets, [".css"]),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
