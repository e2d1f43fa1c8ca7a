// Builds the page (web/) into dist/, which wrangler serves as static assets,
// and reports the gzip size of its JavaScript. The budget is for what every
// visitor loads (issue 13): the entry chunk and every chunk it imports
// statically, at most 35 KiB gzip, and the build fails above it, so that the
// page stays small on purpose. What only some visitors use (the QR code, the
// conversation export, later the emoji picker) loads lazily through dynamic
// import(); those chunks are listed apart with their own total, which does not
// count against the budget: a visitor who never opens them never downloads them.
import { gzipSync } from "node:zlib";
import preact from "@preact/preset-vite";
import { defineConfig, type Plugin, type Rollup } from "vite";

const JS_BUDGET = 35 * 1024;

function jsBudget(limit: number): Plugin {
  return {
    name: "roomchat-js-budget",
    apply: "build",
    generateBundle(_options, bundle) {
      const chunks = new Map<string, Rollup.OutputChunk>();
      for (const file of Object.values(bundle))
        if (file.type === "chunk") chunks.set(file.fileName, file);
      // The initial set: each entry and, transitively, its static imports
      // (`imports`; `dynamicImports` are the lazy edges and are not followed).
      const initial = new Set<string>();
      const visit = (name: string) => {
        if (initial.has(name)) return;
        initial.add(name);
        for (const next of chunks.get(name)?.imports ?? []) visit(next);
      };
      for (const chunk of chunks.values()) if (chunk.isEntry) visit(chunk.fileName);

      const kib = (n: number) => `${(n / 1024).toFixed(2)} KiB`;
      const report = (names: string[]) => {
        let total = 0;
        const lines = names.map((name) => {
          const size = gzipSync(chunks.get(name)?.code ?? "", { level: 9 }).length;
          total += size;
          return `  ${name}  ${kib(size)} gzip`;
        });
        return { total, lines };
      };
      const first = report([...initial]);
      const lazy = report([...chunks.keys()].filter((name) => !initial.has(name)));
      const summary = `initial JavaScript: ${kib(first.total)} gzip (budget ${(limit / 1024).toFixed(0)} KiB)`;
      this.info(
        `\n${first.lines.join("\n")}\n${summary}\n` +
          `${lazy.lines.join("\n")}\nlazy JavaScript (loaded on use, not budgeted): ${kib(lazy.total)} gzip`,
      );
      if (first.total > limit) this.error(`${summary}: over budget`);
    },
  };
}

export default defineConfig({
  root: "web",
  plugins: [preact(), jsBudget(JS_BUDGET)],
  build: {
    outDir: "../dist",
    emptyOutDir: true,
    target: "es2022",
    // No modulepreload polyfill: the HTML has one entry chunk and no
    // modulepreload link; a browser without modulepreload (Safari before 17)
    // only misses the early fetch of a lazy chunk's imports, which its
    // import() then fetches. Measured with `npm run build` on 2026-12-04:
    // 0.27 KiB gzip less initial JavaScript (34.87 -> 34.60).
    modulePreload: { polyfill: false },
  },
});
