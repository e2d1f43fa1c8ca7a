// The HTTP side of the scripting commands (`export`, `new`): one request,
// tried again while the server cannot be reached (a refused or reset
// connection) for at most the connect bound, with growing waits; an answer
// that is an error is said in one line with the API's error code
// (`{"error":{"code","message"}}`).
import { type CommandContext, Exit, Failure } from "./common";

interface ApiError {
  error?: { code?: unknown; message?: unknown };
}

/** The API's error as `code: message`, or the HTTP status when the body says nothing. */
async function errorLine(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as ApiError;
    const code = body.error?.code;
    const message = body.error?.message;
    if (typeof code === "string") return typeof message === "string" ? `${code}: ${message}` : code;
  } catch {
    // Not JSON: the status says enough.
  }
  return `http_${res.status}: ${res.statusText || "the server refused the request"}`;
}

/** Requests `url` and returns the answer's JSON; retries only while the server is out of reach. */
export async function requestJson(
  ctx: CommandContext,
  url: string,
  init: RequestInit = {},
): Promise<unknown> {
  const deadline = Date.now() + ctx.connectTimeoutMs;
  let wait = 250;
  for (;;) {
    let res: Response;
    try {
      const left = Math.max(1, deadline - Date.now());
      res = await fetch(url, {
        ...init,
        headers: { accept: "application/json", ...init.headers },
        signal: AbortSignal.timeout(Math.min(left, 10_000)),
      });
    } catch {
      if (Date.now() + wait >= deadline) {
        const seconds = Math.round(ctx.connectTimeoutMs / 100) / 10;
        throw new Failure(
          `cannot reach ${new URL(url).origin} (tried for ${seconds} s)`,
          Exit.unreachable,
        );
      }
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 4000);
      continue;
    }
    if (!res.ok) throw new Failure(await errorLine(res));
    try {
      return await res.json();
    } catch {
      throw new Failure(`bad_response: ${url} did not answer JSON`);
    }
  }
}
