// Login throttling through the real login route, Postgres and Redis. The file runs under its own
// QUEUE_PREFIX, so its counters are its own (other runs in parallel keep theirs) and go at the end.
import { randomBytes, randomInt } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { resetEnvForTests } from "../config/env";
import { db, disconnectDb } from "../db/client";
import { unlinkPrefix } from "../../test/support/materialize";
import { createRedis } from "../redis/connection";
import { callRoute, json } from "../../test/fixtures/api";
import { TEST_PASSWORD, createTestUser, uniqueName } from "../../test/fixtures/auth";
import { PEER_HEADER } from "./client-address";
import { DEVICE_COOKIE, newDeviceToken, verifyDeviceToken } from "./device-cookie";
import { login } from "./login";
import { log } from "../config/log";
import {
  DEVICE_BLOCK_SECONDS,
  EMAIL_BLOCK_SECONDS,
  EMAIL_IP_BLOCK_SECONDS,
  IP_BLOCK_SECONDS,
  LOGIN_LIMITS,
  MAX_CONSECUTIVE_FAILURES_PER_DEVICE,
  MAX_CONSECUTIVE_FAILURES_PER_EMAIL_AND_IP,
  MAX_FAILURES_PER_EMAIL,
  MAX_FAILURES_PER_IP,
  UNKNOWN_ADDRESS,
  closeLoginThrottle,
  createLoginThrottle,
  loginThrottle,
} from "./login-throttle";

const PREFIX = `larder-test-${randomBytes(4).toString("hex")}`;
process.env.QUEUE_PREFIX = PREFIX;
resetEnvForTests();

const redis = createRedis("queue");

afterAll(async () => {
  await unlinkPrefix(redis, `${PREFIX}:`);
  redis.disconnect();
  closeLoginThrottle();
  await disconnectDb();
});

/** A client address of its own per test (the benchmarking range 198.18.0.0/15). */
const newAddress = () => `198.18.${randomInt(256)}.${randomInt(1, 255)}`;
const unknownEmail = () => `${uniqueName("nobody")}@example.test`;

interface Problem {
  status: number;
  code: string;
  detail: string;
  retryAfter: number;
}

function attempt(email: string, password: string, address?: string, deviceToken?: string): Promise<Response> {
  // As the web server's peer stamp delivers it: the socket's address in PEER_HEADER. The client's
  // own X-Forwarded-For claim rides along and is ignored (no TRUSTED_PROXIES here).
  const headers: Record<string, string> = address ? { [PEER_HEADER]: address, "x-forwarded-for": `203.0.113.7, ${newAddress()}` } : {};
  // The browser sends the device cookie next to others (a session cookie it may still hold).
  if (deviceToken !== undefined) headers.cookie = `larder_session=stale; ${DEVICE_COOKIE}=${encodeURIComponent(deviceToken)}`;
  return callRoute("POST", "/api/v1/auth/login", { body: { email, password }, headers });
}

/** The device token a successful login response sets. */
function deviceTokenOf(res: Response): string {
  expect(res.status).toBe(200);
  const set = res.headers.getSetCookie().find((c) => c.startsWith(`${DEVICE_COOKIE}=`));
  if (!set) throw new Error(`no device cookie in ${res.headers.getSetCookie().join(" | ")}`);
  return decodeURIComponent(set.slice(DEVICE_COOKIE.length + 1).split(";")[0]);
}

/** What a throttle counter holds (0 when absent, and after a success handed its point back). */
const failuresIn = async (key: string) => Number((await redis.get(key)) ?? 0);

async function failTimes(n: number, email: () => string, address?: string): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await attempt(email(), "wrong password", address);
    expect(res.status, `failure ${i + 1}`).toBe(401);
  }
}

async function expectBlocked(res: Response, seconds: number): Promise<Problem> {
  expect(res.status).toBe(429);
  expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
  expect(res.headers.get("set-cookie")).toBeNull();
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThan(seconds - 5);
  expect(retryAfter).toBeLessThanOrEqual(seconds);
  const p = await json<Problem>(res);
  expect(p).toMatchObject({ status: 429, code: "rate_limited", retryAfter });
  return p;
}

const PAIR_LIMIT = MAX_CONSECUTIVE_FAILURES_PER_EMAIL_AND_IP;
const PAIR_REFUSED = "Too many failed sign-in attempts for this e-mail address from your network address. Try again in 15 minutes.";
const EMAIL_REFUSED = "Too many failed sign-in attempts for this e-mail address. Try again in 1 hour.";
const DEVICE_LIMIT = MAX_CONSECUTIVE_FAILURES_PER_DEVICE;
const DEVICE_REFUSED = "Too many failed sign-in attempts for this e-mail address from this browser. Try again in 15 minutes.";

