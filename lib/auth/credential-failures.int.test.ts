// Repeated 401s are rate-limited on both servers (issue 13 item 9): the Next API (through the real
// route handlers, with the peer as the web server's stamp delivers it) and the feature server (a
// real node:http server on a socket), counted in the real Redis under this file's own QUEUE_PREFIX.
import { randomBytes, randomInt } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "../config/env";

const PREFIX = `larder-test-authfail-${randomBytes(4).toString("hex")}`;
process.env.QUEUE_PREFIX = PREFIX;
resetEnvForTests();

const { db, disconnectDb } = await import("../db/client");
const { createRedis } = await import("../redis/connection");
const { unlinkPrefix } = await import("../../test/support/materialize");
const { callRoute, json } = await import("../../test/fixtures/api");
const { TEST_PASSWORD, addTestMember, bearer, createTestProject, createTestSession, createTestToken, createTestUser } = await import("../../test/fixtures/auth");
const { PEER_HEADER } = await import("./client-address");
const { CREDENTIAL_FAILURE_LIMITS, createCredentialFailureLimiter } = await import("./credential-failures");
const { closeLoginThrottle } = await import("./login-throttle");
const { startFeatureServer } = await import("../api/feature-server");

const LIMIT = CREDENTIAL_FAILURE_LIMITS.addressFailures;
const redis = createRedis("queue");
let project: { id: string; name: string };
let owner: { id: string };

beforeAll(async () => {
  project = await createTestProject("authfail");
  owner = await createTestUser();
  await addTestMember(project.id, owner.id, "admin");
});

afterAll(async () => {
  await unlinkPrefix(redis, `${PREFIX}:`);
  redis.disconnect();
  closeLoginThrottle();
  await disconnectDb();
});

/** A client address of its own per test (the benchmarking range 198.18.0.0/15). */
const newAddress = () => `198.18.${randomInt(256)}.${randomInt(1, 255)}`;
/** A token shaped like ours that matches nothing: a guess. */
const guess = (prefix = `ldr_${randomBytes(6).toString("base64url").slice(0, 8)}`) => `${prefix}_${randomBytes(32).toString("base64url")}`;
const me = (address: string | null, headers: Record<string, string>) =>
  callRoute("GET", "/api/v1/me", { headers: { ...headers, ...(address ? { [PEER_HEADER]: address } : {}) } });

interface Problem {
  status: number;
  code: string;
  detail: string;
  retryAfter: number;
}

async function expect429(res: Response, detail: RegExp): Promise<Problem> {
  expect(res.status).toBe(429);
  expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
  const p = await json<Problem>(res);
  expect(p.code).toBe("rate_limited");
  expect(p.detail).toMatch(detail);
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  expect(p.retryAfter).toBe(Number(res.headers.get("retry-after")));
  return p;
}

describe("the Next API", () => {
  it(`answers 429 after ${LIMIT} failed tokens from one address, and refuses even a valid token from it until the block ends`, async () => {
    const address = newAddress();
    for (let i = 0; i < LIMIT; i++) expect((await me(address, bearer(guess()))).status, `failure ${i + 1}`).toBe(401);
    const p = await expect429(await me(address, bearer(guess())), /^Too many requests with invalid credentials from your network address\. Try again in \d+ minutes?\.$/);
    expect(p.retryAfter).toBeGreaterThan(CREDENTIAL_FAILURE_LIMITS.addressBlockSeconds - 30);
    const valid = await createTestToken(project.id, owner.id, "viewer");
    // Refused before the token is looked at: a guess that happens to be right gains nothing.
    await expect429(await me(address, bearer(valid.token)), /network address/);
    // Another address, and the same address without any credential, are not refused.
    expect((await me(newAddress(), bearer(valid.token))).status).toBe(200);
    expect((await me(address, {})).status).toBe(401);
    expect(await redis.exists(`${PREFIX}:authfail:ip:${address}`)).toBe(1);
  });

  it("counts malformed Authorization headers and dead session cookies too, but no request without a credential", async () => {
    const address = newAddress();
    for (let i = 0; i < 2 * LIMIT; i++) expect((await me(address, {})).status).toBe(401);
    const user = await createTestUser();
    const dead = await createTestSession(user.id, { expiresAt: new Date(Date.now() - 1000) });
    for (let i = 0; i < LIMIT / 2; i++) expect((await me(address, { cookie: dead })).status).toBe(401);
    for (let i = 0; i < LIMIT / 2; i++) expect((await me(address, { authorization: "Basic dXNlcjpwYXNz" })).status).toBe(401);
    await expect429(await me(address, { cookie: dead }), /network address/);
    // Signing in again from there still works, though the browser still sends the dead cookie: the
    // login is public and has its own throttle. A bearer token on a public route is still refused.
    const login = (headers: Record<string, string>) =>
      callRoute("POST", "/api/v1/auth/login", { body: { email: user.email, password: TEST_PASSWORD }, headers: { ...headers, [PEER_HEADER]: address } });
    expect((await login({ cookie: dead })).status).toBe(200);
    await expect429(await login(bearer(guess())), /network address/);
  });

  it("a sprayed token prefix answers its guesses 429 from every address, while the real token keeps working", async () => {
    const real = await createTestToken(project.id, owner.id, "viewer");
    const prefix = real.token.slice(0, 12);
    const limit = CREDENTIAL_FAILURE_LIMITS.prefixFailures;
    for (let i = 0; i < limit; i++) expect((await me(newAddress(), bearer(guess(prefix)))).status, `guess ${i + 1}`).toBe(401);
    await expect429(await me(newAddress(), bearer(guess(prefix))), new RegExp(`^Too many failed requests with the token ${prefix}\\. Try again in \\d+ minutes?\\.$`));
    expect((await me(newAddress(), bearer(real.token))).status).toBe(200);
    expect((await me(null, bearer(real.token))).status).toBe(200);
  });

  it("a revoked or expired token presented again is no guess: without an address it stays a 401", async () => {
    const revoked = await createTestToken(project.id, owner.id, "viewer", { revoked: true });
    const expired = await createTestToken(project.id, owner.id, "viewer", { expiresAt: new Date(Date.now() - 1000) });
    for (let i = 0; i < LIMIT + 5; i++) {
      expect((await me(null, bearer(revoked.token))).status).toBe(401);
      expect((await me(null, bearer(expired.token))).status).toBe(401);
    }
  });
});

