// A fetch that enters the app the way a visitor's request does: through the
// asset router of wrangler.toml [assets] (run_worker_first,
// not_found_handling, html_handling), then the worker when the router hands
// it on. `SELF.fetch` in this pool version (0.15.1) calls the worker's fetch
// directly, so a test through SELF never sees which paths the router answers
// itself. The pool binds the runner to the worker under
// `__VITEST_POOL_WORKERS_SELF_SERVICE`, and with assets configured miniflare
// points that binding at its asset proxy and router: the same route as
// `wrangler dev` and the edge. The name is the pool's, not a public API; the
// check below fails loudly if a pool upgrade renames it.
import { env } from "cloudflare:workers";
import { BASE } from "../helpers";

const BINDING = "__VITEST_POOL_WORKERS_SELF_SERVICE";

export function edgeFetch(path: string, init?: RequestInit): Promise<Response> {
  const service = (env as unknown as Record<string, Fetcher | undefined>)[BINDING];
  if (!service) {
    throw new Error(
      `no ${BINDING} binding: the pool changed how it reaches the worker; find its route through the asset router again`,
    );
  }
  // Redirects (the router's html_handling) are answers to check, not to follow.
  return service.fetch(`${BASE}${path}`, { redirect: "manual", ...init });
}