describe("login throttle", () => {
  it("uses this file's QUEUE_PREFIX and the documented limits", () => {
    expect(loginThrottle().keyPrefix).toBe(`${PREFIX}:login`);
    expect(MAX_CONSECUTIVE_FAILURES_PER_EMAIL_AND_IP).toBe(10);
    expect(MAX_FAILURES_PER_IP).toBe(100);
    expect(MAX_FAILURES_PER_EMAIL).toBe(100);
    expect(MAX_CONSECUTIVE_FAILURES_PER_DEVICE).toBe(10);
  });

  it(`after ${PAIR_LIMIT} wrong passwords from one address refuses that e-mail from that address only; the real user elsewhere still logs in`, async () => {
    const user = await createTestUser();
    const attacker = newAddress();
    await failTimes(PAIR_LIMIT, () => user.email, attacker);

    // From the attacker's address the right password is refused too.
    const p = await expectBlocked(await attempt(user.email.toUpperCase(), TEST_PASSWORD, attacker), EMAIL_IP_BLOCK_SECONDS);
    expect(p.detail).toBe(PAIR_REFUSED);
    expect(await db().session.count({ where: { userId: user.id } })).toBe(0);
    // The counter is keyed by the normalized e-mail and the address.
    expect(await redis.exists(`${PREFIX}:login:email_ip:${user.email}_${attacker}`)).toBe(1);

    // The same e-mail from the user's own address logs in, and another e-mail from the attacker's address is not refused.
    expect((await attempt(` ${user.email.toUpperCase()} `, TEST_PASSWORD, newAddress())).status).toBe(200);
    const other = await createTestUser();
    expect((await attempt(other.email, TEST_PASSWORD, attacker)).status).toBe(200);
    // That success elsewhere did not lift the attacker's block.
    await expectBlocked(await attempt(user.email, TEST_PASSWORD, attacker), EMAIL_IP_BLOCK_SECONDS);
  });

  it("refuses an e-mail without an account exactly alike: the block reveals nothing", async () => {
    const unknown = unknownEmail();
    const address = newAddress();
    await failTimes(PAIR_LIMIT, () => unknown, address);
    const p = await expectBlocked(await attempt(unknown, TEST_PASSWORD, address), EMAIL_IP_BLOCK_SECONDS);
    expect(p.detail).toBe(PAIR_REFUSED);
  });

  it(`without a client address the pair is keyed "${UNKNOWN_ADDRESS}": such clients share it, clients with an address do not`, async () => {
    const user = await createTestUser();
    await failTimes(PAIR_LIMIT, () => user.email);
    const p = await expectBlocked(await attempt(user.email, TEST_PASSWORD), EMAIL_IP_BLOCK_SECONDS);
    expect(p.detail).toBe(PAIR_REFUSED);
    expect(await redis.exists(`${PREFIX}:login:email_ip:${user.email}_${UNKNOWN_ADDRESS}`)).toBe(1);
    // A request without a known peer counts as unknown whatever X-Forwarded-For claims.
    const claimed = await callRoute("POST", "/api/v1/auth/login", {
      body: { email: user.email, password: TEST_PASSWORD },
      headers: { "x-forwarded-for": newAddress() },
    });
    expect(claimed.status).toBe(429);
    expect((await attempt(user.email, TEST_PASSWORD, newAddress())).status).toBe(200);
  });

  it("a successful login forgets the pair's failures", async () => {
    const user = await createTestUser();
    const address = newAddress();
    await failTimes(PAIR_LIMIT - 1, () => user.email, address);
    expect((await attempt(user.email, TEST_PASSWORD, address)).status).toBe(200);
    expect(await redis.exists(`${PREFIX}:login:email_ip:${user.email}_${address}`)).toBe(0);
    // A whole fresh allowance after the success, then the block.
    await failTimes(PAIR_LIMIT, () => user.email, address);
    await expectBlocked(await attempt(user.email, TEST_PASSWORD, address), EMAIL_IP_BLOCK_SECONDS);
  });

  it(`blocks a client address after ${MAX_FAILURES_PER_IP} failures across different e-mails`, async () => {
    const user = await createTestUser();
    const address = newAddress();
    await failTimes(MAX_FAILURES_PER_IP, unknownEmail, address);
    const p = await expectBlocked(await attempt(user.email, TEST_PASSWORD, address), IP_BLOCK_SECONDS);
    expect(p.detail).toBe("Too many failed sign-in attempts from your network address. Try again in 1 hour.");
    // Only that address is blocked, and its refused attempt did not count against the e-mail.
    expect((await attempt(user.email, TEST_PASSWORD, newAddress())).status).toBe(200);
    // No X-Forwarded-For the client sends (first, last or only entry) can lift the block: without
    // TRUSTED_PROXIES the header is not read at all.
    for (const xff of [newAddress(), `${newAddress()}, ${newAddress()}`, `${address}, ${newAddress()}`]) {
      const spoofed = await callRoute("POST", "/api/v1/auth/login", {
        body: { email: user.email, password: TEST_PASSWORD },
        headers: { [PEER_HEADER]: address, "x-forwarded-for": xff },
      });
      expect(spoofed.status, xff).toBe(429);
    }
    // Behind a trusted proxy the proxy's view counts: its appended (rightmost) entry is the client.
    process.env.TRUSTED_PROXIES = "10.9.0.0/16";
    resetEnvForTests();
    try {
      const viaProxy = (xff: string) =>
        callRoute("POST", "/api/v1/auth/login", { body: { email: user.email, password: TEST_PASSWORD }, headers: { [PEER_HEADER]: "10.9.1.1", "x-forwarded-for": xff } });
      expect((await viaProxy(`${newAddress()}, ${address}`)).status).toBe(429);
      expect((await viaProxy(`${address}, ${newAddress()}`)).status).toBe(200);
    } finally {
      delete process.env.TRUSTED_PROXIES;
      resetEnvForTests();
    }
  });

  it("blocks an e-mail across all addresses after its (high) limit; a success does not forget those failures", async () => {
    const throttle = createLoginThrottle({
      redis,
      keyPrefix: `${PREFIX}:account`,
      limits: { ...LOGIN_LIMITS, emailIpFailures: 3, emailFailures: 6 },
    });
    const refusedWith = { code: "rate_limited", message: "Too many failed sign-in attempts for this e-mail address. Try again in 1 hour." };
    const user = await createTestUser();
    const [a, b, c] = [newAddress(), newAddress(), newAddress()];
    const fail = async (email: string, address: string) =>
      expect(login({ email, password: "wrong" }, { clientAddress: address, throttle })).rejects.toMatchObject({ code: "unauthenticated" });
    await fail(user.email, a);
    await fail(user.email, a);
    await login({ email: user.email, password: TEST_PASSWORD }, { clientAddress: a, throttle });
    // The success forgot a's pair (2 more stay below its 3) but not the e-mail's 2 failures.
    await fail(user.email, a);
    await fail(user.email, a);
    await fail(user.email, b);
    await fail(user.email, b);
    // 6 failures from two addresses, no pair at its limit: the e-mail is refused from everywhere,
    // right password included, for the e-mail block.
    for (const address of [a, b, c, newAddress()]) {
      const err = await login({ email: user.email, password: TEST_PASSWORD }, { clientAddress: address, throttle }).catch((e: unknown) => e);
      expect(err).toMatchObject(refusedWith);
      const retryAfter = (err as { details: { retryAfter: number } }).details.retryAfter;
      expect(retryAfter).toBeGreaterThan(EMAIL_BLOCK_SECONDS - 5);
      expect(retryAfter).toBeLessThanOrEqual(EMAIL_BLOCK_SECONDS);
    }
    expect(await redis.exists(`${PREFIX}:account:email:${user.email}`)).toBe(1);
    // Other e-mails are not affected, and unknown e-mails are counted alike.
    expect((await login({ email: (await createTestUser()).email, password: TEST_PASSWORD }, { clientAddress: a, throttle })).user).toBeTruthy();
    const unknown = unknownEmail();
    for (const address of [a, a, b, b, c, c]) await fail(unknown, address);
    await expect(login({ email: unknown, password: TEST_PASSWORD }, { clientAddress: newAddress(), throttle })).rejects.toMatchObject(refusedWith);
  });

  it("successful logins count against neither the client address nor the e-mail", async () => {
    const throttle = createLoginThrottle({ redis, keyPrefix: `${PREFIX}:small`, limits: { ...LOGIN_LIMITS, ipFailures: 3, emailFailures: 3 } });
    const user = await createTestUser();
    const from = { clientAddress: newAddress(), throttle };
    for (let i = 0; i < 5; i++) await login({ email: user.email, password: TEST_PASSWORD }, from);
    for (let i = 0; i < 3; i++) {
      await expect(login({ email: user.email, password: "wrong" }, from)).rejects.toMatchObject({ code: "unauthenticated" });
    }
    await expect(login({ email: user.email, password: TEST_PASSWORD }, from)).rejects.toMatchObject({ code: "rate_limited" });
  });

  it("an attempt that ends without a verdict on the password (a registry failure) counts against nothing", async () => {
    const throttle = createLoginThrottle({
      redis,
      keyPrefix: `${PREFIX}:abandon`,
      limits: { ...LOGIN_LIMITS, emailIpFailures: 2, ipFailures: 2, emailFailures: 2 },
    });
    const email = unknownEmail();
    const address = newAddress();
    for (let i = 0; i < 5; i++) await (await throttle.attempt(email, address)).abandoned();
    await throttle.attempt(email, address);
    await throttle.attempt(email, address);
    await expect(throttle.attempt(email, address)).rejects.toMatchObject({ code: "rate_limited" });
  });

  it("fails open when Redis is unavailable, and logs it once", async () => {
    const down = createRedis("queue", { lazyConnect: true });
    down.disconnect();
    const throttle = createLoginThrottle({
      redis: down,
      keyPrefix: `${PREFIX}:down`,
      limits: { ...LOGIN_LIMITS, emailIpFailures: 1, ipFailures: 1, emailFailures: 1 },
    });
    const errors = vi.spyOn(log(), "error").mockImplementation(() => undefined);
    try {
      const user = await createTestUser();
      const from = { clientAddress: newAddress(), throttle };
      for (let i = 0; i < 3; i++) {
        await expect(login({ email: user.email, password: "wrong" }, from)).rejects.toMatchObject({ code: "unauthenticated" });
      }
      const ok = await login({ email: user.email, password: TEST_PASSWORD }, from);
      expect(ok.user.email).toBe(user.email);
      const throttleLines = errors.mock.calls.filter((c) => c.some((a) => String(a).includes("login throttle")));
      expect(throttleLines).toHaveLength(1);
      expect(String(throttleLines[0][1])).toMatch(/NOT throttled/);
    } finally {
      errors.mockRestore();
    }
  });
});

