// Repeated 401s are rate-limited on both servers (issue 13): every request whose credential fails
// (a bearer token that is invalid, expired or revoked; a malformed Authorization header; a session
// cookie that no longer signs in on a route that needs one) is counted in the queue Redis, per
// client address (lib/auth/client-address.ts) and per presented token prefix (`ldr_<id>`), so the
// count holds across processes and servers. Requests without any credential are not counted: they
// guess nothing.
//
//  - An address over its limit is blocked: every request from it that presents a credential is
//    answered 429 with Retry-After before the credential is checked, valid or not, until the block
//    ends. The block is remembered in the process that saw it (a Map lookup, no Redis round trip),
//    so a valid token's request costs nothing more; another process learns it at that client's
//    next failure there.
//  - A token prefix is counted when the token presented with it matches no token (a guess at its
//    secret; a revoked or expired token presented again is not), and over its limit answers its
//    further failures 429 instead of 401. A valid token
//    with that prefix keeps working: the prefix is shown in token listings, so blocking it would
//    let anyone lock its owner out (and its 256-bit secret is not guessable anyway).
//
// If Redis is down, failures are not counted (fail open), as the login throttle does.
import "server-only";
import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "../config/env";
import { log } from "../config/log";
import { type LarderError, rateLimited } from "../errors";
import { retryIn, throttleStore } from "./login-throttle";
import { TOKEN_PREFIX } from "./secrets";

export interface CredentialFailureLimits {
  /** Failed credentials from one client address per window. */
  addressFailures: number;
  addressWindowSeconds: number;
  /** How long the address is refused once over the limit. */
  addressBlockSeconds: number;
  /** Failed presentations of one token prefix per window (from all addresses). */
  prefixFailures: number;
  prefixWindowSeconds: number;
  prefixBlockSeconds: number;
}

export const CREDENTIAL_FAILURE_LIMITS: CredentialFailureLimits = {
  addressFailures: 30,
  addressWindowSeconds: 60,
  addressBlockSeconds: 5 * 60,
  prefixFailures: 30,
  prefixWindowSeconds: 60,
  prefixBlockSeconds: 5 * 60,
};

export interface CredentialFailureLimiter {
  readonly keyPrefix: string;
  /**
   * Throws `rate_limited` when this process knows the client's address is blocked. No I/O; the
   * address is only worked out while some address is blocked.
   */
  refuseIfBlocked(address: () => string | null): void;
  /**
   * Counts one failed credential: against the address, and against the token's prefix when the
   * token matched no token at all (`guess`; a revoked or expired token is no guess). Returns the
   * `rate_limited` error to answer instead of the 401 when a limit is exceeded (and remembers an
   * address block), else null.
   */
  failed(address: string | null, token: string | null, guess: boolean): Promise<LarderError | null>;
}

/** The prefix a token presents (`ldr_<8 chars>`), or null when it is not shaped like one of ours. */
export function presentedTokenPrefix(token: string | null): string | null {
  const len = TOKEN_PREFIX.length + 8;
  return token && token.startsWith(TOKEN_PREFIX) && token.length > len && token[len] === "_" ? token.slice(0, len) : null;
}

const ADDRESS_REFUSAL = "Too many requests with invalid credentials from your network address";

const MAX_REMEMBERED_BLOCKS = 10_000;

export function createCredentialFailureLimiter(opts: { redis: Redis; keyPrefix: string; limits?: CredentialFailureLimits }): CredentialFailureLimiter {
  const { redis, keyPrefix } = opts;
  const l = opts.limits ?? CREDENTIAL_FAILURE_LIMITS;
  const byAddress = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}:ip`, points: l.addressFailures, duration: l.addressWindowSeconds, blockDuration: l.addressBlockSeconds });
  const byPrefix = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}:token`, points: l.prefixFailures, duration: l.prefixWindowSeconds, blockDuration: l.prefixBlockSeconds });
  /** Address → end of its block (ms since epoch), as far as this process knows. */
  const blocked = new Map<string, number>();
  let storeDown = false;

  /** The limiter's verdict: ms until it lets the key through again, 0 when counted, null when the store failed. */
  async function count(limiter: RateLimiterRedis, key: string): Promise<number | null> {
    if (redis.status === "reconnecting" || redis.status === "close" || redis.status === "end") return null;
    try {
      await limiter.consume(key);
      storeDown = false;
      return 0;
    } catch (e) {
      if (e instanceof RateLimiterRes) return Math.max(1000, e.msBeforeNext);
      if (!storeDown) log().error({ err: e }, "credential-failure limits: Redis is unavailable, failed credentials are NOT counted until it is back");
      storeDown = true;
      return null;
    }
  }

  const refusal = (reason: string, ms: number) => {
    const seconds = Math.ceil(ms / 1000);
    return rateLimited(`${reason}. Try again ${retryIn(seconds)}.`, seconds);
  };

  return {
    keyPrefix,
    refuseIfBlocked(addressOf) {
      if (blocked.size === 0) return;
      const address = addressOf();
      if (address === null) return;
      const until = blocked.get(address);
      if (until === undefined) return;
      const ms = until - Date.now();
      if (ms <= 0) blocked.delete(address);
      else throw refusal(ADDRESS_REFUSAL, ms);
    },
    async failed(address, token, guess) {
      const prefix = guess ? presentedTokenPrefix(token) : null;
      const [addressMs, prefixMs] = await Promise.all([
        address === null ? null : count(byAddress, address),
        prefix === null ? null : count(byPrefix, prefix),
      ]);
      if (addressMs) {
        if (blocked.size >= MAX_REMEMBERED_BLOCKS) blocked.clear();
        blocked.set(address!, Date.now() + addressMs);
        return refusal(ADDRESS_REFUSAL, addressMs);
      }
      if (prefixMs) return refusal(`Too many failed requests with the token ${prefix}`, prefixMs);
      return null;
    },
  };
}

const g = globalThis as unknown as { larderCredentialFailures?: CredentialFailureLimiter };

/** The process's limiter, under `<QUEUE_PREFIX>:authfail:` in the queue Redis. */
export function credentialFailures(): CredentialFailureLimiter {
  const keyPrefix = `${env().QUEUE_PREFIX}:authfail`;
  if (g.larderCredentialFailures?.keyPrefix !== keyPrefix) g.larderCredentialFailures = createCredentialFailureLimiter({ redis: throttleStore(), keyPrefix });
  return g.larderCredentialFailures;
}
