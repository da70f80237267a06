// The feature server's and API's bearer token cache (registry-cache.ts) on real Postgres and Redis:
// a token in steady use is verified again in the background before its entry's 30 s are up, so no
// request waits for Postgres, and a revoke the background check finds ends the token at once.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "../db/client";
import { closeSharedRedis } from "../redis/connection";
import { principalForToken, TOKEN_CACHE_MS, TOKEN_REFRESH_AHEAD_MS } from "./token-cache";
import { applyTestRepo, driverRepo, tokenFor, uniqueName } from "../../test/support/retrieval";

let projectId: string;

beforeAll(async () => {
  projectId = await applyTestRepo(driverRepo(uniqueName("tokcache")));
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

afterAll(async () => {
  await closeSharedRedis();
});

/** Waits for the background verification started by the last cached answer (its findUnique call `n`). */
async function backgroundCheck(spy: { mock: { results: { value: unknown }[] } }, n: number) {
  await vi.waitFor(() => expect(spy.mock.results.length).toBe(n));
  await Promise.resolve(spy.mock.results[n - 1].value).catch(() => undefined);
  await new Promise((r) => setImmediate(r));
}

describe("bearer token cache", () => {
  it("refreshes a token in use ahead of expiry without making a request wait, and drops it there once revoked", async () => {
    const t = await tokenFor(projectId, "consumer");
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.now();
    expect((await principalForToken(t.token)).fromCache).toBe(false);
    const lookup = vi.spyOn(db().apiToken, "findUnique");

    vi.setSystemTime(t0 + TOKEN_REFRESH_AHEAD_MS - 1000);
    expect((await principalForToken(t.token)).fromCache).toBe(true);
    expect(lookup).not.toHaveBeenCalled();

    // Old enough: answered from the cache at once, verified again in the background.
    vi.setSystemTime(t0 + TOKEN_REFRESH_AHEAD_MS + 1000);
    expect((await principalForToken(t.token)).fromCache).toBe(true);
    await backgroundCheck(lookup, 1);
    // Past the first entry's 30 s: the refreshed entry answers.
    vi.setSystemTime(t0 + TOKEN_CACHE_MS + 1000);
    expect((await principalForToken(t.token)).fromCache).toBe(true);
    expect(lookup).toHaveBeenCalledTimes(1);

    // Revoked by a process that did not signal it (no auth generation bump): the next background
    // check finds it, and the request after that is refused.
    await db().apiToken.update({ where: { id: t.tokenId }, data: { revokedAt: new Date() } });
    vi.setSystemTime(t0 + 2 * TOKEN_REFRESH_AHEAD_MS + 2000);
    expect((await principalForToken(t.token)).fromCache).toBe(true); // verified less than 30 s ago
    await backgroundCheck(lookup, 2);
    await expect(principalForToken(t.token)).rejects.toMatchObject({ code: "unauthenticated" });
  });

  it("without use, an entry still ends after 30 s: the next request verifies before answering", async () => {
    const t = await tokenFor(projectId, "consumer");
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.now();
    expect((await principalForToken(t.token)).fromCache).toBe(false);
    vi.setSystemTime(t0 + TOKEN_CACHE_MS + 1);
    expect((await principalForToken(t.token)).fromCache).toBe(false);
  });
});
