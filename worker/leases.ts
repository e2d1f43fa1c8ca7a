// A room's shares of the per-address limit (worker/limiter.ts): per address,
// by limiter name, the tokens this room may spend without asking. A send
// spends them synchronously; they are topped up in the background. In
// memory only: lost when the object hibernates. An address with no lease
// is let through while a new one is fetched, and the grant pays for what
// passed (the limit fails open, never shut).
import type { Config, Env } from "./config";
import { errorFields, type LogFields } from "./log";

/** This room's share of an address's tokens, in memory. */
interface AddressLease {
  tokens: number;
  /** When the limiter said its next token would be there, after it granted none. */
  retryAt: number;
  fetching: boolean;
  /** A send was refused for want of tokens since the last top-up. */
  wanted: boolean;
  /** No answer from the limiter yet: sends pass, and the debt is paid from the first grant. */
  provisional: boolean;
}

/** What the leases need of the room. */
export interface LeaseHost {
  env: Env;
  config: Config;
  /** Keeps the object alive while a top-up runs. */
  waitUntil(promise: Promise<unknown>): void;
  warn(event: string, fields: LogFields): void;
}

export class AddressLeases {
  private readonly leases = new Map<string, AddressLease>();

  constructor(private readonly host: LeaseHost) {}

  has(name: string): boolean {
    return this.leases.has(name);
  }

  /**
   * Whether a send of this address must be refused for want of tokens: then
   * the wait to promise, and a top-up is on its way. Null when it may pass.
   */
  refusal(name: string, now: number): number | null {
    const lease = this.leases.get(name);
    if (!lease || lease.tokens >= 1 || lease.provisional) return null;
    lease.wanted = true;
    this.topUp(name);
    return Math.max(lease.retryAt - now, Math.ceil(1000 / this.host.config.ADDR_RATE_PER_SEC));
  }

  /** A send of this address was stored: one token is spent (a provisional lease goes into debt). */
  spend(name: string): void {
    this.leaseOf(name).tokens -= 1;
    this.topUp(name);
  }

  /**
   * The size of a lease: large enough that one session's burst never waits
   * for a top-up (two bursts), small enough that a few rooms share the
   * address's burst (a quarter of it), never more than the burst itself.
   */
  private get size(): number {
    const { ADDR_RATE_BURST: addr, RATE_BURST: session } = this.host.config;
    return Math.min(addr, Math.max(Math.ceil(addr / 4), 2 * session));
  }

  /** The lease of an address; a new one is provisional until the limiter answers. */
  private leaseOf(name: string): AddressLease {
    let lease = this.leases.get(name);
    if (!lease) {
      lease = { tokens: 0, retryAt: 0, fetching: false, wanted: false, provisional: true };
      this.leases.set(name, lease);
    }
    return lease;
  }

  /**
   * Tops up this room's lease for an address when it is below half, in the
   * background. When the limiter grants nothing and sends were refused, it
   * tries again when the limiter says a token will be there.
   */
  topUp(name: string): Promise<void> {
    const state = this.leaseOf(name);
    if (state.fetching || state.tokens >= this.size / 2) return Promise.resolve();
    state.fetching = true;
    const run = async () => {
      try {
        for (;;) {
          // A provisional lease may be in debt: the grant pays it back first.
          const want = this.size - Math.floor(state.tokens);
          const answer = await this.host.env.LIMITER.getByName(name).lease(want);
          state.tokens += answer.granted;
          state.provisional = false;
          state.retryAt = answer.granted > 0 ? 0 : Date.now() + answer.retryAfterMs;
          if (answer.granted > 0 || !state.wanted) break;
          state.wanted = false;
          await new Promise((r) => setTimeout(r, answer.retryAfterMs));
        }
      } catch (err) {
        // Fail open: without a lease the address is let through until one arrives.
        this.leases.delete(name);
        this.host.warn("limiter_failed", errorFields(err));
      } finally {
        state.fetching = false;
      }
    };
    const done = run();
    this.host.waitUntil(done);
    return done;
  }
}
