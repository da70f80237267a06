import { afterEach, describe, expect, it } from "vitest";
import { resetEnvForTests } from "../config/env";
import { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_SECONDS, deviceTokenFrom, newDeviceToken, verifyDeviceToken } from "./device-cookie";
import { deviceCookie } from "./login";

const EMAIL = "ada@example.test";
const saved = { SESSION_SECRET: process.env.SESSION_SECRET, PUBLIC_URL: process.env.PUBLIC_URL };

function withEnv(vars: Partial<typeof saved>) {
  Object.assign(process.env, vars);
  resetEnvForTests();
}

afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvForTests();
});

/** Replaces one character of `s` at `i` with another from the base64url alphabet. */
const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);

describe("device token", () => {
  it("verifies for the e-mail it was issued for and yields its nonce", () => {
    const token = newDeviceToken(EMAIL);
    const nonce = verifyDeviceToken(token, EMAIL);
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(token.startsWith(`${nonce}.`)).toBe(true);
    // Every token has its own nonce (the per-device counter is keyed by it).
    expect(verifyDeviceToken(newDeviceToken(EMAIL), EMAIL)).not.toBe(nonce);
  });

  it("does not verify for another e-mail address", () => {
    const token = newDeviceToken(EMAIL);
    expect(verifyDeviceToken(token, "eve@example.test")).toBeNull();
    // Bound to the normalized address the caller passes: no normalization of its own.
    expect(verifyDeviceToken(token, EMAIL.toUpperCase())).toBeNull();
  });

  it("does not verify when the nonce or the MAC was tampered with", () => {
    const token = newDeviceToken(EMAIL);
    const dot = token.indexOf(".");
    expect(verifyDeviceToken(flip(token, 0), EMAIL)).toBeNull();
    expect(verifyDeviceToken(flip(token, dot - 1), EMAIL)).toBeNull();
    expect(verifyDeviceToken(flip(token, dot + 1), EMAIL)).toBeNull();
    expect(verifyDeviceToken(flip(token, token.length - 1), EMAIL)).toBeNull();
    // The nonce of one token with the MAC of another.
    const other = newDeviceToken(EMAIL);
    expect(verifyDeviceToken(`${token.slice(0, dot)}${other.slice(dot)}`, EMAIL)).toBeNull();
  });

  it("answers null, never throws, for garbage", () => {
    const token = newDeviceToken(EMAIL);
    for (const garbage of [undefined, null, "", ".", "x", token.replace(".", ""), `${token}.`, ` ${token}`, `${token}=`, token.replace(".", ":"), "%E0%A4%A", "é".repeat(66)]) {
      expect(verifyDeviceToken(garbage, EMAIL), String(garbage)).toBeNull();
    }
    expect(verifyDeviceToken(123 as unknown as string, EMAIL)).toBeNull();
  });

  it("does not verify under another SESSION_SECRET", () => {
    withEnv({ SESSION_SECRET: "first-secret-for-device-tokens" });
    const token = newDeviceToken(EMAIL);
    expect(verifyDeviceToken(token, EMAIL)).not.toBeNull();
    withEnv({ SESSION_SECRET: "second-secret-for-device-tokens" });
    expect(verifyDeviceToken(token, EMAIL)).toBeNull();
  });
});

describe("device cookie", () => {
  it("is read from the Cookie header among others; an undecodable one is no cookie", () => {
    const token = newDeviceToken(EMAIL);
    const from = (cookie?: string) => deviceTokenFrom(new Headers(cookie === undefined ? {} : { cookie }));
    expect(from(`larder_session=abc; ${DEVICE_COOKIE}=${token}; other=1`)).toBe(token);
    expect(from("larder_session=abc")).toBeNull();
    expect(from()).toBeNull();
    expect(from(`${DEVICE_COOKIE}=%E0%A4%A`)).toBeNull();
  });

  it("is HttpOnly, SameSite=Lax, sent only to the login endpoint, kept 180 days, Secure behind https", () => {
    withEnv({ PUBLIC_URL: "http://larder.test" });
    const token = newDeviceToken(EMAIL);
    const parts = deviceCookie(token).split("; ");
    expect(parts[0]).toBe(`${DEVICE_COOKIE}=${token}`);
    expect(parts).toEqual(expect.arrayContaining(["HttpOnly", "SameSite=Lax", "Path=/api/v1/auth/login", `Max-Age=${180 * 86_400}`]));
    expect(DEVICE_COOKIE_MAX_AGE_SECONDS).toBe(180 * 86_400);
    const expires = Date.parse(parts.find((p) => p.startsWith("Expires="))!.slice("Expires=".length));
    expect(Math.abs(expires - (Date.now() + 180 * 86_400_000))).toBeLessThan(5000);
    expect(parts).not.toContain("Secure");
    withEnv({ PUBLIC_URL: "https://larder.example" });
    expect(deviceCookie(token).split("; ")).toContain("Secure");
  });
});
