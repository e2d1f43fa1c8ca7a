// Builds the terminal client (cli/) into plain JavaScript that `node` runs
// on Node 20: dist-cli/roomchat.js, the `roomchat` bin, and beside it in
// dist-cli/chunks/ the full screen (cli/ui/run.tsx), which main.ts imports
// only when it is asked for: Ink and chalk read the environment when they
// are loaded, and main.ts sets it first (cli/ui/tty.ts); the scripting
// commands never load them. The client core and the protocol are bundled
// in; the packages (ink, react, ws, env-paths, @preact/signals-core, uqr)
// stay imports, resolved from node_modules at run time.
import { chmod, rm } from "node:fs/promises";
import { build } from "esbuild";

const outdir = "dist-cli";
// Chunks are named by their content's hash: the ones of an earlier build go.
await rm(`${outdir}/chunks`, { recursive: true, force: true });
await build({
  entryPoints: { roomchat: "cli/main.ts" },
  outdir,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  jsx: "automatic",
  banner: { js: "#!/usr/bin/env node" },
  logLevel: "warning",
});
await chmod(`${outdir}/roomchat.js`, 0o755);