describe("across processes", () => {
  it("a count made in one process refuses in another; each learns a block at the client's next failure there", async () => {
    const keyPrefix = `${PREFIX}:shared`;
    const limits = { ...CREDENTIAL_FAILURE_LIMITS, addressFailures: 2 };
    const web = createCredentialFailureLimiter({ redis, keyPrefix, limits });
    const features = createCredentialFailureLimiter({ redis: createRedis("queue"), keyPrefix, limits });
    const address = newAddress();
    expect(await web.failed(address, null, false)).toBeNull();
    expect(await web.failed(address, null, false)).toBeNull();
    const refused = await features.failed(address, null, false);
    expect(refused).toMatchObject({ code: "rate_limited" });
    expect(() => features.refuseIfBlocked(() => address)).toThrow(/network address/);
    // The other process has not met the block yet; its next failure from there learns it.
    expect(() => web.refuseIfBlocked(() => address)).not.toThrow();
    expect(await web.failed(address, null, false)).toMatchObject({ code: "rate_limited" });
    expect(() => web.refuseIfBlocked(() => address)).toThrow(/network address/);
  });

  it("fails open when Redis is down: failures are not counted and nothing is refused", async () => {
    const down = createRedis("queue", { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, commandTimeout: 200 });
    down.disconnect();
    const limiter = createCredentialFailureLimiter({ redis: down, keyPrefix: `${PREFIX}:down`, limits: { ...CREDENTIAL_FAILURE_LIMITS, addressFailures: 1 } });
    for (let i = 0; i < 3; i++) expect(await limiter.failed("192.0.2.1", guess(), true)).toBeNull();
  });
});

describe("the feature server", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = await startFeatureServer(0, "127.0.0.1");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const read = (token: string, xff?: string) =>
    fetch(`${base}/get-online-features`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...(xff ? { "x-forwarded-for": xff } : {}) },
      body: JSON.stringify({ project: project.name, features: ["nothing:here"], entities: { id: [1] } }),
    });

  it(`answers Feast's 429 after ${LIMIT} failed tokens from one address; a client's X-Forwarded-For does not move it elsewhere`, async () => {
    for (let i = 0; i < LIMIT; i++) {
      const res = await read(guess(), newAddress());
      expect(res.status, `failure ${i + 1}`).toBe(401);
      expect(await res.json()).toEqual({ detail: "The bearer token is invalid, expired or revoked." });
    }
    const refused = await read(guess(), newAddress());
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await refused.json()) as { detail: string };
    expect(body.detail).toMatch(/^Too many requests with invalid credentials from your network address/);
    const valid = await createTestToken(project.id, owner.id, "consumer");
    expect((await read(valid.token)).status).toBe(429);
    expect(await redis.exists(`${PREFIX}:authfail:ip:127.0.0.1`)).toBe(1);
    // /health needs no credential and is never refused.
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect(await db().apiToken.count({ where: { id: valid.id } })).toBe(1);
  });
});
