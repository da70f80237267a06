// In-process cache of bearer token → principal for the inference hot path (the online read on both
// servers): no HMAC and no Postgres query on a warm request. Entries are validated by the auth
// generation (lib/redis/generations.ts), which the online read checks in its own round trip, and
// re-verified in the background before they expire.
import "server-only";
import { LarderError } from "../errors";
import { sharedRedis } from "../redis/connection";
import { AUTH_GENERATION_KEY } from "../redis/generations";
import type { Principal } from "./principal";
import { principalFromToken } from "./resolve-principal";

const g = globalThis as unknown as {
  larderTokenCache?: { generation: string | null; entries: Map<string, { principal: Principal; at: number }> };
  larderTokenRefreshes?: Set<string>;
};
const tokens = (g.larderTokenCache ??= { generation: null, entries: new Map() });
const tokenRefreshes = (g.larderTokenRefreshes ??= new Set());

/** How long a cached token → principal entry lives without a revoke signal. */
export const TOKEN_CACHE_MS = 30_000;

/**
 * A token used after its entry is this old is verified again in the background while the entry
 * (still within TOKEN_CACHE_MS) answers, so a token in steady use never makes a request wait for
 * Postgres (the wait was a 20–90 ms latency spike every 30 s on the feature server).
 */
export const TOKEN_REFRESH_AHEAD_MS = 20_000;

/** The current auth generation the cached token entries are valid under. */
export function tokenCacheGeneration(): string | null {
  return tokens.generation;
}

/** Drops every cached token → principal entry (after a revoke was signalled). */
export function invalidateTokens(newGeneration?: string | null): void {
  tokens.entries.clear();
  tokens.generation = newGeneration ?? null;
}

/**
 * Bearer token → principal through the cache. `fresh` is false when the principal came from the
 * cache: the caller then verifies the auth generation in its own round trip.
 */
export async function principalForToken(token: string): Promise<{ principal: Principal; fromCache: boolean }> {
  // Keyed by the token as sent: a warm request skips the HMAC over it (hashSecret), which was a
  // visible share of a small request's time. The entries live only in this process's memory, which
  // holds the same token in the request headers anyway, and go with the auth generation or 30 s.
  const hit = tokens.entries.get(token);
  const age = hit ? Date.now() - hit.at : Infinity;
  if (hit && age < TOKEN_CACHE_MS) {
    if (age >= TOKEN_REFRESH_AHEAD_MS && !tokenRefreshes.has(token)) {
      tokenRefreshes.add(token);
      verifyAndCacheToken(token)
        .catch((e) => {
          // Refused now (revoked, expired, owner disabled): the next request verifies and gets its
          // 401. Any other failure (Postgres down): the entry still ends at TOKEN_CACHE_MS.
          if (e instanceof LarderError && e.code === "unauthenticated") tokens.entries.delete(token);
        })
        .finally(() => tokenRefreshes.delete(token));
    }
    return { principal: hit.principal, fromCache: true };
  }
  return { principal: await verifyAndCacheToken(token), fromCache: false };
}

async function verifyAndCacheToken(token: string): Promise<Principal> {
  const at = Date.now();
  // Read the generation before the registry: a revoke committed after this read bumps it, and the
  // next request's pipelined check then drops this entry.
  const generation = await sharedRedis("online").get(AUTH_GENERATION_KEY);
  if (generation !== tokens.generation) invalidateTokens(generation);
  const principal = await principalFromToken(token);
  // If another request saw a newer generation meanwhile, a revoke may postdate what was read
  // above: answer this request, but do not cache it under the newer generation.
  if (tokens.generation === generation) {
    if (tokens.entries.size > 10_000) tokens.entries.clear();
    tokens.entries.set(token, { principal, at });
  }
  return principal;
}
