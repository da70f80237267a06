// Login, logout, session expiry and disabled users, through the real route handlers.
import { afterAll, describe, expect, it } from "vitest";
import { env, resetEnvForTests } from "../config/env";
import { db, disconnectDb } from "../db/client";
import { TEST_ORIGIN, callRoute, json } from "../../test/fixtures/api";
import { TEST_PASSWORD, createTestSession, createTestUser, uniqueName } from "../../test/fixtures/auth";
import { PEER_HEADER } from "./client-address";
import { DEVICE_COOKIE, verifyDeviceToken } from "./device-cookie";
import { SESSION_COOKIE, hashSecret } from "./secrets";

afterAll(async () => {
  await disconnectDb();
});

/** The value and attributes of the cookie `name` among a response's Set-Cookie headers. */
function cookieFrom(res: Response, name = SESSION_COOKIE): { value: string; attrs: string } {
  const all = res.headers.getSetCookie();
  const m = all.map((set) => new RegExp(`^${name}=([^;]*)(.*)$`).exec(set)).find((x) => x !== null);
  if (!m) throw new Error(`no ${name} cookie in ${all.join(" | ")}`);
  return { value: decodeURIComponent(m[1]), attrs: m[2] };
}

describe("login", () => {
  it("opens a session with an HttpOnly SameSite=Lax cookie and stores only its hash", async () => {
    const user = await createTestUser({ name: "Ada" });
    const res = await callRoute("POST", "/api/v1/auth/login", { body: { email: user.email.toUpperCase(), password: TEST_PASSWORD } });
    expect(res.status).toBe(200);
    const body = await json<{ user: { email: string; name: string }; expiresAt: string }>(res);
    expect(body.user).toMatchObject({ email: user.email, name: "Ada" });
    const { value, attrs } = cookieFrom(res);
    expect(attrs).toMatch(/HttpOnly/);
    expect(attrs).toMatch(/SameSite=Lax/);
    expect(attrs).toMatch(/Path=\//);
    expect(attrs).not.toMatch(/Secure/); // PUBLIC_URL is http in tests
    const stored = await db().session.findMany({ where: { userId: user.id } });
    expect(stored).toHaveLength(1);
    expect(stored[0].tokenHash).toBe(hashSecret(value));
    expect(stored[0].tokenHash).not.toContain(value);
    const days = (stored[0].expiresAt.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.9);
    expect(days).toBeLessThanOrEqual(14);

    const me = await callRoute("GET", "/api/v1/me", { headers: { cookie: `${SESSION_COOKIE}=${encodeURIComponent(value)}` } });
    expect(me.status).toBe(200);
    expect(await json(me)).toMatchObject({ kind: "user", email: user.email });
  });

  it("sets a device cookie for the e-mail, sent only to the login endpoint, as a second Set-Cookie header", async () => {
    const user = await createTestUser();
    const login = (cookie?: string) =>
      callRoute("POST", "/api/v1/auth/login", { body: { email: user.email, password: TEST_PASSWORD }, headers: cookie ? { cookie } : {} });
    const res = await login();
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toHaveLength(2);
    const { value, attrs } = cookieFrom(res, DEVICE_COOKIE);
    expect(verifyDeviceToken(value, user.email)).not.toBeNull();
    const parts = attrs.split(";").map((p) => p.trim());
    expect(parts).toEqual(expect.arrayContaining(["HttpOnly", "SameSite=Lax", "Path=/api/v1/auth/login", `Max-Age=${180 * 86_400}`]));
    expect(parts).not.toContain("Secure"); // PUBLIC_URL is http in tests
    // The session cookie is still its own header, for the whole site.
    expect(cookieFrom(res).attrs).toMatch(/; Path=\/;/);

    // Signing in again from that browser keeps its device token; a token for another e-mail (the
    // browser's previous user) is replaced by one for this e-mail.
    expect(cookieFrom(await login(`${DEVICE_COOKIE}=${value}`), DEVICE_COOKIE).value).toBe(value);
    const previous = cookieFrom(await login(), DEVICE_COOKIE).value;
    const other = await createTestUser();
    const switched = await callRoute("POST", "/api/v1/auth/login", {
      body: { email: other.email, password: TEST_PASSWORD },
      headers: { cookie: `${DEVICE_COOKIE}=${previous}` },
    });
    const replaced = cookieFrom(switched, DEVICE_COOKIE).value;
    expect(replaced).not.toBe(previous);
    expect(verifyDeviceToken(replaced, other.email)).not.toBeNull();
    expect(verifyDeviceToken(replaced, user.email)).toBeNull();
  });

  it("answers wrong password, unknown e-mail and disabled user alike: 401 problem", async () => {
    const user = await createTestUser();
    const disabled = await createTestUser({ disabled: true });
    const attempts = [
      { email: user.email, password: "wrong password" },
      // Unique: failures of one address are counted across runs (login throttle).
      { email: `${uniqueName("nobody")}@example.test`, password: TEST_PASSWORD },
      { email: disabled.email, password: TEST_PASSWORD },
    ];
    const details = new Set<string>();
    for (const body of attempts) {
      const res = await callRoute("POST", "/api/v1/auth/login", { body });
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
      expect(res.headers.get("set-cookie")).toBeNull();
      details.add((await json<{ detail: string }>(res)).detail);
    }
    expect(details.size).toBe(1);
    expect(await db().session.count({ where: { userId: { in: [user.id, disabled.id] } } })).toBe(0);
  });

  it("rejects a missing password with invalid_params", async () => {
    const res = await callRoute("POST", "/api/v1/auth/login", { body: { email: "a@b.c" } });
    expect(res.status).toBe(400);
    const p = await json<{ invalid_params: { name: string }[] }>(res);
    expect(p.invalid_params.map((i) => i.name)).toContain("password");
  });
});

describe("logout and expiry", () => {
  it("logout deletes the session and clears the cookie; the old cookie no longer works", async () => {
    const user = await createTestUser();
    const cookie = await createTestSession(user.id);
    const res = await callRoute("POST", "/api/v1/auth/logout", { headers: { cookie, origin: TEST_ORIGIN } });
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`));
    expect(await db().session.count({ where: { userId: user.id } })).toBe(0);
    const me = await callRoute("GET", "/api/v1/me", { headers: { cookie } });
    expect(me.status).toBe(401);
    expect(me.headers.get("www-authenticate")).toMatch(/Bearer/);
  });

  it("an expired session is anonymous", async () => {
    const user = await createTestUser();
    const cookie = await createTestSession(user.id, { expiresAt: new Date(Date.now() - 1000) });
    expect((await callRoute("GET", "/api/v1/me", { headers: { cookie } })).status).toBe(401);
  });

  it("a session stops working when its user is disabled", async () => {
    const user = await createTestUser();
    const cookie = await createTestSession(user.id);
    expect((await callRoute("GET", "/api/v1/me", { headers: { cookie } })).status).toBe(200);
    await db().user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    expect((await callRoute("GET", "/api/v1/me", { headers: { cookie } })).status).toBe(401);
  });

  it("refuses a cross-site write made with the session cookie", async () => {
    const user = await createTestUser();
    const cookie = await createTestSession(user.id);
    const res = await callRoute("POST", "/api/v1/auth/logout", { headers: { cookie, origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect(await db().session.count({ where: { userId: user.id } })).toBe(1);
  });

  it("refuses a session write with Origin null or an origin only a forwarded header vouches for (issue 13)", async () => {
    const user = await createTestUser();
    const cookie = await createTestSession(user.id);
    const refused: Record<string, string>[] = [
      { origin: "null" },
      { origin: "NULL" },
      // A client's X-Forwarded-Host is no proof of where the browser was (no TRUSTED_PROXIES).
      { origin: "https://evil.example", "x-forwarded-host": "evil.example" },
      { origin: "https://evil.example", "x-forwarded-host": "evil.example", [PEER_HEADER]: "203.0.113.9" },
      // A name that merely contains the console's host.
      { origin: "https://larder.test.evil.example" },
      { origin: "not a url" },
    ];
    for (const headers of refused) {
      const res = await callRoute("POST", "/api/v1/auth/logout", { headers: { cookie, ...headers } });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.headers.get("content-type")).toMatch(/problem\+json/);
    }
    const nullOrigin = await callRoute("POST", "/api/v1/auth/logout", { headers: { cookie, origin: "null" } });
    expect((await json<{ detail: string }>(nullOrigin)).detail).toMatch(/Origin: null/);
    expect(await db().session.count({ where: { userId: user.id } })).toBe(1);
    // The console's own origin is PUBLIC_URL's, or the host the browser addressed.
    const own = await callRoute("POST", "/api/v1/auth/logout", { headers: { cookie, origin: new URL(env().PUBLIC_URL).origin } });
    expect(own.status).toBe(204);
    const cookie2 = await createTestSession(user.id);
    const byHost = await callRoute("POST", "/api/v1/auth/logout", { headers: { cookie: cookie2, origin: "http://console.internal:8080", host: "console.internal:8080" } });
    expect(byHost.status).toBe(204);
  });

  it("a trusted proxy's X-Forwarded-Host names the console's host", async () => {
    const user = await createTestUser();
    process.env.TRUSTED_PROXIES = "10.0.0.0/8";
    resetEnvForTests();
    try {
      const cookie = await createTestSession(user.id);
      const headers = { cookie, origin: "https://larder.example", host: "127.0.0.1:3000", "x-forwarded-host": "larder.example" };
      expect((await callRoute("POST", "/api/v1/auth/logout", { headers: { ...headers, [PEER_HEADER]: "203.0.113.9" } })).status).toBe(403);
      expect((await callRoute("POST", "/api/v1/auth/logout", { headers: { ...headers, [PEER_HEADER]: "10.1.2.3" } })).status).toBe(204);
    } finally {
      delete process.env.TRUSTED_PROXIES;
      resetEnvForTests();
    }
  });
});
