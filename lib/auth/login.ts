// Password login for the console: verify the argon2 hash, open a session, hand back the cookie
// secret (stored only as an HMAC in the Session row).
import "server-only";
import { env } from "../config/env";
import { db } from "../db/client";
import { unauthenticated } from "../errors";
import { loginThrottle, type LoginThrottle } from "./login-throttle";
import { SESSION_COOKIE, hashPassword, hashSecret, newSessionSecret, verifyPassword } from "./secrets";

export interface LoginResult {
  /** The cookie value; shown to nobody else and never stored in clear. */
  secret: string;
  sessionId: string;
  expiresAt: Date;
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
  from: { clientAddress: string | null; throttle?: LoginThrottle },
): Promise<LoginResult> {
  const email = normalizeEmail(input.email);
  // Counted before the hash is verified: a blocked attempt (429) spends no argon2.
  const attempt = await (from.throttle ?? loginThrottle()).attempt(email, from.clientAddress);
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
  return { secret, sessionId: session.id, expiresAt, user: { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin } };
}

function secureCookies(): boolean {
  return new URL(env().PUBLIC_URL).protocol === "https:";
}

/** `Set-Cookie` value that stores the session in the browser. */
export function sessionCookie(secret: string, expiresAt: Date): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(secret)}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${maxAge}`,
    `Expires=${expiresAt.toUTCString()}`,
    ...(secureCookies() ? ["Secure"] : []),
  ].join("; ");
}

/** `Set-Cookie` value that removes the session cookie. */
export function clearedSessionCookie(): string {
  return [
    `${SESSION_COOKIE}=`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    "Max-Age=0",
    "Expires=Thu, 01 Jan 1970 00:00:00 GMT",
    ...(secureCookies() ? ["Secure"] : []),
  ].join("; ");
}
