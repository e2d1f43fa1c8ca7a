// Builds the terminal client (cli/) into one plain JavaScript file that
// `node` runs on Node 20: dist-cli/roomchat.js, the `roomchat` bin. The
// client core and the protocol are bundled in; the packages (ink, react, ws,
// env-paths, @preact/signals-core, uqr) stay imports, resolved from
// node_modules at run time.
import { chmod } from "node:fs/promises";
import { build } from "esbuild";

const outfile = "dist-cli/roomchat.js";
await build({
  entryPoints: ["cli/main.ts"],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  jsx: "automatic",
  banner: { js: "#!/usr/bin/env node" },
  logLevel: "warning",
});
await chmod(outfile, 0o755);
