// Secrets that identify a caller (session cookies, API tokens) are random, high entropy, and stored
// only as keyed hashes (HMAC-SHA256 with SESSION_SECRET). Passwords use argon2id.
import "server-only";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { hash as argonHash, verify as argonVerify } from "@node-rs/argon2";
import { env, productionSecretProblem } from "../config/env";

export const SESSION_COOKIE = "larder_session";
export const TOKEN_PREFIX = "ldr_";

/**
 * HMAC-SHA256 of `data`, keyed with SESSION_SECRET or, given a `purpose`, with a key derived from
 * it (HMAC-SHA256(SESSION_SECRET, purpose)): a MAC made for one purpose never verifies for another.
 */
export function keyedHash(data: string, purpose?: string): Buffer {
  const e = env();
  // The servers refuse to start on it (exitUnlessReadyToServe); this also covers any other process.
  const problem = productionSecretProblem(e);
  if (problem) throw new Error(problem);
  const secret = e.SESSION_SECRET;
  const key = purpose === undefined ? secret : createHmac("sha256", secret).update(purpose).digest();
  return createHmac("sha256", key).update(data).digest();
}

export function hashSecret(secret: string): string {
  return keyedHash(secret).toString("hex");
}

export function newSessionSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** A new API token: `ldr_<8 chars id>_<43 chars secret>`. The prefix is safe to show in listings. */
export function newApiToken(): { token: string; prefix: string } {
  const id = randomBytes(6).toString("base64url").slice(0, 8);
  const token = `${TOKEN_PREFIX}${id}_${randomBytes(32).toString("base64url")}`;
  return { token, prefix: `${TOKEN_PREFIX}${id}` };
}

export async function hashPassword(password: string): Promise<string> {
  return argonHash(password, { algorithm: 2 /* argon2id */ });
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await argonVerify(passwordHash, password);
  } catch {
    return false;
  }
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