describe("login throttle with device cookies", () => {
  it("an e-mail locked out by failures from many addresses still signs in from the owner's browser; without its device cookie, or with another e-mail's, it is refused", async () => {
    const user = await createTestUser();
    const other = await createTestUser();
    const owners = deviceTokenOf(await attempt(user.email, TEST_PASSWORD, newAddress()));
    const othersDevice = deviceTokenOf(await attempt(other.email, TEST_PASSWORD, newAddress()));

    // The distributed attack: the per-e-mail limit reached with every address under its pair limit.
    const attackers = Array.from({ length: MAX_FAILURES_PER_EMAIL / PAIR_LIMIT }, newAddress);
    for (const a of attackers) await failTimes(PAIR_LIMIT, () => user.email, a);
    const refused = await expectBlocked(await attempt(user.email, TEST_PASSWORD, newAddress()), EMAIL_BLOCK_SECONDS);
    expect(refused.detail).toBe(EMAIL_REFUSED);
    // Another e-mail's device cookie, a forged one and garbage are no device for this e-mail.
    await expectBlocked(await attempt(user.email, TEST_PASSWORD, newAddress(), othersDevice), EMAIL_BLOCK_SECONDS);
    const [nonce] = owners.split(".");
    await expectBlocked(await attempt(user.email, TEST_PASSWORD, newAddress(), `${nonce}.${othersDevice.split(".")[1]}`), EMAIL_BLOCK_SECONDS);
    await expectBlocked(await attempt(user.email, TEST_PASSWORD, newAddress(), "%E0 garbage"), EMAIL_BLOCK_SECONDS);
    expect(await db().session.count({ where: { userId: user.id } })).toBe(1);

    // The owner's browser signs in, from a new address and from an address whose pair is blocked,
    // and keeps its device token.
    const ok = await attempt(` ${user.email.toUpperCase()} `, TEST_PASSWORD, newAddress(), owners);
    expect(deviceTokenOf(ok)).toBe(owners);
    expect((await attempt(user.email, TEST_PASSWORD, attackers[0], owners)).status).toBe(200);
    expect(await db().session.count({ where: { userId: user.id } })).toBe(3);
    // Its logins lifted nothing for everyone else.
    await expectBlocked(await attempt(user.email, TEST_PASSWORD, newAddress()), EMAIL_BLOCK_SECONDS);
    await expectBlocked(await attempt(user.email, TEST_PASSWORD, attackers[0]), EMAIL_BLOCK_SECONDS);
    // The other user's cookie did not help here, and still works for them.
    expect(deviceTokenOf(await attempt(other.email, TEST_PASSWORD, attackers[0], othersDevice))).toBe(othersDevice);
  });

  it(`${DEVICE_LIMIT} wrong passwords from a trusted browser block that browser only, and count against nothing else`, async () => {
    const user = await createTestUser();
    const address = newAddress();
    const laptop = deviceTokenOf(await attempt(user.email, TEST_PASSWORD, address));
    // Each login without a device cookie gets a device token of its own.
    const phone = deviceTokenOf(await attempt(user.email, TEST_PASSWORD, address));
    expect(phone).not.toBe(laptop);
    for (let i = 0; i < DEVICE_LIMIT; i++) expect((await attempt(user.email, "wrong password", address, laptop)).status, `failure ${i + 1}`).toBe(401);

    const p = await expectBlocked(await attempt(user.email, TEST_PASSWORD, address, laptop), DEVICE_BLOCK_SECONDS);
    expect(p.detail).toBe(DEVICE_REFUSED);
    expect(await redis.exists(`${PREFIX}:login:device:${user.email}_${verifyDeviceToken(laptop, user.email)}`)).toBe(1);
    // The user's other browser, and a browser without a device cookie, from the same address.
    expect((await attempt(user.email, TEST_PASSWORD, address, phone)).status).toBe(200);
    expect(await failuresIn(`${PREFIX}:login:email_ip:${user.email}_${address}`)).toBe(0);
    expect(await failuresIn(`${PREFIX}:login:ip:${address}`)).toBe(0);
    expect(await failuresIn(`${PREFIX}:login:email:${user.email}`)).toBe(0);
    expect((await attempt(user.email, TEST_PASSWORD, address)).status).toBe(200);
    // Still blocked: the other logins did not lift the laptop's block.
    await expectBlocked(await attempt(user.email, TEST_PASSWORD, address, laptop), DEVICE_BLOCK_SECONDS);
  });

  it("through the use case: a trusted device is counted only per device, is not refused by address and e-mail blocks, and a success forgets its failures", async () => {
    const prefix = `${PREFIX}:devices`;
    const throttle = createLoginThrottle({
      redis,
      keyPrefix: prefix,
      limits: { ...LOGIN_LIMITS, emailIpFailures: 2, ipFailures: 2, emailFailures: 2, deviceFailures: 3 },
    });
    const user = await createTestUser();
    const address = newAddress();
    const right = { email: user.email, password: TEST_PASSWORD };
    const wrong = { email: user.email, password: "wrong" };
    const { deviceToken } = await login(right, { clientAddress: address, throttle });
    const nonce = verifyDeviceToken(deviceToken, user.email);
    expect(nonce).not.toBeNull();

    // Block the pair, the address and the e-mail for untrusted attempts.
    for (let i = 0; i < 2; i++) await expect(login(wrong, { clientAddress: address, throttle })).rejects.toMatchObject({ code: "unauthenticated" });
    await expect(login(right, { clientAddress: address, throttle })).rejects.toMatchObject({ code: "rate_limited" });
    await expect(login(right, { clientAddress: newAddress(), throttle })).rejects.toMatchObject({ code: "rate_limited" });

    const trusted = (deviceTokenSent: string, clientAddress = address) => ({ clientAddress, deviceToken: deviceTokenSent, throttle });
    // Consecutive failures: 2, a success (forgets them, keeps the token), then 3 more before the block.
    for (let i = 0; i < 2; i++) await expect(login(wrong, trusted(deviceToken))).rejects.toMatchObject({ code: "unauthenticated" });
    expect((await login(right, trusted(deviceToken))).deviceToken).toBe(deviceToken);
    expect(await redis.exists(`${prefix}:device:${user.email}_${nonce}`)).toBe(0);
    const elsewhere = newAddress();
    for (let i = 0; i < 3; i++) await expect(login(wrong, trusted(deviceToken, elsewhere))).rejects.toMatchObject({ code: "unauthenticated" });
    await expect(login(right, trusted(deviceToken))).rejects.toMatchObject({
      code: "rate_limited",
      message: "Too many failed sign-in attempts for this e-mail address from this browser. Try again in 15 minutes.",
    });
    // None of those counted per address or per e-mail (the attempts from `elsewhere` left no key).
    expect(await redis.exists(`${prefix}:ip:${elsewhere}`, `${prefix}:email_ip:${user.email}_${elsewhere}`)).toBe(0);
    // Another device of the same user is not blocked.
    expect((await login(right, trusted(newDeviceToken(user.email)))).user.id).toBe(user.id);
    // A device token for another e-mail is no device: the e-mail's block applies.
    const others = newDeviceToken((await createTestUser()).email);
    await expect(login(right, trusted(others, newAddress()))).rejects.toMatchObject({ code: "rate_limited", message: EMAIL_REFUSED });
  });
});
