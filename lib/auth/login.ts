// Password login for the console: verify the argon2 hash, open a session, hand back the cookie
// secret (stored only as an HMAC in the Session row) and the browser's device token.
import "server-only";
import { env } from "../config/env";
import { db } from "../db/client";
import { unauthenticated } from "../errors";
import { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_SECONDS, DEVICE_COOKIE_PATH, newDeviceToken, verifyDeviceToken } from "./device-cookie";
import { loginThrottle, type LoginThrottle } from "./login-throttle";
import { SESSION_COOKIE, hashPassword, hashSecret, newSessionSecret, verifyPassword } from "./secrets";

export interface LoginResult {
  /** The cookie value; shown to nobody else and never stored in clear. */
  secret: string;
  sessionId: string;
  expiresAt: Date;
  /** The device cookie's value: the one the caller sent if it is valid for this e-mail, else a new one. */
  deviceToken: string;
  user: { id: string; email: string; name: string; isAdmin: boolean };
}

const BAD_CREDENTIALS = "The e-mail address or password is wrong.";

// Unknown e-mails still pay for one argon2 verification, so response time does not tell an
// attacker which addresses have accounts.
let dummyHash: Promise<string> | undefined;
function timingDummyHash(): Promise<string> {
  dummyHash ??= hashPassword("larder-timing-equaliser-not-a-password");
  return dummyHash;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function login(
  input: { email: string; password: string },
  from: { clientAddress: string | null; deviceToken?: string | null; throttle?: LoginThrottle },
): Promise<LoginResult> {
  const email = normalizeEmail(input.email);
  // A device cookie issued for another e-mail (or forged, or from another SESSION_SECRET) is ignored.
  const device = verifyDeviceToken(from.deviceToken, email);
  // Counted before the hash is verified: a blocked attempt (429) spends no argon2.
  const attempt = await (from.throttle ?? loginThrottle()).attempt(email, from.clientAddress, device);
  const user = await db()
    .user.findUnique({ where: { email } })
    .catch(async (err: unknown) => {
      // Our failure, not a wrong password: it must not count towards a block.
      await attempt.abandoned();
      throw err;
    });
  const ok = await verifyPassword(user?.passwordHash ?? (await timingDummyHash()), input.password);
  // A disabled account gets the same answer as a wrong password: no account state is revealed.
  if (!user || !ok || user.disabledAt) throw unauthenticated(BAD_CREDENTIALS);
  await attempt.succeeded();
  const secret = newSessionSecret();
  const expiresAt = new Date(Date.now() + env().SESSION_TTL_DAYS * 86_400_000);
  const session = await db().session.create({ data: { tokenHash: hashSecret(secret), userId: user.id, expiresAt } });
  // Housekeeping: expired sessions of this user are useless; drop them while we are here.
  await db().session.deleteMany({ where: { userId: user.id, expiresAt: { lte: new Date() } } });
  const deviceToken = device !== null && from.deviceToken ? from.deviceToken : newDeviceToken(email);
  return { secret, sessionId: session.id, expiresAt, deviceToken, user: { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin } };
}

/** A `Set-Cookie` value for an HttpOnly, SameSite=Lax cookie; `Secure` when PUBLIC_URL is https. */
function setCookie(name: string, value: string, path: string, maxAge: number, expiresAt: Date): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${path}`,
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${maxAge}`,
    `Expires=${expiresAt.toUTCString()}`,
    ...(new URL(env().PUBLIC_URL).protocol === "https:" ? ["Secure"] : []),
  ].join("; ");
}

/** `Set-Cookie` value that stores the session in the browser. */
export function sessionCookie(secret: string, expiresAt: Date): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return setCookie(SESSION_COOKIE, secret, "/", maxAge, expiresAt);
}

/** `Set-Cookie` value that removes the session cookie. */
export function clearedSessionCookie(): string {
  return setCookie(SESSION_COOKIE, "", "/", 0, new Date(0));
}

/**
 * `Set-Cookie` value that stores the device token (lib/auth/device-cookie.ts), sent back only to the
 * login endpoint. One per browser: the last user who signed in there.
 */
export function deviceCookie(token: string): string {
  const maxAge = DEVICE_COOKIE_MAX_AGE_SECONDS;
  return setCookie(DEVICE_COOKIE, token, DEVICE_COOKIE_PATH, maxAge, new Date(Date.now() + maxAge * 1000));
}
