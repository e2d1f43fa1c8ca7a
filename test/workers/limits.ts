// The limits the workers tests run with (set in vitest.config.ts), as numbers.
import { env } from "cloudflare:test";

const e = env as unknown as Record<string, string>;
export const LIMITS = {
  HISTORY_LIMIT: Number(e.HISTORY_LIMIT),
  RESUME_GRACE_MS: Number(e.RESUME_GRACE_MS),
  JOIN_TIMEOUT_MS: Number(e.JOIN_TIMEOUT_MS),
  MAX_USERS: Number(e.MAX_USERS),
  MAX_CONN_PER_IP: Number(e.MAX_CONN_PER_IP),
  RATE_BURST: Number(e.RATE_BURST),
  RATE_PER_SEC: Number(e.RATE_PER_SEC),
  MAX_TEXT: Number(e.MAX_TEXT),
  MAX_FRAME: Number(e.MAX_FRAME),
};
