// evictionPolicyWarning against a real Redis: CONFIG SET for the duration of the test (maxmemory
// stays 0 on the test server, so the policy changes no behaviour for other tests meanwhile).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { evictionPolicyWarning } from "./eviction-policy";

let redis: Redis;
let original: string;

beforeAll(async () => {
  redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  original = ((await redis.config("GET", "maxmemory-policy")) as string[])[1];
});

afterAll(async () => {
  await redis.config("SET", "maxmemory-policy", original);
  redis.disconnect();
});

describe("online Redis eviction policy check", () => {
  it("warns on allkeys-* policies and names the fix; stays quiet on noeviction and volatile-*", async () => {
    await redis.config("SET", "maxmemory-policy", "allkeys-lru");
    expect(await evictionPolicyWarning(redis)).toMatch(/maxmemory-policy allkeys-lru.*noeviction or a volatile-\* policy/);
    await redis.config("SET", "maxmemory-policy", "volatile-lru");
    expect(await evictionPolicyWarning(redis)).toBeNull();
    await redis.config("SET", "maxmemory-policy", "noeviction");
    expect(await evictionPolicyWarning(redis)).toBeNull();
  });
});
