// The online store's cluster settings: parsed, cross-checked, and turned into the right client.
import { afterEach, describe, expect, it } from "vitest";
import { createRedis, isCluster } from "../redis/connection";
import { hashSecret } from "../auth/secrets";
import { DEVELOPMENT_SESSION_SECRET, env, productionSecretProblem, resetEnvForTests } from "./env";

const VARS = ["ONLINE_REDIS_URL", "ONLINE_REDIS_CLUSTER", "ONLINE_REDIS_CLUSTER_NODES"] as const;
const saved = Object.fromEntries(VARS.map((k) => [k, process.env[k]]));

function withEnv(vars: Partial<Record<(typeof VARS)[number], string>>) {
  for (const k of VARS) delete process.env[k];
  Object.assign(process.env, vars);
  resetEnvForTests();
}

afterEach(() => {
  for (const k of VARS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  resetEnvForTests();
});

describe("ONLINE_REDIS_CLUSTER", () => {
  it("is off by default, and empty or false means off", () => {
    for (const v of [undefined, "", "false", "0", "no"]) {
      withEnv(v === undefined ? {} : { ONLINE_REDIS_CLUSTER: v });
      expect(env().ONLINE_REDIS_CLUSTER).toBe(false);
    }
  });

  it("takes a seed URL and more seed nodes", () => {
    withEnv({ ONLINE_REDIS_CLUSTER: "TRUE", ONLINE_REDIS_URL: "redis://u:p@10.0.0.1:7000", ONLINE_REDIS_CLUSTER_NODES: "10.0.0.2:7001, [::1]:7002" });
    expect(env().ONLINE_REDIS_CLUSTER).toBe(true);
    expect(env().ONLINE_REDIS_CLUSTER_NODES).toEqual([
      { host: "10.0.0.2", port: 7001 },
      { host: "::1", port: 7002 },
    ]);
  });

  it.each([
    [{ ONLINE_REDIS_CLUSTER: "yes please" }, /ONLINE_REDIS_CLUSTER: must be true or false/],
    [{ ONLINE_REDIS_CLUSTER: "true" }, /ONLINE_REDIS_URL: ONLINE_REDIS_CLUSTER=true needs ONLINE_REDIS_URL/],
    [{ ONLINE_REDIS_CLUSTER: "true", ONLINE_REDIS_URL: "redis://a:7000/2" }, /only database 0; remove "\/2"/],
    [{ ONLINE_REDIS_CLUSTER: "true", ONLINE_REDIS_URL: "redis://a:7000", ONLINE_REDIS_CLUSTER_NODES: "b" }, /"b" is not host:port/],
    [{ ONLINE_REDIS_CLUSTER: "true", ONLINE_REDIS_URL: "redis://a:7000", ONLINE_REDIS_CLUSTER_NODES: "b:99999" }, /"b:99999" is not host:port/],
    [{ ONLINE_REDIS_CLUSTER_NODES: "b:7001" }, /ONLINE_REDIS_CLUSTER_NODES: is only used with ONLINE_REDIS_CLUSTER=true/],
  ])("rejects %j", (vars, message) => {
    withEnv(vars);
    expect(() => env()).toThrow(message);
  });

  it("makes the online connection a cluster client (masters only, credentials and TLS on every node); queues stay on one Redis", () => {
    withEnv({ ONLINE_REDIS_CLUSTER: "true", ONLINE_REDIS_URL: "rediss://user:s%40cret@10.0.0.1:7000" });
    const online = createRedis("online", { lazyConnect: true, maxRetriesPerRequest: 1 });
    const queue = createRedis("queue", { lazyConnect: true });
    try {
      expect(isCluster(online)).toBe(true);
      expect(isCluster(queue)).toBe(false);
      if (!isCluster(online)) return;
      expect(online.options.scaleReads).toBe("master");
      expect(online.options.redisOptions).toMatchObject({ username: "user", password: "s@cret", tls: {}, maxRetriesPerRequest: 1 });
    } finally {
      online.disconnect();
      queue.disconnect();
    }
  });

  it("keeps a plain Redis client when off", () => {
    withEnv({ ONLINE_REDIS_URL: "redis://127.0.0.1:6379" });
    const online = createRedis("online", { lazyConnect: true });
    expect(isCluster(online)).toBe(false);
    online.disconnect();
  });
});

describe("OFFLINE_STORE_URI", () => {
  afterEach(() => {
    delete process.env.OFFLINE_STORE_URI;
    resetEnvForTests();
  });

  it("is a folder; object storage is refused with what to do instead", () => {
    for (const ok of ["./.data/offline", "/mnt/features", "file:///mnt/features"]) {
      process.env.OFFLINE_STORE_URI = ok;
      resetEnvForTests();
      expect(env().OFFLINE_STORE_URI).toBe(ok);
    }
    for (const bad of ["s3://bucket/prefix", "gs://bucket", "https://example.com/store"]) {
      process.env.OFFLINE_STORE_URI = bad;
      resetEnvForTests();
      expect(() => env(), bad).toThrow(/OFFLINE_STORE_URI: must be a local or mounted folder/);
    }
  });
});

describe("SESSION_SECRET in production (issue 13)", () => {
  const vars = process.env as Record<string, string | undefined>;
  const keep = { NODE_ENV: process.env.NODE_ENV, SESSION_SECRET: process.env.SESSION_SECRET };
  afterEach(() => {
    for (const [k, v] of Object.entries(keep)) {
      if (v === undefined) delete vars[k];
      else vars[k] = v;
    }
    resetEnvForTests();
  });
  const set = (nodeEnv: string, secret: string | undefined) => {
    vars.NODE_ENV = nodeEnv;
    if (secret === undefined) delete process.env.SESSION_SECRET;
    else process.env.SESSION_SECRET = secret;
    resetEnvForTests();
  };

  it("development and test need no secret; production refuses none, the default and a short one", () => {
    set("development", undefined);
    expect(productionSecretProblem()).toBeNull();
    set("test", undefined);
    expect(productionSecretProblem()).toBeNull();
    set("production", undefined);
    expect(productionSecretProblem()).toMatch(/SESSION_SECRET is not set/);
    set("production", DEVELOPMENT_SESSION_SECRET);
    expect(productionSecretProblem()).toMatch(/development default/);
    set("production", "x".repeat(31));
    expect(productionSecretProblem()).toMatch(/31 characters; production needs at least 32/);
    set("production", "x".repeat(32));
    expect(productionSecretProblem()).toBeNull();
  });

  it("no keyed hash is made with the development secret in production, whatever process asks", () => {
    set("production", undefined);
    expect(() => hashSecret("ldr_abc")).toThrow(/SESSION_SECRET is not set/);
    set("production", "y".repeat(40));
    expect(hashSecret("ldr_abc")).toMatch(/^[0-9a-f]{64}$/);
  });
});
