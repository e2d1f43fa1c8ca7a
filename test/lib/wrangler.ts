// The live tests' door to a real `wrangler dev`: test/lib/dev-server.mjs,
// shared with the benchmark, under the names the tests use.
export type { DevServer, DevServerOptions } from "./dev-server.mjs";
export { freePort, roomStarts, startDevServer } from "./dev-server.mjs";
