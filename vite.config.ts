// Builds the page (web/) into dist/, which wrangler serves as static assets,
// and reports the gzip size of its JavaScript: the build fails above the
// page's budget of 35 KiB (issue 12: room for the redesigned page), so that
// the page stays small on purpose. Every chunk counts, the lazy ones too.
import { gzipSync } from "node:zlib";
import preact from "@preact/preset-vite";
import { defineConfig, type Plugin } from "vite";

const JS_BUDGET = 35 * 1024;

function jsBudget(limit: number): Plugin {
  return {
    name: "roomchat-js-budget",
    apply: "build",
    generateBundle(_options, bundle) {
      let total = 0;
      const lines: string[] = [];
      for (const file of Object.values(bundle)) {
        if (file.type !== "chunk") continue;
        const size = gzipSync(file.code, { level: 9 }).length;
        total += size;
        lines.push(`  ${file.fileName}  ${(size / 1024).toFixed(2)} KiB gzip`);
      }
      const summary = `page JavaScript: ${(total / 1024).toFixed(2)} KiB gzip (budget ${(limit / 1024).toFixed(0)} KiB)`;
      this.info(`\n${lines.join("\n")}\n${summary}`);
      if (total > limit) this.error(`${summary}: over budget`);
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
  },
});
