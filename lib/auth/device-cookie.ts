// Device cookies (OWASP "Slow Down Online Guessing Attacks with Device Cookies"): a browser that
// signed in successfully gets a token bound to that e-mail address, and its later login attempts
// for that address are throttled per device instead of per client address and e-mail, so an
// attacker spreading guesses over many addresses cannot lock the owner out of their own browser.
// Stateless: the token is a random nonce and an HMAC over e-mail and nonce; nothing is stored.
import { randomBytes } from "node:crypto";
import "server-only";
import { readCookie } from "./resolve-principal";
import { keyedHash, safeEqual } from "./secrets";

export const DEVICE_COOKIE = "larder_device";
/** Only the login endpoint needs the cookie; no other request carries it. */
export const DEVICE_COOKIE_PATH = "/api/v1/auth/login";
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 180 * 86_400;

/** The MAC key is derived from SESSION_SECRET for this purpose only (see keyedHash). */
const PURPOSE = "larder device cookie v1";
const NONCE_BYTES = 16;
// `<nonce>.<mac>`, both base64url: 16 bytes → 22 characters, 32 bytes → 43.
const TOKEN = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

// The nonce has a fixed length and alphabet, so `<nonce>:<e-mail>` is unambiguous.
const mac = (email: string, nonce: string) => keyedHash(`${nonce}:${email}`, PURPOSE).toString("base64url");

/** A new device token for the (normalized) e-mail address: `<nonce>.<mac>`. */
export function newDeviceToken(email: string): string {
  const nonce = randomBytes(NONCE_BYTES).toString("base64url");
  return `${nonce}.${mac(email, nonce)}`;
}

/**
 * The token's nonce when it was issued by this server (this SESSION_SECRET) for this (normalized)
 * e-mail address; null otherwise, also for anything malformed (never throws on input).
 */
export function verifyDeviceToken(token: string | null | undefined, email: string): string | null {
  const m = typeof token === "string" ? TOKEN.exec(token) : null;
  if (!m) return null;
  const [, nonce, given] = m;
  return safeEqual(mac(email, nonce), given) ? nonce : null;
}

/** The device cookie of a request, unverified; null without one (or when it is not even decodable). */
export function deviceTokenFrom(headers: Headers): string | null {
  return readCookie(headers.get("cookie"), DEVICE_COOKIE) ?? null;
}
